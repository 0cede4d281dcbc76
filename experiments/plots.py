"""Figures of experiment results (matplotlib), shared by the CLI reports and the dashboard.

Each function takes tables from ``experiments.compare`` / ``storage.load_output`` and returns a
``matplotlib.figure.Figure`` (built without pyplot, so it is safe in threads and in Streamlit:
``st.pyplot(fig)``; save with ``fig.savefig(path, dpi=...)``). Labels and units come from
``model.metrics.OUTPUT_BY_NAME`` and the parameter registry.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from numpy.typing import NDArray

from rumahan.experiments.compare import t_half_width
from rumahan.experiments.summaries import group_labels
from rumahan.model import params as registry
from rumahan.model.calendar import START_YEAR, WEEKS_PER_YEAR
from rumahan.model.errors import RumahanInputError
from rumahan.model.metrics import OUTPUT_BY_NAME
from rumahan.model.power_cube import LEVEL_METRICS, SPACE_METRICS

POWER_INDICES = ("power_within", "power_with", "power_to", "power_over")
CUBE_SPACES, CUBE_LEVELS = SPACE_METRICS, LEVEL_METRICS
BASELINE_COLOUR = "0.55"
#: ``boxplot`` lying down: ``orientation`` since Matplotlib 3.10, ``vert`` before (deprecated after).
HORIZONTAL = {"orientation": "horizontal"} if tuple(int(x) for x in matplotlib.__version__.split(".")[:2]) >= (3, 10) \
    else {"vert": False}


def metric_title(name: str, width: int = 48) -> str:
    """``name``, then its meaning, wrapped for a panel title."""
    meaning = OUTPUT_BY_NAME[name].meaning if name in OUTPUT_BY_NAME else ""
    return "\n".join(textwrap.wrap(f"{name}: {meaning}" if meaning else name, width))


def metric_axis(name: str) -> str:
    """An axis label with the unit: ``"earnings_to_ump (share)"``."""
    unit = OUTPUT_BY_NAME[name].unit if name in OUTPUT_BY_NAME else ""
    return f"{name} ({unit})" if unit else name


def parameter_axis(column: str) -> str:
    """An axis label for a parameter column (``param.x`` or ``x``) with its unit."""
    name = column.removeprefix("param.")
    try:
        unit = registry.get(name).unit
    except registry.ParameterError:
        return metric_axis(name)
    return f"{name} ({unit})" if unit else name


def _colours(n: int) -> list:
    from matplotlib import colormaps

    cmap = colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]


def _grid(n: int, ncols: int, panel: tuple[float, float]) -> tuple[Figure, np.ndarray]:
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig = Figure(figsize=(panel[0] * ncols, panel[1] * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False).ravel())
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes


def _group_keys(table: pd.DataFrame) -> list[str]:
    """The group columns of a comparison table (those before ``metric``)."""
    return list(table.columns[: table.columns.get_loc("metric")])


#: Series up to this many weeks are drawn against the week; longer ones against the calendar year
#: (a year axis over a few months could only label fractions of a year).
WEEK_AXIS_LIMIT = 2 * WEEKS_PER_YEAR


def time_axis(last_week: int) -> tuple[Callable[[np.ndarray], np.ndarray], str]:
    """How model weeks go on a time axis: the function from weeks to positions, and the label.

    Calendar years (2023, 2024, ...) for series longer than ``WEEK_AXIS_LIMIT`` weeks, else weeks.
    """
    if last_week > WEEK_AXIS_LIMIT:
        return (lambda weeks: START_YEAR + np.asarray(weeks, dtype=float) / WEEKS_PER_YEAR), "year"
    return (lambda weeks: np.asarray(weeks, dtype=float)), f"week (week 0 = January {START_YEAR})"


#: Policy events that a run may or may not see (won under pressure, won in court), and how a
#: label says what happened: "recognition won in 1 of 27 runs".
OCCASIONAL_POLICY = {"policy_conceded": "won", "policy_court": "won in court"}
SCHEDULED_POLICY = "policy_scheduled"


def policy_events(events: pd.DataFrame | None, runs_per_group: pd.Series | dict,
                  group: str = "scenario") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The policy changes of a group of runs, split by how they came about.

    Returns ``(scheduled, occasional)``:

    - ``scheduled``: one row per group and week of a change the scenario schedules (every run of
      the group makes it): ``group, week, detail, label`` ("c177_ratified = True, week 52");
    - ``occasional``: changes won in some runs only (conceded under pressure, won in court),
      one row per group, kind and package of levers changed together: ``group, kind, levers,
      runs`` (how many runs saw it), ``of`` (the group's runs), ``weeks`` (a list, one per run),
      ``label`` ("recognition won in 1 of 27 runs").

    ``runs_per_group`` maps each group to its number of runs (groups not in it are left out).
    """
    counts = pd.Series(runs_per_group, dtype="float64")
    empty_s = pd.DataFrame(columns=[group, "week", "detail", "label"])
    empty_o = pd.DataFrame(columns=[group, "kind", "levers", "runs", "of", "weeks", "label"])
    if events is None or not len(events) or group not in events:
        return empty_s, empty_o
    kinds = events["kind"].astype(str)
    policy = events[kinds.str.startswith("policy_") & events[group].isin(counts.index)]
    policy = policy.assign(**{group: policy[group].astype(str), "detail": policy["detail"].astype(str)})
    planned = policy[policy["kind"].astype(str) == SCHEDULED_POLICY]
    scheduled = (planned.groupby([group, "week"], sort=False)["detail"]
                 .agg(lambda d: ", ".join(dict.fromkeys(d))).reset_index())
    scheduled["label"] = [f"{d}, week {w}" for d, w in zip(scheduled["detail"], scheduled["week"], strict=True)]
    other = policy[policy["kind"].astype(str).isin(OCCASIONAL_POLICY)]
    if not len(other) or "run_id" not in other:
        return (scheduled if len(scheduled) else empty_s), empty_o
    other = other.assign(lever=other["detail"].str.split(" = ").str[0], kind=other["kind"].astype(str))
    packages = (other.groupby([group, "kind", "run_id", "week"], sort=False)["lever"]
                .agg(lambda v: ", ".join(dict.fromkeys(v))).reset_index().rename(columns={"lever": "levers"}))
    occasional = (packages.groupby([group, "kind", "levers"], sort=False)
                  .agg(runs=("run_id", "nunique"), weeks=("week", list)).reset_index())
    occasional["of"] = occasional[group].map(counts).astype("int64")
    occasional["label"] = [f"{levers} {OCCASIONAL_POLICY[kind]} in {runs} of {of} runs" for levers, kind, runs, of
                           in occasional[["levers", "kind", "runs", "of"]].itertuples(index=False, name=None)]
    return (scheduled if len(scheduled) else empty_s), occasional


