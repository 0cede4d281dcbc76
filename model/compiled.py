"""Compiled loops (numba) for the costliest weekly rules over home workers, to the bit.

At the default size (2,000 workers) a week is a few hundred numpy calls of a few microseconds
each: the calls, not the arithmetic, are the bill (docs/performance.md). The functions here do the
same arithmetic as the numpy reference (in ``rates.py``, ``bargaining.py``, ``work.py``,
``action.py``, ``collective.py`` and ``consciousness.py``; each function names its own) in one
pass over the workers, operation for operation and in the same order, so that every result is the
same to the bit; the random draws stay in numpy, outside these loops, so the random stream is the
same too. The numpy code stays the readable statement of each rule and the reference:
``tests/model/test_compiled.py`` runs whole models both ways and compares every column, week by
week, bit for bit.

Three rules about the arithmetic keep the two paths identical:

* sums per pool add the workers in increasing order from 0.0, as ``Pools.sum`` (scipy's CSR
  product) and ``np.bincount`` do;
* a product with a boolean column is written as a product with 1.0 or 0.0, and a sum of such a
  product is always made (``x + 0.0`` is not always ``x``: ``-0.0 + 0.0`` is ``0.0``);
* ``_minimum``/``_maximum`` are numpy's ``minimum``/``maximum`` for two numbers (the first
  argument wins a tie, as numpy's loops give it).

``enabled()`` says whether the compiled path is used: numba is installed and the environment
variable ``RUMAHAN_COMPILED`` is not ``0``. Compiled code is cached on disk (numba's ``cache``),
so only the first run on a machine pays the compilation (a few seconds).
"""

from __future__ import annotations

import os

import numpy as np
from numpy.typing import NDArray

try:
    import numba
except ImportError:  # pragma: no cover - numba is a dependency; the numpy path still runs without it
    numba = None

#: Environment variable that turns the compiled path off (``RUMAHAN_COMPILED=0``, read when this
#: module is imported): the numpy reference then runs every rule, with the same results, more slowly.
SWITCH = "RUMAHAN_COMPILED"
_use_compiled = numba is not None and os.environ.get(SWITCH, "1") != "0"


def enabled() -> bool:
    """Whether the weekly rules run compiled: numba is importable and ``RUMAHAN_COMPILED`` was not
    ``0`` at import (tests switch paths by setting ``_use_compiled``)."""
    return _use_compiled


def _jit(function):  # type: ignore[no-untyped-def]
    """numba's ``njit`` with numpy's semantics for division (no ZeroDivisionError), no fast-math
    (IEEE arithmetic, nothing reassociated or fused) and a cache on disk."""
    if numba is None:  # pragma: no cover
        return function
    return numba.njit(cache=True, error_model="numpy", fastmath=False)(function)


@_jit
def _minimum(a: float, b: float) -> float:
    return a if (a <= b or a != a) else b


@_jit
def _maximum(a: float, b: float) -> float:
    return a if (a >= b or a != a) else b


# --- phase 5, work ------------------------------------------------------------------------------
@_jit
def allocate_pieces(paid_rate: NDArray[np.float64], orders: NDArray[np.float64], pool: NDArray[np.int64],
                    reservation: NDArray[np.float64], capacity: NDArray[np.float64],
                    pieces: NDArray[np.float64]) -> None:
    """Orders to the workers who accept their pool's rate, in proportion to their capacity, capped
    at their capacity (``work.do_work``, first part): writes ``pieces``."""
    n, m = pool.size, orders.size
    pool_capacity = np.zeros(m)
    for i in range(n):
        pool_capacity[pool[i]] += capacity[i] if reservation[i] <= paid_rate[pool[i]] else 0.0
    fill = np.zeros(m)
    for j in range(m):
        if pool_capacity[j] > 0:
            fill[j] = orders[j] / pool_capacity[j]
        fill[j] = _minimum(fill[j], 1.0)
    for i in range(n):
        accepting = capacity[i] if reservation[i] <= paid_rate[pool[i]] else 0.0
        pieces[i] = accepting * fill[pool[i]]


