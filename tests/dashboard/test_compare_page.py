"""The Compare page (AppTest): two scenarios with replicates, computed by experiments.compare."""

from __future__ import annotations

import pandas as pd

from experiments.compare import comparison_table
from experiments.seeds import replicate_seeds


def small_comparison(at, scenarios=("status_quo", "no_network"), baseline="status_quo", weeks=52):
    at.switch_page("compare.py").run()
    at.multiselect(key="compare.scenarios").set_value(list(scenarios))
    at.selectbox(key="compare.baseline").select(baseline)
    at.number_input(key="compare.replicates").set_value(2)
    at.number_input(key="compare.weeks").set_value(weeks)
    at.number_input(key="compare.n_workers").set_value(200)
    at.form_submit_button[0].click().run()
    return at


def test_two_scenarios_are_compared_with_replicates(explored) -> None:
    at = small_comparison(explored)
    assert not at.exception and not at.error
    settings, found = at.session_state["comparison"]
    assert settings.scenarios == ("status_quo", "no_network") and settings.overrides == (("n_workers", 200),)
    # every scenario ran the same replicate seeds (common random numbers)
    seeds = replicate_seeds(1, 2)
    for _, runs in found.runs.groupby("scenario"):
        assert sorted(runs["seed"]) == sorted(seeds)
    # the table is the experiments' own, against the chosen baseline
    pd.testing.assert_frame_equal(found.table, comparison_table(found.runs, "status_quo"))
    table = found.table.set_index(["scenario", "metric"])
    assert table.loc[("no_network", "membership_rate"), "mean"] == 0      # no network, no members
    assert table.loc[("status_quo", "membership_rate"), "mean"] > 0
    assert table.loc[("status_quo", "piece_rate_mean"), "diff"] == 0
    shown = at.dataframe[0].value
    assert set(shown["scenario"]) == {"status_quo", "no_network"}
    assert "Piece rate paid (Rp/piece)" in set(shown["outcome"])
    assert len(at.image) == 4      # time series, final-year bars, power indices, Power Cube
    assert any("2 scenarios × 2 replicates, 52 weeks" in m.value for m in at.markdown)
    assert not at.warning


def test_changes_scheduled_after_the_runs_end_are_named(explored) -> None:
    at = small_comparison(explored, scenarios=("status_quo", "c177", "recommendations"), weeks=30)
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [
        "Some scheduled policy changes come after the runs' last week (30) and do not happen in these runs: "
        "c177, week 52; recommendations, week 52."]


def test_a_baseline_that_is_not_compared_is_explained(explored) -> None:
    at = small_comparison(explored, scenarios=("no_network", "c177"), baseline="status_quo")
    assert not at.exception
    assert "baseline 'status_quo' is not among the chosen scenarios" in at.error[0].value
    assert "comparison" not in at.session_state
