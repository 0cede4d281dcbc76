"""The state: framing, participation, recognition, the piece-rate floor and its enforcement.

One Mesa agent. Each week (DESIGN §3 step 2) it applies the policy changes a scenario scheduled
for that week, decides pending judicial reviews, may concede the next rung of the policy ladder
under the network's accumulated pressure, and draws which subcontractors are inspected. It holds
its own levers; the other phases read the ``Policy`` snapshot it produces (model/policy.py).

The ladder, in order [brief §6, §2.12]: count home workers in labour statistics (and register
intermediaries) -> recognize them as workers by national regulation, with a piece-rate floor and
inspections -> ratify ILO C177.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mesa
import numpy as np

from rumahan.model.agents.home_worker import WorkerColumns
from rumahan.model.agents.subcontractor import SubcontractorColumns
from rumahan.model.calendar import HISTORICAL_REVIEW_DECISION_WEEK, piece_rate_floor
from rumahan.model.consciousness import defeat, win
from rumahan.model.events import Event, WeekLog
from rumahan.model.numerics import dot
from rumahan.model.policy import STATE_LEVERS, Policy

LADDER = ("statistics_inclusion", "recognition", "c177_ratified")


class State(mesa.Agent):
    """The Indonesian state as one actor (Kemnaker, the courts, Kemen PPPA, BPS together).

    Attributes:
        levers: its levers now (``STATE_LEVERS``: framing, tokenism, recognition, statistics,
            C177, the floor and its enforcement), starting from the run's parameters; a scheduled
            change, a concession or a ruling changes them, never the run's parameters.
        pressure: accumulated effective advocacy, organizer-hour equivalents per 1,000 workers.
        review_decision_week: week a pending judicial review is decided (-1 if none).
    """

    def __init__(self, model: mesa.Model, params: Mapping[str, Any], log: WeekLog) -> None:
        super().__init__(model)
        self.params = params
        self.log = log
        self.levers: dict[str, Any] = {name: params[name] for name in STATE_LEVERS}
        self.pressure = 0.0
        self.review_decision_week = (
            HISTORICAL_REVIEW_DECISION_WEEK if params["historical_review_rejected"] else -1
        )
        self.review_is_historical = bool(params["historical_review_rejected"])
        self._last_policy: tuple[int, tuple[tuple[str, Any], ...], Policy] | None = None

    def policy(self, week: int) -> Policy:
        """The policy in force now, with this ``week``'s floor.

        A step asks for it several times a week; while the week and every lever (the very same
        objects, compared by identity) are those of the last call, that call's snapshot (frozen)
        is returned again instead of being rebuilt."""
        levers = tuple(self.levers.items())
        last = self._last_policy
        if (last is not None and last[0] == week and len(last[1]) == len(levers)
                and all(a[0] is b[0] and a[1] is b[1] for a, b in zip(last[1], levers, strict=True))):
            return last[2]
        policy = Policy.of(self.levers, self.params, week)
        # the lever objects stay referenced here, so another object cannot take one's identity
        self._last_policy = (week, levers, policy)
        return policy

    # --- the weekly step -----------------------------------------------------------------------
    def step(self, week: int, workers: WorkerColumns, subcontractors: SubcontractorColumns,
             rng: np.random.Generator) -> None:
        """Phase 2: decide a pending review, maybe concede, draw inspections. Wins and defeats
        move members' consciousness (model/consciousness.py)."""
        self._decide_review(week, workers, rng)
        self._maybe_concede(week, workers, subcontractors, rng)
        self._draw_inspections(week, subcontractors, rng)

    def set_lever(self, lever: str, value: Any, cause: Event) -> None:
        """Change one of its levers (a scheduled change, a concession or a ruling), as an event."""
        self.levers[lever] = value
        self.log.record(cause, f"{lever} = {value}")

    def add_pressure(self, effective_advocacy: float) -> None:
        """Accumulate this week's effective advocacy per 1,000 workers (called by the network)."""
        decay = self.params["pressure_decay"]
        self.pressure = (1.0 - decay) * self.pressure + effective_advocacy

    def file_review(self, week: int) -> None:
        """The network files a judicial review; the court decides after ``judicial_review_weeks``."""
        self.review_decision_week = week + self.params["judicial_review_weeks"]
        self.review_is_historical = False
        self.log.record(Event.REVIEW_FILED, "the network files a judicial review")

    def _decide_review(self, week: int, workers: WorkerColumns, rng: np.random.Generator) -> None:
        if self.review_decision_week != week:
            return
        self.review_decision_week = -1
        p = self.params
        if self.review_is_historical:
            # Case 75/PUU-XX/2022, rejected in full on 31 Jan 2023 [brief §2.14]: input data.
            self.log.record(Event.REVIEW_REJECTED, "75/PUU-XX/2022 rejected (31 Jan 2023)")
            defeat(workers, p["defeat_loss"])
            return
        policy = self.policy(week)
        chance = p["judicial_review_success"] * (1.0 - policy.framing_intensity) * (1.0 + policy.legal_backing)
        if rng.random() < min(chance, 1.0):
            self.log.record(Event.REVIEW_GRANTED, "the court recognizes home workers")
            self.set_lever("recognition", True, cause=Event.POLICY_COURT)
            win(workers, p["win_gain"])
        else:
            self.log.record(Event.REVIEW_REJECTED, "the court rejects the review")
            defeat(workers, p["defeat_loss"])

    def _maybe_concede(self, week: int, workers: WorkerColumns, subcontractors: SubcontractorColumns,
                       rng: np.random.Generator) -> None:
        """Concede the next ladder rung with weekly hazard ``responsiveness * pressure *
        (1 - framing_resistance * framing) * (1 + c177_obligation * c177)``: framing raises
        resistance [brief §3.4b], a ratified C177 obliges a national policy [brief §2.12];
        tokenism has already absorbed the advocacy that never became pressure
        (model/agents/network.py)."""
        levers = self.levers
        remaining = [lever for lever in LADDER if not levers[lever]]
        if not remaining or self.pressure <= 0:
            return
        p, policy = self.params, self.policy(week)
        hazard = (
            p["state_responsiveness"]
            * self.pressure
            * (1.0 - p["framing_resistance"] * policy.framing_intensity)
            * (1.0 + p["c177_obligation"] * policy.c177_ratified)
        )
        if rng.random() >= -np.expm1(-max(hazard, 0.0)):
            return
        lever = remaining[0]
        self.set_lever(lever, True, cause=Event.POLICY_CONCEDED)
        if lever == "recognition":
            if levers["floor_share"] <= 0:
                self.set_lever("floor_share", self._feasible_floor_share(week, subcontractors),
                               cause=Event.POLICY_CONCEDED)
            if levers["inspection_probability"] <= 0:
                self.set_lever("inspection_probability", levers["concession_inspection"],
                               cause=Event.POLICY_CONCEDED)
        self.pressure *= 0.5
        win(workers, p["win_gain"])

    def _feasible_floor_share(self, week: int, subs: SubcontractorColumns) -> float:
        """Floor share a conceded regulation sets: ``concession_floor_premium`` above today's mean
        market offer, as a share of today's UMP-equivalent piece rate (which it then follows)."""
        levers = self.levers
        market = dot(subs.target, subs.pool_size) / float(subs.pool_size.sum())
        per_share = piece_rate_floor(week, 1.0, levers["floor_reference_productivity"], self.params["ump_growth"])
        return float(np.clip((1.0 + levers["concession_floor_premium"]) * market / per_share, 0.0, 1.5))

    def _draw_inspections(self, week: int, subs: SubcontractorColumns, rng: np.random.Generator) -> None:
        policy = self.policy(week)
        q = policy.inspection_probability * policy.detection
        if q <= 0 or policy.floor <= 0:
            subs.inspected[:] = False
        else:
            subs.inspected[:] = rng.random(subs.m) < q
