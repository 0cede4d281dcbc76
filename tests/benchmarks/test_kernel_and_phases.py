"""The numpy reference kernel computes what the model computes where both do the same thing, and
the phase timers leave the model exactly as they found it."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.kernel import DEBT_LIMIT, KernelState, kernel_agrees_with_model, kernel_week, neighbour_mean
from benchmarks.phases import PHASES, phase_timers, profile_weeks
from rumahan.model import PuttingOutModel


@pytest.mark.parametrize("params", [{"n_workers": 400}, {"n_workers": 300, "ties_within_rt": 0, "ties_adjacent_rt": 0}])
def test_kernel_shares_the_models_arithmetic(params: dict) -> None:
    """The sparse neighbour mean and the per-pool sums are the model's own, bit for bit (the
    second graph has isolated workers, where the mean falls back to her own value)."""
    model = PuttingOutModel(seed=3, **params)
    assert kernel_agrees_with_model(model) == {"neighbour_mean": True, "orders_by_pool": True}
    for _ in range(3):
        model.step()
    c = model.workers.consciousness
    state = KernelState.from_model(model)
    assert np.array_equal(neighbour_mean(state.adjacency, state.degree, c), model.graph.neighbour_mean(c))


def test_kernel_weeks_stay_in_bounds() -> None:
    model = PuttingOutModel(seed=4, n_workers=500)
    state = KernelState.from_model(model)
    for _ in range(20):
        kernel_week(state)
    assert np.all((state.consciousness >= 0) & (state.consciousness <= 1))
    assert np.all(np.isfinite(state.savings)) and np.all(state.savings >= -DEBT_LIMIT)
    assert 0 < state.acting.mean() < 1


def test_phase_timers_cover_the_step_and_change_nothing() -> None:
    timed, plain = PuttingOutModel(seed=5, n_workers=300), PuttingOutModel(seed=5, n_workers=300)
    originals = dict(timed.phase_runs)
    profile = profile_weeks(timed, 4)
    for _ in range(4):
        plain.step()
    assert timed.phase_runs == originals
    assert "collect" not in vars(timed.datacollector)
    assert set(profile["phases_s"]) == set(PHASES) and all(v > 0 for v in profile["phases_s"].values())
    a = timed.datacollector.get_model_vars_dataframe()
    b = plain.datacollector.get_model_vars_dataframe()
    assert a.equals(b)


def test_phase_timers_restore_on_error() -> None:
    model = PuttingOutModel(seed=6, n_workers=200)
    originals = dict(model.phase_runs)
    with pytest.raises(RuntimeError), phase_timers(model):
        raise RuntimeError("boom")
    assert model.phase_runs == originals and "collect" not in vars(model.datacollector)
