"""Interactive charts of groups of runs for the Compare and Batch pages (Altair, like Explore's).

They draw tables made by ``experiments.compare`` / ``experiments.summaries`` and the policy
changes sorted by ``experiments.plots.policy_events``, with the rules of the CLI's figures: a
colour per scenario and grey for the baseline only, a facet per lever, labels in words with units,
and a legend (or a tooltip and a caption) for every mark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from rumahan.dashboard.labels import metric_title, metric_unit, parameter_axis, parameter_title
from rumahan.experiments.compare import t_half_width
from rumahan.experiments.plots import heatmap_cells, policy_events, reference_value, runs_per_group
from rumahan.experiments.records import PARAM_PREFIX
from rumahan.model.calendar import START_YEAR, WEEKS_PER_YEAR
from rumahan.model.metrics import OUTPUT_BY_NAME

BASELINE_GREY = "#8c8c8c"
#: Tableau 10 without its grey, which is the baseline's alone.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f")
TIME_TITLE = "Year (weekly steps from January 2023)"
#: Width of the chart area the pages give (the wide layout at 1,280 px leaves about 820 px).
WIDTH = 760


def sized(chart: alt.TopLevelMixin, height: int) -> alt.TopLevelMixin:
    """``chart`` noting the height of the whole element (plot, axes, titles, legend) in its
    ``usermeta``: Streamlit fits a single or layered chart (not a faceted one) into an element of
    that height, shrinking the plot to make room for the rest."""
    return chart.properties(usermeta={"element_height": int(height)})


#: Type sizes of every chart's axes and legends (px): the theme's 10 px tick labels read small at 1,920 px.
LABEL_SIZE, TITLE_SIZE = 12, 13


def show(chart: alt.TopLevelMixin, stretch: bool = False) -> None:
    """``st.altair_chart`` at the height the chart notes (see ``sized``), with readable axis and
    legend type."""
    import streamlit as st

    meta = getattr(chart, "usermeta", None)  # not to_dict(): it refuses data of more than 5,000 rows
    meta = meta if isinstance(meta, dict) else {}
    chart = chart.configure_axis(labelFontSize=LABEL_SIZE, titleFontSize=TITLE_SIZE).configure_legend(
        labelFontSize=LABEL_SIZE, titleFontSize=TITLE_SIZE).configure_header(
        labelFontSize=TITLE_SIZE, titleFontSize=TITLE_SIZE)
    st.altair_chart(chart, width="stretch" if stretch else "content", height=meta.get("element_height", "content"))


def scenario_scale(scenarios: Sequence[str], baseline: str | None) -> alt.Scale:
    """A colour per scenario: grey for the baseline, the palette for the others."""
    others = [s for s in scenarios if s != baseline]
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(others)}
    if baseline in scenarios:
        colours[baseline] = BASELINE_GREY
    return alt.Scale(domain=list(scenarios), range=[colours[s] for s in scenarios])


def legend_names(scenarios: Sequence[str], baseline: str | None,
                 names: Mapping[str, str] | None = None) -> dict[str, str]:
    """How each scenario (or group) is shown in a chart: its name from ``names`` (e.g. its title,
    ``dashboard.labels.scenario_title``) or as it is, with ``(baseline)`` after the baseline's."""
    names = names or {}
    return {s: names.get(s, s) + (" (baseline)" if s == baseline else "") for s in scenarios}


def _as_shown(frame: pd.DataFrame | None, column: str, shown: Mapping[str, str]) -> pd.DataFrame | None:
    """``frame`` with ``column``'s values replaced by how they are shown (others kept as they are)."""
    if frame is None or column not in frame:
        return frame
    values = frame[column].astype(str)
    return frame.assign(**{column: values.map(lambda v: shown.get(v, v))})


def lever_title(column: str) -> str:
    """``param.tokenism`` -> ``tokenism``."""
    return column.removeprefix(PARAM_PREFIX)


