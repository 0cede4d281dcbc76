"""How long a batch will take on this machine, measured, not guessed.

Before a sweep or a sensitivity analysis starts, ``estimate_plan`` times one short run of the
plan's largest size here (the set-up, then ``CALIBRATION_WEEKS`` weekly steps, scaled to the plan's
weeks) and multiplies by the number of runs over the processes that share them. The CLI prints
the result as "N runs, about T" and asks for ``--yes`` before anything past ``CONFIRM_ABOVE_S``.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

from rumahan.model import params as registry

#: Weeks the calibration run steps (about half a second at 2,000 workers on the project's machine).
CALIBRATION_WEEKS = 26
#: Batches estimated to take longer than this need ``--yes``.
CONFIRM_ABOVE_S = 3600.0


@dataclass(frozen=True)
class Estimate:
    """A batch's expected wall time here.

    Attributes:
        runs: runs in the batch.
        seconds: expected wall time of all of them.
        per_run_s: measured time of one run (set-up plus its weeks) at ``n_workers``.
        n_workers: the size the calibration ran at (the plan's largest).
        weeks: weeks per run.
        processes: runs going at once (``--jobs``, at most the CPUs and the runs).
        parallel: how many runs' worth of CPU the batch gets: ``processes``, fewer when other
            work already keeps the CPUs busy (the load average before the calibration).
        load: that load average (``None`` where the system does not report one).
    """

    runs: int
    seconds: float
    per_run_s: float
    n_workers: int
    weeks: int
    processes: int
    parallel: float = 1.0
    load: float | None = None

    def summary(self) -> str:
        """``54 runs, about 40 s`` (the pinned form the CLI prints first)."""
        return f"{self.runs:,} runs, about {format_duration(self.seconds)}"

    def basis(self) -> str:
        """How the estimate was made, in a few words."""
        on = f"{self.processes} processes" if self.processes > 1 else "1 process"
        busy = "" if self.parallel >= self.processes else (
            f", sharing {os.cpu_count() or 1} CPUs with other work (load {self.load:.1f})")
        return (f"on {on}{busy}; one run of {self.n_workers:,} workers x {self.weeks} weeks measured here at "
                f"{format_duration(self.per_run_s)}")


def format_duration(seconds: float) -> str:
    """``0.8 s``, ``40 s``, ``12 min``, ``2.5 h``."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def time_one_run(parameters: dict[str, Any], weeks: int, seed: int = 0) -> float:
    """Seconds a run of ``parameters`` over ``weeks`` weeks takes on this machine: its set-up
    timed whole and its weeks timed over at most ``CALIBRATION_WEEKS`` steps."""
    from rumahan.model import PuttingOutModel

    started = time.perf_counter()
    model = PuttingOutModel(seed=seed, **parameters)
    built = time.perf_counter()
    steps = max(1, min(weeks, CALIBRATION_WEEKS))
    for _ in range(steps):
        model.step()
    stepped = time.perf_counter()
    return (built - started) + (stepped - built) / steps * weeks


def estimate_plan(plan: Any, jobs: int = 1) -> Estimate:
    """The expected wall time of ``plan`` (an ``experiments.plan.Plan``) on ``jobs`` local
    processes, from one calibration run of its largest task."""
    tasks = list(plan.tasks)
    default_size = registry.get("n_workers").default
    largest = max(tasks, key=lambda t: t.params.get("n_workers", default_size))
    load = _load()
    per_run = time_one_run(dict(largest.params), largest.weeks)
    cpus = os.cpu_count() or 1
    processes = max(1, min(jobs, cpus, len(tasks)))
    # CPUs other work leaves free; the calibration already ran at that contention, so only the
    # batch's own extra processes are limited by it
    parallel = float(processes) if load is None else max(1.0, min(float(processes), cpus - load + 1))
    return Estimate(runs=len(tasks), seconds=per_run * len(tasks) / parallel, per_run_s=per_run,
                    n_workers=int(largest.params.get("n_workers", default_size)), weeks=largest.weeks,
                    processes=processes, parallel=parallel, load=load)


def _load() -> float | None:
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return None
