"""Charts of one run for the Explore page (Altair, so they are interactive in the browser).

They only reshape and draw ``RunResult`` tables: every number comes from the run. Labels and
units come from ``model.metrics.OUTPUTS`` through ``dashboard.labels``.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from rumahan.dashboard.group_charts import sized
from rumahan.dashboard.labels import event_title, metric_label, metric_title, metric_unit
from rumahan.model.calendar import START_YEAR, WEEKS_PER_YEAR

TIME_TITLE = "Year (52 weekly steps each, from January 2023)"
#: Vega expression turning a model week into a fractional calendar year.
WEEK_TO_YEAR = f"{START_YEAR} + datum.week / {WEEKS_PER_YEAR}"
#: Colours of the lines (distinct for up to ten outcomes).
PALETTE = "tableau10"
#: Event kinds marked on time axes by default (agreements are frequent and listed in the table).
MARKED_EVENTS = (
    "judicial_review_filed", "judicial_review_rejected", "judicial_review_granted",
    "policy_scheduled", "policy_conceded", "retaliation",
)
#: Height of a time-series plot; its element is taller by the axis, the legends and the title.
PLOT_HEIGHT, LEGEND_ROW = 240, 20
#: How the shown run and the unchanged scenario (same seed) are told apart on the time axes.
THIS_RUN, UNCHANGED_RUN = "this run", "scenario as it is (same seed)"
#: Colours of the kinds of events marked on time axes (dark, apart from the outcomes' tableau10).
EVENT_COLOURS = ("#1b1b1b", "#b2182b", "#2166ac", "#762a83", "#1b7837", "#8c510a", "#01665e")


def events_frame(events: Sequence[dict]) -> pd.DataFrame:
    """Events as a table with a plain title per kind."""
    frame = pd.DataFrame(list(events), columns=["week", "kind", "detail"])
    frame["event"] = [event_title(kind) for kind in frame["kind"]]
    return frame


def _shared_unit(metrics: Sequence[str]) -> str | None:
    """The unit all ``metrics`` share (written once, on the axis), or ``None`` when they differ
    (then each line's label carries its own)."""
    units = {metric_unit(m) for m in metrics}
    return units.pop() if len(units) == 1 else None


def timeseries_chart(
    timeseries: pd.DataFrame,
    metrics: Sequence[str],
    events: pd.DataFrame | None = None,
    y_title: str | None = None,
    reference: pd.DataFrame | None = None,
) -> alt.LayerChart | alt.Chart:
    """Weekly lines of ``metrics`` (one colour each), with the events as dashed vertical rules (a
    colour per kind of event, named in a legend of their own) and, when
    ``reference`` (the unchanged scenario's weekly outcomes) is given, its lines faint and dashed."""
    runs = {THIS_RUN: timeseries} if reference is None else {THIS_RUN: timeseries, UNCHANGED_RUN: reference}
    long = pd.concat([frame[["week", "year", *metrics]].melt(["week", "year"], var_name="metric", value_name="value")
                      .assign(run=run) for run, frame in runs.items()], ignore_index=True)
    unit = _shared_unit(metrics)
    long["outcome"] = [metric_title(m) if unit is not None else metric_label(m) for m in long["metric"]]
    time_axis = alt.X("time:Q", title=TIME_TITLE, axis=alt.Axis(format="d", tickMinStep=1),
                      scale=alt.Scale(nice=False))
    lines = alt.Chart(long).transform_calculate(time=WEEK_TO_YEAR).mark_line().encode(
        x=time_axis,
        y=alt.Y("value:Q", title=y_title or unit or None),
        color=alt.Color("outcome:N", title=None, scale=alt.Scale(scheme=PALETTE),
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=420)),
        tooltip=[alt.Tooltip("week:Q"), alt.Tooltip("year:Q"), alt.Tooltip("outcome:N"),
                 alt.Tooltip("value:Q", title=unit or "value", format=",.3~r"), alt.Tooltip("run:N")],
        **({} if reference is None else {
            # told apart by the caption above the panels: a second legend would not fit beside the first
            "strokeDash": alt.StrokeDash("run:N", sort=list(runs), legend=None,
                                         scale=alt.Scale(domain=list(runs), range=[[1, 0], [2, 2]])),
            "opacity": alt.Opacity("run:N", sort=list(runs), legend=None,
                                   scale=alt.Scale(domain=list(runs), range=[1.0, 0.4])),
        }),
    )
    chart: alt.Chart | alt.LayerChart = lines
    if events is not None and len(events):
        kinds = list(dict.fromkeys(events["event"]))
        rules = alt.Chart(events).transform_calculate(time=WEEK_TO_YEAR).mark_rule(
            strokeDash=[4, 3], strokeWidth=1.5, opacity=0.85,
        ).encode(
            x="time:Q",
            color=alt.Color("event:N", title="events", sort=kinds, scale=alt.Scale(
                domain=kinds, range=[EVENT_COLOURS[i % len(EVENT_COLOURS)] for i in range(len(kinds))]),
                # above the plot: beside the outcomes' legend below, a narrow column's labels were cut
                legend=alt.Legend(orient="top", columns=1, labelLimit=420, symbolType="stroke",
                                  symbolStrokeWidth=2, symbolDash=[4, 3])),
            tooltip=[alt.Tooltip("week:Q"), alt.Tooltip("event:N"), alt.Tooltip("detail:N")],
        )
        chart = alt.layer(lines, rules).resolve_scale(color="independent")
    rows = len(metrics) + (len(dict.fromkeys(events["event"])) + 1 if events is not None and len(events) else 0)
    # Streamlit fits the whole chart (legends too) into the element: give it room for the plot
    return sized(chart.properties(height=PLOT_HEIGHT).interactive(bind_y=False), PLOT_HEIGHT + 90 + LEGEND_ROW * rows)


