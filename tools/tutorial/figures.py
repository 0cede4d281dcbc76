"""Drawing pieces the tutorial's figures share."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from rumahan.experiments.compare import t_half_width
from rumahan.model.calendar import START_YEAR, WEEKS_PER_YEAR


def band(ax, frame: pd.DataFrame, metric: str, colour, name: str) -> None:
    """The weekly mean of ``metric`` over runs with its 95% band, against the year."""
    agg = frame.groupby("week")[metric].agg(["mean", "std", "count"])
    years = START_YEAR + agg.index.to_numpy() / WEEKS_PER_YEAR
    half = t_half_width(agg["std"], agg["count"])
    ax.plot(years, agg["mean"], color=colour, lw=1.6, label=name)
    ax.fill_between(years, agg["mean"] - half, agg["mean"] + half, color=colour, alpha=0.2, lw=0)


def year_axis(ax) -> None:
    ax.set_xlabel("year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")


def new_figure(width: float, height: float, rows: int, cols: int) -> tuple[Figure, np.ndarray]:
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())
    return fig, axes
