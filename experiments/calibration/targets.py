"""Calibration targets as data: the brief's stylized facts, each a statistic of one run's weekly
outcomes (or events) with the value or range observed, a tolerance and a source.

The file format is described at the top of ``experiments/calibration/targets.toml``. Every target
is checked when the file is read (``load_targets``), before any simulation runs: an unknown metric
or event kind, a missing source, an empty range, a tolerance that is not > 0, a window the runs
do not reach (``check_windows``) each give one line naming the target and the problem.

The distance of a run to the targets (``distance``) is normalised by each target's tolerance: a
target met (inside its range) contributes 0, one missed by one tolerance contributes 1, and the
distance is the root mean square over the targets. A distance of 1 thus means "on average one
tolerance away".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rumahan.experiments.scenarios import read_toml_file
from rumahan.model.errors import RumahanInputError
from rumahan.model.events import Event
from rumahan.model.metrics import OUTPUT_BY_NAME

#: The targets Rumahan ships (the brief's facts with a figure).
DEFAULT_TARGETS = Path(__file__).resolve().parent / "targets.toml"
STATISTICS = ("mean", "growth", "min", "max", "count", "first_week")
EVENT_STATISTICS = ("count", "first_week")
TARGET_KEYS = {"name", "metric", "event", "window", "reference", "statistic", "value", "range", "tolerance",
               "source"}
#: Numbers at or past this magnitude in a range stand for an open end.
OPEN_END = 1e300


class TargetError(RumahanInputError):
    """A targets file that cannot be read or does not validate (one-line message naming the target)."""


@dataclass(frozen=True)
class Target:
    """One calibration target (see the module docstring and targets.toml)."""

    name: str
    statistic: str
    window: tuple[int, int]
    low: float
    high: float
    tolerance: float
    source: str
    metric: str | None = None
    event: str | None = None
    reference: tuple[int, int] | None = None

    @property
    def measure(self) -> str:
        """What it measures, for labels: the metric, or ``event:KIND``."""
        return self.metric if self.metric is not None else f"event:{self.event}"

    def describe_band(self) -> str:
        if self.low == self.high:
            return f"{self.low:g}"
        high = "inf" if self.high >= OPEN_END else f"{self.high:g}"
        return f"{self.low:g} to {high}"

    def miss(self, value: float) -> float:
        """How far ``value`` is outside the band, in tolerances (0 inside; ``inf`` if not a number)."""
        if value is None or not math.isfinite(value):
            return math.inf
        return max(0.0, self.low - value, value - self.high) / self.tolerance

    def span(self, weeks: int) -> tuple[int, int]:
        """Rows ``[start, end)`` of a weekly series of ``weeks`` weeks (``weeks + 1`` rows, week 0
        first) that ``window`` covers."""
        return _rows(self.window, weeks)

    def compute(self, timeseries: pd.DataFrame, events: Sequence[Mapping[str, Any]], weeks: int) -> float:
        """The statistic of one run (``nan`` when it is undefined, e.g. no event in the window)."""
        start, end = self.span(weeks)
        if self.event is not None:
            hits = sorted(int(e["week"]) for e in events if e["kind"] == self.event and start <= int(e["week"]) < end)
            if self.statistic == "count":
                return float(len(hits))
            return float(hits[0] - start) if hits else math.nan
        values = timeseries[self.metric].to_numpy(dtype=float)
        part = values[start:end]
        if self.statistic == "mean":
            return float(part.mean())
        if self.statistic == "min":
            return float(part.min())
        if self.statistic == "max":
            return float(part.max())
        ref_start, ref_end = _rows(self.reference, weeks)
        base = float(values[ref_start:ref_end].mean())
        return float(part.mean()) / base if base != 0 else math.nan


def _rows(window: tuple[int, int], weeks: int) -> tuple[int, int]:
    first, last = window
    start = first if first >= 0 else weeks + 1 + first
    end = last if last > 0 else weeks + 1 + last
    return start, end


def load_targets(path: str | Path = DEFAULT_TARGETS) -> list[Target]:
    """Read and validate a targets file; ``TargetError`` names the file, the target and the problem."""
    path = Path(path)
    data = read_toml_file(path, "targets file", TargetError, "a .toml file (example: experiments/calibration/targets.toml)")
    entries = data.get("target")
    if not isinstance(entries, list) or not entries:
        raise TargetError(f"targets file {path}: no [[target]] tables")
    targets = [parse_target(entry, f"targets file {path}, target {i + 1}") for i, entry in enumerate(entries)]
    names = [t.name for t in targets]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise TargetError(f"targets file {path}: target name(s) used twice: {', '.join(twice)}")
    return targets


def _window(value: Any, key: str, where: str) -> tuple[int, int]:
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise TargetError(f"{where}: {key} = {value!r} must be [first, last) weeks, two whole numbers")
    first, last = value
    if (first >= 0 and last > 0 and last <= first) or (first < 0 and last <= 0 and last <= first):
        raise TargetError(f"{where}: {key} = {value!r} is empty (last week must come after the first)")
    return first, last


def _number(value: Any, what: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise TargetError(f"{where}: {what} = {value!r} is not a number")
    return float(value)


def parse_target(entry: Mapping[str, Any], where: str) -> Target:
    """One ``[[target]]`` table as a checked ``Target``."""
    if not isinstance(entry, Mapping):
        raise TargetError(f"{where}: must be a table")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TargetError(f"{where}: no name")
    where = f"{where.rsplit(', target', 1)[0]}, target '{name}'"
    unknown = set(entry) - TARGET_KEYS
    if unknown:
        raise TargetError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(TARGET_KEYS))}")
    source = entry.get("source")
    if not isinstance(source, str) or not source.strip():
        raise TargetError(f"{where}: no source (say which section or stylized fact of the brief gives the figure)")
    metric, event = entry.get("metric"), entry.get("event")
    if (metric is None) == (event is None):
        raise TargetError(f"{where}: give either a metric or an event, not {'both' if metric else 'neither'}")
    statistic = entry.get("statistic", "mean")
    if statistic not in STATISTICS:
        raise TargetError(f"{where}: unknown statistic {statistic!r}; expected one of {', '.join(STATISTICS)}")
    if metric is not None:
        if metric not in OUTPUT_BY_NAME or metric in ("week", "year"):
            raise TargetError(f"{where}: unknown metric {metric!r}; the metrics are model.metrics.OUTPUTS (docs/ODD.md §3)")
        if statistic in EVENT_STATISTICS:
            raise TargetError(f"{where}: statistic {statistic!r} counts events; give event = KIND instead of a metric")
    else:
        kinds = [e.value for e in Event]
        if event not in kinds:
            raise TargetError(f"{where}: unknown event kind {event!r}; expected one of {', '.join(kinds)}")
        if statistic not in EVENT_STATISTICS:
            raise TargetError(f"{where}: an event target's statistic is count or first_week, not {statistic!r}")
    window = _window(entry.get("window"), "window", where)
    reference = None
    if statistic == "growth":
        reference = _window(entry.get("reference"), "reference", where)
    elif "reference" in entry:
        raise TargetError(f"{where}: reference is only for statistic = \"growth\"")
    if ("value" in entry) == ("range" in entry):
        raise TargetError(f"{where}: give either value or range = [low, high]")
    if "value" in entry:
        low = high = _number(entry["value"], "value", where)
    else:
        band = entry["range"]
        if not isinstance(band, list) or len(band) != 2:
            raise TargetError(f"{where}: range = {band!r} must be [low, high]")
        low, high = (_number(v, "range", where) for v in band)
        if low > high:
            raise TargetError(f"{where}: range = [{low:g}, {high:g}] is empty (low > high)")
    tolerance = _number(entry.get("tolerance"), "tolerance", where)
    if not (math.isfinite(tolerance) and tolerance > 0):
        raise TargetError(f"{where}: tolerance = {tolerance!r} must be a number > 0")
    return Target(name=name.strip(), statistic=statistic, window=window, low=low, high=high, tolerance=tolerance,
                  source=source.strip(), metric=metric, event=event, reference=reference)


def check_windows(targets: Iterable[Target], weeks: int) -> None:
    """Refuse targets whose window (or reference) the runs of ``weeks`` weeks do not reach."""
    for target in targets:
        for key, window in (("window", target.window), ("reference", target.reference)):
            if window is None:
                continue
            start, end = _rows(window, weeks)
            if start < 0 or end > weeks + 1 or end <= start:
                raise TargetError(f"target '{target.name}': {key} {list(window)} is outside runs of {weeks} weeks; "
                                  "give more --weeks or change the target")


def statistics(targets: Sequence[Target], runs: Sequence[tuple[pd.DataFrame, Sequence[Mapping[str, Any]]]],
               weeks: int) -> dict[str, float]:
    """Each target's statistic averaged over replicate runs (``(timeseries, events)`` each)."""
    out = {}
    for target in targets:
        values = [target.compute(series, events, weeks) for series, events in runs]
        finite = [v for v in values if math.isfinite(v)]
        out[target.name] = float(np.mean(finite)) if len(finite) == len(values) else math.nan
    return out


def distance(targets: Sequence[Target], stats: Mapping[str, float]) -> float:
    """Root mean square of each target's miss in tolerances (0: every target met)."""
    misses = np.array([target.miss(stats.get(target.name, math.nan)) for target in targets])
    return float(math.sqrt(float(np.mean(misses ** 2))))


def observed(targets: Sequence[Target]) -> dict[str, float]:
    """Each target's centre (the midpoint of a closed range, else its finite end): pyabc's x_0."""
    out = {}
    for t in targets:
        if t.high >= OPEN_END:
            out[t.name] = t.low
        elif t.low <= -OPEN_END:
            out[t.name] = t.high
        else:
            out[t.name] = (t.low + t.high) / 2
    return out
