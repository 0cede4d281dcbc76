"""Collective action lab: threshold cascades on small graphs, for students. Choose a graph,
thresholds and organizers, run the model's own cascade (or step through it round by round), sweep
the mean degree or the threshold, and take the set-up to the model on the Explore page. The set-up
lives in the page's URL, so a link (and each classroom exercise) opens it pre-set."""

from __future__ import annotations

from dataclasses import fields, replace
from urllib.parse import urlencode

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from rumahan.dashboard import group_charts, session
from rumahan.dashboard.cascade_lab import (
    BOUNDS,
    EXERCISES,
    GRAPHS,
    MAX_COMPLETE,
    MAX_NODES,
    PREFIX,
    RULE_WORDS,
    SEED_RULES,
    THRESHOLD_RULES,
    LabRun,
    LabSettings,
    degree_values,
    degree_window,
    model_parameters,
    positions,
    run_lab,
    sweep,
    sweep_summary,
    threshold_shift,
    threshold_values,
    threshold_window,
)
from rumahan.dashboard.labels import parameter_option
from rumahan.dashboard.run_config import ConfigError, RunConfig
from rumahan.experiments.report import significant

PAGE = "lab"
SETTINGS, RUN, ROUND, URL_SEEN = "lab.settings", "lab.run", "lab.round", "lab.url_seen"
#: The ladder's moved threshold is entered in people (of the N - 1 others), not as a share.
MOVED_PEOPLE = "lab.w.moved_people"
#: Most ties drawn; a bigger graph shows a random sample of its ties (the nodes are all drawn).
MAX_EDGES_DRAWN = 6000
#: Colour-blind-safe colours: viridis for the round joined; grey for those who have not joined;
#: Watts's window in a light orange (Okabe-Ito's orange, pale).
NOT_JOINED, WINDOW = "#b0b0b0", "#e69f00"
STATUS = ("organizer (seed)", "joined", "not joined")
SHAPES = ("diamond", "circle", "cross")
SWEEPS = {"degree": "lab.sweep.degree", "mean": "lab.sweep.mean"}
#: The sliders of "Add grievance and risk": setting, label, step, help.
GRIEVANCE_AND_RISK = (
    ("consciousness", "Consciousness", 0.05, "Her consciousness c (power within); in the model it changes week by week."),
    ("earnings_to_ump", "Earnings ÷ UMP", 0.05, "Monthly net earnings ÷ the minimum wage; hardship is 1 minus this "
                                                "(at least 0)."),
    ("retaliation", "Retaliation risk", 0.05, "Model: `retaliation_propensity` × (1 − legal backing) × hidden power."),
    ("savings_weeks", "Savings (weeks)", 0.5, "Savings in weeks of the poverty line: thin savings make the risk bite."),
    ("grievance_weight", "Grievance weight", 0.05, "Model parameter `grievance_weight`."),
    ("risk_weight", "Risk weight", 0.05, "Model parameter `risk_weight`."),
)
#: How each graph is laid out, under its picture.
LAYOUTS = {
    "complete": "People on a circle. Every pair is tied; the ties are not drawn.",
    "ring": "People on a circle in order: each is tied to her nearest neighbours on both sides.",
    "random": "Rings by distance: organizers in the middle, then the people one tie away, two ties away, and so "
              "on, each placed next to the one she is reached from; people out of reach on the outer ring.",
    "kampung": "Each small disc is an RT, in the kampung's order (a snake, row by row), so that neighbouring RTs "
               "touch; most ties stay inside an RT or go to the next one.",
}


def widget_key(name: str) -> str:
    return f"lab.w.{name}"


# --- settings <-> widgets <-> URL ---------------------------------------------------------------
def _fill_widgets(settings: LabSettings, *, overwrite: bool) -> None:
    """Put ``settings`` into the widgets' state (only where missing unless ``overwrite``)."""
    put = st.session_state.__setitem__ if overwrite else st.session_state.setdefault
    for f in fields(LabSettings):
        put(widget_key(f.name), getattr(settings, f.name))
    put(MOVED_PEOPLE, round(settings.moved_threshold * max(settings.nodes - 1, 1)))


