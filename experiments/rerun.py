"""Repeat what an output folder's manifest describes and check the numbers bit for bit
(``rumahan rerun DIR/manifest.json``).

A manifest records everything a run depends on besides the code: the parameters at week 0, the
schedule of policy changes, the seed and the number of weeks (for a batch: its scenarios,
overrides, design in ``design.parquet``, replicates, weeks and root seed). ``rerun`` rebuilds the
runs from those alone, runs them again with the code installed now, and compares every stored
number with the new one, as 64-bit patterns (so ``0.1 + 0.2`` and ``0.30000000000000004`` differ,
and so do ``0.0`` and ``-0.0``):

- a single run (``rumahan run``): every metric of every week of ``timeseries.parquet``, and the
  events of ``events.parquet``;
- a batch (``sweep``, ``comparison``, ``sensitivity``, ``robustness``): the plan is rebuilt from
  the manifest and must have the batch's identity (``manifest["identity"]``, a hash of every
  run's parameters, schedule, seed and weeks), then the chosen runs (all by default) are run
  again and compared with ``runs.parquet`` (their final-year means and parameters), with
  ``windows.parquet`` (their means over named windows) where the folder has it, and, when the batch
  kept them, their weekly series in ``timeseries.parquet``.

The report says that the numbers are identical, or names the first differing metric and week of
each run that differs. It also notes when the model code (its fingerprint) or the packages that
decide results have changed since the folder was written: identical numbers then show that the
change did not touch these runs.

    python -m rumahan.experiments rerun results/c177/manifest.json
    python -m rumahan.experiments rerun results/sweep --run status_quo-p0-r0 --jobs 2
"""

from __future__ import annotations

import tomllib
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rumahan.experiments import storage
from rumahan.experiments.executors import Execution
from rumahan.experiments.provenance import model_fingerprint, package_versions
from rumahan.experiments.records import ID_COLUMNS, OUTCOME_NAMES, SERIES_TYPES, param_column
from rumahan.experiments.scenarios import Scenario, ScenarioError, ScheduleWarning, scenario_from_dict
from rumahan.model import params as registry
from rumahan.model.errors import RumahanInputError
from rumahan.model.metrics import METRIC_NAMES

#: Packages whose version is compared with the manifest's (a change is reported, not refused).
RESULT_PACKAGES = ("mesa", "numpy", "scipy", "pandas")


@dataclass(frozen=True)
class Difference:
    """The first value of one run that is not the same bits as the stored one.

    Attributes:
        run_id: the run.
        metric: the metric (or ``param.<name>``, ``seed``, ``events``) that differs.
        week: the week of a weekly value; ``None`` for a final-year mean, a parameter or the events.
        stored, rerun: the two values.
        count: how many values of this run differ in all.
    """

    run_id: str
    metric: str
    week: int | None
    stored: Any
    rerun: Any
    count: int = 1

    def describe(self) -> str:
        where = f"week {self.week}, " if self.week is not None else ""
        what = "final-year mean " if self.week is None and self.metric in OUTCOME_NAMES else ""
        more = f" ({self.count} value(s) of this run differ)" if self.count > 1 else ""
        return (f"{self.run_id}: first difference at {where}{what}{self.metric}: stored {self.stored!r}, "
                f"rerun {self.rerun!r}{more}")


@dataclass
class RerunReport:
    """What ``rerun`` found.

    Attributes:
        folder: the output folder.
        kind: its kind (``run``, ``sweep``, ...).
        runs: run ids rerun and compared.
        values: how many stored numbers were compared.
        differences: the first difference of each run that differs (empty: identical).
        notes: changes since the folder was written (model code, package versions).
    """

    folder: Path
    kind: str
    runs: list[str]
    values: int = 0
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.differences

    def summary(self) -> str:
        """A few lines for the terminal: the verdict first."""
        what = f"{len(self.runs)} run(s) of the {self.kind} in {self.folder}"
        if self.identical:
            lines = [f"identical: {what} reproduced bit for bit ({self.values:,} stored values compared)"]
        else:
            lines = [f"DIFFERENT: {len(self.differences)} of {what} did not reproduce "
                     f"({self.values:,} stored values compared)"]
            lines += [f"  {d.describe()}" for d in self.differences[:20]]
            if len(self.differences) > 20:
                lines.append(f"  ... and {len(self.differences) - 20} more run(s)")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


