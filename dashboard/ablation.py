"""An ablation folder on the Batch page (``rumahan ablate``): how much of a scenario's effect,
against the scenario it is compared with, each causal channel carries.

The table is the folder's ``ablation.parquet`` (``experiments.ablation.ablation_table``): per outcome
and channel, the effect with every channel on, the effect with that channel off, and what the
channel carries (their difference, paired by seed, with its 95% interval).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from rumahan.dashboard import group_charts
from rumahan.dashboard.labels import metric_option, metric_title, parameter_title, scenario_title
from rumahan.experiments.report import significant
from rumahan.experiments.storage import OutputFolder

CARRIED_BLUE = "#4e79a7"


def carried_chart(part: pd.DataFrame) -> alt.LayerChart:
    """One outcome: a bar per channel for what it carries, with its 95% interval, and zero marked."""
    unit = part["unit"].iloc[0]
    shown = part.assign(channel_title=part["channel"].map(parameter_title),
                        carried_text=part["carried"].map(significant))
    y = alt.Y("channel_title:N", title=None, sort=list(shown["channel_title"]), axis=alt.Axis(labelLimit=260))
    bars = alt.Chart(shown).mark_bar(color=CARRIED_BLUE).encode(
        x=alt.X("carried:Q", title=f"carried by the channel ({unit})"), y=y,
        tooltip=[alt.Tooltip("channel:N", title="channel"), alt.Tooltip("carried_text:N", title="carried"),
                 alt.Tooltip("share:Q", title="share of the effect", format=".0%")])
    errors = alt.Chart(shown).mark_rule(color="black").encode(x="carried_ci_low:Q", x2="carried_ci_high:Q", y=y)
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#555", strokeDash=[4, 3]).encode(x="x:Q")
    return group_charts.sized((bars + errors + zero).properties(width=group_charts.WIDTH - 260),
                              60 + 28 * len(shown))


def with_half(value: float, low: float, high: float) -> str:
    """``value ±half`` of its 95% interval ``[low, high]``, to 3 significant figures."""
    half = (high - low) / 2
    return significant(value) + ("" if pd.isna(half) else f" ±{significant(half)}")


def channel_rows(part: pd.DataFrame) -> pd.DataFrame:
    """One outcome's channels as text: effect without the channel, what it carries (``*`` where its
    interval excludes 0) and its share of the effect, to 3 significant figures."""
    rows = []
    for r in part.itertuples(index=False):
        mark = "*" if r.carried_ci_low > 0 or r.carried_ci_high < 0 else ""
        rows.append({
            "channel off": f"{parameter_title(r.channel)} · {r.channel}",
            "effect without it": with_half(r.effect_without, r.effect_without_ci_low, r.effect_without_ci_high),
            "carried": with_half(r.carried, r.carried_ci_low, r.carried_ci_high) + mark,
            "share of the effect": "-" if pd.isna(r.share) else f"{r.share:.0%}",
        })
    return pd.DataFrame(rows).set_index("channel off")


def render(folder: OutputFolder) -> None:
    """The ablation's heading, an outcome chooser, the effect with every channel on, and what each
    channel carries (chart and table)."""
    table = folder.tables.get("ablation")
    if table is None or table.empty:
        st.info("This ablation has no table yet: it is unfinished. Run the same `rumahan ablate` command again "
                "to finish it.")
        return
    first = table.iloc[0]
    scenario, against = str(first["scenario"]), str(first["against"])
    st.subheader(f"What each channel carries: {scenario_title(scenario)} against {scenario_title(against)}")
    st.markdown("Each causal channel is switched off in turn, and the scenario's effect against the comparison is "
                "measured again with the same seeds. What a channel **carries** is the effect with every channel "
                "on minus the effect without it (95% interval from the paired runs; `*` where it excludes 0). "
                "Shares need not add to 100%: channels interact.")
    outcomes = list(dict.fromkeys(table["outcome"]))
    outcome = st.selectbox("Outcome", outcomes, key=f"ablation.outcome.{folder.path}", format_func=metric_option)
    part = table[table["outcome"] == outcome]
    all_on = part.iloc[0]
    effect = with_half(all_on["effect_all"], all_on["effect_all_ci_low"], all_on["effect_all_ci_high"])
    st.markdown(f"**{metric_title(outcome)}**, {scenario_title(scenario)} minus {scenario_title(against)} with "
                f"every channel on: **{effect}** {all_on['unit']} "
                f"({int(all_on['n'])} paired runs).")
    group_charts.show(carried_chart(part))
    st.table(channel_rows(part))