def runs_per_group(frame: pd.DataFrame, group: str = "scenario") -> pd.Series:
    """How many runs each group of a time-series or runs table holds (1 per group without ``run_id``)."""
    if "run_id" in frame:
        return frame.groupby(group, sort=False)["run_id"].nunique()
    return pd.Series(1, index=pd.unique(frame[group]))


def timeseries_bands(
    timeseries: pd.DataFrame,
    metrics: str | Sequence[str],
    group: str = "scenario",
    events: pd.DataFrame | None = None,
    over: str = "replicates",
    baseline: str | None = None,
) -> Figure:
    """One panel per metric: per group, the mean over runs by week and its 95% confidence band
    (Student t over the group's runs: ``over`` names them in the legend, e.g. "replicates").

    Policy changes (``events``): those the group's scenario schedules are dashed lines in the
    group's colour, each named in the legend; those won in some runs only (under pressure, in
    court) are triangles at the top of the panel, one per run at its week, named with their count
    ("recognition won in 1 of 27 runs"). ``baseline`` (a group) is drawn grey."""
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    fig, axes = _grid(len(metrics), 2, (6.4, 3.6))
    frame = timeseries if group in timeseries else timeseries.assign(**{group: "all"})
    groups = [str(g) for g in pd.unique(frame[group])]
    colours = group_colours(groups, baseline)
    position, time_label = time_axis(int(frame["week"].max()) if len(frame) else 0)
    scheduled, occasional = policy_events(events, runs_per_group(frame, group), group)
    for ax, metric in zip(axes, metrics, strict=False):
        for name, part in frame.groupby(group, sort=False):
            agg = part.groupby("week")[metric].agg(["mean", "std", "count"])
            x = position(agg.index.to_numpy())
            ax.plot(x, agg["mean"], color=colours[str(name)], lw=1.4)
            half = t_half_width(agg["std"], agg["count"])
            output = OUTPUT_BY_NAME.get(metric)
            low, high = (output.bounds if output and output.bounds else (-np.inf, np.inf))
            ax.fill_between(x, np.clip(agg["mean"] - half, low, high), np.clip(agg["mean"] + half, low, high),
                            color=colours[str(name)], alpha=0.2, lw=0)
        for row in scheduled.itertuples(index=False):
            ax.axvline(float(position(row.week)), color=colours[getattr(row, group)], ls="--", lw=1.1)
        top = ax.get_xaxis_transform()  # x in data, y in axes: the top edge whatever the scale
        for row in occasional.itertuples(index=False):
            ax.plot(position(np.asarray(row.weeks)), np.full(len(row.weeks), 0.97), "v", transform=top, ms=5,
                    mfc="none", mec=colours[getattr(row, group)], alpha=0.8, clip_on=False)
        ax.set_title(metric_title(metric), fontsize=10)
        ax.set_ylabel(OUTPUT_BY_NAME[metric].unit if metric in OUTPUT_BY_NAME else "")
        _zero_share_on_its_scale(ax, metric, frame[metric].to_numpy(dtype=float), axis="y")
        ax.set_xlabel(time_label)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.ticklabel_format(axis="x", useOffset=False, style="plain")
        ax.grid(alpha=0.3)
    handles: list = []
    labels: list[str] = []
    if len(groups) > 1:
        for name in groups:
            handles.append(Line2D([], [], color=colours[name], lw=1.4))
            labels.append(name + (" (baseline)" if name == baseline else ""))
        handles.append(Patch(color="0.5", alpha=0.3))
        labels.append(f"95% confidence band over {over}")
    for row in scheduled.itertuples(index=False):
        handles.append(Line2D([], [], color=colours[getattr(row, group)], ls="--", lw=1.1))
        labels.append(f"{getattr(row, group)}: {row.label} (scheduled)" if len(groups) > 1 else
                      f"{row.label} (scheduled)")
    for row in occasional.itertuples(index=False):
        handles.append(Line2D([], [], color=colours[getattr(row, group)], ls="none", marker="v", mfc="none"))
        labels.append((f"{getattr(row, group)}: " if len(groups) > 1 else "") + f"{row.label} (a triangle per run)")
    if handles:
        title = f"{group}: mean over {over}" if len(groups) > 1 else None
        fig.legend(handles, labels, loc="outside lower center", ncols=2 if len(labels) > 3 else len(labels),
                   fontsize=9, title=title, title_fontsize=9)
    return fig