# --- comparing numbers bit for bit ------------------------------------------------------------------
def _bits(values: np.ndarray) -> np.ndarray:
    """The 64-bit patterns of numbers (floats as IEEE 754 doubles), for exact comparison."""
    if values.dtype.kind == "f":
        return values.astype(np.float64).view(np.uint64)
    return values.astype(np.int64).view(np.uint64) if values.dtype.kind in "iub" else values


def first_series_difference(run_id: str, stored: pd.DataFrame, rerun: pd.DataFrame) -> Difference | None:
    """The first (earliest week, then metric order) weekly value of ``rerun`` that differs from
    ``stored`` (both: one row per week; the metrics of ``METRIC_NAMES`` that ``stored`` holds, as a
    folder written before a metric was added lacks it), or ``None``."""
    if len(stored) != len(rerun):
        return Difference(run_id, "weeks", None, len(stored), len(rerun))
    held = [m for m in METRIC_NAMES if m in stored.columns]
    a = np.column_stack([_bits(stored[m].to_numpy()) for m in held])
    b = np.column_stack([_bits(rerun[m].to_numpy()) for m in held])
    differ = a != b
    if not differ.any():
        return None
    row, col = np.argwhere(differ)[0]
    metric = held[col]
    return Difference(run_id, metric, int(stored["week"].iloc[row]), _plain(stored[metric].iloc[row]),
                      _plain(rerun[metric].iloc[row]), int(differ.sum()))


def first_row_difference(run_id: str, stored: pd.Series, rerun: pd.Series, columns: Sequence[str]) -> Difference | None:
    """The first of ``columns`` whose value differs between two runs-table rows, or ``None``."""
    differing = []
    for column in columns:
        a, b = stored[column], rerun[column]
        if isinstance(a, float | np.floating) or isinstance(b, float | np.floating):
            same = np.float64(a).view(np.uint64) == np.float64(b).view(np.uint64)
        else:
            same = a == b
        if not same:
            differing.append(column)
    if not differing:
        return None
    first = differing[0]
    return Difference(run_id, first, None, _plain(stored[first]), _plain(rerun[first]), len(differing))


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _events_difference(run_id: str, stored: pd.DataFrame, rerun: Iterable[dict[str, Any]]) -> Difference | None:
    old = [(int(w), str(k), str(d)) for w, k, d in stored[["week", "kind", "detail"]].itertuples(index=False)]
    new = [(int(e["week"]), str(e["kind"]), str(e["detail"])) for e in rerun]
    if old == new:
        return None
    at = next((i for i, (x, y) in enumerate(zip(old, new, strict=False)) if x != y), min(len(old), len(new)))
    first_old = old[at] if at < len(old) else None
    first_new = new[at] if at < len(new) else None
    week = (first_old or first_new)[0]
    return Difference(run_id, "events", week, first_old, first_new)


# --- what changed since -------------------------------------------------------------------------------
def environment_notes(manifest: dict[str, Any]) -> list[str]:
    """Differences between the environment recorded in ``manifest`` and this one."""
    recorded = manifest.get("environment") or {}
    notes = []
    then, now = recorded.get("model_fingerprint"), model_fingerprint()
    if then and then != now:
        notes.append(f"the model code changed since this folder was written (fingerprint {then}, now {now})")
    versions = recorded.get("packages") or {}
    mine = package_versions(RESULT_PACKAGES)
    changed = [f"{name} {versions[name]} -> {mine[name]}" for name in RESULT_PACKAGES
               if name in versions and versions[name] != mine[name]]
    if changed:
        notes.append("packages changed since: " + ", ".join(changed))
    return notes


