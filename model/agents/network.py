"""The workers' network (JPRJ): its capacity and how it spends it across six strategies.

One Mesa agent. Each week (DESIGN §3 step 3) its capacity in organizer-hours, from allied NGOs
and members' volunteering and multiplied by alliances, is split by the six ``effort_*`` weights
(normalized) into consciousness-raising, organizing, collective bargaining, legal and policy
advocacy, alternative spaces (Pos UKK posts and cooperatives) and alliance building [brief §1].
Effects on workers are vectorised over the worker columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
from numpy.typing import NDArray

from model.params import EFFORT_PARAMETERS

if TYPE_CHECKING:
    from model.model import PuttingOutModel

STRATEGIES = ("consciousness", "organizing", "bargaining", "advocacy", "alternatives", "alliances")


class AdvocacyNetwork(mesa.Agent):
    """The home workers' network as one actor.

    Attributes:
        hours: organizer-hours spent this week per strategy (dict keyed by ``STRATEGIES``).
        alliance: alliance strength, 0-1.
        legal_stock: legal capacity accumulated toward a judicial review (organizer-hours per
            1,000 workers).
        pos_ukk_posts: Pos UKK posts running this week.
        coop_places: cooperative places this week (workers).
        negotiation_slots: collective negotiations or agreements it can hold this week.
        effort_by_space / effort_by_level: this week's hours by Power Cube space (closed,
            invited, claimed) and level (local, national, global).
        absorbed: advocacy hours absorbed by tokenistic invited spaces this week.
    """

    def __init__(self, model: PuttingOutModel) -> None:
        super().__init__(model)
        self.hours = dict.fromkeys(STRATEGIES, 0.0)
        self.alliance = 0.0
        self.legal_stock = 0.0
        self.pos_ukk_posts = 0
        self.coop_places = 0
        self.negotiation_slots = 0
        self.absorbed = 0.0
        self.effective_advocacy = 0.0
        self.effort_by_space = {"closed": 0.0, "invited": 0.0, "claimed": 0.0}
        self.effort_by_level = {"local": 0.0, "national": 0.0, "global": 0.0}

    @property
    def active(self) -> bool:
        return bool(self.model.params["network_active"])

    @property
    def thousands(self) -> float:
        """Workers in the simulated area, in thousands: national-level quantities (pressure, legal
        capacity, alliances) and the allies' staff are counted per 1,000 workers, so the area's
        size changes the precision of the results, not the network's intensity."""
        return self.model.workers.n / 1000.0

    def capacity(self) -> float:
        """Organizer-hours this week: ``(base per 1,000 workers * thousands + volunteer_hours *
        members) * (1 + alliance_pressure * alliance)`` (allies lend staff and reach)."""
        p = self.model.params
        members = float(self.model.workers.member.sum())
        base = p["network_base_capacity"] * self.thousands + p["volunteer_hours_per_member"] * members
        return base * (1.0 + p["alliance_pressure"] * self.alliance)

    def step(self) -> None:
        model = self.model
        w = model.workers
        w.contacted[:] = False
        if not self.active:
            self.hours = dict.fromkeys(STRATEGIES, 0.0)
            w.pos_ukk[:] = False
            w.coop[:] = False
            self._record_cube(0.0)
            return
        p = model.params
        weights = np.array([p[e] for e in EFFORT_PARAMETERS], dtype=float)
        capacity = self.capacity()
        self.hours = dict(zip(STRATEGIES, capacity * weights / weights.sum(), strict=True))
        self._raise_consciousness(self.hours["consciousness"])
        self._organize(self.hours["organizing"])
        self.negotiation_slots = int(self.hours["bargaining"] // p["hours_per_negotiation"])
        self._advocate(self.hours["advocacy"])
        self._run_alternatives(self.hours["alternatives"])
        self._build_alliances(self.hours["alliances"])
        self._record_cube(self.hours["advocacy"])

    # --- strategies --------------------------------------------------------------------------
    def _reach(self, contacts: float, weight: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Who the network reaches this week: each worker with probability proportional to
        ``weight``, ``contacts`` workers expected (Bernoulli draws, no per-worker loop)."""
        total = weight.sum()
        if contacts <= 0 or total <= 0:
            return np.zeros(weight.size, dtype=bool)
        prob = np.minimum(1.0, contacts * weight / total)
        return self.model.weekly_rng.random(weight.size) < prob

    def _raise_consciousness(self, hours: float) -> None:
        """Outreach reaches workers near members first; each contact closes ``outreach_gain``
        of the gap to full consciousness [brief §1, §6]."""
        model, w, p = self.model, self.model.workers, self.model.params
        weight = 0.2 + model.member_exposure
        reached = self._reach(hours / p["hours_per_outreach"], weight)
        w.consciousness[reached] += p["outreach_gain"] * (1.0 - w.consciousness[reached])

    def _organize(self, hours: float) -> None:
        """Organizers approach non-members, the conscious and those near members first; whether
        an approached worker joins is decided with the other joining in step 7."""
        model, w, p = self.model, self.model.workers, self.model.params
        weight = (~w.member) * (w.consciousness * (0.2 + model.member_exposure))
        w.contacted[:] = self._reach(hours / p["hours_per_recruitment"], weight)

    def _advocate(self, hours: float) -> None:
        """Advocacy becomes pressure on the state, except what tokenistic invited spaces absorb
        [brief §3.4a]; allies and participation in collective action multiply it; a share builds
        legal capacity, and a judicial review is filed when it suffices [brief §2.14]."""
        model, p, state = self.model, self.model.params, self.model.state
        invited = hours * p["invited_space_share"]
        claimed = hours - invited
        self.absorbed = invited * state.tokenism
        base = invited * (1.0 - state.tokenism) + claimed * p["claimed_space_efficacy"]
        multiplier = (1.0 + p["alliance_pressure"] * self.alliance) * (
            1.0 + p["participation_pressure"] * model.participation_rate
        )
        self.effective_advocacy = base * multiplier
        state.add_pressure(self.effective_advocacy / self.thousands)
        self.legal_stock += hours * p["legal_share_of_advocacy"] / self.thousands
        if (
            self.legal_stock >= p["judicial_review_cost"]
            and not state.recognition
            and state.review_decision_week < 0
        ):
            self.legal_stock -= p["judicial_review_cost"]
            state.file_review(model.week)

    def _run_alternatives(self, hours: float) -> None:
        """Pos UKK posts serve ``members_per_pos_ukk`` members each; cooperatives hold
        ``hours / hours_per_coop_member`` members; places go to members by a fixed draw, so the
        same members keep them from week to week [brief §2.14, §6]."""
        w, p = self.model.workers, self.model.params
        pos_hours = hours * p["pos_ukk_share"]
        self.pos_ukk_posts = int(pos_hours // p["hours_per_pos_ukk"])
        self.coop_places = int((hours - pos_hours) / p["hours_per_coop_member"])
        members = max(int(w.member.sum()), 1)
        w.pos_ukk[:] = w.member & (w.service_draw < self.pos_ukk_posts * p["members_per_pos_ukk"] / members)
        w.coop[:] = w.member & (w.coop_draw < self.coop_places / members)

    def _build_alliances(self, hours: float) -> None:
        p = self.model.params
        gain = min(1.0, p["alliance_gain"] * hours / self.thousands)
        self.alliance += gain * (1.0 - self.alliance) - p["alliance_decay"] * self.alliance
        self.alliance = float(np.clip(self.alliance, 0.0, 1.0))

    def service_share(self) -> float:
        """Chance that a member gets a Pos UKK or cooperative place: the selective incentive of
        joining [brief §4.4, §4.7]."""
        places = self.pos_ukk_posts * self.model.params["members_per_pos_ukk"] + self.coop_places
        return min(1.0, places / max(int(self.model.workers.member.sum()), 1))

    def _record_cube(self, advocacy_hours: float) -> None:
        """Power Cube accounting of this week's hours [brief §3.1]: bargaining enters the
        subcontractors' closed spaces; advocacy in invited spaces is the invited share; the rest
        (outreach, organizing, alternatives, claimed-space advocacy, alliances) is claimed.
        Levels: alliances (HomeNet, ILO C177 campaigns) are global, advocacy national, the rest
        local."""
        h = self.hours
        invited = advocacy_hours * self.model.params["invited_space_share"] if self.active else 0.0
        self.effort_by_space = {
            "closed": h["bargaining"],
            "invited": invited,
            "claimed": sum(h.values()) - h["bargaining"] - invited,
        }
        self.effort_by_level = {
            "local": h["consciousness"] + h["organizing"] + h["bargaining"] + h["alternatives"],
            "national": h["advocacy"],
            "global": h["alliances"],
        }
