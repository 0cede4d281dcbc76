"""Figures: what they draw matches the tables, labels carry units, sizes stay bounded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments import plots
from experiments.compare import comparison_table
from model.metrics import OUTPUT_BY_NAME


@pytest.fixture(scope="module")
def runs():
    rng = np.random.default_rng(0)
    rows = []
    for scenario, shift in (("status_quo", 0.0), ("c177", 0.1)):
        for replicate in range(4):
            row = {"run_id": f"{scenario}-p0-r{replicate}", "scenario": scenario, "point": 0, "replicate": replicate,
                   "seed": 100 + replicate}
            for metric in OUTPUT_BY_NAME:
                row[metric] = rng.uniform(0.2, 0.4) + shift
            rows.append(row)
    return pd.DataFrame(rows)


def test_final_year_bars_draw_the_table_means_with_units(runs):
    table = comparison_table(runs, "status_quo")
    fig = plots.final_year_bars(table, ["earnings_to_ump", "piece_rate_mean"])
    ax = fig.axes[0]
    widths = sorted(p.get_width() for p in ax.patches)
    expected = sorted(table.loc[table.metric == "earnings_to_ump", "mean"])
    assert widths == pytest.approx(expected)
    assert "(share)" in ax.get_xlabel() and "(Rp/piece)" in fig.axes[1].get_xlabel()
    colours = {tuple(p.get_facecolor()[:3]) for p in ax.patches}
    assert len(colours) == 2  # the baseline is drawn apart


def test_final_year_bars_say_what_the_interval_is_over_and_show_an_all_zero_share_on_its_scale(runs):
    zeros = runs.assign(coverage_rate=0.0)
    table = comparison_table(zeros, "status_quo")
    assert "interval over replicates" in plots.final_year_bars(table, ["coverage_rate"])._suptitle.get_text()
    fig = plots.final_year_bars(table, ["coverage_rate"], over="all 9 design points and their replicates")
    assert "interval over all 9 design points and their replicates" in fig._suptitle.get_text()
    assert fig.axes[0].get_xlim() == (-0.02, 1.0)
    assert plots.final_year_bars(table, ["earnings_to_ump"]).axes[0].get_xlim()[1] < 1.0


def test_timeseries_bands_mean_line_is_the_weekly_mean():
    weeks = np.tile(np.arange(5), 3)
    series = pd.DataFrame({"scenario": "a", "run_id": np.repeat(["r0", "r1", "r2"], 5), "week": weeks,
                           "membership_rate": np.concatenate([np.arange(5), np.arange(5) + 1, np.arange(5) + 2]) / 10})
    fig = plots.timeseries_bands(series, ["membership_rate"])
    line = fig.axes[0].lines[0]
    assert line.get_ydata() == pytest.approx((np.arange(5) + 1) / 10)
    assert fig.axes[0].get_ylabel() == "share"
    # a few weeks are drawn against the week, a long run against the calendar year
    assert list(line.get_xdata()) == [0, 1, 2, 3, 4] and fig.axes[0].get_xlabel().startswith("week")
    long = pd.DataFrame({"scenario": "a", "week": np.arange(0, 521, 52), "membership_rate": 0.5})
    fig = plots.timeseries_bands(long, ["membership_rate"])
    assert list(fig.axes[0].lines[0].get_xdata()) == list(range(2023, 2034)) and fig.axes[0].get_xlabel() == "year"
    # a policy change is a dotted line at its week, named in the legend
    events = pd.DataFrame({"scenario": ["a"], "week": [3], "kind": ["policy_scheduled"], "detail": ["tokenism = 0.1"]})
    fig = plots.timeseries_bands(series, ["membership_rate"], events=events)
    assert [tuple(line.get_xdata()) for line in fig.axes[0].lines[1:]] == [(3.0, 3.0)]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["a", "a policy change (dotted)"]
    assert not plots.timeseries_bands(series, ["membership_rate"]).legends  # one group, nothing to name


def test_power_figures_and_heatmap(runs):
    table = comparison_table(runs, "status_quo")
    assert len(plots.power_indices(table).axes[0].patches) == 4 * 2
    assert len(plots.power_cube(runs).axes) == 2
    grid = runs.assign(**{"param.tokenism": np.tile([0.1, 0.8], 4), "param.framing_intensity": 0.0})
    fig = plots.heatmap(grid, "tokenism", "framing_intensity", "earnings_to_ump")
    image = fig.axes[0].images[0].get_array()
    expected = grid.groupby("param.tokenism")["earnings_to_ump"].mean().to_numpy()
    assert np.asarray(image)[0] == pytest.approx(expected)
    assert "tokenism (share)" in fig.axes[0].get_xlabel()


def test_heatmap_of_many_levels_keeps_a_bounded_size():
    n = 120
    runs = pd.DataFrame({"param.principal_price": np.linspace(300, 600, n), "param.relocation_cost": np.arange(n),
                         "earnings_to_ump": np.ones(n)})
    fig = plots.heatmap(runs, "principal_price", "relocation_cost", "earnings_to_ump")
    width, height = fig.get_size_inches()
    assert width <= 14 and height <= 10
    assert len(fig.axes[0].get_xticks()) <= plots.MAX_LABELLED_LEVELS


def test_regret_and_sensitivity_figures_have_a_panel_per_outcome():
    regret = pd.DataFrame({"scenario": ["a", "b"] * 2, "point": [0, 0, 1, 1], "outcome": "earnings_to_ump",
                           "direction": "max", "regret": [0.0, 0.1, 0.2, 0.0]})
    assert len([a for a in plots.regret_plot(regret).axes if a.get_visible()]) == 1
    indices = pd.DataFrame({"method": "morris", "outcome": ["power_to", "power_to", "membership_rate"],
                            "parameter": ["x", "y", "x"], "mu_star": [1.0, 2.0, 3.0], "mu_star_conf": 0.1,
                            "sigma": 0.5, "mu": 1.0})
    fig = plots.sensitivity_bars(indices)
    assert len([a for a in fig.axes if a.get_visible()]) == 2
    labels = {tick: label.get_text() for tick, label in zip(fig.axes[0].get_yticks(), fig.axes[0].get_yticklabels(),
                                                              strict=True)}
    assert labels[max(labels)] == "y"  # largest mu* on top
