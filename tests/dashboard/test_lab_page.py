"""The Collective action lab page (AppTest): a link opens it pre-set, Run and stepping, moving one
threshold, a sweep with its window, a bad link explained, and the bridge to Explore."""

from __future__ import annotations

import pytest

from rumahan.dashboard.cascade_lab import EXERCISES, LabSettings, model_parameters
from rumahan.dashboard.run_config import RunConfig

LADDER = {**EXERCISES[0].settings.to_query(), "n_workers": "200", "weeks": "52"}


def _lab(open_app, query):
    """The app opened on a link to the lab page."""
    at = open_app(query).switch_page("lab.py").run()
    assert not at.exception, at.exception
    return at


def _headline(at) -> str:
    return next(m.value for m in at.markdown if m.value.endswith(("round.", "rounds.")))


@pytest.fixture
def ladder(open_app):
    return _lab(open_app, LADDER)


def test_a_link_opens_the_ladder_and_everyone_joins(ladder) -> None:
    at = ladder
    assert not at.error and not at.warning
    assert at.session_state["lab.settings"] == EXERCISES[0].settings
    assert _headline(at) == "**100 of 100 take part** (100%) after 100 rounds."
    assert at.query_params["lab.rule"] == "ladder" and at.query_params["n_workers"] == "200"
    assert at.session_state["config"] == RunConfig.build("status_quo", {"n_workers": 200}, 1, 52)
    assert any("What is on screen" in m.value for m in at.markdown)
    assert len(at.get("vega_lite_chart")) == 2  # the graph and the rounds


def test_moving_one_threshold_leaves_only_the_instigator(ladder) -> None:
    at = ladder
    at.number_input(key="lab.w.moved_node").set_value(1).run()
    at.number_input(key="lab.w.moved_people").set_value(2).run()
    assert any("press **Run**" in i.value for i in at.info)
    next(b for b in at.button if b.label == "Run").click().run()
    assert not at.exception
    assert _headline(at) == "**1 of 100 take part** (1%) after 1 round."
    assert at.query_params["lab.moved_node"] == "1"
    assert at.session_state["lab.settings"].moved_threshold == 2 / 99


def test_stepping_round_by_round(ladder) -> None:
    at = ladder
    next(b for b in at.button if b.label == "Step from round 0").click().run()
    assert at.session_state["lab.round"] == 0
    next(b for b in at.button if b.label == "Next round ▶").click().run()
    next(b for b in at.button if b.label == "Next round ▶").click().run()
    assert at.session_state["lab.round"] == 2
    assert any("Round 2 of 100 is shown: 2 of 100 people (2%) take part so far." in m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Last round").click().run()
    assert at.session_state["lab.round"] == 100


def test_degree_sweep_shows_watts_window(open_app) -> None:
    at = _lab(open_app, {**EXERCISES[1].settings.to_query(), "lab.nodes": "300"})
    at.number_input(key="lab.degree_replicates").set_value(2).run()
    at.button(key="lab.degree_sweep").click().run()
    assert not at.exception and not at.error
    _, runs = at.session_state["lab.sweep.degree"]
    assert len(runs) == 24 * 2 and set(runs["replicate"]) == {0, 1}
    assert any("Watts's cascade window (shaded) runs 1.05 to 5.75" in c.value for c in at.caption)
    assert len(at.get("vega_lite_chart")) == 3


def test_a_bad_link_is_explained_and_the_rest_used(open_app) -> None:
    at = _lab(open_app, {"lab.graph": "torus", "lab.nodes": "abc", "lab.mean": "0.3", "lab.colour": "red",
                         "lab.moved_node": "9999", "n_workers": "200", "weeks": "52"})
    warning = at.warning[0].value
    for fragment in ("lab.graph = 'torus' is not one of", "lab.nodes = 'abc' is not a whole number",
                     "unknown lab setting 'lab.colour'", "lab.moved_node = 9999 is not between -1 and 399"):
        assert fragment in warning, fragment
    assert at.session_state["lab.settings"] == LabSettings(mean=0.3)
    assert not any("unknown parameter" in w.value for w in at.warning)  # the run configuration ignores lab.*


def test_open_explore_with_the_labs_parameters(open_app) -> None:
    at = _lab(open_app, {**EXERCISES[3].settings.to_query(), "n_workers": "200", "weeks": "52"})
    next(b for b in at.button if b.label == "Open Explore with these parameters").click().run()
    assert not at.exception
    config = at.session_state["config"]
    wanted = model_parameters(EXERCISES[3].settings)
    assert {"threshold_mean", "grievance_weight", "risk_weight", "ties_within_rt"} <= set(wanted)
    assert {name: config.value_of(name) for name in wanted} == wanted
    assert dict(config.changes) == {"n_workers": 200, "retaliation_propensity": 1.0}  # the rest are defaults
    assert at.title[0].value == "Explore a run"


def test_each_exercise_sets_up(ladder) -> None:
    at = ladder
    for exercise in EXERCISES[1:]:
        at.button(key=f"lab.exercise{exercise.number}").click().run()
        assert not at.exception and not at.error
        assert at.session_state["lab.settings"] == exercise.settings
        assert at.session_state["lab.run"].settings == exercise.settings
