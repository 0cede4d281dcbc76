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
from model.pools import pool_sums
from model.rates import price_index

if TYPE_CHECKING:
    from model.model import PuttingOutModel


def do_work(model: PuttingOutModel, reservation: NDArray[np.float64], capacity: NDArray[np.float64]) -> None:
    """Allocate orders, produce, pay, and update savings and health (module docstring)."""
    p, w, subs, rng = model.params, model.workers, model.subcontractors, model.weekly_rng
    # The arithmetic below is the module docstring's, operation for operation; results go
    # straight into the worker columns and temporaries are reused (``out=``) so that a week does
    # not allocate a dozen N-length arrays.
    rate = subs.paid_rate[w.pool]
    accepting_capacity = np.where(reservation <= rate, capacity, 0.0)
    by_pool = pool_sums(model)
    pool_capacity = by_pool @ accepting_capacity
    fill = np.divide(subs.orders, pool_capacity, out=np.zeros(subs.m), where=pool_capacity > 0)
    np.minimum(fill, 1.0, out=fill)
    pieces = np.multiply(accepting_capacity, fill[w.pool], out=w.pieces)
    defects = np.minimum(rng.poisson(pieces * p["defect_rate"]), pieces, out=w.defects)
    good = pieces - defects
    gross = np.multiply(rate, good, out=rate)
    penalty = np.multiply(defects, p["defect_penalty"], out=accepting_capacity)
    pay = np.subtract(gross, np.minimum(penalty, gross, out=penalty), out=w.pay)
    index = price_index(model)
    costs = np.multiply(pieces, p["cost_per_piece"], out=w.costs)
    costs += p["cost_per_week"] * (pieces > 0)
    costs *= index
    w.capacity[:] = capacity
    np.subtract(pay, costs, out=w.net)

    scratch = w.productivity * w.helper_factor
    strain = np.divide(pieces, scratch, out=scratch)  # her own hours
    unprotected = 1.0 - p["pos_ukk_health_protection"] * w.pos_ukk
    strain *= p["health_strain"]
    strain /= FULL_TIME_HOURS
    strain *= unprotected
    recovery = 1.0 - w.health
    recovery *= p["health_recovery"]
    health = np.subtract(w.health, strain, out=strain)
    health += recovery
    np.clip(health, 0.0, 1.0, out=w.health)
    medical = np.subtract(1.0, w.health, out=recovery)
    medical *= index * p["medical_cost"]
    medical *= unprotected
    savings = w.savings * (1.0 - p["savings_drawdown"])
    savings += np.multiply(w.net, p["savings_rate"], out=unprotected)
    savings += np.multiply(w.coop, p["coop_savings_boost"], out=unprotected)
    savings -= medical
    savings -= np.multiply(w.member, p["dues_weekly"], out=unprotected)
    np.maximum(-p["debt_limit"], savings, out=w.savings)

    subs.good_pieces[:] = by_pool @ good
    subs.value[:] = subs.price * subs.good_pieces
    subs.pay[:] = by_pool @ pay
    _fine_violators(model)


def _fine_violators(model: PuttingOutModel) -> None:
    p, subs = model.params, model.subcontractors
    floor = model.state.floor(model.week)
    caught = subs.inspected & ~subs.complies & (subs.paid_rate < floor)
    owed = np.where(caught, (floor - subs.paid_rate) * subs.good_pieces, 0.0)
    subs.fines[:] = p["fine_multiple"] * p["back_pay_weeks"] * owed
    model.week_counts["inspections"] = int(subs.inspected.sum())
    model.week_counts["fines"] = int(caught.sum())
