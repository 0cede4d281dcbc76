"""Time and input data: weeks to years, the Jakarta UMP and the poverty line by year.

Week 0 is the first week of January 2023; a year has 52 model weeks; a month is 52/12 weeks.
The UMP and the poverty line are input data from the domain brief, extended past the last known
year by a growth-rate parameter.
"""

from __future__ import annotations

import numpy as np

START_YEAR = 2023
WEEKS_PER_YEAR = 52
WEEKS_PER_MONTH = WEEKS_PER_YEAR / 12
#: A run's default length: ten years from January 2023 (DESIGN §2).
DEFAULT_WEEKS = 10 * WEEKS_PER_YEAR
#: Hours in a month of full-time work, used for the UMP's hourly equivalent [brief §2.7].
HOURS_PER_MONTH = 173.0

#: DKI Jakarta provincial minimum wage, Rp/month [brief §2.7].
UMP_BY_YEAR: dict[int, float] = {
    2023: 4_901_798.0,
    2024: 5_067_381.0,
    2025: 5_396_761.0,
    2026: 5_729_876.0,
}

#: DKI Jakarta per-capita poverty line, Rp/month, March figures (Sep 2025 for 2026's start)
#: [brief §2.8].
POVERTY_LINE_BY_YEAR: dict[int, float] = {
    2023: 792_515.0,
    2024: 825_288.0,
    2025: 852_768.0,
    2026: 897_768.0,
}

#: Persons in a poor Jakarta household (4.92 in March 2024, 5.01 in September 2024, about 4.9 in
#: March 2025), for the poor-household line [brief §2.8].
HOUSEHOLD_SIZE = 4.9

#: Week of the Constitutional Court's ruling on case 75/PUU-XX/2022 (31 Jan 2023) [brief §2.14].
HISTORICAL_REVIEW_DECISION_WEEK = 4


def year_of_week(week: int) -> int:
    """Calendar year of a model week (week 0 = January 2023)."""
    return START_YEAR + week // WEEKS_PER_YEAR


def _extend(table: dict[int, float], year: int, growth: float) -> float:
    last = max(table)
    if year <= last:
        return table[max(year, min(table))]
    return table[last] * (1.0 + growth) ** (year - last)


def ump_monthly(week: int, growth: float) -> float:
    """Jakarta UMP in force in ``week``, Rp/month; grows at ``growth`` per year after 2026."""
    return _extend(UMP_BY_YEAR, year_of_week(week), growth)


def poverty_line_monthly(week: int, growth: float) -> float:
    """Per-capita poverty line in ``week``, Rp/month; grows at ``growth`` per year after 2026."""
    return _extend(POVERTY_LINE_BY_YEAR, year_of_week(week), growth)


def seasonal_factor(week: int | np.ndarray, amplitude: float, peak_week: int) -> float | np.ndarray:
    """Order seasonality: ``1 + amplitude * cos(2 pi (week - peak) / 52)`` [brief §2.2, SF4]."""
    return 1.0 + amplitude * np.cos(2.0 * np.pi * (np.asarray(week) - peak_week) / WEEKS_PER_YEAR)


def piece_rate_floor(week: int, floor_share: float, reference_productivity: float, ump_growth: float) -> float:
    """Legal floor per piece: ``floor_share`` of the UMP's hourly equivalent at the reference
    productivity (Thailand's time-equivalent rule, [brief §2.14]), Rp/piece."""
    hourly = ump_monthly(week, ump_growth) / HOURS_PER_MONTH
    return floor_share * hourly / reference_productivity


def price_index(week: int, price_growth: float) -> float:
    """Nominal price level relative to January 2023: ``(1 + price_growth) ** years``."""
    return (1.0 + price_growth) ** (week / WEEKS_PER_YEAR)


def contract_price_index(week: int, price_growth: float, contract_weeks: int) -> float:
    """The price level principals' nominal piece prices follow: ``price_index`` at the start of
    the contract in force (contracts renewed every ``contract_weeks`` weeks from week 0), so a
    price stays put in rupiah for a contract and catches up at each renewal; with
    ``contract_weeks`` = 1 it is ``price_index``."""
    return price_index(week - week % contract_weeks, price_growth)
