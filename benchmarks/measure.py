"""Measurements of one population size, each in a fresh process: ``python -m benchmarks.measure``.

``python -m benchmarks`` starts this module once per size (``size``) and once per end-to-end run
(``full``), so that each peak-memory reading belongs to that measurement alone; the last line the
subprocess prints is its result as JSON.

``size --n N``, with default parameters and ``--seed``:

- set-up: wall time of ``PuttingOutModel(seed=..., n_workers=N)`` (social graph, initial draws,
  agents), ``--setup-reps`` times (median; later builds follow a ``release()`` and garbage
  collection of the previous model);
- peak memory: the process's peak resident set (``ru_maxrss``) after the first set-up and
  ``--warmup`` weeks, minus its resident set just before the set-up, per worker; the compiled
  rules (``model/compiled.py``, about 45 MB of code and numba's runtime, once per process, whatever
  N) are loaded before that first reading, so that they do not count as memory per worker;
- steady throughput: after the warm-up, ``--blocks`` blocks of ``--block-weeks`` weeks each of the
  model (the whole ``step``, data collection included) alternating with as many weeks of the
  numpy reference kernel (``benchmarks.kernel``) on the same graph, so that both see the same
  machine; worker-weeks per second of each block, wall clock (``time.perf_counter``) and CPU
  (``time.process_time``); medians over blocks, and the median of the model/kernel ratios of
  neighbouring blocks;
- per-phase profile: ``--profile-weeks`` more weeks under ``benchmarks.phases.phase_timers``
  (wall clock), seconds per week for each of the eight phases; the data-collection share is the
  share of the step spent in phase 8 (metrics and the DataCollector).

``full --n N --weeks W``: wall time of set-up plus ``W`` weeks plus the DataCollector's data frame,
as one run, and the process's peak resident set (absolute, interpreter included).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import time
from functools import partial
from typing import Any

from benchmarks.kernel import KernelState, kernel_agrees_with_model, kernel_week
from benchmarks.phases import DATA_COLLECTION, PHASE_LABELS, PHASES, profile_weeks
from rumahan.model import PuttingOutModel
from rumahan.model.model import warm_up_compiled_rules


def peak_rss_bytes() -> int:
    """Peak resident set size of this process so far, in bytes (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def current_rss_bytes() -> int:
    """Resident set size now, in bytes (``/proc/self/statm`` where it exists, else the peak)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return peak_rss_bytes()


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def _timed_weeks(step: Any, weeks: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(weeks):
        step()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure_size(
    n: int,
    seed: int = 1,
    setup_reps: int = 3,
    warmup: int = 5,
    blocks: int = 5,
    block_weeks: int = 10,
    profile_weeks_: int = 20,
) -> dict[str, Any]:
    """Measure one population size in this process (see the module docstring)."""
    warm_up_compiled_rules(n_workers=20)  # a fixed cost of the process, not of its workers (20: leaves little heap behind)
    gc.collect()
    rss_before = current_rss_bytes()
    start = time.perf_counter()
    model = PuttingOutModel(seed=seed, n_workers=n)
    setup_times = [time.perf_counter() - start]
    agree = kernel_agrees_with_model(model)
    for _ in range(warmup):
        model.step()
    peak = peak_rss_bytes()

    kernel = KernelState.from_model(model)
    for _ in range(2):
        kernel_week(kernel)
    model_wall, model_cpu, kernel_wall, kernel_cpu, ratios = [], [], [], [], []
    for _ in range(blocks):
        mw, mc = _timed_weeks(model.step, block_weeks)
        kw, kc = _timed_weeks(partial(kernel_week, kernel), block_weeks)
        model_wall.append(n * block_weeks / mw)
        model_cpu.append(n * block_weeks / mc if mc > 0 else float("nan"))
        kernel_wall.append(n * block_weeks / kw)
        kernel_cpu.append(n * block_weeks / kc if kc > 0 else float("nan"))
        ratios.append(kw / mw)
    profile = profile_weeks(model, profile_weeks_)
    weeks_run = model.week
    del kernel
    model.release()
    del model
    for _ in range(setup_reps - 1):
        gc.collect()
        start = time.perf_counter()
        again = PuttingOutModel(seed=seed, n_workers=n)
        setup_times.append(time.perf_counter() - start)
        again.release()
        del again

    step_s = profile["step_s"]
    per_week = {label: profile["phases_s"][label] / profile["weeks"] for label in PHASES}
    observe = per_week[PHASE_LABELS["observe"]] + per_week[DATA_COLLECTION]
    return {
        "n_workers": n,
        "seed": seed,
        "setup_s": _median(setup_times),
        "setup_s_all": setup_times,
        "peak_rss_bytes": peak,
        "rss_before_setup_bytes": rss_before,
        "bytes_per_worker": (peak - rss_before) / n,
        "weeks_measured": blocks * block_weeks,
        "weeks_run": weeks_run,
        "model_ww_per_s": _median(model_wall),
        "model_ww_per_s_cpu": _median(model_cpu),
        "kernel_ww_per_s": _median(kernel_wall),
        "kernel_ww_per_s_cpu": _median(kernel_cpu),
        "ratio_to_kernel": _median(ratios),
        "blocks": {"model_ww_per_s": model_wall, "kernel_ww_per_s": kernel_wall, "ratio": ratios},
        "phase_s_per_week": per_week,
        "other_s_per_week": profile["other_s"] / profile["weeks"],
        "step_s_per_week_profiled": step_s / profile["weeks"],
        "data_collection_share": observe * profile["weeks"] / step_s if step_s > 0 else float("nan"),
        "datacollector_share": per_week[DATA_COLLECTION] * profile["weeks"] / step_s
        if step_s > 0 else float("nan"),
        "kernel_agrees": agree,
    }


def measure_full_run(n: int, weeks: int, seed: int = 1) -> dict[str, Any]:
    """One end-to-end run in this process: set-up, ``weeks`` weeks, the data frame; wall time
    of each part and the peak resident set of the process (absolute)."""
    start = time.perf_counter()
    model = PuttingOutModel(seed=seed, n_workers=n)
    built = time.perf_counter()
    for _ in range(weeks):
        model.step()
    stepped = time.perf_counter()
    frame = model.datacollector.get_model_vars_dataframe()
    end = time.perf_counter()
    rows = len(frame)
    model.release()
    return {
        "n_workers": n,
        "weeks": weeks,
        "seed": seed,
        "total_s": end - start,
        "setup_s": built - start,
        "steps_s": stepped - built,
        "frame_s": end - stepped,
        "rows": rows,
        "peak_rss_bytes": peak_rss_bytes(),
        "ww_per_s": n * weeks / (stepped - built),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.measure", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    size = sub.add_parser("size", help="set-up, memory, steady throughput and phases at one size")
    size.add_argument("--n", type=int, required=True)
    size.add_argument("--seed", type=int, default=1)
    size.add_argument("--setup-reps", type=int, default=3)
    size.add_argument("--warmup", type=int, default=5)
    size.add_argument("--blocks", type=int, default=5)
    size.add_argument("--block-weeks", type=int, default=10)
    size.add_argument("--profile-weeks", type=int, default=20)
    full = sub.add_parser("full", help="one end-to-end run: set-up, weeks, data frame")
    full.add_argument("--n", type=int, required=True)
    full.add_argument("--weeks", type=int, default=520)
    full.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.what == "size":
        result = measure_size(args.n, args.seed, args.setup_reps, args.warmup, args.blocks, args.block_weeks,
                              args.profile_weeks)
    else:
        result = measure_full_run(args.n, args.weeks, args.seed)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
