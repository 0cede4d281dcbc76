"""The parameter registry: complete, consistent, and strict about bad input."""

from __future__ import annotations

import math

import pytest

from rumahan.model import PuttingOutModel
from rumahan.model import params as registry
from rumahan.model.params import PARAMETERS, ParameterError


def test_every_parameter_is_documented_and_its_default_in_bounds():
    names = [p.name for p in PARAMETERS]
    assert len(names) == len(set(names)), "duplicate parameter names"
    for p in PARAMETERS:
        assert p.unit is not None and p.meaning and p.source, p.name
        assert p.role in ("lever", "uncertainty"), p.name
        assert p.kind in ("float", "int", "bool"), p.name
        assert p.source.startswith(("[brief", "assumption", "not found")) or "[brief" in p.source, p.name
        if p.kind == "bool":
            assert p.bounds == (False, True) and isinstance(p.default, bool), p.name
        elif p.default is not None:
            low, high = p.bounds
            assert low <= p.default <= high, p.name
            assert isinstance(p.default, int if p.kind == "int" else float), p.name


def test_pinned_registry_shape():
    assert {"n_workers", "n_subcontractors"} <= {p.name for p in PARAMETERS}
    assert "weeks" not in {p.name for p in PARAMETERS}
    for p in PARAMETERS:
        for attribute in ("name", "default", "bounds", "unit", "role"):
            assert hasattr(p, attribute)


def test_validate_fills_defaults_and_derives_subcontractors():
    params = registry.validate({"n_workers": 5000})
    assert params["n_subcontractors"] == 50
    assert params["framing_intensity"] == registry.get("framing_intensity").default
    assert registry.validate({"n_workers": 50})["n_subcontractors"] == 2


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        ({"framing_intensty": 0.5}, "did you mean framing_intensity"),
        ({"tokenism": 1.5}, "'tokenism' = 1.5 is out of bounds; accepted: 0 to 1"),
        ({"tokenism": math.nan}, "'tokenism' = nan is not finite"),
        ({"tokenism": math.inf}, "not finite"),
        ({"tokenism": "high"}, "'tokenism' = 'high' is not a number"),
        ({"tokenism": True}, "is not a number"),
        ({"n_workers": 10.5}, "'n_workers' = 10.5 is not a whole number"),
        ({"n_workers": -3}, "'n_workers' = -3 is out of bounds"),
        ({"recognition": "yes"}, "'recognition' = 'yes' is not a boolean"),
        ({"n_workers": 100, "n_subcontractors": 200}, "'n_subcontractors' = 200 exceeds n_workers = 100"),
        ({"n_subcontractors": 0}, "'n_subcontractors' = 0 is out of bounds"),
        ({name: 0.0 for name in registry.EFFORT_PARAMETERS}, "effort_* are all 0"),
        ({name: 0.0 for name in registry.STRENGTH_WEIGHTS}, "weight_* are all 0"),
    ],
)
def test_bad_values_raise_one_line_errors_naming_the_parameter(overrides, fragment):
    with pytest.raises(ValueError, match=None) as info:
        registry.validate(overrides)
    assert isinstance(info.value, ParameterError)
    message = str(info.value)
    assert fragment in message and "\n" not in message


def test_the_model_rejects_bad_keywords_before_building_anything():
    with pytest.raises(ValueError, match="unknown parameter 'weeks'"):
        PuttingOutModel(seed=1, weeks=10)
    with pytest.raises(ValueError, match="out of bounds"):
        PuttingOutModel(seed=1, relocation_cost=-1.0)


def test_huge_sizes_are_refused_before_allocating(monkeypatch):
    monkeypatch.setattr(registry, "total_memory", lambda: 8 * 10**9)
    with pytest.raises(ParameterError, match=r"'n_workers' = 5,000,000 needs about .* GB.*accepted here: up to about"):
        registry.validate({"n_workers": 5_000_000})
    registry.validate({"n_workers": 1_000_000})  # fits


@pytest.mark.parametrize(
    "name, text, value",
    [("tokenism", "0.25", 0.25), ("n_workers", "1_000", 1000), ("recognition", "true", True),
     ("recognition", "0", False), ("n_subcontractors", "auto", None)],
)
def test_parse_value(name, text, value):
    assert registry.parse_value(name, text) == value


def test_parse_value_errors():
    with pytest.raises(ParameterError, match="'recognition' = 'maybe' is not a boolean"):
        registry.parse_value("recognition", "maybe")
    with pytest.raises(ParameterError, match="'tokenism' = 'x' is not a number; accepted: 0 to 1 share"):
        registry.parse_value("tokenism", "x")


def test_roles_split_levers_from_uncertainties():
    levers, uncertainties = registry.names("lever"), registry.names("uncertainty")
    assert "framing_intensity" in levers and "tokenism" in levers and "effort_bargaining" in levers
    assert "relocation_cost" in uncertainties and "principal_price" in uncertainties
    assert not set(levers) & set(uncertainties)
    sampled = registry.names("uncertainty", sampled_only=True)
    assert "n_workers" not in sampled and "relocation_cost" in sampled
    assert len(registry.sampled_bounds(sampled)) == len(sampled)
    with pytest.raises(ParameterError, match="switch"):
        registry.sampled_bounds(["recognition"])


def test_schedulable_levers_exclude_sizes_and_the_graph():
    schedulable = registry.schedulable()
    assert "recognition" in schedulable and "effort_advocacy" in schedulable
    assert "n_workers" not in schedulable and "rt_size" not in schedulable
    assert "relocation_cost" not in schedulable  # an uncertainty, not a policy


def test_every_sampled_range_is_within_bounds_and_holds_the_default():
    for p in registry.PARAMETERS:
        if p.kind == "bool" or not p.sampled:
            continue
        low, high = p.sample_range
        assert p.bounds[0] <= low < high <= p.bounds[1], p.name
        assert low <= p.default <= high, p.name


def test_sample_range_is_the_default_plus_minus_half_unless_the_brief_gives_one():
    assert registry.PLAUSIBLE_SPREAD == 0.5
    assert registry.get("relocation_cost").sample_range == (30.0, 90.0)
    assert registry.get("order_shock_persistence").sample_range == (0.45, 0.99)  # clipped to the bounds
    assert registry.get("seasonal_peak_week").sample_range == (4.0, 14.0)  # 4.5 to 13.5, rounded outwards
    assert registry.get("principal_price").sample_range == (320.0, 600.0)  # explicit: a 10-50% margin
    zero = registry.Parameter("x", 0.0, (0.0, 2.0), "share", "g", "m", "assumption", "uncertainty")
    assert zero.sample_range == (0.0, 2.0)  # nothing to spread: the whole bounds


def test_sampled_bounds_span_plausible_or_the_whole_bounds():
    assert registry.sampled_bounds(["relocation_cost"]) == [(30.0, 90.0)]
    assert registry.sampled_bounds(["relocation_cost"], span="bounds") == [(0.0, 500.0)]
    with pytest.raises(registry.ParameterError, match="span = 'wide'"):
        registry.sampled_bounds(["relocation_cost"], span="wide")
    with pytest.raises(registry.ParameterError, match="switch"):
        registry.sampled_bounds(["network_active"])


def test_legal_weights_adding_up_to_more_than_one_are_refused() -> None:
    with pytest.raises(registry.ParameterError, match=r"legal_weight_recognition \+ legal_weight_c177 = 1.2"):
        registry.validate({"legal_weight_recognition": 0.8, "legal_weight_c177": 0.4})
    assert registry.validate({"legal_weight_recognition": 0.7, "legal_weight_c177": 0.3})