def _read_widgets() -> LabSettings:
    values = {f.name: st.session_state[widget_key(f.name)] for f in fields(LabSettings)}
    if values["rule"] == "ladder":  # the same division as the ladder's own thresholds
        values["moved_threshold"] = st.session_state[MOVED_PEOPLE] / max(values["nodes"] - 1, 1)
    return LabSettings(**values)


def _settings_from_url() -> None:
    """A link (or an exercise) with ``lab.`` settings different from the page's loads them, once."""
    query = {key: st.query_params.get_all(key)[-1] for key in st.query_params if key.startswith(PREFIX)}
    if not query or query == st.session_state.get(URL_SEEN):
        return
    settings, problems = LabSettings.read_query(query)
    if problems:
        st.warning("Some of the link's lab settings could not be used and were left out: " + "; ".join(problems))
    load(settings)


def load(settings: LabSettings) -> None:
    """Make ``settings`` the page's set-up and run it."""
    _fill_widgets(settings, overwrite=True)
    st.session_state[SETTINGS] = settings
    for key in SWEEPS.values():  # an earlier set-up's sweeps would only confuse
        st.session_state.pop(key, None)
    _run(settings, to_round=None)


def _run(settings: LabSettings, to_round: int | None) -> None:
    st.session_state[RUN] = run_lab(settings)
    st.session_state[ROUND] = st.session_state[RUN].last_round if to_round is None else to_round


def link_to(settings: LabSettings) -> str:
    """The address that opens the lab on ``settings`` (relative when the app's is unknown)."""
    query = urlencode({key: value for key, value in settings.to_query().items()})
    base = (st.context.url or "").rstrip("/")
    return f"{base}/{PAGE}?{query}" if base else f"{PAGE}?{query}"


# --- the controls -------------------------------------------------------------------------------
def graph_controls(settings: LabSettings) -> None:
    st.markdown("**1. The graph**")
    st.selectbox("Graph", list(GRAPHS), format_func=GRAPHS.get, key=widget_key("graph"),
                 help="Who can see whom. The model's own social graph is the kampung graph: clusters of "
                      "neighbours (RTs) with ties inside each RT, ties to the next RT and a few long ties.")
    biggest = MAX_COMPLETE if settings.graph == "complete" else MAX_NODES
    st.number_input(f"People (2 to {biggest:,})", min_value=2, max_value=biggest, step=50, key=widget_key("nodes"),
                    help="In the model: `n_workers` (not passed to Explore, which keeps its own size).")
    if settings.graph in ("ring", "random"):
        st.slider("Mean degree (ties per person)", *BOUNDS["degree"], step=0.5, key=widget_key("degree"),
                  help="In the model the kampung graph's mean degree is about 2 × (`ties_within_rt` + "
                       "`ties_adjacent_rt`), 8 by default. A ring ties each person to her nearest "
                       "neighbours, half on each side (an even number).")
    elif settings.graph == "kampung":
        cols = st.columns(2)
        cols[0].number_input("People per RT", *BOUNDS["rt_size"], key=widget_key("rt_size"),
                             help="Model parameter `rt_size`.")
        cols[1].number_input("Ties within the RT", *BOUNDS["ties_within_rt"], key=widget_key("ties_within_rt"),
                             help="Model parameter `ties_within_rt`: ties each person starts inside her RT.")
        cols[0].number_input("Ties to the next RT", *BOUNDS["ties_adjacent_rt"], key=widget_key("ties_adjacent_rt"),
                             help="Model parameter `ties_adjacent_rt` (wide bridges between neighbourhoods).")
        cols[1].number_input("Chance of a long tie", *BOUNDS["long_tie_prob"], step=0.05, format="%.2f",
                             key=widget_key("long_tie_prob"), help="Model parameter `long_tie_prob`.")
    st.number_input("Random seed", *BOUNDS["seed"], step=1, key=widget_key("seed"),
                    help="The same seed and settings draw the same graph, thresholds and organizers.")


