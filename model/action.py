"""Phase 6 of the week: collective action as a threshold cascade, and retaliation by blacklisting.

Members who are not blacklisted may act; organizers (members whose consciousness reaches
``organizer_consciousness``) seed the cascade. A member acts when the share of her neighbours
acting reaches her effective threshold [brief §4.1-§4.5]::

    theta_eff = theta - grievance_weight * G + risk_weight * R
    G = consciousness * hardship,  hardship = 1 - monthly net earnings / UMP   (Epstein's H(1-L))
    R = retaliation propensity of her subcontractor * (1 - legal backing) * hidden power factor
        / (1 + savings in weeks of the poverty line)                (thin savings make risk bite)

Organizers who act may be blacklisted (no orders for ``blacklist_weeks``) with probability
``blacklist_probability * retaliation * (1 - legal backing) * hidden power factor`` [brief SF11];
the hidden power factor falls once home workers are counted in statistics (State).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from rumahan.model import compiled
from rumahan.model.agents.home_worker import WorkerColumns
from rumahan.model.agents.subcontractor import SubcontractorColumns
from rumahan.model.calendar import WEEKS_PER_MONTH, poverty_line_monthly, ump_monthly
from rumahan.model.collective import cascade_csr
from rumahan.model.events import Count, WeekLog
from rumahan.model.numerics import clip
from rumahan.model.policy import Policy
from rumahan.model.social_graph import KampungGraph


def collective_action(workers: WorkerColumns, subcontractors: SubcontractorColumns, graph: KampungGraph,
                      policy: Policy, params: Mapping[str, Any], week: int, rng: np.random.Generator,
                      log: WeekLog) -> float:
    """Decide who acts this week and who is blacklisted for it (module docstring); return the
    share of all workers who act."""
    p, w, subs = params, workers, subcontractors
    available = w.blacklisted_until <= week
    active = w.member & available & p["channel_cascade"]
    if not active.any():
        w.participating[:] = False
        subs.participation[:] = 0.0
        log.count(Count.BLACKLISTED, 0)
        return 0.0
    organizers = active & (w.consciousness >= p["organizer_consciousness"])
    ump = ump_monthly(week, p["ump_growth"])
    weekly_need = poverty_line_monthly(week, p["poverty_line_growth"]) / WEEKS_PER_MONTH
    exposure_to_retaliation = subs.retaliation * (1.0 - policy.legal_backing) * policy.hidden_power_factor
    # Only active members may join, so their thresholds are the only ones the cascade reads; the
    # others are left at +inf (never reached).
    if compiled.enabled():  # the same arithmetic in one compiled pass, to the bit
        threshold = compiled.member_thresholds(active, w.threshold, w.consciousness, w.net, w.savings, w.pool,
                                               exposure_to_retaliation, WEEKS_PER_MONTH, ump, weekly_need,
                                               p["grievance_weight"], p["risk_weight"])
    else:
        may_act = np.flatnonzero(active)
        hardship = clip(1.0 - w.net[may_act] * WEEKS_PER_MONTH / ump, 0.0, 1.0)
        grievance = w.consciousness[may_act] * hardship
        risk = exposure_to_retaliation[w.pool[may_act]] / (1.0 + np.maximum(w.savings[may_act], 0.0) / weekly_need)
        threshold = np.full(w.n, np.inf)
        threshold[may_act] = w.threshold[may_act] - p["grievance_weight"] * grievance + p["risk_weight"] * risk
    w.participating[:] = cascade_csr(graph.adjacency, graph.degree, threshold, organizers, active)
    acting_pool = w.pool[w.participating]
    subs.participation[:] = np.bincount(acting_pool, minlength=subs.m) / np.maximum(subs.pool_size, 1.0)
    exposed = np.flatnonzero(w.participating & organizers)
    draw = rng.random(w.n)  # one draw per worker, as always, to keep the stream
    chance = p["blacklist_probability"] * exposure_to_retaliation[w.pool[exposed]]
    blacklisted = exposed[draw[exposed] < chance]
    w.blacklisted_until[blacklisted] = week + p["blacklist_weeks"]
    log.count(Count.BLACKLISTED, blacklisted.size)
    return float(np.count_nonzero(w.participating) / w.n)  # = participating.mean(), faster