# --- single runs -----------------------------------------------------------------------------------
def _rerun_single(folder: storage.OutputFolder, progress: Callable[[int, int], None] | None) -> RerunReport:
    from rumahan.experiments.runner import run_simulation

    manifest = folder.manifest
    for key in ("parameters", "seed", "weeks"):
        if key not in manifest:
            raise storage.OutputError(f"{folder.path / storage.MANIFEST} has no \"{key}\"; it cannot be rerun")
    schedule = [(int(w), dict(c)) for w, c in manifest.get("schedule") or []]
    try:
        result = run_simulation(manifest["parameters"], seed=manifest["seed"], weeks=manifest["weeks"],
                                schedule=schedule, progress=progress)
    except RumahanInputError as exc:  # ParameterError is one; a bug is not the folder's fault
        raise storage.OutputError(f"{folder.path / storage.MANIFEST} describes a run that cannot be built: {exc}") from None
    run_id = str(folder.runs["run_id"].iloc[0])
    held = [m for m in METRIC_NAMES if m in folder.timeseries.columns]  # older folders lack newer metrics
    stored = folder.timeseries[held].reset_index(drop=True)
    rerun = result.timeseries.reset_index(drop=True)[held].astype({m: SERIES_TYPES[m] for m in held})
    report = RerunReport(folder.path, folder.kind, [run_id], values=stored.size,
                         notes=environment_notes(manifest))
    difference = first_series_difference(run_id, stored, rerun)
    if difference is None and "events" in folder.tables:
        difference = _events_difference(run_id, folder.tables["events"], result.events)
    if difference is not None:
        report.differences.append(difference)
    return report


# --- batches ---------------------------------------------------------------------------------------
def _scenario(record: dict[str, Any]) -> Scenario:
    """A scenario exactly as the manifest recorded it (its parameters and schedule as JSON, which
    keep every value's type; the TOML text only where those are missing)."""
    if "parameters" in record and "schedule" in record:
        return Scenario(name=str(record["name"]), description=str(record.get("description", "")),
                        parameters=dict(record["parameters"]),
                        schedule=tuple((int(w), dict(c)) for w, c in record["schedule"]),
                        source=str(record.get("source", "")),
                        windows={str(k): (int(a), int(b)) for k, (a, b) in (record.get("windows") or {}).items()})
    try:
        return scenario_from_dict(tomllib.loads(record["toml"]), default_name=str(record["name"]))
    except (KeyError, tomllib.TOMLDecodeError, ScenarioError) as exc:
        raise storage.OutputError(f"scenario {record.get('name')!r} in the manifest cannot be read: {exc}") from None


def rebuild_plan(folder: storage.OutputFolder):
    """The batch plan a folder's manifest describes; it must have the identity the folder records."""
    from rumahan.experiments.plan import build_plan

    manifest = folder.manifest
    plan_record = manifest.get("plan") or {}
    needed = ("scenarios", "replicates", "weeks", "root_seed")
    missing = [k for k in needed if k not in plan_record]
    if missing:
        raise storage.OutputError(f"{folder.path / storage.MANIFEST} lacks plan entries {', '.join(missing)}; "
                                  "it cannot be rerun")
    design = folder.tables.get("design")
    try:
        plan = build_plan(
            manifest["kind"], [_scenario(s) for s in plan_record["scenarios"]], design=design,
            overrides=plan_record.get("overrides") or {}, replicates=plan_record["replicates"],
            weeks=plan_record["weeks"], root_seed=plan_record["root_seed"],
            keep_timeseries=bool(manifest.get("timeseries", True)),
        )
    except RumahanInputError as exc:
        raise storage.OutputError(f"{folder.path / storage.MANIFEST} describes runs that cannot be built: {exc}") from None
    if plan.identity() != manifest.get("identity"):
        raise storage.OutputError(
            f"the runs rebuilt from {folder.path / storage.MANIFEST} and design.parquet are not the batch the folder "
            "holds (its identity differs): one of them was changed after the batch ran"
        )
    return plan


