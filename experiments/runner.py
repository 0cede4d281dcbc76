"""One simulation run: parameters and seed in, weekly time series, summary and events out.

This is the single place where experiments (CLI, sweeps, sensitivity, the dashboard) build and
step a ``PuttingOutModel``; everything else calls ``run_simulation``.
"""

from __future__ import annotations

import gc
import numbers
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rumahan.experiments.provenance import model_fingerprint
from rumahan.experiments.scenarios import (
    warn_if_schedule_after_end,
    warn_if_windows_after_end,
    windows_after_end,
)
from rumahan.experiments.seeds import check_seed
from rumahan.model import PuttingOutModel
from rumahan.model.calendar import DEFAULT_WEEKS, WEEKS_PER_YEAR
from rumahan.model.errors import RumahanInputError
from rumahan.model.metrics import METRIC_NAMES
from rumahan.model.params import estimate_memory

MODEL_FINGERPRINT = model_fingerprint()  # of the model code this process has just imported



@dataclass
class RunResult:
    """What one run produced.

    Attributes:
        timeseries: one row per week (week 0 included), columns ``METRIC_NAMES``.
        summary: mean of every metric over the final year (last 52 weeks, or all weeks if fewer).
        windows: per named window asked for (``summarize_windows``): ``{"weeks": [start, end]}`` and
            the mean of every outcome over weeks ``start`` to ``end - 1``, or, for a window the run does
            not cover whole, ``{"weeks": [start, end], "absent": reason}``.
        events: policy changes, rulings, agreements and retaliations, each ``{week, kind, detail}``.
        params: the full parameter set at week 0 (registry defaults filled in).
        seed: the root seed (the drawn one when ``None`` was given).
        weeks: weeks simulated.
        wall_time_s: seconds the run took (set-up included).
    """

    timeseries: pd.DataFrame
    summary: dict[str, float]
    events: list[dict[str, Any]]
    params: dict[str, Any]
    seed: int
    weeks: int
    wall_time_s: float
    schedule: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    snapshots: dict[int, pd.DataFrame] = field(default_factory=dict)
    sample_ties: pd.DataFrame | None = None
    windows: dict[str, dict[str, Any]] = field(default_factory=dict)


#: Worker columns recorded in snapshots.
SNAPSHOT_COLUMNS = (
    "pool", "member", "consciousness", "participating", "coop", "pos_ukk", "savings", "health", "net",
)


def snapshot_rows(model: PuttingOutModel, size: int) -> np.ndarray:
    """About ``size`` workers for snapshots: whole pools of neighbouring subcontractors, from the
    first, so the sample keeps its kampung ties and can be grouped by subcontractor."""
    pools = model.workers.pool
    counts = np.bincount(pools)
    enough = int(np.searchsorted(np.cumsum(counts), size)) + 1
    return np.flatnonzero(pools < enough)


def worker_snapshot(model: PuttingOutModel, rows: np.ndarray) -> pd.DataFrame:
    """The state of workers ``rows`` now (one row each, ``row`` = worker index)."""
    w = model.workers
    data = {"row": rows, **{c: getattr(w, c)[rows] for c in SNAPSHOT_COLUMNS}}
    data["blacklisted"] = w.blacklisted_until[rows] > model.week
    return pd.DataFrame(data)


def ties_among(model: PuttingOutModel, rows: np.ndarray) -> pd.DataFrame:
    """Social ties between the workers ``rows`` (each tie once, ``a < b``)."""
    sub = model.graph.adjacency[rows][:, rows].tocoo()
    keep = sub.row < sub.col
    return pd.DataFrame({"a": rows[sub.row[keep]], "b": rows[sub.col[keep]]})


def period_means(rows: pd.DataFrame) -> dict[str, float]:
    """The mean of every outcome (every metric but ``week`` and ``year``) over ``rows``, weeks of
    one run: the one computation behind the final year and every window."""
    return {name: float(rows[name].mean()) for name in METRIC_NAMES if name not in ("week", "year")}


def summarize(timeseries: pd.DataFrame) -> dict[str, float]:
    """Final-year means of every metric (``week`` and ``year`` give the last week and year): the
    last 52 rows, i.e. the window ``[W - 51, W + 1)`` of a run of ``W`` weeks (all rows if fewer)."""
    out = period_means(timeseries.tail(min(WEEKS_PER_YEAR, len(timeseries))))
    out["week"] = int(timeseries["week"].iloc[-1])
    out["year"] = int(timeseries["year"].iloc[-1])
    return out


