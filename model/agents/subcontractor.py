"""Subcontractors (perantara): their state as columns and a thin Mesa agent view.

There are about N/100 of them, so at a million workers a Python step per subcontractor would
dominate the week; their rules (model/rates.py) run vectorised over ``SubcontractorColumns``
and a ``Subcontractor`` agent views one row. Money in Rp, orders in pieces/week.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from rumahan.model.agents.column_view import ColumnView


@dataclass
class SubcontractorColumns:
    """State of all subcontractors, one array per variable (length M).

    Fixed at set-up: ``base_price`` (Rp/piece from principals before price growth),
    ``base_orders`` (pieces/week), ``base_relocation_cost`` (Rp/piece at 2023 prices),
    ``retaliation`` (0-1
    propensity), ``risk_perception`` (how heavily it weighs expected fines), ``pool_size``
    (workers in its pool; changes only when workers switch, ``switching_rate``, model 0.2).

    Changing weekly: ``shock`` (log order shock), ``order_share`` (share of its base orders
    still placed locally: falls with exit and retaliation), ``orders`` (pieces this week),
    ``price`` (Rp/piece this week), ``relocation_cost`` (Rp/piece this week: the base times the
    price level), ``target`` (margin-maximizing offer), ``offer`` (posted,
    sticky), ``agreement_rate`` and ``agreement_until`` (collective agreement, week it ends),
    ``negotiation_blocked_until`` (after it retaliated against a demand),
    ``beta`` (pool's bargaining power), ``paid_rate``, ``complies`` (with the floor),
    ``inspected``, ``covered`` (agreement or enforced floor), ``density`` (members/pool),
    ``participation`` (participants/pool), ``failed`` (out of business: no orders until another
    intermediary takes the pool over, ``intermediary_failure_rate``), and last week's money:
    ``value``, ``pay``, ``fines``, ``good_pieces``.
    """

    base_price: NDArray[np.float64]
    base_orders: NDArray[np.float64]
    base_relocation_cost: NDArray[np.float64]
    relocation_cost: NDArray[np.float64]
    retaliation: NDArray[np.float64]
    risk_perception: NDArray[np.float64]
    pool_size: NDArray[np.float64]
    shock: NDArray[np.float64]
    order_share: NDArray[np.float64]
    orders: NDArray[np.float64]
    price: NDArray[np.float64]
    target: NDArray[np.float64]
    offer: NDArray[np.float64]
    agreement_rate: NDArray[np.float64]
    agreement_until: NDArray[np.int64]
    negotiation_blocked_until: NDArray[np.int64]
    beta: NDArray[np.float64]
    paid_rate: NDArray[np.float64]
    complies: NDArray[np.bool_]
    inspected: NDArray[np.bool_]
    covered: NDArray[np.bool_]
    density: NDArray[np.float64]
    participation: NDArray[np.float64]
    value: NDArray[np.float64]
    pay: NDArray[np.float64]
    fines: NDArray[np.float64]
    good_pieces: NDArray[np.float64]
    failed: NDArray[np.bool_]

    @property
    def m(self) -> int:
        return int(self.base_price.size)

    def has_agreement(self, week: int) -> NDArray[np.bool_]:
        return self.agreement_until > week


def draw_subcontractors(
    params: dict[str, Any], full_capacity_by_pool: NDArray[np.float64], pool_size: NDArray[np.float64],
    rng: np.random.Generator,
) -> SubcontractorColumns:
    """Initial draws for all subcontractors (docs/ODD.md §5)."""
    m = pool_size.size
    base_price = params["principal_price"] * np.exp(
        params["price_dispersion"] * rng.standard_normal(m) - params["price_dispersion"] ** 2 / 2
    )
    # Relocation costs and retaliation propensities differ between subcontractors around the mean.
    shape = 1.0 / params["relocation_cost_dispersion"] ** 2  # gamma with mean 1 and that cv
    relocation_cost = params["relocation_cost"] * rng.gamma(shape, 1.0 / shape, size=m)
    r, k = params["retaliation_propensity"], params["retaliation_concentration"]
    retaliation = rng.beta(k * r + 1e-9, k * (1 - r) + 1e-9, size=m) if 0 < r < 1 else np.full(m, r)
    retaliation = retaliation * params["channel_retaliation"]  # drawn either way: the stream stays
    stationary_sd = params["order_shock_sd"] / np.sqrt(1.0 - params["order_shock_persistence"] ** 2)
    zeros = np.zeros(m)
    return SubcontractorColumns(
        base_price=base_price,
        base_orders=params["order_capacity_ratio"] * full_capacity_by_pool,
        base_relocation_cost=relocation_cost,
        relocation_cost=relocation_cost.copy(),
        retaliation=retaliation,
        risk_perception=np.exp(params["risk_perception_dispersion"] * rng.standard_normal(m)),
        pool_size=pool_size,
        shock=stationary_sd * rng.standard_normal(m),
        order_share=np.ones(m),
        orders=zeros.copy(),
        price=base_price.copy(),
        target=zeros.copy(),
        offer=zeros.copy(),
        agreement_rate=zeros.copy(),
        agreement_until=np.full(m, -1, dtype=np.int64),
        negotiation_blocked_until=np.full(m, -1, dtype=np.int64),
        beta=np.full(m, params["beta_unorganized"]),
        paid_rate=zeros.copy(),
        complies=np.ones(m, dtype=bool),
        inspected=np.zeros(m, dtype=bool),
        covered=np.zeros(m, dtype=bool),
        density=zeros.copy(),
        participation=zeros.copy(),
        value=zeros.copy(),
        pay=zeros.copy(),
        fines=zeros.copy(),
        good_pieces=zeros.copy(),
        failed=np.zeros(m, dtype=bool),
    )


class Subcontractor(ColumnView):
    """One subcontractor (perantara): a view onto row ``row`` of ``model.subcontractors``.

    Its behaviour (monopsony offers, collective agreements, floor compliance, exit and
    retaliation) is in ``model.rates`` and runs for all subcontractors at once.
    """

    COLUMNS = "subcontractors"
    FIELDS = frozenset(f.name for f in fields(SubcontractorColumns))

    @property
    def workers(self) -> NDArray[np.int64]:
        """Rows of the home workers in its pool."""
        return np.flatnonzero(self.model.workers.pool == self.row)

    def __repr__(self) -> str:
        return f"Subcontractor(row={self.row}, offer={self.offer:.0f} Rp, paid={self.paid_rate:.0f} Rp)"
