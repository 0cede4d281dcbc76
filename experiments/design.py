"""Experimental designs over registry parameters: full-factorial grids and Latin-hypercube samples.

A design is a DataFrame with one row per design point: ``point`` (0, 1, ...) and one column per
varied parameter (bare registry names). Ranges come from the registry (``model.params``), never
retyped: each parameter's plausible range by default (``Parameter.sample_range``), or its whole
bounds (``span="bounds"``); a design may set its own range per parameter within the bounds.
Whole-number parameters are rounded, and every value is kept within the registry's bounds.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from rumahan.experiments.seeds import design_rng
from rumahan.model import params as registry
from rumahan.model.errors import RumahanInputError


def grid_design(levels: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    """Every combination of the given levels (first parameter varies slowest), each value checked.

    >>> grid_design({"tokenism": [0.1, 0.8], "framing_intensity": [0.0]})["tokenism"].tolist()
    [0.1, 0.8]
    """
    names = list(levels)
    checked = {}
    for name in names:
        entry = registry.get(name)
        values = levels[name]
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or len(values) == 0:
            raise registry.ParameterError(f"grid '{name}' must be a non-empty list of values")
        checked[name] = [entry.check(v) for v in values]
        if len(set(checked[name])) != len(checked[name]):
            raise registry.ParameterError(f"grid '{name}' lists a value twice")
    rows = list(itertools.product(*(checked[n] for n in names)))
    frame = pd.DataFrame(rows, columns=names)
    frame.insert(0, "point", np.arange(len(frame), dtype=np.int64))
    return frame


def sampling_bounds(
    names: Sequence[str], ranges: Mapping[str, Sequence[float]] | None = None, span: str = "plausible"
) -> list[tuple[float, float]]:
    """The range each of ``names`` is sampled over: ``ranges[name]`` where given (within the
    registry's bounds), else its plausible range (``span="plausible"``) or its whole bounds
    (``span="bounds"``)."""
    ranges = dict(ranges or {})
    unknown = set(ranges) - set(names)
    if unknown:
        raise registry.ParameterError(f"range given for {', '.join(sorted(unknown))}, which is not among the sampled parameters")
    out = []
    for name in names:
        if name not in ranges:
            out.extend(registry.sampled_bounds([name], span))
            continue
        pair, entry = ranges[name], registry.get(name)
        if entry.kind == "bool":
            raise registry.ParameterError(f"parameter '{name}' is a switch and cannot be sampled over a range")
        if isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise registry.ParameterError(f"range of '{name}' must be [low, high]")
        lo, hi = (entry.check(v) for v in pair)
        if not lo < hi:
            raise registry.ParameterError(f"range of '{name}' = [{lo}, {hi}]: low must be below high")
        out.append((float(lo), float(hi)))
    return out


def to_parameter_values(names: Sequence[str], unit_sample: np.ndarray, bounds: Sequence[tuple[float, float]]) -> pd.DataFrame:
    """Scale a sample in [0, 1)^d to ``bounds``; round whole-number parameters."""
    low = np.array([b[0] for b in bounds])
    high = np.array([b[1] for b in bounds])
    values = qmc.scale(unit_sample, low, high) if len(names) else np.empty((len(unit_sample), 0))
    return values_frame(names, values)


def values_frame(names: Sequence[str], values: np.ndarray) -> pd.DataFrame:
    """A design from a matrix of parameter values (one row per point), whole numbers rounded and
    every value clipped to the registry's bounds (SALib's Morris grid can step a rounding error
    past them: 0.15000000000000002 for a bound of 0.15)."""
    values = np.asarray(values, dtype=np.float64)
    columns: dict[str, np.ndarray] = {"point": np.arange(len(values), dtype=np.int64)}
    for j, name in enumerate(names):
        entry = registry.get(name)
        low, high = entry.bounds
        if entry.kind == "int":
            columns[name] = np.clip(np.rint(values[:, j]), low, high).astype(np.int64)
        else:
            columns[name] = np.clip(values[:, j], float(low), float(high))
    return pd.DataFrame(columns)


def latin_hypercube(
    names: Sequence[str], size: int, root_seed: int, ranges: Mapping[str, Sequence[float]] | None = None,
    span: str = "plausible",
) -> pd.DataFrame:
    """``size`` points of a Latin-hypercube sample over ``names`` (scipy.stats.qmc), from the
    batch's design stream (``experiments.seeds.design_rng(root_seed)``), over the ranges of
    ``sampling_bounds(names, ranges, span)``."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise RumahanInputError(f"sample size = {size!r} is not a whole number >= 1")
    if len(set(names)) != len(names):
        raise registry.ParameterError("a parameter is listed twice in the sample")
    limits = sampling_bounds(names, ranges, span)
    unit = qmc.LatinHypercube(d=len(names), rng=design_rng(root_seed)).random(size)
    return to_parameter_values(names, unit, limits)


def cross(first: pd.DataFrame | None, second: pd.DataFrame | None) -> pd.DataFrame | None:
    """Every point of ``first`` with every point of ``second`` (``first`` varies slowest)."""
    if first is None or second is None:
        return first if second is None else second
    overlap = (set(first.columns) & set(second.columns)) - {"point"}
    if overlap:
        raise registry.ParameterError(f"parameter(s) {', '.join(sorted(overlap))} both in the grid and the sample")
    a, b = first.drop(columns="point"), second.drop(columns="point")
    left = a.loc[a.index.repeat(len(b))].reset_index(drop=True)
    right = pd.concat([b] * len(a), ignore_index=True)
    frame = pd.concat([left, right], axis=1)
    frame.insert(0, "point", np.arange(len(frame), dtype=np.int64))
    return frame


def uncertainties() -> list[str]:
    """The registry's uncertainties that designs vary by default (``sampled``, numeric)."""
    return [n for n in registry.names(role="uncertainty", sampled_only=True) if registry.get(n).kind != "bool"]