def _facets(keys: Sequence[str]) -> dict[str, alt.Facet]:
    """Row and column facets for up to two lever columns (``param.*``) of a summary."""
    levers = [k for k in keys if k.startswith(PARAM_PREFIX)]
    facets: dict[str, alt.Facet] = {}
    if levers:
        facets["column"] = alt.Column(f"{levers[0].replace('.', '_')}:O", title=f"{parameter_title(lever_title(levers[0]))} =",
                                      header=alt.Header(labelFontSize=13, titleFontSize=13))
    if len(levers) > 1:
        facets["row"] = alt.Row(f"{levers[1].replace('.', '_')}:O", title=f"{parameter_title(lever_title(levers[1]))} =",
                                header=alt.Header(labelFontSize=13, titleFontSize=13, labelAngle=0))
    return facets


def _fields(frame: pd.DataFrame) -> pd.DataFrame:
    """Column names Vega-Lite reads as plain fields (a dot would mean a nested field)."""
    return frame.rename(columns={c: c.replace(".", "_") for c in frame.columns if "." in c})


def final_year_chart(table: pd.DataFrame, metric: str, baseline: str | None, period: str = "final-year",
                     names: Mapping[str, str] | None = None) -> alt.FacetChart | alt.LayerChart:
    """Final-year mean of each scenario with its 95% interval, a facet per value of each lever the
    summary keeps apart (columns for the first, rows for the second). ``period`` names the weeks
    of the means on the axis (``"window"`` for a named window's table); ``names`` how scenarios
    are shown (their code names otherwise). The unit is on the axis only."""
    keys = list(table.attrs.get("keys") or table.columns[: table.columns.get_loc("metric")])
    rows = table[table["metric"] == metric].copy()
    scenarios = [str(s) for s in pd.unique(table["scenario"])]
    shown = legend_names(scenarios, baseline, names)
    rows["scenario"] = rows["scenario"].astype(str)
    rows["shown"] = rows["scenario"].map(shown)
    pooled = int(table.attrs.get("pooled", 1))
    unit = metric_unit(metric)
    order = [shown[s] for s in scenarios]
    base = alt.Chart().encode(
        y=alt.Y("shown:N", title=None, sort=order, axis=alt.Axis(labelLimit=260, labelFontSize=12)),
    )
    output = OUTPUT_BY_NAME.get(metric)
    flat_share = bool(output and output.bounds and output.bounds[0] == 0
                      and not (rows[["mean", "ci_high"]].abs() > 0).any().any())
    bars = base.mark_bar().encode(
        x=alt.X("mean:Q", title=f"{period} mean ({unit})" if unit else f"{period} mean",
                scale=alt.Scale(domain=list(output.bounds)) if flat_share else alt.Scale(),
                axis=alt.Axis(labelFontSize=11, titleFontSize=12)),
        color=alt.Color("shown:N", scale=scenario_scale(order, shown.get(baseline)), title=None,
                        legend=alt.Legend(orient="bottom", labelFontSize=12, labelLimit=400)),
        tooltip=[alt.Tooltip("shown:N", title="scenario"),
                 *(alt.Tooltip(f"{k.replace('.', '_')}:N", title=lever_title(k)) for k in keys[1:]),
                 alt.Tooltip("mean:Q", format=",.3~r"), alt.Tooltip("ci_low:Q", title="95% interval from", format=",.3~r"),
                 alt.Tooltip("ci_high:Q", title="to", format=",.3~r"), alt.Tooltip("n:Q", title="runs")],
    )
    whiskers = base.mark_rule(color="#222").encode(x="ci_low:Q", x2="ci_high:Q")
    layered = alt.layer(bars, whiskers)
    facets = _facets(keys)
    n_columns = max(1, rows[keys[1]].nunique()) if facets else 1
    label_room = 230 if names is None else 290
    width = max(120, int((WIDTH - label_room) / n_columns) - 20)
    title = metric_title(metric) + (f" (each bar pools {pooled} design points)" if pooled > 1 else "")
    data = _fields(rows)
    plot = 24 * len(scenarios) + 10
    if facets:
        return layered.properties(width=width, height=plot).facet(data=data, **facets, title=title)
    chart = alt.layer(bars, whiskers, data=data).properties(width=WIDTH - label_room, height=plot, title=title)
    return sized(chart, plot + 30 + 190)


