"""`rumahan rerun DIR/manifest.json`: repeat a folder's runs from what its manifest records and
verify them bit for bit; say so, or show the first differing metric and week."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from rumahan.experiments import storage
from rumahan.experiments.rerun import rerun

from .conftest import one_line_error


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    """A single run of a scenario with a scheduled policy change, a sweep, and a sensitivity analysis,
    written by the CLI."""
    from rumahan.experiments.cli import main

    root = tmp_path_factory.mktemp("rerun")
    spec = root / "spec.toml"
    spec.write_text('[sweep]\nscenarios = ["status_quo", "c177"]\nreplicates = 2\nweeks = 30\nseed = 8\n'
                    "[parameters]\nn_workers = 120\n[grid]\ntokenism = [0.2, 0.8]\n")
    commands = {
        "run": ["run", "--scenario", "c177", "--set", "n_workers=300", "--weeks", "70", "--seed", "12"],
        "sweep": ["sweep", str(spec), "--jobs", "1", "--no-report"],
        "sensitivity": ["sensitivity", "--samples", "2", "--parameters", "principal_price", "relocation_cost",
                        "--set", "n_workers=80", "--weeks", "20", "--jobs", "1"],
    }
    out = {}
    for name, args in commands.items():
        out[name] = root / name
        assert main([*args, "--out", str(out[name]), "--quiet"]) == 0
    return out


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / folder.name
    shutil.copytree(folder, target)
    return target


def test_a_single_run_is_reproduced_bit_for_bit(cli, folders) -> None:
    code, out, err = cli("rerun", folders["run"] / "manifest.json", "--quiet")
    assert code == 0, err
    assert out.startswith(f"identical: 1 run(s) of the run in {folders['run']} reproduced bit for bit (")
    manifest = json.loads((folders["run"] / "manifest.json").read_text())
    assert manifest["schedule"] == [[52, {"c177_ratified": True}]]  # the rerun applied a scheduled change


def test_a_changed_number_is_shown_with_its_metric_and_week(cli, folders, tmp_path) -> None:
    folder = _copy(folders["run"], tmp_path)
    series = storage.read_table(folder / "timeseries.parquet", "timeseries")
    series.loc[41, "coverage_rate"] = np.nextafter(series.loc[41, "coverage_rate"], 2.0)  # one ulp
    storage.write_table(folder / "timeseries.parquet", series, "timeseries")
    code, out, _ = cli("rerun", folder, "--quiet")
    assert code == 1
    assert out.splitlines()[0].startswith("DIFFERENT: 1 of 1 run(s)")
    assert "c177 + n_workers=300-seed12: first difference at week 41, coverage_rate: stored" in out  # named for its --set
    assert "value(s) of this run differ" not in out  # exactly one value


def test_a_manifest_with_another_seed_differs_from_week_0(folders, tmp_path) -> None:
    folder = _copy(folders["run"], tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["seed"] = 13
    (folder / "manifest.json").write_text(json.dumps(manifest))
    report = rerun(folder)
    assert not report.identical
    first = report.differences[0]
    assert first.week == 0 and first.count > 100


def test_changed_events_are_reported(folders, tmp_path) -> None:
    folder = _copy(folders["run"], tmp_path)
    events = storage.read_table(folder / "events.parquet", "events")
    assert len(events) >= 1
    events.loc[0, "detail"] = "something else"
    storage.write_table(folder / "events.parquet", events, "events")
    report = rerun(folder)
    assert [(d.metric, d.week) for d in report.differences] == [("events", int(events.loc[0, "week"]))]


def test_every_run_of_a_sweep_and_one_run_alone(cli, folders) -> None:
    code, out, err = cli("rerun", folders["sweep"], "--jobs", "1", "--quiet")
    assert code == 0, err
    assert out.startswith(f"identical: 8 run(s) of the sweep in {folders['sweep']} reproduced bit for bit")
    code, out, _ = cli("rerun", folders["sweep"], "--run", "c177-p1-r1", "--jobs", "1", "--quiet")
    assert code == 0 and out.startswith("identical: 1 run(s) of the sweep")


def test_a_sweep_run_that_differs_is_named(folders, tmp_path) -> None:
    folder = _copy(folders["sweep"], tmp_path)
    series = storage.read_table(folder / "timeseries.parquet", "timeseries")
    row = series.index[(series["run_id"] == "status_quo-p1-r0") & (series["week"] == 7)][0]
    series.loc[row, "piece_rate_mean"] += 1e-9
    storage.write_table(folder / "timeseries.parquet", series, "timeseries")
    report = rerun(folder)
    assert [(d.run_id, d.week, d.metric) for d in report.differences] == [("status_quo-p1-r0", 7, "piece_rate_mean")]
    assert len(report.runs) == 8


def test_a_sensitivity_analysis_is_rebuilt_from_its_design(folders) -> None:
    report = rerun(folders["sensitivity"])
    assert report.identical and len(report.runs) == 6  # 2 trajectories x (2 parameters + 1)


def test_a_manifest_edited_after_the_batch_is_refused(cli, folders, tmp_path) -> None:
    folder = _copy(folders["sweep"], tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["plan"]["weeks"] = 31
    (folder / "manifest.json").write_text(json.dumps(manifest))
    code, _, err = cli("rerun", folder, "--jobs", "1")
    line = one_line_error(code, err)
    assert code == 2 and "are not the batch the folder holds (its identity differs)" in line


def test_changed_model_code_is_noted(folders, tmp_path) -> None:
    folder = _copy(folders["run"], tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["environment"]["model_fingerprint"] = "0123456789abcdef"
    manifest["environment"]["packages"]["numpy"] = "0.0.1"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    report = rerun(folder)
    assert report.identical  # the numbers are the code's now; the notes say what changed since
    assert any("model code changed since" in n and "0123456789abcdef" in n for n in report.notes)
    assert any("numpy 0.0.1 ->" in n for n in report.notes)


def test_bad_requests_are_one_line(cli, folders) -> None:
    code, _, err = cli("rerun", folders["sweep"], "--run", "nope", "--jobs", "1")
    assert "no finished run 'nope'" in one_line_error(code, err)
    code, _, err = cli("rerun", folders["run"], "--run", "x")
    assert "holds a single run; --run picks runs of a batch" in one_line_error(code, err)
