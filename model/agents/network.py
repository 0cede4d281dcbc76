"""The workers' network (JPRJ): its capacity and how it spends it across six strategies.

One Mesa agent. Each week (DESIGN §3 step 3) its capacity in organizer-hours, from allied NGOs
and members' volunteering and multiplied by alliances, is split by the six ``effort_*`` weights
(normalized) into consciousness-raising, organizing, collective bargaining, legal and policy
advocacy, alternative spaces (Pos UKK posts and cooperatives) and alliance building [brief §1].
Effects on workers are vectorised over the worker columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mesa
import numpy as np
from numpy.typing import NDArray

from rumahan.model import params as registry
from rumahan.model.agents.home_worker import WorkerColumns
from rumahan.model.agents.state import State
from rumahan.model.numerics import clip
from rumahan.model.policy import Policy
from rumahan.model.power_cube import LEVELS, SPACES

#: The network's levers: the registry's levers of the network group (a scenario may schedule them).
NETWORK_LEVERS: tuple[str, ...] = tuple(
    p.name for p in registry.PARAMETERS if p.role == "lever" and p.group == "network"
)
#: The six strategies, in the order of their ``effort_*`` weights in the registry.
EFFORT_PARAMETERS = registry.EFFORT_PARAMETERS
STRATEGIES: tuple[str, ...] = tuple(name.removeprefix("effort_") for name in EFFORT_PARAMETERS)


class AdvocacyNetwork(mesa.Agent):
    """The home workers' network as one actor.

    Attributes:
        levers: its levers now (``NETWORK_LEVERS``: whether it is active, its base capacity,
            the ``effort_*`` weights, the invited-space and Pos UKK shares), starting from the
            run's parameters; a scheduled change changes them, never the run's parameters.
        hours: organizer-hours spent this week per strategy (dict keyed by ``STRATEGIES``).
        alliance: alliance strength, 0-1.
        legal_stock: legal capacity accumulated toward a judicial review (organizer-hours per
            1,000 workers).
        pos_ukk_posts: Pos UKK posts running this week.
        coop_places: cooperative places this week (workers).
        negotiation_slots: collective negotiations or agreements it can hold this week.
        effort_by_space / effort_by_level: this week's hours by Power Cube space (``SPACES``)
            and level (``LEVELS``).
        absorbed: advocacy hours absorbed by tokenistic invited spaces this week.
        participation_rate: share of workers who took part in last week's collective action
            (it multiplies advocacy pressure).
        unserved_share: share of members the organizing hours could not keep in touch with this
            week (``member_upkeep_hours``), 0-1.
    """

    def __init__(self, model: mesa.Model, params: Mapping[str, Any], n_workers: int) -> None:
        super().__init__(model)
        self.params = params
        self.levers: dict[str, Any] = {name: params[name] for name in NETWORK_LEVERS}
        self.n_workers = n_workers
        self.hours = dict.fromkeys(STRATEGIES, 0.0)
        self.alliance = 0.0
        self.legal_stock = 0.0
        self.pos_ukk_posts = 0
        self.coop_places = 0
        self.negotiation_slots = 0
        self.absorbed = 0.0
        self.effective_advocacy = 0.0
        self.participation_rate = 0.0
        self.unserved_share = 0.0
        self.effort_by_space = dict.fromkeys(SPACES, 0.0)
        self.effort_by_level = dict.fromkeys(LEVELS, 0.0)

    @property
    def active(self) -> bool:
        return bool(self.levers["network_active"])

    @property
    def thousands(self) -> float:
        """Workers in the simulated area, in thousands: national-level quantities (pressure, legal
        capacity, alliances) and the allies' staff are counted per 1,000 workers, so the area's
        size changes the precision of the results, not the network's intensity."""
        return self.n_workers / 1000.0

    def capacity(self, members: float) -> float:
        """Organizer-hours this week: ``(base per 1,000 workers * thousands + volunteer_hours *
        members * (1 - volunteer_free_riding * membership share)) * (1 + alliance_pressure *
        alliance)`` (allies lend staff and reach; members volunteer less as the group grows)."""
        p = self.params
        return (self._staff_hours() + self._volunteer_hours(members)) * (1.0 + p["alliance_pressure"] * self.alliance)

    def _staff_hours(self) -> float:
        return self.levers["network_base_capacity"] * self.thousands

    def _volunteer_hours(self, members: float) -> float:
        p = self.params
        return p["volunteer_hours_per_member"] * members * (1.0 - p["volunteer_free_riding"] * (members / self.n_workers))

    def step(self, workers: WorkerColumns, member_exposure: NDArray[np.float64], policy: Policy, state: State,
             week: int, rng: np.random.Generator) -> None:
        """Phase 3: spend this week's capacity on the six strategies (module docstring)."""
        w = workers
        w.contacted[:] = False
        if not self.active:
            self.hours = dict.fromkeys(STRATEGIES, 0.0)
            w.pos_ukk[:] = False
            w.coop[:] = False
            self.unserved_share = 0.0
            self._record_cube(0.0)
            return
        weights = np.array([self.levers[e] for e in EFFORT_PARAMETERS], dtype=float)
        members = float(np.count_nonzero(w.member))
        capacity = self.capacity(members)
        self.hours = dict(zip(STRATEGIES, capacity * weights / weights.sum(), strict=True))
        self._raise_consciousness(w, member_exposure, self.hours["consciousness"], rng)
        recruiting = self._keep_in_touch(members, self.hours["organizing"])
        self._organize(w, member_exposure, recruiting, rng)
        self.negotiation_slots = int(self.hours["bargaining"] // self.params["hours_per_negotiation"])
        self._advocate(self.hours["advocacy"], policy, state, week)
        self._run_alternatives(w, self.hours["alternatives"])
        self._build_alliances(self.hours["alliances"])
        self._record_cube(self.hours["advocacy"])

    # --- strategies --------------------------------------------------------------------------
    @staticmethod
    def _reach(contacts: float, weight: NDArray[np.float64], rng: np.random.Generator) -> NDArray[np.bool_]:
        """Who the network reaches this week: each worker with probability proportional to
        ``weight``, ``contacts`` workers expected (Bernoulli draws, no per-worker loop)."""
        total = weight.sum()
        if contacts <= 0 or total <= 0:
            return np.zeros(weight.size, dtype=bool)
        prob = np.minimum(1.0, contacts * weight / total)
        return rng.random(weight.size) < prob

    def _raise_consciousness(self, w: WorkerColumns, member_exposure: NDArray[np.float64], hours: float,
                             rng: np.random.Generator) -> None:
        """Outreach reaches workers near members first; each contact closes ``outreach_gain``
        of the gap to full consciousness [brief §1, §6]."""
        p = self.params
        weight = 0.2 + member_exposure
        reached = self._reach(hours / p["hours_per_outreach"], weight, rng)
        w.consciousness[reached] += p["outreach_gain"] * (1.0 - w.consciousness[reached])

    def _keep_in_touch(self, members: float, hours: float) -> float:
        """Span of care: the staff's part of the organizing hours (staff over staff plus volunteer
        hours) serves members first, ``member_upkeep_hours`` each; volunteers campaign and recruit
        but do not run groups. Sets ``unserved_share``, the share of members nobody keeps in
        touch with, and returns the hours left for recruiting [brief §2.11, SF9]."""
        upkeep = self.params["member_upkeep_hours"] * members
        if upkeep <= 0:
            self.unserved_share = 0.0
            return hours
        staff = self._staff_hours()
        staff_hours = hours * staff / (staff + self._volunteer_hours(members)) if staff > 0 else 0.0
        served = min(staff_hours, upkeep)
        self.unserved_share = 1.0 - served / upkeep
        return hours - served

    def _organize(self, w: WorkerColumns, member_exposure: NDArray[np.float64], hours: float,
                  rng: np.random.Generator) -> None:
        """Organizers approach non-members, the conscious and those near members first; whether
        an approached worker joins is decided with the other joining in step 7."""
        p = self.params
        weight = (~w.member) * (w.consciousness * (0.2 + member_exposure))
        w.contacted[:] = self._reach(hours / p["hours_per_recruitment"], weight, rng)

    def _advocate(self, hours: float, policy: Policy, state: State, week: int) -> None:
        """Advocacy becomes pressure on the state, except what tokenistic invited spaces absorb
        [brief §3.4a]; allies and participation in collective action multiply it; a share builds
        legal capacity, and a judicial review is filed when it suffices [brief §2.14]."""
        p = self.params
        invited = hours * self.levers["invited_space_share"]
        claimed = hours - invited
        self.absorbed = invited * policy.tokenism
        base = invited * (1.0 - policy.tokenism) + claimed * p["claimed_space_efficacy"]
        multiplier = (1.0 + p["alliance_pressure"] * self.alliance) * (
            1.0 + p["participation_pressure"] * self.participation_rate
        )
        self.effective_advocacy = base * multiplier
        state.add_pressure(self.effective_advocacy / self.thousands)
        self.legal_stock += hours * p["legal_share_of_advocacy"] / self.thousands
        if (
            self.legal_stock >= p["judicial_review_cost"]
            and not state.levers["recognition"]
            and state.review_decision_week < 0
        ):
            self.legal_stock -= p["judicial_review_cost"]
            state.file_review(week)

    def _run_alternatives(self, w: WorkerColumns, hours: float) -> None:
        """Pos UKK posts serve ``members_per_pos_ukk`` members each; cooperatives hold
        ``hours / hours_per_coop_member`` members; places go to members by a fixed draw, so the
        same members keep them from week to week [brief §2.14, §6]."""
        p = self.params
        pos_hours = hours * self.levers["pos_ukk_share"]
        self.pos_ukk_posts = int(pos_hours // p["hours_per_pos_ukk"])
        self.coop_places = int((hours - pos_hours) / p["hours_per_coop_member"])
        members = max(int(np.count_nonzero(w.member)), 1)
        w.pos_ukk[:] = w.member & (w.service_draw < self.pos_ukk_posts * p["members_per_pos_ukk"] / members)
        w.coop[:] = w.member & (w.coop_draw < self.coop_places / members)

    def _build_alliances(self, hours: float) -> None:
        p = self.params
        gain = min(1.0, p["alliance_gain"] * hours / self.thousands)
        self.alliance += gain * (1.0 - self.alliance) - p["alliance_decay"] * self.alliance
        self.alliance = float(clip(self.alliance, 0.0, 1.0))

    def service_share(self, members: int) -> float:
        """Chance that one of ``members`` members gets a Pos UKK or cooperative place: the
        selective incentive of joining [brief §4.4, §4.7]."""
        places = self.pos_ukk_posts * self.params["members_per_pos_ukk"] + self.coop_places
        return min(1.0, places / max(members, 1))

    def _record_cube(self, advocacy_hours: float) -> None:
        """Power Cube accounting of this week's hours [brief §3.1]: bargaining enters the
        subcontractors' closed spaces; advocacy in invited spaces is the invited share; the rest
        (outreach, organizing, alternatives, claimed-space advocacy, alliances) is claimed.
        Levels: alliances (HomeNet, ILO C177 campaigns) are global, advocacy national, the rest
        local."""
        h = self.hours
        invited = advocacy_hours * self.levers["invited_space_share"] if self.active else 0.0
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
