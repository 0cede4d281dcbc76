"""Nominal homogeneity (issue #13, model 0.2): money has no unit of its own in the model's rules.

Scaling every rupiah input (every parameter measured in Rp, the UMP and the poverty line) by k
must scale every rupiah output by k and leave every share, count and index unchanged. With k a
power of two the scaling is exact in floating point, so the check is equality, not closeness:
any rupiah constant written into a rule (or any rupiah quantity left out of the price level)
would change a comparison somewhere and show up here.
"""

from __future__ import annotations

import numpy as np
import pytest

from rumahan.model import PuttingOutModel, calendar
from rumahan.model import params as registry
from rumahan.model.metrics import OUTPUTS

K = 2.0  # a power of two, and every scaled default stays inside its bounds
RUPIAH_PARAMETERS = [p.name for p in registry.PARAMETERS if "Rp" in p.unit]
RUPIAH_OUTPUTS = [o.name for o in OUTPUTS if "Rp" in o.unit]
#: Every mechanism that touches money acts: floors, fines, household need, exits, failures,
#: switching, price growth with sticky contracts; the network bargains often.
WORLD = dict(n_workers=400, price_growth=0.05, floor_share=0.6, recognition=True, inspection_probability=0.3,
             household_need_weight=0.3, home_work_exit_rate=0.02, intermediary_failure_rate=0.02,
             switching_rate=0.02, framing_floor_exemption=0.5, effort_bargaining=0.5,
             debt_limit=20_000.0)  # low enough to bind


def _run(monkeypatch: pytest.MonkeyPatch, scale: float, seed: int):
    with monkeypatch.context() as m:
        m.setattr(calendar, "UMP_BY_YEAR", {y: v * scale for y, v in calendar.UMP_BY_YEAR.items()})
        m.setattr(calendar, "POVERTY_LINE_BY_YEAR", {y: v * scale for y, v in calendar.POVERTY_LINE_BY_YEAR.items()})
        money = {name: WORLD.get(name, registry.get(name).default) * scale for name in RUPIAH_PARAMETERS}
        model = PuttingOutModel(seed=seed, **{**WORLD, **money})
        model.run_weeks(156)
        return model.datacollector.get_model_vars_dataframe(), model


def test_the_registry_names_the_rupiah_inputs() -> None:
    """The test below scales what the registry calls rupiah: make sure that is the money."""
    assert {"principal_price", "relocation_cost", "defect_penalty", "dues_weekly", "debt_limit",
            "coop_savings_boost", "reservation_hourly_median", "cost_per_piece"} <= set(RUPIAH_PARAMETERS)
    assert {"piece_rate_mean", "earnings_mean", "savings_mean"} <= set(RUPIAH_OUTPUTS)


@pytest.mark.parametrize("seed", [1, 2])
def test_scaling_every_rupiah_input_scales_every_rupiah_output(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    base, model = _run(monkeypatch, 1.0, seed)
    scaled, _ = _run(monkeypatch, K, seed)
    # the money paths acted: a floor, fines, debt at its limit
    assert base["floor_rate"].max() > 0 and base["fines_paid"].max() > 0
    index = calendar.price_index(model.world.week, WORLD["price_growth"])
    assert (model.workers.savings <= -WORLD["debt_limit"] * index).any()
    for name in base.columns:
        expected = base[name].to_numpy() * (K if name in RUPIAH_OUTPUTS else 1.0)
        np.testing.assert_array_equal(scaled[name].to_numpy(), expected, err_msg=name)


def test_rupiah_constants_follow_the_price_level() -> None:
    """Over time every rupiah constant keeps its real value: in the third year, at 5 % a year,
    the cost of moving work elsewhere is its 2023 draw times the price level of the week."""
    model = PuttingOutModel(seed=4, n_workers=200, price_growth=0.05)
    model.run_weeks(2 * 52)
    subs = model.subcontractors
    index = calendar.price_index(model.world.week, 0.05)
    assert index == pytest.approx(1.05**2)
    np.testing.assert_allclose(subs.relocation_cost, subs.base_relocation_cost * index, rtol=1e-15)
