"""Matplotlib figures shown as PNG images, cached by their inputs, so that a rerun (a slider moved,
another page visited and left) does not redraw them. The figures themselves come from
``experiments.plots`` (shared with the CLI reports), ``dashboard.kampung_picture`` and
``dashboard.diagrams``."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import streamlit as st
from matplotlib.figure import Figure

from rumahan.dashboard import diagrams, kampung_picture
from rumahan.experiments import plots

#: Resolution of the images (sharp on high-density screens, small enough to send quickly).
DPI = 130

#: The figures the pages show, by name.
DRAWINGS: dict[str, Callable[..., Figure]] = {
    "timeseries_bands": plots.timeseries_bands,
    "final_year_bars": plots.final_year_bars,
    "power_indices": plots.power_indices,
    "power_cube": plots.power_cube,
    "sensitivity_bars": plots.sensitivity_bars,
    "regret_plot": plots.regret_plot,
    "heatmap": plots.heatmap,
    "kampung": kampung_picture.picture,
    "putting_out_chain": diagrams.putting_out_chain,
    "rowlands_powers": diagrams.rowlands_powers,
    "gaventa_cube": diagrams.power_cube,
}


@st.cache_data(max_entries=64, show_spinner=False)
def png(name: str, *args: Any, **kwargs: Any) -> bytes:
    """The figure ``DRAWINGS[name](*args, **kwargs)`` as PNG bytes."""
    figure = DRAWINGS[name](*args, **kwargs)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()


def show(name: str, *args: Any, alt: str, caption: str | None = None, **kwargs: Any) -> None:
    """Draw (or take from the cache) a figure and show it at the container's width."""
    st.image(png(name, *args, **kwargs), caption=caption, width="stretch", alt=alt)
