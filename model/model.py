"""PuttingOutModel: the weekly schedule of the putting-out system (DESIGN §3).

    from rumahan.model import PuttingOutModel
    m = PuttingOutModel(seed=1, n_workers=2000)        # any registry parameter as a keyword
    for _ in range(520):
        m.step()                                       # one week
    df = m.datacollector.get_model_vars_dataframe()    # one row per week, week 0 included

Each week runs the phases of ``PuttingOutModel.PHASES`` in order: orders, the state, the
network, rates, work, collective action, consciousness, membership, switching
(off by default), observe. Each phase is a
function of what it uses (its signature) and records what it changes; docs/architecture.md lists
what each reads and writes. Home workers and subcontractors are Mesa agents whose state lives in
columns (``model.workers``, ``model.subcontractors``); the rules for them are vectorised. The
run's parameters are its configuration and never change; the state, the network and the
principals hold their levers, which a scenario's schedule changes at given weeks. Randomness
comes from one root seed through ``numpy.random.SeedSequence``: separate streams for the graph,
the initial draws and the weekly draws, so the same parameters and seed give bit-identical output.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any

import mesa
import numpy as np
from numpy.typing import NDArray

from rumahan.model import params as registry
from rumahan.model.action import collective_action
from rumahan.model.agents.home_worker import HomeWorker, WorkerColumns, draw_workers
from rumahan.model.agents.network import NETWORK_LEVERS, AdvocacyNetwork
from rumahan.model.agents.state import State
from rumahan.model.agents.subcontractor import Subcontractor, SubcontractorColumns, draw_subcontractors
from rumahan.model.consciousness import MembershipCounts, update_consciousness, update_membership
from rumahan.model.events import Event, WeekLog
from rumahan.model.metrics import GINI_SAMPLE, METRIC_NAMES, compute_metrics
from rumahan.model.policy import STATE_LEVERS, Policy
from rumahan.model.pools import Pools
from rumahan.model.rates import (
    PRINCIPAL_LEVERS,
    Bargaining,
    place_orders,
    reservation_rates,
    set_rates,
    weekly_capacity,
)
from rumahan.model.social_graph import KampungGraph, assign_pools, build_kampung_graph, clustered_members
from rumahan.model.switching import switch_intermediaries
from rumahan.model.work import do_work

Schedule = Iterable[tuple[int, Mapping[str, Any]]]


@dataclass
class World:
    """What every phase may read: the run's configuration, the columns, the graph and the pools
    (built once), the weekly random stream, the week and its log.

    Attributes:
        params: the run's parameters (read-only; levers in force are held by their owners).
        workers, subcontractors: the agents' state as columns.
        graph: the kampung social graph; pools: who works for whom, with per-pool sums (rebuilt
            only in weeks when workers switch subcontractors).
        rng: the weekly random stream (every weekly draw comes from it, in phase order).
        week: the current week (0 = first week of January 2023).
        log: events of the run and this week's counts.
        gini_sample: fixed rows the Gini coefficient is computed on (``None``: every worker).
    """

    params: Mapping[str, Any]
    workers: WorkerColumns
    subcontractors: SubcontractorColumns
    graph: KampungGraph
    pools: Pools
    rng: np.random.Generator
    log: WeekLog
    gini_sample: NDArray[np.int64] | None
    week: int = 0


@dataclass(frozen=True)
class Phase:
    """One phase of the week: its name, the rule it runs (``function``, whose parameters are what
    it reads) and the columns and agent state it writes (checked by tests/model/test_phases.py)."""

    name: str
    function: Callable[..., Any]
    writes: tuple[str, ...]


def _read_metric(name: str, model: PuttingOutModel) -> float:
    """DataCollector reporter body: one of this week's precomputed metrics."""
    return model.metrics[name]


class MetricsCollector(mesa.DataCollector):
    """Mesa's DataCollector with one model reporter per metric (``METRIC_NAMES``), each reading this
    week's value from ``model.metrics``; ``get_model_vars_dataframe()`` and the rest are Mesa's own.

    ``collect`` appends this week's metrics to Mesa's ``model_vars`` lists directly instead of
    calling each reporter and deep-copying its value: the metrics are numbers (a deep copy of a
    number is the same number), so the lists, and the data frame built from them, are exactly what
    Mesa's loop would give, for a fraction of its cost; like Mesa 3.5's own, it also records the
    collection time in ``_collection_steps`` where that list exists (``mesa.batch_run`` reads it).
    Should a Mesa version keep ``model_vars`` otherwise, Mesa's own ``collect`` runs.
    """

    def __init__(self) -> None:
        super().__init__(model_reporters={name: partial(_read_metric, name) for name in METRIC_NAMES})
        columns = getattr(self, "model_vars", None)
        self._columns: list[tuple[str, list[Any]]] | None = None
        if isinstance(columns, dict) and all(isinstance(columns.get(name), list) for name in METRIC_NAMES):
            self._columns = [(name, columns[name]) for name in METRIC_NAMES]

    def collect(self, model: mesa.Model) -> None:
        if self._columns is None:
            super().collect(model)
            return
        steps = getattr(self, "_collection_steps", None)  # Mesa 3.5 records when it collected
        if steps is not None:
            steps.append(model.time)
        metrics = model.metrics
        for name, column in self._columns:
            column.append(metrics[name])


