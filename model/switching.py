"""Phase 9 of the week (model 0.2, off by default): home workers switching between subcontractors.

Subcontractors compete for workers only through this rule [brief §8 Q1; §4.6: rate dispersion
between intermediaries, Rp275 against Rp300, is something workers compare with their
neighbours]. With ``switching_rate = 0`` (the default) it returns at once, draws no random
numbers and changes nothing, so every output of model 0.1 stays bit for bit the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from rumahan.model.agents.home_worker import WorkerColumns
from rumahan.model.agents.subcontractor import SubcontractorColumns
from rumahan.model.events import Count, WeekLog
from rumahan.model.pools import Pools
from rumahan.model.social_graph import KampungGraph


def best_reachable_pool(rate: NDArray[np.float64], pool: NDArray[np.int64],
                        graph: KampungGraph) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The best-paying pool each worker hears of through her ties, and its rate.

    A worker reaches her own pool and the pools of her kampung-graph neighbours. Returns, per
    worker, the pool paying the most among those (ties: her own pool first, then the neighbour
    listed first in the graph's rows) and that rate (Rp/piece). Vectorised over the graph's edges.
    """
    n = pool.size
    own = rate[pool]
    best_pool, best_rate = pool.copy(), own.copy()
    adjacency = graph.adjacency
    indptr, indices = adjacency.indptr, adjacency.indices
    if indices.size == 0:
        return best_pool, best_rate
    degree = np.diff(indptr)
    row = np.repeat(np.arange(n), degree)
    edge_pool = pool[indices]
    edge_rate = rate[edge_pool]
    has_ties = degree > 0
    row_max = np.full(n, -np.inf)
    row_max[has_ties] = np.maximum.reduceat(edge_rate, indptr[:-1][has_ties])
    better = row_max > own
    at_max = np.flatnonzero((edge_rate == row_max[row]) & better[row])
    first_rows, first = np.unique(row[at_max], return_index=True)
    best_pool[first_rows] = edge_pool[at_max[first]]
    best_rate[first_rows] = row_max[first_rows]
    return best_pool, best_rate


def switch_intermediaries(workers: WorkerColumns, subcontractors: SubcontractorColumns, graph: KampungGraph,
                          pools: Pools, params: Mapping[str, Any], week: int, rng: np.random.Generator,
                          log: WeekLog) -> Pools:
    """Workers move to a better-paying subcontractor they hear of; returns the week's pools.

    Rule (model 0.2, docs/ODD.md §7.1). After the week's work, a worker ``i`` in pool ``j``
    compares the rate her subcontractor paid this week, ``r_j``, with the best rate ``r_k`` paid
    by the subcontractor of any of her kampung neighbours (``best_reachable_pool``: she hears of
    rates through her ties [brief §4.3, §4.6]). If ``r_k > r_j`` and she is not blacklisted
    (``blacklisted_until <= week``), she moves to ``k`` with probability

        ``switching_rate * min(1, (r_k - r_j) / r_j)``   (``min(1, ...)`` is 1 when ``r_j <= 0``).

    A subcontractor takes on newcomers only for the orders it left undone this week,
    ``need_k = max(orders_k - pieces made in pool k, 0)`` (pieces): the movers it draws, in
    order of their row, are taken while the capacity (pieces/week) of those taken before each
    is below ``need_k``; the others stay. Members keep their membership (the network is the
    kampung's, not the pool's). Source: [brief §8 Q1] (competition among intermediaries) and
    assumption (the probability, the relative gap, and the need rule).

    One uniform number is drawn per worker with a positive gap who is not blacklisted, in row
    order, and only when ``switching_rate > 0``. When anyone moves, it writes
    ``workers.pool`` (a new array) and ``subcontractors.pool_size``, counts the moves
    (``Count.SWITCHES``) and returns a new ``Pools``; otherwise it returns ``pools`` itself.
    """
    rate_per_week = params["switching_rate"] * params["channel_switching"]
    if rate_per_week <= 0.0:
        return pools
    w, subs = workers, subcontractors
    rate = subs.paid_rate
    target, target_rate = best_reachable_pool(rate, w.pool, graph)
    own = rate[w.pool]
    candidates = np.flatnonzero((target_rate > own) & (w.blacklisted_until <= week))
    if candidates.size == 0:
        return pools
    own_c = own[candidates]
    gap = np.ones(candidates.size)
    positive = own_c > 0.0
    gap[positive] = np.minimum(1.0, (target_rate[candidates][positive] - own_c[positive]) / own_c[positive])
    movers = candidates[rng.random(candidates.size) < rate_per_week * gap]
    if movers.size == 0:
        return pools
    need = np.maximum(subs.orders - pools.sum(w.pieces), 0.0)
    destination = target[movers]
    by_destination = np.argsort(destination, kind="stable")  # row order within each destination
    movers, destination = movers[by_destination], destination[by_destination]
    capacity = w.capacity[movers]
    taken_before = np.cumsum(capacity) - capacity
    group_start = np.searchsorted(destination, destination, side="left")
    taken_before -= taken_before[group_start]
    accepted = taken_before < need[destination]
    movers, destination = movers[accepted], destination[accepted]
    if movers.size == 0:
        return pools
    pool = w.pool.copy()
    pool[movers] = destination
    w.pool = pool
    subs.pool_size[:] = np.bincount(pool, minlength=pools.m)
    log.count(Count.SWITCHES, int(movers.size))
    return Pools(pool, pools.m)