@_jit
def settle_week(paid_rate: NDArray[np.float64], pool: NDArray[np.int64], pieces: NDArray[np.float64],
                defect_draws: NDArray[np.int64], productivity: NDArray[np.float64],
                helper_factor: NDArray[np.float64], pos_ukk: NDArray[np.bool_], coop: NDArray[np.bool_],
                member: NDArray[np.bool_], constants: NDArray[np.float64],
                defects: NDArray[np.float64], pay: NDArray[np.float64], costs: NDArray[np.float64],
                net: NDArray[np.float64], health: NDArray[np.float64], savings: NDArray[np.float64],
                good_by_pool: NDArray[np.float64], pay_by_pool: NDArray[np.float64]) -> None:
    """Defects, pay, costs, health and savings of the week, and good pieces and pay per pool
    (``work.do_work``, after the defect draws). ``constants`` holds, in this order: the price
    index; ``defect_penalty * index``; ``cost_per_piece``; ``cost_per_week``;
    ``pos_ukk_health_protection``; ``health_strain``; ``FULL_TIME_HOURS``; ``health_recovery``;
    ``index * medical_cost``; ``1 - savings_drawdown``; ``savings_rate``;
    ``coop_savings_boost * index``; ``dues_weekly * index``; ``-debt_limit * index``."""
    (index, penalty_each, cost_per_piece, cost_per_week, protection, strain_rate, full_time, recovery_rate,
     medical_each, kept, savings_rate, coop_credit, dues, floor) = constants
    for i in range(pool.size):
        rate = paid_rate[pool[i]]
        made = pieces[i]
        spoiled = _minimum(float(defect_draws[i]), made)
        defects[i] = spoiled
        good = made - spoiled
        gross = rate * good
        penalty = spoiled * penalty_each
        pay[i] = gross - _minimum(penalty, gross)
        cost = made * cost_per_piece
        cost += cost_per_week * (1.0 if made > 0 else 0.0)
        cost *= index
        costs[i] = cost
        net[i] = pay[i] - cost

        unprotected = 1.0 - protection * (1.0 if pos_ukk[i] else 0.0)
        strain = made / (productivity[i] * helper_factor[i])
        strain *= strain_rate
        strain /= full_time
        strain *= unprotected
        recovery = (1.0 - health[i]) * recovery_rate
        h = health[i] - strain
        h += recovery
        h = _minimum(_maximum(h, 0.0), 1.0)
        health[i] = h
        medical = (1.0 - h) * medical_each
        medical *= unprotected
        s = savings[i] * kept
        s += net[i] * savings_rate
        s += (1.0 if coop[i] else 0.0) * coop_credit
        s -= medical
        s -= (1.0 if member[i] else 0.0) * dues
        savings[i] = _maximum(floor, s)

        good_by_pool[pool[i]] += good
        pay_by_pool[pool[i]] += pay[i]


@_jit
def leave_or_return(pieces: NDArray[np.float64], draw: NDArray[np.float64], exit_rate: float, entry_rate: float,
                    memory: float, in_home_work: NDArray[np.bool_], usual_pieces: NDArray[np.float64]) -> None:
    """``work.leave_or_return_to_home_work`` after its one uniform draw per worker."""
    for i in range(pieces.size):
        working = in_home_work[i]
        usual = usual_pieces[i]
        if working and usual == 0.0:
            usual = pieces[i]
        shortfall = pieces[i] / usual if usual > 0 else 1.0
        shortfall = _maximum(1.0 - shortfall, 0.0)
        if working:
            usual = usual + (pieces[i] - usual) / memory
        if working and draw[i] < exit_rate * shortfall:
            in_home_work[i] = False
        elif not working and draw[i] < entry_rate:
            in_home_work[i] = True
            usual = 0.0
        usual_pieces[i] = usual


