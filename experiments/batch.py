"""Running a batch plan on an executor, streaming each finished run to disk, and resuming.

``run_batch`` is the one engine behind sweeps, scenario comparisons (and ``rumahan demo``),
sensitivity and robustness analyses; where the runs execute is an ``Execution``
(``experiments.executors``). With an output folder, every finished run is written at once
as a part file (``experiments.storage``); rerunning the same batch into the same folder skips the
runs already there; a different batch is refused. When the last run finishes, the parts are
consolidated into ``runs.parquet``, ``timeseries.parquet`` and ``events.parquet`` in run order, so
the files do not depend on the executor, the number of jobs or the order of completion.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from rumahan.experiments import storage
from rumahan.experiments.executors import Execution, ExecutorHandle
from rumahan.experiments.plan import Plan, warn_about_late_changes
from rumahan.experiments.provenance import environment, model_fingerprint, now
from rumahan.experiments.records import (
    event_rows,
    events_frame,
    run_row,
    run_window_rows,
    runs_frame,
    timeseries_rows,
    windows_frame,
)
from rumahan.experiments.runner import MODEL_FINGERPRINT
from rumahan.experiments.tasks import RunOutput, RunTask
from rumahan.experiments.worker import simulate
from rumahan.model import params as registry
from rumahan.model.errors import RumahanRunError


class BatchError(RumahanRunError):
    """A batch that could not finish: failed runs, a lost executor (one-line message)."""


@dataclass
class BatchResult:
    """A finished batch.

    Attributes:
        plan: what was run.
        runs: one row per run (``experiments.records``) plus ``wall_time_s``.
        timeseries: one row per run-week, or ``None`` if the plan kept summaries only.
        events: one row per event.
        folder: the output folder, if any.
        manifest: its manifest, if any.
        computed: runs computed by this call (the others were already in the folder).
        windows: one row per run and named window (``experiments.records``; empty when the
            scenarios declare none, or for a folder written before windows).
    """

    plan: Plan
    runs: pd.DataFrame
    timeseries: pd.DataFrame | None
    events: pd.DataFrame
    folder: Path | None = None
    manifest: dict[str, Any] | None = None
    computed: int = 0
    windows: pd.DataFrame = dataclasses.field(default_factory=lambda: windows_frame([]))


def _how_to_resume(manifest: dict[str, Any]) -> str:
    command = manifest.get("command")
    return f"rerun `{command}`" if command else "rerun the command that created it"


def _what_it_holds(manifest: dict[str, Any], kind: str) -> str:
    """What a folder holds that is not this batch, and what to do: resume it if unfinished."""
    if manifest["kind"] == "run":
        name = manifest.get("scenario", {}).get("name", "?")
        return f"a single run ('{name}'); choose another output folder"
    what = manifest["kind"] if manifest["kind"] != kind else f"different {kind}"
    total = manifest.get("plan", {}).get("runs_total", "?")
    if manifest.get("status") == "complete":
        return f"a finished {what} ({total} runs); choose another output folder (or delete this one)"
    return (f"an unfinished {what} ({manifest.get('runs_done', 0)} of {total} runs done); to resume it "
            f"{_how_to_resume(manifest)}, or choose another output folder")


def _batch_manifest(out: Path, plan: Plan) -> dict[str, Any] | None:
    """The manifest of ``plan``'s batch in ``out``, or ``None`` if ``out`` is new or empty; refuse a
    folder holding anything else (``storage.OutputError``, saying what to do)."""
    if out.exists() and not out.is_dir():
        raise storage.OutputError(f"{out} is a file; choose an output folder")
    if out.is_dir() and (out / storage.MANIFEST).exists():
        manifest = storage.read_manifest(out)
        if manifest["kind"] != plan.kind or manifest.get("identity") != plan.identity():
            raise storage.OutputError(f"{out} holds {_what_it_holds(manifest, plan.kind)}")
        started_with = manifest.get("environment", {}).get("model_fingerprint")
        if manifest.get("status") != "complete" and started_with != model_fingerprint():
            raise storage.OutputError(
                f"{out} was started with different model code (fingerprint {started_with}, now "
                f"{model_fingerprint()}); finishing it would mix two versions of the model: choose another "
                "output folder (or delete this one)"
            )
        return manifest
    if out.is_dir() and any(out.iterdir()):
        raise storage.OutputError(f"{out} is not empty and is not a Rumahan output folder; choose another output folder")
    return None


def check_folder(out: str | Path, plan: Plan) -> int:
    """How many runs of ``plan`` the folder ``out`` already holds (0 for a new or empty folder),
    without changing it; ``storage.OutputError`` if ``run_batch`` would refuse it. The CLI calls it
    to announce a batch only once its folder is accepted."""
    out = Path(out)
    manifest = _batch_manifest(out, plan)
    if manifest is None:
        return 0
    if manifest.get("status") == "complete":
        return len(plan.tasks)
    return sum(1 for index in storage.finished_parts(out) if index < len(plan.tasks))


def prepare_folder(out: Path, plan: Plan, command: str | None) -> tuple[dict[str, Any], set[int]]:
    """Create ``out`` for ``plan``, or reopen it to resume; refuse a folder holding anything else.

    Returns the manifest (with a new session) and the indices of runs already finished.
    """
    total = len(plan.tasks)
    manifest = _batch_manifest(out, plan)
    if manifest is None:
        storage.make_folder(out)
        manifest = {
            "kind": plan.kind, "identity": plan.identity(), "status": "running", "created": now(),
            "command": command, "plan": plan.describe(), "environment": environment(),
            "timeseries": plan.keep_timeseries, "runs_done": 0, "sessions": [],
        }
        if plan.design is not None:
            storage.write_table(out / storage.TABLE_FILES["design"], plan.design, "design")
        storage.write_manifest(out, manifest)
    storage.remove_stale_temporaries(out)
    if manifest.get("status") == "complete":
        if (out / storage.PARTS).exists():  # a crash after consolidating, before clean-up
            shutil.rmtree(out / storage.PARTS)
        done = set(range(total))
    else:
        done = set(storage.usable_parts(out, total))
    return manifest, done


def run_batch(plan: Plan, out: str | Path | None = None, execution: Execution | None = None) -> BatchResult:
    """Run every run of ``plan`` not yet finished in ``out`` (or in memory when ``out`` is ``None``).

    Args:
        plan: the batch (``experiments.plan.build_plan``).
        out: output folder; created if missing, resumed if it holds the same plan.
        execution: where the runs execute and who hears of their progress (default: one after
            another in this process). Results are the same, bit for bit, on every executor.

    Raises:
        storage.OutputError: ``out`` holds something else.
        ExecutorError: the executor cannot start (unreachable scheduler).
        BatchError: runs failed or the executor was lost; finished runs are kept for a resume.
    """
    execution = execution or Execution()
    folder = None if out is None else Path(out)
    total = len(plan.tasks)
    side_by_side = execution.local_processes
    if total and side_by_side is not None and side_by_side > 1:
        largest = max(t.params.get("n_workers", registry.get("n_workers").default) for t in plan.tasks)
        registry.check_memory_fits(largest, runs_at_once=min(side_by_side, total))
    manifest: dict[str, Any] | None = None
    done: set[int] = set()
    if folder is not None:
        manifest, done = prepare_folder(folder, plan, execution.command)
    execution.report(len(done), total)
    warn_about_late_changes(plan)
    pending = [t for t in plan.tasks if t.index not in done]
    number = 1 if manifest is None else len(manifest["sessions"]) + 1
    if folder is not None:  # workers send back ready part files
        pending = [dataclasses.replace(t, as_part=True, session=number) for t in pending]
    memory: list[tuple[RunTask, RunOutput]] = []
    failures: list[str] = []
    started = time.perf_counter()
    session: dict[str, Any] = {"started": now(), "runs_computed": 0, "status": "running"}
    if manifest is not None:
        manifest["sessions"].append(session)
    finished = len(done)

    def on_output(task: RunTask, output: RunOutput) -> None:
        nonlocal finished
        if output.model != MODEL_FINGERPRINT:
            raise BatchError(
                f"run {task.run_id} ran model code {output.model}, this process loaded {MODEL_FINGERPRINT}: the "
                "model changed while the batch ran (or the workers have another version); results would mix "
                "two versions, so the batch stops"
            )
        if output.error is not None:
            failures.append(f"{task.run_id}: {output.error}")
            return
        if folder is not None:
            storage.write_part(folder, task.index, output.part)
        else:
            memory.append((task, output))
        finished += 1
        session["runs_computed"] += 1
        execution.report(finished, total)

    try:
        if pending:
            with execution.open() as handle:
                session["executor"] = handle.description
                if manifest is not None:
                    storage.write_manifest(folder, manifest)
                _drive(pending, handle, on_output)
    except BaseException as exc:
        session["status"] = "interrupted"
        if manifest is not None and folder is not None:
            _close_session(folder, manifest, session, started, "interrupted", finished)
        if isinstance(exc, BrokenProcessPool):
            raise BatchError(
                f"a worker process died ({exc}); {finished} of {total} runs are saved"
                + (f" in {folder}; rerun the same command to resume" if folder else "")
            ) from None
        raise
    if failures:
        detail = f"{len(failures)} of {total} runs failed; first: {failures[0]}"
        if manifest is not None and folder is not None:
            manifest["failures"] = failures[:100]
            _close_session(folder, manifest, session, started, "incomplete", finished)
            detail += f"; the {finished} finished runs are saved in {folder} (rerun to retry the others)"
        raise BatchError(detail)
    if folder is None:
        return _in_memory(plan, memory)
    assert manifest is not None
    if manifest.get("status") != "complete":
        _consolidate(folder, plan, manifest)
    _close_session(folder, manifest, session, started, "complete", total)
    loaded = storage.load_output(folder)
    events = loaded.tables.get("events", events_frame([]))
    return BatchResult(plan, loaded.runs, loaded.timeseries, events, folder, loaded.manifest,
                       session["runs_computed"], loaded.tables.get("windows", windows_frame([])))


def _drive(tasks: Iterable[RunTask], handle: ExecutorHandle, on_output: Callable[[RunTask, RunOutput], None]) -> None:
    """Keep ``handle.slots`` tasks in flight; hand each result to ``on_output`` as it arrives."""
    queue = iter(tasks)
    in_flight: dict[cf.Future, RunTask] = {}

    def fill() -> None:
        while len(in_flight) < handle.slots:
            task = next(queue, None)
            if task is None:
                return
            in_flight[handle.executor.submit(simulate, task)] = task

    try:
        fill()
        while in_flight:
            finished, _ = cf.wait(list(in_flight), return_when=cf.FIRST_COMPLETED)
            for future in finished:
                task = in_flight.pop(future)
                on_output(task, future.result())
            fill()
    finally:
        for future in in_flight:
            future.cancel()


def _close_session(folder: Path, manifest: dict[str, Any], session: dict[str, Any], started: float,
                   status: str, finished: int) -> None:
    session["finished"] = now()
    session["elapsed_s"] = round(time.perf_counter() - started, 3)
    session["status"] = "interrupted" if status == "interrupted" else "finished"
    if manifest.get("status") != "complete":
        manifest["status"] = status
    manifest["runs_done"] = finished
    storage.write_manifest(folder, manifest)


def _consolidate(folder: Path, plan: Plan, manifest: dict[str, Any]) -> None:
    series_to = folder / storage.TIMESERIES if plan.keep_timeseries else None
    gathered = storage.gather_parts(folder, series_to)
    storage.write_table(folder / storage.RUNS, gathered.runs, "runs")
    storage.write_table(folder / storage.EVENTS, gathered.events, "events")
    if len(gathered.windows):
        storage.write_table(folder / storage.TABLE_FILES["windows"], gathered.windows, "windows")
    manifest["runs"] = gathered.timings
    manifest["status"] = "complete"
    manifest["finished"] = now()
    manifest["runs_done"] = len(gathered.timings)
    manifest["run_time_s_total"] = round(sum(t["wall_time_s"] for t in gathered.timings), 3)
    storage.write_manifest(folder, manifest)
    shutil.rmtree(folder / storage.PARTS, ignore_errors=True)


def _in_memory(plan: Plan, results: list[tuple[RunTask, RunOutput]]) -> BatchResult:
    results.sort(key=lambda pair: pair[0].index)
    runs = runs_frame(run_row(t, o) for t, o in results)
    runs.insert(runs.columns.get_loc("seed") + 1, "wall_time_s", [o.wall_time_s for _, o in results])
    series = (
        pd.concat([timeseries_rows(t, o) for t, o in results], ignore_index=True)
        if plan.keep_timeseries and results else None
    )
    events = events_frame(row for t, o in results for row in event_rows(t, o))
    windows = windows_frame(row for t, o in results for row in run_window_rows(t, o))
    return BatchResult(plan, runs, series, events, computed=len(results), windows=windows)

