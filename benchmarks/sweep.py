"""Sweep throughput: the same batch of small runs in a plain loop, on the local process pool and on
a Dask ``LocalCluster``, in runs per second.

Each run is one task of the experiments engine, ``experiments.worker.simulate(RunTask)`` (a
``run_simulation`` call plus its packaging), with default parameters except ``n_workers`` and
``weeks``, and its own seed. The configurations:

- ``loop``: the tasks one after another in one process (what ``--jobs 1`` does), timed inside a
  fresh worker process of the same kind as the pool's: the benchmark's own process hosts the Dask
  scheduler's thread and a large heap, which would slow a loop there and flatter the executors;
- ``pool x1`` / ``pool x2``: a local process pool of 1 or 2 workers (``experiments.executors``:
  ``open_executor(jobs=2)``, and for one worker a ``ProcessPoolExecutor`` built the same way);
- ``dask x1`` / ``dask x2``: a ``distributed.LocalCluster`` of 1 or 2 single-threaded worker
  processes on 127.0.0.1, driven through ``open_executor(scheduler=...)``.

Every executor is started (``startup_s``) and warmed up with one task per worker before any batch
is timed; then the batch is timed ``reps`` times, the configurations taking turns so that a
change in the machine's load hits all of them alike. A batch's time runs from the first
submission to the last result. Reported per configuration: median runs/s. Derived:

- speed-up of 2 jobs = runs/s of ``pool x2`` / runs/s of ``loop`` (also against ``pool x1``), and
  scaling efficiency = speed-up / 2;
- per-run overhead of an executor = its seconds per run with one worker over the loop's, minus 1
  (``pool x1`` and ``dask x1`` against ``loop``): what sending the task and its results costs.

If ``experiments.executors`` / ``experiments.worker`` cannot be imported (an older checkout), the
same is measured with ``experiments.runner.run_simulation`` on a plain ``ProcessPoolExecutor`` and a
Dask client's executor.
"""

from __future__ import annotations

import concurrent.futures as cf
import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

CONFIGS = ("loop", "pool x1", "pool x2", "dask x1", "dask x2")


def _engine() -> tuple[Callable[[Any], Any], Callable[[int, int, int, int], Any], str]:
    """(task function, task factory, description) from the experiments package."""
    try:
        from rumahan.experiments.worker import RunTask, simulate

        def make(i: int, seed: int, n: int, weeks: int) -> Any:
            return RunTask(index=i, run_id=f"bench-p0-r{i}", scenario="bench", point=0, replicate=i,
                           seed=seed, weeks=weeks, params={"n_workers": n})

        return simulate, make, "rumahan.experiments.worker.simulate(RunTask)"
    except ImportError:

        def make_plain(i: int, seed: int, n: int, weeks: int) -> Any:
            return {"params": {"n_workers": n}, "seed": seed, "weeks": weeks}

        return _run_plain, make_plain, "rumahan.experiments.runner.run_simulation"


def _run_plain(task: dict[str, Any]) -> Any:
    from rumahan.experiments.runner import run_simulation

    return run_simulation(task["params"], seed=task["seed"], weeks=task["weeks"]).summary


def _check(result: Any) -> None:
    error = getattr(result, "error", None)
    if error:
        raise RuntimeError(f"a benchmark run failed: {error}")


def _loop(fn: Callable[[Any], Any], tasks: list[Any]) -> float:
    """Run ``tasks`` one after another here; seconds from the first to the last."""
    start = time.perf_counter()
    for task in tasks:
        _check(fn(task))
    return time.perf_counter() - start


@contextmanager
def _pool(jobs: int) -> Iterator[cf.Executor]:
    try:
        from rumahan.experiments import worker
        from rumahan.experiments.executors import open_executor, pool_context
    except ImportError:
        with cf.ProcessPoolExecutor(max_workers=jobs) as pool:
            yield pool
        return
    if jobs == 1:
        with cf.ProcessPoolExecutor(max_workers=1, mp_context=pool_context(), initializer=worker.warm_up) as pool:
            yield pool
    else:
        with open_executor(jobs=jobs) as handle:
            yield handle.executor


