"""The `rumahan` CLI end to end on tiny sizes: run, sweep, compare, sensitivity, robustness, demo,
dashboard; checking the numbers in the files, not only that the files exist."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rumahan.experiments.compare import comparison_table
from rumahan.experiments.records import SERIES_ID_COLUMNS
from rumahan.experiments.runner import run_simulation
from rumahan.experiments.scenarios import PINNED, load_scenario
from rumahan.experiments.storage import load_output
from rumahan.model.metrics import METRIC_NAMES

from .conftest import TINY_WEEKS


def _png(path):
    data = path.read_bytes()
    return data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_run_writes_the_pinned_files_with_the_model_output(cli, tmp_path):
    out = tmp_path / "run"
    code, stdout, _ = cli("run", "--scenario", "c177", "--set", "n_workers=100", "--set", "tokenism=0.5",
                          "--weeks", 60, "--seed", 4, "--out", out, "--quiet")
    assert code == 0 and "c177" in stdout
    scenario = load_scenario("c177")
    direct = run_simulation({"n_workers": 100, "tokenism": 0.5}, seed=4, weeks=60, schedule=list(scenario.schedule))
    series = pd.read_parquet(out / "timeseries.parquet")
    # format 2: a single run's series has a batch's id columns, then the metrics
    assert list(series.columns) == [*SERIES_ID_COLUMNS, *METRIC_NAMES] and len(series) == 61
    np.testing.assert_array_equal(series["piece_rate_mean"], direct.timeseries["piece_rate_mean"])
    np.testing.assert_array_equal(series["membership_rate"], direct.timeseries["membership_rate"])
    summary = json.loads((out / "summary.json").read_text())
    assert summary["metrics"]["earnings_to_ump"] == pytest.approx(series["earnings_to_ump"].tail(52).mean())
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "run" and manifest["seed"] == 4 and manifest["weeks"] == 60
    assert manifest["parameters"]["tokenism"] == 0.5 and manifest["schedule"] == [[52, {"c177_ratified": True}]]
    assert manifest["environment"]["packages"]["mesa"] and "git" in manifest["environment"]
    assert manifest["wall_time_s"] > 0 and manifest["started"] <= manifest["finished"]
    assert _png(out / "figures" / "timeseries.png")


def test_scenario_file_written_by_a_run_reproduces_it_exactly(cli, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert cli("run", "--scenario", "recommendations", "--set", "n_workers=100", "--weeks", 55, "--seed", 9,
               "--out", first, "--quiet")[0] == 0
    # no --seed, no --weeks: they come from the [run] table of the written scenario file
    assert cli("run", "--scenario", first / "scenario.toml", "--out", second, "--quiet")[0] == 0
    assert (first / "timeseries.parquet").read_bytes() == (second / "timeseries.parquet").read_bytes()
    assert load_scenario(first / "scenario.toml").seed == 9


def test_sweep_results_match_direct_runs(cli, tmp_path, tiny_spec):
    out = tmp_path / "sweep"
    code, stdout, _ = cli("sweep", tiny_spec, "--out", out, "--jobs", 1, "--quiet")
    assert code == 0 and "sweep: 16 runs" in stdout
    # the summary is per design point, each row labelled with its values
    assert f"Per scenario and design point (framing_intensity, tokenism), over 2 replicates (every design point: " \
        f"{out}/comparison.csv):" in stdout
    rows = [line.split("  ")[0] for line in stdout.splitlines() if line.startswith(("status_quo", "no_network"))]
    assert rows == [f"{s}, framing_intensity = {f}, tokenism = {t}" for s in ("status_quo", "no_network")
                    for f in ("0", "0.7") for t in ("0.1", "0.8")]
    folder = load_output(out)
    runs, series = folder.runs, folder.timeseries
    assert folder.kind == "sweep" and len(runs) == 16 and len(series) == 16 * (TINY_WEEKS + 1)
    assert sorted(set(zip(runs["param.framing_intensity"], runs["param.tokenism"], strict=True))) == [
        (0.0, 0.1), (0.0, 0.8), (0.7, 0.1), (0.7, 0.8)]
    assert not runs.loc[runs.scenario == "no_network", "param.network_active"].any()
    # one run redone by hand gives the same row and the same weekly series
    row = runs.iloc[13]
    direct = run_simulation({"network_active": False, "n_workers": 100, "framing_intensity": row["param.framing_intensity"],
                             "tokenism": row["param.tokenism"]}, seed=int(row["seed"]), weeks=TINY_WEEKS)
    assert row["piece_rate_mean"] == direct.summary["piece_rate_mean"]
    mine = series[series.run_id == row["run_id"]]
    np.testing.assert_array_equal(mine["earnings_mean"], direct.timeseries["earnings_mean"])
    # the report: per scenario and design point, with the point's parameter values
    table = pd.read_csv(out / "comparison.csv")
    assert len(table) == 2 * 4 * (len(METRIC_NAMES) - 2)
    tested = table[table["p_value"].notna()]
    assert len(tested) and (tested["q_value"] >= tested["p_value"] - 1e-15).all()
    assert (tested["significant"] == (tested["q_value"] < 0.05)).all() and set(table["effect_size_measure"]) == {"d_av"}
    cell = table[(table.scenario == "no_network") & (table.point == 2) & (table.metric == "earnings_to_ump")].iloc[0]
    expected = runs[(runs.scenario == "no_network") & (runs.point == 2)]["earnings_to_ump"].mean()
    assert cell["mean"] == pytest.approx(expected) and (cell["framing_intensity"], cell["tokenism"]) == (0.7, 0.1)
    for name in ("final_year", "power_indices", "power_cube", "heatmap_earnings_to_ump",
                 "heatmap_earnings_to_ump_difference", "timeseries_membership_rate", "timeseries_piece_rate_mean"):
        assert _png(out / "figures" / f"{name}.png")
    # the weekly figures are per design point, one per outcome: none pools the points per scenario
    assert not (out / "figures" / "timeseries.png").exists()


def test_compare_by_groups_as_asked_and_pools_only_when_labelled(cli, tmp_path, tiny_spec):
    out = tmp_path / "sweep"
    assert cli("sweep", tiny_spec, "--out", out, "--jobs", 1, "--quiet", "--no-report")[0] == 0
    code, stdout, _ = cli("compare", out, "--by", "tokenism", "--metrics", "membership_rate,earnings_to_ump",
                          "power_to")
    assert code == 0
    assert "Per scenario and tokenism, averaged over framing_intensity and the replicates" in stdout
    lines = stdout.splitlines()
    header = next(line for line in lines if "membership_rate" in line)
    assert header.split() == ["membership_rate", "earnings_to_ump", "power_to"]
    rows = [line for line in lines if line.startswith(("status_quo", "no_network"))]
    assert [r.split("  ")[0] for r in rows] == ["status_quo, tokenism = 0.1", "status_quo, tokenism = 0.8",
                                                "no_network, tokenism = 0.1", "no_network, tokenism = 0.8"]
    runs = load_output(out).runs
    by = pd.read_csv(out / "comparison_by_tokenism.csv")
    cell = by[(by.scenario == "no_network") & (by["param.tokenism"] == 0.8) & (by.metric == "earnings_to_ump")]
    mean = runs[(runs.scenario == "no_network") & (runs["param.tokenism"] == 0.8)]["earnings_to_ump"].mean()
    assert cell["mean"].iloc[0] == pytest.approx(mean) and cell["n"].iloc[0] == 4   # 2 framing values x 2 replicates
    assert cell["group"].iloc[0] == "no_network, tokenism = 0.8"
    for name in ("membership_rate", "earnings_to_ump", "power_to"):     # --metrics chooses the heatmaps too
        assert _png(out / "figures" / f"heatmap_{name}.png")
    # the whole design pooled: only when asked, and labelled so
    assert _png(out / "figures" / "timeseries_membership_rate.png")       # a panel per tokenism value
    code, stdout, _ = cli("compare", out, "--by", "scenario", "--metrics", "earnings_to_ump")
    assert code == 0 and "pooled over all 4 design points" in stdout
    # pooled figures replace the per-point ones (and say what they pool)
    assert _png(out / "figures" / "timeseries.png")
    assert not list((out / "figures").glob("timeseries_*.png"))
    assert [line.split("  ")[0] for line in stdout.splitlines() if line.startswith(("status_quo", "no_network"))] == [
        "status_quo, pooled over 4 design points", "no_network, pooled over 4 design points"]
    code, stdout, _ = cli("compare", out, "--by", "framing_intensity,tokenism", "--metrics", "earnings_to_ump")
    assert code == 0 and "status_quo, framing_intensity = 0.7, tokenism = 0.1" in stdout


def test_compare_reports_on_a_folder_and_runs_scenarios(cli, tmp_path):
    out = tmp_path / "cmp"
    code, stdout, _ = cli("compare", out, "--scenarios", "status_quo", "no_network", "--replicates", 3,
                          "--weeks", TINY_WEEKS, "--set", "n_workers=100", "--jobs", 1, "--quiet")
    assert code == 0 and "no_network" in stdout
    runs = load_output(out).runs
    table = pd.read_csv(out / "comparison.csv")
    expected = comparison_table(runs, "status_quo")
    assert np.allclose(table["mean"], expected["mean"]) and np.allclose(table["diff"], expected["diff"], equal_nan=True)
    member = table[(table.scenario == "no_network") & (table.metric == "membership_rate")].iloc[0]
    status_quo = runs.loc[runs.scenario == "status_quo", "membership_rate"].mean()
    assert member["mean"] == 0.0 and member["diff"] == pytest.approx(-status_quo) and member["paired"]
    # compare again on the existing folder: nothing is rerun, same table
    code, stdout2, _ = cli("compare", out, "--metrics", "membership_rate", "earnings_to_ump")
    assert code == 0 and "membership_rate" in stdout2 and "piece_rate_mean" not in stdout2


def test_sensitivity_morris_indices_match_salib_on_the_stored_runs(cli, tmp_path):
    out = tmp_path / "sa"
    params = ["principal_price", "relocation_cost", "threshold_mean"]
    code, stdout, _ = cli("sensitivity", "--method", "morris", "--samples", 3, "--parameters", *params,
                          "--outcomes", "piece_rate_mean", "membership_rate", "--set", "n_workers=100",
                          "--weeks", TINY_WEEKS, "--out", out, "--jobs", 1, "--quiet")
    assert code == 0 and "mu_star" in stdout
    folder = load_output(out)
    indices, sample = folder.tables["indices"], folder.tables["sample"]
    assert len(folder.runs) == len(sample) == 3 * (len(params) + 1)
    assert len(indices) == 2 * 3 and set(indices["parameter"]) == set(params)
    assert (indices["mu_star"] >= indices["mu"].abs() - 1e-12).all()
    from SALib.analyze import morris

    problem = folder.manifest["plan"]["problem"]
    y = folder.runs.sort_values("point")["piece_rate_mean"].to_numpy()
    again = morris.analyze(problem, sample[params].to_numpy(), y, num_levels=4, seed=1)
    mine = indices[indices.outcome == "piece_rate_mean"].set_index("parameter").loc[params, "mu_star"]
    np.testing.assert_allclose(mine, again["mu_star"])
    # the integer-valued runs follow SALib's sample
    np.testing.assert_allclose(folder.runs.sort_values("point")["param.relocation_cost"], sample["relocation_cost"])


def test_sensitivity_sobol_runs_n_times_d_plus_2(cli, tmp_path):
    out = tmp_path / "sobol"
    code, _, _ = cli("sensitivity", "--method", "sobol", "--samples", 4, "--parameters", "principal_price",
                     "relocation_cost", "--outcomes", "piece_rate_mean", "--set", "n_workers=100", "--weeks", 20,
                     "--out", out, "--jobs", 1, "--quiet")
    assert code == 0
    folder = load_output(out)
    assert len(folder.runs) == 4 * (2 + 2)
    assert folder.tables["indices"][["S1", "ST"]].notna().all().all()


def test_robustness_regret_is_zero_for_the_best_policy_in_each_state(cli, tmp_path):
    out = tmp_path / "rob"
    code, stdout, _ = cli("robustness", "--scenarios", "status_quo", "no_network", "recommendations", "--states", 3,
                          "--parameters", "principal_price", "relocation_cost", "--outcomes", "earnings_to_ump",
                          "below_poverty_share:min", "--set", "n_workers=100", "--weeks", 60, "--out", out,
                          "--jobs", 1, "--quiet")
    assert code == 0 and "regret max" in stdout
    folder = load_output(out)
    regret = folder.tables["regret"]
    assert len(regret) == 3 * 3 * 2 and (regret["regret"] >= 0).all()
    assert (regret.groupby(["outcome", "point"])["regret"].min() == 0).all()
    low = regret[regret.outcome == "below_poverty_share"]
    assert (low["regret"] == low["value"] - low.groupby("point")["value"].transform("min")).all()
    summary = folder.tables["robustness"]
    assert set(summary["rank_minimax"]) <= {1, 2, 3} and (summary["regret_max"] >= summary["regret_p90"]).all()


def test_demo_prints_the_table_and_says_where_the_files_are(cli, tmp_path):
    out = tmp_path / "demo"
    code, stdout, _ = cli("demo", "--out", out, "--replicates", 2, "--weeks", 20, "--set", "n_workers=100",
                          "--jobs", 1, "--quiet")
    assert code == 0
    for name in PINNED:
        assert f"\n{name} " in stdout
    assert str(out) in stdout and "rumahan dashboard" in stdout and "make dashboard" in stdout
    assert len(load_output(out).runs) == 20 and (out / "figures" / "power_cube.png").exists()


def test_dashboard_starts_streamlit_with_the_options_passed_through(cli, monkeypatch):
    import os

    calls = []
    monkeypatch.setattr(os, "execv", lambda path, command: calls.append(command))
    code, _, _ = cli("dashboard", "--server.headless", "true", "--server.port", "8765")
    assert code == 0
    command = calls[0]
    assert command[1:4] == ["-m", "streamlit", "run"] and command[4].endswith("dashboard/app.py")
    assert command[5:] == ["--server.headless", "true", "--server.port", "8765"]


def test_help_lists_parameters_with_units_and_bounds(cli, capsys):
    from rumahan.experiments.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--help"])
    assert exit_info.value.code == 0
    listing = capsys.readouterr().out
    assert "[state]" in listing and "[network]" in listing
    line = next(x for x in listing.splitlines() if x.strip().startswith("tokenism "))
    assert "share" in line and "0.8" in line and "0 to 1" in line and line.endswith("L")
    code, stdout, _ = cli("params", "--group", "state")
    assert code == 0 and "framing_intensity" in stdout and "n_workers" not in stdout


def test_params_columns_line_up_whatever_the_unit_length(cli):
    from rumahan.experiments.cli import _fmt_value
    from rumahan.model import params as registry

    code, stdout, _ = cli("params", "--short")
    lines = stdout.splitlines()
    header = next(line for line in lines if line.strip().startswith("name"))
    end = header.index("default") + len("default")  # defaults are right-aligned under the header
    for p in registry.PARAMETERS:
        row = next(line for line in lines if line.startswith(f"    {p.name} "))
        assert row[:end].endswith(" " + _fmt_value(p.default)), row
    assert code == 0


def test_scenarios_long_shows_whole_descriptions_and_sources(cli):
    from rumahan.experiments.scenarios import load_scenario

    code, stdout, _ = cli("scenarios", "--long")
    flat = " ".join(stdout.split())
    quo = load_scenario("status_quo")
    assert code == 0 and " ".join(quo.description.split()) in flat and f"source: {quo.source}" in flat
    assert "[...]" not in stdout
