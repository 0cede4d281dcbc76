"""Where runs execute: in this process, on a local process pool, on a Dask distributed cluster, or
on any ``concurrent.futures.Executor`` the caller opened (an MPI pool on a cluster).

``Execution`` is the one options value every runner takes (``run_batch`` and the sweep, comparison,
sensitivity, robustness and rerun functions built on it): where the runs execute and who hears of
their progress. All executors are ``concurrent.futures.Executor``s, so a batch is driven the same
way whatever runs it (``Execution.open``, ``open_executor``):

- ``jobs=1`` and no scheduler: runs one after another in this process (no start-up cost);
- ``jobs=J > 1``: a pool of J worker processes that stay up for the whole batch. Mesa sets the
  ``spawn`` start method, with which every worker would import Mesa, pandas and scipy afresh
  (4-6 s each on a busy 2-core machine). Where available we use ``forkserver`` instead, preloading
  ``experiments.worker`` once in the fork server: workers are forked from it ready to run, and later
  pools in the same process (the dashboard) start at once. Forking from the single-threaded fork
  server is safe where forking a threaded parent is not. Elsewhere (Windows) workers are spawned
  and import only ``experiments.worker``;
- ``scheduler="tcp://HOST:PORT"``: a running Dask scheduler (``dask scheduler``) and its workers
  (``dask worker tcp://HOST:PORT``), through ``distributed.Client.get_executor``. Workers need
  only the installed ``rumahan`` package;
- ``executor=``: an executor opened by the caller, e.g. ``mpi4py.futures.MPIPoolExecutor`` (its
  workers need the installed ``rumahan`` package too). Every run is submitted at once and the
  executor queues them; it is left open for the caller to shut down.

Results do not depend on the executor: every run's seed is fixed before it is submitted.
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import multiprocessing
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from rumahan.experiments import worker
from rumahan.model.errors import RumahanInputError, RumahanRunError

#: Seconds to wait for a Dask scheduler to answer before giving up.
CONNECT_TIMEOUT_S = 10.0
#: Seconds to wait for a reachable scheduler to have at least one worker.
WORKER_TIMEOUT_S = 60.0
SCHEDULER_ADDRESS = re.compile(r"^(tcp|tls|ucx|inproc)://[^\s/]+(:\d+)?/?$")

#: ``progress(done, total)``: how many of a batch's runs (or a single run's weeks) are done.
Progress = Callable[[int, int], None]


class ExecutorError(RumahanRunError):
    """An executor that cannot be started or reached (one-line message)."""


class InlineExecutor(cf.Executor):
    """Runs each task in this process at submission: the ``jobs=1`` executor."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            future.set_exception(exc)
        return future


@dataclass
class ExecutorHandle:
    """An open executor.

    Attributes:
        executor: submit ``worker.simulate`` tasks to it.
        slots: how many tasks to keep in flight (enough to keep every worker busy, no more, so a
            crash loses few runs and memory stays flat).
        description: what it is, for the manifest (kind, jobs or scheduler address and workers,
            and the workers' package versions for a cluster).
    """

    executor: cf.Executor
    slots: int
    description: dict[str, Any] = field(default_factory=dict)


def check_scheduler_address(address: str) -> str:
    """Return ``address`` if it looks like ``tcp://HOST:PORT``; raise ``RumahanInputError`` otherwise."""
    if not isinstance(address, str) or not SCHEDULER_ADDRESS.match(address.strip()):
        raise RumahanInputError(
            f"scheduler address {address!r} is not of the form tcp://HOST:PORT (as printed by `dask scheduler`)"
        )
    return address.strip()


def pool_context() -> multiprocessing.context.BaseContext:
    """``forkserver`` preloading ``experiments.worker`` where the platform has it, else ``spawn``."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([worker.__name__])
        return context
    return multiprocessing.get_context("spawn")


def _worker_versions() -> dict[str, str | None]:
    """Runs on each Dask worker: versions that decide whether its results match this machine's."""
    from rumahan.experiments.provenance import model_fingerprint, package_versions

    return {**package_versions(("rumahan", "mesa", "numpy", "scipy", "pandas")), "model": model_fingerprint()}


@contextmanager
def open_executor(
    jobs: int = 1,
    scheduler: str | None = None,
    connect_timeout: float = CONNECT_TIMEOUT_S,
    worker_timeout: float = WORKER_TIMEOUT_S,
) -> Iterator[ExecutorHandle]:
    """Open the executor for ``jobs`` local processes or the Dask ``scheduler`` at that address.

    Raises ``ExecutorError`` within ``connect_timeout`` seconds if the scheduler cannot be
    reached, and within ``worker_timeout`` seconds if it has no workers.
    """
    if scheduler:
        with _dask_executor(check_scheduler_address(scheduler), connect_timeout, worker_timeout) as handle:
            yield handle
        return
    _check_jobs(jobs)
    if jobs == 1:
        yield ExecutorHandle(InlineExecutor(), 1, {"kind": "inline", "jobs": 1})
        return
    context = pool_context()
    pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=worker.warm_up)
    try:
        yield ExecutorHandle(pool, 2 * jobs, {"kind": "process-pool", "jobs": jobs,
                                               "start_method": context.get_start_method()})
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _check_jobs(jobs: object) -> int:
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise RumahanInputError(f"jobs = {jobs!r} is not a whole number >= 1")
    return jobs


