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

from typing import TYPE_CHECKING

import numpy as np

from model.calendar import WEEKS_PER_MONTH, poverty_line_monthly, ump_monthly
from model.collective import cascade_csr

if TYPE_CHECKING:
    from model.model import PuttingOutModel


def collective_action(model: PuttingOutModel) -> None:
    """Decide who acts this week and who is blacklisted for it (module docstring)."""
    p, w, subs, week = model.params, model.workers, model.subcontractors, model.week
    available = w.blacklisted_until <= week
    active = w.member & available
    if not active.any():
        w.participating[:] = False
        subs.participation[:] = 0.0
        model.week_counts["blacklisted"] = 0
        return
    organizers = active & (w.consciousness >= p["organizer_consciousness"])
    ump = ump_monthly(week, p["ump_growth"])
    hardship = np.clip(1.0 - w.net * WEEKS_PER_MONTH / ump, 0.0, 1.0)
    grievance = w.consciousness * hardship
    weekly_need = poverty_line_monthly(week, p["poverty_line_growth"]) / WEEKS_PER_MONTH
    exposure_to_retaliation = subs.retaliation * (1.0 - model.state.legal_backing) * model.state.hidden_power_factor
    risk = exposure_to_retaliation[w.pool] / (1.0 + np.maximum(w.savings, 0.0) / weekly_need)
    threshold = w.threshold - p["grievance_weight"] * grievance + p["risk_weight"] * risk
    graph = model.graph
    w.participating[:] = cascade_csr(graph.adjacency, graph.degree, threshold, organizers, active)
    subs.participation[:] = np.bincount(w.pool, weights=w.participating, minlength=subs.m) / np.maximum(
        subs.pool_size, 1.0
    )
    exposed = w.participating & organizers
    chance = p["blacklist_probability"] * exposure_to_retaliation[w.pool]
    blacklisted = exposed & (model.weekly_rng.random(w.n) < chance)
    w.blacklisted_until[blacklisted] = week + p["blacklist_weeks"]
    model.week_counts["blacklisted"] = int(blacklisted.sum())
