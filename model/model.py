"""PuttingOutModel: the weekly schedule of the putting-out system (DESIGN §3).

    from model import PuttingOutModel
    m = PuttingOutModel(seed=1, n_workers=2000)        # any registry parameter as a keyword
    for _ in range(520):
        m.step()                                       # one week
    df = m.datacollector.get_model_vars_dataframe()    # one row per week, week 0 included

Each week runs, in order: 1 orders, 2 the state, 3 the network, 4 subcontractors set rates,
5 work, 6 collective action, 7 consciousness and membership, 8 observe. Home workers and
subcontractors are Mesa agents whose state lives in columns (``model.workers``,
``model.subcontractors``); the rules for them are vectorised (model/rates.py, work.py,
action.py, consciousness.py). Randomness comes from one root seed through
``numpy.random.SeedSequence``: separate streams for the graph, the initial draws and the weekly
draws, so the same parameters and seed give bit-identical output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

import mesa
import numpy as np
from numpy.typing import NDArray

from model import params as registry
from model.action import collective_action
from model.agents.home_worker import HomeWorker, draw_workers
from model.agents.network import AdvocacyNetwork
from model.agents.state import State
from model.agents.subcontractor import Subcontractor, draw_subcontractors
from model.consciousness import refresh_membership_views, update_consciousness, update_membership
from model.metrics import GINI_SAMPLE, METRIC_NAMES, compute_metrics
from model.rates import place_orders, reservation_rates, set_rates, weekly_capacity
from model.social_graph import assign_pools, build_kampung_graph, clustered_members
from model.work import do_work

Schedule = Iterable[tuple[int, Mapping[str, Any]]]


def _read_metric(name: str, model: PuttingOutModel) -> float:
    """DataCollector reporter body: one of this week's precomputed metrics."""
    return model.metrics[name]


