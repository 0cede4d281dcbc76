"""Phase 5 of the week: orders become pieces, pay, costs, savings and health.

Vectorised over all workers. Rules and sources in docs/ODD.md §7 ("Work"):

* Orders go to the workers of a pool who accept its rate, in proportion to their capacity; a
  pool with more capacity than orders rations work ("waiting for orders", [brief SF4]).
* Spoiled pieces are penalised ``defect_penalty`` each, never more than the week's pay
  [brief §2.1]; principals pay only for good pieces.
* Workers bear costs per piece and per working week [brief §2.4]; net = pay - costs.
* Savings: ``s' = max(-debt_limit, (1 - drawdown) s + savings_rate * net + coop credit -
  medical - dues)``; health: ``h' = h - strain * hours/40 * (1 - Pos UKK protection) +
  recovery * (1 - h)`` [brief SF13].
* Inspected subcontractors that underpay a binding floor are fined ``fine_multiple`` times the
  wages owed over ``back_pay_weeks`` [brief §6].
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from model.agents.home_worker import FULL_TIME_HOURS
from model.rates import price_index

if TYPE_CHECKING:
    from model.model import PuttingOutModel


def do_work(model: PuttingOutModel, reservation: NDArray[np.float64], capacity: NDArray[np.float64]) -> None:
    """Allocate orders, produce, pay, and update savings and health (module docstring)."""
    p, w, subs, rng = model.params, model.workers, model.subcontractors, model.weekly_rng
    rate = subs.paid_rate[w.pool]
    accepting_capacity = np.where(reservation <= rate, capacity, 0.0)
    pool_capacity = np.bincount(w.pool, weights=accepting_capacity, minlength=subs.m)
    fill = np.divide(subs.orders, pool_capacity, out=np.zeros(subs.m), where=pool_capacity > 0)
    np.minimum(fill, 1.0, out=fill)
    pieces = accepting_capacity * fill[w.pool]
    defects = np.minimum(rng.poisson(pieces * p["defect_rate"]), pieces)
    good = pieces - defects
    gross = rate * good
    pay = gross - np.minimum(p["defect_penalty"] * defects, gross)
    index = price_index(model)
    costs = index * (p["cost_per_piece"] * pieces + p["cost_per_week"] * (pieces > 0))

    w.capacity[:] = capacity
    w.pieces[:] = pieces
    w.defects[:] = defects
    w.pay[:] = pay
    w.costs[:] = costs
    np.subtract(pay, costs, out=w.net)

    own_hours = pieces / (w.productivity * w.helper_factor)
    protection = p["pos_ukk_health_protection"] * w.pos_ukk
    strain = p["health_strain"] * own_hours / FULL_TIME_HOURS * (1.0 - protection)
    w.health[:] = np.clip(w.health - strain + p["health_recovery"] * (1.0 - w.health), 0.0, 1.0)
    medical = index * p["medical_cost"] * (1.0 - w.health) * (1.0 - protection)
    dues = p["dues_weekly"] * w.member
    w.savings[:] = np.maximum(
        -p["debt_limit"],
        (1.0 - p["savings_drawdown"]) * w.savings
        + p["savings_rate"] * w.net
        + p["coop_savings_boost"] * w.coop
        - medical
        - dues,
    )

    subs.good_pieces[:] = np.bincount(w.pool, weights=good, minlength=subs.m)
    subs.value[:] = subs.price * subs.good_pieces
    subs.pay[:] = np.bincount(w.pool, weights=pay, minlength=subs.m)
    _fine_violators(model)


def _fine_violators(model: PuttingOutModel) -> None:
    p, subs = model.params, model.subcontractors
    floor = model.state.floor(model.week)
    caught = subs.inspected & ~subs.complies & (subs.paid_rate < floor)
    owed = np.where(caught, (floor - subs.paid_rate) * subs.good_pieces, 0.0)
    subs.fines[:] = p["fine_multiple"] * p["back_pay_weeks"] * owed
    model.week_counts["inspections"] = int(subs.inspected.sum())
    model.week_counts["fines"] = int(caught.sum())
