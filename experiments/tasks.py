"""What a batch sends to a worker (``RunTask``) and gets back (``RunOutput``): plain data, cheap to
pickle to a pool process or a Dask worker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class RunTask:
    """One run of a batch.

    Attributes:
        index: position in the batch (runs are stored and reported in this order).
        run_id: ``"<scenario>-p<point>-r<replicate>"``.
        scenario: scenario name.
        point: design point (0 when the batch has no design).
        replicate: replicate number, 0-based.
        seed: the run's root seed (``experiments.seeds.replicate_seeds``).
        weeks: weeks to simulate.
        params: parameter changes from the registry defaults (scenario, overrides, design point).
        schedule: the scenario's ``(week, {lever: value})`` changes.
        keep_timeseries: whether the weekly series is kept (otherwise only the summary).
        as_part: return the finished run as the bytes of its part file (``RunOutput.part``),
            built in the worker, instead of as tables.
        session: the batch session it runs in (recorded in the part).
        windows: named periods ``(name, start, end)`` whose means the run reports besides the final
            year's (the batch's scenarios' ``[windows]``); they do not change what the run computes.
    """

    index: int
    run_id: str
    scenario: str
    point: int
    replicate: int
    seed: int
    weeks: int
    params: dict[str, Any]
    schedule: tuple[tuple[int, dict[str, Any]], ...] = ()
    keep_timeseries: bool = True
    as_part: bool = False
    session: int = 1
    windows: tuple[tuple[str, int, int], ...] = ()


@dataclass
class RunOutput:
    """What a worker sends back for one task (``error`` set instead of results if it failed; with
    ``as_part``, ``part`` holds the part file and the tables are left out). ``model`` is the
    fingerprint of the model code the worker ran (``experiments.provenance.model_fingerprint``)."""

    index: int
    run_id: str
    summary: dict[str, float] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    timeseries: pd.DataFrame | None = None
    seed: int = 0
    wall_time_s: float = 0.0
    finished: str = ""
    host: str = ""
    pid: int = 0
    error: str | None = None
    part: bytes | None = None
    model: str = ""
    windows: dict[str, dict[str, Any]] = field(default_factory=dict)
