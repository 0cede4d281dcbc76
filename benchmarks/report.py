"""The targets of the performance issue, checked against a results dict, and the Markdown report.

``docs/performance.md`` is written by ``python -m benchmarks``: the part between the markers
``<!-- bench:begin -->`` and ``<!-- bench:end -->`` is replaced with the tables of the latest
run; the prose around it is kept as it is.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.phases import PHASES

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


@dataclass(frozen=True)
class Target:
    key: str
    what: str
    goal: str
    value: Callable[[dict[str, Any]], float | None]
    met: Callable[[float], bool]
    show: Callable[[float], str]


def _size(results: dict[str, Any], n: int) -> dict[str, Any] | None:
    return next((s for s in results.get("sizes", []) if s.get("n_workers") == n), None)


def _from_size(n: int, key: str) -> Callable[[dict[str, Any]], float | None]:
    def get(results: dict[str, Any]) -> float | None:
        size = _size(results, n)
        return None if size is None else size.get(key)

    return get


def _full(key: str) -> Callable[[dict[str, Any]], float | None]:
    def get(results: dict[str, Any]) -> float | None:
        full = results.get("full_run") or {}
        return full.get(key) if full.get("n_workers") == 1_000_000 and full.get("weeks") == 520 else None

    return get


def _dashboard(results: dict[str, Any]) -> float | None:
    dash = results.get("dashboard_run") or {}
    return dash.get("median_s") if (dash.get("n_workers"), dash.get("weeks")) == (2_000, 520) else None


def _sweep(key: str, field: str, runs: int | None, weeks: int, n_workers: int = 2_000,
           config: str | None = None) -> Callable[[dict[str, Any]], float | None]:
    """A figure of a sweep, if the sweep was of the size the target speaks of (``config``: read
    ``field[config]``, e.g. one configuration's runs per second)."""

    def get(results: dict[str, Any]) -> float | None:
        sw = results.get(key) or {}
        if sw.get("n_workers") != n_workers or sw.get("weeks") != weeks or (runs is not None and sw.get("runs") != runs):
            return None
        value = sw.get(field)
        return value.get(config) if config is not None and isinstance(value, dict) else value

    return get


def _per_hour(get: Callable[[dict[str, Any]], float | None]) -> Callable[[dict[str, Any]], float | None]:
    def per_hour(results: dict[str, Any]) -> float | None:
        per_second = get(results)
        return None if per_second is None else 3600.0 * per_second

    return per_hour


#: The targets of issue 15 (the first five) and the guards kept from issue 5. The tutorial's
#: target (``make tutorial`` in 4 minutes or less) is timed by ``make tutorial`` itself, which
#: prints its total; ``make bench`` does not regenerate the tutorial.
TARGETS: tuple[Target, ...] = (
    Target("dashboard", "default run: N = 2,000 x 520 weeks, data frame included (run_simulation)", "<= 0.20 s",
           _dashboard, lambda v: v <= 0.20, lambda v: f"{v:.2f} s"),
    Target("ratio_2k", "steady throughput at N = 2,000, as a share of the numpy reference kernel", ">= 0.5",
           _from_size(2_000, "ratio_to_kernel"), lambda v: v >= 0.5, lambda v: f"{v:.2f}"),
    Target("ratio_1k", "steady throughput at N = 1,000, as a share of the numpy reference kernel", ">= 0.5",
           _from_size(1_000, "ratio_to_kernel"), lambda v: v >= 0.5, lambda v: f"{v:.2f}"),
    Target("calibration_runs_per_hour", "runs per hour, N = 1,000 x 208 weeks, local pool with 2 jobs",
           ">= 60,000", _per_hour(_sweep("sweep_calibration", "runs_per_s", None, 208, 1_000, "pool x2")),
           lambda v: v >= 60_000, lambda v: f"{v:,.0f}"),
    Target("throughput_100k", "steady throughput at N = 100,000 (guard)", ">= 5.0 M worker-weeks/s",
           _from_size(100_000, "model_ww_per_s"), lambda v: v >= 5e6, lambda v: f"{v / 1e6:.2f} M/s"),
    Target("ratio_100k", "steady throughput at N = 100,000, as a share of the numpy reference kernel (guard)",
           ">= 0.15", _from_size(100_000, "ratio_to_kernel"), lambda v: v >= 0.15, lambda v: f"{v:.2f}"),
    Target("full_1m_s", "N = 1,000,000 x 520 weeks, set-up included (guard)", "< 180 s",
           _full("total_s"), lambda v: v < 180, lambda v: f"{v:.0f} s"),
    Target("full_1m_memory", "peak memory of that run, whole process (guard)", "< 2 GB",
           _full("peak_rss_bytes"), lambda v: v < 2e9, lambda v: f"{v / 1e9:.2f} GB"),
    Target("setup_1m", "set-up of N = 1,000,000: graph, agents, initial draws (guard)", "< 30 s",
           _from_size(1_000_000, "setup_s"), lambda v: v < 30, lambda v: f"{v:.1f} s"),
    Target("pool_speedup", "sweep of 200 runs (N = 2,000 x 52 weeks): local pool with 2 jobs vs 1 job (guard)",
           ">= 1.7x", _sweep("sweep_small", "speedup_2_jobs", 200, 52), lambda v: v >= 1.7, lambda v: f"{v:.2f}x"),
    Target("pool_overhead", "per-run overhead of the local pool at the default size (guard)", "< 10 %",
           _sweep("sweep_default", "pool_overhead", None, 520), lambda v: v < 0.10, lambda v: f"{100 * v:.1f} %"),
    Target("dask_overhead", "per-run overhead of Dask at the default size (guard)", "< 10 %",
           _sweep("sweep_default", "dask_overhead", None, 520), lambda v: v < 0.10, lambda v: f"{100 * v:.1f} %"),
)


def check_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value (``None`` if not measured in this run) and whether
    it is met."""
    out = []
    for t in TARGETS:
        value = t.value(results)
        ok = value is not None and not (isinstance(value, float) and math.isnan(value))
        out.append({
            "key": t.key, "what": t.what, "goal": t.goal, "value": value if ok else None,
            "shown": t.show(value) if ok else "not measured", "met": bool(t.met(value)) if ok else None,
        })
    return out


def _mark(met: bool | None) -> str:
    return {True: "**met**", False: "**not met**", None: "not measured"}[met]


def _millions(x: float | None) -> str:
    return "-" if x is None else f"{x / 1e6:.2f}"


def markdown(results: dict[str, Any]) -> str:
    """The tables of one benchmark run, as Markdown."""
    m = results["machine"]
    lines = [
        f"Run of {results['when']} with `{results['command']}`"
        + (" (smoke settings: small and short, not for comparison)" if results.get("smoke") else "") + ".",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; {m['system']}; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["libraries"].items() if v)
        + f"; BLAS {m['blas']}. Load average (1, 5, 15 min) at start {m['load_average_at_start']}, "
        f"at end {results.get('load_average_at_end')}"
        + (f"; git {m['git']['commit'][:10]}{' with uncommitted changes' if m['git']['dirty'] else ''}"
           if m.get("git") else "") + ".",
        "",
        "### Targets",
        "",
        "| target | goal | measured | |",
        "| --- | --- | --- | --- |",
    ]
    for t in results["targets"]:
        lines.append(f"| {t['what']} | {t['goal']} | {t['shown']} | {_mark(t['met'])} |")
    sizes = results.get("sizes", [])
    if sizes:
        lines += [
            "",
            "### Population sizes (default parameters, one process)",
            "",
            "Throughput in million worker-weeks per second (M ww/s), medians over blocks of weeks; "
            "wall clock, and in brackets per second of the process's CPU time (all its threads: where "
            "OpenBLAS's worker thread spins, CPU time runs faster than the clock). Ratio: model / numpy reference "
            "kernel, blocks alternating in the same process. Memory: peak resident set over the "
            "process before set-up, per worker (fresh process per size). Data collection: share of "
            "the step in phase 8 (metrics and the DataCollector).",
            "",
            "| N | set-up (s) | memory (bytes/worker) | model (M ww/s) | kernel (M ww/s) | ratio | data collection |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for s in sizes:
            lines.append(
                f"| {s['n_workers']:,} | {s['setup_s']:.2f} | {s['bytes_per_worker']:,.0f} | "
                f"{_millions(s['model_ww_per_s'])} ({_millions(s['model_ww_per_s_cpu'])}) | "
                f"{_millions(s['kernel_ww_per_s'])} ({_millions(s['kernel_ww_per_s_cpu'])}) | "
                f"{s['ratio_to_kernel']:.2f} | {100 * s['data_collection_share']:.1f} % |"
            )
        lines += [
            "",
            "### The weekly step by phase (ms per week, wall clock)",
            "",
            "| phase | " + " | ".join(f"N = {s['n_workers']:,}" for s in sizes) + " |",
            "| --- | " + " | ".join("---:" for _ in sizes) + " |",
        ]
        for label in PHASES:
            lines.append(f"| {label} | " + " | ".join(f"{1e3 * s['phase_s_per_week'][label]:.2f}" for s in sizes) + " |")
        lines.append("| other (outside the phase functions) | "
                     + " | ".join(f"{1e3 * s['other_s_per_week']:.2f}" for s in sizes) + " |")
        lines.append("| **whole step** | "
                     + " | ".join(f"**{1e3 * s['step_s_per_week_profiled']:.2f}**" for s in sizes) + " |")
    full = results.get("full_run")
    if full:
        lines += [
            "",
            f"### One run of N = {full['n_workers']:,} x {full['weeks']} weeks (fresh process)",
            "",
            f"Total {full['total_s']:.1f} s: set-up {full['setup_s']:.1f} s, weeks {full['steps_s']:.1f} s "
            f"({full['ww_per_s'] / 1e6:.2f} M ww/s), data frame {full['frame_s']:.2f} s; peak resident set "
            f"{full['peak_rss_bytes'] / 1e9:.2f} GB (median of {full['reps']} run(s)).",
        ]
    dash = results.get("dashboard_run")
    if dash:
        lines += [
            "",
            f"Default dashboard run (`run_simulation`, N = {dash['n_workers']:,} x {dash['weeks']} weeks, "
            f"{dash.get('snapshots', 0)} network snapshots, in a warm process): median {dash['median_s']:.2f} s "
            f"over {len(dash['times_s'])} runs.",
        ]
    for key, title in (("sweep_small", "Sweep of small runs"), ("sweep_default", "Runs of the default size"),
                       ("sweep_calibration", "Calibration-sized runs")):
        sw = results.get(key)
        if not sw:
            continue
        lines += [
            "",
            f"### {title}: {sw['runs']} runs of N = {sw['n_workers']:,} x {sw['weeks']} weeks",
            "",
            f"Each run is `{sw['engine']}`; medians of {sw['reps']} batches; executors started and warmed "
            "up before timing.",
            "",
            "| configuration | runs/s | start-up (s) |",
            "| --- | ---: | ---: |",
        ]
        for name, rate in sw["runs_per_s"].items():
            lines.append(f"| {name} | {rate:.2f} ({3600 * rate:,.0f} an hour) | {sw['startup_s'].get(name, 0.0):.1f} |")
        facts = []
        if "speedup_2_jobs" in sw:
            facts.append(f"pool with 2 jobs: {sw['speedup_2_jobs']:.2f}x the loop (efficiency "
                         f"{100 * sw['efficiency_2_jobs']:.0f} %)")
        if "speedup_2_vs_1_process" in sw:
            facts.append(f"{sw['speedup_2_vs_1_process']:.2f}x a 1-process pool")
        if "dask_speedup_2_workers" in sw:
            facts.append(f"Dask with 2 workers: {sw['dask_speedup_2_workers']:.2f}x the loop (efficiency "
                         f"{100 * sw['dask_efficiency_2_workers']:.0f} %)")
        for name in ("pool", "dask"):
            if f"{name}_overhead" in sw:
                facts.append(f"{name} overhead per run {100 * sw[f'{name}_overhead']:.1f} % "
                             f"({sw[f'{name}_overhead_ms_per_run']:.0f} ms)")
        if facts:
            lines += ["", "; ".join(facts) + "."]
    return "\n".join(lines) + "\n"


def write_docs(path: Path, results: dict[str, Any]) -> None:
    """Replace the marked part of ``path`` with ``markdown(results)`` (the file must have the
    markers; a missing file is created with just the tables)."""
    block = f"{BEGIN}\n{markdown(results)}{END}"
    if path.exists():
        text = path.read_text()
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            path.write_text(head + block + tail)
            return
        path.write_text(text.rstrip("\n") + "\n\n" + block + "\n")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Performance\n\n" + block + "\n")
