"""What a pool or Dask worker runs: one task in, one finished run out.

Kept light on purpose: a worker imports this module (preloaded in the fork server, or fresh when
spawned), which imports the runner (and through it the model) and the record layout, and nothing
else of the experiments package (no plotting, no SALib, no Dask). For batches saved to a folder the
worker also serialises the finished run into its part file, so the parent only writes bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import traceback
import warnings

from rumahan.experiments import records
from rumahan.experiments.runner import MODEL_FINGERPRINT, run_simulation
from rumahan.experiments.scenarios import ScheduleWarning
from rumahan.experiments.tasks import RunOutput, RunTask

__all__ = ["RunOutput", "RunTask", "simulate", "warm_up"]


def warm_up() -> None:
    """Pool initializer: the imports above have run; nothing else to prepare."""


def simulate(task: RunTask) -> RunOutput:
    """Run ``task`` and return its results; a model error comes back in ``error``, not raised,
    so that one bad parameter combination does not stop a batch."""
    where = {"host": socket.gethostname(), "pid": os.getpid(), "model": MODEL_FINGERPRINT}
    try:
        with warnings.catch_warnings():  # the plan has named late changes once, before the batch
            warnings.simplefilter("ignore", ScheduleWarning)
            result = run_simulation(task.params, seed=task.seed, weeks=task.weeks, schedule=list(task.schedule),
                                    windows={name: (start, end) for name, start, end in task.windows})
    except Exception as exc:  # reported per run; the batch goes on
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return RunOutput(task.index, task.run_id, seed=task.seed, error=last, finished=_now(), **where)
    output = RunOutput(
        index=task.index,
        run_id=task.run_id,
        summary=result.summary,
        params=result.params,
        events=result.events,
        timeseries=result.timeseries if task.keep_timeseries else None,
        windows=result.windows,
        seed=result.seed,
        wall_time_s=result.wall_time_s,
        finished=_now(),
        **where,
    )
    if task.as_part:
        output.part = records.part_bytes(task, output)
        output.summary, output.params, output.events, output.timeseries = {}, {}, [], None
        output.windows = {}
    return output


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
