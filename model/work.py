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
* Every rupiah constant (costs, the defect penalty, medical costs, cooperative credit, dues, the
  debt limit) is in 2023 prices and follows the price level, so the rules are nominally
  homogeneous: scaling every rupiah input scales every rupiah output alike.
* Inspected subcontractors that underpay a binding floor are fined ``fine_multiple`` times the
  wages owed over ``back_pay_weeks`` [brief §6].
* Women whose work dries up may stop taking home work, and come back slowly
  (``leave_or_return_to_home_work``; off at ``home_work_exit_rate`` = 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from rumahan.model import compiled
from rumahan.model.agents.home_worker import FULL_TIME_HOURS, WorkerColumns
from rumahan.model.agents.subcontractor import SubcontractorColumns
from rumahan.model.calendar import price_index
from rumahan.model.events import Count, WeekLog
from rumahan.model.numerics import clip
from rumahan.model.policy import Policy
from rumahan.model.pools import Pools
from rumahan.model.rates import floor_gap


def do_work(workers: WorkerColumns, subcontractors: SubcontractorColumns, pools: Pools, policy: Policy,
            params: Mapping[str, Any], week: int, rng: np.random.Generator, log: WeekLog) -> None:
    """Allocate orders, produce, pay, update savings and health, fine violators (module docstring).

    Reads each worker's ``reservation`` and ``capacity`` for this week (set with the rates).
    """
    p, w, subs = params, workers, subcontractors
    index = price_index(week, p["price_growth"])
    if compiled.enabled():
        _produce_and_settle_compiled(w, subs, p, index, rng)
    else:
        _produce_and_settle(w, subs, pools, p, index, rng)
    _fine_violators(subs, policy, log)
    if p["home_work_exit_rate"] > 0 or not w.in_home_work.all():
        leave_or_return_to_home_work(w, p, rng)


def _produce_and_settle(w: WorkerColumns, subs: SubcontractorColumns, pools: Pools, p: Mapping[str, Any],
                        index: float, rng: np.random.Generator) -> None:
    """The rules of the module docstring in numpy: the readable reference that
    ``compiled.allocate_pieces`` and ``compiled.settle_week`` follow to the bit."""
    # The arithmetic below is the module docstring's, operation for operation; results go
    # straight into the worker columns, and each temporary array, once its quantity is no longer
    # needed, is reused (``out=``) under the name of the next one, so that a week does not
    # allocate a dozen N-length arrays.
    rate = subs.paid_rate[w.pool]
    accepting_capacity = np.where(w.reservation <= rate, w.capacity, 0.0)
    pool_capacity = pools.sum(accepting_capacity)
    fill = np.divide(subs.orders, pool_capacity, out=np.zeros(subs.m), where=pool_capacity > 0)
    np.minimum(fill, 1.0, out=fill)
    pieces = np.multiply(accepting_capacity, fill[w.pool], out=w.pieces)
    defects = np.minimum(rng.poisson(pieces * p["defect_rate"]), pieces, out=w.defects)
    good = pieces - defects
    gross = np.multiply(rate, good, out=rate)
    penalty = np.multiply(defects, p["defect_penalty"] * index, out=accepting_capacity)
    pay = np.subtract(gross, np.minimum(penalty, gross, out=penalty), out=w.pay)
    costs = np.multiply(pieces, p["cost_per_piece"], out=w.costs)
    costs += p["cost_per_week"] * (pieces > 0)
    costs *= index
    np.subtract(pay, costs, out=w.net)

    own_capacity = w.productivity * w.helper_factor
    strain = np.divide(pieces, own_capacity, out=own_capacity)  # her own hours
    unprotected = 1.0 - p["pos_ukk_health_protection"] * w.pos_ukk
    strain *= p["health_strain"]
    strain /= FULL_TIME_HOURS
    strain *= unprotected
    recovery = 1.0 - w.health
    recovery *= p["health_recovery"]
    health = np.subtract(w.health, strain, out=strain)
    health += recovery
    clip(health, 0.0, 1.0, out=w.health)
    medical = np.subtract(1.0, w.health, out=recovery)
    medical *= index * p["medical_cost"]
    medical *= unprotected
    savings = w.savings * (1.0 - p["savings_drawdown"])
    net_saved = np.multiply(w.net, p["savings_rate"], out=unprotected)
    savings += net_saved
    coop_credit = np.multiply(w.coop, p["coop_savings_boost"] * index, out=net_saved)
    savings += coop_credit
    savings -= medical
    dues = np.multiply(w.member, p["dues_weekly"] * index, out=coop_credit)
    savings -= dues
    np.maximum(-p["debt_limit"] * index, savings, out=w.savings)

    subs.good_pieces[:] = pools.sum(good)
    subs.value[:] = subs.price * subs.good_pieces
    subs.pay[:] = pools.sum(pay)


def _produce_and_settle_compiled(w: WorkerColumns, subs: SubcontractorColumns, p: Mapping[str, Any],
                                 index: float, rng: np.random.Generator) -> None:
    """``_produce_and_settle`` as two compiled passes over the workers (model/compiled.py), with
    the same defect draws between them."""
    compiled.allocate_pieces(subs.paid_rate, subs.orders, w.pool, w.reservation, w.capacity, w.pieces)
    defect_draws = rng.poisson(w.pieces * p["defect_rate"])
    constants = np.array([
        index, p["defect_penalty"] * index, p["cost_per_piece"], p["cost_per_week"],
        p["pos_ukk_health_protection"], p["health_strain"], FULL_TIME_HOURS, p["health_recovery"],
        index * p["medical_cost"], 1.0 - p["savings_drawdown"], p["savings_rate"],
        p["coop_savings_boost"] * index, p["dues_weekly"] * index, -p["debt_limit"] * index,
    ], dtype=float)
    subs.good_pieces[:] = 0.0
    subs.pay[:] = 0.0
    compiled.settle_week(subs.paid_rate, w.pool, w.pieces, defect_draws, w.productivity, w.helper_factor,
                         w.pos_ukk, w.coop, w.member, constants, w.defects, w.pay, w.costs, w.net, w.health,
                         w.savings, subs.good_pieces, subs.pay)
    subs.value[:] = subs.price * subs.good_pieces


def leave_or_return_to_home_work(workers: WorkerColumns, params: Mapping[str, Any], rng: np.random.Generator) -> None:
    """Exit from and entry into home work, from next week [brief §2.8, §4.8]: a woman taking home
    work stops with probability ``home_work_exit_rate * max(0, 1 - pieces / usual)``, ``usual``
    being her pieces a week on average over about ``home_work_memory`` weeks (an exponential
    average, started at her first week's pieces): work that falls short of what she is used to
    (a demand shock, lost orders, blacklisting) makes her give up. One who stopped takes it up
    again with probability ``home_work_entry_rate`` (her usual work is then forgotten). Pools
    thinned by a shock refill only slowly: a lasting effect. One uniform draw per worker, only
    while the mechanism acts (``home_work_exit_rate`` > 0 or someone is out)."""
    w, p = workers, params
    if compiled.enabled():
        draw = rng.random(w.n)
        compiled.leave_or_return(w.pieces, draw, p["home_work_exit_rate"], p["home_work_entry_rate"],
                                 p["home_work_memory"], w.in_home_work, w.usual_pieces)
        return
    working = w.in_home_work
    fresh = working & (w.usual_pieces == 0.0)
    np.copyto(w.usual_pieces, w.pieces, where=fresh)
    shortfall = np.divide(w.pieces, w.usual_pieces, out=np.ones(w.n), where=w.usual_pieces > 0)
    np.subtract(1.0, shortfall, out=shortfall)
    np.maximum(shortfall, 0.0, out=shortfall)
    # usual += (pieces - usual) / memory, for those working (in place, without gathering them)
    step = np.subtract(w.pieces, w.usual_pieces)
    step /= p["home_work_memory"]
    np.add(w.usual_pieces, step, out=w.usual_pieces, where=working)
    draw = rng.random(w.n)
    leaves = working & (draw < p["home_work_exit_rate"] * shortfall)
    returns = ~working & (draw < p["home_work_entry_rate"])
    w.in_home_work[leaves] = False
    w.in_home_work[returns] = True
    w.usual_pieces[returns] = 0.0


def _fine_violators(subs: SubcontractorColumns, policy: Policy, log: WeekLog) -> None:
    """Inspected subcontractors that underpay a binding floor pay ``fine_multiple`` times the
    wages owed over ``back_pay_weeks`` [brief §6]: the shortfall on the work the floor covers
    (``floor_gap``; framing exempts the rest [brief §2.14])."""
    if not subs.inspected.any():  # nobody inspected (always, without a floor): nobody caught
        subs.fines[:] = 0.0 * policy.fine_multiple * policy.back_pay_weeks
        log.count(Count.INSPECTIONS, 0)
        log.count(Count.FINES, 0)
        return
    caught = subs.inspected & ~subs.complies & (subs.paid_rate < policy.floor)
    owed = np.where(caught, floor_gap(subs.paid_rate, policy) * subs.good_pieces, 0.0)
    subs.fines[:] = policy.fine_multiple * policy.back_pay_weeks * owed
    log.count(Count.INSPECTIONS, np.count_nonzero(subs.inspected))
    log.count(Count.FINES, np.count_nonzero(caught))