def threshold_controls(settings: LabSettings) -> None:
    st.markdown("**2. Thresholds** (the share of her neighbours who must act before she does)")
    st.selectbox("Thresholds", list(THRESHOLD_RULES), format_func=THRESHOLD_RULES.get, key=widget_key("rule"),
                 help="The model draws each member's threshold from a normal law with mean `threshold_mean` "
                      "and spread `threshold_sd`.")
    if settings.rule != "ladder":
        st.slider("Mean threshold", *BOUNDS["mean"], step=0.01, key=widget_key("mean"),
                  help="Model parameter `threshold_mean` (0.25 by default).")
    if settings.rule in ("uniform", "normal"):
        st.slider("Spread (standard deviation)", *BOUNDS["spread"], step=0.01, key=widget_key("spread"),
                  help="Model parameter `threshold_sd` (0.12 by default).")
    st.caption("Move one person's threshold by hand (person -1: nobody; people are numbered from 0):")
    cols = st.columns(2)
    cols[0].number_input("Person", min_value=-1, max_value=settings.nodes - 1, step=1, key=widget_key("moved_node"),
                         help="Granovetter moved person 1, who waited for 1 other, to wait for 2.")
    if settings.rule == "ladder":
        cols[1].number_input(f"Her threshold (people of {settings.nodes - 1})", min_value=0,
                             max_value=settings.nodes - 1, step=1, key=MOVED_PEOPLE,
                             help="On the ladder person i waits for i others: her threshold is i/(N-1).")
    else:
        cols[1].number_input("Her threshold (share)", *BOUNDS["moved_threshold"], step=0.01, format="%.3f",
                             key=widget_key("moved_threshold"))
    st.toggle("Add grievance and risk", key=widget_key("derive"),
              help="As the model does: threshold = own threshold − grievance_weight × consciousness × hardship + risk_weight × "
                   "retaliation ÷ (1 + savings in weeks); hardship = 1 − earnings ÷ UMP (model/collective.py, "
                   "`effective_thresholds`).")
    if settings.derive:
        cols = st.columns(2)
        for i, (name, label, step, note) in enumerate(GRIEVANCE_AND_RISK):
            cols[i % 2].slider(label, *BOUNDS[name], step=step, key=widget_key(name), help=note)
        lowered, raised = threshold_shift(settings)
        st.caption(f"Grievance lowers every threshold by {lowered:.3f}; retaliation risk raises it by {raised:.3f} "
                   f"(net {raised - lowered:+.3f}).")


def seed_controls(settings: LabSettings) -> None:
    st.markdown("**3. Organizers** (seeds: they act whatever their threshold)")
    st.radio("Organizers", list(SEED_RULES), format_func=SEED_RULES.get, key=widget_key("seeding"),
             help="In the model, members whose consciousness reaches `organizer_consciousness` are organizers "
                  "and always seed the week's cascade.")
    if settings.seeding in ("random", "best"):
        st.number_input("How many", min_value=0, max_value=settings.nodes, step=1, key=widget_key("organizers"))
    elif settings.seeding == "rt":
        st.caption("The middle RT of a kampung graph; on other graphs, as many people in a row as an RT holds "
                   f"({settings.rt_size}), numbered from the middle.")


# --- the picture --------------------------------------------------------------------------------
def _nodes(done: LabRun, shown: int) -> pd.DataFrame:
    xy = positions(done.graph, done.seeds, done.settings.graph)
    joined = (done.rounds >= 0) & (done.rounds <= shown)
    status = np.where(done.seeds, STATUS[0], np.where(joined, STATUS[1], STATUS[2]))
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "person": np.arange(done.n), "status": status,
                         "round": np.where(joined, done.rounds, -1), "threshold": done.thresholds.round(3),
                         "ties": done.graph.degree.astype(int)})


def _edges(done: LabRun) -> tuple[pd.DataFrame, int]:
    coo = done.graph.adjacency.tocoo()
    keep = coo.row < coo.col
    a, b = coo.row[keep], coo.col[keep]
    total = a.size
    if done.settings.graph == "complete":
        return pd.DataFrame(columns=["x", "y", "x2", "y2"]), total
    if total > MAX_EDGES_DRAWN:
        pick = np.random.default_rng(0).choice(total, MAX_EDGES_DRAWN, replace=False)
        a, b = a[pick], b[pick]
    xy = positions(done.graph, done.seeds, done.settings.graph)
    return pd.DataFrame({"x": xy[a, 0], "y": xy[a, 1], "x2": xy[b, 0], "y2": xy[b, 1]}), total