class PuttingOutModel(mesa.Model):
    """Bargaining power over piece rates in a putting-out system, week by week.

    Args:
        seed: root seed (int). ``None`` draws fresh entropy, recorded as ``model.seed`` so the
            run can be repeated.
        rng: the same root seed under the name Mesa 3.5 uses (``mesa.batch_run`` and other
            Mesa tools may pass it); give ``seed`` or ``rng``, not two different ones.
        schedule: policy changes at given weeks, as ``(week, {parameter: value})`` pairs; the
            parameters must be levers of the registry (``model.params``).
        **params: any parameter of ``model.params.PARAMETERS`` (units, bounds and sources
            there and in docs/ODD.md); unknown names and bad values raise ``ValueError``.
    """

    #: The week, in order (DESIGN §3; docs/architecture.md says what each reads and writes).
    PHASES: tuple[Phase, ...] = (
        Phase("orders", place_orders, ("subcontractors.shock", "subcontractors.orders", "subcontractors.price",
                                       "subcontractors.relocation_cost", "subcontractors.failed", "subcontractors.agreement_until")),
        Phase("state", State.step, ("state", "network", "principals", "subcontractors.inspected",
                                    "workers.consciousness", "log")),
        Phase("network", AdvocacyNetwork.step, (
            "network", "state", "workers.consciousness", "workers.contacted", "workers.pos_ukk", "workers.coop",
            "log")),
        Phase("rates", set_rates, (
            "workers.reservation", "workers.capacity", "workers.consciousness", "subcontractors.target",
            "subcontractors.offer", "subcontractors.beta", "subcontractors.agreement_rate",
            "subcontractors.agreement_until", "subcontractors.negotiation_blocked_until",
            "subcontractors.order_share", "subcontractors.complies", "subcontractors.paid_rate",
            "subcontractors.covered", "log")),
        Phase("work", do_work, (
            "workers.pieces", "workers.defects", "workers.pay", "workers.costs", "workers.net",
            "workers.health", "workers.savings", "workers.in_home_work", "workers.usual_pieces", "subcontractors.good_pieces", "subcontractors.value",
            "subcontractors.pay", "subcontractors.fines", "log")),
        Phase("collective_action", collective_action, (
            "workers.participating", "workers.blacklisted_until", "subcontractors.participation", "network",
            "log")),
        Phase("consciousness", update_consciousness, ("workers.consciousness",)),
        Phase("membership", update_membership, (
            "workers.member", "workers.participating", "subcontractors.density", "log")),
        Phase("switching", switch_intermediaries, (
            "workers.pool", "subcontractors.pool_size", "subcontractors.density", "pools", "log")),
        Phase("observe", compute_metrics, ("metrics",)),
    )

    def __init__(self, seed: int | None = None, schedule: Schedule | None = None, *, rng: int | None = None,
                 **params: Any) -> None:
        seed = _one_root_seed(seed, rng)
        self.params: Mapping[str, Any] = MappingProxyType(registry.validate(params))
        root = np.random.SeedSequence(None if seed is None else registry.check_seed(seed, largest=None))
        self.seed: int = int(root.entropy)  # type: ignore[arg-type]
        graph_seq, init_seq, weekly_seq, mesa_seq = root.spawn(4)
        super().__init__(rng=int(mesa_seq.generate_state(1)[0]))
        self._schedule = check_schedule(schedule)
        self._build(np.random.default_rng(graph_seq), np.random.default_rng(init_seq), np.random.default_rng(weekly_seq))
        self.datacollector = MetricsCollector()
        #: The code that runs each phase on this model, by phase name (a profiler may wrap them).
        self.phase_runs: dict[str, Callable[[], None]] = {phase.name: getattr(self, f"_{phase.name}") for phase in self.PHASES}
        self._first_week()

    # --- set-up --------------------------------------------------------------------------------
    def _build(self, graph_rng: np.random.Generator, init_rng: np.random.Generator,
               weekly_rng: np.random.Generator) -> None:
        p = self.params
        n, m = p["n_workers"], p["n_subcontractors"]
        graph = build_kampung_graph(
            n, p["rt_size"], p["ties_within_rt"], p["ties_adjacent_rt"], p["long_tie_prob"], graph_rng
        )
        pool = assign_pools(n, m, p["pool_mixing"], graph_rng)
        share = p["initial_membership"] if p["network_active"] else 0.0
        member = clustered_members(graph.rt, share, p["member_clustering"], init_rng)
        workers = draw_workers(p, pool, member, init_rng)
        pool_size = np.bincount(pool, minlength=m).astype(float)
        capacity_by_pool = np.bincount(pool, weights=workers.full_capacity(), minlength=m)
        subcontractors = draw_subcontractors(p, capacity_by_pool, pool_size, init_rng)
        gini_sample = np.sort(init_rng.choice(n, GINI_SAMPLE, replace=False)) if n > GINI_SAMPLE else None
        self.world = World(p, workers, subcontractors, graph, Pools(workers.pool, m), weekly_rng, WeekLog(),
                           gini_sample)
        self.state = State(self, p, self.world.log)
        self.network = AdvocacyNetwork(self, p, n)
        self.principals: dict[str, Any] = {name: p[name] for name in PRINCIPAL_LEVERS}
        self.subcontractor_agents = [Subcontractor(self, j) for j in range(m)]
        for i in range(n):
            HomeWorker(self, i)
        self.membership = MembershipCounts(workers.member, graph, self.world.pools, subcontractors)
        self.rate_order: NDArray[np.int64] | None = None  # workers by pool and reservation rate
        self.framing_loss = 0.0  # consciousness framing removed this week (invisible power)
        self.policy: Policy = self.state.policy(0)

    def _first_week(self) -> None:
        """Week 0: changes scheduled for week 0, orders, offers and one week of work, so that week 0
        reports every outcome (no organizing or other state action yet); then observe."""
        self._apply_schedule(0)
        self.policy = self.state.policy(0)
        for name in ("orders", "rates", "work", "observe"):
            self.phase_runs[name]()

    # --- the week --------------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one week through ``PHASES`` (DESIGN §3)."""
        world = self.world
        world.week += 1
        world.log.new_week(world.week)
        self.framing_loss = 0.0
        self.policy = self.state.policy(world.week)  # last week's policy, at this week's UMP
        for phase in self.PHASES:
            self.phase_runs[phase.name]()

    def _orders(self) -> None:
        w = self.world
        place_orders(w.subcontractors, self.principals, self.policy, w.params, w.week, w.rng)

    def _state(self) -> None:
        w = self.world
        self._apply_schedule(w.week)
        self.state.step(w.week, w.workers, w.subcontractors, w.rng)
        self.policy = self.state.policy(w.week)  # in force for the rest of the week

    def _network(self) -> None:
        w = self.world
        self.network.step(w.workers, self.membership.exposure, self.policy, self.state, w.week, w.rng)

    def _rates(self) -> None:
        w = self.world
        w.workers.reservation = reservation_rates(w.workers, w.params, w.week)
        w.workers.capacity = weekly_capacity(w.workers, w.params, w.week)
        net = self.network
        bargaining = Bargaining(net.active, net.negotiation_slots, net.alliance)
        self.rate_order = set_rates(w.workers, w.subcontractors, w.pools, self.policy, bargaining, w.params, w.week,
                                    w.rng, w.log, self.rate_order)

    def _work(self) -> None:
        w = self.world
        do_work(w.workers, w.subcontractors, w.pools, self.policy, w.params, w.week, w.rng, w.log)

    def _collective_action(self) -> None:
        w = self.world
        self.network.participation_rate = collective_action(
            w.workers, w.subcontractors, w.graph, self.policy, w.params, w.week, w.rng, w.log
        )

    def _consciousness(self) -> None:
        w = self.world
        self.framing_loss = update_consciousness(w.workers, w.graph, self.policy, w.params, self.network.active,
                                                 self.network.levers["invited_space_share"])

    def _membership(self) -> None:
        w = self.world
        service = self.network.service_share(int(np.count_nonzero(w.workers.member)))
        update_membership(w.workers, self.membership, service, self.network.unserved_share, w.params,
                          self.network.active, w.week, w.rng, w.log)

    def _switching(self) -> None:
        w = self.world
        pools = switch_intermediaries(w.workers, w.subcontractors, w.graph, w.pools, w.params, w.week, w.rng, w.log)
        if pools is not w.pools:  # someone moved: everything derived from the pools follows
            w.pools = pools
            self.membership.repool(pools)
            # self.rate_order stays: set_rates only starts its sort from it, and the sort is exact

    def _observe(self) -> None:
        w = self.world
        self.metrics = compute_metrics(
            w.workers, w.subcontractors, w.graph, self.membership.exposure, self.policy, self.state, self.network,
            w.log, self.framing_loss, w.gini_sample, w.params, w.week,
        )
        self.datacollector.collect(self)

    def _apply_schedule(self, week: int) -> None:
        """Give each lever scheduled for ``week`` to its holder: the state, the network or the
        principals (events ``policy_scheduled``)."""
        for lever, value in self._schedule.get(week, []):
            if lever in STATE_LEVERS:
                self.state.set_lever(lever, value, cause=Event.POLICY_SCHEDULED)
                continue
            holder = self.network.levers if lever in NETWORK_LEVERS else self.principals
            holder[lever] = value
            self.world.log.record(Event.POLICY_SCHEDULED, f"{lever} = {value}")

    def run_weeks(self, weeks: int) -> None:
        """Step ``weeks`` times."""
        for _ in range(weeks):
            self.step()

    # --- what users and tools read -----------------------------------------------------------------
    @property
    def week(self) -> int:
        return self.world.week

    @property
    def workers(self) -> WorkerColumns:
        return self.world.workers

    @property
    def subcontractors(self) -> SubcontractorColumns:
        return self.world.subcontractors

    @property
    def graph(self) -> KampungGraph:
        return self.world.graph

    @property
    def weekly_rng(self) -> np.random.Generator:
        return self.world.rng

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event so far: ``{"week", "kind", "detail"}`` (kinds: ``model.events.Event``)."""
        return self.world.log.events

    def levers(self) -> dict[str, Any]:
        """Every schedulable lever's value in force now (the state's, the network's, the principals')."""
        return {**self.principals, **self.network.levers, **self.state.levers}

    # --- housekeeping -------------------------------------------------------------------------------
    def release(self) -> None:
        """Drop the references Mesa keeps to this model so it can be garbage-collected.

        Mesa 3.3.1 keeps every model in ``Agent._ids`` forever (fixed in 3.4.2); long sweeps in
        one process call this after each run.
        """
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)


def _one_root_seed(seed: int | None, rng: int | None) -> int | None:
    """The run's root seed from ``seed=`` or Mesa's ``rng=``: a whole number (a numpy Generator
    cannot be recorded, so it is refused)."""
    if rng is None:
        return seed
    if isinstance(rng, np.random.Generator):
        raise registry.ParameterError(
            "rng = a numpy Generator cannot be recorded for a rerun; give a whole-number seed (seed= or rng=)"
        )
    if seed is not None and seed != rng:
        raise registry.ParameterError(f"seed = {seed!r} and rng = {rng!r} differ; give one root seed")
    return rng


def check_schedule(schedule: Schedule | None) -> dict[int, list[tuple[str, Any]]]:
    """Validate scheduled changes against the registry: levers only, in-bounds values."""
    out: dict[int, list[tuple[str, Any]]] = {}
    for item in schedule or ():
        try:
            week, changes = item
        except (TypeError, ValueError):
            raise registry.ParameterError(
                f"schedule entry {item!r} is not a (week, {{parameter: value}}) pair"
            ) from None
        if isinstance(week, bool) or not isinstance(week, int | np.integer) or week < 0:
            raise registry.ParameterError(f"schedule week {week!r} is not a whole number >= 0")
        if not isinstance(changes, Mapping):
            raise registry.ParameterError(f"schedule changes at week {week} must be a table of parameter = value")
        for name, value in changes.items():
            entry = registry.get(name)
            if name not in registry.schedulable():
                levers = ", ".join(registry.schedulable())
                raise registry.ParameterError(
                    f"parameter '{name}' cannot be scheduled (it is not a policy or strategy lever); "
                    f"schedulable: {levers}"
                )
            out.setdefault(int(week), []).append((name, entry.check(value)))
    return out


def warm_up_compiled_rules(n_workers: int = 200) -> float:
    """Compile every rule of ``model/compiled.py``, or load it from numba's cache, by running a
    model of ``n_workers`` for a few weeks; returns the seconds it took. ``make`` calls it once
    after installing, so that the first run a user makes (the dashboard's, say) does not pause to
    compile (about 6 s)."""
    start = time.perf_counter()
    model = PuttingOutModel(seed=1, n_workers=n_workers, home_work_exit_rate=0.05)
    model.run_weeks(8)
    model.release()
    return time.perf_counter() - start