#: Most groups of design points drawn as panels of one figure (time series) or as rows (Power
#: Cube); a batch with more is drawn per scenario, pooling them, and its figures say so.
MAX_PANELS, MAX_CUBE_ROWS = 12, 40


def _panel_grid(points: pd.DataFrame, kept: Sequence[str]) -> tuple[int, int, list[tuple[int, int]]]:
    """Rows, columns and the (row, column) of each point: a grid over two levers laid out as their
    values (the first across, the second down), anything else wrapped three to a row."""
    if len(kept) == 2:
        across, down = (list(pd.unique(points[k].sort_values())) for k in kept)
        if len(across) * len(down) == len(points):
            return len(down), len(across), [(down.index(b), across.index(a)) for a, b in
                                            points[list(kept)].itertuples(index=False, name=None)]
    ncols = min(3, len(points))
    return -(-len(points) // ncols), ncols, [(i // ncols, i % ncols) for i in range(len(points))]


def timeseries_by_point(
    timeseries: pd.DataFrame,
    runs: pd.DataFrame,
    metric: str,
    kept: Sequence[str],
    events: pd.DataFrame | None = None,
    baseline: str | None = None,
    over: str = "replicates",
    per: str = "design point",
) -> Figure:
    """One outcome over time for a batch with several design points: a panel per design point
    (each combination of the ``kept`` columns of ``runs``, e.g. ``param.framing_intensity`` and
    ``param.tokenism``; a grid over two levers is laid out as the grid), in each the mean of every
    scenario over its runs at that point with its 95% band (``over`` names what it is over, ``per``
    what a panel is in the title), the baseline grey, every panel on one y scale.

    Policy changes a scenario schedules are dashed lines in its colour, named in the legend; those
    won in some runs only are triangles at the top of the panel, one per run, and the panel says
    which and how many ("statistics_inclusion won in 1 of 2 runs")."""
    kept = list(kept)
    runs = runs.assign(scenario=runs["scenario"].astype(str))
    points = runs[kept].drop_duplicates().reset_index(drop=True)
    nrows, ncols, cells = _panel_grid(points, kept)
    fig = Figure(figsize=(4.3 * ncols, 1.6 + 2.7 * nrows), layout="constrained")
    grid = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)
    scenarios = [str(s) for s in pd.unique(runs["scenario"])]
    colours = group_colours(scenarios, baseline)
    place = runs.set_index("run_id")[kept]
    series = timeseries.join(place, on="run_id").assign(scenario=lambda t: t["scenario"].astype(str))
    ev = None if events is None else events.join(place, on="run_id").assign(
        scenario=lambda e: e["scenario"].astype(str))
    position, time_label = time_axis(int(series["week"].max()) if len(series) else 0)
    output = OUTPUT_BY_NAME.get(metric)
    low, high = output.bounds if output and output.bounds else (-np.inf, np.inf)
    scheduled_seen: dict[tuple[str, str], None] = {}
    occasional_any = False
    titles = group_labels(points, kept).tolist()
    used = set()
    for i, ((r, c), title) in enumerate(zip(cells, titles, strict=True)):
        ax = grid[r, c]
        used.add((r, c))
        at = (series[kept] == points.iloc[i]).all(axis=1)
        part = series[at]
        for name, one in part.groupby("scenario", sort=False):
            agg = one.groupby("week")[metric].agg(["mean", "std", "count"])
            x = position(agg.index.to_numpy())
            half = np.nan_to_num(t_half_width(agg["std"], agg["count"]))
            ax.plot(x, agg["mean"], color=colours[name], lw=1.4)
            ax.fill_between(x, np.clip(agg["mean"] - half, low, high), np.clip(agg["mean"] + half, low, high),
                            color=colours[name], alpha=0.2, lw=0)
        here = None if ev is None else ev[(ev[kept] == points.iloc[i]).all(axis=1)]
        scheduled, occasional = policy_events(here, runs_per_group(part, "scenario"), "scenario")
        for row in scheduled.itertuples(index=False):
            ax.axvline(float(position(row.week)), color=colours[row.scenario], ls="--", lw=1.1)
            scheduled_seen[(row.scenario, row.label)] = None
        top = ax.get_xaxis_transform()
        notes = []
        for row in occasional.itertuples(index=False):
            ax.plot(position(np.asarray(row.weeks)), np.full(len(row.weeks), 0.97), "v", transform=top, ms=5,
                    mfc="none", mec=colours[row.scenario], clip_on=False)
            dark = "0.3" if row.scenario == baseline else colours[row.scenario]  # the baseline's grey, darker
            notes.append((f"{row.scenario}: {row.label}" if len(scenarios) > 1 else row.label, dark))
            occasional_any = True
        for k, (text, colour) in enumerate(notes):
            ax.text(0.02, 0.88 - 0.09 * k, "▽ " + text, transform=ax.transAxes, fontsize=8, color=colour, va="top")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.ticklabel_format(axis="x", useOffset=False, style="plain")
        ax.tick_params(labelsize=9)
        if r == nrows - 1 or (r + 1, c) not in set(cells):
            ax.set_xlabel(time_label, fontsize=9)
            ax.tick_params(labelbottom=True)
        if c == 0:
            ax.set_ylabel(output.unit if output else "", fontsize=9)
    for r in range(nrows):
        for c in range(ncols):
            if (r, c) not in used:
                grid[r, c].set_visible(False)
    _zero_share_on_its_scale(grid[cells[0]], metric, series[metric].to_numpy(dtype=float), axis="y")
    handles: list = [Line2D([], [], color=colours[s], lw=1.4) for s in scenarios]
    labels = [s + (" (baseline)" if s == baseline else "") for s in scenarios]
    handles.append(Patch(color="0.5", alpha=0.3))
    labels.append(f"95% confidence band over {over}")
    for scenario, label in scheduled_seen:
        handles.append(Line2D([], [], color=colours[scenario], ls="--", lw=1.1))
        labels.append(f"{scenario}: {label} (scheduled)")
    if occasional_any:
        handles.append(Line2D([], [], color="0.3", ls="none", marker="v", mfc="none"))
        labels.append("a policy change won in some runs only: a triangle per run, named in its panel")
    fig.legend(handles, labels, loc="outside lower center", ncols=min(3, len(labels)), fontsize=9)
    fig.suptitle(f"{metric_title(metric, 100)}\nmean and 95% band over {over}, a panel per {per}",
                 fontsize=11)
    return fig


