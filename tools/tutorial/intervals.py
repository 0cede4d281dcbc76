"""A mean with its 95% interval, as the tutorial's analyses report differences and levels."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from rumahan.experiments.compare import t_half_width


class Interval(NamedTuple):
    """``mean`` and its 95% interval ``[low, high]``."""

    mean: float
    low: float
    high: float

    def above_zero(self) -> bool:
        """The whole interval is above 0 (a detectable increase)."""
        return self.low > 0

    def below_zero(self) -> bool:
        """The whole interval is below 0 (a detectable decrease)."""
        return self.high < 0

    def includes_zero(self) -> bool:
        return self.low <= 0 <= self.high

    def excludes_zero(self) -> bool:
        """Whether it lies wholly on one side of 0 (``False`` if it is undefined)."""
        return bool((self.low > 0 and self.high > 0) or (self.low < 0 and self.high < 0))

    @classmethod
    def of(cls, row: pd.Series, prefix: str = "") -> Interval:
        """From a comparison table's row: ``mean``/``ci_low``/``ci_high``, or with ``prefix="diff"``
        the difference ``diff``/``diff_ci_low``/``diff_ci_high``."""
        if prefix:
            return cls(float(row[prefix]), float(row[f"{prefix}_ci_low"]), float(row[f"{prefix}_ci_high"]))
        return cls(float(row["mean"]), float(row["ci_low"]), float(row["ci_high"]))


def paired_difference(a: pd.Series, b: pd.Series) -> Interval:
    """Mean of ``a - b`` over the seeds both have (index = seed) and its 95% t-interval."""
    joined = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").astype(float)
    d = joined["a"] - joined["b"]
    half = float(t_half_width(d.std(ddof=1), len(d))) if len(d) >= 2 else float("nan")
    return Interval(float(d.mean()), float(d.mean() - half), float(d.mean() + half))
