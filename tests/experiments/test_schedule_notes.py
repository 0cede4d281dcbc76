"""Scheduled changes at week 0 and after a run's end: applied, or said not to happen, never dropped
without a word."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from rumahan.experiments.plan import build_plan, warn_about_late_changes
from rumahan.experiments.runner import run_simulation
from rumahan.experiments.scenarios import ScheduleWarning, load_scenario, warn_if_schedule_after_end

TOKENISM = {"tokenism": 0.1}


def _scheduled(result) -> list[tuple[int, str]]:
    return [(e["week"], e["detail"]) for e in result.events if e["kind"] == "policy_scheduled"]


def test_a_change_in_the_last_week_happens_and_is_not_warned_about(recwarn):
    result = run_simulation({"n_workers": 50}, seed=1, weeks=4, schedule=[(4, TOKENISM)])
    assert _scheduled(result) == [(4, "tokenism = 0.1")]
    assert not [w for w in recwarn if issubclass(w.category, ScheduleWarning)]


def test_a_change_after_the_last_week_is_named_in_a_warning():
    with pytest.warns(ScheduleWarning) as caught:
        result = run_simulation({"n_workers": 50}, seed=1, weeks=4, schedule=[(5, TOKENISM), (9, TOKENISM)])
    assert _scheduled(result) == []
    assert [str(w.message) for w in caught] == [
        "the changes scheduled for weeks 5, 9 come after the run's last week (4) and do not happen in this run"]


def test_the_warning_lists_each_late_week_once_and_returns_them():
    with pytest.warns(ScheduleWarning, match="scenario 'x': the change scheduled for week 7 comes after"):
        assert warn_if_schedule_after_end([(7, TOKENISM), (7, {"recognition": True}), (2, TOKENISM)], 6,
                                          where="scenario 'x': ") == [7]


def test_a_batch_names_each_scenario_with_late_changes_once_when_it_runs(recwarn):
    scenarios = [load_scenario(name) for name in ("status_quo", "c177", "recommendations", "demand_shock")]
    plan = build_plan("sweep", scenarios, replicates=3, weeks=26, overrides={"n_workers": 50})
    assert len(plan.tasks) == 12 and not recwarn.list  # said by run_batch, once the folder is accepted
    with pytest.warns(ScheduleWarning) as caught:
        warn_about_late_changes(plan)
    assert [str(w.message).split(":")[0] for w in caught] == [
        "scenario 'c177'", "scenario 'recommendations'", "scenario 'demand_shock'", "scenario 'demand_shock'"]
    assert "week 104 comes after the run's last week (26)" in str(caught[-2].message)
    assert str(caught[-1].message) == (  # its [windows] too
        "scenario 'demand_shock': the windows 'shock' (weeks 104 to 129), 'after' (weeks 130 to 181) end after the "
        "run's last week (26) and are reported as absent")


def test_a_demand_shock_after_the_last_week_is_said_too():
    shock = {"n_workers": 50, "demand_shock_week": 30, "demand_shock_weeks": 4}
    with pytest.warns(ScheduleWarning, match="the change scheduled for week 30 comes after the run's last week"):
        run_simulation(shock, seed=1, weeks=20)
    design = pd.DataFrame({"point": [0, 1], "demand_shock_week": [10, 40]})
    plan = build_plan("sweep", [load_scenario("status_quo")], design=design, weeks=20, overrides=shock)
    with pytest.warns(ScheduleWarning, match="scenario 'status_quo': the change scheduled for week 40"):
        warn_about_late_changes(plan)


def test_a_refused_folder_is_the_only_line(cli, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    code, _, err = cli("demo", "--out", tmp_path / "mine", "--weeks", 5, "--replicates", 1, "--set", "n_workers=50")
    assert code == 2 and err.strip().splitlines() == [
        f"rumahan demo: error: {tmp_path / 'mine'} is not empty and is not a Rumahan output folder; "
        "choose another output folder"]


def test_the_cli_prints_one_note_per_scenario_and_runs(cli, tmp_path):
    code, _, err = cli("compare", tmp_path / "c", "--scenarios", "status_quo", "c177", "--weeks", "26",
                       "--replicates", "2", "--set", "n_workers=60", "--jobs", "2", "--quiet")
    assert code == 0, err
    notes = [line for line in err.splitlines() if "note:" in line]
    assert notes == ["rumahan compare: note: scenario 'c177': the change scheduled for week 52 comes after the "
                     "run's last week (26) and does not happen in this run"]
    code, _, err = cli("run", "--scenario", "c177", "--weeks", "26", "--set", "n_workers=60",
                       "--out", tmp_path / "r", "--quiet")
    assert code == 0 and err.strip() == ("rumahan run: note: the change scheduled for week 52 comes after the "
                                         "run's last week (26) and does not happen in this run")
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["weeks"] == 26 and manifest["schedule"] == [[52, {"c177_ratified": True}]]
