"""The threshold cascade against Granovetter's examples and a brute-force implementation."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from rumahan.model.collective import threshold_cascade


def _complete(n: int) -> np.ndarray:
    return np.ones((n, n)) - np.eye(n)


def test_granovetter_uniform_thresholds_all_join():
    """100 people, thresholds 0, 1, ..., 99 others: everyone joins [brief §4.1]."""
    n = 100
    thresholds = np.arange(n) / (n - 1)
    joined = threshold_cascade(_complete(n), thresholds, seeds=np.zeros(n, dtype=bool))
    assert joined.sum() == 100


def test_granovetter_one_change_stops_the_cascade():
    """Move the threshold-1 person to 2: only the instigator acts."""
    n = 100
    thresholds = np.arange(n) / (n - 1)
    thresholds[1] = 2 / (n - 1)
    joined = threshold_cascade(_complete(n), thresholds, seeds=np.zeros(n, dtype=bool))
    assert joined.sum() == 1 and joined[0]


def _brute_force(adjacency: np.ndarray, thresholds, seeds, active):
    """Synchronous rounds until nothing changes, written the slow obvious way."""
    n = len(thresholds)
    x = seeds.copy()
    while True:
        new = x.copy()
        for i in range(n):
            if x[i] or not active[i]:
                continue
            degree = adjacency[i].sum()
            share = adjacency[i] @ x / degree if degree > 0 else 0.0
            if share >= thresholds[i]:
                new[i] = True
        if (new == x).all():
            return x
        x = new


@pytest.mark.parametrize("seed", range(10))
def test_matches_brute_force_on_random_graphs(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 60))
    upper = np.triu(rng.random((n, n)) < rng.uniform(0.05, 0.4), 1)
    weights = rng.choice([1.0, 2.0], size=(n, n)) if seed % 2 else np.ones((n, n))
    adjacency = (upper + upper.T) * weights
    adjacency = np.triu(adjacency) + np.triu(adjacency, 1).T  # symmetric weights
    thresholds = rng.normal(0.3, 0.2, n)
    seeds = rng.random(n) < 0.1
    active = rng.random(n) < 0.8
    expected = _brute_force(adjacency, thresholds, seeds, active)
    got = threshold_cascade(sp.csr_array(adjacency), thresholds, seeds, active)
    np.testing.assert_array_equal(got, expected)


def test_directed_graph_uses_rows_as_what_a_node_sees():
    # 0 -> 1 means 1 sees 0 when A[1, 0] = 1. Node 1 watches node 0 only; node 2 watches node 1.
    a = np.zeros((3, 3))
    a[1, 0] = 1.0
    a[2, 1] = 1.0
    joined = threshold_cascade(a, np.array([0.5, 0.5, 0.5]), seeds=[0])
    assert joined.tolist() == [True, True, True]
    joined = threshold_cascade(a.T, np.array([0.5, 0.5, 0.5]), seeds=[0])
    assert joined.tolist() == [True, False, False]


def test_seeds_always_participate_and_active_limits_joining():
    n = 5
    a = _complete(n)
    active = np.array([False, True, False, True, True])
    joined = threshold_cascade(a, np.full(n, 0.1), seeds=np.array([True, False, False, False, False]), active=active)
    assert joined.tolist() == [True, True, False, True, True]


def test_isolated_nodes_join_only_with_non_positive_thresholds():
    joined = threshold_cascade(sp.csr_array((3, 3)), np.array([0.0, -0.2, 0.01]), seeds=np.zeros(3, dtype=bool))
    assert joined.tolist() == [True, True, False]


def test_input_errors():
    with pytest.raises(ValueError, match="square"):
        threshold_cascade(np.ones((2, 3)), np.zeros(2), seeds=[0])
    with pytest.raises(ValueError, match="thresholds must have length"):
        threshold_cascade(np.ones((3, 3)), np.zeros(2), seeds=[0])
    with pytest.raises(ValueError, match="non-negative"):
        threshold_cascade(-np.ones((2, 2)), np.zeros(2), seeds=[0])
    with pytest.raises(ValueError, match="seeds indices"):
        threshold_cascade(np.ones((2, 2)), np.zeros(2), seeds=[5])
    with pytest.raises(ValueError, match="NaN"):
        threshold_cascade(np.ones((2, 2)), np.array([np.nan, 0.0]), seeds=[0])
