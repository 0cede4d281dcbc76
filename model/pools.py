"""Which worker takes work from which subcontractor, and sums per subcontractor's pool.

``np.bincount(pool, weights=x, minlength=M)`` is how the model would say "add ``x`` up per
pool"; it is needed several times a week over all workers. A sparse ``M x N`` matrix with a 1 at
(pool of worker i, i) gives the same sums to the bit, several times faster (docs/performance.md).
Pools are fixed at set-up unless workers switch subcontractors (``switching_rate``, model 0.2,
model/switching.py): then a new ``Pools`` is built, only in the weeks when someone moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from rumahan.model.bargaining import PoolRuns, pool_runs
from rumahan.model.numerics import matvec


@dataclass(frozen=True)
class Pools:
    """The pool structure: each worker's subcontractor and the per-pool summing matrix.

    Attributes:
        pool: subcontractor index of each worker (length N; the same array as
            ``WorkerColumns.pool``).
        m: number of subcontractors.
        sums: the M x N matrix ``S`` with a 1 at (pool of worker i, i): ``S @ x`` sums ``x`` per
            pool, giving ``np.bincount(pool, weights=x, minlength=M)`` to the bit (each pool's
            workers added one by one in increasing order, starting from 0).
    """

    pool: NDArray[np.int64]
    m: int
    sums: sp.csr_array = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = self.pool.size
        object.__setattr__(self, "sums", sp.csr_array((np.ones(n), (self.pool, np.arange(n))), shape=(self.m, n)))

    @cached_property
    def runs(self) -> PoolRuns:
        """Workers sorted by pool, as runs (``bargaining.pool_runs``), for the monopsony offers."""
        return pool_runs(self.pool)

    def sum(self, x: NDArray[np.float64] | NDArray[np.bool_]) -> NDArray[np.float64]:
        """``x`` (length N, float or boolean) summed per pool: ``sums @ x`` to the bit, through
        ``numerics.matvec`` (scipy's product without its Python layers)."""
        return matvec(self.sums, x)
