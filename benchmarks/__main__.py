"""Rumahan's performance suite: ``python -m benchmarks`` (``make bench``), ``--smoke`` for a quick check.

What it measures and how is described in ``benchmarks/measure.py`` (population sizes, one fresh
process each), ``benchmarks/kernel.py`` (the numpy reference), ``benchmarks/phases.py`` (the step by
phase) and ``benchmarks/sweep.py`` (pool and Dask). A full run writes

- ``benchmarks/results/latest.json``: every figure (not committed);
- ``benchmarks/summary.json``: the targets and headline figures (committed);
- ``docs/performance.md``: the tables, between its ``bench`` markers.

``--smoke`` runs everything at tiny sizes in well under a minute and writes only
``benchmarks/results/smoke.json`` (or ``--out``); it exists so that the suite cannot rot.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.machine import REPO_ROOT, describe, load_average
from benchmarks.report import check_targets, write_docs

RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"
SUMMARY = REPO_ROOT / "benchmarks" / "summary.json"
DOCS = REPO_ROOT / "docs" / "performance.md"

#: Settings of a full run and of the smoke run.
FULL: dict[str, Any] = {
    "sizes": [1_000, 2_000, 10_000, 100_000, 1_000_000],
    "size_args": {
        1_000: ["--setup-reps", "5", "--blocks", "7", "--block-weeks", "40", "--profile-weeks", "100"],
        2_000: ["--setup-reps", "5", "--blocks", "7", "--block-weeks", "40", "--profile-weeks", "100"],
        10_000: ["--setup-reps", "5", "--blocks", "7", "--block-weeks", "20", "--profile-weeks", "60"],
        100_000: ["--setup-reps", "3", "--blocks", "7", "--block-weeks", "8", "--profile-weeks", "24"],
        1_000_000: ["--setup-reps", "3", "--blocks", "5", "--block-weeks", "3", "--profile-weeks", "8"],
    },
    "full_run": {"n": 1_000_000, "weeks": 520, "reps": 1},
    "dashboard": {"n": 2_000, "weeks": 520, "reps": 5},
    "sweep_small": {"runs": 200, "n_workers": 2_000, "weeks": 52, "reps": 3,
                    "configs": ("loop", "pool x1", "pool x2", "dask x1", "dask x2")},
    "sweep_default": {"runs": 20, "n_workers": 2_000, "weeks": 520, "reps": 3,
                      "configs": ("loop", "pool x1", "pool x2", "dask x1", "dask x2")},
    # a calibration run (issue 15): runs per hour through the local pool
    "sweep_calibration": {"runs": 200, "n_workers": 1_000, "weeks": 208, "reps": 3, "configs": ("loop", "pool x2")},
}
#: The sweeps a run measures, by their key in the settings and the results.
SWEEPS = ("sweep_small", "sweep_default", "sweep_calibration")
SMOKE: dict[str, Any] = {
    "sizes": [500, 3_000],
    "size_args": {
        500: ["--setup-reps", "1", "--warmup", "2", "--blocks", "2", "--block-weeks", "3", "--profile-weeks", "3"],
        3_000: ["--setup-reps", "1", "--warmup", "2", "--blocks", "2", "--block-weeks", "3", "--profile-weeks", "3"],
    },
    "full_run": {"n": 1_000, "weeks": 20, "reps": 1},
    "dashboard": {"n": 500, "weeks": 20, "reps": 1},
    "sweep_small": {"runs": 4, "n_workers": 100, "weeks": 5, "reps": 1, "configs": ("loop", "pool x2", "dask x1")},
    "sweep_default": None,
    "sweep_calibration": {"runs": 4, "n_workers": 100, "weeks": 8, "reps": 1, "configs": ("pool x2",)},
}


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _subprocess_json(args: list[str]) -> dict[str, Any]:
    """Run ``python -m benchmarks.measure ARGS`` in a fresh interpreter; its last stdout line."""
    command = [sys.executable, "-m", "benchmarks.measure", *args]
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_dashboard_run(n: int, weeks: int, reps: int) -> dict[str, Any]:
    """Wall time of the dashboard's call, ``run_simulation`` with its network snapshots and a
    progress callback (``dashboard.runs.simulate`` without Streamlit's cache and progress bar), in
    this process, which has imported everything already, as the dashboard's has; median over
    ``reps`` seeds."""
    from rumahan.experiments.runner import run_simulation

    # Streamlit's cache warns, at import, that it runs without a server: true and harmless here.
    logging.getLogger("streamlit.runtime.caching.cache_data_api").disabled = True
    try:
        from rumahan.dashboard.runs import SNAPSHOT_SIZE, snapshot_weeks

        snapshots: dict[str, Any] = {"snapshot_weeks": snapshot_weeks(weeks), "snapshot_size": SNAPSHOT_SIZE}
    except ImportError:  # no dashboard (or no Streamlit): the plain run
        snapshots = {}
    times = []
    for seed in range(reps):
        start = time.perf_counter()
        run_simulation({"n_workers": n}, seed=seed, weeks=weeks, progress=lambda done, total: None, **snapshots)
        times.append(time.perf_counter() - start)
    return {"n_workers": n, "weeks": weeks, "snapshots": len(snapshots.get("snapshot_weeks", [])),
            "times_s": times, "median_s": statistics.median(times)}


def run(settings: dict[str, Any], command: str, smoke: bool, skip: set[str]) -> dict[str, Any]:
    """Run the suite with ``settings``; returns the results dict (see the module docstring)."""
    results: dict[str, Any] = {
        "schema": 1,
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "smoke": smoke,
        "machine": describe(),
        "settings": {k: v for k, v in settings.items() if k != "size_args"},
        "sizes": [],
    }
    if "sizes" not in skip:
        for n in settings["sizes"]:
            _log(f"[bench] N = {n:,}: set-up, memory, throughput, phases ...")
            size = _subprocess_json(["size", "--n", str(n), *settings["size_args"].get(n, [])])
            results["sizes"].append(size)
            _log(f"[bench]   set-up {size['setup_s']:.2f} s, {size['bytes_per_worker']:,.0f} bytes/worker, "
                 f"{size['model_ww_per_s'] / 1e6:.2f} M ww/s, {size['ratio_to_kernel']:.2f} of the kernel")
    full = settings["full_run"]
    if full and "full" not in skip:
        runs = []
        for rep in range(full["reps"]):
            _log(f"[bench] one run of N = {full['n']:,} x {full['weeks']} weeks ({rep + 1}/{full['reps']}) ...")
            runs.append(_subprocess_json(["full", "--n", str(full["n"]), "--weeks", str(full["weeks"])]))
            _log(f"[bench]   {runs[-1]['total_s']:.1f} s, peak {runs[-1]['peak_rss_bytes'] / 1e9:.2f} GB")
        by_time = sorted(runs, key=lambda r: r["total_s"])
        results["full_run"] = {**by_time[len(by_time) // 2], "reps": len(runs), "all": runs,
                               "peak_rss_bytes_max": max(r["peak_rss_bytes"] for r in runs)}
    dash = settings["dashboard"]
    if dash and "dashboard" not in skip:
        _log(f"[bench] dashboard run N = {dash['n']:,} x {dash['weeks']} weeks ...")
        results["dashboard_run"] = measure_dashboard_run(dash["n"], dash["weeks"], dash["reps"])
    if "sweep" not in skip:
        from benchmarks.sweep import measure_sweep

        for key in SWEEPS:
            spec = settings.get(key)
            if not spec:
                continue
            _log(f"[bench] {key}: {spec['runs']} runs of N = {spec['n_workers']:,} x {spec['weeks']} weeks, "
                 f"{', '.join(spec['configs'])} ...")
            results[key] = measure_sweep(spec["runs"], spec["n_workers"], spec["weeks"], spec["reps"],
                                         tuple(spec["configs"]))
    results["load_average_at_end"] = load_average()
    results["targets"] = check_targets(results)
    return results


def summary(results: dict[str, Any]) -> dict[str, Any]:
    """The headline figures kept in ``benchmarks/summary.json``."""
    keep = ("n_workers", "setup_s", "bytes_per_worker", "model_ww_per_s", "model_ww_per_s_cpu", "kernel_ww_per_s",
            "ratio_to_kernel", "data_collection_share")
    return {
        "when": results["when"],
        "command": results["command"],
        "machine": results["machine"],
        "targets": results["targets"],
        "sizes": [{k: s[k] for k in keep} for s in results["sizes"]],
        "full_run": {k: v for k, v in (results.get("full_run") or {}).items() if k != "all"},
        "dashboard_run_s": (results.get("dashboard_run") or {}).get("median_s"),
        "sweeps": {key: {k: v for k, v in results[key].items() if k != "batch_s"}
                   for key in SWEEPS if results.get(key)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, in well under a minute; writes no docs")
    parser.add_argument("--sizes", help="comma-separated population sizes instead of the default ones")
    parser.add_argument("--full-reps", type=int, help="repetitions of the end-to-end run (default 1)")
    parser.add_argument("--skip", default="", help="comma-separated parts to leave out: sizes, full, dashboard, sweep")
    parser.add_argument("--out", type=Path, help="results file (default benchmarks/results/latest.json, "
                        "or smoke.json with --smoke)")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/performance.md and summary.json")
    parser.add_argument("--blas-threads", type=int, help="set OPENBLAS/OMP/MKL_NUM_THREADS for the measurements "
                        "(default: leave the environment as it is)")
    args = parser.parse_args(argv)
    if args.blas_threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(args.blas_threads)
    settings = {**(SMOKE if args.smoke else FULL)}
    if args.sizes:
        settings["sizes"] = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.full_reps and settings["full_run"]:
        settings["full_run"] = {**settings["full_run"], "reps": args.full_reps}
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    command = shlex.join(["python", "-m", "benchmarks", *(argv if argv is not None else sys.argv[1:])])
    results = run(settings, command, args.smoke, skip)

    out = args.out or RESULTS_DIR / ("smoke.json" if args.smoke else "latest.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")
    _log(f"[bench] results: {out}")
    if not args.smoke and not args.no_docs:
        SUMMARY.write_text(json.dumps(summary(results), indent=1) + "\n")
        write_docs(DOCS, results)
        _log(f"[bench] summary: {SUMMARY}; report: {DOCS}")
    for t in results["targets"]:
        state = {True: "met", False: "NOT MET", None: "not measured"}[t["met"]]
        print(f"{state:>12}  {t['what']}: {t['shown']} (goal {t['goal']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
