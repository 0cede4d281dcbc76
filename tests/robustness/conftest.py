"""Fixtures for the robustness tests: the CLI in this process, small sweeps, and processes started
by PID (sweeps to kill, a Dask scheduler and workers), each stopped at the end."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(capsys):
    """Run ``rumahan ARGS`` in this process; returns (exit code, stdout, stderr). Usage errors
    (argparse's ``SystemExit``) come back as their exit code too."""
    from rumahan.experiments.cli import main

    def run(*args: object) -> tuple[int, str, str]:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def one_line_error(code: int, err: str) -> str:
    """The error line of a refused command: a non-zero exit, exactly one line on stderr, no traceback."""
    assert code != 0, f"exit code 0; stderr: {err!r}"
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "unexpected error" not in err, err
    return lines[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM ``proc`` by its PID, SIGKILL after ``timeout`` s; always reaped."""
    if proc.poll() is None:
        try:
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=timeout)
        except ProcessLookupError:
            pass
    proc.wait(timeout=timeout)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL ``proc``'s whole process group (started with ``start_new_session=True``): a crash
    with no chance to clean up, pool workers and the fork server included."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


class DaskCluster:
    """A ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1, each started and stopped by PID."""

    def __init__(self, folder: Path, workers: int = 2) -> None:
        self.folder = folder
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.procs: list[subprocess.Popen] = []
        self.logs = []
        self.n_workers = workers

    def _start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        self.logs.append(log)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen([sys.executable, "-m", *args], stdout=log, stderr=subprocess.STDOUT, env=env,
                                cwd=self.folder)
        self.procs.append(proc)
        return proc

    def start(self) -> DaskCluster:
        self._start("scheduler", ["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                  "--no-dashboard"])
        for i in range(1, self.n_workers + 1):
            self._start(f"worker{i}", ["distributed.cli.dask_worker", self.address, "--host", "127.0.0.1",
                                       "--nthreads", "1", "--nworkers", "1", "--no-dashboard", "--name", f"w{i}",
                                       "--local-directory", str(self.folder / f"wd{i}")])
        self.wait_for_workers(self.n_workers)
        return self

    def wait_for_workers(self, n: int, timeout: float = 90.0) -> None:
        from distributed import Client

        deadline = time.monotonic() + timeout
        while True:
            try:
                with Client(self.address, timeout="5s") as client:
                    client.wait_for_workers(n, timeout=max(1.0, deadline - time.monotonic()))
                    return
            except OSError:
                if time.monotonic() > deadline or any(p.poll() is not None for p in self.procs):
                    raise
                time.sleep(0.5)

    def stop(self) -> None:
        for proc in reversed(self.procs):  # workers (nannies) before the scheduler
            stop(proc)
        for log in self.logs:
            log.close()


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[DaskCluster]:
    """An external Dask scheduler with two single-threaded workers (a nanny each), stopped by PID."""
    cluster = DaskCluster(tmp_path)
    try:
        yield cluster.start()
    finally:
        cluster.stop()
