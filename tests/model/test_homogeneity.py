"""Nominal homogeneity: scaling every nominal input (each parameter in rupiah, the UMP and the
poverty line) by k scales every rupiah output by k and leaves every share, count and index as it
was. k = 2 is exact in binary floating point, so the check can ask for equality to the last bits."""

from __future__ import annotations

import numpy as np
import pytest

from rumahan.model import PuttingOutModel, calendar
from rumahan.model import params as registry
from rumahan.model.metrics import METRIC_NAMES, OUTPUT_BY_NAME

NOMINAL = [p.name for p in registry.PARAMETERS if "Rp" in p.unit and p.default is not None]
SCHEDULE = [(30, {"recognition": True, "floor_share": 0.13, "inspection_probability": 0.2})]


def _run(k: float, leave_out: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None):
    assert monkeypatch is not None
    monkeypatch.setattr(calendar, "UMP_BY_YEAR", {y: v * k for y, v in calendar.UMP_BY_YEAR.items()})
    monkeypatch.setattr(calendar, "POVERTY_LINE_BY_YEAR", {y: v * k for y, v in calendar.POVERTY_LINE_BY_YEAR.items()})
    scaled = {n: registry.get(n).default * k for n in NOMINAL if n != leave_out}
    model = PuttingOutModel(seed=5, n_workers=300, schedule=SCHEDULE, effort_bargaining=0.4,
                            replacement_cost_share=0.3, late_penalty_share=0.2, framing_floor_exemption=0.5,
                            household_need_weight=0.3, home_work_exit_rate=0.02, price_contract_weeks=26, reservation_indexation=0.5,
                            order_relocation_per_year=0.02, **scaled)
    model.run_weeks(120)
    monkeypatch.undo()
    return model.datacollector.get_model_vars_dataframe()


def _differences(plain, scaled, k: float) -> list[str]:
    out = []
    for name in METRIC_NAMES:
        factor = k if "Rp" in OUTPUT_BY_NAME[name].unit else 1.0
        if not np.allclose(plain[name].to_numpy(float) * factor, scaled[name].to_numpy(float), rtol=1e-12, atol=0):
            out.append(name)
    return out


def test_the_nominal_inputs_are_the_ones_in_rupiah() -> None:
    assert {"principal_price", "reservation_hourly_median", "relocation_cost", "dues_weekly", "debt_limit",
            "defect_penalty", "coop_savings_boost", "medical_cost", "initial_savings_mean"} <= set(NOMINAL)


def test_scaling_every_nominal_input_scales_every_rupiah_output(monkeypatch: pytest.MonkeyPatch) -> None:
    plain, doubled = _run(1.0, monkeypatch=monkeypatch), _run(2.0, monkeypatch=monkeypatch)
    assert _differences(plain, doubled, 2.0) == []
    assert plain["piece_rate_mean"].iloc[-1] > 0 and plain["floor_rate"].iloc[-1] > 0


def test_a_nominal_input_left_unscaled_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check can fail: dues left at their old value no longer scale with the rest."""
    plain, doubled = _run(1.0, monkeypatch=monkeypatch), _run(2.0, leave_out="dues_weekly", monkeypatch=monkeypatch)
    assert _differences(plain, doubled, 2.0)


def test_rupiah_constants_follow_the_price_level() -> None:
    """Over time every rupiah constant keeps its real value (model 0.2): in the third year, at 5 %
    a year, the cost of moving work elsewhere is its 2023 draw times the price level of the week,
    and the debt limit binds at the limit times the price level."""
    model = PuttingOutModel(seed=4, n_workers=300, price_growth=0.05, debt_limit=20_000.0)
    model.run_weeks(2 * 52)
    subs = model.subcontractors
    index = calendar.price_index(model.world.week, 0.05)
    assert index == pytest.approx(1.05**2)
    np.testing.assert_allclose(subs.relocation_cost, subs.base_relocation_cost * index, rtol=1e-15)
    assert model.workers.savings.min() == pytest.approx(-20_000.0 * index, rel=1e-12)