class PuttingOutModel(mesa.Model):
    """Bargaining power over piece rates in a putting-out system, week by week.

    Args:
        seed: root seed (int). ``None`` draws fresh entropy, recorded as ``model.seed`` so the
            run can be repeated.
        schedule: policy changes at given weeks, as ``(week, {parameter: value})`` pairs; the
            parameters must be levers of the registry (``model.params``).
        **params: any parameter of ``model.params.PARAMETERS`` (units, bounds and sources
            there and in docs/ODD.md); unknown names and bad values raise ``ValueError``.
    """

    def __init__(self, seed: int | None = None, schedule: Schedule | None = None, **params: Any) -> None:
        self.params: dict[str, Any] = registry.validate(params)
        self.initial_params: dict[str, Any] = dict(self.params)  # params changes as policies do
        root = np.random.SeedSequence(None if seed is None else registry.check_seed(seed, largest=None))
        self.seed: int = int(root.entropy)  # type: ignore[arg-type]
        graph_seq, init_seq, weekly_seq, mesa_seq = root.spawn(4)
        super().__init__(rng=int(mesa_seq.generate_state(1)[0]))
        self.week = 0
        self.steps_taken = 0
        self.events: list[dict[str, Any]] = []
        self.week_counts: dict[str, int] = {}
        self._schedule = _check_schedule(schedule)
        self.weekly_rng = np.random.default_rng(weekly_seq)
        self._build(np.random.default_rng(graph_seq), np.random.default_rng(init_seq))
        self.datacollector = mesa.DataCollector(model_reporters={name: partial(_read_metric, name) for name in METRIC_NAMES})
        self._first_week()

    # --- set-up --------------------------------------------------------------------------------
    def _build(self, graph_rng: np.random.Generator, init_rng: np.random.Generator) -> None:
        p = self.params
        n, m = p["n_workers"], p["n_subcontractors"]
        self.graph = build_kampung_graph(
            n, p["rt_size"], p["ties_within_rt"], p["ties_adjacent_rt"], p["long_tie_prob"], graph_rng
        )
        pool = assign_pools(n, m, p["pool_mixing"], graph_rng)
        share = p["initial_membership"] if p["network_active"] else 0.0
        member = clustered_members(self.graph.rt, share, p["member_clustering"], init_rng)
        self.workers = draw_workers(p, pool, member, init_rng)
        pool_size = np.bincount(pool, minlength=m).astype(float)
        capacity_by_pool = np.bincount(pool, weights=self.workers.full_capacity(), minlength=m)
        self.subcontractors = draw_subcontractors(p, capacity_by_pool, pool_size, init_rng)
        self.gini_sample: NDArray[np.int64] | None = (
            np.sort(init_rng.choice(n, GINI_SAMPLE, replace=False)) if n > GINI_SAMPLE else None
        )
        self.state = State(self)
        self.network = AdvocacyNetwork(self)
        self.subcontractor_agents = [Subcontractor(self, j) for j in range(m)]
        for i in range(n):
            HomeWorker(self, i)
        self.member_exposure = np.zeros(n)
        self.participation_rate = 0.0
        refresh_membership_views(self)

    def _first_week(self) -> None:
        """Week 0: changes scheduled for week 0, orders, offers and one week of work, so that week 0
        reports every outcome (no organizing or other state action yet); then observe."""
        self.state.apply_schedule(0)
        place_orders(self)
        reservation, capacity = reservation_rates(self), weekly_capacity(self)
        set_rates(self, reservation, capacity)
        do_work(self, reservation, capacity)
        self._observe(framing_loss=0.0)

    # --- the week --------------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one week through the eight phases (DESIGN §3)."""
        self.week += 1
        self.steps_taken += 1
        self.week_counts = {}
        place_orders(self)                                          # 1 orders
        self.state.step()                                           # 2 the state
        self.network.step()                                         # 3 the network
        reservation, capacity = reservation_rates(self), weekly_capacity(self)
        set_rates(self, reservation, capacity)                      # 4 subcontractors set rates
        do_work(self, reservation, capacity)                        # 5 work
        collective_action(self)                                     # 6 collective action
        self.participation_rate = float(self.workers.participating.mean())
        framing_loss = update_consciousness(self)                   # 7 consciousness and membership
        update_membership(self)
        self._observe(framing_loss)                                 # 8 observe

    def _observe(self, framing_loss: float) -> None:
        self.metrics = compute_metrics(self, framing_loss)
        self.datacollector.collect(self)

    def run_weeks(self, weeks: int) -> None:
        """Step ``weeks`` times."""
        for _ in range(weeks):
            self.step()

    # --- events, wins and defeats -------------------------------------------------------------
    def record_event(self, kind: str, detail: str) -> None:
        """Note an event (policy change, ruling, agreement, retaliation) at the current week."""
        self.events.append({"week": self.week, "kind": kind, "detail": detail})
        if kind.startswith(("policy_", "judicial_review_granted", "judicial_review_rejected")):
            self.week_counts["decisions"] = self.week_counts.get("decisions", 0) + 1

    def network_win(self) -> None:
        """A policy or court victory: every member gains ``win_gain`` of her gap to full consciousness."""
        w = self.workers
        w.consciousness[w.member] += self.params["win_gain"] * (1.0 - w.consciousness[w.member])

    def win_for_pools(self, pools: NDArray[np.int64]) -> None:
        """A collective agreement: members of those pools gain ``win_gain`` of their gap."""
        w = self.workers
        gain = w.member & np.isin(w.pool, pools)
        w.consciousness[gain] += self.params["win_gain"] * (1.0 - w.consciousness[gain])

    def network_defeat(self) -> None:
        """A defeat (a rejected review): every member loses ``defeat_loss`` of her consciousness."""
        w = self.workers
        w.consciousness[w.member] *= 1.0 - self.params["defeat_loss"]

    def schedule_for(self, week: int) -> list[tuple[str, Any]]:
        """Scheduled policy changes for ``week``, in the order given."""
        return self._schedule.get(week, [])

    # --- housekeeping -------------------------------------------------------------------------------
    def release(self) -> None:
        """Drop the references Mesa keeps to this model so it can be garbage-collected.

        Mesa 3.3.1 keeps every model in ``Agent._ids`` forever (fixed in 3.4.2); long sweeps in
        one process call this after each run.
        """
        ids = getattr(mesa.Agent, "_ids", None)
        if isinstance(ids, dict):
            ids.pop(self, None)


def _check_schedule(schedule: Schedule | None) -> dict[int, list[tuple[str, Any]]]:
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
