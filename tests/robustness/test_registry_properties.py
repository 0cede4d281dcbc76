"""Property-based tests over the parameter registry (hypothesis), complementing
tests/model/test_properties.py (random in-bounds parameter sets keep the model's invariants):

- validation: every in-bounds value is accepted as itself; every out-of-range, non-finite or
  wrongly typed value is refused in one line naming the parameter and its accepted range;
- the portable forms of a value (``--set`` text, the dashboard's link text, scenario TOML) give
  back exactly the value written;
- the model under what the other test does not draw: policy changes scheduled at random weeks,
  and parameter sets at the corners of the registry's bounds; every bounded metric stays within
  its bounds, the accounting identity holds, and a run is a pure function of parameters and seed.
"""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rumahan.dashboard.run_config import format_value
from rumahan.experiments.scenarios import Scenario, scenario_from_dict
from rumahan.model import params as registry
from rumahan.model.calendar import price_index
from rumahan.model.metrics import OUTPUTS
from rumahan.model.params import EFFORT_PARAMETERS, PARAMETERS, STRENGTH_WEIGHTS, ParameterError

from ..registry_strategies import in_bounds, make_runnable

NUMERIC = [p for p in PARAMETERS if p.kind != "bool"]
#: Small sizes, so that each example runs in a fraction of a second.
SIZE_LIMITS = {"n_workers": (10, 150), "n_subcontractors": (1, 15), "rt_size": (5, 40)}
WEEKS = 20
FAST = settings(max_examples=60, deadline=None)
MODEL = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- validation ----------------------------------------------------------------------------------
@FAST
@given(data=st.data())
def test_every_in_bounds_value_is_accepted_as_itself(data) -> None:
    chosen = data.draw(st.lists(st.sampled_from(NUMERIC + [p for p in PARAMETERS if p.kind == "bool"]),
                                min_size=1, max_size=8, unique_by=lambda p: p.name))
    values = {p.name: data.draw(in_bounds(p)) for p in chosen}
    values = {k: v for k, v in values.items() if k not in ("n_subcontractors",)}
    values.setdefault("n_workers", 2000)
    try:
        checked = registry.validate(make_runnable({**registry.defaults(), **values}), check_memory=False)
    except ParameterError as exc:  # only a documented combination may be refused
        assert "effort_*" in str(exc) or "weight_*" in str(exc), exc
        return
    for name, value in values.items():
        if name in (*EFFORT_PARAMETERS, *STRENGTH_WEIGHTS, "legal_weight_c177"):
            continue  # make_runnable may have changed these to make the combination runnable
        assert checked[name] == value and type(checked[name]) is type(value), name


def _outside(p: registry.Parameter) -> st.SearchStrategy:
    low, high = p.bounds
    below = st.floats(max_value=float(low), exclude_max=True, allow_nan=False, allow_infinity=False)
    above = st.floats(min_value=float(high), exclude_min=True, allow_nan=False, allow_infinity=False)
    special = st.sampled_from([math.nan, math.inf, -math.inf])
    if p.kind == "int":
        return st.one_of(st.integers(max_value=int(low) - 1), st.integers(min_value=int(high) + 1), special,
                         st.floats(float(low), float(high)).filter(lambda x: not x.is_integer()))
    return st.one_of(below, above, special)


@FAST
@given(data=st.data())
def test_out_of_range_and_non_finite_values_are_refused_in_one_line(data) -> None:
    p = data.draw(st.sampled_from(NUMERIC))
    value = data.draw(_outside(p))
    with pytest.raises(ParameterError) as caught:
        registry.validate({p.name: value}, check_memory=False)
    message = str(caught.value)
    assert f"parameter '{p.name}' = " in message and "\n" not in message
    assert message.endswith(f"accepted: {p.describe_bounds()}")
    assert any(w in message for w in ("out of bounds", "not finite", "not a whole number"))


WRONG_TYPES = st.one_of(st.text(max_size=5), st.lists(st.floats(0, 1), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
                        st.binary(max_size=3), st.just(complex(1, 1)))


@FAST
@given(p=st.sampled_from(PARAMETERS), value=WRONG_TYPES)
def test_wrong_types_are_refused_naming_the_parameter(p, value) -> None:
    with pytest.raises(ParameterError) as caught:
        registry.validate({p.name: value}, check_memory=False)
    message = str(caught.value)
    assert f"parameter '{p.name}' = {value!r} is not a " in message
    assert ("boolean" if p.kind == "bool" else "number") in message


@FAST
@given(name=st.text(min_size=1, max_size=20).filter(lambda n: n not in {p.name for p in PARAMETERS}))
def test_unknown_names_are_refused(name) -> None:
    with pytest.raises(ParameterError, match=r"^unknown parameter "):
        registry.validate({name: 1}, check_memory=False)


# --- portable forms of a value -----------------------------------------------------------------------
@FAST
@given(data=st.data())
def test_text_forms_give_back_the_exact_value(data) -> None:
    """``--set name=TEXT`` and the dashboard's link (``format_value``) read back bit for bit."""
    p = data.draw(st.sampled_from(PARAMETERS))
    value = data.draw(in_bounds(p))
    for text in (format_value(value), repr(value) if p.kind != "bool" else str(value).lower()):
        parsed = registry.parse_value(p.name, text)
        assert parsed == value and type(parsed) is type(value), (p.name, text)
        if isinstance(value, float):
            assert np.float64(parsed).view(np.uint64) == np.float64(value).view(np.uint64)


LEVERS = [registry.get(n) for n in registry.schedulable()]


@st.composite
def scenarios(draw) -> Scenario:
    chosen = draw(st.lists(st.sampled_from(PARAMETERS), max_size=6, unique_by=lambda p: p.name))
    params = {p.name: draw(in_bounds(p)) for p in chosen if p.name not in ("n_workers", "n_subcontractors")}
    params["n_workers"] = draw(st.integers(10, 5000))
    params = {**{n: registry.get(n).default for n in (*EFFORT_PARAMETERS, *STRENGTH_WEIGHTS)}, **params}
    schedule = draw(st.lists(st.tuples(st.integers(0, 600), st.dictionaries(
        st.sampled_from([p.name for p in LEVERS]), st.just(None), min_size=1, max_size=3)), max_size=3))
    schedule = [(w, {k: draw(in_bounds(registry.get(k))) for k in c}) for w, c in schedule]
    name = draw(st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True))
    description = draw(st.text(max_size=40))
    seed = draw(st.none() | st.integers(0, 2**64 - 1))
    windows = draw(st.dictionaries(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True).filter(
        lambda n: n != "final"), st.tuples(st.integers(0, 600), st.integers(1, 600)).filter(lambda w: w[0] < w[1]),
        max_size=3))
    return Scenario(name, description, make_runnable(params), tuple(schedule), seed=seed,
                    weeks=draw(st.none() | st.integers(1, 5000)), windows=windows)


