"""Property-based: any in-bounds parameter set runs without NaN and keeps the invariants."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import PuttingOutModel
from model.params import EFFORT_PARAMETERS, PARAMETERS, STRENGTH_WEIGHTS

SIZE_LIMITS = {"n_workers": (10, 300), "n_subcontractors": (1, 30), "rt_size": (5, 60)}


def _value(p):
    if p.kind == "bool":
        return st.booleans()
    low, high = SIZE_LIMITS.get(p.name, p.bounds)
    if p.kind == "int":
        return st.integers(int(low), int(high))
    return st.floats(float(low), float(high), allow_nan=False, allow_infinity=False)


@st.composite
def parameter_sets(draw):
    params = {p.name: draw(_value(p)) for p in PARAMETERS}
    params["n_subcontractors"] = min(params["n_subcontractors"], params["n_workers"])
    if sum(params[e] for e in EFFORT_PARAMETERS) <= 0:
        params["effort_organizing"] = 1.0
    if sum(params[w] for w in STRENGTH_WEIGHTS) <= 0:
        params["weight_density"] = 1.0
    return params


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=parameter_sets(), seed=st.integers(0, 2**32 - 1))
def test_random_parameters_keep_the_invariants(params, seed):
    model = PuttingOutModel(seed=seed, **params)
    w, subs = model.workers, model.subcontractors
    for _ in range(30):
        model.step()
        assert (w.savings >= -params["debt_limit"] - 1e-6).all()
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
