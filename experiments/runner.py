"""One simulation run: parameters and seed in, weekly time series, summary and events out.

This is the single place where experiments (CLI, sweeps, sensitivity, the dashboard) build and
step a ``PuttingOutModel``; everything else calls ``run_simulation``.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from model import PuttingOutModel
from model.calendar import WEEKS_PER_YEAR
from model.metrics import METRIC_NAMES

DEFAULT_WEEKS = 520


@dataclass
class RunResult:
    """What one run produced.

    Attributes:
        timeseries: one row per week (week 0 included), columns ``METRIC_NAMES``.
        summary: mean of every metric over the final year (last 52 weeks, or all weeks if fewer).
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


def summarize(timeseries: pd.DataFrame) -> dict[str, float]:
    """Final-year means of every metric (``week`` and ``year`` give the last week and year)."""
    last = timeseries.tail(min(WEEKS_PER_YEAR, len(timeseries)))
    out = {name: float(last[name].mean()) for name in METRIC_NAMES if name not in ("week", "year")}
    out["week"] = int(timeseries["week"].iloc[-1])
    out["year"] = int(timeseries["year"].iloc[-1])
    return out


def run_simulation(
    params: Mapping[str, Any] | None = None,
    seed: int | None = None,
    weeks: int = DEFAULT_WEEKS,
    schedule: list[tuple[int, Mapping[str, Any]]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Run the model for ``weeks`` weeks and collect what it produced.

    Args:
        params: registry parameters (others keep their defaults); validated by the model.
        seed: root seed; ``None`` draws one (returned in the result).
        weeks: weeks to simulate after week 0 (>= 1).
        schedule: ``(week, {lever: value})`` policy changes.
        progress: called as ``progress(week, weeks)`` after each week (progress bars).
    """
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise ValueError(f"weeks = {weeks!r} is not a whole number >= 1")
    start = time.perf_counter()
    model = PuttingOutModel(seed=seed, schedule=schedule, **dict(params or {}))
    try:
        for week in range(1, weeks + 1):
            model.step()
            if progress is not None:
                progress(week, weeks)
        timeseries = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        return RunResult(
            timeseries=timeseries,
            summary=summarize(timeseries),
            events=list(model.events),
            params=dict(model.initial_params),
            seed=model.seed,
            weeks=weeks,
            wall_time_s=time.perf_counter() - start,
            schedule=[(w, dict(c)) for w, c in (schedule or [])],
        )
    finally:
        model.release()
        del model
        gc.collect()
