"""Running a batch plan on an executor, streaming each finished run to disk, and resuming.

``run_batch`` is the one engine behind sweeps, scenario comparisons (and ``rumahan demo``),
sensitivity and robustness analyses. With an output folder, every finished run is written at once
as a part file (``experiments.storage``); rerunning the same batch into the same folder skips the
runs already there; a different batch is refused. When the last run finishes, the parts are
consolidated into ``runs.parquet``, ``timeseries.parquet`` and ``events.parquet`` in run order, so
the files do not depend on the executor, the number of jobs or the order of completion.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments import storage
from experiments.executors import CONNECT_TIMEOUT_S, ExecutorHandle, open_executor
from experiments.plan import Plan, warn_about_late_changes
from experiments.provenance import environment, model_fingerprint, now
from experiments.records import event_rows, events_frame, run_row, runs_frame, timeseries_rows
from experiments.runner import MODEL_FINGERPRINT
from experiments.tasks import RunOutput, RunTask
from experiments.worker import simulate
from model import params as registry
from model.errors import RumahanRunError

Progress = Callable[[int, int], None]


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
    """

    plan: Plan
    runs: pd.DataFrame
    timeseries: pd.DataFrame | None
    events: pd.DataFrame
    folder: Path | None = None
    manifest: dict[str, Any] | None = None
    computed: int = 0


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


def prepare_folder(out: Path, plan: Plan, invocation: str | None) -> tuple[dict[str, Any], set[int]]:
    """Create ``out`` for ``plan``, or reopen it to resume; refuse a folder holding anything else.

    Returns the manifest (with a new session) and the indices of runs already finished.
    """
    identity = plan.identity()
    total = len(plan.tasks)
    if out.exists() and not out.is_dir():
        raise storage.OutputError(f"{out} is a file; choose an output folder")
    if out.is_dir() and (out / storage.MANIFEST).exists():
        manifest = storage.read_manifest(out)
        if manifest["kind"] != plan.kind or manifest.get("identity") != identity:
            raise storage.OutputError(f"{out} holds {_what_it_holds(manifest, plan.kind)}")
        started_with = manifest.get("environment", {}).get("model_fingerprint")
        if manifest.get("status") != "complete" and started_with != model_fingerprint():
            raise storage.OutputError(
                f"{out} was started with different model code (fingerprint {started_with}, now "
                f"{model_fingerprint()}); finishing it would mix two versions of the model: choose another "
                "output folder (or delete this one)"
            )
    elif out.is_dir() and any(out.iterdir()):
        raise storage.OutputError(f"{out} is not empty and is not a Rumahan output folder; choose another output folder")
    else:
        storage.make_folder(out)
        manifest = {
            "kind": plan.kind, "identity": identity, "status": "running", "created": now(),
            "command": invocation, "plan": plan.describe(), "environment": environment(),
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


def run_batch(
    plan: Plan,
    out: str | Path | None = None,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    show_progress: bool = False,
    invocation: str | None = None,
    connect_timeout: float = CONNECT_TIMEOUT_S,
) -> BatchResult:
    """Run every run of ``plan`` not yet finished in ``out`` (or in memory when ``out`` is ``None``).

    Args:
        plan: the batch (``experiments.plan.build_plan``).
        out: output folder; created if missing, resumed if it holds the same plan.
        jobs: local worker processes (1 runs in this process); ignored with ``scheduler``.
        scheduler: address of a Dask scheduler (``tcp://HOST:PORT``).
        progress: called as ``progress(done_runs, total_runs)`` once the folder is ready (before
            any run; ``done_runs`` counts those a resumed folder already holds), then as runs finish.
        show_progress: draw a progress bar with ETA on stderr (tqdm).
        invocation: the command line, recorded so that a refusal can say how to resume.
        connect_timeout: seconds to wait for the Dask scheduler to answer.

    Raises:
        storage.OutputError: ``out`` holds something else.
        ExecutorError: the executor cannot start (unreachable scheduler).
        BatchError: runs failed or the executor was lost; finished runs are kept for a resume.
    """
    folder = None if out is None else Path(out)
    total = len(plan.tasks)
    if scheduler is None and total and isinstance(jobs, int) and jobs > 1:  # runs side by side here
        largest = max(t.params.get("n_workers", registry.get("n_workers").default) for t in plan.tasks)
        registry.check_memory_fits(largest, runs_at_once=min(jobs, total))
    manifest: dict[str, Any] | None = None
    done: set[int] = set()
    if folder is not None:
        manifest, done = prepare_folder(folder, plan, invocation)
    if progress is not None:
        progress(len(done), total)
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
    bar = _progress_bar(total, len(done), plan.kind) if show_progress and pending else None
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
        if bar is not None:
            bar.update(1)
        if progress is not None:
            progress(finished, total)

    try:
        if pending:
            with open_executor(jobs, scheduler, connect_timeout=connect_timeout) as handle:
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
    finally:
        if bar is not None:
            bar.close()
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
                       session["runs_computed"])


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
    return BatchResult(plan, runs, series, events, computed=len(results))


def _progress_bar(total: int, initial: int, kind: str):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="run", desc=kind, file=sys.stderr, dynamic_ncols=True,
                smoothing=0.1)