@FAST
@given(scenario=scenarios())
def test_scenario_files_give_back_exactly_what_was_written(scenario) -> None:
    try:
        registry.validate(scenario.parameters, check_memory=False)
    except ParameterError:
        assume(False)
    again = scenario_from_dict(tomllib.loads(scenario.to_toml()))
    assert again.parameters == scenario.parameters
    assert {k: type(v) for k, v in again.parameters.items()} == {k: type(v) for k, v in scenario.parameters.items()}
    assert again.schedule == scenario.schedule
    assert (again.name, again.description, again.seed, again.weeks, again.windows) == (
        scenario.name, scenario.description.strip(), scenario.seed, scenario.weeks, scenario.windows)


# --- the model under schedules and at the corners of the bounds ---------------------------------------
BOUNDED = [o for o in OUTPUTS if o.bounds is not None]


def check_model(model, params: dict) -> None:
    """Step ``WEEKS`` weeks checking the agents' state, then the weekly metrics."""
    w, subs = model.workers, model.subcontractors
    for _ in range(WEEKS):
        model.step()
        limit = model.params["debt_limit"] * price_index(model.world.week, model.params["price_growth"])
        assert (w.savings >= -limit - 1e-6).all()
        assert not (w.participating & ~w.member).any()
        assert ((w.consciousness >= 0) & (w.consciousness <= 1)).all()
        assert ((w.health >= 0) & (w.health <= 1)).all()
        assert (subs.paid_rate >= 0).all() and (subs.paid_rate <= subs.price + 1e-9).all()
    df = model.datacollector.get_model_vars_dataframe()
    numbers = df.select_dtypes("number").to_numpy(dtype=float)
    assert np.isfinite(numbers).all(), "NaN or inf in the weekly metrics"
    np.testing.assert_allclose(df["value_from_principals"], df["worker_gross_pay"] + df["subcontractor_margin"],
                               rtol=1e-9, atol=1e-3)
    assert (df["pieces_produced"] <= df["pieces_ordered"] * (1 + 1e-12) + 1e-9).all()
    assert (df["piece_rate_mean"] >= 0).all()  # and each week's paid rates are within [0, price], above
    for output in BOUNDED:
        low, high = output.bounds
        assert df[output.name].between(low - 1e-12, high + 1e-12).all(), (output.name, df[output.name].agg(["min", "max"]))


@st.composite
def runnable_sets(draw, corners: bool = False) -> dict:
    params = {}
    for p in PARAMETERS:
        if corners and p.kind != "bool":
            low, high = SIZE_LIMITS.get(p.name, p.bounds)
            params[p.name] = draw(st.sampled_from([low, high]))
        else:
            params[p.name] = draw(in_bounds(p, SIZE_LIMITS))
    return make_runnable(params)


@st.composite
def schedules(draw) -> list:
    items = draw(st.lists(st.tuples(st.integers(0, WEEKS), st.lists(st.sampled_from(LEVERS), min_size=1, max_size=4,
                                                                     unique_by=lambda p: p.name)), max_size=4))
    return [(week, {p.name: draw(in_bounds(p)) for p in levers}) for week, levers in items]


@MODEL
@given(params=runnable_sets(), schedule=schedules(), seed=st.integers(0, 2**32 - 1))
def test_policy_changes_at_random_weeks_keep_the_invariants(params, schedule, seed) -> None:
    from rumahan.model import PuttingOutModel

    try:
        model = PuttingOutModel(seed=seed, schedule=schedule, **params)
    except ParameterError:  # a scheduled change may switch every strategy off: refused, in words
        assume(False)
    check_model(model, params)


@MODEL
@given(params=runnable_sets(corners=True), seed=st.integers(0, 2**32 - 1))
def test_parameters_at_the_corners_of_their_bounds_keep_the_invariants(params, seed) -> None:
    from rumahan.model import PuttingOutModel

    check_model(PuttingOutModel(seed=seed, **params), params)


@settings(max_examples=4, deadline=None)
@given(params=runnable_sets(), seed=st.integers(0, 2**64 - 1))
def test_a_run_is_a_pure_function_of_parameters_and_seed(params, seed) -> None:
    from rumahan.experiments.rerun import first_series_difference
    from rumahan.experiments.runner import run_simulation

    first = run_simulation(params, seed=seed, weeks=8)
    second = run_simulation(params, seed=seed, weeks=8)
    assert first_series_difference("run", first.timeseries, second.timeseries) is None
    assert first.events == second.events
