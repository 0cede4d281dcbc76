"""The dashboard's only way to simulate: cached calls to the experiments' functions, with a
progress bar. Nothing is computed here; results are cached by their inputs (parameters, seed,
weeks, schedule), so returning to a configuration shows its results at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from rumahan.dashboard.run_config import RunConfig
from rumahan.experiments.compare import compare_scenarios
from rumahan.experiments.executors import Execution
from rumahan.experiments.runner import RunResult, run_simulation
from rumahan.experiments.scenarios import Scenario

#: Weeks between two pictures of the kampung network (plus week 0 and the last week).
SNAPSHOT_EVERY = 13
#: The network picture shows whole subcontractor pools until this many workers are passed (so about
#: 300 workers at the default 100 workers per subcontractor).
SNAPSHOT_SIZE = 250
#: Progress-bar updates per run (more would slow short runs down).
PROGRESS_STEPS = 50


def snapshot_weeks(weeks: int) -> list[int]:
    """Weeks at which a sample of workers is recorded for the network picture."""
    return sorted({*range(0, weeks + 1, SNAPSHOT_EVERY), weeks})


@contextmanager
def progress_bar(text: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar, removed at the end (also on failure), and its ``progress(done, total)``
    callback, which redraws it about ``PROGRESS_STEPS`` times. Use it inside the cached function:
    Streamlit replays the bar's messages on a cache hit, and refuses bars made outside."""
    bar = st.progress(0.0, text=text.format(done=0, total="…"))
    last = [-1]

    def report(done: int, total: int) -> None:
        step = int(done * PROGRESS_STEPS / max(total, 1))
        if step != last[0]:
            last[0] = step
            bar.progress(min(done / max(total, 1), 1.0), text=text.format(done=done, total=total))

    try:
        yield report
    finally:
        bar.empty()


@st.cache_data(max_entries=32, show_spinner=False)
def simulate(parameters: dict[str, Any], seed: int, weeks: int, schedule: list) -> RunResult:
    """``run_simulation`` with network snapshots, cached by its inputs."""
    with progress_bar("Simulating week {done} of {total}") as report:
        return run_simulation(
            parameters, seed=seed, weeks=weeks, schedule=schedule, progress=report,
            snapshot_weeks=snapshot_weeks(weeks), snapshot_size=SNAPSHOT_SIZE,
        )


def simulate_config(config: RunConfig) -> RunResult:
    """Run (or fetch from the cache) what ``config`` describes."""
    return simulate(config.parameters(), config.seed, config.weeks, config.run_schedule())


@st.cache_data(max_entries=16, show_spinner=False)
def seed_comparison(
    names: tuple[str, str], parameters: tuple[dict[str, Any], dict[str, Any]], schedules: tuple[list, list],
    weeks: int, root_seed: int, replicates: int,
) -> tuple[Any, Any]:
    """``compare_scenarios`` of two configurations (the first is the baseline) over ``replicates``
    seeds from ``root_seed``, paired by seed: its table and its runs, cached by their inputs."""
    scenarios = [Scenario(name=name, description="", parameters=dict(params),
                          schedule=tuple((int(w), dict(c)) for w, c in schedule))
                 for name, params, schedule in zip(names, parameters, schedules, strict=True)]
    with progress_bar("Running seeds: run {done} of {total}") as report:
        comparison = compare_scenarios(scenarios, replicates=replicates, weeks=weeks, root_seed=root_seed,
                                       baseline=names[0], execution=Execution(progress=report))
    return comparison.table, comparison.runs


def compare_seeds(changed: RunConfig, unchanged: RunConfig, replicates: int) -> tuple[Any, Any]:
    """The changed configuration against the unchanged one over ``replicates`` seeds drawn from the
    shown run's seed (the same seeds for both)."""
    names = (unchanged.scenario, changed.changed_name())
    return seed_comparison(names, (unchanged.parameters(), changed.parameters()),
                           (unchanged.run_schedule(), changed.run_schedule()), changed.weeks, changed.seed,
                           replicates)
