"""comparison_table against hand-computed confidence intervals, paired and Welch differences,
and effect sizes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from rumahan.experiments.compare import comparison_table

T2 = stats.t.ppf(0.975, 2)


def _runs(rows):
    return pd.DataFrame(rows, columns=["scenario", "point", "seed", "earnings_to_ump", "piece_rate_mean"])


@pytest.fixture
def paired_runs():
    return _runs([
        ("base", 0, 10, 1.0, 300.0), ("base", 0, 11, 2.0, 300.0), ("base", 0, 12, 3.0, 300.0),
        ("policy", 0, 12, 6.0, 310.0), ("policy", 0, 10, 2.0, 310.0), ("policy", 0, 11, 4.0, 310.0),
    ])


def test_means_and_confidence_intervals(paired_runs):
    table = comparison_table(paired_runs, "base", metrics=["earnings_to_ump"]).set_index("scenario")
    policy = table.loc["policy"]
    assert policy["mean"] == pytest.approx(4.0)
    assert policy["sd"] == pytest.approx(2.0)
    half = T2 * 2.0 / np.sqrt(3)
    assert (policy["ci_low"], policy["ci_high"]) == pytest.approx((4.0 - half, 4.0 + half))
    assert policy["n"] == 3 and policy["unit"] == "share"


def test_differences_are_paired_by_seed(paired_runs):
    policy = comparison_table(paired_runs, "base", metrics=["earnings_to_ump"]).set_index("scenario").loc["policy"]
    # pairs by seed: (2-1, 4-2, 6-3) = (1, 2, 3): mean 2, sd 1
    half = T2 * 1.0 / np.sqrt(3)
    assert policy["paired"]
    assert policy["diff"] == pytest.approx(2.0)
    assert (policy["diff_ci_low"], policy["diff_ci_high"]) == pytest.approx((2.0 - half, 2.0 + half))
    # paired: d_z, the mean paired difference over the sd of the differences; the paired t-test
    assert policy["effect_size_measure"] == "d_z" and policy["effect_size"] == pytest.approx(2.0 / 1.0)
    assert policy["p_value"] == pytest.approx(stats.ttest_rel([2.0, 4.0, 6.0], [1.0, 2.0, 3.0]).pvalue)


def test_baseline_row_differs_by_zero_and_constant_outcomes_have_no_effect_size(paired_runs):
    table = comparison_table(paired_runs, "base", metrics=["piece_rate_mean"]).set_index("scenario")
    assert table.loc["base", "diff"] == 0.0
    assert table.loc["policy", "diff"] == pytest.approx(10.0)
    assert (table.loc["policy", "diff_ci_low"], table.loc["policy", "diff_ci_high"]) == pytest.approx((10.0, 10.0))
    assert np.isnan(table.loc["policy", "effect_size"])  # no spread in either group


def test_unpaired_differences_use_welch():
    runs = _runs([("base", 0, s, v, 1.0) for s, v in zip((1, 2, 3, 4), (1.0, 2.0, 4.0, 3.0), strict=True)]
                 + [("policy", 0, s, v, 1.0) for s, v in zip((5, 6, 7), (5.0, 9.0, 4.0), strict=True)])
    row = comparison_table(runs, "base", metrics=["earnings_to_ump"]).set_index("scenario").loc["policy"]
    x, y = np.array([5.0, 9.0, 4.0]), np.array([1.0, 2.0, 4.0, 3.0])
    expected = stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
    assert not row["paired"]
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((expected.low, expected.high))
    # unpaired: d_av (the difference over the average of the two variances' root) and Welch's test
    assert row["effect_size_measure"] == "d_av"
    assert row["effect_size"] == pytest.approx((x.mean() - y.mean()) / np.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2))
    assert row["p_value"] == pytest.approx(stats.ttest_ind(x, y, equal_var=False).pvalue)


def test_q_values_are_benjamini_hochberg_over_every_test_of_the_table():
    rng = np.random.default_rng(4)
    rows = [("base", 0, s, rng.normal(1.0), rng.normal(300.0)) for s in range(6)]
    for name, shift in (("a", 0.1), ("b", 3.0), ("c", 0.5)):
        rows += [(name, 0, s + 100, rng.normal(1.0 + shift), rng.normal(300.0 + shift)) for s in range(6)]
    table = comparison_table(_runs(rows), "base", metrics=["earnings_to_ump", "piece_rate_mean"])
    tested = table[table["scenario"] != "base"]
    assert table.loc[table["scenario"] == "base", "p_value"].isna().all()
    expected = stats.false_discovery_control(tested["p_value"].to_numpy(), method="bh")
    assert tested["q_value"].to_numpy() == pytest.approx(expected)
    assert (tested["significant"] == (tested["q_value"] < 0.05)).all()
    assert table.attrs["tests"] == 6
    assert table.attrs["significance_note"] == "* q < 0.05, Benjamini-Hochberg over 6 tests"


def test_several_group_columns_compare_within_the_same_point():
    runs = _runs([("base", 0, 1, 1.0, 1.0), ("base", 0, 2, 1.0, 1.0), ("base", 1, 1, 5.0, 1.0), ("base", 1, 2, 5.0, 1.0),
                  ("pol", 0, 1, 2.0, 1.0), ("pol", 0, 2, 2.0, 1.0), ("pol", 1, 1, 7.0, 1.0), ("pol", 1, 2, 7.0, 1.0)])
    table = comparison_table(runs, "base", metrics=["earnings_to_ump"], group=["scenario", "point"])
    diffs = table.set_index(["scenario", "point"])["diff"]
    assert diffs[("pol", 0)] == pytest.approx(1.0) and diffs[("pol", 1)] == pytest.approx(2.0)


def test_bad_baseline_or_metric_is_refused(paired_runs):
    with pytest.raises(ValueError, match="baseline 'nope' is not a scenario"):
        comparison_table(paired_runs, "nope")
    with pytest.raises(ValueError, match="unknown outcome"):
        comparison_table(paired_runs, "base", metrics=["happiness"])
    assert comparison_table(paired_runs, None, metrics=["earnings_to_ump"])["diff"].isna().all()


def test_intervals_of_shares_stay_within_zero_and_one_but_others_are_not_truncated():
    runs = pd.DataFrame({
        "scenario": ["a", "a", "b", "b"], "seed": [1, 2, 1, 2],
        "membership_rate": [0.05, 0.95, 0.0, 0.02],   # a share: the t-interval would reach far outside [0, 1]
        "earnings_mean": [1000.0, 90000.0, 5.0, 7.0],  # Rp/week: unbounded, keeps its t-interval
    })
    table = comparison_table(runs, baseline="a", metrics=["membership_rate", "earnings_mean"])
    shares = table[table.metric == "membership_rate"]
    assert (shares.ci_low >= 0).all() and (shares.ci_high <= 1).all()
    assert shares.ci_low.min() == 0.0 and shares.ci_high.max() == 1.0
    money = table[(table.metric == "earnings_mean") & (table.scenario == "a")].iloc[0]
    half = stats.t.ppf(0.975, 1) * np.std([1000.0, 90000.0], ddof=1) / np.sqrt(2)
    assert money.ci_low == pytest.approx(45500.0 - half) and money.ci_low < 0


def test_the_printed_table_says_what_a_star_means(paired_runs):
    from rumahan.experiments.report import format_table

    table = comparison_table(paired_runs, "base", metrics=["earnings_to_ump", "piece_rate_mean"])
    text = format_table(table, ["earnings_to_ump", "piece_rate_mean"])
    assert text.splitlines()[-1] == "* q < 0.05, Benjamini-Hochberg over 1 test"
    assert "*" not in "".join(text.splitlines()[2:-1])  # q = 0.1 for the one test: no mark
