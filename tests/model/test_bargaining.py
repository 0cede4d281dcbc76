"""Bargaining mechanisms against their closed forms and against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from rumahan.model.bargaining import (
    monopsony_piece_rate,
    monopsony_rates_by_pool,
    nash_piece_rate,
    patience_share,
    rubinstein_share,
)

# --- Nash ---------------------------------------------------------------------------------------


def test_nash_closed_form_and_limits():
    assert nash_piece_rate(200.0, 300.0, 0.5) == pytest.approx(250.0)
    assert nash_piece_rate(200.0, 300.0, 0.0) == pytest.approx(200.0)  # beta -> 0: reservation
    assert nash_piece_rate(200.0, 300.0, 1.0) == pytest.approx(300.0)  # beta -> 1: firm's alternative
    rates = nash_piece_rate(np.array([100.0, 150.0]), np.array([200.0, 160.0]), np.array([0.25, 0.5]))
    np.testing.assert_allclose(rates, [125.0, 155.0])


@pytest.mark.parametrize("beta", [0.1, 0.3, 0.5, 0.8])
def test_nash_rate_maximizes_the_nash_product(beta):
    d_w, c_alt = 180.0, 320.0
    # Worker gain r - d_w; work giver's gain over disagreement (value - r) - (value - c_alt) = c_alt - r,
    # whatever the value of a piece.
    def negative_log_product(r):
        return -(beta * np.log(r - d_w) + (1 - beta) * np.log(c_alt - r))

    best = minimize_scalar(negative_log_product, bounds=(d_w + 1e-9, c_alt - 1e-9), method="bounded",
                           options={"xatol": 1e-10})
    assert nash_piece_rate(d_w, c_alt, beta) == pytest.approx(best.x, abs=1e-5)


def test_cheap_relocation_leaves_the_rate_at_the_reservation_whatever_beta():
    d_w = 200.0
    for beta in (0.2, 0.9):
        assert nash_piece_rate(d_w, d_w + 1.0, beta) - d_w <= 1.0


def test_nash_without_surplus_returns_the_disagreement_value():
    assert nash_piece_rate(300.0, 250.0, 0.7) == pytest.approx(300.0)


@pytest.mark.parametrize("beta", [-0.1, 1.5, np.nan])
def test_nash_rejects_bad_beta(beta):
    with pytest.raises(ValueError, match="beta"):
        nash_piece_rate(200.0, 300.0, beta)


def test_nash_rejects_non_finite_inputs():
    with pytest.raises(ValueError, match="worker_disagreement"):
        nash_piece_rate(np.inf, 300.0, 0.5)


# --- Rubinstein ---------------------------------------------------------------------------------


def test_rubinstein_closed_form():
    assert rubinstein_share(0.5, 0.5) == pytest.approx(1 / 1.5)
    assert rubinstein_share(0.9, 0.8) == pytest.approx((1 - 0.8) / (1 - 0.72))
    assert rubinstein_share(0.0, 0.7) == pytest.approx(0.3)  # an impatient proposer offers delta_r
    assert rubinstein_share(0.9, 0.0) == pytest.approx(1.0)  # an impatient responder takes anything


def test_rubinstein_matches_backward_induction():
    """The finite-horizon alternating-offers game converges to the infinite-horizon share."""
    dp, dr = 0.93, 0.85
    rounds = 2000  # p proposes in odd rounds, r in even ones; the last proposer takes all
    share = 1.0
    for t in range(rounds - 1, 0, -1):
        responder_delta = dr if t % 2 == 1 else dp
        # The proposer offers the responder what she would get by proposing next round, discounted.
        share = 1.0 - responder_delta * share
    assert share == pytest.approx(float(rubinstein_share(dp, dr)), abs=1e-9)


def test_rubinstein_tends_to_the_patience_share_as_rounds_shrink():
    r_w, r_f = 0.05, 0.01
    for dt in (1e-2, 1e-3, 1e-4):
        share = rubinstein_share(np.exp(-r_w * dt), np.exp(-r_f * dt))
    assert share == pytest.approx(float(patience_share(r_w, r_f)), abs=1e-3)
    assert patience_share(r_w, r_f) == pytest.approx(r_f / (r_w + r_f))


@pytest.mark.parametrize("dp, dr", [(1.0, 1.0), (-0.1, 0.5), (0.5, 1.2)])
def test_rubinstein_rejects_bad_discount_factors(dp, dr):
    with pytest.raises(ValueError):
        rubinstein_share(dp, dr)


# --- Monopsony ----------------------------------------------------------------------------------


def _brute_force(price, reservation, capacity, orders):
    """Margin at every candidate on a fine grid plus every reservation rate; best, lowest first."""
    grid = np.union1d(np.linspace(0.0, price, 4001), reservation[reservation <= price])
    supply = np.array([capacity[reservation <= r].sum() for r in grid])
    margin = (price - grid) * np.minimum(orders, supply)
    return grid, margin


@pytest.mark.parametrize("seed", range(8))
def test_monopsony_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    reservation = np.round(rng.uniform(100, 400, n), 1)  # rounding creates ties
    capacity = rng.uniform(0, 10, n)
    price = float(rng.uniform(200, 450))
    orders = float(rng.choice([np.inf, rng.uniform(0, capacity.sum())]))
    rate = monopsony_piece_rate(price, reservation, capacity, orders)
    _grid, margin = _brute_force(price, reservation, capacity, orders)
    supply_at_rate = capacity[reservation <= rate].sum()
    achieved = (price - rate) * min(orders, supply_at_rate)
    assert achieved == pytest.approx(margin.max(), rel=1e-12, abs=1e-9)
    if margin.max() > 0:
        # no strictly better rate anywhere, and ties go to the lowest maximizing reservation rate
        best_candidates = reservation[(reservation <= price)]
        best_candidates = best_candidates[
            np.isclose((price - best_candidates) * np.minimum(orders, [capacity[reservation <= r].sum() for r in best_candidates]),
                       margin.max(), rtol=1e-12)
        ]
        assert rate == pytest.approx(best_candidates.min())


def test_monopsony_uniform_reservations_gives_half_the_price():
    """Unit capacities with reservation rates uniform on [0, p]: (p - r) * r is maximal at p/2."""
    price = 400.0
    reservation = np.linspace(0.0, price, 40_001)
    rate = monopsony_piece_rate(price, reservation, np.ones_like(reservation), np.inf)
    assert rate == pytest.approx(price / 2, abs=0.02)


def test_monopsony_inverse_elasticity_rule():
    """Constant-elasticity supply S(r) = r**eps gives r* = p * eps / (1 + eps) [brief §4.11]."""
    price, eps = 420.0, 2.0
    reservation = np.linspace(0.01, price, 200_001)
    capacity = np.gradient(reservation**eps, reservation)  # density of S(r) = r**eps
    rate = monopsony_piece_rate(price, reservation, capacity, np.inf)
    assert rate == pytest.approx(price * eps / (1 + eps), rel=1e-3)


def test_binding_orders_set_the_rate_at_the_marginal_worker():
    reservation = np.array([100.0, 150.0, 200.0, 250.0])
    capacity = np.array([10.0, 10.0, 10.0, 10.0])
    # With a high price and 20 pieces ordered, the second-cheapest worker's rate fills the order.
    assert monopsony_piece_rate(1000.0, reservation, capacity, 20.0) == 150.0
    assert monopsony_piece_rate(1000.0, reservation, capacity, 0.0) == 100.0  # nothing to gain: lowest


def test_no_acceptable_rate_returns_the_price():
    assert monopsony_piece_rate(90.0, [100.0, 120.0], [1.0, 1.0], np.inf) == 90.0


def test_grouped_equals_one_call_per_pool():
    rng = np.random.default_rng(7)
    n, m = 600, 9
    pool = rng.integers(0, m, n)
    reservation = np.round(rng.lognormal(5.5, 0.2, n), 0)
    capacity = rng.uniform(100, 700, n)
    prices = rng.uniform(300, 450, m)
    orders = rng.uniform(0, 60_000, m)
    orders[0] = np.inf
    grouped = monopsony_rates_by_pool(prices, reservation, capacity, orders, pool)
    single = [monopsony_piece_rate(prices[j], reservation[pool == j], capacity[pool == j], orders[j]) for j in range(m)]
    np.testing.assert_array_equal(grouped, single)


def test_monopsony_input_errors():
    with pytest.raises(ValueError, match="same length"):
        monopsony_piece_rate(400.0, [1.0, 2.0], [1.0], np.inf)
    with pytest.raises(ValueError, match="orders"):
        monopsony_piece_rate(400.0, [1.0], [1.0], -5.0)
    with pytest.raises(ValueError, match="reservation_rates"):
        monopsony_piece_rate(400.0, [np.nan], [1.0], 1.0)