def band_frame(timeseries: pd.DataFrame, metric: str, group: str) -> pd.DataFrame:
    """Per group and week: the mean over runs and its 95% confidence band (as the CLI's figures)."""
    agg = timeseries.groupby([group, "week"], sort=False)[metric].agg(["mean", "std", "count"]).reset_index()
    half = t_half_width(agg["std"], agg["count"])
    output = OUTPUT_BY_NAME.get(metric)
    low, high = output.bounds if output and output.bounds else (-np.inf, np.inf)
    agg["low"] = np.clip(agg["mean"] - np.nan_to_num(half), low, high)
    agg["high"] = np.clip(agg["mean"] + np.nan_to_num(half), low, high)
    agg["year"] = START_YEAR + agg["week"] / WEEKS_PER_YEAR
    agg[group] = agg[group].astype(str)
    return agg


def event_notes(timeseries: pd.DataFrame, events: pd.DataFrame | None, group: str = "scenario",
                names: Mapping[str, str] | None = None) -> list[str]:
    """The policy changes of the chart in words: scheduled ones (drawn as lines), then those won in
    some runs only (drawn as triangles), with their count; groups shown by ``names`` if given."""
    if names:
        timeseries, events = _as_shown(timeseries, group, names), _as_shown(events, group, names)
    scheduled, occasional = policy_events(events, runs_per_group(timeseries, group), group)
    notes = [f"{getattr(r, group)}: {r.label} (scheduled: a dashed line)" for r in scheduled.itertuples(index=False)]
    notes += [f"{getattr(r, group)}: {r.label} (a triangle at each run's week)"
              for r in occasional.itertuples(index=False)]
    return notes


