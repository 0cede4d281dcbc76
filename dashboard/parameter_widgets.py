"""Input widgets generated from the parameter registry: one per parameter, with its unit, bounds
and help text (meaning and source), grouped by agent and by role (lever or uncertainty).

Values live in ``st.session_state`` under ``param.<name>``; the page fills them from the current
``RunConfig`` before drawing the widgets, and reads them back when the form is submitted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import streamlit as st

from rumahan.dashboard.labels import group_title, parameter_help, parameter_label
from rumahan.model import params as registry

#: Integer parameters with a wider range than this get a number box instead of a slider.
SLIDER_MAX_STEPS = 600
#: Parameters shown next to weeks and seed rather than in the groups below.
TOP_ROW = ("n_workers",)
#: Order in which groups are shown (the state and the network first: they hold most levers).
GROUP_ORDER = (
    "state", "network", "principal", "subcontractor", "home_worker", "social_graph", "scale", "calendar",
)


def widget_key(name: str) -> str:
    return f"param.{name}"


def float_step(entry: registry.Parameter) -> float | None:
    """A slider step on which the lower bound and the default both lie, or ``None`` when no
    step of at most a thousandth of the range does (then a number box is used)."""
    low, high = entry.bounds
    span = float(high - low)
    step = 10.0 ** math.floor(math.log10(span)) / 100.0
    for _ in range(3):
        ratio = (float(entry.default) - low) / step
        if abs(ratio - round(ratio)) < 1e-6:
            return step
        step /= 10.0
    return None


def _float_format(step: float) -> str:
    if step < 1e-4:
        return "%.1e"
    return f"%.{max(0, -math.floor(math.log10(step) + 1e-9))}f"


def parameter_input(entry: registry.Parameter) -> Any:
    """Draw the widget of one parameter (its value must already be in session state)."""
    key, label, help_text = widget_key(entry.name), parameter_label(entry), parameter_help(entry)
    if entry.kind == "bool":
        return st.checkbox(label, key=key, help=help_text)
    low, high = entry.bounds
    if entry.kind == "int":
        if high - low <= SLIDER_MAX_STEPS:
            return st.slider(label, min_value=int(low), max_value=int(high), step=1, key=key, help=help_text)
        placeholder = "automatic" if entry.default is None else None
        return st.number_input(
            label, min_value=int(low), max_value=int(high), step=1, key=key, help=help_text,
            placeholder=placeholder,
        )
    step = float_step(entry)
    if step is None:
        return st.number_input(
            label, min_value=float(low), max_value=float(high), key=key, help=help_text, format="%g",
        )
    return st.slider(
        label, min_value=float(low), max_value=float(high), step=step, key=key, help=help_text,
        format=_float_format(step),
    )


def fill_missing(values: dict[str, Any]) -> None:
    """Put ``values`` into session state for the widgets that hold none yet."""
    for name, value in values.items():
        key = widget_key(name)
        if key not in st.session_state:
            st.session_state[key] = value


def forget_all() -> None:
    """Drop the values of the run set-up widgets (parameters, scenario, seed, weeks), so that the
    next Explore page draws the current configuration (after a scenario change, a URL or a TOML
    file)."""
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith(("param.", "run.")):
            del st.session_state[key]


def read_values(names: Iterable[str]) -> dict[str, Any]:
    """The widgets' current values."""
    return {name: st.session_state[widget_key(name)] for name in names}


def grouped(role: str) -> list[tuple[str, list[registry.Parameter]]]:
    """Registry entries of one role by group, in ``GROUP_ORDER``, skipping the top row."""
    by_group = registry.groups()
    out = []
    for group in [*GROUP_ORDER, *(g for g in by_group if g not in GROUP_ORDER)]:
        entries = [p for p in by_group.get(group, []) if p.role == role and p.name not in TOP_ROW]
        if entries:
            out.append((group, entries))
    return out


def parameter_groups(role: str, columns: int = 2) -> None:
    """One expander per group holding that role's widgets (titles stay the same between runs, so
    an open expander stays open)."""
    for group, entries in grouped(role):
        with st.expander(f"{group_title(group)} ({len(entries)})"):
            cols = st.columns(columns)
            for i, entry in enumerate(entries):
                with cols[i % columns]:
                    parameter_input(entry)
