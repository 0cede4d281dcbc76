"""Sums per subcontractor's pool of a worker column, as a fixed sparse matrix.

``np.bincount(pool, weights=x, minlength=M)`` is how the model would say "add ``x`` up per
pool"; it is called several times a week over all workers. A sparse ``M x N`` matrix with a 1 at
(pool of worker i, i) gives the same sums to the bit, several times faster (docs/performance.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from model.model import PuttingOutModel


def pool_sums(model: PuttingOutModel) -> sp.csr_array:
    """The M x N matrix ``S`` with a 1 at (pool of worker i, i): ``S @ x`` sums ``x`` per pool.

    It gives ``np.bincount(pool, weights=x, minlength=M)`` to the bit (each pool's workers added
    one by one in increasing order, starting from 0) in a fraction of the time. Kept on the model
    and rebuilt whenever the workers' pools are not the ones it was built from.
    """
    w, m = model.workers, model.subcontractors.m
    cached = getattr(model, "_pool_sums", None)
    if cached is None or cached[0].shape != (m, w.n) or not np.array_equal(cached[1], w.pool):
        matrix = sp.csr_array((np.ones(w.n), (w.pool, np.arange(w.n))), shape=(m, w.n))
        cached = model._pool_sums = (matrix, w.pool.copy())
    return cached[0]
