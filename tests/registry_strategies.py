"""Hypothesis strategies over the parameter registry, shared by the property tests
(tests/model/test_properties.py, tests/robustness/test_registry_properties.py)."""

from __future__ import annotations

from hypothesis import strategies as st

from rumahan.model import params as registry
from rumahan.model.params import EFFORT_PARAMETERS, STRENGTH_WEIGHTS


def in_bounds(p: registry.Parameter, limits: dict | None = None) -> st.SearchStrategy:
    """Any value of ``p`` within its bounds (or within ``limits[p.name]``, for sizes kept small)."""
    if p.kind == "bool":
        return st.booleans()
    low, high = (limits or {}).get(p.name, p.bounds)
    if p.kind == "int":
        return st.integers(int(low), int(high))
    return st.floats(float(low), float(high), allow_nan=False, allow_infinity=False)


def make_runnable(params: dict) -> dict:
    """Fix the only combinations the registry refuses (sizes crossed, no strategy, no strength,
    legal weights adding up to more than 1)."""
    if params.get("n_subcontractors") is not None:
        params["n_subcontractors"] = min(params["n_subcontractors"], params["n_workers"])
    if sum(params[e] for e in EFFORT_PARAMETERS) <= 0:
        params["effort_organizing"] = 1.0
    if sum(params[w] for w in STRENGTH_WEIGHTS) <= 0:
        params["weight_density"] = 1.0
    recognition = params.get("legal_weight_recognition", registry.get("legal_weight_recognition").default)
    c177 = params.get("legal_weight_c177", registry.get("legal_weight_c177").default)
    if recognition + c177 > 1.0:
        params["legal_weight_c177"] = max(0.0, 1.0 - recognition)
    return params
