"""The Compare page (AppTest): two scenarios with replicates, computed by experiments.compare."""

from __future__ import annotations

import pandas as pd

from rumahan.experiments.compare import comparison_table
from rumahan.experiments.report import significant
from rumahan.experiments.seeds import replicate_seeds


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
    # dropdowns show a scenario's title, then its code name; an outcome's likewise
    assert at.multiselect(key="compare.scenarios").format_func("c177") == "Indonesia ratifies ILO C177 · c177"
    assert at.selectbox(key="compare.baseline").options[0] == "Status quo (2023) · status_quo"
    assert at.multiselect(key="compare.metrics").format_func("piece_rate_mean") == "Piece rate paid · piece_rate_mean"
    assert at.subheader[0].value == "Final year, against the baseline: Status quo (2023)"
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
    shown = at.table[0].value.reset_index()
    # the baseline's own rows (all zero) are left out; a scenario is its title, then its code name
    assert set(shown["scenario"]) == {"Without the workers' network · no_network"}
    assert "Piece rate paid (Rp/piece)" in set(shown["outcome"])
    member = shown.set_index("outcome").loc["Network membership (share)"]
    row = table.loc[("no_network", "membership_rate")]
    assert member["mean (95% interval)"] == "0 (0 to 0)"
    # 3 significant figures, and the CLI's mark: Benjamini-Hochberg q < 0.05, said in the caption
    low, high = row["diff_ci_low"], row["diff_ci_high"]
    assert member["difference from the baseline (95% interval)"] == (
        f"{significant(row['diff'])}{' *' if row['significant'] else ''} ({significant(low)} to {significant(high)})")
    assert member["q-value"] == significant(row["q_value"])
    assert member["effect size"].endswith(f"({row['effect_size_measure']})") or not row["effect_size_measure"]
    assert any(found.table.attrs["significance_note"] in c.value for c in at.caption)
    assert not at.image                                      # interactive charts only
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert len(charts) == 4 * 2 + 2    # final-year bars and weekly bands per outcome, the powers, the cube
    assert any("2 scenarios × 2 replicates, 52 weeks" in m.value for m in at.markdown)
    assert not at.warning


def test_numbers_are_rounded_to_three_significant_figures() -> None:
    assert [significant(x) for x in (0.007882, 0.2927, 386.84, 12345.6, -0.04389, 0.0, float("nan"))] == [
        "0.00788", "0.293", "387", "12,300", "-0.0439", "0", ""]


def test_the_default_replicates_make_useful_intervals_and_the_page_says_how_long(explored) -> None:
    at = explored
    at.switch_page("compare.py").run()
    assert at.number_input(key="compare.replicates").value == 10
    assert "10 replicates of two scenarios at the default size (2,000 workers, 520 weeks) take about 12 s" in \
        at.info[0].value


def test_changes_scheduled_after_the_runs_end_are_named(explored) -> None:
    at = small_comparison(explored, scenarios=("status_quo", "c177", "recommendations"), weeks=30)
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [
        "Some scheduled policy changes come after the runs' last week (30) and do not happen in these runs: "
        "c177, week 52; recommendations, week 52."]


def test_a_baseline_that_is_not_compared_is_explained(explored) -> None:
    at = small_comparison(explored, scenarios=("no_network", "c177"), baseline="status_quo")
    assert not at.exception
    assert "The baseline, Status quo (2023) (status_quo), is not among the chosen scenarios" in at.error[0].value
    assert "comparison" not in at.session_state


def test_windows_of_a_scenario_are_a_period_to_choose(explored) -> None:
    """demand_shock declares [windows] shock (weeks 104-129) and after (130-181): at 140 weeks the
    page offers the shock beside the final year, shows its table, and names the window it cannot."""
    from rumahan.experiments.compare import window_tables

    at = small_comparison(explored, scenarios=("status_quo", "demand_shock"), weeks=140)
    assert not at.exception and not at.error
    _, found = at.session_state["comparison"]
    assert list(found.window_tables) == ["shock"]
    assert [w.value for w in at.warning] == [
        "Some windows of weeks end after the runs' last week (140) and are absent from these results: after, "
        "weeks 130 to 181."]
    period = at.radio(key="compare.period")
    assert period.options == ["final year", "window shock (weeks 104-129)"]

    def shown_rate(table):
        """The page's mean cell for demand_shock's piece rate, and what it should be from ``table``."""
        shown = at.table[0].value.reset_index().set_index("outcome").loc["Piece rate paid (Rp/piece)"]
        row = table.set_index(["scenario", "metric"]).loc[("demand_shock", "piece_rate_mean")]
        return shown["mean (95% interval)"].split(" (")[0], significant(row["mean"]), row

    got, expected, _ = shown_rate(found.table)
    assert got == expected
    period.set_value("shock").run()
    assert not at.exception
    assert any("Window shock (weeks 104-129), against the baseline: Status quo (2023)" in h.value
               for h in at.subheader)
    assert any("Means over weeks 104 to 129 of each run" in c.value for c in at.caption)
    got, expected, row = shown_rate(window_tables(found.windows, "status_quo")["shock"])
    assert got == expected and row["mean"] != found.table.set_index(["scenario", "metric"]).loc[
        ("demand_shock", "piece_rate_mean"), "mean"]
    assert row["diff"] < 0       # demand_shock's piece rate during the shock, below the baseline's
