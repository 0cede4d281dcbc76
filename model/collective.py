"""Collective action as a threshold cascade on a social graph (Granovetter 1978; Watts 2002).

Pure functions (pinned name and signature, DESIGN §4). A node joins when the share of its
neighbours already taking part reaches its threshold [brief §4.1, §4.2]; joining is never undone
within a cascade, so the process is monotone and stops at the smallest fixed point that contains
the seeds.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from rumahan.model import compiled


def threshold_cascade(
    adjacency: ArrayLike | sp.sparray | sp.spmatrix,
    thresholds: ArrayLike,
    seeds: ArrayLike,
    active: ArrayLike | None = None,
) -> NDArray[np.bool_]:
    """Final participants of a threshold cascade.

    Node ``i`` joins when::

        sum_j A[i, j] * x[j] / sum_j A[i, j]  >=  thresholds[i]

    where ``x`` marks participants; with a 0/1 adjacency the left side is the share of ``i``'s
    neighbours taking part (a weighted adjacency gives a weighted share). A node with no
    neighbours sees a share of 0, so it joins only if its threshold is <= 0. Seeds always take
    part; ``active`` (boolean mask) limits who else may join. Rounds are synchronous and repeat
    until no one new joins, which takes at most N rounds.

    Granovetter's example: 100 people on a complete graph with thresholds 0, 1/99, ..., 99/99 of
    the others all join; raise the threshold-1 person to 2 and only the instigator acts.

    Args:
        adjacency: N x N non-negative matrix, anything ``scipy.sparse.csr_array`` accepts.
        thresholds: length-N thresholds (share of neighbours; <= 0 joins unconditionally).
        seeds: length-N boolean mask (or index array) of instigators.
        active: optional length-N boolean mask of who may join; default everyone.

    Returns:
        Boolean array of length N: who takes part at the fixed point.
    """
    a = sp.csr_array(adjacency, dtype=float)
    n = a.shape[0]
    if a.shape != (n, n):
        raise ValueError(f"adjacency must be square; got shape {a.shape}")
    if a.nnz and a.data.min() < 0:
        raise ValueError("adjacency must be non-negative")
    theta = np.asarray(thresholds, dtype=float)
    if theta.shape != (n,):
        raise ValueError(f"thresholds must have length {n}; got shape {theta.shape}")
    if np.isnan(theta).any():
        raise ValueError("thresholds must not be NaN")
    seed_mask = _as_mask(seeds, n, "seeds")
    active_mask = np.ones(n, dtype=bool) if active is None else _as_mask(active, n, "active")
    return cascade_csr(a.T.tocsr(), a.sum(axis=1), theta, seed_mask, active_mask)


def _as_mask(x: ArrayLike, n: int, name: str) -> NDArray[np.bool_]:
    arr = np.asarray(x)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise ValueError(f"{name} must have length {n}; got shape {arr.shape}")
        return arr.copy()
    mask = np.zeros(n, dtype=bool)
    idx = arr.astype(np.int64).ravel()
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ValueError(f"{name} indices must lie in [0, {n})")
    mask[idx] = True
    return mask


def cascade_csr(
    transpose: sp.csr_array,
    weighted_degree: NDArray[np.float64],
    thresholds: NDArray[np.float64],
    seeds: NDArray[np.bool_],
    active: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """The cascade's inner loop, for callers that keep the graph between calls (the model).

    ``transpose`` is the adjacency's transpose in CSR form (for a symmetric graph, the adjacency
    itself): row ``j`` lists the nodes that see ``j``. Each round adds only the newly joined nodes'
    weight to their neighbours' counts, so the total work is the degree sum of the participants,
    not rounds x edges. Only candidates (active non-seeds) are tracked, in a compact array of
    their own, and after the first round only the candidates a newly joined node sees are tested:
    the others' shares did not change, so they still fall short. Each candidate's exposure is the
    same sum, added in the same order, as over the whole graph. ``compiled.cascade`` gives the
    same participants from one compiled loop (a queue where tie weights are whole numbers, these
    rounds otherwise).
    """
    if compiled.enabled():  # whole-number tie weights (the model's graph): a compiled queue
        joined = compiled.cascade(transpose.indptr, transpose.indices, transpose.data, weighted_degree,
                                  thresholds, seeds, active)
        if joined.size == thresholds.size:
            return joined
    participating = seeds.copy()
    candidates = np.flatnonzero(active & ~participating)
    k = candidates.size
    if k == 0:
        return participating
    # node -> its position among the candidates; every other node goes to a sink, position k,
    # whose count is never read (cheaper than filtering the edges each round)
    slot = np.full(thresholds.size, k, dtype=np.intp)
    slot[candidates] = np.arange(k)
    degree = weighted_degree[candidates]
    theta = thresholds[candidates]
    has_ties = degree > 0
    everyone_tied = bool(has_ties.all())  # then shares need no guard against a zero degree
    # where each candidate's row of the graph starts, and its length (only candidates join after
    # the first round: looked up once here rather than in ``indptr`` every round)
    first_edge = transpose.indptr[candidates].astype(np.int64)
    row_length = transpose.indptr[candidates + 1] - first_edge
    newly_rows: tuple[NDArray[np.int64], NDArray[np.int64]] | None = None
    exposure = np.zeros(k + 1)
    waiting = np.ones(k + 1, dtype=bool)
    waiting[k] = False
    newly = np.flatnonzero(participating)
    test: NDArray[np.intp] | None = np.arange(k)  # the first round tests every candidate
    while True:
        if newly.size:
            neighbours, weights = _rows(transpose, newly, newly_rows)
            seen_by = slot[neighbours]
            exposure += np.bincount(seen_by, weights=weights, minlength=k + 1)
            if test is None:
                hit = np.zeros(k + 1, dtype=bool)
                hit[seen_by] = True
                hit &= waiting
                test = hit.nonzero()[0]
        if everyone_tied:  # exposure as a share of the weighted degree
            share = exposure[test] / degree[test]
        else:  # ... and 0 for an isolated candidate
            share = np.zeros(test.size)
            np.divide(exposure[test], degree[test], out=share, where=has_ties[test])
        joining = test[share >= theta[test]]
        if joining.size == 0:
            return participating
        waiting[joining] = False
        newly = candidates[joining]
        newly_rows = first_edge[joining], row_length[joining]
        participating[newly] = True
        test = None


#: From this many rows on, ``_rows`` lets scipy's C row indexing copy them (fewer passes than
#: numpy's gathers); below it, scipy's fixed cost per call is larger than the gathers.
_SCIPY_ROWS = 1000


def _rows(matrix: sp.csr_array, rows: NDArray[np.int64],
          extents: tuple[NDArray[np.int64], NDArray[np.int64]] | None = None) -> tuple[NDArray, NDArray]:
    """Column indices and values of the entries of ``rows`` of a CSR matrix, row after row;
    ``extents``, if given, are the rows' first positions and lengths (``indptr[rows]`` and
    ``indptr[rows + 1] - indptr[rows]``)."""
    if rows.size >= _SCIPY_ROWS:
        sub = matrix[rows]
        return sub.indices, sub.data
    at = _edge_positions(matrix.indptr, rows, extents)
    return matrix.indices[at], matrix.data[at]


def _edge_positions(indptr: NDArray, rows: NDArray[np.int64],
                    extents: tuple[NDArray[np.int64], NDArray[np.int64]] | None = None) -> NDArray[np.int64]:
    """Positions in a CSR matrix's ``indices``/``data`` of all entries of ``rows``, row by row
    (``extents``: as in ``_rows``)."""
    if extents is None:
        starts = indptr[rows].astype(np.int64)
        lengths = indptr[rows + 1] - starts
    else:
        starts, lengths = extents
    ends = np.cumsum(lengths)  # where each row's entries end in the result
    total = int(ends[-1]) if ends.size else 0
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.arange(total) + np.repeat(starts - ends + lengths, lengths)


def cascade_rounds(
    adjacency: ArrayLike | sp.sparray | sp.spmatrix,
    thresholds: ArrayLike,
    seeds: ArrayLike,
    active: ArrayLike | None = None,
) -> NDArray[np.int64]:
    """The round in which each node joins the cascade of ``threshold_cascade``: 0 for the seeds,
    ``r`` for a node that joins in synchronous round ``r``, and -1 for a node that never joins.

    The same cascade as ``threshold_cascade`` (same arguments, same checks), seen round by round,
    for teaching (the dashboard's collective-action lab steps through it). ``rounds >= 0`` is
    exactly ``threshold_cascade``'s result: only its participants are followed, and each one's
    exposure is the same sum, added in the same order, as in ``cascade_csr``. Round ``r`` tests
    every follower still waiting against the participants of rounds ``< r`` (round 1 also admits
    nodes whose threshold is <= 0 without any participant around them).

    Granovetter's ladder (100 people, thresholds 0, 1/99, ..., 99/99, no seeds) joins one person
    per round: person ``i`` in round ``i + 1``.
    """
    final = threshold_cascade(adjacency, thresholds, seeds, active)  # checks the inputs
    a = sp.csr_array(adjacency, dtype=float)
    n = a.shape[0]
    theta = np.asarray(thresholds, dtype=float)
    seed_mask = _as_mask(seeds, n, "seeds")
    transpose, degree = a.T.tocsr(), a.sum(axis=1)
    rounds = np.where(seed_mask, 0, -1).astype(np.int64)
    waiting = np.flatnonzero(final & ~seed_mask)
    exposure = np.zeros(n)
    newly = np.flatnonzero(seed_mask)
    round_ = 0
    while waiting.size:
        round_ += 1
        if newly.size:
            neighbours, weights = _rows(transpose, newly)
            exposure += np.bincount(neighbours, weights=weights, minlength=n)
        share = np.zeros(waiting.size)
        np.divide(exposure[waiting], degree[waiting], out=share, where=degree[waiting] > 0)
        joins = share >= theta[waiting]
        if not joins.any():  # cannot happen while the two agree; stop rather than loop
            break
        newly = waiting[joins]
        rounds[newly] = round_
        waiting = waiting[~joins]
    return rounds


def effective_thresholds(
    base: ArrayLike,
    consciousness: ArrayLike,
    earnings_to_ump: ArrayLike,
    retaliation_exposure: ArrayLike,
    savings_weeks: ArrayLike,
    grievance_weight: float,
    risk_weight: float,
) -> NDArray[np.float64]:
    """A member's effective participation threshold, as the model's collective-action phase
    derives it from her own threshold, grievance and retaliation risk [brief §4.1-§4.5]::

        theta_eff = base - grievance_weight * G + risk_weight * R
        G = consciousness * hardship,   hardship = clip(1 - earnings_to_ump, 0, 1)
        R = retaliation_exposure / (1 + max(savings_weeks, 0))

    Args:
        base: her own threshold (``threshold_mean`` + ``threshold_sd`` x a standard normal draw).
        consciousness: c in [0, 1].
        earnings_to_ump: monthly net earnings divided by the month's UMP.
        retaliation_exposure: her subcontractor's retaliation propensity x (1 - legal backing)
            x the state's hidden power factor.
        savings_weeks: her savings in weeks of the poverty line (thin savings make risk bite).
        grievance_weight, risk_weight: the parameters of the same names.

    Everything broadcasts. Computed in the order of ``model.action.collective_action``, so the
    two give the same numbers bit for bit (tests/model/test_collective_lab.py checks it).
    """
    hardship = np.clip(1.0 - np.asarray(earnings_to_ump, dtype=float), 0.0, 1.0)
    grievance = np.asarray(consciousness, dtype=float) * hardship
    risk = np.asarray(retaliation_exposure, dtype=float) / (1.0 + np.maximum(np.asarray(savings_weeks, dtype=float), 0.0))
    return np.asarray(base, dtype=float) - grievance_weight * grievance + risk_weight * risk