@contextmanager
def _dask(workers: int) -> Iterator[cf.Executor]:
    from distributed import Client, LocalCluster

    with warnings.catch_warnings():
        # Without a dashboard the scheduler still serves /health on 8787 or, if taken, another port.
        warnings.filterwarnings("ignore", message="Port .* is already in use")
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None)
    with cluster:
        try:
            from rumahan.experiments.executors import open_executor
        except ImportError:
            with Client(cluster) as client:
                executor = client.get_executor(pure=False)
                yield executor
            return
        with open_executor(scheduler=cluster.scheduler_address) as handle:
            yield handle.executor


def _batch(executor: cf.Executor, fn: Callable[[Any], Any], tasks: list[Any]) -> float:
    start = time.perf_counter()
    futures = [executor.submit(fn, task) for task in tasks]
    for future in cf.as_completed(futures):
        _check(future.result())
    return time.perf_counter() - start


def measure_sweep(
    runs: int = 200,
    n_workers: int = 2000,
    weeks: int = 52,
    reps: int = 3,
    configs: tuple[str, ...] = CONFIGS,
    seed: int = 20240,
) -> dict[str, Any]:
    """Time the batch under each configuration (module docstring); returns a dict for the JSON."""
    fn, make, engine = _engine()
    seeds = [seed + i for i in range(runs)]
    tasks = [make(i, s, n_workers, weeks) for i, s in enumerate(seeds)]
    warm = [make(runs + i, seed + runs + i, n_workers, weeks) for i in range(2)]
    openers: dict[str, Callable[[], Any]] = {
        "loop": lambda: _pool(1),
        "pool x1": lambda: _pool(1),
        "pool x2": lambda: _pool(2),
        "dask x1": lambda: _dask(1),
        "dask x2": lambda: _dask(2),
    }
    workers = {"loop": 1, "pool x1": 1, "pool x2": 2, "dask x1": 1, "dask x2": 2}
    times: dict[str, list[float]] = {c: [] for c in configs}
    startup: dict[str, float] = {}
    with ExitStack() as stack:
        executors: dict[str, cf.Executor] = {}
        for name in configs:
            start = time.perf_counter()
            executors[name] = stack.enter_context(openers[name]())
            startup[name] = time.perf_counter() - start
            _batch(executors[name], fn, warm[: workers[name]])
        for _ in range(reps):
            for name in configs:
                if name == "loop":  # one task that loops over the batch in a fresh worker process
                    times[name].append(executors[name].submit(_loop, fn, tasks).result())
                else:
                    times[name].append(_batch(executors[name], fn, tasks))
    runs_per_s = {name: runs / statistics.median(t) for name, t in times.items()}
    out: dict[str, Any] = {
        "engine": engine,
        "runs": runs,
        "n_workers": n_workers,
        "weeks": weeks,
        "reps": reps,
        "batch_s": times,
        "startup_s": startup,
        "runs_per_s": runs_per_s,
    }
    loop = runs_per_s.get("loop")
    if loop and "pool x2" in runs_per_s:
        out["speedup_2_jobs"] = runs_per_s["pool x2"] / loop
        out["efficiency_2_jobs"] = out["speedup_2_jobs"] / 2
    if "pool x1" in runs_per_s and "pool x2" in runs_per_s:
        out["speedup_2_vs_1_process"] = runs_per_s["pool x2"] / runs_per_s["pool x1"]
    if loop and "dask x2" in runs_per_s:
        out["dask_speedup_2_workers"] = runs_per_s["dask x2"] / loop
        out["dask_efficiency_2_workers"] = out["dask_speedup_2_workers"] / 2
    if loop:
        for name, key in (("pool x1", "pool_overhead"), ("dask x1", "dask_overhead")):
            if name in runs_per_s:
                out[key] = loop / runs_per_s[name] - 1.0
                out[key + "_ms_per_run"] = 1000.0 * (1.0 / runs_per_s[name] - 1.0 / loop)
        out["loop_s_per_run"] = 1.0 / loop
    return out