def bands_chart(timeseries: pd.DataFrame, metric: str, events: pd.DataFrame | None = None,
                group: str = "scenario", baseline: str | None = None,
                names: Mapping[str, str] | None = None) -> alt.LayerChart:
    """Weekly mean of ``metric`` per group with its 95% band; the group's scheduled policy changes
    as labelled dashed lines, changes won in some runs only as triangles at the top (their count
    in the tooltip). Groups are shown by ``names`` (as they are otherwise), ``(baseline)`` after
    the baseline's; the title names the outcome and the axis its unit."""
    shown = legend_names([str(g) for g in pd.unique(timeseries[group])], baseline, names)
    timeseries, events = _as_shown(timeseries, group, shown), _as_shown(events, group, shown)
    baseline = shown.get(str(baseline)) if baseline is not None else None
    frame = band_frame(timeseries, metric, group)
    groups = [str(g) for g in pd.unique(frame[group])]
    long_names = max(len(g) for g in groups) > 24
    columns = 1 if long_names else 2 if len(groups) > 3 else len(groups)
    colour = alt.Color(f"{group}:N", scale=scenario_scale(groups, baseline), title=None,
                       legend=alt.Legend(orient="bottom", columns=columns, labelLimit=420, labelFontSize=12,
                                         symbolOpacity=1, symbolType="stroke", symbolStrokeWidth=3))
    x = alt.X("year:Q", title=TIME_TITLE, axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(nice=False))
    y_title = metric_unit(metric) or None
    output = OUTPUT_BY_NAME.get(metric)
    flat_share = bool(output and output.bounds and output.bounds[0] == 0 and not (frame["high"].abs() > 0).any())
    y_scale = alt.Scale(domain=list(output.bounds)) if flat_share else alt.Scale(zero=False)  # all zero: 0-1
    band = alt.Chart(frame).mark_area(opacity=0.2).encode(x=x, y=alt.Y("low:Q", title=y_title, scale=y_scale),
                                                          y2="high:Q", color=colour)
    line = alt.Chart(frame).mark_line().encode(
        x=x, y="mean:Q", color=colour,
        tooltip=[alt.Tooltip(f"{group}:N"), alt.Tooltip("week:Q"), alt.Tooltip("mean:Q", format=",.3~r"),
                 alt.Tooltip("low:Q", title="95% band from", format=",.3~r"),
                 alt.Tooltip("high:Q", title="to", format=",.3~r")])
    layers: list[alt.Chart] = [band, line]
    scheduled, occasional = policy_events(events, runs_per_group(timeseries, group), group)
    if len(scheduled):
        marks = scheduled.assign(year=START_YEAR + scheduled["week"] / WEEKS_PER_YEAR,
                                 **{group: scheduled[group].astype(str)})
        rule = alt.Chart(marks).mark_rule(strokeDash=[6, 3], strokeWidth=1.5).encode(
            x="year:Q", color=colour, tooltip=[alt.Tooltip(f"{group}:N"), alt.Tooltip("label:N", title="scheduled")])
        text = alt.Chart(marks).mark_text(align="left", dx=3, dy=-4, baseline="top", fontSize=11, angle=0,
                                          y=4).encode(x="year:Q", text="detail:N", color=colour)
        layers += [rule, text]
    if len(occasional):
        ticks = occasional.explode("weeks").rename(columns={"weeks": "week"})
        ticks = ticks.assign(year=START_YEAR + ticks["week"].astype(float) / WEEKS_PER_YEAR,
                             **{group: ticks[group].astype(str)}).drop(columns=["kind"])
        layers.append(alt.Chart(ticks).mark_point(shape="triangle-down", filled=False, size=60, y=18).encode(
            x="year:Q", color=colour,
            tooltip=[alt.Tooltip(f"{group}:N"), alt.Tooltip("label:N", title="in some runs only"),
                     alt.Tooltip("week:Q", title="this run's week")]))
    legend_rows = -(-len(groups) // columns)
    chart = alt.layer(*layers).properties(height=260, title=metric_title(metric)).interactive(bind_y=False)
    return sized(chart, 260 + 230 + 22 * legend_rows)


def power_chart(table: pd.DataFrame, names: Mapping[str, str] | None = None) -> alt.Chart:
    """Rowlands's four powers per group (final-year means with 95% intervals): a bar per power;
    a table without group labels is shown per scenario, by ``names`` if given."""
    keys = list(table.attrs.get("keys") or table.columns[: table.columns.get_loc("metric")])
    labels = table.attrs.get("labels")
    rows = table[table["metric"].isin(("power_within", "power_with", "power_to", "power_over"))].copy()
    if labels:
        order = dict(zip(table[keys].drop_duplicates().itertuples(index=False, name=None), labels, strict=True))
        rows["group"] = [order[k] for k in rows[keys].itertuples(index=False, name=None)]
    else:
        rows["group"] = rows[keys[0]].astype(str).map(lambda g: (names or {}).get(g, g))
    rows["power"] = [metric_title(m) for m in rows["metric"]]
    base = alt.Chart(rows).encode(y=alt.Y("group:N", title=None, sort=None, axis=alt.Axis(labelLimit=360)),
                                  yOffset=alt.YOffset("power:N", sort=None))
    bars = base.mark_bar().encode(
        x=alt.X("mean:Q", title="final-year mean (0-1) with its 95% interval", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("power:N", sort=None, title="power (power over: the subcontractors' over the workers)",
                        legend=alt.Legend(orient="bottom", labelLimit=200, titleLimit=500)),
        tooltip=[alt.Tooltip("group:N"), alt.Tooltip("power:N"), alt.Tooltip("mean:Q", format=".3~r"),
                 alt.Tooltip("ci_low:Q", title="95% interval from", format=".3~r"),
                 alt.Tooltip("ci_high:Q", title="to", format=".3~r")])
    whiskers = base.mark_rule(color="#222").encode(x="ci_low:Q", x2="ci_high:Q")
    n = rows["group"].nunique()
    plot = max(120, 64 * n)
    return sized(alt.layer(bars, whiskers).properties(
        width=WIDTH - 330, height=plot,
        title="The four powers (Rowlands)"), plot + 200)


def cube_chart(runs: pd.DataFrame, group: str = "scenario", names: Mapping[str, str] | None = None) -> alt.HConcatChart:
    """Gaventa's Power Cube: the network's effort by space and by level, stacked, final-year mean
    per group over its runs (groups shown by ``names`` if given)."""
    runs = _as_shown(runs, group, names or {})
    charts = []
    for title, parts in (("space", ("effort_closed", "effort_invited", "effort_claimed")),
                         ("level", ("effort_local", "effort_national", "effort_global"))):
        means = runs.groupby(group, sort=False)[list(parts)].mean().reset_index()
        long = means.melt(group, var_name="metric", value_name="hours")
        long[group] = long[group].astype(str)
        long["part"] = [m.removeprefix("effort_") for m in long["metric"]]
        long["order"] = [parts.index(m) for m in long["metric"]]
        charts.append(alt.Chart(long, title=f"Network effort by {title}").mark_bar().encode(
            y=alt.Y(f"{group}:N", title=None, sort=None, axis=alt.Axis(labelLimit=300, labelFontSize=12)),
            x=alt.X("hours:Q", title=f"final-year mean ({metric_unit(parts[0])})", stack="zero"),
            color=alt.Color("part:N", sort=[p.removeprefix("effort_") for p in parts], title=title,
                            legend=alt.Legend(orient="bottom")),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip(f"{group}:N"), alt.Tooltip("part:N"), alt.Tooltip("hours:Q", format=",.3~r")],
        ).properties(width=WIDTH // 2 - 170, height=max(90, 34 * long[group].nunique())))
    return alt.hconcat(*charts).resolve_scale(color="independent")


def heatmap_chart(runs: pd.DataFrame, x: str, y: str, metric: str, reference: dict | None = None) -> alt.Chart:
    """Mean of ``metric`` per (x, y) cell, a panel per scenario on one colour scale; with
    ``reference`` (a cell, {column: value}) the difference from it on a diverging scale centred on
    zero. ``x`` and ``y`` are bare parameter names or ``scenario``."""
    cells = heatmap_cells(runs, x, y, metric)
    xc, yc = [c for c in cells.columns if c not in ("mean", "runs")][-2:]  # heatmap_cells: [group,] x, y
    shown = "mean"
    if reference is not None:
        cells["difference"] = cells["mean"] - reference_value(cells, reference)
        shown = "difference"
    cells = _fields(cells)
    xf, yf = xc.replace(".", "_"), yc.replace(".", "_")
    unit = metric_unit(metric)
    heading = metric_title(metric)  # the chart's title; the unit is the colour legend's
    if reference is None:
        scale = alt.Scale(scheme="viridis")
        title = unit or "mean"
    else:
        reach = float(np.nanmax(np.abs(cells[shown]), initial=0.0)) or 1.0
        scale = alt.Scale(scheme="redblue", domain=[-reach, reach], domainMid=0)
        title = f"difference ({unit})" if unit else "difference"
        heading += ": difference from one cell"
    x_title, y_title = parameter_axis(lever_title(xc)), parameter_axis(lever_title(yc))
    base = alt.Chart().encode(x=alt.X(f"{xf}:O", title=x_title,
                                      axis=alt.Axis(labelAngle=0, labelFontSize=12, titleFontSize=12)),
                              y=alt.Y(f"{yf}:O", title=y_title, sort="descending",
                                      axis=alt.Axis(labelFontSize=12, titleFontSize=12)))
    rect = base.mark_rect().encode(
        color=alt.Color(f"{shown}:Q", scale=scale, title=title, legend=alt.Legend(orient="right", gradientLength=180)),
        tooltip=[alt.Tooltip(f"{xf}:O", title=x_title), alt.Tooltip(f"{yf}:O", title=y_title),
                 alt.Tooltip(f"{shown}:Q", format=",.3~r"), alt.Tooltip("runs:Q")])
    if reference is None:  # white on viridis's dark (low) half, black on its light half
        finite = cells[shown].dropna()
        middle = float((finite.min() + finite.max()) / 2) if len(finite) else 0.0
        dark = f"datum['{shown}'] < {middle!r}"
    else:  # white on the strong ends of red-blue
        dark = f"abs(datum['{shown}']) > {0.6 * reach!r}"
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text(f"{shown}:Q", format="+,.3~r" if reference is not None else ",.3~r"),
        color=alt.condition(dark, alt.value("white"), alt.value("black")))
    nx, ny = cells[xf].nunique(), cells[yf].nunique()
    size = {"width": min(300, 80 * nx), "height": min(360, 50 * ny)}
    if "scenario" in cells.columns and "scenario" not in (xc, yc):
        order = [str(v) for v in pd.unique(cells["scenario"])]
        return alt.layer(rect, text).properties(**size).facet(
            data=cells, column=alt.Column("scenario:N", title=None, sort=order, header=alt.Header(labelFontSize=13)),
            title=heading)
    return sized(alt.layer(rect, text, data=cells).properties(**size, title=heading), size["height"] + 180)
