"""Per-phase profile of the weekly step: wall time of each phase function of ``PuttingOutModel.step``.

``PuttingOutModel.step`` (model/model.py) calls its phases through names it looks up in the
``model.model`` module at call time (``place_orders``, ``set_rates``, ...), through the state's and
the network's ``step`` methods, and through ``compute_metrics`` and the DataCollector's ``collect``.
``phase_timers`` swaps each of those for a wrapper that adds its wall time (``time.perf_counter``)
to a per-phase total and puts the originals back on exit, so the step itself runs unchanged. The
wrappers cost about a microsecond per call (a dozen calls a week): negligible against a week.

The eight phases (DESIGN §3) and the functions counted in each:

1. orders: ``place_orders``
2. state: ``State.step``
3. network: ``AdvocacyNetwork.step``
4. rates: ``reservation_rates``, ``weekly_capacity`` (the inputs the step computes for phase 4)
   and ``set_rates``
5. work: ``do_work``
6. collective action: ``collective_action`` (and the participation rate the step reads after it)
7. consciousness and membership: ``update_consciousness``, ``update_membership``
8. observe: ``compute_metrics`` (metrics) and ``DataCollector.collect`` (data collection)

Whatever the step does outside those calls is reported as ``other``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import model.model as model_module
from model import PuttingOutModel

#: Phase label of each module-level function ``PuttingOutModel.step`` calls (looked up in
#: ``model.model``), in schedule order.
MODULE_PHASES: dict[str, str] = {
    "place_orders": "1 orders",
    "reservation_rates": "4 rates",
    "weekly_capacity": "4 rates",
    "set_rates": "4 rates",
    "do_work": "5 work",
    "collective_action": "6 collective action",
    "update_consciousness": "7 consciousness and membership",
    "update_membership": "7 consciousness and membership",
    "compute_metrics": "8 observe: metrics",
}
#: All phase labels, in the order reports show them.
PHASES: tuple[str, ...] = (
    "1 orders",
    "2 state",
    "3 network",
    "4 rates",
    "5 work",
    "6 collective action",
    "7 consciousness and membership",
    "8 observe: metrics",
    "8 observe: data collection",
)


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

    Yields a dict ``phase label -> seconds`` (``PHASES``) that the wrapped calls add to. Only the
    names that exist are wrapped, so a renamed phase function shows up as missing time in
    ``other`` rather than as an error.
    """
    totals = dict.fromkeys(PHASES, 0.0)
    saved_module: dict[str, Any] = {}
    for name, label in MODULE_PHASES.items():
        if hasattr(model_module, name):
            saved_module[name] = getattr(model_module, name)
            setattr(model_module, name, _timed(saved_module[name], label, totals, clock))
    # Instance attributes shadow the class methods; deleting them afterwards restores the originals.
    instance_patches = [
        (model.state, "step", "2 state"),
        (model.network, "step", "3 network"),
        (model.datacollector, "collect", "8 observe: data collection"),
    ]
    for obj, attr, label in instance_patches:
        setattr(obj, attr, _timed(getattr(obj, attr), label, totals, clock))
    try:
        yield totals
    finally:
        for name, fn in saved_module.items():
            setattr(model_module, name, fn)
        for obj, attr, _ in instance_patches:
            delattr(obj, attr)


def profile_weeks(model: PuttingOutModel, weeks: int, clock: Clock = time.perf_counter) -> dict[str, Any]:
    """Step ``model`` ``weeks`` times with phase timers (``clock`` as in ``phase_timers``).

    Returns:
        ``{"weeks": weeks, "step_s": total step seconds, "phases_s": {label: seconds},
        "other_s": step time outside the phase functions}``; divide by ``weeks`` for per-week
        figures.
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