# --- phase 6, collective action ---------------------------------------------------------------------
@_jit
def cascade(indptr: NDArray[np.int32], indices: NDArray[np.int32], weights: NDArray[np.float64],
            degree: NDArray[np.float64], thresholds: NDArray[np.float64], seeds: NDArray[np.bool_],
            active: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """``collective.cascade_csr``: who takes part at the fixed point.

    Joining is monotone, so the fixed point (the smallest set that contains the seeds and everyone
    whose share of participating neighbours reaches her threshold) does not depend on the order in
    which people join; only the rounding of the exposures could. With whole-number tie weights (the
    model's kampung graph: 1.0 a tie) every exposure is a whole number, exact in any order, so
    a queue that follows each joiner's ties once gives exactly the synchronous rounds' result,
    with far less bookkeeping. At the first tie whose weight is not a whole number the queue
    gives up and returns an empty array: the caller then runs the numpy rounds."""
    n = thresholds.size
    participating = seeds.copy()
    waiting = active & ~participating
    exposure = np.zeros(n)
    queue = np.empty(n, dtype=np.int64)
    size = 0
    for k in range(n):
        if participating[k]:
            queue[size] = k
            size += 1
        elif waiting[k] and thresholds[k] <= 0.0:  # joins with no one around her (share 0)
            waiting[k] = False
            participating[k] = True
            queue[size] = k
            size += 1
    head = 0
    while head < size:
        j = queue[head]
        head += 1
        for e in range(indptr[j], indptr[j + 1]):
            k = indices[e]
            if not waiting[k]:
                continue
            weight = weights[e]
            if weight != np.floor(weight):
                return np.empty(0, dtype=np.bool_)
            exposure[k] += weight
            share = exposure[k] / degree[k] if degree[k] > 0 else 0.0
            if share >= thresholds[k]:
                waiting[k] = False
                participating[k] = True
                queue[size] = k
                size += 1
    return participating


# --- phase 4, rates -------------------------------------------------------------------------------
@_jit
def resort_by_pool_and_rate(reservation: NDArray[np.float64], pool: NDArray[np.int64], hint: NDArray[np.intp],
                            budget: int) -> NDArray[np.intp]:
    """``np.lexsort((reservation, pool))`` (workers by pool, then reservation rate, then index),
    by insertion sort from ``hint`` (last week's order, nearly sorted): the order is unique, so any
    exact sort gives it. Returns an empty array when more than ``budget`` moves would be needed
    (the caller then sorts afresh): insertion sort is quadratic on a shuffled order; and for a NaN
    rate, which this comparison cannot place as ``np.lexsort`` does."""
    order = hint.copy()
    moves = 0
    for t in range(order.size):
        i = order[t]
        g, r = pool[i], reservation[i]
        if r != r:
            return np.empty(0, dtype=order.dtype)
        s = t
        while s > 0:
            j = order[s - 1]
            if pool[j] < g or (pool[j] == g and (reservation[j] < r or (reservation[j] == r and j < i))):
                break
            order[s] = j
            s -= 1
        moves += t - s
        if moves > budget:
            return np.empty(0, dtype=order.dtype)
        order[s] = i
    return order


@_jit
def monopsony_rates_sorted(prices: NDArray[np.float64], reservation: NDArray[np.float64],
                           capacities: NDArray[np.float64], orders: NDArray[np.float64], order: NDArray[np.intp],
                           group_first: NDArray[np.intp], group_size: NDArray[np.intp], present: NDArray[np.int64],
                           rates: NDArray[np.float64]) -> None:
    """``bargaining.monopsony_rates_by_pool`` once the workers are sorted by pool and rate: the
    running capacity over the whole sorted order, supply at each rate counting ties, the margin
    ``(price - r) * min(orders, supply)`` and, per pool, the lowest rate of largest margin (written
    into ``rates``; pools where no rate earns a margin keep theirs)."""
    n = order.size
    cum = np.empty(n)
    total = 0.0
    for t in range(n):
        total += capacities[order[t]]
        cum[t] = total
    # capacity at the end of each run of equal (pool, rate): ties all count (back to front)
    at_run_end = np.empty(n)
    for q in range(group_first.size):
        first, last = group_first[q], group_first[q] + group_size[q] - 1
        at_run_end[last] = cum[last]
        for t in range(last - 1, first - 1, -1):
            same = reservation[order[t + 1]] == reservation[order[t]]
            at_run_end[t] = at_run_end[t + 1] if same else cum[t]
    for q in range(group_first.size):
        first, size, p = group_first[q], group_size[q], present[q]
        before = cum[first - 1] if first > 0 else 0.0
        best, best_rate = -np.inf, 0.0
        for t in range(first, first + size):
            r = reservation[order[t]]
            if r > prices[p]:
                continue
            margin = (prices[p] - r) * _minimum(orders[p], at_run_end[t] - before)
            if margin > best:
                best, best_rate = margin, r
        if best > -np.inf:
            rates[p] = best_rate


@_jit
def member_thresholds(active: NDArray[np.bool_], base: NDArray[np.float64], consciousness: NDArray[np.float64],
                      net: NDArray[np.float64], savings: NDArray[np.float64], pool: NDArray[np.int64],
                      exposure_by_pool: NDArray[np.float64], weeks_per_month: float, ump: float,
                      weekly_need: float, grievance_weight: float, risk_weight: float) -> NDArray[np.float64]:
    """Effective participation thresholds of the members who may act, ``+inf`` for everyone else
    (``action.collective_action``; the rule is ``collective.effective_thresholds``)."""
    threshold = np.full(active.size, np.inf)
    for i in range(active.size):
        if not active[i]:
            continue
        hardship = _minimum(_maximum(1.0 - net[i] * weeks_per_month / ump, 0.0), 1.0)
        grievance = consciousness[i] * hardship
        risk = exposure_by_pool[pool[i]] / (1.0 + _maximum(savings[i], 0.0) / weekly_need)
        threshold[i] = base[i] - grievance_weight * grievance + risk_weight * risk
    return threshold


@_jit
def reservation_rates(reservation_hourly: NDArray[np.float64], consciousness: NDArray[np.float64],
                      productivity: NDArray[np.float64], time_index: float, entitlement: float,
                      household_need_weight: float, other_income_scale: float, income_median: float, line: float,
                      cost_per_piece_indexed: float) -> NDArray[np.float64]:
    """``rates.reservation_rates`` outside collective talks: her hour's value (with her sense of
    entitlement and, if ``household_need_weight`` > 0, her household's shortfall) over her
    productivity, plus the cost and expected penalty per piece (``cost_per_piece_indexed``)."""
    out = np.empty(reservation_hourly.size)
    for i in range(out.size):
        hourly = reservation_hourly[i] * time_index * (1.0 + entitlement * consciousness[i])
        if household_need_weight > 0:
            other = other_income_scale * reservation_hourly[i] / income_median
            shortfall = _minimum(_maximum(1.0 - other / line, 0.0), 1.0)
            hourly *= 1.0 - household_need_weight * shortfall
        out[i] = hourly / productivity[i] + cost_per_piece_indexed
    return out


@_jit
def weekly_capacity(hours: NDArray[np.float64], productivity: NDArray[np.float64],
                    helper_factor: NDArray[np.float64], health: NDArray[np.float64],
                    participating: NDArray[np.bool_], blacklisted_until: NDArray[np.int64],
                    in_home_work: NDArray[np.bool_], action_hours: float, week: int) -> NDArray[np.float64]:
    """``rates.weekly_capacity``: full capacity scaled by health and by the hours last week's
    action took; zero while blacklisted or out of home work."""
    out = np.empty(hours.size)
    for i in range(out.size):
        action_share = _minimum(1.0, action_hours / hours[i]) * (1.0 if participating[i] else 0.0)
        available = 1.0 if (blacklisted_until[i] <= week and in_home_work[i]) else 0.0
        out[i] = hours[i] * productivity[i] * helper_factor[i] * health[i] * (1.0 - action_share) * available
    return out


# --- phase 7, consciousness and membership ----------------------------------------------------------
@_jit
def move_consciousness(indptr: NDArray[np.int32], indices: NDArray[np.int32], weights: NDArray[np.float64],
                       degree: NDArray[np.float64], consciousness: NDArray[np.float64],
                       participating: NDArray[np.bool_], member: NDArray[np.bool_], social_influence: float,
                       experience_gain: float, decay: float, framing: float, demobilization: float,
                       network_active: bool) -> NDArray[np.float64]:
    """``consciousness.update_consciousness``: every worker's consciousness moves one week, from
    last week's values (written back at the end); returns the framing removed from each worker
    (``framing`` is ``framing_erosion * framing_intensity``, ``demobilization`` is
    ``tokenism_demobilization * tokenism * invited_space_share``)."""
    n = consciousness.size
    moved = np.empty(n)
    framing_loss = np.empty(n)
    for i in range(n):
        c = consciousness[i]
        total = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            total += weights[e] * consciousness[indices[e]]
        dc = total / degree[i] if degree[i] > 0 else c
        dc -= c
        dc *= social_influence
        experience = (1.0 if participating[i] else 0.0) * experience_gain
        experience *= 1.0 - c
        dc += experience
        dc -= c * decay
        framing_loss[i] = framing * c
        dc -= framing_loss[i]
        if network_active:
            demobilized = (1.0 if member[i] else 0.0) * demobilization
            demobilized *= c
            dc -= demobilized
        dc += c
        moved[i] = _minimum(_maximum(dc, 0.0), 1.0)
    consciousness[:] = moved
    return framing_loss


@_jit
def join_or_leave(member: NDArray[np.bool_], participating: NDArray[np.bool_], contacted: NDArray[np.bool_],
                  consciousness: NDArray[np.float64], exposure: NDArray[np.float64],
                  density: NDArray[np.float64], pool: NDArray[np.int64], net: NDArray[np.float64],
                  draw: NDArray[np.float64], join_rate: float, recruitment_success: float, free_riding: float,
                  selective: float, dues: float, leave_rate: float, turnover: float,
                  unserved_leave: float) -> tuple[int, int]:
    """``consciousness.update_membership`` after its one uniform draw per worker: non-members join
    and members leave (``selective`` is ``selective_incentive_weight * service share``, ``dues``
    this week's dues in rupiah, ``unserved_leave`` ``unserved_leave_rate * unserved share``; the
    reference adds it only when the share is positive, and adding 0.0 to a probability >= 0 is
    the same number).
    Returns how many joined and how many left."""
    joined = left = 0
    for i in range(member.size):
        c = consciousness[i]
        if member[i]:
            burden = (dues / net[i] if net[i] > dues else 1.0) if dues > 0 else 0.0
            p_leave = leave_rate * (1.0 - c) * (1.0 + burden) + turnover + unserved_leave
            if draw[i] < p_leave:
                member[i] = False
                participating[i] = False
                left += 1
            continue
        recruited = recruitment_success * (1.0 if contacted[i] else 0.0) * c
        if free_riding > 0:
            collective = 1.0 - free_riding * density[pool[i]]
            incentive = collective + selective
            recruited = recruited * collective
        else:
            incentive = 1.0 + selective
        p_join = join_rate * c * exposure[i] * incentive
        p_join = 1.0 - (1.0 - _minimum(p_join, 1.0)) * (1.0 - recruited)
        if draw[i] < p_join:
            member[i] = True
            joined += 1
    return joined, left

