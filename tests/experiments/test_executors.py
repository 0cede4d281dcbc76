"""The same sweep gives byte-identical result files in this process, on a local pool of 2, on a
Dask LocalCluster and on a separately started `dask scheduler` + 2 `dask worker` processes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from experiments.storage import load_output

RESULT_FILES = ("runs.parquet", "timeseries.parquet", "events.parquet")


@pytest.fixture(scope="module")
def inline_sweep(tmp_path_factory):
    """The tiny sweep run in this process (--jobs 1): the reference."""
    from experiments.cli import main

    base = tmp_path_factory.mktemp("inline")
    spec = base / "tiny.toml"
    spec.write_text('[sweep]\nscenarios = ["status_quo", "no_network"]\nreplicates = 2\nweeks = 30\nseed = 5\n\n'
                    "[parameters]\nn_workers = 100\n\n[grid]\nframing_intensity = [0.0, 0.7]\ntokenism = [0.1, 0.8]\n")
    assert main(["sweep", str(spec), "--out", str(base / "out"), "--jobs", "1", "--quiet", "--no-report"]) == 0
    return spec, base / "out"


def _same_results(a, b):
    for name in RESULT_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    runs_a, runs_b = load_output(a).runs, load_output(b).runs
    pd.testing.assert_frame_equal(runs_a.drop(columns="wall_time_s"), runs_b.drop(columns="wall_time_s"))


def _executor(folder):
    return json.loads((folder / "manifest.json").read_text())["sessions"][-1]["executor"]


def test_local_pool_of_two_matches_in_process(cli, tmp_path, inline_sweep):
    spec, reference = inline_sweep
    assert cli("sweep", spec, "--out", tmp_path / "pool", "--jobs", 2, "--quiet", "--no-report")[0] == 0
    _same_results(reference, tmp_path / "pool")
    assert _executor(tmp_path / "pool")["kind"] == "process-pool" and _executor(reference)["kind"] == "inline"
    hosts = {r["pid"] for r in json.loads((tmp_path / "pool" / "manifest.json").read_text())["runs"]}
    assert len(hosts) == 2  # both workers ran runs


@pytest.mark.slow
def test_dask_local_cluster_matches_in_process(cli, tmp_path, inline_sweep, dask_local_cluster):
    spec, reference = inline_sweep
    code, _, err = cli("sweep", spec, "--out", tmp_path / "dask", "--scheduler", dask_local_cluster, "--quiet",
                       "--no-report")
    assert code == 0, err
    _same_results(reference, tmp_path / "dask")
    executor = _executor(tmp_path / "dask")
    assert executor["kind"] == "dask" and executor["workers"] == 2


@pytest.mark.slow
def test_external_dask_scheduler_and_workers_match_in_process(cli, tmp_path, inline_sweep, external_dask):
    spec, reference = inline_sweep
    code, _, err = cli("sweep", spec, "--out", tmp_path / "ext", "--scheduler", external_dask, "--quiet", "--no-report")
    assert code == 0, err
    _same_results(reference, tmp_path / "ext")
    assert _executor(tmp_path / "ext")["scheduler"] == external_dask


def test_comparison_in_memory_matches_the_saved_one(tmp_path):
    from experiments.compare import compare_scenarios

    settings = {"replicates": 2, "weeks": 20, "overrides": {"n_workers": 80}, "root_seed": 2}
    memory = compare_scenarios(["status_quo", "end_reframing"], **settings)
    saved = compare_scenarios(["status_quo", "end_reframing"], **settings, out=tmp_path / "c", jobs=2)
    pd.testing.assert_frame_equal(memory.runs.drop(columns="wall_time_s"), saved.runs.drop(columns="wall_time_s"))
    pd.testing.assert_frame_equal(memory.timeseries, saved.timeseries)
    pd.testing.assert_frame_equal(memory.table, saved.table)
    assert memory.folder is None and saved.folder == tmp_path / "c"