def summarize_windows(timeseries: pd.DataFrame, windows: Mapping[str, tuple[int, int]] | None) -> dict[str, dict[str, Any]]:
    """Per window ``name: (start, end)``: ``{"weeks": [start, end], OUTCOME: mean, ...}``, the mean of
    every outcome over the rows whose ``week`` is ``start`` to ``end - 1``; a window the series
    (week 0 to its last week) does not cover whole is ``{"weeks": [start, end], "absent": reason}``,
    never a mean over part of it or over nothing."""
    last = int(timeseries["week"].iloc[-1])
    late = set(windows_after_end(windows or {}, last))
    week = timeseries["week"].to_numpy()
    out: dict[str, dict[str, Any]] = {}
    for name, (start, end) in (windows or {}).items():
        if name in late:
            out[name] = {"weeks": [start, end], "absent": f"the run ends at week {last}, before week {end - 1}"}
        else:
            out[name] = {"weeks": [start, end], **period_means(timeseries[(week >= start) & (week < end)])}
    return out


def run_simulation(
    params: Mapping[str, Any] | None = None,
    seed: int | None = None,
    weeks: int = DEFAULT_WEEKS,
    schedule: list[tuple[int, Mapping[str, Any]]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    snapshot_weeks: Iterable[int] | None = None,
    snapshot_size: int = 300,
    windows: Mapping[str, tuple[int, int]] | None = None,
) -> RunResult:
    """Run the model for ``weeks`` weeks and collect what it produced.

    Args:
        params: registry parameters (others keep their defaults); validated by the model.
        seed: root seed; ``None`` draws one (returned in the result).
        weeks: weeks to simulate after week 0 (>= 1).
        schedule: ``(week, {lever: value})`` policy changes.
        progress: called as ``progress(week, weeks)`` after each week (progress bars).
        snapshot_weeks: weeks at which to record a sample of workers (``snapshots``) for
            pictures of the social graph; ties among the sample go in ``sample_ties``.
        snapshot_size: about how many workers the sample holds (whole subcontractor pools).
        windows: named periods ``{name: (start, end)}`` to summarise besides the final year
            (``summarize_windows``); one the run does not cover whole is warned about
            (``ScheduleWarning``) and reported as absent.
    """
    if isinstance(weeks, bool) or not isinstance(weeks, numbers.Integral) or weeks < 1:
        raise RumahanInputError(f"weeks = {weeks!r} is not a whole number >= 1")
    weeks = int(weeks)
    if params is not None and not isinstance(params, Mapping):
        raise RumahanInputError(f"params = {params!r:.60} is not a mapping of parameter name to value")
    if seed is not None:
        seed = check_seed(seed)
    warn_if_schedule_after_end(schedule, weeks, parameters=params)
    warn_if_windows_after_end(windows, weeks)
    start = time.perf_counter()
    model = PuttingOutModel(seed=seed, schedule=schedule, **dict(params or {}))
    wanted = set(snapshot_weeks or ())
    rows = snapshot_rows(model, snapshot_size) if wanted else np.empty(0, dtype=np.int64)
    snapshots = {0: worker_snapshot(model, rows)} if 0 in wanted else {}
    try:
        for week in range(1, weeks + 1):
            model.step()
            if week in wanted:
                snapshots[week] = worker_snapshot(model, rows)
            if progress is not None:
                progress(week, weeks)
        timeseries = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        return RunResult(
            timeseries=timeseries,
            summary=summarize(timeseries),
            events=list(model.events),
            params=dict(model.params),
            seed=model.seed,
            weeks=weeks,
            wall_time_s=time.perf_counter() - start,
            schedule=[(w, dict(c)) for w, c in (schedule or [])],
            snapshots=snapshots,
            sample_ties=ties_among(model, rows) if wanted else None,
            windows=summarize_windows(timeseries, windows),
        )
    finally:
        workers = int(model.params["n_workers"])
        model.release()
        del model
        _collect_released(workers)


#: Bytes of released models allowed to wait for Python's own collector before ``gc.collect()``
#: is forced. A full collection costs ~0.05-0.1 s with pandas and scipy loaded, more than a small
#: run; models of fewer workers are collected together, large ones at once.
GARBAGE_BUDGET_BYTES = 200_000_000
_released_bytes = 0


def _collect_released(workers: int) -> None:
    """Free released models (Mesa's agents and the model refer to each other: only the cycle
    collector frees them) once their estimated size passes ``GARBAGE_BUDGET_BYTES``."""
    global _released_bytes
    _released_bytes += estimate_memory(workers) - estimate_memory(0)
    if _released_bytes >= GARBAGE_BUDGET_BYTES:
        gc.collect()
        _released_bytes = 0