def _rerun_batch(folder: storage.OutputFolder, run_ids: Sequence[str] | None, execution: Execution) -> RerunReport:
    from rumahan.experiments.batch import run_batch

    plan = rebuild_plan(folder)
    finished = list(folder.runs["run_id"].astype(str))
    wanted = list(dict.fromkeys(run_ids)) if run_ids else finished
    unknown = [r for r in wanted if r not in set(finished)]
    if unknown:
        known = ", ".join(finished[:5]) + (", ..." if len(finished) > 5 else "")
        raise storage.OutputError(f"no finished run {unknown[0]!r} in {folder.path}; its runs are {known}")
    chosen = set(wanted)
    subset = replace(plan, tasks=[t for t in plan.tasks if t.run_id in chosen])
    result = run_batch(subset, None, execution)
    stored_runs = folder.runs.set_index("run_id", drop=False)
    new_runs = result.runs.set_index("run_id", drop=False)
    # a folder written before a parameter or metric was added lacks it (or holds a gap): compare what it holds
    columns = [c for c in (*ID_COLUMNS, *(param_column(p.name) for p in registry.PARAMETERS), *OUTCOME_NAMES)
               if c in stored_runs.columns and not (c.startswith("param.") and stored_runs[c].isna().all())]
    report = RerunReport(folder.path, folder.kind, wanted, notes=environment_notes(folder.manifest))
    series_by_run = ({r: s for r, s in folder.timeseries.groupby("run_id", sort=False)}
                     if folder.timeseries is not None else {})
    new_series = ({r: s for r, s in result.timeseries.groupby("run_id", sort=False)}
                  if result.timeseries is not None else {})
    stored_windows = _by_run_and_window(folder.tables.get("windows"))
    new_windows = _by_run_and_window(result.windows)
    for run_id in wanted:
        report.values += len(columns)
        difference = first_row_difference(run_id, stored_runs.loc[run_id], new_runs.loc[run_id], columns)
        if difference is None and run_id in series_by_run:
            # a folder written before a metric was added lacks it: compare what it holds
            held = [m for m in METRIC_NAMES if m in series_by_run[run_id].columns]
            stored = series_by_run[run_id][held].reset_index(drop=True)
            report.values += stored.size
            difference = first_series_difference(run_id, stored, new_series[run_id][held].reset_index(drop=True))
        if difference is None:
            difference = _windows_difference(run_id, stored_windows.get(run_id), new_windows.get(run_id))
            report.values += 0 if stored_windows.get(run_id) is None else stored_windows[run_id].size
        if difference is not None:
            report.differences.append(difference)
    return report


def _by_run_and_window(windows: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """A windows table's outcomes per run, one row per window (indexed by its name)."""
    if windows is None or not len(windows):
        return {}
    return {str(r): w.set_index("window")[list(OUTCOME_NAMES)] for r, w in windows.groupby("run_id", sort=False)}


def _windows_difference(run_id: str, stored: pd.DataFrame | None, rerun: pd.DataFrame | None) -> Difference | None:
    """The first window mean of a run that differs from the stored one (``window <name>: <metric>``)."""
    if stored is None:  # a folder written before windows, or scenarios without them
        return None
    if rerun is None or list(rerun.index) != list(stored.index):
        return Difference(run_id, "windows", None, list(stored.index), [] if rerun is None else list(rerun.index))
    for name in stored.index:
        difference = first_row_difference(run_id, stored.loc[name], rerun.loc[name], OUTCOME_NAMES)
        if difference is not None:
            return replace(difference, metric=f"window {name}: {difference.metric}")
    return None


# --- the entry point -----------------------------------------------------------------------------------
def rerun(
    path: str | Path,
    run_ids: Sequence[str] | None = None,
    execution: Execution | None = None,
) -> RerunReport:
    """Rerun the output folder at ``path`` (the folder or its ``manifest.json``) and compare.

    Args:
        path: a folder written by ``rumahan run``, ``sweep``, ``compare``, ``sensitivity`` or
            ``robustness``, or its manifest.
        run_ids: for a batch, the runs to repeat (default: every finished run).
        execution: where a batch's runs execute (``run_batch``); its ``progress`` hears of runs
            done for a batch, of weeks done for a single run.

    Raises:
        storage.OutputError: not a readable output folder, or a manifest that cannot be rerun.
    """
    execution = execution or Execution()
    folder = storage.load_output(path)
    if folder.kind == "calibration":
        raise storage.OutputError(f"{folder.path} holds a calibration, which has no runs of its own; re-run a particle "
                                  "with experiments.calibration.posterior.rerun_particle(DIR, row), or the calibration "
                                  "with its command (the manifest's \"command\")")
    if folder.runs is None or folder.runs.empty:
        raise storage.OutputError(f"{folder.path} has no finished runs to rerun")
    with warnings.catch_warnings():  # late scheduled changes were named when the runs were first made
        warnings.simplefilter("ignore", ScheduleWarning)
        if folder.kind == "run":
            if run_ids:
                raise storage.OutputError(f"{folder.path} holds a single run; --run picks runs of a batch")
            return _rerun_single(folder, execution.progress)
        return _rerun_batch(folder, run_ids, execution)


__all__ = ["Difference", "RerunReport", "first_series_difference", "rebuild_plan", "rerun"]
