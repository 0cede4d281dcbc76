"""Sweeps: a TOML spec (``experiments.spec``) run as a batch, then reported.

``run_sweep`` plans every run of the spec, runs the ones not yet in the output folder (on this
process, a local pool or a Dask cluster: ``experiments.executors``), and writes the comparison
table and figures (``experiments.report``).
"""

from __future__ import annotations

from pathlib import Path

from rumahan.experiments.batch import BatchResult, run_batch
from rumahan.experiments.executors import Execution
from rumahan.experiments.report import choose_baseline, write_comparison
from rumahan.experiments.spec import SweepSpec


def run_sweep(
    spec: SweepSpec,
    out: str | Path,
    execution: Execution | None = None,
    *,
    baseline: str | None = None,
    report: bool = True,
) -> BatchResult:
    """Run (or resume) the sweep ``spec`` into ``out`` where ``execution`` says (``run_batch``);
    then write ``comparison.csv``/``.parquet`` and ``figures/`` unless ``report`` is false.
    ``baseline`` defaults to ``status_quo`` if the sweep has it, else its first scenario."""
    plan = spec.plan(kind="sweep")
    chosen = choose_baseline([s.name for s in spec.scenarios], baseline)
    result = run_batch(plan, out, execution)
    if report and result.folder is not None:
        write_comparison(result.folder, result.runs, result.timeseries, result.events, chosen, plan.design,
                         grid=list(spec.grid), windows=result.windows)
    return result
