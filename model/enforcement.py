"""Whether a legal piece-rate floor deters a subcontractor from underpaying [brief §6].

A subcontractor weighs the expected fine for a week of underpaying against the gain: inspected
with probability ``p`` per week, a violation found with probability ``detection``, fined
``fine_multiple`` times the wages owed over ``back_pay_weeks`` weeks. Per rupiah underpaid a week
the expected cost is ``p * detection * fine_multiple * back_pay_weeks``; scaled by the firm's
``risk_perception`` (log-normal around 1), it is deterred when that reaches 1 (docs/ODD.md §7.3).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import stats


def expected_fine_per_rupiah(inspection_probability: float, detection: float, fine_multiple: float,
                             back_pay_weeks: float) -> float:
    """Expected fine per rupiah underpaid in a week: ``p * detection * fine_multiple * back_pay_weeks``."""
    return inspection_probability * detection * fine_multiple * back_pay_weeks


def deterred(expected_fine: float, risk_perception: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Which subcontractors the floor deters: ``expected_fine * risk_perception >= 1``."""
    return expected_fine * risk_perception >= 1.0


def deterred_share(inspection_probability: float, detection: float, fine_multiple: float,
                   back_pay_weeks: float, risk_perception_dispersion: float) -> float:
    """Expected share of subcontractors that ``deterred`` deters, in closed form.

    With ``risk_perception = exp(s * Z)``, ``Z`` standard normal and ``s`` the dispersion, a firm is
    deterred when ``Z >= -ln(E) / s`` for the expected fine ``E``, so the share is
    ``Phi(ln(E) / s)`` (all or none when ``s = 0``).
    """
    expected = expected_fine_per_rupiah(inspection_probability, detection, fine_multiple, back_pay_weeks)
    if expected <= 0:
        return 0.0
    if risk_perception_dispersion <= 0:
        return float(expected >= 1.0)
    return float(stats.norm.cdf(math.log(expected) / risk_perception_dispersion))
