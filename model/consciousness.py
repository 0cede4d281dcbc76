"""Phase 7 of the week: consciousness (power within), joining and leaving the network.

Vectorised over all workers. Consciousness ``c`` moves by [brief §3.2-§3.4, §4.3]::

    dc = social_influence * (mean of neighbours' c - c)          kampung ties
       + experience_gain * acted * (1 - c)                       the experience of action
       - consciousness_decay * c                                 fading without praxis
       - framing_erosion * framing * c                           invisible power
       - tokenism_demobilization * tokenism * invited share * member * c   disappointment

Outreach acts when it happens (model/agents/network.py), and so do wins and defeats (``win``,
``defeat`` below, called where they happen: an agreement, a concession, a ruling).

A non-member joins with probability ``join_rate * c * exposure * (1 - joining_free_riding * d +
selective_incentive_weight * service)`` where exposure is the share of her neighbours who are
members, ``d`` the membership density of her intermediary's pool and service the chance a member
gets a Pos UKK or cooperative place; if organizers approached her this week she also joins with
probability ``recruitment_success * c * (1 - joining_free_riding * d)``. Free riding [brief §4.7]:
what a pool's members win (an agreement's rate) goes to every worker of that intermediary, so the
denser the pool, the less joining adds for her; selective incentives are hers only. A member
leaves with probability ``leave_rate * (1 - c) *
(1 + dues burden) + member_turnover + unserved_leave_rate * unserved``, the burden being dues over
her net earnings (capped at 1) [brief §4.4, §4.7] and ``unserved`` the share of members the
network's organizing hours could not keep in touch with this week (span of care, model/agents/network.py).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from rumahan.model import compiled
from rumahan.model.agents.home_worker import WorkerColumns
from rumahan.model.agents.subcontractor import SubcontractorColumns
from rumahan.model.calendar import price_index
from rumahan.model.events import Count, WeekLog
from rumahan.model.numerics import clip
from rumahan.model.policy import Policy
from rumahan.model.pools import Pools
from rumahan.model.social_graph import KampungGraph


def win(workers: WorkerColumns, gain: float, pools: NDArray[np.int64] | None = None) -> None:
    """A win: members (of ``pools`` only, for a collective agreement; all of them for a policy or
    court victory) gain ``gain`` (``win_gain``) of their gap to full consciousness [brief §3.3]."""
    w = workers
    winners = w.member if pools is None else w.member & np.isin(w.pool, pools)
    w.consciousness[winners] += gain * (1.0 - w.consciousness[winners])


def defeat(workers: WorkerColumns, loss: float) -> None:
    """A defeat (a rejected review): every member loses ``loss`` (``defeat_loss``) of her
    consciousness [brief §2.14]."""
    w = workers
    w.consciousness[w.member] *= 1.0 - loss


def update_consciousness(workers: WorkerColumns, graph: KampungGraph, policy: Policy, params: dict,
                         network_active: bool, invited_space_share: float) -> float:
    """Move consciousness one week; return the consciousness framing removed (summed)."""
    p, w = params, workers
    if compiled.enabled():  # the same arithmetic in one compiled pass, to the bit
        a = graph.adjacency
        framing = compiled.move_consciousness(
            a.indptr, a.indices, a.data, graph.degree, w.consciousness, w.participating, w.member,
            p["social_influence"], p["experience_gain"], p["consciousness_decay"],
            p["framing_erosion"] * policy.framing_intensity,
            p["tokenism_demobilization"] * policy.tokenism * invited_space_share, network_active)
        return float(framing.sum())
    c = w.consciousness
    framing_loss = p["framing_erosion"] * policy.framing_intensity * c
    # dc, term by term in the order written in the module docstring, in place
    dc = graph.neighbour_mean(c)
    dc -= c
    dc *= p["social_influence"]
    experience = np.multiply(w.participating, p["experience_gain"])
    experience *= 1.0 - c
    dc += experience
    decay = np.multiply(c, p["consciousness_decay"], out=experience)
    dc -= decay
    dc -= framing_loss
    if network_active:
        demobilization = np.multiply(w.member, p["tokenism_demobilization"] * policy.tokenism * invited_space_share,
                                     out=decay)
        demobilization *= c
        dc -= demobilization
    dc += c
    clip(dc, 0.0, 1.0, out=c)
    return float(framing_loss.sum())


def update_membership(workers: WorkerColumns, counts: MembershipCounts, service_share: float,
                      unserved_share: float, params: dict, network_active: bool, week: int,
                      rng: np.random.Generator, log: WeekLog) -> None:
    """Joining and leaving (module docstring); then ``counts`` follow (densities, exposure)."""
    p, w = params, workers
    if network_active and compiled.enabled():  # the same arithmetic in one compiled pass, to the bit
        draw = rng.random(w.n)
        joined, left = compiled.join_or_leave(
            w.member, w.participating, w.contacted, w.consciousness, counts.exposure,
            counts.subcontractors.density, w.pool, w.net, draw, p["join_rate"], p["recruitment_success"],
            p["joining_free_riding"], p["selective_incentive_weight"] * service_share,
            p["dues_weekly"] * price_index(week, p["price_growth"]), p["leave_rate"], p["member_turnover"],
            p["unserved_leave_rate"] * unserved_share)
        log.count(Count.JOINED, joined)
        log.count(Count.LEFT, left)
    elif network_active:
        c = w.consciousness
        selective = p["selective_incentive_weight"] * service_share
        recruited = p["recruitment_success"] * w.contacted * c
        if p["joining_free_riding"] > 0:
            # the gain a group wins goes to everyone its intermediary serves [brief §4.7]
            collective = 1.0 - p["joining_free_riding"] * counts.subcontractors.density[w.pool]
            incentive = collective + selective
            recruited = recruited * collective
        else:
            incentive = 1.0 + selective
        p_join = p["join_rate"] * c * counts.exposure * incentive
        p_join = 1.0 - (1.0 - np.minimum(p_join, 1.0)) * (1.0 - recruited)
        members = np.flatnonzero(w.member)  # leaving concerns members only
        dues = p["dues_weekly"] * price_index(week, p["price_growth"])
        burden = np.divide(dues, w.net[members], out=np.ones(members.size), where=w.net[members] > dues) \
            if dues > 0 else 0.0
        p_leave = p["leave_rate"] * (1.0 - c[members]) * (1.0 + burden) + p["member_turnover"]
        if unserved_share > 0:
            p_leave = p_leave + p["unserved_leave_rate"] * unserved_share
        draw = rng.random(w.n)
        joins = ~w.member & (draw < p_join)
        leaves = members[draw[members] < p_leave]
        w.member[joins] = True
        w.member[leaves] = False
        w.participating[leaves] = False  # only members take part in collective action
        log.count(Count.JOINED, np.count_nonzero(joins))
        log.count(Count.LEFT, leaves.size)
    counts.update(w.member)


class MembershipCounts:
    """What other phases read about membership, kept up to date from the workers who changed.

    Attributes:
        by_pool: members per pool (whole numbers, as floats).
        neighbours: member neighbours of each worker (whole numbers, as floats).
        exposure: share of each worker's ties who are members (0 without ties).

    ``update`` also writes each pool's membership density into ``subcontractors.density``. The
    counts are whole numbers, so updating them from the workers whose membership changed (a
    worker who joins adds one to each of her neighbours' counts) gives exactly a full recount.
    The graph is fixed for the run; when workers switch pools (model/switching.py), ``repool``
    recounts the members per pool.
    """

    def __init__(self, member: NDArray[np.bool_], graph: KampungGraph, pools: Pools,
                 subcontractors: SubcontractorColumns) -> None:
        self.graph, self.pools, self.subcontractors = graph, pools, subcontractors
        self.member = member.copy()
        self.by_pool = np.bincount(pools.pool, weights=member, minlength=pools.m)
        self.neighbours = graph.adjacency @ member.astype(float)
        self._refresh()

    def update(self, member: NDArray[np.bool_]) -> None:
        """Follow membership as it is now (whoever changed it)."""
        changed = np.flatnonzero(member != self.member)
        if changed.size:
            now = member[changed]
            sign = np.where(now, 1.0, -1.0)  # +1 for a worker who joined, -1 for one who left
            self.by_pool += np.bincount(self.pools.pool[changed], weights=sign, minlength=self.pools.m)
            self._add_to_neighbours(changed, sign)
            self.member[changed] = now
        self._refresh()

    def _add_to_neighbours(self, rows: NDArray[np.int64], sign: NDArray[np.float64]) -> None:
        """Add ``sign`` (+1 or -1 for each worker in ``rows``) to the count of each of her
        neighbours, once per tie. Counts are whole numbers (and so are their sums), so adding the
        signs per neighbour in one ``np.bincount`` (cheaper once the ties are more than a small
        share of the workers) or one by one (``np.add.at``) gives exactly the same counts as
        adding 1 for every joiner's tie and subtracting 1 for every leaver's."""
        ties = self.graph.ties_of(rows)
        if ties.size == 0:
            return
        indptr = self.graph.adjacency.indptr
        per_tie = np.repeat(sign, indptr[rows + 1] - indptr[rows])  # ties_of lists them row by row
        n = self.neighbours.size
        if ties.size * 16 >= n:
            self.neighbours += np.bincount(ties, weights=per_tie, minlength=n)
        else:
            np.add.at(self.neighbours, ties, per_tie)

    def repool(self, pools: Pools) -> None:
        """Follow new pools (after workers switched): recount members per pool and densities.
        Membership itself does not change."""
        self.pools = pools
        self.by_pool = np.bincount(pools.pool, weights=self.member, minlength=pools.m)
        self._refresh()

    def _refresh(self) -> None:
        subs = self.subcontractors
        subs.density[:] = self.by_pool / np.maximum(subs.pool_size, 1.0)
        self.exposure = self.graph.share_of_neighbours(self.neighbours)
