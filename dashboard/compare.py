"""Compare scenarios: run two or more scenarios with replicates and see mean lines with confidence
bands, a final-year table with differences and effect sizes against a baseline, the four powers
and the Power Cube. Everything is computed by ``experiments.compare``, as the CLI reports are, and
drawn as interactive charts by ``dashboard.group_charts`` (the CLI's PNGs follow the same rules)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from rumahan.dashboard import group_charts, session
from rumahan.dashboard.labels import (
    metric_label,
    metric_option,
    scenario_heading,
    scenario_option,
    scenario_title,
)
from rumahan.dashboard.run_config import MAX_WEEKS, MAX_WORKER_WEEKS, format_value
from rumahan.dashboard.runs import progress_bar
from rumahan.experiments.compare import Comparison, compare_scenarios
from rumahan.experiments.executors import Execution
from rumahan.experiments.records import OUTCOME_NAMES
from rumahan.experiments.report import significant, window_label
from rumahan.experiments.scenarios import (
    available,
    changes_after_end,
    load_scenario,
    merge_windows,
    windows_after_end,
)
from rumahan.model import params as registry
from rumahan.model.calendar import DEFAULT_WEEKS

DEFAULT_SCENARIOS = ("status_quo", "no_network")
DEFAULT_METRICS = ("piece_rate_mean", "earnings_to_ump", "membership_rate", "coverage_rate")
MAX_REPLICATES = 30
#: Replicates by default: enough that the headline intervals are narrow enough to read (with 3, a
#: membership interval read "0 to 0.44"; with 10, "0.152 to 0.246").
DEFAULT_REPLICATES = 10
#: Measured: status_quo and no_network x 10 replicates at 2,000 workers and 520 weeks took 11.6 s on
#: one process and 5.9 s on two (a 2-core machine shared with other work).
DEFAULT_TIME = "about 12 s on one process, 6 s on two"


@dataclass(frozen=True)
class CompareSettings:
    """What was compared (the inputs of ``compare_scenarios``)."""

    scenarios: tuple[str, ...]
    replicates: int
    weeks: int
    root_seed: int
    baseline: str
    overrides: tuple[tuple[str, Any], ...]

    def describe(self) -> str:
        changed = ", ".join(f"{k} = {format_value(v)}" for k, v in self.overrides)
        return (f"{len(self.scenarios)} scenarios × {self.replicates} replicates, {self.weeks} weeks, root seed "
                f"{self.root_seed}, baseline {scenario_title(self.baseline)}" + (f"; for every run: {changed}" if changed else ""))


@st.cache_data(max_entries=8, show_spinner=False)
def comparison(settings: CompareSettings, _jobs: int = 1) -> Comparison:
    """``compare_scenarios`` for ``settings``, cached (``_jobs`` does not change the results)."""
    with progress_bar("Finished {done} of {total} runs") as report:
        return compare_scenarios(
            list(settings.scenarios), replicates=settings.replicates, weeks=settings.weeks,
            root_seed=settings.root_seed, baseline=settings.baseline, overrides=dict(settings.overrides),
            execution=Execution(jobs=_jobs, progress=report),
        )


def settings_form() -> tuple[CompareSettings, int] | None:
    """The form; returns the settings and the number of processes when submitted and valid."""
    names = list(available())
    # the form sets the number of workers itself; Explore's other changes can be applied
    explore_changes = tuple((k, v) for k, v in session.config().changes if k != "n_workers")
    with st.form("compare_setup"):
        chosen = st.multiselect("Scenarios to compare", names, default=list(DEFAULT_SCENARIOS),
                                key="compare.scenarios", format_func=scenario_option,
                                help="Two or more scenarios (experiments/scenarios/); each is shown by its title, "
                                     "then its code name.")
        cols = st.columns([2, 1, 1, 1, 1])  # the baseline's title and code name fit at 1,280 px
        baseline = cols[0].selectbox("Baseline", names, key="compare.baseline", format_func=scenario_option,
                                     help="The scenario the others are compared with; it must be among those chosen.")
        replicates = cols[1].number_input(
            "Replicates per scenario", min_value=1, max_value=MAX_REPLICATES, value=DEFAULT_REPLICATES,
            key="compare.replicates",
            help="Runs of each scenario with different seeds. Replicate r uses the same seed in every scenario, "
                 f"so differences are paired. At least 2 give confidence intervals; {DEFAULT_REPLICATES} make the "
                 "headline intervals narrow enough to read, fewer make every result look uncertain.")
        weeks = cols[2].number_input("Weeks", min_value=1, max_value=MAX_WEEKS, value=DEFAULT_WEEKS, step=52,
                                     key="compare.weeks")
        root_seed = cols[3].number_input("Root seed", min_value=0, value=1, key="compare.seed",
                                         help="Replicate seeds are derived from it (experiments/seeds.py).")
        n_workers = cols[4].number_input(
            "Workers per run", min_value=int(registry.get("n_workers").bounds[0]), max_value=1_000_000,
            value=int(registry.get("n_workers").default), step=500, key="compare.n_workers",
            help=registry.get("n_workers").meaning)
        use_explore = st.checkbox(
            "Also apply my changes from the Explore page to every scenario"
            + (f" ({', '.join(k for k, _ in explore_changes)})" if explore_changes else " (none yet)"),
            key="compare.use_explore", disabled=not explore_changes)
        jobs = st.slider("Processes", 1, max(1, os.cpu_count() or 1), 1, key="compare.jobs",
                         help="Run replicates in parallel worker processes; results are identical.")
        submitted = st.form_submit_button("Compare scenarios", type="primary")
    if not submitted:
        return None
    problem = None
    if len(chosen) < 2:
        problem = "Choose at least two scenarios to compare."
    elif baseline not in chosen:
        problem = (f"The baseline, {scenario_title(baseline)} ({baseline}), is not among the chosen scenarios; choose "
                   "it too, or another baseline.")
    elif len(chosen) * int(replicates) * int(n_workers) * int(weeks) > MAX_WORKER_WEEKS * int(jobs):
        problem = (f"{len(chosen)} scenarios x {int(replicates)} replicates x {int(n_workers):,} workers x "
                   f"{int(weeks)} weeks is more than the dashboard runs ({MAX_WORKER_WEEKS:,} worker-weeks per "
                   "process, about 20 s); use fewer, or `rumahan compare` on the command line.")
    if problem:
        session.put(session.COMPARE_ERROR, problem)
        return None
    overrides = dict(explore_changes) if use_explore else {}
    overrides["n_workers"] = int(n_workers)
    settings = CompareSettings(tuple(chosen), int(replicates), int(weeks), int(root_seed), baseline,
                               tuple(sorted(overrides.items())))
    return settings, int(jobs)


def run(settings: CompareSettings, jobs: int) -> None:
    try:
        found = comparison(settings, jobs)
    except Exception as exc:  # any failure is shown; the earlier comparison stays
        session.put(session.COMPARE_ERROR, f"The comparison failed: {type(exc).__name__}: {exc}")
    else:
        session.put(session.COMPARISON, (settings, found))
        session.put(session.COMPARE_ERROR, None)


def _interval(low: float, high: float) -> str:
    return "" if pd.isna(low) or pd.isna(high) else f"{significant(low)} to {significant(high)}"


def significant_difference(table: pd.DataFrame) -> pd.Series:
    """Rows marked ``*``, as the CLI marks them: Benjamini-Hochberg ``q_value < 0.05``
    (``experiments.compare``); a table cached before q-values: the 95% interval excludes 0."""
    if "significant" in table:
        return table["significant"].astype(bool)
    return (table["diff_ci_low"] > 0) | (table["diff_ci_high"] < 0)


def significance_caption(table: pd.DataFrame) -> str:
    """The one line that says what ``*`` means for ``table``."""
    return table.attrs.get("significance_note") or "* the 95% interval of the difference excludes 0"


def final_year_table(table: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """The comparison table, in words, for the chosen outcomes: one row per scenario (its title
    and code name; the baseline's own rows, all zero differences, left out) and outcome, numbers to
    3 significant figures, ``*`` on a significant difference (``significant_difference``), the effect
    size with its measure (``d_z`` paired by seed, else ``d_av``) and the q-value."""
    baseline = table.attrs.get("baseline")
    shown = table[table["metric"].isin(metrics) & (table["scenario"] != baseline)]
    marks = significant_difference(shown).map({True: " *", False: ""})
    return pd.DataFrame({
        "scenario": [scenario_option(s) for s in shown["scenario"]],
        "outcome": [metric_label(m) for m in shown["metric"]],
        "mean (95% interval)": [f"{significant(m)} ({_interval(a, b)})" for m, a, b in
                                zip(shown["mean"], shown["ci_low"], shown["ci_high"], strict=True)],
        "difference from the baseline (95% interval)": [
            f"{significant(d)}{mark} ({_interval(a, b)})" for d, mark, a, b in
            zip(shown["diff"], marks, shown["diff_ci_low"], shown["diff_ci_high"], strict=True)],
        "effect size": [significant(d) + (f" ({m})" if isinstance(m, str) and m else "") for d, m in
                        zip(shown["effect_size"], shown.get("effect_size_measure", pd.Series([""] * len(shown))),
                            strict=True)],
        "q-value": [significant(q) for q in shown.get("q_value", pd.Series([float("nan")] * len(shown)))],
    })


FINAL_YEAR = "final year"


def period_table(found: Comparison) -> tuple[pd.DataFrame, str, str]:
    """The comparison table of the period chosen (the final year, or a window the scenarios declare
    in ``[windows]``: ``experiments.compare.window_tables``), its name and its weeks in words."""
    windows = getattr(found, "window_tables", None) or {}  # comparisons cached before windows have none
    if not windows:
        return found.table, FINAL_YEAR, "the last 52 weeks"
    names = {FINAL_YEAR: FINAL_YEAR, **{name: window_label(t) for name, t in windows.items()}}
    chosen = st.radio("Period", list(names), format_func=names.get, horizontal=True, key="compare.period",
                      help="The final year, or a window of weeks a scenario names in its [windows] table (e.g. "
                           "the weeks of a demand shock): the same statistics over those weeks.")
    if chosen == FINAL_YEAR:
        return found.table, FINAL_YEAR, "the last 52 weeks"
    start, end = windows[chosen].attrs["weeks"]
    return windows[chosen], names[chosen], f"weeks {start} to {end - 1}"


def results(settings: CompareSettings, found: Comparison) -> None:
    st.header("Results")
    st.markdown(settings.describe() + ".")
    runs_time = found.runs["wall_time_s"].sum() if "wall_time_s" in found.runs else float("nan")
    st.caption(f"{len(found.runs)} runs, {runs_time:.1f} s of simulation in total.")
    late = {name: changes_after_end(load_scenario(name).schedule, settings.weeks, load_scenario(name).parameters)
            for name in settings.scenarios}
    if any(late.values()):
        listed = "; ".join(f"{name}, week {', '.join(map(str, weeks))}" for name, weeks in late.items() if weeks)
        st.warning(f"Some scheduled policy changes come after the runs' last week ({settings.weeks}) and do not "
                   f"happen in these runs: {listed}.")
    declared = merge_windows(load_scenario(name) for name in settings.scenarios)
    absent = windows_after_end(declared, settings.weeks)
    if absent:
        st.warning(f"Some windows of weeks end after the runs' last week ({settings.weeks}) and are absent from "
                   "these results: " + "; ".join(f"{n}, weeks {declared[n][0]} to {declared[n][1] - 1}" for n in absent)
                   + ".")
    metrics = st.multiselect("Outcomes", list(OUTCOME_NAMES), default=list(DEFAULT_METRICS), key="compare.metrics",
                             format_func=metric_option)
    if not metrics:
        st.info("Choose at least one outcome.")
        return
    table, period, weeks = period_table(found)
    baseline = scenario_title(found.baseline)
    st.subheader(f"{period[:1].upper()}{period[1:]}, against the baseline: {baseline}")
    st.caption(f"Means over {weeks} of each run, over {settings.replicates} replicates, to 3 significant "
               f"figures. The difference is the scenario's mean minus the baseline's ({baseline}), paired by seed; "
               f"{significance_caption(table)} (p from a paired t-test when paired by seed, else Welch's; as in `rumahan compare`). The effect size "
               "is the difference in standard deviations: d_z (of the seed-by-seed differences) when paired by "
               "seed, else d_av (of the two groups' average sd)."
               + (" With fewer than 10 replicates the intervals are wide." if settings.replicates < 10 else ""))
    st.table(final_year_table(table, metrics).set_index("scenario"))  # wraps: no sideways scrolling
    scenarios = list(settings.scenarios)
    titles = {name: scenario_title(name) for name in scenarios}
    for metric in metrics:
        group_charts.show(group_charts.final_year_chart(table, metric, found.baseline,
                                                        "final-year" if period == FINAL_YEAR else "window", titles),
                          stretch=True)
    st.subheader("Over time")
    st.caption("Mean over replicates and its 95% confidence band; grey is the baseline. Dashed lines are the policy "
               "changes a scenario schedules; triangles at the top are changes won in some runs only, one per run.")
    cols = st.columns(2)
    for i, metric in enumerate(metrics):
        with cols[i % 2]:
            group_charts.show(group_charts.bands_chart(found.timeseries, metric, found.events,
                                                       baseline=found.baseline, names=titles), stretch=True)
    notes = group_charts.event_notes(found.timeseries, found.events, names=titles)
    if notes:
        st.markdown("**Policy changes**  \n" + "  \n".join(notes))
    st.subheader("The four powers and the Power Cube")
    group_charts.show(group_charts.power_chart(found.table, titles), stretch=True)
    group_charts.show(group_charts.cube_chart(found.runs[found.runs["scenario"].isin(scenarios)], names=titles))
    st.page_link("share.py", label="Download the comparison's tables (CSV, Parquet)", icon=":material/share:")


def render() -> None:
    st.title("Compare scenarios")
    st.markdown("Run several scenarios side by side, each with replicates, and see which differences are "
                "larger than the randomness of a single run.")
    with st.expander("What each scenario changes"):
        st.markdown("\n".join(f"- {scenario_heading(name)}: {load_scenario(name).description}" for name in available()))
    picked = settings_form()
    if picked is not None:
        run(*picked)
    error = session.get(session.COMPARE_ERROR)
    found = session.get(session.COMPARISON)
    if error:
        st.error(error + (" The results below are from the previous comparison." if found else ""))
    if found is not None:
        results(*found)
    elif not error:
        st.info(f"Choose scenarios and press **Compare scenarios**. {DEFAULT_REPLICATES} replicates of two "
                f"scenarios at the default size (2,000 workers, 520 weeks) take {DEFAULT_TIME}; fewer replicates "
                "are quicker but make every result look uncertain.")


render()
