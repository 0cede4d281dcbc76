"""The Explore page (AppTest): runs, lever changes, the URL, and bad input shown in words."""

from __future__ import annotations

import pandas as pd
import pytest

import rumahan.dashboard.runs
from rumahan.dashboard.parameter_widgets import widget_key
from rumahan.dashboard.run_config import RunConfig
from rumahan.experiments.runner import run_simulation
from rumahan.model import params as registry

SMALL = {"n_workers": "200", "weeks": "52"}
SMALL_CONFIG = RunConfig(changes=(("n_workers", 200),), weeks=52)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_first_visit_runs_the_link_and_shows_its_results(explored) -> None:
    at = explored
    assert not at.error and not at.warning
    finished = at.session_state["run"]
    assert finished.config == SMALL_CONFIG
    # the page computes nothing itself: its numbers are those of the experiments' runner
    direct = run_simulation({"n_workers": 200}, seed=1, weeks=52)
    pd.testing.assert_frame_equal(finished.result.timeseries, direct.timeseries)
    shown = metrics(at)
    assert shown["Piece rate"] == f"Rp {direct.summary['piece_rate_mean']:,.0f}"
    assert shown["Network members"] == f"{direct.summary['membership_rate']:.0%}"
    assert len(at.get("vega_lite_chart")) == 8        # outcome panels, money flows, Power Cube efforts
    assert len(at.image) == 1                          # the kampung network
    assert at.query_params == {"scenario": "status_quo", "seed": "1", "weeks": "52", "n_workers": "200"}


def test_every_parameter_has_a_widget_with_the_registry_bounds(explored) -> None:
    at = explored
    widgets = {w.key: w for kind in (at.slider, at.number_input, at.checkbox) for w in kind}
    for entry in registry.PARAMETERS:
        widget = widgets[widget_key(entry.name)]
        assert entry.name in widget.help and entry.source in widget.help
        if entry.kind != "bool":
            assert (widget.min, widget.max) == pytest.approx(entry.bounds), entry.name


def test_a_lever_change_reruns_and_goes_into_the_url(explored) -> None:
    at = explored
    before = at.session_state["run"].result.summary
    at.slider(key=widget_key("framing_intensity")).set_value(0.0)
    at.button(key="explore.run").click().run()
    assert not at.exception and not at.error
    finished = at.session_state["run"]
    assert dict(finished.config.changes) == {"framing_intensity": 0.0, "n_workers": 200}
    assert at.query_params["framing_intensity"] == "0.0"
    # without the state's framing, no consciousness is removed by it (invisible power)
    assert before["invisible_power_loss"] > 0
    assert finished.result.summary["invisible_power_loss"] == 0
    assert finished.result.summary["consciousness_mean"] > before["consciousness_mean"]
    assert any(c.value.startswith("Changed from the scenario in the last run: framing_intensity = 0.0")
               for c in at.caption)


def test_choosing_a_scenario_resets_the_inputs_and_runs_it(explored) -> None:
    at = explored
    at.selectbox(key="run.scenario").select("recommendations").run()
    assert not at.exception
    finished = at.session_state["run"]
    assert finished.config.scenario == "recommendations" and finished.config.changes == ()
    assert at.number_input(key=widget_key("n_workers")).value == registry.get("n_workers").default
    assert any("week 52 (2024)" in c.value and "c177_ratified = true" in c.value for c in at.caption)
    assert at.query_params["scenario"] == "recommendations"


def test_a_run_shorter_than_its_schedule_says_what_does_not_happen(open_app) -> None:
    at = open_app({"scenario": "c177", **SMALL, "weeks": "26"}).run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [
        "Scheduled policy changes at week 52 (2024) fall after this run's last week (26) and do not happen "
        "in this run; simulate at least 52 weeks to see them."]
    assert not [e for e in at.session_state["run"].result.events if e["kind"] == "policy_scheduled"]


def test_a_bad_link_is_explained_and_its_good_part_runs(open_app) -> None:
    at = open_app({"scenario": "nope", "framing_intensity": "7", "tokenism": "0.5", **SMALL}).run()
    assert not at.exception
    warning = at.warning[0].value
    assert "unknown scenario 'nope'" in warning and "'framing_intensity' = 7.0 is out of bounds" in warning
    assert at.session_state["run"].config == RunConfig.build("status_quo", {"tokenism": 0.5, "n_workers": 200},
                                                              1, 52)


def test_inputs_that_cannot_run_are_explained_and_results_kept(explored) -> None:
    at = explored
    shown = metrics(at)
    at.number_input(key=widget_key("n_subcontractors")).set_value(500)
    at.button(key="explore.run").click().run()
    assert not at.exception
    assert "n_subcontractors" in at.error[0].value and "exceeds n_workers = 200" in at.error[0].value
    assert metrics(at) == shown and at.session_state["run"].config == SMALL_CONFIG


