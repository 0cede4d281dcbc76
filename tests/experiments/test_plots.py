"""Figures: what they draw matches the tables, labels carry units, sizes stay bounded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rumahan.experiments import plots
from rumahan.experiments.compare import comparison_table
from rumahan.model.metrics import OUTPUT_BY_NAME


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
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "status_quo (baseline)", "c177", "95% confidence interval over replicates"]


def test_final_year_bars_per_design_point_put_scenarios_side_by_side_with_readable_labels(runs):
    from rumahan.experiments.summaries import summary_table

    grid = runs.assign(**{"param.tokenism": np.tile([0.1, 0.8], 4)})
    table = summary_table(grid, "status_quo", ["tokenism"])
    fig = plots.final_year_bars(table, ["earnings_to_ump"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["tokenism = 0.1", "tokenism = 0.8"]
    assert len(ax.patches) == 4
    greys = [p for p in ax.patches if p.get_facecolor()[:3] == pytest.approx((0.55, 0.55, 0.55))]
    assert len(greys) == 2  # status_quo at each point: the baseline, as the legend says
    pooled = summary_table(grid, "status_quo", ["tokenism"], by=["scenario"])
    labels = [t.get_text() for t in plots.final_year_bars(pooled, ["earnings_to_ump"]).axes[0].get_yticklabels()]
    assert labels == ["status_quo", "c177"]  # one point per scenario here: nothing pooled


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
    # a scheduled policy change is a dashed line at its week, named in the legend
    events = pd.DataFrame({"scenario": ["a"], "week": [3], "kind": ["policy_scheduled"], "detail": ["tokenism = 0.1"]})
    fig = plots.timeseries_bands(series, ["membership_rate"], events=events)
    assert [tuple(line.get_xdata()) for line in fig.axes[0].lines[1:]] == [(3.0, 3.0)]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["tokenism = 0.1, week 3 (scheduled)"]
    assert not plots.timeseries_bands(series, ["membership_rate"]).legends  # one group, nothing to name


def test_changes_won_in_some_runs_only_are_marked_apart_with_their_count():
    series = pd.DataFrame({"scenario": np.repeat(["status_quo", "c177"], 15), "run_id": np.repeat(list("abcdef"), 5),
                           "week": np.tile(np.arange(5), 6), "membership_rate": 0.2})
    events = pd.DataFrame({
        "run_id": ["d", "e", "f", "a", "a", "a", "b"], "scenario": ["c177"] * 3 + ["status_quo"] * 4,
        "week": [1, 1, 1, 3, 3, 3, 4],
        "kind": ["policy_scheduled"] * 3 + ["policy_conceded"] * 3 + ["policy_court"],
        "detail": ["c177_ratified = True"] * 3 + ["recognition = True", "floor_share = 0.11", "statistics_inclusion = True",
                                                  "recognition = True"],
    })
    scheduled, occasional = plots.policy_events(events, plots.runs_per_group(series))
    assert scheduled[["scenario", "week", "label"]].values.tolist() == [["c177", 1, "c177_ratified = True, week 1"]]
    assert occasional["label"].tolist() == [
        "recognition, floor_share, statistics_inclusion won in 1 of 3 runs", "recognition won in court in 1 of 3 runs"]
    fig = plots.timeseries_bands(series, ["membership_rate"], events=events, baseline="status_quo")
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts == ["status_quo (baseline)", "c177", "95% confidence band over replicates",
                     "c177: c177_ratified = True, week 1 (scheduled)",
                     "status_quo: recognition, floor_share, statistics_inclusion won in 1 of 3 runs (a triangle per run)",
                     "status_quo: recognition won in court in 1 of 3 runs (a triangle per run)"]
    ax = fig.axes[0]
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert [tuple(line.get_xdata()) for line in dashed] == [(1.0, 1.0)]   # only the scheduled change is a line
    assert len([line for line in ax.lines if line.get_marker() == "v"]) == 2
    assert ax.lines[0].get_color() == plots.BASELINE_COLOUR              # grey is the baseline's alone
    assert ax.lines[1].get_color() != plots.BASELINE_COLOUR


@pytest.fixture(scope="module")
def grid():
    """2 scenarios x a 2 x 2 grid x 2 replicates: the runs, their weekly series (5 weeks) and events
    (c177 scheduled at week 1 in every c177 run; recognition won in one status_quo run at point 0)."""
    rows, weekly = [], []
    points = [(0.0, 0.1), (0.7, 0.1), (0.0, 0.8), (0.7, 0.8)]
    for scenario in ("status_quo", "c177"):
        for point, (framing, tokenism) in enumerate(points):
            for replicate in range(2):
                run_id = f"{scenario}-p{point}-r{replicate}"
                rows.append({"run_id": run_id, "scenario": scenario, "point": point, "replicate": replicate,
                             "param.framing_intensity": framing, "param.tokenism": tokenism,
                             **{m: 0.3 + 0.1 * point + 0.01 * replicate for m in OUTPUT_BY_NAME}})
                weekly += [{"run_id": run_id, "scenario": scenario, "point": point, "week": w,
                            "membership_rate": 0.1 * point + 0.02 * replicate + 0.01 * w} for w in range(5)]
    runs = pd.DataFrame(rows)
    events = pd.DataFrame({
        "run_id": [f"c177-p{p}-r{r}" for p in range(4) for r in range(2)] + ["status_quo-p0-r1"],
        "scenario": ["c177"] * 8 + ["status_quo"], "week": [1] * 8 + [3],
        "kind": ["policy_scheduled"] * 8 + ["policy_conceded"], "detail": ["c177_ratified = True"] * 8 + ["recognition = True"],
    })
    return runs, pd.DataFrame(weekly), events


def test_a_grid_sweep_over_time_is_a_panel_per_design_point_not_pooled(grid):
    runs, weekly, events = grid
    fig = plots.timeseries_by_point(weekly, runs, "membership_rate", ["param.framing_intensity", "param.tokenism"],
                                    events, baseline="status_quo")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    # laid out as the grid: framing across, tokenism down; each panel titled with its point
    assert [ax.get_title() for ax in axes] == [
        "framing_intensity = 0, tokenism = 0.1", "framing_intensity = 0.7, tokenism = 0.1",
        "framing_intensity = 0, tokenism = 0.8", "framing_intensity = 0.7, tokenism = 0.8"]
    assert len({ax.get_ylim() for ax in axes}) == 1                  # one y scale for every panel
    # in each panel a line per scenario: the mean of that point's runs, the baseline grey
    solid = [line for line in axes[3].lines if line.get_linestyle() == "-"]
    assert [line.get_color() == plots.BASELINE_COLOUR for line in solid] == [True, False]
    assert solid[0].get_ydata() == pytest.approx(0.3 + 0.01 + 0.01 * np.arange(5))
    # the scheduled change is a dashed line in every panel; the change won in one run only is named
    # with its count in the panel of its point, and nowhere else
    assert all([tuple(line.get_xdata()) for line in ax.lines if line.get_linestyle() == "--"] == [(1.0, 1.0)]
               for ax in axes)
    assert [t.get_text() for t in axes[0].texts] == ["▽ status_quo: recognition won in 1 of 2 runs"]
    assert not any(ax.texts for ax in axes[1:])
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "status_quo (baseline)", "c177", "95% confidence band over replicates",
        "c177: c177_ratified = True, week 1 (scheduled)",
        "a policy change won in some runs only: a triangle per run, named in its panel"]


def test_the_power_cube_of_a_grid_sweep_is_a_bar_per_scenario_and_point(grid):
    runs, _, _ = grid
    fig = plots.power_cube(runs, keys=["scenario", "param.framing_intensity", "param.tokenism"])
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[:3] == ["status_quo, framing_intensity = 0, tokenism = 0.1",
                          "c177, framing_intensity = 0, tokenism = 0.1",
                          "status_quo, framing_intensity = 0.7, tokenism = 0.1"]   # a point's scenarios together
    assert len(labels) == 8 and sum(len(bars) for bars in fig.axes[0].containers) == 8 * 3


def test_power_figures_and_heatmap(runs):
    table = comparison_table(runs, "status_quo")
    assert len(plots.power_indices(table).axes[0].patches) == 4 * 2
    assert len(plots.power_cube(runs).axes) == 2
    grid = runs.assign(**{"param.tokenism": np.tile([0.1, 0.8], 4), "param.framing_intensity": 0.0})
    fig = plots.heatmap(grid, "tokenism", "framing_intensity", "earnings_to_ump")
    image = fig.axes[0].images[0].get_array()
    quo = grid[grid.scenario == "status_quo"]
    expected = quo.groupby("param.tokenism")["earnings_to_ump"].mean().to_numpy()
    assert np.asarray(image)[0] == pytest.approx(expected)
    assert "tokenism (share)" in fig.axes[0].get_xlabel()
    assert [a.get_title() for a in fig.axes[:2]] == ["status_quo", "c177"]   # a panel per scenario ...
    norms = {(im.norm.vmin, im.norm.vmax) for a in fig.axes for im in a.images}
    assert len(norms) == 1                                                   # ... on one colour scale
    assert norms.pop() == pytest.approx((grid.groupby(["scenario", "param.tokenism"])["earnings_to_ump"].mean().min(),
                                         grid.groupby(["scenario", "param.tokenism"])["earnings_to_ump"].mean().max()))
    # the difference from a named cell: zero there, on a scale centred on zero
    cell = {"scenario": "status_quo", "param.tokenism": 0.1, "param.framing_intensity": 0.0}
    fig = plots.heatmap(grid, "tokenism", "framing_intensity", "earnings_to_ump", reference=cell)
    first = np.asarray(fig.axes[0].images[0].get_array())[0]
    assert first[0] == 0 and first[1] == pytest.approx(expected[1] - expected[0])
    image = fig.axes[0].images[0]
    assert image.norm.vmin == -image.norm.vmax and image.get_cmap().name == "RdBu"
    assert "difference from the cell status_quo, tokenism = 0.1, framing_intensity = 0" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="no heatmap cell"):
        plots.heatmap(grid, "tokenism", "framing_intensity", "earnings_to_ump", reference={"scenario": "nope"})


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


def test_a_heatmap_axis_is_the_parameter_even_when_an_outcome_has_its_name() -> None:
    """``statistics_inclusion`` is a parameter (``param.`` column) and an outcome of the runs table."""
    import pandas as pd

    from rumahan.experiments.plots import heatmap_cells

    runs = pd.DataFrame({"scenario": ["s"] * 4, "param.tokenism": [0.1, 0.1, 0.8, 0.8],
                         "param.statistics_inclusion": [False, True, False, True],
                         "statistics_inclusion": [1.0, 1.0, 1.0, 1.0], "earnings_to_ump": [0.1, 0.2, 0.3, 0.4]})
    cells = heatmap_cells(runs, "tokenism", "statistics_inclusion", "earnings_to_ump")
    assert "param.statistics_inclusion" in cells.columns and len(cells) == 4
