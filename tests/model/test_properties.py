"""Property-based: any in-bounds parameter set runs without NaN and keeps the invariants."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rumahan.model import PuttingOutModel
from rumahan.model.calendar import price_index
from rumahan.model.params import PARAMETERS

from ..registry_strategies import in_bounds, make_runnable

SIZE_LIMITS = {"n_workers": (10, 300), "n_subcontractors": (1, 30), "rt_size": (5, 60)}


@st.composite
def parameter_sets(draw):
    return make_runnable({p.name: draw(in_bounds(p, SIZE_LIMITS)) for p in PARAMETERS})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=parameter_sets(), seed=st.integers(0, 2**32 - 1))
def test_random_parameters_keep_the_invariants(params, seed):
    model = PuttingOutModel(seed=seed, **params)
    w, subs = model.workers, model.subcontractors
    for _ in range(30):
        model.step()
        assert (w.savings >= -params["debt_limit"] * price_index(model.world.week, params["price_growth"]) - 1e-6).all()
        assert ((w.consciousness >= 0) & (w.consciousness <= 1)).all()
        assert ((w.health >= 0) & (w.health <= 1)).all()
        assert not (w.participating & ~w.member).any()
        assert (subs.paid_rate >= 0).all() and (subs.paid_rate <= subs.price + 1e-9).all()
    df = model.datacollector.get_model_vars_dataframe()
    assert np.isfinite(df.select_dtypes("number").to_numpy(dtype=float)).all()
    for _, row in df.iterrows():
        assert math.isclose(row.value_from_principals, row.worker_gross_pay + row.subcontractor_margin, rel_tol=1e-9, abs_tol=1e-3)
        assert row.pieces_produced <= row.pieces_ordered * (1 + 1e-12) + 1e-9
    shares = ["labour_share", "membership_rate", "participation_rate", "coverage_rate", "power_within",
              "power_with", "power_to", "power_over", "gini_earnings", "bargaining_power_mean"]
    for name in shares:
        assert df[name].between(0.0, 1.0).all(), (name, df[name].min(), df[name].max())
