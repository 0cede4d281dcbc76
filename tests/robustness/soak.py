"""Soak: a long sweep on one local process pool, with the resident memory (RSS) of the parent, the
fork server and every pool worker sampled as the runs go by. Mesa 3.3.1 keeps a reference to every
model it ever built (``mesa.Agent._ids``); ``PuttingOutModel.release`` and the runner's collection
of released models are what keep a long sweep's memory flat. ``--leak-check`` also measures, in one
process, what a run costs in memory with and without ``release``.

    python tests/robustness/soak.py --runs 600 --workers 2000 --weeks 52 --jobs 2 --leak-check

prints the figures reported in docs/robustness.md. The reduced soak in the test suite
(test_soak.py) calls ``soak`` with about 150 small runs.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


@dataclass
class Sample:
    """One look at the process tree: seconds since start, runs saved, RSS in MB by role."""

    t: float
    done: int
    parent: float
    forkserver: float
    workers: dict[int, float]


@dataclass
class SoakResult:
    runs: int
    n_workers: int
    weeks: int
    jobs: int
    wall_s: float
    samples: list[Sample] = field(default_factory=list)

    def series(self, role: str) -> list[tuple[int, float]]:
        """(runs saved, RSS MB) of the parent, the fork server, or the mean pool worker."""
        out = []
        for s in self.samples:
            if role == "workers":
                if s.workers:
                    out.append((s.done, sum(s.workers.values()) / len(s.workers)))
            else:
                out.append((s.done, getattr(s, role)))
        return out

    def at(self, role: str, share: float) -> float:
        """RSS (MB) of ``role`` when ``share`` of the runs were saved (first sample at or after)."""
        points = [(d, v) for d, v in self.series(role) if v > 0]
        target = share * self.runs
        return next((v for d, v in points if d >= target), points[-1][1])

    def peak(self, role: str) -> float:
        return max((v for _, v in self.series(role)), default=0.0)

    def table(self) -> str:
        lines = ["| process | RSS (MB) at 10 % of runs saved | at 50 % | at 90 % | peak (incl. consolidation) "
                 "| growth from 10 % to 90 % |", "|---|---:|---:|---:|---:|---:|"]
        for role, label in (("parent", "parent (`rumahan sweep`)"), ("forkserver", "fork server"),
                            ("workers", f"pool worker (mean of {self.jobs})")):
            a, b, c = self.at(role, 0.1), self.at(role, 0.5), self.at(role, 0.9)
            lines.append(f"| {label} | {a:.0f} | {b:.0f} | {c:.0f} | {self.peak(role):.0f} | {c - a:+.1f} MB |")
        return "\n".join(lines)

    def growth(self, role: str) -> float:
        """MB ``role`` grew between 10 % and 90 % of the runs saved."""
        return self.at(role, 0.9) - self.at(role, 0.1)


def _rss(proc: psutil.Process) -> float:
    try:
        return proc.memory_info().rss / MB
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0.0


def _look(parent: psutil.Process, t: float, done: int) -> Sample:
    forkserver, workers = 0.0, {}
    try:
        children = parent.children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    for child in children:
        try:
            cmdline = " ".join(child.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if "forkserver" in cmdline and child.ppid() == parent.pid:
            forkserver = _rss(child)
        elif "resource_tracker" not in cmdline:
            workers[child.pid] = _rss(child)
    return Sample(t, done, _rss(parent), forkserver, workers)


def soak(runs: int, n_workers: int, weeks: int, jobs: int = 2, interval: float = 0.25,
         folder: Path | None = None) -> SoakResult:
    """Run a sweep of ``runs`` runs (one scenario, a Latin-hypercube sample of ``runs`` points) on a
    pool of ``jobs`` processes, sampling the RSS of its process tree every ``interval`` seconds."""
    from rumahan.experiments.storage import finished_parts

    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        base = Path(scratch)
        spec = base / "soak.toml"
        spec.write_text(f'[sweep]\nname = "soak"\nscenarios = ["status_quo"]\nreplicates = 1\nweeks = {weeks}\n'
                        f"seed = 3\ntimeseries = false\n[parameters]\nn_workers = {n_workers}\n"
                        f'[sample]\nsize = {runs}\nparameters = ["principal_price", "relocation_cost", '
                        f'"threshold_mean"]\n')
        out = base / "out"
        command = [sys.executable, "-m", "rumahan.experiments", "sweep", str(spec), "--out", str(out), "--jobs", str(jobs),
                   "--quiet", "--no-report"]
        started = time.monotonic()
        proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        result = SoakResult(runs, n_workers, weeks, jobs, 0.0)
        try:
            watched = psutil.Process(proc.pid)
            done = 0
            while proc.poll() is None:
                if (out / "parts").is_dir():  # parts/ goes when the runs are consolidated: keep the count
                    done = max(done, len(finished_parts(out)))
                sample = _look(watched, time.monotonic() - started, done)
                if sample.parent:
                    result.samples.append(sample)
                time.sleep(interval)
            if proc.returncode != 0:
                raise RuntimeError(f"the soak sweep failed: {proc.stderr.read().decode()[-2000:]}")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stderr.close()
        result.wall_s = time.monotonic() - started
    return result


def leak_check(runs: int, n_workers: int, weeks: int) -> dict[str, float]:
    """Run ``runs`` runs in this process with ``PuttingOutModel.release`` and then without it: the
    models still alive afterwards (after a full collection), the RSS growth per 100 runs, and the
    memory still held by Python and numpy objects per 100 runs (``tracemalloc``, MB: unlike RSS, it
    does not depend on whether the allocator hands freed pages back)."""
    import tracemalloc

    from rumahan.experiments.runner import run_simulation
    from rumahan.model.model import PuttingOutModel

    def alive() -> int:
        gc.collect()
        return sum(isinstance(o, PuttingOutModel) for o in gc.get_objects())

    me = psutil.Process()
    for _ in range(10):  # warm up caches, imports and the allocator
        run_simulation({"n_workers": n_workers}, seed=1, weeks=weeks)
    out: dict[str, float] = {}
    for label in ("with release", "without release"):
        original = PuttingOutModel.release
        if label == "without release":
            PuttingOutModel.release = lambda self: None  # what Mesa 3.3.1 does on its own
        tracemalloc.start()
        try:
            before_models, before, held_before = alive(), _rss(me), tracemalloc.get_traced_memory()[0]
            for seed in range(runs):
                run_simulation({"n_workers": n_workers}, seed=seed, weeks=weeks)
            out[f"models alive {label}"] = alive() - before_models
            out[label] = (_rss(me) - before) * 100 / runs
            out[f"held {label}"] = (tracemalloc.get_traced_memory()[0] - held_before) / 1e6 * 100 / runs
        finally:
            tracemalloc.stop()
            PuttingOutModel.release = original
    import mesa

    out["mesa"] = mesa.__version__
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2000, help="home workers per run")
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--leak-check", action="store_true", help="also measure runs with and without release()")
    args = parser.parse_args(argv)
    result = soak(args.runs, args.workers, args.weeks, args.jobs, interval=0.5)
    print(f"soak: {args.runs} runs of {args.workers:,} workers x {args.weeks} weeks on a pool of {args.jobs}, "
          f"{result.wall_s:.0f} s, {len(result.samples)} samples")
    print(result.table())
    if args.leak_check:
        figures = leak_check(100, args.workers, 10)
        print(f"\nin one process (Mesa {figures['mesa']}), 100 runs of {args.workers:,} workers x 10 weeks: with release() "
              f"{figures['models alive with release']:.0f} models stay alive, RSS {figures['with release']:+.1f} MB per 100 runs "
              f"(held by objects {figures['held with release']:+.1f} MB); without it "
              f"{figures['models alive without release']:.0f} stay alive, RSS {figures['without release']:+.1f} MB "
              f"(held {figures['held without release']:+.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