@dataclass(frozen=True)
class Execution:
    """Where a batch's runs execute, and who hears of their progress: the options every runner takes.

    Attributes:
        jobs: local worker processes (1 runs everything in this process); not used with
            ``scheduler`` or ``executor``.
        scheduler: address of a Dask scheduler (``tcp://HOST:PORT``) whose workers run the runs.
        connect_timeout: seconds to wait for that scheduler to answer.
        executor: any ``concurrent.futures.Executor`` the caller opened (an MPI pool on a cluster,
            a ``ThreadPoolExecutor``); every run is submitted to it at once, and it is left open.
        progress: ``progress(done, total)``: for a batch, runs, called once before any run
            (``done`` counts the runs a resumed folder already holds) and then as each finishes;
            for a single run (``rerun`` of a run folder), weeks.
        command: the command line that started the batch, recorded in its folder's manifest so
            that a refusal can say how to resume it.

    Raises:
        RumahanInputError: a value the runs cannot execute with (its name, the value and what is
            accepted).
    """

    jobs: int = 1
    scheduler: str | None = None
    connect_timeout: float = CONNECT_TIMEOUT_S
    executor: cf.Executor | None = None
    progress: Progress | None = None
    command: str | None = None

    def __post_init__(self) -> None:
        _check_jobs(self.jobs)
        if self.scheduler is not None:
            object.__setattr__(self, "scheduler", check_scheduler_address(self.scheduler))
        timeout = self.connect_timeout
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not (math.isfinite(timeout)
                                                                                      and timeout > 0):
            raise RumahanInputError(f"connect_timeout = {timeout!r} is not a number of seconds > 0")
        if self.executor is not None and not isinstance(self.executor, cf.Executor):
            raise RumahanInputError(f"executor = {self.executor!r:.60} is not a concurrent.futures.Executor")
        if self.executor is not None and self.scheduler is not None:
            raise RumahanInputError("give an executor or a Dask scheduler address, not both")
        if self.progress is not None and not callable(self.progress):
            raise RumahanInputError(f"progress = {self.progress!r:.60} is not a function of (done, total)")

    @property
    def local_processes(self) -> int | None:
        """How many runs execute side by side on this machine (``jobs``), or ``None`` when they
        execute elsewhere (a scheduler's or an executor's workers)."""
        return None if self.scheduler is not None or self.executor is not None else self.jobs

    def report(self, done: int, total: int) -> None:
        """Tell ``progress`` (if any) that ``done`` of ``total`` are done."""
        if self.progress is not None:
            self.progress(done, total)

    @contextmanager
    def open(self) -> Iterator[ExecutorHandle]:
        """The executor: the caller's (left open), the Dask scheduler's or ``jobs`` local ones
        (``open_executor``)."""
        if self.executor is not None:
            kind = type(self.executor)
            yield ExecutorHandle(self.executor, sys.maxsize,
                                 {"kind": "executor", "class": f"{kind.__module__}.{kind.__qualname__}"})
            return
        with open_executor(self.jobs, self.scheduler, self.connect_timeout) as handle:
            yield handle


@contextmanager
def _dask_executor(address: str, connect_timeout: float, worker_timeout: float) -> Iterator[ExecutorHandle]:
    from distributed import Client

    try:
        client = Client(address, timeout=f"{connect_timeout}s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ExecutorError(
            f"cannot reach the Dask scheduler at {address} within {connect_timeout:g} s ({_first_line(exc)}); "
            "start one with `dask scheduler`, or leave out --scheduler to use the local process pool"
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=worker_timeout)
        except (TimeoutError, OSError):
            raise ExecutorError(
                f"the Dask scheduler at {address} has no workers after {worker_timeout:g} s; "
                f"start some with `dask worker {address}`"
            ) from None
        threads = sum(client.nthreads().values())
        versions = client.run(_worker_versions)
        mine = _worker_versions()
        differ = sorted({k for v in versions.values() for k in mine if v.get(k) != mine[k]})
        if differ:
            raise ExecutorError(
                f"the Dask workers at {address} run different versions ({', '.join(differ)}) than this machine, "
                "so their results would differ; install the same rumahan and libraries on the workers"
            )
        executor = client.get_executor(pure=False)
        description = {
            "kind": "dask", "scheduler": address, "workers": len(versions), "threads": threads,
            "worker_versions": sorted({tuple(sorted(v.items())) for v in versions.values()}),
        }
        description["worker_versions"] = [dict(v) for v in description["worker_versions"]]
        try:
            yield ExecutorHandle(executor, max(2, 2 * threads), description)
        finally:
            executor.shutdown(wait=False)
    finally:
        client.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
