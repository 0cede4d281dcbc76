"""The reference: a minimal hand-written numpy kernel of the same shape of weekly work as the model.

The model's throughput is reported as a ratio to this kernel's, measured in the same process run
on the same social graph, so that the figure means something on a noisy machine (both slow down
together). The kernel is what a careful programmer would write for the bare weekly update over
struct-of-arrays columns, with nothing else: no agents, no metrics, no bookkeeping. Each week:

1. a sparse neighbour mean: ``mean_c = (A @ c) / degree`` over the kampung graph (one sparse
   matrix-vector product), and consciousness moves toward it;
2. a threshold rule: a worker acts when the mean of her own and her neighbours' consciousness
   reaches her threshold;
3. a grouped rate rule per subcontractor via ``np.bincount``: each pool's acting share and
   capacity are summed per subcontractor, its rate rises with the acting share, and its orders
   are shared out over its capacity;
4. a savings update: pay minus costs, with a drawdown and a debt limit.

``KernelState.from_model`` takes the graph, pools and starting columns from a built
``PuttingOutModel``, so that both do their work over the same data. ``kernel_agrees_with_model``
checks the two pieces of arithmetic the kernel shares with the model (the neighbour mean and
the per-pool sums) against the model's own functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from rumahan.model import PuttingOutModel

#: Kernel coefficients (dimensionless or per week); arbitrary but in the model's ranges, so the
#: arithmetic stays finite and nothing saturates.
INFLUENCE = 0.05
DECAY = 0.002
RATE_UPLIFT = 0.5
SAVINGS_RATE = 0.1
DRAWDOWN = 0.02
DEBT_LIMIT = 1_000_000.0


@dataclass
class KernelState:
    """Columns the kernel updates (length N) and the fixed data it reads."""

    adjacency: sp.csr_array
    degree: NDArray[np.float64]
    pool: NDArray[np.int64]
    m: int
    threshold: NDArray[np.float64]
    capacity: NDArray[np.float64]
    base_rate: NDArray[np.float64]  # per pool (length M)
    orders: NDArray[np.float64]  # per pool (length M)
    cost_per_piece: float
    consciousness: NDArray[np.float64]
    acting: NDArray[np.bool_]
    savings: NDArray[np.float64]

    @classmethod
    def from_model(cls, model: PuttingOutModel) -> KernelState:
        """Copy the graph, pools, thresholds, capacities, prices and orders of a built model."""
        w, subs, p = model.workers, model.subcontractors, model.params
        capacity = w.full_capacity()
        return cls(
            adjacency=model.graph.adjacency,
            degree=model.graph.degree,
            pool=w.pool,
            m=subs.m,
            threshold=w.threshold.copy(),
            capacity=capacity,
            base_rate=0.5 * subs.base_price,
            orders=p["order_capacity_ratio"] * np.bincount(w.pool, weights=capacity, minlength=subs.m),
            cost_per_piece=float(p["cost_per_piece"]),
            consciousness=w.consciousness.copy(),
            acting=np.zeros(w.n, dtype=bool),
            savings=w.savings.copy(),
        )

    @property
    def n(self) -> int:
        return int(self.pool.size)


def neighbour_mean(adjacency: sp.csr_array, degree: NDArray[np.float64], values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Mean of ``values`` over each node's neighbours (its own value if it has none)."""
    out = values.copy()
    np.divide(adjacency @ values, degree, out=out, where=degree > 0)
    return out


def kernel_week(s: KernelState) -> None:
    """One week of the reference kernel (module docstring), in place."""
    c = s.consciousness
    mean_c = neighbour_mean(s.adjacency, s.degree, c)  # 1 sparse neighbour mean
    c += INFLUENCE * (mean_c - c) - DECAY * c
    np.clip(c, 0.0, 1.0, out=c)
    s.acting = 0.5 * (c + mean_c) >= s.threshold  # 2 threshold rule
    acting_by_pool = np.bincount(s.pool, weights=s.acting, minlength=s.m)  # 3 grouped rate rule
    size_by_pool = np.bincount(s.pool, minlength=s.m)
    capacity_by_pool = np.bincount(s.pool, weights=s.capacity, minlength=s.m)
    rate = s.base_rate * (1.0 + RATE_UPLIFT * acting_by_pool / np.maximum(size_by_pool, 1))
    fill = np.minimum(1.0, s.orders / np.maximum(capacity_by_pool, 1e-9))
    pieces = s.capacity * fill[s.pool]
    net = (rate[s.pool] - s.cost_per_piece) * pieces  # 4 savings update
    np.maximum((1.0 - DRAWDOWN) * s.savings + SAVINGS_RATE * net, -DEBT_LIMIT, out=s.savings)


def kernel_agrees_with_model(model: PuttingOutModel) -> dict[str, bool]:
    """Whether the kernel's shared arithmetic matches the model's own functions, bit for bit.

    Checks the sparse neighbour mean against ``KampungGraph.neighbour_mean`` and the per-pool
    capacity sum against the ``np.bincount`` the model's set-up uses for subcontractors' base
    orders (``order_capacity_ratio`` times the pool's full capacity, fixed for the run).
    """
    s = KernelState.from_model(model)
    c = model.workers.consciousness
    same_mean = np.array_equal(neighbour_mean(s.adjacency, s.degree, c), model.graph.neighbour_mean(c))
    same_orders = np.array_equal(s.orders, model.subcontractors.base_orders)
    return {"neighbour_mean": bool(same_mean), "orders_by_pool": bool(same_orders)}
