"""The model's fast paths give, to the bit, what the straightforward versions they replaced give.

Performance work on the model (docs/performance.md) must not change a single output bit for the
same parameters and seed. Each fast path is checked here against the plain computation it stands
for, on random and adversarial inputs: the (pool, rate) sort against ``np.lexsort``, the monopsony
with and without a given order, the cascade against the whole-graph ``np.bincount`` version it
replaced, the kept membership counts against a full recount, the unguarded neighbour shares
against the guarded division; and those of issue 15 (faster weekly bookkeeping): scipy's product
and numpy's clip called without their Python layers, the metrics' mean and coefficient of variation
written out, the monopsony with pool runs kept between weeks, and the state's policy snapshot
reused within a week.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from rumahan.model import PuttingOutModel
from rumahan.model.bargaining import monopsony_rates_by_pool, pool_rate_order
from rumahan.model.collective import cascade_csr
from rumahan.model.social_graph import build_kampung_graph


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _rates(rng: np.random.Generator, n: int, kind: int) -> np.ndarray:
    return {
        0: lambda: rng.random(n) * 300,
        1: lambda: rng.integers(0, 4, n).astype(float),  # many ties
        2: lambda: rng.standard_normal(n) * 1e200,  # huge spread
        3: lambda: 1e-300 * rng.random(n),  # tiny spread
        4: lambda: 5.0 + rng.random(n) * 1e-12,  # nearly equal
        5: lambda: np.where(rng.random(n) < 0.5, 0.0, -0.0),  # signed zeros
        6: lambda: 1e-310 * rng.integers(0, 5, n),  # subnormal
    }[kind]()


@pytest.mark.parametrize("seed", range(6))
def test_pool_rate_order_is_lexsort(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for trial in range(300):
        n, m = int(rng.integers(0, 200)), int(rng.integers(1, 30))
        pool = rng.integers(0, m, n)
        if trial % 5 == 1:
            pool = pool + 10**6
        if trial % 5 == 2:
            pool = rng.integers(2**53, 2**53 + 4, n)  # beyond exact float conversion
        rates = _rates(rng, n, trial % 7)
        expected = np.lexsort((rates, pool))
        hints = (None, rng.permutation(n), np.lexsort((rates + rng.random(n), pool)))
        for hint in hints:
            assert np.array_equal(pool_rate_order(rates, pool, hint), expected)


@pytest.mark.parametrize("seed", range(4))
def test_monopsony_with_a_given_order_and_against_brute_force(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    for _ in range(300):
        n, m = int(rng.integers(0, 120)), int(rng.integers(1, 8))
        pool = rng.integers(0, m, n)
        rates = np.round(rng.random(n) * 20, int(rng.integers(0, 3)))  # ties at 0 decimals
        capacity = rng.integers(0, 30, n).astype(float)  # whole numbers: sums are exact in any order
        prices = rng.random(m) * 25
        orders = rng.random(m) * 300
        orders[rng.random(m) < 0.3] = np.inf
        plain = monopsony_rates_by_pool(prices, rates, capacity, orders, pool)
        ordered = monopsony_rates_by_pool(prices, rates, capacity, orders, pool, np.lexsort((rates, pool)))
        assert _same(plain, ordered)
        for j in range(m):  # the documented rule, pool by pool
            mine = pool == j
            best_rate, best_margin = prices[j], -np.inf
            for r in np.unique(rates[mine]):
                if r > prices[j]:
                    continue
                margin = (prices[j] - r) * min(orders[j], capacity[mine & (rates <= r)].sum())
                if margin > best_margin:
                    best_rate, best_margin = r, margin
            assert plain[j] == best_rate


def _cascade_over_all_nodes(transpose, weighted_degree, thresholds, seeds, active):
    """The cascade as first written: exposure over all nodes, every candidate tested every round."""
    participating = seeds.copy()
    exposure = np.zeros(thresholds.size)
    candidates = active & ~participating
    newly = np.flatnonzero(participating)
    while True:
        for j in newly:
            row = slice(transpose.indptr[j], transpose.indptr[j + 1])
            exposure += np.bincount(transpose.indices[row], weights=transpose.data[row], minlength=thresholds.size)
        share = np.zeros_like(exposure)
        np.divide(exposure, weighted_degree, out=share, where=weighted_degree > 0)
        newly = np.flatnonzero(candidates & (share >= thresholds))
        if newly.size == 0:
            return participating
        participating[newly] = True
        candidates[newly] = False


def _cascade_whole_graph(transpose, weighted_degree, thresholds, seeds, active):
    """Same, with one ``np.bincount`` per round over the newly joined nodes' rows (the order of
    terms the fast version must reproduce)."""
    participating = seeds.copy()
    exposure = np.zeros(thresholds.size)
    candidates = active & ~participating
    newly = np.flatnonzero(participating)
    while True:
        if newly.size:
            cols = np.concatenate([transpose.indices[transpose.indptr[j]:transpose.indptr[j + 1]] for j in newly])
            data = np.concatenate([transpose.data[transpose.indptr[j]:transpose.indptr[j + 1]] for j in newly])
            exposure += np.bincount(cols, weights=data, minlength=thresholds.size)
        share = np.zeros_like(exposure)
        np.divide(exposure, weighted_degree, out=share, where=weighted_degree > 0)
        newly = np.flatnonzero(candidates & (share >= thresholds))
        if newly.size == 0:
            return participating
        participating[newly] = True
        candidates[newly] = False


@pytest.mark.parametrize("seed", range(5))
def test_cascade_matches_the_whole_graph_version(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    for trial in range(150):
        n = int(rng.integers(1, 120))
        a = sp.random_array((n, n), density=rng.uniform(0, 0.3), rng=rng, format="csr")
        a.data = np.round(a.data * 4) / 3 if trial % 2 else np.ones_like(a.data)  # weighted or 0/1
        if trial % 3 == 0:
            a = sp.csr_array(a + a.T)
        thresholds = rng.uniform(-0.2, 1.0, n)
        if trial % 4 == 0:
            thresholds = np.round(thresholds * 4) / 4  # shares exactly at the threshold
        seeds = rng.random(n) < rng.uniform(0, 0.3)
        active = rng.random(n) < rng.uniform(0.2, 1.0)
        transpose, degree = sp.csr_array(a.T), np.asarray(a.sum(axis=1))
        expected = _cascade_whole_graph(transpose, degree, thresholds, seeds, active)
        assert _same(cascade_csr(transpose, degree, thresholds, seeds, active), expected)
        if trial % 2 == 0:  # 0/1 weights: sums are exact, so the order of terms cannot matter
            assert _same(_cascade_over_all_nodes(transpose, degree, thresholds, seeds, active), expected)


def test_cascade_uses_scipy_rows_for_large_rounds_the_same_way() -> None:
    graph = build_kampung_graph(30_000, 40, 3, 1, 0.05, np.random.default_rng(1))
    rng = np.random.default_rng(2)
    thresholds = rng.uniform(0.0, 0.4, 30_000)
    seeds = rng.random(30_000) < 0.05  # > 1,000 seeds: the first round goes through scipy
    active = rng.random(30_000) < 0.6
    expected = _cascade_whole_graph(graph.adjacency, graph.degree, thresholds, seeds, active)
    assert _same(cascade_csr(graph.adjacency, graph.degree, thresholds, seeds, active), expected)


def test_membership_counts_follow_any_change_exactly() -> None:
    model = PuttingOutModel(seed=7, n_workers=3_000)
    w, subs, graph = model.workers, model.subcontractors, model.graph
    rng = np.random.default_rng(3)
    for week in range(12):
        if week % 3 == 2:  # a change from outside the weekly rules (a HomeWorker view, a test)
            flip = rng.choice(w.n, 40, replace=False)
            w.member[flip] = ~w.member[flip]
        model.step() if week % 2 else model.membership.update(w.member)
        members = np.bincount(w.pool, weights=w.member, minlength=subs.m)
        assert _same(subs.density, members / np.maximum(subs.pool_size, 1.0))
        total = graph.adjacency @ w.member.astype(float)
        share = np.zeros(total.size)
        np.divide(total, graph.degree, out=share, where=graph.degree > 0)
        assert _same(model.membership.exposure, share)


@pytest.mark.parametrize("ties", [(3, 1), (0, 0), (1, 0)])
def test_neighbour_mean_and_share_with_and_without_isolated_workers(ties: tuple[int, int]) -> None:
    graph = build_kampung_graph(500, 10, ties[0], ties[1], 0.05, np.random.default_rng(4))
    values = np.random.default_rng(5).random(500)
    mask = values < 0.3
    total = graph.adjacency @ values
    mean = values.copy()
    np.divide(total, graph.degree, out=mean, where=graph.degree > 0)
    assert _same(graph.neighbour_mean(values), mean)
    counts = graph.adjacency @ mask.astype(float)
    share = np.zeros(500)
    np.divide(counts, graph.degree, out=share, where=graph.degree > 0)
    assert _same(graph.neighbour_share(mask), share)
    rows = np.array([0, 7, 7, 499])
    expected = np.concatenate([graph.adjacency.indices[graph.adjacency.indptr[r]:graph.adjacency.indptr[r + 1]] for r in rows])
    assert np.array_equal(graph.ties_of(rows), expected)


def test_pool_sums_are_bincount() -> None:
    from rumahan.model.pools import Pools

    model = PuttingOutModel(seed=8, n_workers=2_000)
    w, m = model.workers, model.subcontractors.m
    rng = np.random.default_rng(6)
    values = [rng.standard_normal(w.n) * 1e5, np.zeros(w.n) * -1.0, w.pay, rng.random(w.n) < 0.5]
    for x in values:
        assert _same(model.world.pools.sums @ x, np.bincount(w.pool, weights=x, minlength=m))
    moved = w.pool.copy()
    moved[:50] = m - 1  # any assignment of workers to pools
    for x in values:
        assert _same(Pools(moved, m).sums @ x, np.bincount(moved, weights=x, minlength=m))
    for x in values:  # the direct kernel call gives what `@` gives
        assert _same(model.world.pools.sum(x), model.world.pools.sums @ x)
        assert _same(Pools(moved, m).sum(x), Pools(moved, m).sums @ x)


def test_matvec_and_clip_are_scipy_and_numpy_to_the_bit() -> None:
    from rumahan.model.numerics import clip, matvec

    rng = np.random.default_rng(9)
    graph = build_kampung_graph(700, 10, 3, 1, 0.05, rng)
    for x in (rng.standard_normal(700) * 1e5, rng.random(700) < 0.4, np.zeros(700) * -1.0,
              rng.integers(0, 5, 700), np.array([1e308, -1e308, np.nan] * 233 + [np.inf])):
        assert _same(matvec(graph.adjacency, x), graph.adjacency @ x)
    x = np.concatenate([rng.standard_normal(500) * 2, [np.nan, -0.0, 0.0, 1.0, -np.inf, np.inf]])
    assert _same(clip(x, 0.0, 1.0), np.clip(x, 0.0, 1.0))
    out = np.empty_like(x)
    assert clip(x, 0.0, 1.0, out=out) is out and _same(out, np.clip(x, 0.0, 1.0))
    for value in (-0.5, -0.0, 0.3, 7.0, float("nan")):
        assert repr(float(clip(value, 0.0, 1.0))) == repr(float(np.clip(value, 0.0, 1.0)))


def test_metric_reductions_are_numpys_mean_and_std() -> None:
    from rumahan.model.metrics import _cv, _mean

    rng = np.random.default_rng(10)
    for size in [*range(0, 70), 127, 128, 129, 1000, 2000, 4099]:
        for shift in (0.0, -0.5, 1e6):
            x = rng.random(size) * 10.0 ** rng.uniform(-3, 6) + shift
            if size:
                assert repr(_mean(x)) == repr(float(x.mean()))
            plain = float(x.std() / x.mean()) if x.size > 1 and x.mean() > 0 else 0.0
            assert repr(_cv(x)) == repr(plain)


def test_monopsony_with_kept_pool_runs() -> None:
    from rumahan.model.bargaining import pool_runs

    rng = np.random.default_rng(11)
    for _ in range(300):
        n, m = int(rng.integers(1, 120)), int(rng.integers(1, 8))
        pool = rng.integers(0, m, n)
        rates = np.round(rng.random(n) * 20, int(rng.integers(0, 3)))
        capacity = rng.random(n) * 30
        prices, orders = rng.random(m) * 25, rng.random(m) * 300
        order = pool_rate_order(rates, pool)
        plain = monopsony_rates_by_pool(prices, rates, capacity, orders, pool, order)
        assert _same(monopsony_rates_by_pool(prices, rates, capacity, orders, pool, order, pool_runs(pool)), plain)


def test_the_policy_snapshot_is_rebuilt_whenever_a_lever_or_the_week_changes() -> None:
    from rumahan.model.policy import Policy

    model = PuttingOutModel(seed=12, n_workers=200)
    state = model.state
    first = state.policy(30)
    assert state.policy(30) is first and first == Policy.of(state.levers, model.params, 30)
    assert state.policy(31) == Policy.of(state.levers, model.params, 31)
    for lever, value in (("recognition", True), ("floor_share", 0.4), ("floor_share", 0.4), ("framing_intensity", -0.0)):
        state.levers[lever] = value  # written directly, as a test or a user might
        assert state.policy(31) == Policy.of(state.levers, model.params, 31)
        assert repr(state.policy(31)) == repr(Policy.of(state.levers, model.params, 31))