def _zero_share_on_its_scale(ax: Axes, metric: str, values: NDArray[np.float64], axis: str) -> None:
    """A bounded metric (a share) that is zero throughout is drawn on its own scale (0-1), not on
    matplotlib's default range around 0."""
    output = OUTPUT_BY_NAME.get(metric)
    if output and output.bounds and output.bounds[0] == 0 and not np.nanmax(np.abs(values), initial=0.0) > 0:
        top = output.bounds[1]
        (ax.set_xlim if axis == "x" else ax.set_ylim)(-0.02 * top, top)  # the zero line off the frame


def group_colours(groups: Sequence[str], baseline: str | None = None) -> dict[str, object]:
    """A colour per group: grey for ``baseline`` only, the others from a palette without grey."""
    from matplotlib import colormaps

    cmap = colormaps["tab10" if len(groups) <= 9 else "tab20"]
    greys = {7} if cmap.N == 10 else {14, 15}
    palette = [cmap(i) for i in range(cmap.N) if i not in greys]
    others = [g for g in groups if g != baseline]
    colours: dict[str, object] = {g: palette[i % len(palette)] for i, g in enumerate(others)}
    if baseline in groups:
        colours[str(baseline)] = BASELINE_COLOUR
    return colours


def final_year_bars(
    table: pd.DataFrame, metrics: str | Sequence[str], baseline: str | None = None, over: str = "replicates",
    period: str = "final year",
) -> Figure:
    """One panel per metric: the final-year mean of each group with its 95% confidence interval over
    the group's runs (``over`` names them in the title).

    A bar per scenario (the first group column), coloured as the legend says, the baseline
    (``baseline``, else the one ``comparison_table`` noted in ``table.attrs``) grey; with more
    group columns (design points, lever values) the bars of a point are side by side, a row per
    point labelled with its values. ``period`` names the weeks the means are over in the labels:
    a named window's table (``experiments.compare.window_tables``) is drawn the same way, e.g.
    with ``period="window shock (weeks 104-129)"``."""
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    baseline = baseline if baseline is not None else table.attrs.get("baseline")
    final = period == "final year"
    keys = _group_keys(table)
    first = table[table["metric"] == metrics[0]].reset_index(drop=True)
    scenarios = [str(s) for s in pd.unique(first[keys[0]])]
    colours = group_colours(scenarios, baseline)
    rest = keys[1:]
    points = first[rest].drop_duplicates().reset_index(drop=True)
    pooled = int(table.attrs.get("pooled", 1))
    n_rows = len(points) if rest else len(first)
    per_row = len(scenarios) if rest else 1  # bars side by side in a row
    fig, axes = _grid(len(metrics), 2, (6.8, 1.5 + 0.28 * n_rows * per_row + 0.12 * n_rows))
    height = 0.8 / per_row
    for ax, metric in zip(axes, metrics, strict=False):
        rows = table[table["metric"] == metric].reset_index(drop=True)
        if rest:
            row_of = {tuple(v): i for i, v in enumerate(points[rest].itertuples(index=False, name=None))}
            at = np.array([row_of[tuple(v)] for v in rows[rest].itertuples(index=False, name=None)], dtype=float)
            within = np.array([scenarios.index(str(s)) for s in rows[keys[0]]], dtype=float)
            y = (n_rows - 1 - at) + 0.4 - (within + 0.5) * height
        else:
            y = (len(rows) - 1 - np.arange(len(rows))).astype(float)
        err = np.vstack([rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]])
        ax.barh(y, rows["mean"], height=height, color=[colours[str(s)] for s in rows[keys[0]]],
                xerr=np.nan_to_num(err), capsize=2, ecolor="0.2")
        if rest:
            ax.set_yticks(np.arange(n_rows)[::-1], group_labels(points, rest).tolist(), fontsize=9)
        else:
            names = [s + (f", pooled over {pooled} design points" if pooled > 1 else "") for s in
                     rows[keys[0]].astype(str)]
            ax.set_yticks(y, names, fontsize=9)
        ax.set_title(metric_title(metric, 44), fontsize=10)
        ax.set_xlabel(f"{'final-year' if final else 'window'} mean ({OUTPUT_BY_NAME[metric].unit})", fontsize=9)
        _zero_share_on_its_scale(ax, metric, rows[["mean", "ci_high"]].to_numpy(dtype=float), axis="x")
        ax.grid(axis="x", alpha=0.3)
    handles = [Patch(color=colours[s]) for s in scenarios]
    labels = [s + (" (baseline)" if s == baseline else "") for s in scenarios]
    handles.append(Line2D([], [], color="0.2", marker="|", ms=8, lw=1))
    labels.append(f"95% confidence interval over {over}")
    fig.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)), fontsize=9)
    what = "Final-year" if final else period[:1].upper() + period[1:]
    fig.suptitle(f"{what} outcomes: mean and 95% confidence interval over {over}", fontsize=11)
    return fig


