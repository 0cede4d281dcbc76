"""The kampung social graph and who works for which subcontractor, built without per-node loops.

Workers live in RT clusters of ``rt_size`` along the kampung; each starts ``ties_within_rt`` ties
inside her RT and ``ties_adjacent_rt`` ties into a neighbouring RT (wide bridges, [brief §4.3]),
and with probability ``long_tie_prob`` one long tie to anyone. Ties are undirected and
deduplicated, so the mean degree is a little under ``2 * (ties_within_rt + ties_adjacent_rt)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from rumahan.model.numerics import matvec


@dataclass(frozen=True)
class KampungGraph:
    """The social graph as a symmetric 0/1 CSR matrix plus what the weekly rules reuse.

    Attributes:
        adjacency: N x N symmetric CSR array, 1.0 for a tie.
        degree: number of ties per worker (float, for shares).
        rt: the RT cluster of each worker.
    """

    adjacency: sp.csr_array
    degree: NDArray[np.float64]
    rt: NDArray[np.int64]

    @cached_property
    def everyone_has_ties(self) -> bool:
        """Whether every worker has at least one tie (then no division needs a guard)."""
        return bool(np.all(self.degree > 0))

    def neighbour_mean(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        """Mean of ``values`` over each worker's neighbours; her own value if she has none."""
        total = matvec(self.adjacency, values)
        if self.everyone_has_ties:
            return np.divide(total, self.degree, out=total if total.dtype == np.float64 else None)
        out = values.astype(float, copy=True)
        np.divide(total, self.degree, out=out, where=self.degree > 0)
        return out

    def neighbour_share(self, mask: NDArray[np.bool_]) -> NDArray[np.float64]:
        """Share of each worker's neighbours for whom ``mask`` holds (0 with no neighbours)."""
        return self.share_of_neighbours(self.adjacency @ mask.astype(float))

    def share_of_neighbours(self, counts: NDArray[np.float64]) -> NDArray[np.float64]:
        """``counts`` (a number of neighbours per worker) as a share of her ties, in a new array;
        0 for a worker without ties."""
        if self.everyone_has_ties:
            return np.divide(counts, self.degree)
        out = np.zeros(counts.size)
        np.divide(counts, self.degree, out=out, where=self.degree > 0)
        return out

    def ties_of(self, rows: NDArray[np.int64]) -> NDArray[np.integer]:
        """The neighbours of each worker in ``rows``, concatenated (a neighbour of several of them
        appears once for each)."""
        starts = self.adjacency.indptr[rows].astype(np.int64)
        lengths = self.adjacency.indptr[rows + 1] - starts
        total = int(lengths.sum())
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return self.adjacency.indices[np.arange(total) + offsets]


def build_kampung_graph(
    n: int,
    rt_size: int,
    ties_within_rt: int,
    ties_adjacent_rt: int,
    long_tie_prob: float,
    rng: np.random.Generator,
) -> KampungGraph:
    """Build the clustered graph of ``n`` workers (see the module docstring)."""
    rt = np.arange(n, dtype=np.int64) // rt_size
    n_rt = int(rt[-1]) + 1 if n else 0
    rt_start = rt * rt_size
    rt_len = np.minimum(rt_size, n - rt_start)
    sources, targets = [], []
    nodes = np.arange(n, dtype=np.int64)
    for _ in range(ties_within_rt):
        sources.append(nodes)
        targets.append(rt_start + rng.integers(0, rt_len))
    if n_rt > 1:
        for _ in range(ties_adjacent_rt):
            step = np.where(rng.random(n) < 0.5, -1, 1)
            other = rt + step
            other = np.where((other < 0) | (other >= n_rt), rt - step, other)
            other_start = other * rt_size
            other_len = np.minimum(rt_size, n - other_start)
            sources.append(nodes)
            targets.append(other_start + rng.integers(0, other_len))
    has_long = rng.random(n) < long_tie_prob
    sources.append(nodes[has_long])
    targets.append(rng.integers(0, n, size=int(has_long.sum())))
    src = np.concatenate(sources) if sources else np.empty(0, np.int64)
    dst = np.concatenate(targets) if targets else np.empty(0, np.int64)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    rows = np.concatenate([src, dst])
    cols = np.concatenate([dst, src])
    adjacency = sp.csr_array(
        (np.ones(rows.size), (rows, cols)), shape=(n, n), dtype=float
    )
    adjacency.sum_duplicates()
    adjacency.data[:] = 1.0
    degree = np.diff(adjacency.indptr).astype(float)
    return KampungGraph(adjacency=adjacency, degree=degree, rt=rt)


def assign_pools(n: int, m: int, mixing: float, rng: np.random.Generator) -> NDArray[np.int64]:
    """Subcontractor of each worker: localities in order along the kampung, with a share
    ``mixing`` taking work from a neighbouring locality's subcontractor [brief §2.9]."""
    pool = (np.arange(n, dtype=np.int64) * m) // n
    if m > 1:
        moves = rng.random(n) < mixing
        step = np.where(rng.random(n) < 0.5, -1, 1)
        moved = np.clip(pool + step, 0, m - 1)
        pool = np.where(moves, moved, pool)
    return pool


def clustered_members(
    rt: NDArray[np.int64], share: float, clustering: float, rng: np.random.Generator
) -> NDArray[np.bool_]:
    """Initial members: a share ``share`` of workers, concentrated in organized RTs.

    A fraction ``share / p_in`` of RTs is organized and each worker there is a member with
    probability ``p_in = share + clustering * (1 - share)``: clustering 0 spreads members at
    random, clustering 1 fills whole RTs.
    """
    if share <= 0:
        return np.zeros(rt.size, dtype=bool)
    p_in = share + clustering * (1.0 - share)
    organized_rt = rng.random(int(rt.max()) + 1) < share / p_in
    return organized_rt[rt] & (rng.random(rt.size) < p_in)
