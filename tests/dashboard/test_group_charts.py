"""The interactive charts of Compare, Batch and Explore (Altair specs, no browser): grey for the
baseline only, a facet per lever, one colour scale across heatmap panels, events told apart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rumahan.dashboard import group_charts
from rumahan.dashboard.labels import event_title
from rumahan.dashboard.run_charts import events_frame, timeseries_chart
from rumahan.experiments.summaries import summary_table
from rumahan.model.metrics import OUTPUT_BY_NAME


@pytest.fixture(scope="module")
def grid_runs() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for scenario in ("status_quo", "no_network"):
        for point, (framing, tokenism) in enumerate([(0.0, 0.1), (0.0, 0.8), (0.7, 0.1), (0.7, 0.8)]):
            for replicate in range(2):
                row = {"run_id": f"{scenario}-p{point}-r{replicate}", "scenario": scenario, "point": point,
                       "replicate": replicate, "seed": 10 + replicate, "param.framing_intensity": framing,
                       "param.tokenism": tokenism}
                row.update({m: rng.uniform(0.1, 0.3) for m in OUTPUT_BY_NAME})
                rows.append(row)
    return pd.DataFrame(rows)


def _layers(spec: dict) -> list[dict]:
    inner = spec.get("spec", spec)
    return inner.get("layer", [inner])


def test_final_year_bars_are_faceted_per_lever_and_grey_is_the_baseline_only(grid_runs) -> None:
    table = summary_table(grid_runs, "status_quo", ["framing_intensity", "tokenism"])
    spec = group_charts.final_year_chart(table, "earnings_to_ump", "status_quo").to_dict()
    assert spec["facet"]["column"]["field"] == "param_framing_intensity"
    assert spec["facet"]["row"]["field"] == "param_tokenism"
    colour = _layers(spec)[0]["encoding"]["color"]
    assert colour["scale"]["domain"] == ["status_quo (baseline)", "no_network"]
    assert colour["scale"]["range"][0] == group_charts.BASELINE_GREY
    assert group_charts.BASELINE_GREY not in colour["scale"]["range"][1:]
    # by one lever: one facet; pooled: none, and the title says what a bar pools
    by_one = summary_table(grid_runs, "status_quo", ["framing_intensity", "tokenism"], by=["tokenism"])
    spec = group_charts.final_year_chart(by_one, "earnings_to_ump", "status_quo").to_dict()
    assert spec["facet"]["column"]["field"] == "param_tokenism" and "row" not in spec["facet"]
    pooled = summary_table(grid_runs, "status_quo", ["framing_intensity", "tokenism"], by=["scenario"])
    spec = group_charts.final_year_chart(pooled, "earnings_to_ump", "status_quo").to_dict()
    assert "facet" not in spec and "each bar pools 4 design points" in spec["title"]


def test_heatmap_panels_share_one_scale_or_show_the_difference_from_a_cell(grid_runs) -> None:
    spec = group_charts.heatmap_chart(grid_runs, "framing_intensity", "tokenism", "earnings_to_ump").to_dict()
    assert spec["facet"]["column"]["field"] == "scenario"
    assert spec.get("resolve", {}).get("scale", {}).get("color", "shared") == "shared"
    cell = {"scenario": "no_network", "param.framing_intensity": 0.0, "param.tokenism": 0.1}
    spec = group_charts.heatmap_chart(grid_runs, "framing_intensity", "tokenism", "earnings_to_ump", cell).to_dict()
    colour = _layers(spec)[0]["encoding"]["color"]
    assert colour["field"] == "difference" and colour["scale"]["domainMid"] == 0
    assert colour["scale"]["domain"][0] == -colour["scale"]["domain"][1]
    values = pd.DataFrame(spec["datasets"][spec["data"]["name"]])
    at_cell = values[(values.scenario == "no_network") & (values.param_framing_intensity == 0.0)
                     & (values.param_tokenism == 0.1)]
    assert at_cell["difference"].iloc[0] == 0


def test_policy_lines_are_the_scheduled_changes_and_the_others_are_counted() -> None:
    series = pd.DataFrame({"scenario": np.repeat(["status_quo", "c177"], 20), "run_id": np.repeat(list("abcdefgh"), 5),
                           "week": np.tile(np.arange(0, 260, 52), 8), "membership_rate": 0.2})
    events = pd.DataFrame({"run_id": ["e", "f", "g", "h", "b"], "scenario": ["c177"] * 4 + ["status_quo"],
                           "week": [52, 52, 52, 52, 150], "kind": ["policy_scheduled"] * 4 + ["policy_conceded"],
                           "detail": ["c177_ratified = True"] * 4 + ["recognition = True"]})
    notes = group_charts.event_notes(series, events)
    assert notes == ["c177: c177_ratified = True, week 52 (scheduled: a dashed line)",
                     "status_quo: recognition won in 1 of 4 runs (a triangle at each run's week)"]
    spec = group_charts.bands_chart(series, "membership_rate", events, baseline="status_quo").to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["area", "line", "rule", "text", "point"]
    assert spec["layer"][4]["mark"]["shape"] == "triangle-down"


def test_explore_tells_kinds_of_events_apart_by_colour_with_a_legend() -> None:
    weeks = np.arange(0, 104)
    series = pd.DataFrame({"week": weeks, "year": 2023 + weeks // 52, "membership_rate": 0.1})
    events = events_frame([{"week": 52, "kind": "policy_scheduled", "detail": "c177_ratified = True"},
                           {"week": 60, "kind": "retaliation", "detail": "2 subcontractors"}])
    spec = timeseries_chart(series, ["membership_rate"], events).to_dict()
    rule = spec["layer"][1]["encoding"]["color"]
    assert rule["field"] == "event" and rule["title"] == "events"
    assert rule["scale"]["domain"] == [event_title("policy_scheduled"), event_title("retaliation")]
    assert len(set(rule["scale"]["range"])) == 2
    assert spec["resolve"]["scale"]["color"] == "independent"   # a legend of their own, apart from the outcomes


def test_a_heatmap_with_the_scenario_on_an_axis_draws_one_panel() -> None:
    import pandas as pd

    from rumahan.dashboard.group_charts import heatmap_chart

    runs = pd.DataFrame({"scenario": ["a", "a", "b", "b"], "param.tokenism": [0.1, 0.8, 0.1, 0.8],
                         "earnings_to_ump": [0.1, 0.2, 0.3, 0.4]})
    spec = heatmap_chart(runs, "tokenism", "scenario", "earnings_to_ump").to_dict()
    assert "facet" not in spec
