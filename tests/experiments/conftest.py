"""Fixtures for the experiments tests: tiny sizes, the CLI in-process, Dask clusters on loopback."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: Small enough that a run takes well under a second.
TINY = {"n_workers": 100}
TINY_WEEKS = 30


@pytest.fixture
def cli(capsys):
    """Run ``rumahan ARGS`` in this process; returns (exit code, stdout, stderr)."""
    from rumahan.experiments.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def tiny_spec(tmp_path: Path) -> Path:
    """A sweep spec of 2 scenarios x (2 x 2 grid) x 2 replicates = 16 tiny runs."""
    path = tmp_path / "tiny.toml"
    path.write_text(
        "[sweep]\n"
        'name = "tiny"\n'
        'scenarios = ["status_quo", "no_network"]\n'
        "replicates = 2\n"
        f"weeks = {TINY_WEEKS}\n"
        "seed = 5\n\n"
        "[parameters]\n"
        "n_workers = 100\n\n"
        "[grid]\n"
        "framing_intensity = [0.0, 0.7]\n"
        "tokenism = [0.1, 0.8]\n"
    )
    return path


#: A toy calibration: one parameter that the health target pins down, tiny runs.
TOY_TARGETS = """
[[target]]
name = "health"
metric = "health_burden_share"
window = [-10, 0]
statistic = "mean"
range = [0.3, 0.4]
tolerance = 0.05
source = "test: a toy band"

[[target]]
name = "rate"
metric = "piece_rate_mean"
window = [0, 20]
statistic = "mean"
range = [275.0, 300.0]
tolerance = 15.0
source = "brief SF2"
"""
TOY_ARGS = ["--parameters", "health_strain", "--range", "health_strain=0.0:0.05", "--set", "n_workers=60",
            "--weeks", "40", "--population", "8", "--generations", "2", "--seed", "5", "--jobs", "1"]


def toy_targets_file(folder: Path) -> Path:
    path = folder / "toy_targets.toml"
    path.write_text(TOY_TARGETS)
    return path


@pytest.fixture(scope="session")
def toy_calibration(tmp_path_factory) -> Path:
    """A toy calibration (``TOY_ARGS``, 8 particles, 2 generations) run in this process through
    the CLI: the folder ``rumahan calibrate`` wrote. Skipped without pyabc."""
    pytest.importorskip("pyabc")
    from rumahan.experiments.cli import main

    folder = tmp_path_factory.mktemp("calibration")
    out = folder / "cal"
    assert main(["calibrate", "--targets", str(toy_targets_file(folder)), *TOY_ARGS, "--out", str(out), "--quiet"]) == 0
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def dask_local_cluster() -> Iterator[str]:
    """A Dask LocalCluster of 2 worker processes on 127.0.0.1; yields its scheduler address."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:  # any free port: 8787 may be taken
        yield cluster.scheduler_address


def _stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM the process by its PID, SIGKILL if it has not exited after ``timeout`` s."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=timeout)


@pytest.fixture
def external_dask(tmp_path: Path) -> Iterator[str]:
    """A separate ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, stopped by PID
    (workers first, then the scheduler); yields the scheduler address."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs: list[subprocess.Popen] = []
    logs = []
    try:
        log = open(tmp_path / "scheduler.log", "wb")  # noqa: SIM115 - closed in finally
        logs.append(log)
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--no-dashboard"], stdout=log, stderr=subprocess.STDOUT, env=env,
        ))
        for i in (1, 2):
            log = open(tmp_path / f"worker{i}.log", "wb")  # noqa: SIM115 - closed in finally
            logs.append(log)
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", address, "--host", "127.0.0.1",
                 "--nthreads", "1", "--nworkers", "1", "--no-dashboard", "--name", f"w{i}",
                 "--local-directory", str(tmp_path / f"wd{i}")], stdout=log, stderr=subprocess.STDOUT, env=env,
            ))
        from distributed import Client

        deadline = time.monotonic() + 90
        while True:  # wait until both workers have joined
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(2, timeout=max(1.0, deadline - time.monotonic()))
                    break
            except OSError:
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for proc in reversed(procs):  # workers before the scheduler
            _stop(proc)
        for log in logs:
            log.close()
        shutil.rmtree(tmp_path / "wd1", ignore_errors=True)
        shutil.rmtree(tmp_path / "wd2", ignore_errors=True)