def graph_chart(done: LabRun, shown: int, description: str) -> alt.LayerChart:
    nodes = _nodes(done, shown)
    edges, _ = _edges(done)
    size = float(np.clip(24_000 / max(done.n, 1), 12, 160))
    axis = alt.Axis(title=None, labels=False, ticks=False, domain=False, grid=False)
    x = alt.X("x:Q", axis=axis, scale=alt.Scale(domain=_span(nodes["x"]), nice=False, zero=False))
    y = alt.Y("y:Q", axis=axis, scale=alt.Scale(domain=_span(nodes["y"]), nice=False, zero=False))
    ties = alt.Chart(edges).mark_rule(color="#c8c8c8", strokeWidth=0.5, opacity=0.6).encode(
        x=x, y=y, x2="x2:Q", y2="y2:Q")
    shape = alt.Shape("status:N", scale=alt.Scale(domain=list(STATUS), range=list(SHAPES)),
                      legend=alt.Legend(title="Who", orient="bottom"))
    tooltip = ["person:Q", "status:N", "round:Q", "threshold:Q", "ties:Q"]
    waiting = alt.Chart(nodes[nodes["round"] < 0]).mark_point(filled=True, size=size * 0.7, color=NOT_JOINED).encode(
        x=x, y=y, shape=shape, tooltip=tooltip)
    acting = alt.Chart(nodes[nodes["round"] >= 0]).mark_point(
        filled=True, size=size, stroke="#222222", strokeWidth=0.4, opacity=1).encode(
        x=x, y=y, shape=shape, tooltip=tooltip,
        color=alt.Color("round:Q", scale=alt.Scale(scheme="viridis", domain=[0, max(done.last_round, 1)]),
                        legend=alt.Legend(title="Round joined", orient="bottom", gradientLength=160, format="d",
                                          tickMinStep=1)))
    width, height = _frame(nodes)
    return (alt.layer(ties, waiting, acting)
            .properties(width=width, height=height, description=description,
                        autosize=alt.AutoSizeParams(type="pad"))  # keep the plot's proportions; legends add
            .configure_view(stroke=None))


def _span(values: pd.Series) -> list[float]:
    """The values' range with a margin of 4% on each side (room for the marks)."""
    low, high = float(values.min()), float(values.max())
    margin = 0.04 * max(high - low, 1e-9)
    return [low - margin, high + margin]


def _frame(nodes: pd.DataFrame, longest: int = 440) -> tuple[int, int]:
    """Width and height of the picture in pixels, keeping the layout's proportions."""
    dx = float(np.ptp(nodes["x"])) if len(nodes) else 1.0
    dy = float(np.ptp(nodes["y"])) if len(nodes) else 1.0
    scale = longest / max(dx, dy, 1e-9)
    return max(int(dx * scale), 200), max(int(dy * scale), 200)


def rounds_chart(done: LabRun, shown: int) -> alt.LayerChart:
    table = done.per_round()
    table["percent"] = (100 * table["share"]).round(1)
    base = alt.Chart(table).encode(x=alt.X("round:Q", title="Round", axis=alt.Axis(tickMinStep=1),
                                           scale=alt.Scale(domain=[-0.5, done.last_round + 0.5], nice=False)))
    bars = base.mark_bar().encode(
        y=alt.Y("joined:Q", title="People"),
        color=alt.Color("round:Q", scale=alt.Scale(scheme="viridis", domain=[0, max(done.last_round, 1)]), legend=None),
        tooltip=["round:Q", alt.Tooltip("joined:Q", title="joined in this round"),
                 alt.Tooltip("total:Q", title="taking part"), alt.Tooltip("percent:Q", title="% of all")])
    line = base.mark_line(point=True, color="#222222").encode(y="total:Q", tooltip=["round:Q", "total:Q"])
    now = alt.Chart(pd.DataFrame({"round": [shown]})).mark_rule(strokeDash=[4, 3], color="#d55e00").encode(x="round:Q")
    return alt.layer(bars, line, now).properties(
        height=300, description="Participants per round: bars are the people who joined in each round, the "
                                "line the total taking part so far; the dashed line is the round shown.")


