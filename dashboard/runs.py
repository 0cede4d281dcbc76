"""The dashboard's only way to simulate: cached calls to the experiments' functions, with a
progress bar. Nothing is computed here; results are cached by their inputs (parameters, seed,
weeks, schedule), so returning to a configuration shows its results at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from dashboard.run_config import RunConfig
from experiments.runner import RunResult, run_simulation

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
