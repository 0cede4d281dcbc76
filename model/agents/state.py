"""The state: framing, participation, recognition, the piece-rate floor and its enforcement.

One Mesa agent. Each week (DESIGN §3 step 2) it applies the policy changes a scenario scheduled
for that week, decides pending judicial reviews, may concede the next rung of the policy ladder
under the network's accumulated pressure, and draws which subcontractors are inspected.

The ladder, in order [brief §6, §2.12]: count home workers in labour statistics (and register
intermediaries) -> recognize them as workers by national regulation, with a piece-rate floor and
inspections -> ratify ILO C177.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from model.calendar import HISTORICAL_REVIEW_DECISION_WEEK, piece_rate_floor
from model.metrics import dot

if TYPE_CHECKING:
    from model.model import PuttingOutModel

#: Policy levers the state holds; scenarios may schedule changes to these (and any other
#: registry lever) at given weeks.
POLICY_LEVERS = (
    "framing_intensity", "tokenism", "recognition", "statistics_inclusion", "c177_ratified",
    "floor_share", "inspection_probability", "fine_multiple", "back_pay_weeks",
)
LADDER = ("statistics_inclusion", "recognition", "c177_ratified")


class State(mesa.Agent):
    """The Indonesian state as one actor (Kemnaker, the courts, Kemen PPPA, BPS together).

    Its levers (``framing_intensity``, ``tokenism``, ``recognition``, ``statistics_inclusion``,
    ``c177_ratified``, ``floor_share``, ``inspection_probability``, ...) are the model's current
    parameter values, read as attributes (``state.recognition``); a scheduled change or a
    concession updates ``model.params``. Its own state is ``pressure`` (accumulated effective
    advocacy, organizer-hour equivalents per 1,000 workers) and ``review_decision_week`` (week a pending judicial
    review is decided, -1 if none).
    """

    def __init__(self, model: PuttingOutModel) -> None:
        super().__init__(model)
        p = model.params
        self.pressure = 0.0
        self.review_decision_week = (
            HISTORICAL_REVIEW_DECISION_WEEK if p["historical_review_rejected"] else -1
        )
        self.review_is_historical = bool(p["historical_review_rejected"])

    def __getattr__(self, name: str) -> Any:
        if name in POLICY_LEVERS:
            return self.model.params[name]
        raise AttributeError(f"State has no attribute '{name}'")

    # --- derived quantities used by other phases ---------------------------------------------
    @property
    def legal_backing(self) -> float:
        """Legal support for workers' claims, 0-1: recognition 0.6, ILO C177 0.4.

        Assumption: recognition makes home workers legal subjects of labour law (the core of the
        2022 petition); C177 adds equality of treatment, the right to organize included
        [brief §2.12, §2.14]. Used in bargaining strength, against retaliation, in judicial
        review, and as the reach of a floor over other suppliers.
        """
        p = self.model.params
        return p["legal_weight_recognition"] * self.recognition + p["legal_weight_c177"] * self.c177_ratified

    @property
    def hidden_power_factor(self) -> float:
        """Share of retaliation and blacklisting that still goes unseen and unpunished: 1, or
        ``1 - visibility_protection`` once home workers are counted and intermediaries registered
        [brief §6]."""
        return 1.0 - self.model.params["visibility_protection"] * self.statistics_inclusion

    @property
    def detection(self) -> float:
        """Share of violations an inspection can find: all once home work is counted and
        intermediaries registered, ``unregistered_detection`` before [brief §2.12 R184 para 6]."""
        return 1.0 if self.statistics_inclusion else self.model.params["unregistered_detection"]

    def floor(self, week: int) -> float:
        """The legal piece-rate floor in Rp/piece, 0 unless home workers are recognized."""
        if not self.recognition or self.floor_share <= 0:
            return 0.0
        p = self.model.params
        return piece_rate_floor(week, self.floor_share, p["floor_reference_productivity"], p["ump_growth"])

    @property
    def policy_level(self) -> int:
        """Rungs won, 0-4: statistics, recognition, an enforced floor, C177."""
        enforced = self.recognition and self.floor_share > 0 and self.inspection_probability > 0
        return int(self.statistics_inclusion) + int(self.recognition) + int(enforced) + int(self.c177_ratified)

    # --- the weekly step -----------------------------------------------------------------------
    def step(self) -> None:
        model = self.model
        week = model.week
        self.apply_schedule(week)
        self._decide_review(week)
        self._maybe_concede(week)
        self._draw_inspections()

    def apply_schedule(self, week: int) -> None:
        """Make the policy changes the run's schedule gives for ``week`` (events ``policy_scheduled``)."""
        for lever, value in self.model.schedule_for(week):
            self._set(lever, value, cause="scheduled")

    def add_pressure(self, effective_advocacy: float) -> None:
        """Accumulate this week's effective advocacy per 1,000 workers (called by the network)."""
        decay = self.model.params["pressure_decay"]
        self.pressure = (1.0 - decay) * self.pressure + effective_advocacy

    def file_review(self, week: int) -> None:
        """The network files a judicial review; the court decides after ``judicial_review_weeks``."""
        self.review_decision_week = week + self.model.params["judicial_review_weeks"]
        self.review_is_historical = False
        self.model.record_event("judicial_review_filed", "the network files a judicial review")

    def _set(self, lever: str, value: Any, cause: str) -> None:
        self.model.params[lever] = value
        self.model.record_event(f"policy_{cause}", f"{lever} = {value}")

    def _decide_review(self, week: int) -> None:
        if self.review_decision_week != week:
            return
        self.review_decision_week = -1
        model = self.model
        if self.review_is_historical:
            # Case 75/PUU-XX/2022, rejected in full on 31 Jan 2023 [brief §2.14]: input data.
            model.record_event("judicial_review_rejected", "75/PUU-XX/2022 rejected (31 Jan 2023)")
            model.network_defeat()
            return
        p = model.params
        chance = p["judicial_review_success"] * (1.0 - self.framing_intensity) * (1.0 + self.legal_backing)
        if model.weekly_rng.random() < min(chance, 1.0):
            model.record_event("judicial_review_granted", "the court recognizes home workers")
            self._set("recognition", True, cause="court")
            model.network_win()
        else:
            model.record_event("judicial_review_rejected", "the court rejects the review")
            model.network_defeat()

    def _maybe_concede(self, week: int) -> None:
        """Concede the next ladder rung with weekly hazard ``responsiveness * pressure *
        (1 - framing_resistance * framing) * (1 + c177_obligation * c177)``: framing raises
        resistance [brief §3.4b], a ratified C177 obliges a national policy [brief §2.12];
        tokenism has already absorbed the advocacy that never became pressure
        (model/agents/network.py)."""
        remaining = [lever for lever in LADDER if not getattr(self, lever)]
        if not remaining or self.pressure <= 0:
            return
        p = self.model.params
        hazard = (
            p["state_responsiveness"]
            * self.pressure
            * (1.0 - p["framing_resistance"] * self.framing_intensity)
            * (1.0 + p["c177_obligation"] * self.c177_ratified)
        )
        if self.model.weekly_rng.random() >= -np.expm1(-max(hazard, 0.0)):
            return
        lever = remaining[0]
        self._set(lever, True, cause="conceded")
        if lever == "recognition":
            if self.floor_share <= 0:
                self._set("floor_share", self._feasible_floor_share(), cause="conceded")
            if self.inspection_probability <= 0:
                self._set("inspection_probability", p["concession_inspection"], cause="conceded")
        self.pressure *= 0.5
        self.model.network_win()

    def _feasible_floor_share(self) -> float:
        """Floor share a conceded regulation sets: ``concession_floor_premium`` above today's mean
        market offer, as a share of today's UMP-equivalent piece rate (which it then follows)."""
        p, subs = self.model.params, self.model.subcontractors
        market = dot(subs.target, subs.pool_size) / float(subs.pool_size.sum())
        per_share = piece_rate_floor(self.model.week, 1.0, p["floor_reference_productivity"], p["ump_growth"])
        return float(np.clip((1.0 + p["concession_floor_premium"]) * market / per_share, 0.0, 1.5))

    def _draw_inspections(self) -> None:
        subs = self.model.subcontractors
        q = self.inspection_probability * self.detection
        if q <= 0 or self.floor(self.model.week) <= 0:
            subs.inspected[:] = False
        else:
            subs.inspected[:] = self.model.weekly_rng.random(subs.m) < q
