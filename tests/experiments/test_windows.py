"""Outcome windows: a scenario's ``[windows]`` (validated when it loads, kept through its TOML), their
means in summary.json, windows.parquet and ``rumahan compare``, and folders written before them."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rumahan.experiments.compare import compare_scenarios, comparison_table, window_tables
from rumahan.experiments.records import OUTCOME_NAMES
from rumahan.experiments.runner import run_simulation
from rumahan.experiments.scenarios import ScenarioError, ScheduleWarning, load_scenario, scenario_from_dict
from rumahan.experiments.storage import load_output

WEEKS = 24
SHOCKED = """name = "shocked"
description = "orders cut at week 8 for 6 weeks"
[parameters]
n_workers = 100
demand_shock_week = 8
demand_shock_weeks = 6
demand_shock_depth = 0.7
[windows]
shock = [8, 14]
after = [14, 20]
"""


@pytest.fixture
def shocked(tmp_path: Path) -> Path:
    path = tmp_path / "shocked.toml"
    path.write_text(SHOCKED)
    return path


def by_hand(series: pd.DataFrame, start: int, end: int) -> dict[str, float]:
    """Window means recomputed independently: rows are weeks 0, 1, ... so weeks start..end-1 are
    rows start..end-1, averaged with numpy."""
    assert series["week"].tolist() == list(range(len(series)))
    return {m: float(np.mean(series[m].to_numpy()[start:end])) for m in OUTCOME_NAMES}


def assert_means(got: dict, expected: dict[str, float]) -> None:
    for metric, value in expected.items():
        assert got[metric] == pytest.approx(value, rel=1e-12, abs=1e-12), metric


# --- the scenario file ------------------------------------------------------------------------------
def test_windows_load_and_round_trip_through_toml(shocked: Path) -> None:
    scenario = load_scenario(shocked)
    assert scenario.windows == {"shock": (8, 14), "after": (14, 20)}
    again = scenario_from_dict(__import__("tomllib").loads(scenario.to_toml()))
    assert again.windows == scenario.windows
    assert scenario.with_overrides({"tokenism": 0.2}).with_run(seed=3, weeks=5).windows == scenario.windows


def test_demand_shock_declares_the_shock_and_the_year_after() -> None:
    scenario = load_scenario("demand_shock")
    start, length = scenario.parameters["demand_shock_week"], scenario.parameters["demand_shock_weeks"]
    assert scenario.windows == {"shock": (start, start + length), "after": (start + length, start + length + 52)}
    assert "'shock'" in scenario.description and "'after'" in scenario.description


@pytest.mark.parametrize(("table", "message"), [
    ("shock = [14, 8]", "window shock = [14, 8] needs 0 <= start < end"),
    ("shock = [8, 8]", "window shock = [8, 8] needs 0 <= start < end"),
    ("shock = [-1, 8]", "window shock = [-1, 8] needs 0 <= start < end"),
    ("shock = [8.5, 14]", "window shock = [8.5, 14] is not [start, end] with two whole numbers"),
    ("shock = [8, true]", "window shock = [8, true] is not [start, end] with two whole numbers"),
    ("shock = [8]", "window shock = [8] is not [start, end]"),
    ("shock = \"8-14\"", "window shock = \"8-14\" is not [start, end]"),
    ("\"the shock\" = [8, 14]", "window name 'the shock' is not an identifier"),
    ("2020 = [8, 14]", "window name '2020' is not an identifier"),
    ("final = [8, 14]", "window name 'final' is kept for the final year"),
])
def test_bad_windows_are_refused_in_one_line_naming_file_window_and_value(tmp_path: Path, table: str,
                                                                          message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(f'name = "bad"\n[windows]\n{table}\n')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    text = str(caught.value)
    assert "\n" not in text and str(path) in text and message in text, text


def test_windows_must_be_a_table(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\nwindows = [8, 14]\n')
    with pytest.raises(ScenarioError, match=r"\[windows\] must be a table of name = \[start, end\]"):
        load_scenario(path)


def test_a_bad_window_exits_2_on_the_command_line(cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\n[windows]\nshock = [14, 8]\n')
    code, out, err = cli("run", "--scenario", path, "--out", tmp_path / "o")
    assert code == 2 and not out
    assert err.strip().splitlines() == [
        f"rumahan run: error: scenario file {path}: window shock = [14, 8] needs 0 <= start < end (weeks start to "
        "end - 1)"]


def test_one_name_with_two_spans_in_one_batch_is_refused(shocked: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text('name = "other"\n[windows]\nshock = [0, 4]\n')
    with pytest.raises(ScenarioError, match="window 'shock' is weeks \\[8, 14\\] in scenario 'shocked' and \\[0, 4\\] in "
                                            "'other'"):
        compare_scenarios([shocked, other], replicates=1, weeks=4, baseline="shocked")


# --- means over the window ------------------------------------------------------------------------------
def test_window_means_are_the_series_means_over_its_weeks(shocked: Path) -> None:
    scenario = load_scenario(shocked)
    result = run_simulation(scenario.parameters, seed=4, weeks=WEEKS, windows=scenario.windows)
    assert list(result.windows) == ["shock", "after"]
    for name, (start, end) in scenario.windows.items():
        assert result.windows[name]["weeks"] == [start, end]
        assert_means(result.windows[name], by_hand(result.timeseries, start, end))
    # the shock shows in its window: fewer orders than in the weeks after it
    assert result.windows["shock"]["pieces_ordered"] < 0.5 * result.windows["after"]["pieces_ordered"]
    # the final year is the window [W - 51, W + 1): here every week
    assert_means(result.summary, by_hand(result.timeseries, 0, WEEKS + 1))


def test_a_window_past_the_last_week_is_noted_and_absent(shocked: Path) -> None:
    scenario = load_scenario(shocked)
    with pytest.warns(ScheduleWarning, match=r"the window 'after' \(weeks 14 to 19\) ends after the run's last "
                                             r"week \(18\) and is reported as absent"):
        result = run_simulation(scenario.parameters, seed=4, weeks=18, windows=scenario.windows)
    assert result.windows["after"] == {"weeks": [14, 20], "absent": "the run ends at week 18, before week 19"}
    assert "earnings_mean" in result.windows["shock"]
    with warnings.catch_warnings():  # a window ending at the last week is covered
        warnings.simplefilter("error", ScheduleWarning)
        covered = run_simulation(scenario.parameters, seed=4, weeks=19, windows=scenario.windows)
    assert "absent" not in covered.windows["after"]


# --- one run: summary.json ---------------------------------------------------------------------------------
def test_rumahan_run_writes_windows_in_summary_json(cli, shocked: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    code, printed, err = cli("run", "--scenario", shocked, "--weeks", WEEKS, "--seed", 2, "--out", out, "--quiet")
    assert code == 0, err
    assert "Means over window shock (weeks 8-13):" in printed and "Means over window after (weeks 14-19):" in printed
    summary = json.loads((out / "summary.json").read_text())
    series = pd.read_parquet(out / "timeseries.parquet")
    assert set(summary["windows"]) == {"shock", "after"}
    for name, (start, end) in {"shock": (8, 14), "after": (14, 20)}.items():
        entry = summary["windows"][name]
        assert entry["weeks"] == [start, end] and set(entry) == {"weeks", *OUTCOME_NAMES}
        assert_means(entry, by_hand(series, start, end))
    assert "[windows]\nshock = [8, 14]\nafter = [14, 20]" in (out / "scenario.toml").read_text()
    assert load_scenario(out / "scenario.toml").windows == {"shock": (8, 14), "after": (14, 20)}
    windows = load_output(out).tables["windows"]
    assert windows["window"].tolist() == ["shock", "after"]
    assert_means(windows.iloc[0].to_dict(), by_hand(series, 8, 14))


def test_a_single_run_too_short_for_a_window_says_so(cli, shocked: Path, tmp_path: Path) -> None:
    out = tmp_path / "short"
    code, printed, err = cli("run", "--scenario", shocked, "--weeks", 16, "--out", out, "--quiet")
    assert code == 0
    assert "rumahan run: note: the window 'after' (weeks 14 to 19) ends after the run's last week (16)" in err
    assert "window after (weeks 14-19): absent; the run ends at week 16, before week 19" in printed
    assert json.loads((out / "summary.json").read_text())["windows"]["after"]["absent"]
    assert load_output(out).tables["windows"]["window"].tolist() == ["shock"]


# --- batches: windows.parquet and compare -----------------------------------------------------------------
def test_in_memory_comparison_has_window_tables_from_the_same_statistics(shocked: Path) -> None:
    found = compare_scenarios(["status_quo", shocked], replicates=2, weeks=WEEKS, baseline="status_quo",
                              overrides={"n_workers": 100})
    windows = found.windows
    # every run reports every window of the batch, the baseline's too
    assert len(windows) == 2 * 2 * 2 and set(windows["scenario"]) == {"status_quo", "shocked"}
    for run_id, series in found.timeseries.groupby("run_id"):
        for name, (start, end) in {"shock": (8, 14), "after": (14, 20)}.items():
            row = windows[(windows["run_id"] == run_id) & (windows["window"] == name)].iloc[0]
            assert (row["start_week"], row["end_week"]) == (start, end)
            assert_means(row.to_dict(), by_hand(series.reset_index(drop=True), start, end))
    assert list(found.window_tables) == ["shock", "after"]
    for name, table in found.window_tables.items():
        expected = comparison_table(windows[windows["window"] == name], "status_quo")
        pd.testing.assert_frame_equal(table, expected)
        assert table.attrs["window"] == name
    shock = found.window_tables["shock"].set_index(["scenario", "metric"])
    assert shock.loc[("shocked", "pieces_ordered"), "diff"] < 0 and shock.loc[("shocked", "pieces_ordered"), "paired"]


def test_compare_writes_windows_parquet_and_prints_each_window(cli, shocked: Path, tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    code, printed, err = cli("compare", out, "--scenarios", "status_quo", shocked, "--replicates", 2, "--weeks", WEEKS,
                             "--set", "n_workers=100", "--jobs", 1, "--quiet")
    assert code == 0, err
    assert "Means over the window shock (weeks 8-13)" in printed
    assert "Means over the window after (weeks 14-19)" in printed
    stored = pd.read_parquet(out / "windows.parquet")
    series = pd.read_parquet(out / "timeseries.parquet")
    runs = pd.read_parquet(out / "runs.parquet")
    assert not any(c.startswith("window") for c in runs.columns)  # runs.parquet keeps its layout
    row = stored[(stored["run_id"] == "shocked-p0-r1") & (stored["window"] == "shock")].iloc[0]
    assert_means(row.to_dict(), by_hand(series[series["run_id"] == "shocked-p0-r1"].reset_index(drop=True), 8, 14))
    table = pd.read_csv(out / "comparison_windows.csv")
    assert table.columns[:4].tolist() == ["window", "start_week", "end_week", "scenario"]
    assert set(table["window"]) == {"shock", "after"}
    assert {"window_shock.png", "window_after.png"} <= {p.name for p in (out / "figures").iterdir()}
    assert load_output(out).manifest["plan"]["windows"] == {"shock": [8, 14], "after": [14, 20]}
    # --window chooses what is printed; an unknown one is refused in one line
    code, printed, _ = cli("compare", out, "--window", "after")
    assert code == 0 and "window after" in printed and "window shock" not in printed
    assert printed.index("Means over the window after") < 200  # no final-year table before it
    code, printed, err = cli("compare", out, "--window", "shok")
    assert code == 2 and err.strip() == ("rumahan compare: error: --window shok: not a window; choose 'final' (the "
                                         "final year) or a window of these runs: shock, after")
    # rerun compares the window means too
    code, printed, _ = cli("rerun", out, "--run", "shocked-p0-r0", "--jobs", 1, "--quiet")
    assert code == 0 and printed.startswith("identical")


def test_windows_past_the_end_of_a_batch_are_noted_and_absent(cli, shocked: Path, tmp_path: Path) -> None:
    out = tmp_path / "short"
    code, printed, err = cli("compare", out, "--scenarios", "status_quo", shocked, "--replicates", 2, "--weeks", 16,
                             "--set", "n_workers=100", "--jobs", 1, "--quiet")
    assert code == 0, err
    assert "note: scenario 'shocked': the window 'after' (weeks 14 to 19) ends after the run's last week (16)" in err
    assert "window after (weeks 14-19): absent; the runs end at week 16" in printed
    assert set(pd.read_parquet(out / "windows.parquet")["window"]) == {"shock"}


# --- folders written before windows ------------------------------------------------------------------------
def _as_before_windows(folder: Path) -> None:
    """Take out of a folder what outcome windows added, leaving what the code before them wrote."""
    for name in ("windows.parquet", "comparison_windows.parquet", "comparison_windows.csv"):
        (folder / name).unlink(missing_ok=True)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.get("plan", {}).pop("windows", None)
    for record in [*manifest.get("plan", {}).get("scenarios", []), manifest.get("scenario", {})]:
        record.pop("windows", None)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    if (folder / "summary.json").exists():
        summary = json.loads((folder / "summary.json").read_text())
        summary.pop("windows", None)
        (folder / "summary.json").write_text(json.dumps(summary))


def test_folders_written_before_windows_load_compare_and_rerun(cli, shocked: Path, tmp_path: Path) -> None:
    batch, single = tmp_path / "batch", tmp_path / "single"
    assert cli("compare", batch, "--scenarios", "status_quo", shocked, "--replicates", 2, "--weeks", 16,
               "--set", "n_workers=100", "--jobs", 1, "--quiet")[0] == 0
    assert cli("run", "--scenario", shocked, "--weeks", 16, "--out", single, "--quiet")[0] == 0
    old_batch, old_single = tmp_path / "old_batch", tmp_path / "old_single"
    shutil.copytree(batch, old_batch)
    shutil.copytree(single, old_single)
    _as_before_windows(old_batch)
    _as_before_windows(old_single)
    assert "windows" not in load_output(old_batch).tables and "windows" not in load_output(old_single).tables
    code, printed, err = cli("compare", old_batch)
    assert code == 0, err
    assert "Means over the window" not in printed and "comparison_windows" not in printed
    assert not (old_batch / "comparison_windows.csv").exists()
    assert window_tables(load_output(old_batch).tables.get("windows"), "status_quo") == {}
    for folder in (old_batch, old_single):
        code, printed, err = cli("rerun", folder, "--jobs", 1, "--quiet")
        assert code == 0 and printed.startswith("identical"), (printed, err)
