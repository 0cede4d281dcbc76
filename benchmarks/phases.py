"""Per-phase profile of the weekly step: wall time of each phase of ``PuttingOutModel.PHASES``.

``PuttingOutModel.step`` runs its phases through ``model.phase_runs`` (phase name -> the code that
runs it on this model). ``phase_timers`` wraps each entry of that dict, and the DataCollector's
``collect`` (timed apart from the metrics), in a timer that adds its wall time
(``time.perf_counter``) to a per-phase total, and puts the originals back on exit; the step itself
runs unchanged. The wrappers cost about a microsecond per call (ten calls a week): negligible
against a week. Whatever the step does outside the phases (starting the week, the policy
snapshot) is reported as ``other``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rumahan.model import PuttingOutModel

#: Label of each phase in reports, in schedule order (``PuttingOutModel.PHASES``).
PHASE_LABELS: dict[str, str] = {
    phase.name: f"{number} {phase.name.replace('_', ' ')}"
    for number, phase in enumerate(PuttingOutModel.PHASES, start=1)
}
DATA_COLLECTION = f"{PHASE_LABELS['observe']}: data collection"
#: All labels, in the order reports show them; the observe phase's own label counts the metrics.
PHASES: tuple[str, ...] = (*PHASE_LABELS.values(), DATA_COLLECTION)


Clock = Callable[[], float]


def _timed(fn: Callable[..., Any], label: str, totals: dict[str, float], clock: Clock) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[label] += clock() - start

    return wrapper


@contextmanager
def phase_timers(model: PuttingOutModel, clock: Clock = time.perf_counter) -> Iterator[dict[str, float]]:
    """Time every phase of ``model``'s weekly step while the block runs.

    ``clock`` is ``time.perf_counter`` (wall time) by default; ``time.process_time`` gives the
    process's CPU time, less disturbed by other programs on a busy machine.

    Yields a dict ``label -> seconds`` (``PHASES``) that the wrapped calls add to; the observe
    phase's total excludes data collection, which has its own label.
    """
    totals = dict.fromkeys(PHASES, 0.0)
    originals = dict(model.phase_runs)
    collect = model.datacollector.collect
    for name, run in originals.items():
        model.phase_runs[name] = _timed(run, PHASE_LABELS[name], totals, clock)
    # An instance attribute shadows the class method; deleting it afterwards restores it.
    model.datacollector.collect = _timed(collect, DATA_COLLECTION, totals, clock)
    try:
        yield totals
    finally:
        model.phase_runs.update(originals)
        del model.datacollector.collect
        totals[PHASE_LABELS["observe"]] -= totals[DATA_COLLECTION]


def profile_weeks(model: PuttingOutModel, weeks: int, clock: Clock = time.perf_counter) -> dict[str, Any]:
    """Step ``model`` ``weeks`` times with phase timers (``clock`` as in ``phase_timers``).

    Returns:
        ``{"weeks": weeks, "step_s": total step seconds, "phases_s": {label: seconds},
        "other_s": step time outside the phases}``; divide by ``weeks`` for per-week figures.
    """
    with phase_timers(model, clock) as totals:
        start = clock()
        for _ in range(weeks):
            model.step()
        step_s = clock() - start
    phases = dict(totals)
    return {
        "weeks": weeks,
        "step_s": step_s,
        "phases_s": phases,
        "other_s": max(step_s - sum(phases.values()), 0.0),
    }
