"""The same sweep gives byte-identical result files in this process, on a local pool of 2, on a
Dask LocalCluster and on a separately started `dask scheduler` + 2 `dask worker` processes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from rumahan.experiments.storage import load_output

RESULT_FILES = ("runs.parquet", "timeseries.parquet", "events.parquet")


@pytest.fixture(scope="module")
def inline_sweep(tmp_path_factory):
    """The tiny sweep run in this process (--jobs 1): the reference."""
    from rumahan.experiments.cli import main

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
    from rumahan.experiments.compare import compare_scenarios
    from rumahan.experiments.executors import Execution

    settings = {"replicates": 2, "weeks": 20, "overrides": {"n_workers": 80}, "root_seed": 2}
    memory = compare_scenarios(["status_quo", "end_reframing"], **settings)
    saved = compare_scenarios(["status_quo", "end_reframing"], **settings, out=tmp_path / "c",
                              execution=Execution(jobs=2))
    pd.testing.assert_frame_equal(memory.runs.drop(columns="wall_time_s"), saved.runs.drop(columns="wall_time_s"))
    pd.testing.assert_frame_equal(memory.timeseries, saved.timeseries)
    pd.testing.assert_frame_equal(memory.table, saved.table)
    assert memory.folder is None and saved.folder == tmp_path / "c"


@pytest.fixture(scope="module")
def pool_sweep(tmp_path_factory, inline_sweep):
    """The tiny sweep's plan, run by ``run_batch`` on the local pool of 2 processes: the reference."""
    from rumahan.experiments.batch import run_batch
    from rumahan.experiments.executors import Execution
    from rumahan.experiments.spec import load_spec

    plan = load_spec(inline_sweep[0]).plan(kind="sweep")
    out = tmp_path_factory.mktemp("pool") / "out"
    run_batch(plan, out, Execution(jobs=2))
    return plan, out


@pytest.mark.parametrize("kind", ["threads", "processes"])
def test_any_executor_passed_in_matches_the_local_pool(tmp_path, pool_sweep, kind):
    """``run_batch`` takes any ``concurrent.futures.Executor`` (an MPI pool on a cluster): the result
    files are byte-identical to the local pool's, the manifest names the executor's class, and the
    executor is left open for whoever opened it."""
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    from rumahan.experiments.batch import run_batch
    from rumahan.experiments.executors import Execution, pool_context

    plan, reference = pool_sweep
    opened = (ThreadPoolExecutor(max_workers=2) if kind == "threads"
              else ProcessPoolExecutor(max_workers=2, mp_context=pool_context()))
    with opened as executor:
        result = run_batch(plan, tmp_path / "out", Execution(executor=executor))
        assert executor.submit(abs, -3).result() == 3  # still open
    assert result.computed == len(plan.tasks) == 16
    _same_results(reference, tmp_path / "out")
    assert _executor(tmp_path / "out") == {"kind": "executor", "class": f"{type(opened).__module__}."
                                                                        f"{type(opened).__qualname__}"}


def test_an_executor_passed_in_runs_in_memory_too_and_reports_progress_only(pool_sweep, capsys):
    """In memory, a thread pool gives the local pool's numbers; ``progress`` hears (done, total)
    once before any run and after each one, and the library prints nothing (plan lines are the CLI's)."""
    from concurrent.futures import ThreadPoolExecutor

    from rumahan.experiments.batch import run_batch
    from rumahan.experiments.executors import Execution

    plan, reference = pool_sweep
    heard: list[tuple[int, int]] = []
    with ThreadPoolExecutor(max_workers=2) as executor:
        result = run_batch(plan, None, Execution(executor=executor, progress=lambda d, t: heard.append((d, t))))
    stored = load_output(reference)
    pd.testing.assert_frame_equal(result.runs.drop(columns="wall_time_s"), stored.runs.drop(columns="wall_time_s"))
    pd.testing.assert_frame_equal(result.timeseries, stored.timeseries)
    assert heard == [(done, 16) for done in range(17)]
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("settings,message", [
    ({"jobs": 0}, "jobs = 0 is not a whole number >= 1"),
    ({"jobs": 2.5}, "jobs = 2.5 is not a whole number >= 1"),
    ({"scheduler": "127.0.0.1 8786"}, "scheduler address '127.0.0.1 8786' is not of the form tcp://HOST:PORT"),
    ({"connect_timeout": 0}, "connect_timeout = 0 is not a number of seconds > 0"),
    ({"connect_timeout": float("nan")}, "connect_timeout = nan is not a number of seconds > 0"),
    ({"executor": "pool"}, "executor = 'pool' is not a concurrent.futures.Executor"),
    ({"scheduler": "tcp://127.0.0.1:8786", "executor": "threads"}, "an executor or a Dask scheduler address, not both"),
    ({"progress": 3}, "progress = 3 is not a function of (done, total)"),
])
def test_an_execution_refuses_what_it_cannot_run_with(settings, message):
    from concurrent.futures import ThreadPoolExecutor

    from rumahan.experiments.executors import Execution
    from rumahan.model.errors import RumahanInputError

    if settings.get("executor") == "threads":
        settings = {**settings, "executor": ThreadPoolExecutor(max_workers=1)}
    with pytest.raises(RumahanInputError) as info:
        Execution(**settings)
    assert message in str(info.value)


def test_the_cli_announces_a_batch_once_its_folder_is_accepted(cli, tmp_path, inline_sweep):
    spec, _ = inline_sweep
    code, _, err = cli("sweep", spec, "--out", tmp_path / "o", "--jobs", 1, "--no-report")
    assert code == 0, err
    assert err.splitlines()[0] == ("sweep tiny: 16 runs (2 scenario(s) x 4 point(s) x 2 replicate(s)), "
                                   "30 weeks each")
    code, _, err = cli("sweep", spec, "--out", tmp_path / "o", "--jobs", 1, "--no-report")
    assert code == 0 and err.splitlines()[0].endswith("30 weeks each (all done already)"), err