def test_a_failing_run_shows_its_error_and_keeps_earlier_results(explored, monkeypatch) -> None:
    at = explored
    shown = metrics(at)

    def crash(*args, **kwargs):
        raise RuntimeError("simulated crash in week 3")

    monkeypatch.setattr(rumahan.dashboard.runs, "run_simulation", crash)
    at.number_input(key="run.seed").set_value(987_654)   # a configuration not in the cache
    at.button(key="explore.run").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("The run failed: RuntimeError: simulated crash in week 3")
    assert "results below are from the previous run" in at.error[0].value
    assert metrics(at) == shown and at.session_state["run"].config == SMALL_CONFIG
    assert any("results of an earlier configuration" in c.value for c in at.caption)


def test_a_changed_run_is_shown_beside_the_unchanged_scenario(open_app) -> None:
    at = open_app({"tokenism": "0.2", **SMALL}).run()
    assert not at.exception and not at.error
    shown = at.session_state["run"].result.summary
    unchanged = run_simulation({"n_workers": 200}, seed=1, weeks=52).summary   # same scenario, size and seed
    members = next(m for m in at.metric if m.label == "Network members")
    change = (shown["membership_rate"] - unchanged["membership_rate"]) * 100
    assert members.delta == f"{change:+.1f} points"
    assert any("Faint dotted lines: the scenario as it is" in c.value for c in at.caption)
    assert len(at.get("vega_lite_chart")) == 8


def test_one_click_checks_the_change_against_the_spread_of_seeds(open_app) -> None:
    from rumahan.experiments.compare import compare_scenarios
    from rumahan.experiments.scenarios import load_scenario

    at = open_app({"tokenism": "0.2", **SMALL}).run()
    at.number_input(key="explore.noise_seeds").set_value(3)
    at.button(key="explore.noise_run").click().run()
    assert not at.exception and not at.error
    lines = next(m.value for m in at.markdown if m.value.startswith("- **Piece rate**"))
    assert lines.count("spread of seeds") == 5
    # the page's numbers are compare_scenarios' paired differences, not a second routine
    base = load_scenario("status_quo").with_overrides({"n_workers": 200})
    changed = base.with_changes({"tokenism": 0.2})
    table = compare_scenarios([base, changed], replicates=3, weeks=52, root_seed=1, baseline="status_quo").table
    row = table[(table["scenario"] == "status_quo + tokenism=0.2") & (table["metric"] == "membership_rate")].iloc[0]
    assert row["paired"]
    assert f"{row['diff'] * 100:+.1f} points on average" in lines.split("**Network members**")[1]
    shown = at.dataframe[0].value
    assert list(shown["outcome"])[:2] == ["Piece rate paid", "Monthly net earnings ÷ UMP"]


def test_results_are_marked_out_of_date_until_run_is_pressed(explored) -> None:
    at = explored
    assert at.header[0].value == "Results"
    at.slider(key=widget_key("framing_intensity")).set_value(0.0).run()
    assert not at.exception
    assert at.header[0].value == "Results: out of date"
    assert any("framing_intensity 0.7 → 0.0" in w.value for w in at.warning)
    assert at.session_state["run"].config == SMALL_CONFIG       # nothing ran
    at.button(key="explore.run").click().run()
    assert at.header[0].value == "Results" and not at.warning


def test_a_world_drawn_from_a_calibration_runs_with_the_drawn_values(explored, calibration_folder) -> None:
    """Issue 14: "a world consistent with the facts, drawn at random": the drawn parameter set is
    the posterior's draw 1 (root seed 1), set on top of the page's configuration and run."""
    from rumahan.experiments.calibration.posterior import draw_design, load_posterior

    at = explored
    at.text_input(key="explore.posterior_folder").set_value(str(calibration_folder))
    at.button(key="explore.posterior_draw").click().run()
    assert not at.exception and not at.error
    expected = draw_design(load_posterior(calibration_folder), 1, seed=1)["health_strain"].iloc[0]
    finished = at.session_state["run"]
    assert finished.config.value_of("health_strain") == expected
    assert finished.config.value_of("n_workers") == 200 and finished.config.seed == 1  # the rest is kept
    direct = run_simulation({"n_workers": 200, "health_strain": expected}, seed=1, weeks=52)
    pd.testing.assert_frame_equal(finished.result.timeseries, direct.timeseries)
    assert any(c.value.startswith("Draw 1: particle") for c in at.caption)
    at.button(key="explore.posterior_draw").click().run()  # each press draws anew
    assert at.session_state["explore.posterior_draws"] == 2


def test_a_folder_that_is_not_a_calibration_is_refused_in_one_line(explored, tmp_path) -> None:
    at = explored
    at.text_input(key="explore.posterior_folder").set_value(str(tmp_path / "nowhere"))
    at.button(key="explore.posterior_draw").click().run()
    assert not at.exception
    assert "is not a folder" in at.error[0].value and "\n" not in at.error[0].value
    assert at.session_state["run"].config.value_of("health_strain") == 0.006  # nothing changed
