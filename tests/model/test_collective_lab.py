"""The pure functions the collective-action lab adds to model/collective.py: the cascade round by
round (``cascade_rounds``) agrees with ``threshold_cascade``, and ``effective_thresholds`` gives
the model's own thresholds bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from rumahan.model import PuttingOutModel, action
from rumahan.model.calendar import WEEKS_PER_MONTH, poverty_line_monthly, ump_monthly
from rumahan.model.collective import cascade_rounds, effective_thresholds, threshold_cascade


def _complete(n: int) -> np.ndarray:
    return np.ones((n, n)) - np.eye(n)


def test_granovetter_ladder_joins_one_person_per_round():
    n = 100
    rounds = cascade_rounds(_complete(n), np.arange(n) / (n - 1), seeds=np.zeros(n, dtype=bool))
    assert rounds.tolist() == list(range(1, n + 1))
    changed = np.arange(n) / (n - 1)
    changed[1] = 2 / (n - 1)
    rounds = cascade_rounds(_complete(n), changed, seeds=np.zeros(n, dtype=bool))
    assert rounds[0] == 1 and (rounds[1:] == -1).all()


@pytest.mark.parametrize("seed", range(12))
def test_final_set_equals_threshold_cascade_and_rounds_are_synchronous(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 300))
    upper = sp.triu(sp.random_array((n, n), density=rng.uniform(0.01, 0.2), rng=rng), 1)
    if seed % 3 == 0:  # 0/1 ties, as in the model
        upper.data[:] = 1.0
    adjacency = (upper + upper.T).tocsr()
    thresholds = rng.normal(0.25, 0.2, n)
    seeds = rng.random(n) < 0.05
    active = rng.random(n) < 0.9 if seed % 2 else None
    rounds = cascade_rounds(adjacency, thresholds, seeds, active)
    np.testing.assert_array_equal(rounds >= 0, threshold_cascade(adjacency, thresholds, seeds, active))
    assert (rounds[seeds] == 0).all() and (rounds[~seeds] != 0).all()
    # round r's joiners are exactly those the participants of rounds < r tip (synchronous rounds)
    dense = adjacency.toarray()
    degree = dense.sum(axis=1)
    may = np.ones(n, dtype=bool) if active is None else active
    for r in range(1, rounds.max() + 1):
        before = (rounds >= 0) & (rounds < r)
        share = np.divide(dense @ before, degree, out=np.zeros(n), where=degree > 0)
        tipped = may & ~before & (share >= thresholds)
        np.testing.assert_array_equal(tipped, rounds == r)


def test_cascade_rounds_checks_its_input_like_threshold_cascade():
    with pytest.raises(ValueError, match="square"):
        cascade_rounds(np.ones((2, 3)), np.zeros(2), seeds=[0])
    with pytest.raises(ValueError, match="seeds indices"):
        cascade_rounds(np.ones((2, 2)), np.zeros(2), seeds=[5])


def test_effective_thresholds_are_the_models_own_bit_for_bit(monkeypatch):
    """Capture the thresholds the model's collective-action phase hands to the cascade and derive
    them again from the same state with ``effective_thresholds``."""
    model = PuttingOutModel(seed=4, n_workers=600)
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    inner = action.cascade_csr

    def spy(transpose, degree, thresholds, seeds, active):
        world, policy = model.world, model.policy
        w, p, week = world.workers, world.params, world.week
        exposure = world.subcontractors.retaliation * (1.0 - policy.legal_backing) * policy.hidden_power_factor
        weekly_need = poverty_line_monthly(week, p["poverty_line_growth"]) / WEEKS_PER_MONTH
        derived = effective_thresholds(
            w.threshold, w.consciousness, w.net * WEEKS_PER_MONTH / ump_monthly(week, p["ump_growth"]),
            exposure[w.pool], w.savings / weekly_need, p["grievance_weight"], p["risk_weight"])
        seen.append((thresholds[active], derived[active]))
        return inner(transpose, degree, thresholds, seeds, active)

    monkeypatch.setattr(action, "cascade_csr", spy)
    model.run_weeks(30)
    assert len(seen) >= 20
    for used, derived in seen:
        assert used.size and np.array_equal(used, derived)


def test_effective_thresholds_move_as_the_brief_says():
    base = np.full(3, 0.25)
    calm = effective_thresholds(base, 0.0, 1.0, 0.0, 0.0, 0.3, 0.3)
    np.testing.assert_array_equal(calm, base)
    aggrieved = effective_thresholds(base, 1.0, 0.0, 0.0, 0.0, 0.3, 0.3)  # earning nothing, fully conscious
    np.testing.assert_allclose(aggrieved, 0.25 - 0.3)
    afraid = effective_thresholds(base, 0.0, 1.0, [0.6, 0.6, 0.6], [0.0, 2.0, -5.0], 0.3, 0.3)
    np.testing.assert_allclose(afraid, [0.25 + 0.18, 0.25 + 0.06, 0.25 + 0.18])  # debt counts as no savings