def power_indices(table: pd.DataFrame) -> Figure:
    """Rowlands' four powers per group (0-1): power within, with, to, and over (the last is the
    subcontractors' power over workers: lower is better for them)."""
    present = [m for m in POWER_INDICES if m in set(table["metric"])]
    keys = _group_keys(table)
    groups = table.attrs.get("labels") or group_labels(
        table[table["metric"] == present[0]].reset_index(drop=True), keys).tolist()
    fig = Figure(figsize=(9.5, 1.2 + 0.42 * len(groups)), layout="constrained")
    ax = fig.subplots()
    height = 0.8 / len(present)
    colours = _colours(len(present))
    y0 = np.arange(len(groups))[::-1]
    for i, metric in enumerate(present):
        rows = table[table["metric"] == metric].reset_index(drop=True)
        err = np.nan_to_num(np.vstack([rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]]))
        ax.barh(y0 + 0.4 - (i + 0.5) * height, rows["mean"], height=height, color=colours[i], xerr=err,
                capsize=1.5, ecolor="0.3", label=f"{metric}: {OUTPUT_BY_NAME[metric].meaning}")
    ax.set_yticks(y0, groups, fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_xlabel("final-year mean (0-1) with 95% confidence interval")
    ax.set_title("Power indices (Rowlands): within, with, to (workers'); over (subcontractors' over workers)",
                 fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    fig.legend(loc="outside lower center", fontsize=9, ncols=1)
    return fig


def power_cube(runs: pd.DataFrame, group: str = "scenario", over: str = "replicates",
               keys: Sequence[str] | None = None) -> Figure:
    """Gaventa's Power Cube: the network's effort by space (closed, invited, claimed) and by level
    (local, national, global), final-year mean per group over its runs (``over`` says which),
    hours/week. With ``keys`` (a summary's group columns, e.g. ``scenario`` and the swept levers'
    ``param.`` columns) a bar per group, labelled with its values, the scenarios of a design point
    together and the points shaded in turn; otherwise a bar per ``group``."""
    parts = [*CUBE_SPACES, *CUBE_LEVELS]
    if keys and len(keys) > 1:
        kept = list(keys[1:])
        means = runs.groupby(list(keys), sort=False)[parts].mean().reset_index()
        order = {s: i for i, s in enumerate(pd.unique(runs[keys[0]]))}
        point_of = {v: i for i, v in enumerate(means[kept].drop_duplicates().itertuples(index=False, name=None))}
        means["_point"] = [point_of[v] for v in means[kept].itertuples(index=False, name=None)]
        means = means.assign(_order=means[keys[0]].map(order)).sort_values(["_point", "_order"], kind="stable")
        names = group_labels(means, list(keys)).tolist()
        blocks = means["_point"].to_numpy()
    else:
        means = runs.groupby(group, sort=False)[parts].mean().reset_index()
        names = [str(v) for v in means[group]]
        blocks = np.zeros(len(means), dtype=int)
    fig = Figure(figsize=(12.5 if keys and len(keys) > 1 else 11, 1.5 + 0.36 * len(means)), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    y = np.arange(len(means))[::-1]
    for ax, spaces_or_levels, title in ((axes[0], CUBE_SPACES, "space"), (axes[1], CUBE_LEVELS, "level")):
        left = np.zeros(len(means))
        for colour, name in zip(_colours(len(spaces_or_levels)), spaces_or_levels, strict=True):
            ax.barh(y, means[name], left=left, color=colour, label=name.removeprefix("effort_"))
            left = left + means[name].to_numpy()
        for b in np.unique(blocks)[1::2]:  # every other design point shaded, its scenarios together
            rows = y[blocks == b]
            ax.axhspan(rows.min() - 0.5, rows.max() + 0.5, color="0.93", zorder=0, lw=0)
        ax.set_title(f"Network effort by {title}", fontsize=10)
        ax.set_xlabel(f"final-year mean ({OUTPUT_BY_NAME[spaces_or_levels[0]].unit})", fontsize=9)
        ax.legend(fontsize=9, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, title=title,
                  title_fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        ax.set_ylim(-0.6, len(means) - 0.4)
    axes[0].set_yticks(y, names, fontsize=9)
    fig.suptitle("Power Cube (Gaventa): where and at which level the workers' network spends its hours "
                 f"(mean over {over})", fontsize=10)
    return fig


def sensitivity_bars(indices: pd.DataFrame, top: int = 12) -> Figure:
    """Per method and outcome, the ``top`` most influential parameters: Morris ``mu_star`` (bars,
    with confidence) and ``sigma`` (dots), or Sobol total ``ST`` and first-order ``S1`` indices."""
    panels = list(indices.groupby(["method", "outcome"], sort=False))
    fig, axes = _grid(len(panels), 2, (6.4, 0.9 + 0.3 * top))
    for ax, ((method, outcome), part) in zip(axes, panels, strict=False):
        if method == "morris":
            part = part.sort_values("mu_star", ascending=False).head(top)
            y = np.arange(len(part))[::-1]
            ax.barh(y, part["mu_star"], xerr=np.nan_to_num(part["mu_star_conf"].to_numpy()), color="tab:blue",
                    capsize=2, label="mu* (mean |elementary effect|)")
            ax.plot(part["sigma"], y, "o", color="tab:orange", ms=4, label="sigma (interactions, non-linearity)")
            ax.set_xlabel(f"effect on {outcome} ({OUTPUT_BY_NAME[outcome].unit}) over the parameter's range")
        else:
            part = part.sort_values("ST", ascending=False).head(top)
            y = np.arange(len(part))[::-1]
            ax.barh(y + 0.2, part["ST"], height=0.4, xerr=np.nan_to_num(part["ST_conf"].to_numpy()),
                    color="tab:blue", capsize=2, label="ST (total)")
            ax.barh(y - 0.2, part["S1"], height=0.4, xerr=np.nan_to_num(part["S1_conf"].to_numpy()),
                    color="tab:orange", capsize=2, label="S1 (first order)")
            ax.set_xlabel(f"share of the variance of {outcome}")
        ax.set_yticks(y, part["parameter"], fontsize=8)
        ax.set_title(f"{method.capitalize()}: {metric_title(outcome, 44)}", fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=8,
               title="error bars: 95% bootstrap confidence intervals", title_fontsize=8)
    return fig


def regret_plot(regret: pd.DataFrame) -> Figure:
    """Per outcome, the distribution of each policy's regret over the states of the world (box:
    quartiles, whiskers: 5-95%, diamond: maximum regret). Regret is how far a policy falls short
    of the best policy in the same state, in the outcome's unit; 0 is best."""
    outcomes = list(pd.unique(regret["outcome"]))
    policies = list(pd.unique(regret["scenario"]))
    fig, axes = _grid(len(outcomes), 2, (6.0, 1.0 + 0.4 * len(policies)))
    for ax, outcome in zip(axes, outcomes, strict=False):
        part = regret[regret["outcome"] == outcome]
        data = [part.loc[part["scenario"] == p, "regret"].to_numpy() for p in policies]
        y = np.arange(len(policies))[::-1]
        ax.boxplot(data, positions=y, whis=(5, 95), widths=0.6, showfliers=False, **HORIZONTAL)
        ax.plot([d.max() if d.size else np.nan for d in data], y, "D", color="tab:red", ms=4, label="maximum regret")
        ax.set_yticks(y, policies, fontsize=8)
        direction = part["direction"].iloc[0] if "direction" in part else "max"
        ax.set_title(metric_title(outcome, 44) + f"\n(best = {'highest' if direction == 'max' else 'lowest'})",
                     fontsize=9)
        ax.set_xlabel(f"regret ({OUTPUT_BY_NAME[outcome].unit})")
        ax.grid(axis="x", alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", fontsize=8,
               title="regret over the states of the world: box = quartiles, whiskers = 5-95%, 0 = best policy",
               title_fontsize=8)
    return fig


def _column(runs: pd.DataFrame, name: str) -> str:
    """The runs table's column for a heatmap axis: a parameter's ``param.`` column first (a
    parameter such as ``statistics_inclusion`` is also an outcome of the same name), else ``name``."""
    if f"param.{name}" in runs.columns:
        return f"param.{name}"
    if name in runs.columns:
        return name
    raise RumahanInputError(f"column '{name}' is not in the runs table")


#: Heatmap cells per axis above which tick labels are thinned (a grid sweep rarely has more).
MAX_LABELLED_LEVELS = 25


def _levels(values: pd.Index) -> list[str]:
    return [f"{v:g}" if isinstance(v, float) else str(v) for v in values]


def heatmap_cells(runs: pd.DataFrame, x: str, y: str, metric: str, group: str | None = "scenario") -> pd.DataFrame:
    """Mean of ``metric`` over the runs of each (group, x, y) cell: columns ``group`` (when given and
    in ``runs``), the ``x`` and ``y`` columns (bare parameter names mean their ``param.`` column),
    ``mean`` and ``runs``."""
    xc, yc = _column(runs, x), _column(runs, y)
    keys = [k for k in (group,) if k is not None and k in runs.columns and k not in (xc, yc)] + [xc, yc]
    cells = runs.groupby(keys, sort=False)[metric].agg(mean="mean", runs="count").reset_index()
    return cells


def reference_value(cells: pd.DataFrame, reference: dict) -> float:
    """The mean of the one cell that ``reference`` ({column: value}) names; ``ValueError`` when no
    cell matches."""
    mask = np.ones(len(cells), dtype=bool)
    for column, value in reference.items():
        mask &= (cells[column].astype(str) == str(value)).to_numpy() if column in cells else False
    if not mask.any():
        raise ValueError(f"no heatmap cell {', '.join(f'{k} = {v}' for k, v in reference.items())}")
    return float(cells.loc[mask, "mean"].iloc[0])


def cell_name(reference: dict) -> str:
    """``status_quo, framing_intensity = 0, tokenism = 0.1``: a reference cell in words."""
    return group_labels(pd.DataFrame([reference]), list(reference)).iloc[0]


def heatmap(runs: pd.DataFrame, x: str, y: str, metric: str, group: str | None = "scenario",
            reference: dict | None = None) -> Figure:
    """Mean of ``metric`` over runs for each (x, y) pair of values, a panel per ``group`` value
    (e.g. per scenario), all on one colour scale; ``x`` and ``y`` are columns of the runs table
    (a bare parameter name means its ``param.`` column). Meant for grid sweeps; with many
    distinct values (a sample) the figure keeps a bounded size.

    With ``reference`` ({column: value} naming one cell, e.g. ``{"scenario": "status_quo",
    "param.tokenism": 0.1, "param.framing_intensity": 0.0}``), each cell shows its difference
    from that cell, on a diverging scale centred on zero."""
    from matplotlib.colors import Normalize

    from rumahan.experiments.report import significant  # here: experiments.report imports this module

    xc, yc = _column(runs, x), _column(runs, y)
    cells = heatmap_cells(runs, x, y, metric, group)
    by = group if group is not None and group in cells.columns else None
    panels = list(pd.unique(cells[by])) if by else [None]
    if reference is not None:
        cells = cells.assign(mean=cells["mean"] - reference_value(cells, reference))
    values = cells["mean"].to_numpy(dtype=float)
    if reference is not None:
        reach = float(np.nanmax(np.abs(values), initial=0.0)) or 1.0
        norm, cmap = Normalize(-reach, reach), "RdBu"
    else:
        finite = values[np.isfinite(values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        norm, cmap = Normalize(low, high if high > low else low + 1e-12), "viridis"
    nx, ny = cells[xc].nunique(), cells[yc].nunique()
    panel = (min(9.0, 1.4 + 0.85 * nx), min(8.0, 1.3 + 0.55 * ny))
    fig, axes = _grid(len(panels), 3, panel)
    image = None
    for ax, name in zip(axes, panels, strict=False):
        part = cells if name is None else cells[cells[by] == name]
        pivot = part.pivot_table(index=yc, columns=xc, values="mean", aggfunc="mean").sort_index(ascending=False)
        image = ax.imshow(pivot.to_numpy(), aspect="auto", cmap=cmap, norm=norm, interpolation="nearest")
        for levels, set_ticks in ((pivot.columns, ax.set_xticks), (pivot.index, ax.set_yticks)):
            step = max(1, int(np.ceil(len(levels) / MAX_LABELLED_LEVELS)))
            positions = range(0, len(levels), step)
            set_ticks(list(positions), [_levels(levels)[i] for i in positions], fontsize=9)
        ax.set_xlabel(parameter_axis(xc), fontsize=9)
        ax.set_ylabel(parameter_axis(yc), fontsize=9)
        grid_values = pivot.to_numpy()
        if grid_values.size <= 150:
            for (i, j), v in np.ndenumerate(grid_values):
                if np.isfinite(v):
                    shade = norm(v)
                    dark = shade < 0.55 if reference is None else abs(shade - 0.5) > 0.3
                    shown = significant(v)  # 3 significant figures, never an exponent (9.06e-05)
                    ax.text(j, i, ("+" if v > 0 else "") + shown if reference is not None else shown, ha="center",
                            va="center", fontsize=9, color="white" if dark else "black")
        if name is not None:
            ax.set_title(str(name), fontsize=10)
    label = metric_axis(metric) if reference is None else f"difference in {metric_axis(metric)}"
    fig.colorbar(image, ax=[a for a in axes if a.get_visible()], label=label, shrink=0.9)
    what = ("mean over replicates, one colour scale for every panel" if reference is None else
            f"difference from the cell {cell_name(reference)} (blue: higher, red: lower)")
    fig.suptitle(f"{metric_title(metric, 90)}\n{what}", fontsize=10)
    return fig


def percent(share: float) -> str:
    """``share`` as a whole percentage, with no minus sign on a share that rounds to 0."""
    return f"{round(float(share), 2) + 0.0:.0%}"


def ablation_bars(table: pd.DataFrame) -> Figure:
    """Mechanism ablation (``experiments.ablation``): one panel per outcome, a horizontal bar per
    channel for the part of the scenario's effect (its difference from the comparison scenario) that
    the channel carries, with its 95% confidence interval; the effect with every channel on is the
    dashed line, its interval the shaded band. A channel's share of the effect, where that effect's
    interval excludes 0, follows its name."""
    outcomes = list(pd.unique(table["outcome"]))
    channels = list(pd.unique(table["channel"]))
    fig, axes = _grid(len(outcomes), 2, (6.4, 1.6 + 0.34 * len(channels)))
    first = table.iloc[0]
    scenario, against = first["scenario"], first["against"]
    clear, unclear = "tab:blue", "0.72"
    for ax, outcome in zip(axes, outcomes, strict=False):
        rows = table[table["outcome"] == outcome].reset_index(drop=True)
        y = np.arange(len(rows))[::-1]
        excludes = ((rows["carried_ci_low"] > 0) | (rows["carried_ci_high"] < 0)).to_numpy()
        err = np.vstack([rows["carried"] - rows["carried_ci_low"], rows["carried_ci_high"] - rows["carried"]])
        ax.barh(y, rows["carried"], color=[clear if e else unclear for e in excludes], xerr=np.nan_to_num(err),
                capsize=2, ecolor="0.2")
        effect = rows.loc[0, ["effect_all", "effect_all_ci_low", "effect_all_ci_high"]].to_numpy(dtype=float)
        ax.axvspan(effect[1], effect[2], color="tab:red", alpha=0.12, lw=0, zorder=0)
        ax.axvline(effect[0], color="tab:red", ls="--", lw=1.2)
        ax.axvline(0, color="0.2", lw=0.8)
        labels = [name.removeprefix("channel_") + ("" if np.isnan(share) else f" ({percent(share)})")
                  for name, share in zip(rows["channel"], rows["share"], strict=True)]
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_title(metric_title(outcome, 44), fontsize=9)
        ax.set_xlabel(f"difference {scenario} − {against} ({OUTPUT_BY_NAME[outcome].unit})", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    from matplotlib.patches import Patch

    handles = [
        Patch(color=clear, label="carried by the channel, 95% CI excludes 0"),
        Patch(color=unclear, label="carried by the channel, 95% CI includes 0"),
        Line2D([], [], color="0.2", marker="|", ms=8, lw=1, label="95% confidence interval of what it carries"),
        Line2D([], [], color="tab:red", ls="--", lw=1.2, label="effect with every channel on"),
        Patch(color="tab:red", alpha=0.12, label="95% CI of the effect with every channel on"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=8,
               title="(n%) after a channel: its share of the effect, where the effect's CI excludes 0",
               title_fontsize=8)
    fig.suptitle(f"Mechanism ablation: how much of {scenario} − {against} each causal channel carries\n"
                 f"(effect with every channel on minus the effect with that channel off in both; final-year "
                 f"means, paired over {int(first['n'])} replicates)", fontsize=10)
    return fig