def describe(done: LabRun, shown: int) -> str:
    """What is on screen, in plain words (for everyone, and for screen readers)."""
    s, n = done.settings, done.n
    ties = int(done.graph.adjacency.nnz // 2)
    now = int(((done.rounds >= 0) & (done.rounds <= shown)).sum())
    organizers = int(done.seeds.sum())
    text = (f"A {GRAPHS[s.graph].split(' (')[0].lower()} of {n:,} people with {ties:,} ties "
            f"(mean degree {2 * ties / max(n, 1):.1f}); thresholds {RULE_WORDS[s.rule]}"
            + (f" around {s.mean:g}" if s.rule != "ladder" else "")
            + (", moved by grievance and retaliation risk" if s.derive else "")
            + (f", person {s.moved_node}'s set by hand to {s.moved_threshold:.3f}" if s.moved_node >= 0 else "")
            + f"; {organizers} organizer{'s' if organizers != 1 else ''}. ")
    text += (f"Round {shown} of {done.last_round} is shown: {now:,} of {n:,} people ({now / n:.0%}) take part so far. "
             f"The cascade stops after round {done.last_round} with {done.participants:,} of {n:,} taking part "
             f"({done.participants / n:.0%}). ")
    text += ("In the picture each mark is a person: organizers are diamonds, people who have joined are circles "
             "coloured by the round they joined (dark purple early, yellow late), and people who have not joined "
             "are grey crosses. The chart beside it counts the people who joined in each round.")
    return text


def stepping(done: LabRun) -> None:
    shown = st.session_state[ROUND]
    cols = st.columns(4)
    if cols[0].button("◀ Previous round", disabled=shown <= 0, width="stretch"):
        st.session_state[ROUND] = shown - 1
    if cols[1].button("Next round ▶", disabled=shown >= done.last_round, width="stretch"):
        st.session_state[ROUND] = shown + 1
    if cols[2].button("First round", disabled=shown <= 0, width="stretch"):
        st.session_state[ROUND] = 0
    if cols[3].button("Last round", disabled=shown >= done.last_round, width="stretch"):
        st.session_state[ROUND] = done.last_round


def picture(done: LabRun) -> None:
    shown = min(st.session_state.get(ROUND, done.last_round), done.last_round)
    text = describe(done, shown)
    st.markdown(f"**{done.participants:,} of {done.n:,} take part** "
                f"({done.participants / done.n:.0%}) after {done.last_round} round{'s' if done.last_round != 1 else ''}.")
    cols = st.columns([3, 2])
    with cols[0]:
        group_charts.show(graph_chart(done, shown, text))
        _, total = _edges(done)
        if done.settings.graph != "complete" and total > MAX_EDGES_DRAWN:
            st.caption(f"{MAX_EDGES_DRAWN:,} of the {total:,} ties are drawn (a random sample); every person is.")
        st.caption(LAYOUTS[done.settings.graph])
    with cols[1]:
        group_charts.show(rounds_chart(done, shown), stretch=True)
        st.markdown("**What is on screen**")
        st.markdown(text)


# --- sweeps -------------------------------------------------------------------------------------
def sweep_chart(summary: pd.DataFrame, runs: pd.DataFrame, name: str, title: str,
                window: list[tuple[float, float]], description: str) -> alt.LayerChart:
    x = alt.X(f"{name}:Q", title=title)
    percent = alt.Axis(format="%")
    layers = []
    if window:
        frame = pd.DataFrame([{"from": a, "to": b} for a, b in window])
        layers.append(alt.Chart(frame).mark_rect(color=WINDOW, opacity=0.18).encode(x=alt.X("from:Q"), x2="to:Q"))
    shaded = ("Shaded: Watts's cascade window, " + ", ".join(f"{a:g} to {b:g}" for a, b in window)) if window else ""
    base = alt.Chart(summary).encode(x=x)
    layers += [
        base.mark_area(opacity=0.3, color="#56b4e9").encode(
            y=alt.Y("low:Q", title="Final participation (share of people)", axis=percent, scale=alt.Scale(domain=[0, 1])),
            y2="high:Q"),
        alt.Chart(runs).mark_circle(size=18, opacity=0.35, color="#555555").encode(
            x=x, y="share:Q", tooltip=[f"{name}:Q", "replicate:Q", alt.Tooltip("share:Q", format=".1%")]),
        base.mark_line(point=True, color="#0072b2").encode(
            y="mean:Q", tooltip=[f"{name}:Q", alt.Tooltip("mean:Q", format=".1%", title="mean"),
                                 alt.Tooltip("global_share:Q", format=".0%", title="global cascades")]),
    ]
    return alt.layer(*layers).properties(
        height=340, description=description,
        title=alt.TitleParams("Line: mean · band: middle 80% of replicates · dots: single runs", subtitle=shaded,
                              fontSize=12, fontWeight="normal", subtitleColor="#8a5a00", anchor="start"))


def _sweep_block(settings: LabSettings, name: str) -> None:
    degree = name == "degree"
    label = "degree" if degree else "threshold"
    swept = settings
    notes = []
    if degree and settings.graph in ("complete", "kampung"):
        swept = replace(settings, graph="random")
        notes.append("The degree sweep runs on random graphs (the page's graph has no mean-degree setting).")
    if not degree and settings.rule == "ladder":
        swept = replace(swept, rule="equal")
        notes.append("The ladder has no mean: this sweep uses equal thresholds.")
    values = degree_values(swept) if degree else threshold_values()
    cols = st.columns([1, 1])
    replicates = cols[0].number_input("Replicates per point", min_value=1, max_value=30, value=10, step=1,
                                      key=f"lab.{label}_replicates")
    cols[1].write("")
    if cols[1].button(f"Run the {label} sweep", key=f"lab.{label}_sweep", type="primary", width="stretch"):
        bar = st.progress(0.0, text=f"Sweeping the {label}…")
        runs = sweep(swept, name, values, int(replicates), progress=lambda done, text: bar.progress(done, text=text))
        bar.empty()
        st.session_state[SWEEPS[name]] = (swept, runs)
    for note in notes:
        st.caption(note)
    found = st.session_state.get(SWEEPS[name])
    if found is None:
        st.caption(f"{len(values)} points × the replicates, each a new graph, thresholds and organizers.")
        return
    swept, runs = found
    summary = sweep_summary(runs, name)
    window = []
    if swept.graph == "random":
        window = degree_window(swept) if degree else threshold_window(swept)
        window = [(max(a, min(values)), min(b, max(values))) for a, b in window if b >= min(values) and a <= max(values)]
    where = ", ".join(f"{a:g} to {b:g}" for a, b in window) or "nowhere in this range"
    fixed = f"threshold {swept.mean:g}" if degree else f"mean degree {swept.degree:g}"
    description = (f"Final participation against the mean {label}, {fixed}, {GRAPHS[swept.graph].split(' (')[0].lower()} "
                   f"of {swept.nodes:,} people, {runs['replicate'].nunique()} replicates per point: the line is the "
                   f"mean, the band holds the middle 80% of replicates, dots are single runs. Watts's cascade "
                   f"window (shaded) runs {where}. Highest mean participation {summary['mean'].max():.0%} at "
                   f"{label} {summary.loc[summary['mean'].idxmax(), name]:g}.")
    group_charts.show(sweep_chart(summary, runs, name, "Mean degree (ties per person)" if degree else "Mean threshold",
                                  window, description), stretch=True)
    st.caption(description if swept.graph == "random" else description.replace(
        f"Watts's cascade window (shaded) runs {where}. ", "Watts's window is shaded only for random graphs. "))


def sweeps(settings: LabSettings) -> None:
    st.header("Sweeps")
    st.markdown("Each point runs the cascade on new random draws (graph, thresholds, organizers) with the settings "
                "above; the band shows how much replicates differ. On a random graph the shaded stretch is "
                "**Watts's cascade window**: where the people one neighbour can tip (threshold ≤ 1/degree) form a "
                "connected web, so a single organizer can start a global cascade.")
    cols = st.columns(2)
    with cols[0]:
        st.subheader("Participation against mean degree")
        _sweep_block(settings, "degree")
    with cols[1]:
        st.subheader("Participation against the threshold")
        _sweep_block(settings, "mean")


# --- bridges and exercises ----------------------------------------------------------------------
def to_the_model(settings: LabSettings) -> None:
    st.header("Take it to the model")
    values = model_parameters(settings)
    st.markdown("These model parameters correspond to the lab's set-up. The button opens **Explore a run** with "
                "them set (on top of its scenario and your other changes); there the cascade is one of eight "
                "weekly steps, among network members only, seeded by organizers, with thresholds moved by each "
                "worker's grievance and risk.")
    st.table(pd.DataFrame({"model parameter": [parameter_option(name) for name in values],
                           "value": [significant(v) if isinstance(v, float) else str(v) for v in values.values()]})
             .set_index("model parameter"))
    st.caption("Values to 3 significant figures; Explore receives them exactly.")
    if st.button("Open Explore with these parameters", icon=":material/play_circle:"):
        current = session.config()
        try:
            config = RunConfig.build(current.scenario, {**dict(current.changes), **values}, current.seed,
                                     current.weeks, current.schedule)
        except ConfigError as exc:
            st.error(f"Explore cannot run these parameters: {exc}")
            return
        session.set_config(config, reset_widgets=True)
        st.switch_page("explore.py")


def exercises() -> None:
    with st.expander("Classroom exercises (docs/exercises.md): each opens the lab pre-set", expanded=False,
                     icon=":material/school:"):
        for exercise in EXERCISES:
            cols = st.columns([5, 1])
            cols[0].markdown(f"**{exercise.number}. {exercise.title}.** {exercise.question} "
                             f"[Link to share]({link_to(exercise.settings)})")
            if cols[1].button("Set up", key=f"lab.exercise{exercise.number}", width="stretch"):
                load(exercise.settings)


# --- the page -----------------------------------------------------------------------------------
def render() -> None:
    st.title("Collective action lab")
    st.markdown("Collective action as a **threshold cascade**: a person acts once enough of her neighbours act. "
                "Here you can see it on small examples: Granovetter's riot, Watts's window, why organizers and "
                "clustered ties matter, and how grievance and the fear of retaliation move thresholds. It runs the "
                "model's own functions (`model.collective`).")
    _settings_from_url()
    _fill_widgets(st.session_state.get(SETTINGS, LabSettings()), overwrite=False)
    exercises()
    cols = st.columns([1, 1.3, 1], gap="large")
    settings = _read_widgets()
    with cols[0]:
        graph_controls(settings)
    with cols[1]:
        threshold_controls(settings)
    with cols[2]:
        seed_controls(settings)
    try:
        settings = _read_widgets().check()
    except ValueError as exc:
        st.error(f"These settings cannot be run: {exc}")
        return
    st.session_state[SETTINGS] = settings
    st.session_state[URL_SEEN] = settings.to_query()  # the URL the page writes is no news to it
    session.set_page_query(PAGE, st.session_state[URL_SEEN])
    cols = st.columns([1, 1, 2])
    if cols[0].button("Run", type="primary", icon=":material/play_arrow:", width="stretch"):
        _run(settings, to_round=None)
    if cols[1].button("Step from round 0", icon=":material/skip_next:", width="stretch"):
        _run(settings, to_round=0)
    done: LabRun | None = st.session_state.get(RUN)
    if done is None:
        _run(settings, to_round=None)
        done = st.session_state[RUN]
    if done.settings != settings:
        cols[2].info("The settings changed since this run: press **Run**.")
    stepping(done)
    picture(done)
    st.caption(f"Link to this set-up: {link_to(settings)}")
    sweeps(settings)
    to_the_model(settings)


render()
