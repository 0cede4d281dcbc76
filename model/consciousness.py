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
    # dc, term by term in the order written in the module docstring, in place
    dc = model.graph.neighbour_mean(c)
    dc -= c
    dc *= p["social_influence"]
    term = np.multiply(w.participating, p["experience_gain"])
    term *= 1.0 - c
    dc += term
    dc -= np.multiply(c, p["consciousness_decay"], out=term)
    dc -= framing_loss
    if model.network.active:
        demobilization = p["tokenism_demobilization"] * state.tokenism * p["invited_space_share"]
        term = np.multiply(w.member, demobilization, out=term)
        term *= c
        dc -= term
    dc += c
    np.clip(dc, 0.0, 1.0, out=c)
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
        members = np.flatnonzero(w.member)  # leaving concerns members only
        burden = np.minimum(1.0, p["dues_weekly"] / np.maximum(w.net[members], p["dues_weekly"] + 1e-9))
        p_leave = p["leave_rate"] * (1.0 - c[members]) * (1.0 + burden)
        draw = model.weekly_rng.random(w.n)
        joins = ~w.member & (draw < p_join)
        leaves = members[draw[members] < p_leave]
        w.member[joins] = True
        w.member[leaves] = False
        w.participating[leaves] = False  # only members take part in collective action
        model.week_counts["joined"] = int(np.count_nonzero(joins))
        model.week_counts["left"] = int(leaves.size)
    refresh_membership_views(model)


def refresh_membership_views(model: PuttingOutModel) -> None:
    """Recompute what other phases read about membership: pool density and member exposure.

    Both rest on counts (members per pool, member neighbours per worker) that change only where
    membership changed, so the counts are kept between calls and updated from the workers whose
    membership differs from the last call (whoever changed it); the counts are whole numbers, so
    they are exactly the ones a full recount gives.
    """
    subs = model.subcontractors
    counts: _MembershipCounts | None = getattr(model, "_membership_counts", None)
    if counts is None or not counts.fits(model):
        counts = model._membership_counts = _MembershipCounts(model)
    else:
        counts.update(model)
    subs.density[:] = counts.by_pool / np.maximum(subs.pool_size, 1.0)
    model.member_exposure = model.graph.share_of_neighbours(counts.neighbours)


class _MembershipCounts:
    """Members per pool and member neighbours per worker, as of the last ``update``.

    Needs the kampung graph's symmetric 0/1 adjacency (``model.social_graph.KampungGraph``):
    a worker who joins adds one to each of her neighbours' counts, one who leaves removes one.
    """

    def __init__(self, model: PuttingOutModel) -> None:
        w = model.workers
        self.graph = model.graph
        self.pool = w.pool.copy()
        self.member = w.member.copy()
        self.by_pool = np.bincount(w.pool, weights=w.member, minlength=model.subcontractors.m)
        self.neighbours = model.graph.adjacency @ w.member.astype(float)

    def fits(self, model: PuttingOutModel) -> bool:
        """Whether these counts belong to this model's graph and workers' pools."""
        w = model.workers
        return self.graph is model.graph and self.member.shape == w.member.shape and np.array_equal(self.pool, w.pool)

    def update(self, model: PuttingOutModel) -> None:
        member = model.workers.member
        changed = np.flatnonzero(member != self.member)
        if changed.size == 0:
            return
        joined, left = changed[member[changed]], changed[~member[changed]]
        m = self.by_pool.size
        self.by_pool += np.bincount(self.pool[joined], minlength=m)
        self.by_pool -= np.bincount(self.pool[left], minlength=m)
        np.add.at(self.neighbours, self.graph.ties_of(joined), 1.0)
        np.add.at(self.neighbours, self.graph.ties_of(left), -1.0)
        self.member[changed] = member[changed]
