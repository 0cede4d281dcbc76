"""The CLI says what a run is and what a batch will cost: a run with --set is named for its changes,
sweeps and sensitivity analyses print "N runs, about T" from a measured rate and need --yes past an
hour, and `sensitivity --help` gives an example, the defaults and the cost."""

from __future__ import annotations

import json
import tomllib

import pytest

import rumahan.experiments.estimate
from rumahan.experiments.estimate import Estimate, estimate_plan, format_duration
from rumahan.experiments.spec import load_spec


def test_a_run_with_set_is_named_for_its_changes(cli, tmp_path) -> None:
    code, out, _ = cli("run", "--scenario", "c177", "--set", "tokenism=0.2", "--set", "n_workers=100",
                       "--weeks", "10", "--out", tmp_path / "r", "--quiet")
    assert code == 0
    assert out.startswith("c177 + tokenism=0.2, n_workers=100: 100 workers, 10 weeks")
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    scenario = tomllib.loads((tmp_path / "r" / "scenario.toml").read_text())
    assert summary["scenario"] == scenario["name"] == "c177 + tokenism=0.2, n_workers=100"
    assert scenario["description"].endswith("Changed from c177: tokenism = 0.2, n_workers = 100.")
    code, _, _ = cli("rerun", tmp_path / "r", "--quiet")
    assert code == 0


def test_a_sweep_prints_its_measured_estimate_before_it_starts(cli, tmp_path, tiny_spec) -> None:
    code, _, err = cli("sweep", tiny_spec, "--out", tmp_path / "s", "--jobs", "1", "--no-report")
    assert code == 0
    line = next(line for line in err.splitlines() if line.startswith("sweep: 16 runs, about "))
    assert "measured here at" in line


def test_past_an_hour_a_batch_needs_yes(cli, tmp_path, tiny_spec, monkeypatch) -> None:
    monkeypatch.setattr(rumahan.experiments.estimate, "CONFIRM_ABOVE_S", 0.0)
    code, _, err = cli("sweep", tiny_spec, "--out", tmp_path / "s", "--jobs", "1", "--no-report")
    assert code == 2 and not (tmp_path / "s").exists()
    assert err.splitlines()[-1].startswith("rumahan sweep: error: 16 runs, about ") and err.rstrip().endswith(
        "add --yes to start it")
    code, _, err = cli("sensitivity", "--samples", "2", "--parameters", "relocation_cost", "principal_price",
                       "--set", "n_workers=100", "--weeks", "10", "--out", tmp_path / "m", "--jobs", "1")
    assert code == 2 and "add --yes" in err
    code, _, _ = cli("sweep", tiny_spec, "--out", tmp_path / "s", "--jobs", "1", "--no-report", "--yes")
    assert code == 0


def test_the_estimate_scales_a_measured_run(tiny_spec, monkeypatch) -> None:
    monkeypatch.setattr(rumahan.experiments.estimate, "time_one_run", lambda params, weeks: 2.0)
    monkeypatch.setattr(rumahan.experiments.estimate, "_load", lambda: 0.0)
    monkeypatch.setattr(rumahan.experiments.estimate.os, "cpu_count", lambda: 2)
    estimate = estimate_plan(load_spec(tiny_spec).plan(), jobs=4)
    assert (estimate.runs, estimate.processes, estimate.seconds) == (16, 2, 16.0)
    monkeypatch.setattr(rumahan.experiments.estimate, "_load", lambda: 3.0)   # two CPUs already busy: no parallel gain
    assert estimate_plan(load_spec(tiny_spec).plan(), jobs=4).seconds == 32.0
    assert Estimate(54, 40.0, 1.5, 2000, 520, 2).summary() == "54 runs, about 40 s"
    assert [format_duration(s) for s in (0.84, 40, 700, 9000)] == ["0.8 s", "40 s", "12 min", "2.5 h"]


def test_sensitivity_help_has_an_example_the_defaults_and_the_cost(capsys) -> None:
    from rumahan.experiments.cli import main

    with pytest.raises(SystemExit):
        main(["sensitivity", "--help"])
    text = capsys.readouterr().out
    assert "Example:" in text and "rumahan sensitivity --samples 4" in text
    assert "Defaults: --method morris, --levels 4" in text
    assert "--samples 10 is" in text and "Morris runs" in text and '"N runs, about T"' in text
