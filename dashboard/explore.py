"""Explore a run: pick a scenario, change levers and uncertainties, run, and look at the outcomes
over time, the money flows, the kampung network, the Power Cube and the events.

A changed run is shown beside the unchanged scenario with the same seed, and one click runs a few
seeds of both to tell an effect from chance (``experiments.compare``'s paired differences). Results
whose inputs have since been changed are marked out of date until Run is pressed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rumahan.dashboard import figures, group_charts, session
from rumahan.dashboard.kampung_picture import COLOUR_BY, layout
from rumahan.dashboard.labels import (
    metric_label,
    metric_meaning,
    metric_title,
    metric_unit,
    scenario_heading,
    scenario_option,
    scenario_title,
)
from rumahan.dashboard.parameter_widgets import (
    TOP_ROW,
    fill_missing,
    parameter_groups,
    parameter_input,
    read_values,
    widget_key,
)
from rumahan.dashboard.run_charts import (
    MARKED_EVENTS,
    cost_chart,
    effort_bars,
    events_frame,
    money_flow_chart,
    timeseries_chart,
)
from rumahan.dashboard.run_config import MAX_SEED, MAX_WEEKS, SIZE_KEYS, ConfigError, RunConfig, format_value
from rumahan.dashboard.runs import compare_seeds, simulate_config
from rumahan.experiments.report import significant
from rumahan.experiments.scenarios import available, changes_after_end, load_scenario
from rumahan.model import params as registry
from rumahan.model.calendar import START_YEAR, WEEKS_PER_YEAR
from rumahan.model.power_cube import LEVEL_METRICS, SPACE_METRICS

SCENARIO_KEY, WEEKS_KEY, SEED_KEY = "run.scenario", "run.weeks", "run.seed"
RUN_BUTTON, SEEDS_KEY, SEEDS_BUTTON = "explore.run", "explore.noise_seeds", "explore.noise_run"
#: Where the last seed comparison is kept: (changed configuration, seeds, table).
NOISE = "explore.noise"
#: A draw from a calibration's posterior (``posterior_world``).
DEFAULT_POSTERIOR = "results/tutorial/q6_calibration"
POSTERIOR_FOLDER_KEY = "explore.posterior_folder"
POSTERIOR_BUTTON = "explore.posterior_draw"
POSTERIOR_COUNT = "explore.posterior_draws"
POSTERIOR_DRAWN = "explore.posterior_drawn"
#: Seeds the noise check runs by default: at 2,000 workers x 520 weeks, 10 runs of about a third of a second each.
NOISE_SEEDS = 5

#: The time-series panels: title, outcomes, what to look for.
PANELS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Piece rates", ("piece_rate_mean", "floor_rate"),
     "The rate paid per piece, and the legal floor when one is in force (0 = none)."),
    ("Earnings against the minimum wage", ("earnings_to_ump", "below_poverty_share"),
     "Monthly net earnings as a share of Jakarta's minimum wage (UMP), and the share of workers "
     "earning less than the poverty line."),
    ("Organizing", ("membership_rate", "participation_rate", "consciousness_mean", "coverage_rate"),
     "Network membership, taking part in collective action, consciousness, and the share covered by "
     "an agreement or an enforced floor."),
    ("The four powers (Rowlands)", ("power_within", "power_with", "power_to", "power_over"),
     "Each index is between 0 and 1; the Learn page explains them."),
)
#: Final-year numbers shown first: outcome, short title, how to show the value, how to show a
#: difference, and whether a rise is good for the workers (the colour of a change).
KEY_NUMBERS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("piece_rate_mean", "Piece rate", "Rp {:,.0f}", "Rp {:+,.1f}", True),
    ("earnings_to_ump", "Earnings ÷ UMP", "{:.0%}", "{:+.1f} points", True),
    ("membership_rate", "Network members", "{:.0%}", "{:+.1f} points", True),
    ("coverage_rate", "Covered", "{:.0%}", "{:+.1f} points", True),
    ("power_over", "Power over", "{:.2f}", "{:+.3f}", False),
)
#: Shares are shown in %, so their differences in percentage points.
POINTS = {name for name, _, shown, _, _ in KEY_NUMBERS if shown.endswith("%}")}
CUBE_SPACES, CUBE_LEVELS = SPACE_METRICS, LEVEL_METRICS
CUBE_FORMS = ("visible_power_acts", "hidden_power_acts", "invisible_power_loss")


def week_date(week: int) -> str:
    """``week 60 (2024)``: the calendar year of a model week, for captions."""
    return f"week {week} ({START_YEAR + week // WEEKS_PER_YEAR})"


# --- set-up -------------------------------------------------------------------------------------
def _scenario_changed() -> None:
    """A new scenario resets every widget to its values (and runs it)."""
    current = session.config()
    new = RunConfig(scenario=st.session_state[SCENARIO_KEY], seed=current.seed, weeks=current.weeks)
    session.set_config(new, reset_widgets=True)


def _fill_widgets(config: RunConfig) -> None:
    st.session_state.setdefault(POSTERIOR_FOLDER_KEY, DEFAULT_POSTERIOR)
    for key, value in ((SCENARIO_KEY, config.scenario), (WEEKS_KEY, config.weeks), (SEED_KEY, config.seed)):
        st.session_state.setdefault(key, value)
    fill_missing({p.name: config.value_of(p.name) for p in registry.PARAMETERS})


def scenario_picker(config: RunConfig) -> None:
    names = list(available())
    st.selectbox(
        "Scenario", names, key=SCENARIO_KEY, on_change=_scenario_changed, format_func=scenario_option,
        help="A scenario is a named set of parameter values and policy changes (experiments/scenarios/). "
             "Choosing one resets the inputs below to its values and runs it.",
    )
    base = load_scenario(config.scenario)
    st.markdown(base.description)
    if base.schedule:
        changes = "; ".join(
            f"{week_date(week)}: " + ", ".join(f"{k} = {format_value(v)}" for k, v in c.items())
            for week, c in base.schedule
        )
        st.caption(f"Policy changes during the run: {changes}. A scheduled change replaces your value "
                   "of that lever from its week on.")


def posterior_world(config: RunConfig) -> None:
    """"A world consistent with the facts, drawn at random": one parameter set drawn (by weight)
    from a finished calibration's posterior (`rumahan calibrate`), set on top of the scenario and
    run. Each press draws anew (draw k uses root seed k, so a draw can be repeated)."""
    with st.expander("A world consistent with the facts, drawn at random", icon=":material/casino:"):
        st.markdown("Draw one parameter set from a calibration's posterior (the parameter sets that reproduce "
                    "the brief's facts; `rumahan calibrate`, tutorial Q6) and run it in this scenario.")
        st.text_input("Calibration folder", key=POSTERIOR_FOLDER_KEY,
                      help="The output folder of `rumahan calibrate`; `make tutorial` makes "
                           f"{DEFAULT_POSTERIOR}.")
        if not st.button("Draw a world and run it", key=POSTERIOR_BUTTON):
            drawn = st.session_state.get(POSTERIOR_DRAWN)
            if drawn:
                st.caption(drawn)
            return
        from rumahan.experiments.calibration.posterior import PosteriorError, draw_design, load_posterior

        draw = int(st.session_state.get(POSTERIOR_COUNT, 0)) + 1
        try:
            posterior = load_posterior(st.session_state[POSTERIOR_FOLDER_KEY].strip())
            row = draw_design(posterior, 1, seed=draw).iloc[0]
            values = {name: row[name].item() for name in posterior.parameters}
            new = RunConfig.build(config.scenario, {**dict(config.changes), **values}, config.seed, config.weeks,
                                  config.schedule)
        except (PosteriorError, ConfigError) as exc:
            st.error(str(exc))
            return
        st.session_state[POSTERIOR_COUNT] = draw
        st.session_state[POSTERIOR_DRAWN] = (
            f"Draw {draw}: particle {int(row['posterior_draw'])} of {posterior.folder}: "
            + ", ".join(f"{name} = {significant(value)}" for name, value in values.items()) + ".")
        session.set_config(new, reset_widgets=True)
        st.rerun()


def setup_form(config: RunConfig) -> RunConfig | None:
    """The inputs and the Run button; returns the configuration to run when it is pressed, or
    ``None`` (also when the inputs are invalid: then the message is shown and kept). The inputs are
    not in an ``st.form``, so the page sees each change at once and can mark the results stale."""
    with st.container(border=True):
        cols = st.columns([1, 1, 1.3, 1])
        with cols[0]:
            st.number_input("Weeks to simulate", min_value=1, max_value=MAX_WEEKS, step=52, key=WEEKS_KEY,
                            help="One step is a week; 52 weeks make a year. Week 0 is January 2023.")
        with cols[1]:
            st.number_input("Seed", min_value=0, max_value=MAX_SEED, step=1, key=SEED_KEY,
                            help="The random seed: the same seed and inputs give exactly the same run.")
        with cols[2]:
            for name in TOP_ROW:
                parameter_input(registry.get(name))
        with cols[3]:
            st.write("")
            submitted = st.button("Run simulation", type="primary", width="stretch", key=RUN_BUTTON)
        finished = session.finished_run()
        pending = pending_changes(finished.config) if finished else []
        if pending and not submitted:
            st.warning("Inputs changed since the results below were run (" + "; ".join(pending) + "): press "
                       "**Run simulation** to see their results.", icon=":material/update:")
        st.markdown("**Levers**: choices of the state, the network and the scenario. The ? icon next to "
                    "each says what it means and where its value comes from.")
        if config.changes:
            st.caption("Changed from the scenario in the last run: " + ", ".join(
                f"{name} = {format_value(value)}" for name, value in config.changes) + ".")
        parameter_groups("lever")
        st.markdown("**Uncertainties**: what nobody knows exactly about the world (free parameters with "
                    "a plausible range).")
        parameter_groups("uncertainty")
    if not submitted:
        return None
    values = read_values(p.name for p in registry.PARAMETERS)
    try:
        return RunConfig.build(config.scenario, values, int(st.session_state[SEED_KEY]),
                               int(st.session_state[WEEKS_KEY]), config.schedule)
    except ConfigError as exc:
        session.keep_run_error(config, f"These inputs cannot be run: {exc}")
        return None


def pending_changes(shown: RunConfig) -> list[str]:
    """The inputs whose widgets now differ from the run shown: ``tokenism 0.8 → 0.2``."""
    widgets = {WEEKS_KEY: ("weeks", shown.weeks), SEED_KEY: ("seed", shown.seed)}
    widgets.update({widget_key(p.name): (p.name, shown.value_of(p.name)) for p in registry.PARAMETERS})
    return [f"{name} {format_value(old)} → {format_value(st.session_state[key])}"
            for key, (name, old) in widgets.items()
            if key in st.session_state and st.session_state[key] != old]


def run(config: RunConfig) -> None:
    """Run ``config`` (or take it from the cache); a failure keeps the earlier results."""
    try:
        result = simulate_config(config)
    except Exception as exc:  # any failure is shown on the page; earlier results stay
        session.keep_run_error(config, f"The run failed: {type(exc).__name__}: {exc}")
    else:
        session.keep_run(config, result)


# --- results ------------------------------------------------------------------------------------
@st.cache_data(show_spinner="Laying out the kampung network…", max_entries=16)
def _positions(snapshot: pd.DataFrame, ties: pd.DataFrame) -> dict[int, tuple[float, float]]:
    return layout(snapshot, ties)


def difference_text(name: str, difference: float) -> str:
    """A difference as the page shows it: ``Rp +12``, ``+4.8 points``, ``+0.012``."""
    shown = next(diff for metric, _, _, diff, _ in KEY_NUMBERS if metric == name)
    return shown.format(difference * (100 if name in POINTS else 1))


def key_numbers(summary: dict[str, float], unchanged: dict[str, float] | None = None) -> None:
    """The final year's headline outcomes, with their full label and meaning as help, and the
    change from the unchanged scenario (same seed) under each."""
    st.caption("Final-year means (the last 52 weeks)" + (
        "; under each, the change from the scenario as it is with the same seed:" if unchanged else ":"))
    cols = st.columns(len(KEY_NUMBERS))
    for col, (name, title, shown, _, rise_is_good) in zip(cols, KEY_NUMBERS, strict=True):
        delta = None if unchanged is None else difference_text(name, summary[name] - unchanged[name])
        col.metric(title, shown.format(summary[name]), delta=delta, delta_color="normal" if rise_is_good else "inverse",
                   help=f"{metric_label(name)}: {metric_meaning(name)}." + (
                       f" The scenario as it is: {shown.format(unchanged[name])}." if unchanged else ""))


def outcome_panels(result, events: pd.DataFrame, reference=None) -> None:
    if reference is not None:
        st.caption("Solid lines: this run. Faint dotted lines: the scenario as it is, with the same seed.")
    cols = st.columns(2)
    for i, (title, metrics, note) in enumerate(PANELS):
        with cols[i % 2]:
            st.markdown(f"**{title}**")
            group_charts.show(timeseries_chart(result.timeseries, metrics, events,
                                               reference=None if reference is None else reference.timeseries),
                              stretch=True)
            st.caption(note)


def noise_check(config: RunConfig, unchanged: RunConfig | None) -> None:
    """One click: a few seeds of the changed and the unchanged configuration, and whether the
    difference is larger than the spread between seeds (paired 95% intervals of
    ``experiments.compare.comparison_table``)."""
    st.subheader("Effect or chance?")
    if unchanged is None:
        st.caption("Change a lever or an uncertainty and run: the page then shows the change next to the "
                   "scenario as it is, and can check it against the spread between seeds.")
        return
    changed = ", ".join(f"{name} = {format_value(value)}" for name, value in config.changes if name not in SIZE_KEYS)
    st.markdown(f"One run is one draw of chance: another seed gives other numbers. To see whether your changes "
                f"({changed or 'a schedule of your own'}) really make a difference to **{scenario_title(config.scenario)}**, "
                "run both with the same few seeds and look at the difference and its 95% interval.")
    cols = st.columns([1, 2, 3], vertical_alignment="bottom")
    seeds = cols[0].number_input("Seeds", min_value=3, max_value=20, value=NOISE_SEEDS, key=SEEDS_KEY,
                                 help="Runs of each configuration, with seeds drawn from this run's seed; "
                                      "more seeds give a narrower interval.")
    runs = 2 * int(seeds)
    if cols[1].button(f"Run {int(seeds)} seeds of both ({runs} runs)", key=SEEDS_BUTTON):
        try:
            table, _ = compare_seeds(config, unchanged, int(seeds))
        except Exception as exc:  # shown on the page; the run above stays
            st.error(f"The seeds could not be run: {type(exc).__name__}: {exc}")
            return
        session.put(NOISE, (config, int(seeds), table))
    kept = session.get(NOISE)
    if kept is None or kept[0] != config:
        cols[2].caption(f"About {runs} times as long as one run.")
        return
    _, n, table = kept
    show_noise_check(table, config.changed_name(), n)


def show_noise_check(table: pd.DataFrame, changed: str, seeds: int) -> None:
    rows = table[(table["scenario"] == changed) & table["metric"].isin([k[0] for k in KEY_NUMBERS])].set_index("metric")
    lines, out = [], []
    for name, title, shown, _, _ in KEY_NUMBERS:
        r = rows.loc[name]
        larger = bool(r["diff_ci_low"] > 0 or r["diff_ci_high"] < 0)
        verdict = "larger than the spread of seeds" if larger else "within the spread of seeds"
        interval = f"{difference_text(name, r['diff_ci_low'])} to {difference_text(name, r['diff_ci_high'])}"
        lines.append(f"- **{title}**: {difference_text(name, r['diff'])} on average (95% interval {interval}): "
                     f"{verdict}.")
        out.append({"outcome": metric_title(name), "as it is": shown.format(r["mean"] - r["diff"]),
                    "with the change": shown.format(r["mean"]), "difference": difference_text(name, r["diff"]),
                    "95% interval": interval, "vs. seeds": "larger" if larger else "within"})
    st.markdown(f"Over {seeds} seeds, each run with and without the change (differences paired by seed):")
    st.markdown("\n".join(lines))
    st.dataframe(pd.DataFrame(out), hide_index=True, width="stretch")
    st.caption("Within the spread of seeds: the interval includes 0, so with this many seeds the change cannot be "
               "told from chance; more seeds may narrow it. Larger than it: the interval excludes 0.")


def money_flows(result) -> None:
    st.subheader("Money flows")
    st.caption("Each week principal firms pay subcontractors for good pieces; that money is split into "
               "the workers' gross pay and the subcontractors' margin. Workers pay their own production "
               "costs out of their pay. Bars are yearly means of the weekly flows, for all workers together.")
    cols = st.columns(2)
    with cols[0]:
        group_charts.show(money_flow_chart(result.timeseries), stretch=True)
    with cols[1]:
        group_charts.show(cost_chart(result.timeseries), stretch=True)


def kampung_network(result) -> None:
    st.subheader("The kampung network")
    if not result.snapshots or result.sample_ties is None:
        st.info("This run recorded no network pictures.")
        return
    weeks = sorted(result.snapshots)
    cols = st.columns([2, 1])
    week = cols[0].select_slider("Week", options=weeks, value=weeks[-1], key="explore.network_week",
                                 format_func=week_date)
    colour_by = cols[1].radio("Colour by", list(COLOUR_BY), key="explore.network_colour", horizontal=True)
    positions = _positions(result.snapshots[weeks[0]], result.sample_ties)
    snapshot = result.snapshots[week]
    figures.show("kampung", snapshot, result.sample_ties, positions, colour_by,
                 f"{len(snapshot)} workers of neighbouring subcontractors, {week_date(week)}",
                 alt=f"The kampung network at {week_date(week)}, coloured by {colour_by}")
    st.caption("A sample of whole subcontractor pools. Each dot is a home worker, each line a social tie "
               "between neighbours; marker shapes show which subcontractor she works for. Workers with no "
               "tie into the main group are lined up at the bottom.")


def power_cube(summary: dict[str, float]) -> None:
    st.subheader("Power Cube (Gaventa)")
    st.caption("Final-year means. Where the network spends its organizer-hours (spaces and levels), and how "
               "often power is exercised against the workers in each form. The Learn page explains the cube.")
    cols = st.columns(2)
    with cols[0]:
        group_charts.show(effort_bars(summary, CUBE_SPACES, "Effort by space"), stretch=True)
    with cols[1]:
        group_charts.show(effort_bars(summary, CUBE_LEVELS, "Effort by level"), stretch=True)
    st.markdown("**Power exercised against the workers, by form**")
    st.table(pd.DataFrame({  # a table, not metrics: a metric's label was cut short by the long unit
        "form": [metric_title(n).removesuffix(" acts").removesuffix(" loss") for n in CUBE_FORMS],
        "final-year mean": [significant(summary[n]) for n in CUBE_FORMS],
        "unit": [metric_unit(n) for n in CUBE_FORMS],
        "what it counts": [metric_meaning(n).split(": ", 1)[-1] for n in CUBE_FORMS],
    }).set_index("form"))


def event_list(events: pd.DataFrame) -> None:
    st.subheader("Events")
    if events.empty:
        st.caption("No events in this run.")
        return
    shown = events[["week", "event", "detail"]].assign(year=[START_YEAR + w // WEEKS_PER_YEAR for w in events["week"]])
    st.dataframe(shown[["week", "year", "event", "detail"]], hide_index=True, width="stretch", height=240)


def results(finished: session.FinishedRun, current: RunConfig) -> None:
    config, result = finished.config, finished.result
    pending = pending_changes(config)
    st.header("Results: out of date" if pending else "Results")
    if pending:
        st.warning("These results are out of date: the inputs above have changed since this run ("
                   + "; ".join(pending) + "). Press **Run simulation** to update them.", icon=":material/update:")
    n_workers = result.params["n_workers"]
    st.markdown(f"{scenario_heading(config.scenario)}, {n_workers:,} workers, {config.weeks} weeks, seed "
                f"{config.seed} ({result.wall_time_s:.1f} s). {config.describe_changes()}")
    if config != current:
        st.caption("These are the results of an earlier configuration.")
    unchanged = config.unchanged()
    reference = None
    if unchanged is not None:
        try:
            reference = simulate_config(unchanged)
        except Exception:  # the comparison is extra: without it the run is still shown
            unchanged = None
    late = changes_after_end(config.run_schedule(), config.weeks, config.parameters())
    if late:
        when = ", ".join(week_date(week) for week in late)
        st.warning(f"Scheduled policy changes at {when} fall after this run's last week ({config.weeks}) and do "
                   f"not happen in this run; simulate at least {late[-1]} weeks to see them.")
    key_numbers(result.summary, None if reference is None else reference.summary)
    noise_check(config, unchanged)
    events = events_frame(result.events)
    kinds = list(dict.fromkeys(events["kind"]))
    marked = st.multiselect(
        "Events marked on the time axes (dashed lines)", kinds,
        # a key per scenario: switching scenario marks the new one's own changes by default
        default=[k for k in kinds if k in MARKED_EVENTS], key=f"explore.marked_events.{config.scenario}",
        format_func=lambda k: events.loc[events["kind"] == k, "event"].iloc[0],
    )
    outcome_panels(result, events[events["kind"].isin(marked)], reference)
    money_flows(result)
    kampung_network(result)
    power_cube(result.summary)
    event_list(events)
    st.page_link("share.py", label="Download these results or share this configuration", icon=":material/share:")


# --- the page -----------------------------------------------------------------------------------
def render() -> None:
    st.title("Explore a run")
    st.markdown("Choose a scenario, change any lever or uncertainty, and press **Run simulation**. "
                "Every input comes with its unit, and its meaning, range and source behind the ? icon.")
    config = session.config()
    _fill_widgets(config)
    scenario_picker(config)
    posterior_world(config)
    submitted = setup_form(config)
    if submitted is not None:
        session.set_config(submitted)
        run(submitted)
        st.rerun()  # draw the form and the results from the new configuration
    else:
        finished, failed = session.finished_run(), session.run_error()
        if (finished is None or finished.config != config) and (failed is None or failed[0] != config):
            run(config)
    failed, finished = session.run_error(), session.finished_run()
    if failed is not None:
        st.error(failed[1].rstrip(".") + "." + (" The results below are from the previous run." if finished else ""))
    if finished is not None:
        results(finished, session.config())


render()