def _yearly_bars(timeseries: pd.DataFrame, parts: Sequence[str], colours: Sequence[str], stacked: bool) -> alt.Chart:
    """Yearly means of weekly money flows, in millions of rupiah per week."""
    long = timeseries[["year", *parts]].melt("year", var_name="metric", value_name="value")
    long["flow"] = [metric_title(m) for m in long["metric"]]
    long["order"] = [list(parts).index(m) for m in long["metric"]]
    long["value"] = long["value"] / 1e6
    encoding = {
        "x": alt.X("year:O", title="Year", axis=alt.Axis(labelAngle=0)),
        "y": alt.Y("mean(value):Q", stack="zero" if stacked else None, title="Million Rp/week"),
        "color": alt.Color("flow:N", title=None, sort=[metric_title(m) for m in parts],
                           scale=alt.Scale(range=list(colours)),
                           legend=alt.Legend(orient="bottom", columns=1, labelLimit=320)),  # one a line: none cut
        "order": alt.Order("order:Q"),
        "tooltip": [alt.Tooltip("year:O"), alt.Tooltip("flow:N"),
                    alt.Tooltip("mean(value):Q", title="million Rp/week (yearly mean)", format=",.2f")],
    }
    if not stacked:
        encoding["xOffset"] = alt.XOffset("flow:N", sort=[metric_title(m) for m in parts])
    return sized(alt.Chart(long).mark_bar().encode(**encoding).properties(height=PLOT_HEIGHT),
                 PLOT_HEIGHT + 90 + LEGEND_ROW * len(parts))


def money_flow_chart(timeseries: pd.DataFrame) -> alt.Chart:
    """Where the principals' money goes, per year: stacked bars of workers' gross pay and the
    subcontractors' margin (together the value paid by principals)."""
    return _yearly_bars(timeseries, ("worker_gross_pay", "subcontractor_margin"), ("#2a9d8f", "#e76f51"), True)


def cost_chart(timeseries: pd.DataFrame) -> alt.Chart:
    """Money the workers pay out (production costs) and the fines subcontractors pay, per year."""
    return _yearly_bars(timeseries, ("worker_costs", "fines_paid"), ("#f4a261", "#264653"), False)


def effort_bars(summary: dict[str, float], metrics: Sequence[str], title: str) -> alt.Chart:
    """Horizontal bars of final-year means from ``RunResult.summary`` (one bar per outcome)."""
    frame = pd.DataFrame({
        "part": [m.split("_", 1)[1] for m in metrics],
        "value": [summary[m] for m in metrics],
        "meaning": [metric_label(m) for m in metrics],
    })
    return alt.Chart(frame, title=title).mark_bar(color="#457b9d").encode(
        y=alt.Y("part:N", title=None, sort=None),
        x=alt.X("value:Q", title=f"Final-year mean ({metric_unit(metrics[0])})"),
        tooltip=[alt.Tooltip("meaning:N", title="outcome"), alt.Tooltip("value:Q", format=",.1f")],
    ).properties(height=40 * len(metrics) + 90)
