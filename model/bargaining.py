"""Bargaining over piece rates: generalized Nash, Rubinstein alternating offers, monopsony offers.

Pure, vectorised functions of numpy arrays (pinned names and signatures, DESIGN §4). All money
is in rupiah per piece (Rp/piece). The model's subcontractors and organized pools call these;
their tests check them against closed forms and brute force.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from rumahan.model import compiled


def _finite(name: str, x: NDArray) -> None:
    if not np.isfinite(x).all():
        raise ValueError(f"{name} must be finite; got {x[~np.isfinite(x)].ravel()[:3].tolist()}")


def nash_piece_rate(
    worker_disagreement: ArrayLike, firm_alternative_cost: ArrayLike, beta: ArrayLike
) -> NDArray[np.float64]:
    """Generalized Nash bargaining solution for the piece rate, per piece.

    With ``d_w`` the worker's disagreement value per piece (what a piece's worth of her time is
    worth to her outside this deal), ``c_alt`` the work giver's cost of getting the piece done
    elsewhere (so its disagreement payoff is ``v - c_alt`` for a piece worth ``v``) and ``beta``
    the workers' bargaining power, maximizing ``(r - d_w)**beta * (v - r - (v - c_alt))**(1-beta)``
    gives [brief §4.9]::

        r* = d_w + beta * (c_alt - d_w)

    so ``r* -> d_w`` as ``beta -> 0``, ``r* -> c_alt`` as ``beta -> 1``, and cheap relocation
    (``c_alt`` near ``d_w``) leaves ``r*`` near ``d_w`` whatever ``beta`` is.

    Where ``c_alt < d_w`` there is no surplus to share and no agreement: the function returns
    ``d_w`` there (the least the worker accepts; the work giver prefers to go elsewhere, which the
    caller models as exit).

    Args:
        worker_disagreement: ``d_w`` in Rp/piece (array or scalar).
        firm_alternative_cost: ``c_alt`` in Rp/piece (array or scalar).
        beta: bargaining power of the workers, each in [0, 1].

    Returns:
        The bargained rate in Rp/piece, broadcast over the inputs.

    Raises:
        ValueError: ``beta`` outside [0, 1], or any input not finite.

    >>> float(nash_piece_rate(200.0, 300.0, 0.5))
    250.0
    """
    d_w = np.asarray(worker_disagreement, dtype=float)
    c_alt = np.asarray(firm_alternative_cost, dtype=float)
    b = np.asarray(beta, dtype=float)
    for name, x in (("worker_disagreement", d_w), ("firm_alternative_cost", c_alt), ("beta", b)):
        _finite(name, x)
    if np.any((b < 0) | (b > 1)):
        raise ValueError(f"beta must lie in [0, 1]; got {b[(b < 0) | (b > 1)].ravel()[:3].tolist()}")
    surplus = np.maximum(c_alt - d_w, 0.0)
    return d_w + b * surplus


def rubinstein_share(delta_proposer: ArrayLike, delta_responder: ArrayLike) -> NDArray[np.float64]:
    """First proposer's share of the pie in Rubinstein's alternating-offers game [brief §4.10].

    The unique subgame-perfect equilibrium gives the first proposer::

        x* = (1 - delta_r) / (1 - delta_p * delta_r)

    agreed at once. With equal discount factors ``delta`` the share is ``1 / (1 + delta)``.

    Args:
        delta_proposer: per-round discount factor ``delta_p`` of the first proposer, in [0, 1].
        delta_responder: per-round discount factor ``delta_r`` of the responder, in [0, 1].

    Raises:
        ValueError: a discount factor outside [0, 1], or both equal to 1 (no impatience: the
            game has no unique solution).

    >>> float(rubinstein_share(0.5, 0.5))  # 1 / 1.5
    0.6666666666666666
    """
    dp = np.asarray(delta_proposer, dtype=float)
    dr = np.asarray(delta_responder, dtype=float)
    for name, x in (("delta_proposer", dp), ("delta_responder", dr)):
        _finite(name, x)
        if np.any((x < 0) | (x > 1)):
            raise ValueError(f"{name} must lie in [0, 1]; got {x[(x < 0) | (x > 1)].ravel()[:3].tolist()}")
    denominator = 1.0 - dp * dr
    if np.any(denominator == 0):
        raise ValueError("delta_proposer and delta_responder cannot both be 1 (no unique equilibrium)")
    return (1.0 - dr) / denominator


def patience_share(worker_rate: ArrayLike, firm_rate: ArrayLike) -> NDArray[np.float64]:
    """The workers' Rubinstein share when offers come fast: ``r_f / (r_w + r_f)`` [brief §4.10].

    With discount factors ``exp(-r_i * dt)`` and ``dt -> 0`` each side's share tends to the
    *other* side's impatience over the sum of both; this is the Nash ``beta`` the Rubinstein game
    implies. Rates are per week and must be positive.
    """
    rw = np.asarray(worker_rate, dtype=float)
    rf = np.asarray(firm_rate, dtype=float)
    if (rw <= 0).any() or (rf <= 0).any():
        raise ValueError("impatience rates must be positive")
    return rf / (rw + rf)


def monopsony_piece_rate(
    price: float, reservation_rates: ArrayLike, capacities: ArrayLike, orders: float
) -> float:
    """The uniform piece rate a monopsonist subcontractor offers one pool of workers.

    It maximizes the subcontractor's weekly margin [brief §4.11]::

        (price - r) * min(orders, sum(capacities[reservation_rates <= r]))

    Supply only changes at a reservation rate, and between two of them the margin falls as ``r``
    rises, so the optimum is one of the reservation rates at or below ``price``; the function
    evaluates them all (exact brute force, vectorised). Ties go to the lowest rate. If no worker
    accepts a rate at or below ``price``, no rate earns a margin and the function returns
    ``price`` (the most the subcontractor can offer without a loss).

    Args:
        price: Rp/piece the subcontractor receives from the principal.
        reservation_rates: lowest rate (Rp/piece) each worker accepts.
        capacities: pieces each worker can make this week (same length).
        orders: pieces ordered this week; ``numpy.inf`` for unlimited orders.

    Returns:
        The margin-maximizing rate in Rp/piece.

    >>> monopsony_piece_rate(10.0, [2.0, 4.0, 6.0], [1.0, 1.0, 1.0], np.inf)
    4.0
    """
    res = np.atleast_1d(np.asarray(reservation_rates, dtype=float))
    cap = np.atleast_1d(np.asarray(capacities, dtype=float))
    if res.shape != cap.shape:
        raise ValueError(
            f"reservation_rates and capacities must have the same length; got {res.size} and {cap.size}"
        )
    if np.isnan(orders) or orders < 0:
        raise ValueError(f"orders must be >= 0 (numpy.inf allowed); got {orders}")
    rates = monopsony_rates_by_pool(
        np.array([price], dtype=float), res, cap, np.array([orders], dtype=float),
        np.zeros(res.size, dtype=np.int64),
    )
    return float(rates[0])


def monopsony_rates_by_pool(
    prices: NDArray[np.float64],
    reservation_rates: NDArray[np.float64],
    capacities: NDArray[np.float64],
    orders: NDArray[np.float64],
    pool: NDArray[np.int64],
    order: NDArray[np.int64] | None = None,
    runs: PoolRuns | None = None,
) -> NDArray[np.float64]:
    """``monopsony_piece_rate`` for many pools at once (one per subcontractor).

    Args:
        prices: Rp/piece per pool (length M).
        reservation_rates: Rp/piece per worker (length N).
        capacities: pieces per worker this week (length N); zero for workers who cannot work.
        orders: pieces ordered per pool (length M); ``inf`` allowed.
        pool: pool index in ``[0, M)`` of each worker.
        order: optional permutation sorting workers by (pool, reservation rate), ties by index,
            i.e. ``np.lexsort((reservation_rates, pool))``; computed when not given. Callers that
            run every week pass ``pool_rate_order(reservation_rates, pool, last_weeks_order)``,
            which re-sorts last week's nearly sorted order in a fraction of a full sort.
        runs: optional ``pool_runs(pool)``: where each pool's workers start and end in that
            order, which depends on ``pool`` alone; callers whose pools rarely change keep it.

    Returns:
        Rates per pool (length M), Rp/piece.
    """
    _finite("prices", prices)
    _finite("reservation_rates", reservation_rates)
    _finite("capacities", capacities)
    rates = prices.astype(float)  # a copy: pools with no acceptable worker keep the price
    if reservation_rates.size == 0:
        return rates
    if order is None:
        order = pool_rate_order(reservation_rates, pool)
    if runs is None:
        runs = _runs_of_sorted(pool[order])
    g, same_group, group_first, group_size, present = runs
    if compiled.enabled():  # the same arithmetic in one compiled pass, to the bit
        compiled.monopsony_rates_sorted(prices, reservation_rates, capacities, orders, order, group_first,
                                        group_size, present, rates)
        return rates
    r = reservation_rates[order]
    cum = np.cumsum(capacities[order])
    # Supply at rate r counts every worker whose reservation rate is <= r, ties included:
    # take the cumulative capacity at the end of each run of equal (pool, rate). Without ties
    # every worker is a run of her own and that is ``cum`` itself.
    tied = same_group & (r[1:] == r[:-1])
    if tied.any():
        starts = np.empty(g.size, dtype=bool)
        starts[0] = True
        np.logical_not(tied, out=starts[1:])
        run_id = np.cumsum(starts) - 1
        run_end = np.flatnonzero(np.append(starts[1:], True))
        cum_at_run_end = cum[run_end][run_id]
    else:
        cum_at_run_end = cum
    # Pools are contiguous runs of the sorted workers (``runs``): per-pool values are spread over
    # their workers with np.repeat (cheaper than indexing by pool).
    before_group = np.where(group_first > 0, cum[group_first - 1], 0.0)
    supply = cum_at_run_end - np.repeat(before_group, group_size)
    price = np.repeat(prices[present], group_size)
    margin = (price - r) * np.minimum(np.repeat(orders[present], group_size), supply)
    margin[r > price] = -np.inf
    best = np.maximum.reduceat(margin, group_first)
    # Ties: the first (lowest-rate) worker in each pool whose margin equals the pool's best.
    candidates = np.flatnonzero((margin == np.repeat(best, group_size)) & np.isfinite(margin))
    if candidates.size:
        chosen_pool = g[candidates]
        first = np.append(True, chosen_pool[1:] != chosen_pool[:-1])
        rates[chosen_pool[first]] = r[candidates[first]]
    return rates


class PoolRuns(NamedTuple):
    """Workers sorted by pool, as runs of equal pool: what ``monopsony_rates_by_pool`` reads of
    ``pool[order]``, the same for every order that sorts by pool first (``pool_runs``).

    Attributes:
        sorted_pool: the pool of each position, ``np.sort(pool)``.
        same_group: whether each position is in the same pool as the one before (length N - 1).
        first: the first position of each pool present; size: its number of workers;
        present: the pools present, in increasing order.
    """

    sorted_pool: NDArray[np.int64]
    same_group: NDArray[np.bool_]
    first: NDArray[np.intp]
    size: NDArray[np.intp]
    present: NDArray[np.int64]


def pool_runs(pool: NDArray[np.int64]) -> PoolRuns:
    """The runs of ``pool`` sorted (``PoolRuns``), for ``monopsony_rates_by_pool(..., runs=)``."""
    return _runs_of_sorted(np.sort(pool, kind="stable"))


def _runs_of_sorted(g: NDArray[np.int64]) -> PoolRuns:
    same_group = g[1:] == g[:-1]
    group_first = np.flatnonzero(np.append(True, ~same_group))
    group_size = np.diff(np.append(group_first, g.size))
    return PoolRuns(g, same_group, group_first, group_size, g[group_first])


def pool_rate_order(
    reservation_rates: NDArray[np.float64], pool: NDArray[np.int64], hint: NDArray[np.intp] | None = None
) -> NDArray[np.intp]:
    """The permutation sorting workers by (pool, reservation rate), ties by index.

    Always exactly ``np.lexsort((reservation_rates, pool))``, computed faster: one stable sort of
    the float key ``pool * scale + (rate - lowest rate)``, of the workers in ``hint`` order when a
    previous order is given (a nearly sorted key sorts in close to linear time). ``scale`` is a
    power of two above the rates' range, so ``pool * scale`` is exact and the key never decreases
    when (pool, rate) increases; keys strictly increasing along the result therefore prove it is
    the (unique) lexicographic order. Where rounding made two keys equal the result is checked
    pair by pair against the exact (pool, rate, index) order, and where that check fails (or the
    numbers are too large or small for the argument) the function falls back to ``np.lexsort``.

    Args:
        reservation_rates: Rp/piece per worker.
        pool: pool index of each worker (whole numbers, as the model's are).
        hint: optional permutation of the workers to start from (e.g. last week's order).
    """
    n = reservation_rates.size
    if n < 2:
        return np.arange(n, dtype=np.intp)
    if hint is not None and hint.shape == (n,) and compiled.enabled():
        # insertion sort from the hint, while that costs less than a few passes over the workers
        order = compiled.resort_by_pool_and_rate(reservation_rates, pool, hint, 8 * n)
        if order.size == n:
            return order
    with np.errstate(all="ignore"):
        low = float(reservation_rates.min())
        span = float(reservation_rates.max()) - low
        largest_pool = max(abs(int(pool.min())), abs(int(pool.max())) + 1)
        scale = 2.0 ** (np.ceil(np.log2(span)) + 2.0) if 0.0 < span < 2.0**900 else 1.0
        if not (np.isfinite(span) and scale > 2.0**-900 and largest_pool < 2**52 and largest_pool * scale < 2.0**1000):
            return np.lexsort((reservation_rates, pool))
        key = pool * scale
        key += reservation_rates - low
    if hint is not None and hint.shape == (n,):
        key = key[hint]
        sort = np.argsort(key, kind="stable")
        order = hint[sort]
    else:
        sort = order = np.argsort(key, kind="stable")
    key = key[sort]
    if not (key[1:] > key[:-1]).all() and not _sorted_by_pool_and_rate(order, reservation_rates, pool):
        order = np.lexsort((reservation_rates, pool))
    return order


def _sorted_by_pool_and_rate(
    order: NDArray[np.intp], rates: NDArray[np.float64], pool: NDArray[np.int64]
) -> bool:
    """Whether ``order`` lists workers strictly increasing in (pool, rate, index): the unique
    order ``np.lexsort((rates, pool))`` returns."""
    g, r = pool[order], rates[order]
    g0, g1, r0, r1 = g[:-1], g[1:], r[:-1], r[1:]
    ok = (g1 > g0) | ((g1 == g0) & ((r1 > r0) | ((r1 == r0) & (order[1:] > order[:-1]))))
    return bool(ok.all())
