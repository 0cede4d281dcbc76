"""Phase 7 of the week: consciousness (power within), joining and leaving the network.

Vectorised over all workers. Consciousness ``c`` moves by [brief §3.2-§3.4, §4.3]::

    dc = social_influence * (mean of neighbours' c - c)          kampung ties
       + experience_gain * acted * (1 - c)                       the experience of action
       - consciousness_decay * c                                 fading without praxis
       - framing_erosion * framing * c                           invisible power
       - tokenism_demobilization * tokenism * invited share * member * c   disappointment

(outreach, wins and defeats act when they happen: model/agents/network.py, model/model.py).

A non-member joins with probability ``join_rate * c * exposure * (1 + selective_incentive_weight
* service)`` where exposure is the share of her neighbours who are members and service the
chance a member gets a Pos UKK or cooperative place; if organizers approached her this week she
also joins with probability ``recruitment_success * c``. A member leaves with probability ``leave_rate * (1 - c) *
(1 + dues burden)``, the burden being dues over her net earnings (capped at 1) [brief §4.4, §4.7].
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from model.model import PuttingOutModel


def update_consciousness(model: PuttingOutModel) -> float:
    """Move consciousness one week; return the consciousness framing removed (summed)."""
    p, w, state = model.params, model.workers, model.state
    c = w.consciousness
    framing_loss = p["framing_erosion"] * state.framing_intensity * c
    dc = (
        p["social_influence"] * (model.graph.neighbour_mean(c) - c)
        + p["experience_gain"] * w.participating * (1.0 - c)
        - p["consciousness_decay"] * c
        - framing_loss
    )
    if model.network.active:
        dc -= p["tokenism_demobilization"] * state.tokenism * p["invited_space_share"] * w.member * c
    np.clip(c + dc, 0.0, 1.0, out=c)
    return float(framing_loss.sum())


def update_membership(model: PuttingOutModel) -> None:
    """Joining and leaving (module docstring); then pool densities and member exposure."""
    p, w = model.params, model.workers
    if model.network.active:
        c = w.consciousness
        exposure = model.member_exposure
        incentive = 1.0 + p["selective_incentive_weight"] * model.network.service_share()
        p_join = p["join_rate"] * c * exposure * incentive
        recruited = p["recruitment_success"] * w.contacted * c
        p_join = 1.0 - (1.0 - np.minimum(p_join, 1.0)) * (1.0 - recruited)
        burden = np.minimum(1.0, p["dues_weekly"] / np.maximum(w.net, p["dues_weekly"] + 1e-9))
        p_leave = p["leave_rate"] * (1.0 - c) * (1.0 + burden)
        draw = model.weekly_rng.random(w.n)
        joins = ~w.member & (draw < p_join)
        leaves = w.member & (draw < p_leave)
        w.member[joins] = True
        w.member[leaves] = False
        model.week_counts["joined"] = int(joins.sum())
        model.week_counts["left"] = int(leaves.sum())
    refresh_membership_views(model)


def refresh_membership_views(model: PuttingOutModel) -> None:
    """Recompute what other phases read about membership: pool density and member exposure."""
    w, subs = model.workers, model.subcontractors
    members = np.bincount(w.pool, weights=w.member, minlength=subs.m)
    subs.density[:] = members / np.maximum(subs.pool_size, 1.0)
    model.member_exposure = model.graph.neighbour_share(w.member)
