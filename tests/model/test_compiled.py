"""The compiled weekly rules (model/compiled.py) against the numpy reference, to the bit.

``RUMAHAN_COMPILED=0`` makes the model run every rule in numpy (the readable reference); by default
the costliest rules run as compiled loops. Whole models run both ways must agree in every column of
every agent and every reported figure, week after week, bit for bit; and each compiled function
must agree with its reference on inputs the model rarely makes (weighted ties, pools with no
acceptable worker, rates tied within a pool, a shuffled order)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from rumahan.experiments.scenarios import available, load_scenario
from rumahan.model import PuttingOutModel, compiled
from rumahan.model.bargaining import monopsony_rates_by_pool, pool_rate_order
from rumahan.model.collective import cascade_csr

pytestmark = pytest.mark.skipif(compiled.numba is None, reason="numba is not installed")

#: Parameters that switch on the rules the defaults leave quiet (switching, exit from home work
#: at a higher rate, more Pos UKK and cheaper cooperatives); a floor that binds is scheduled.
BUSY = {"switching_rate": 0.02, "home_work_exit_rate": 0.05, "pos_ukk_share": 0.8, "hours_per_coop_member": 0.1}


def _use(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    """Switch paths for the rest of the test (put back after it)."""
    monkeypatch.setattr(compiled, "_use_compiled", on)
    assert compiled.enabled() is on


def _state_of(model: PuttingOutModel) -> dict[str, np.ndarray]:
    out = {}
    for owner in ("workers", "subcontractors"):
        for name, value in vars(getattr(model, owner)).items():
            if isinstance(value, np.ndarray):
                out[f"{owner}.{name}"] = value.copy()
    return out


def _run_both_ways(monkeypatch: pytest.MonkeyPatch, weeks: int, seed: int, schedule=None, **params):
    runs = []
    for flag in (False, True):
        _use(monkeypatch, flag)
        model = PuttingOutModel(seed=seed, schedule=schedule, **params)
        states = []
        for _ in range(weeks):
            model.step()
            states.append(_state_of(model))
        runs.append((states, model.datacollector.get_model_vars_dataframe()))
    return runs


def _first_difference(reference, fast) -> str | None:
    (ref_states, ref_frame), (fast_states, fast_frame) = reference, fast
    for week, (a, b) in enumerate(zip(ref_states, fast_states, strict=True), start=1):
        for name in a:
            if not np.array_equal(a[name], b[name], equal_nan=True) or a[name].dtype != b[name].dtype:
                return f"{name} in week {week}"
    if not ref_frame.equals(fast_frame):
        return "the reported figures"
    return None


@pytest.mark.parametrize("name", sorted(available()))
def test_every_scenario_runs_the_same_compiled_and_in_numpy(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario(name)
    params = {"n_workers": 400, **scenario.parameters}
    reference, fast = _run_both_ways(monkeypatch, 80, 11, list(scenario.schedule), **params)
    assert _first_difference(reference, fast) is None


def test_the_busy_rules_run_the_same_compiled_and_in_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    schedule = [(10, {"recognition": True, "floor_share": 0.3, "inspection_probability": 0.3})]
    reference, fast = _run_both_ways(monkeypatch, 120, 5, schedule, n_workers=500, **BUSY)
    assert _first_difference(reference, fast) is None
    participants = sum(int(state["workers.participating"].sum()) for state in fast[0])
    assert participants > 0  # the cascade ran with someone in it


def test_the_comparison_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """A change of one ulp in one compiled rule shows: the test above can catch a difference."""
    original = compiled.settle_week

    def off_by_one_ulp(*args):
        original(*args)
        savings = args[15]
        savings[0] = np.nextafter(savings[0], np.inf)

    monkeypatch.setattr(compiled, "settle_week", off_by_one_ulp)
    reference, fast = _run_both_ways(monkeypatch, 3, 5, n_workers=100)
    assert _first_difference(reference, fast) == "workers.savings in week 1"


def _random_graph(n: int, rng: np.random.Generator, ties: str) -> sp.csr_array:
    upper = sp.random_array((n, n), density=6 / n, rng=rng, format="csr")
    a = sp.csr_array(upper + upper.T)
    if ties == "unit":
        a.data[:] = 1.0
    elif ties == "whole":
        a.data[:] = rng.integers(1, 4, a.data.size)
    return a


@pytest.mark.parametrize("ties", ["unit", "whole", "fractional"])
def test_the_compiled_cascade_is_the_reference(ties: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole-number ties take the compiled queue, fractional ones the numpy rounds: both agree
    with the rounds."""
    rng = np.random.default_rng(3)
    for _ in range(30):
        n = int(rng.integers(2, 300))
        a = _random_graph(n, rng, ties)
        degree = np.asarray(a.sum(axis=1), dtype=float)
        theta = rng.uniform(-0.1, 0.7, n)
        seeds = rng.random(n) < 0.05
        active = rng.random(n) < 0.8
        _use(monkeypatch, False)
        expected = cascade_csr(a, degree, theta, seeds, active)
        _use(monkeypatch, True)
        assert np.array_equal(cascade_csr(a, degree, theta, seeds, active), expected)


def test_the_compiled_resort_is_lexsort_and_gives_up_on_a_shuffle() -> None:
    rng = np.random.default_rng(4)
    n = 2000
    pool = rng.integers(0, 30, n)
    rate = np.round(rng.uniform(100, 400, n), 0)  # many ties within a pool
    last_week = np.lexsort((rate, pool))
    rate += rng.normal(0, 0.5, n) * (rng.random(n) < 0.1)
    resorted = compiled.resort_by_pool_and_rate(rate, pool, last_week, 8 * n)
    assert np.array_equal(resorted, np.lexsort((rate, pool)))
    shuffled = rng.permutation(n)
    assert compiled.resort_by_pool_and_rate(rate, pool, shuffled, 8 * n).size == 0
    assert np.array_equal(pool_rate_order(rate, pool, shuffled), np.lexsort((rate, pool)))
    rate[7] = np.nan  # lexsort puts it last in its pool; the compiled re-sort leaves it to numpy
    assert compiled.resort_by_pool_and_rate(rate, pool, last_week, 8 * n).size == 0
    assert np.array_equal(pool_rate_order(rate, pool, last_week), np.lexsort((rate, pool)))


def test_the_compiled_monopsony_rates_are_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    for _ in range(30):
        m, n = int(rng.integers(1, 12)), int(rng.integers(1, 400))
        pool = rng.integers(0, m, n)
        reservation = np.round(rng.uniform(50, 500, n), int(rng.integers(0, 2)))  # ties
        capacity = rng.uniform(0, 60, n) * (rng.random(n) < 0.9)
        prices = rng.uniform(40, 450, m)  # some pools accept nobody
        orders = np.where(rng.random(m) < 0.2, np.inf, rng.uniform(0, 3000, m))
        _use(monkeypatch, False)
        expected = monopsony_rates_by_pool(prices, reservation, capacity, orders, pool)
        _use(monkeypatch, True)
        assert np.array_equal(monopsony_rates_by_pool(prices, reservation, capacity, orders, pool), expected)
