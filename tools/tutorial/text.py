"""How the tutorial writes numbers, intervals and tables into its page."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rumahan.model.metrics import OUTPUT_BY_NAME
from tools.tutorial.intervals import Interval


def fmt(value: float, metric: str | None = None, signed: bool = False) -> str:
    """A number for the text: Rp amounts without decimals (piece rates with one), shares with
    three decimals, others with three significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    unit = OUTPUT_BY_NAME[metric].unit if metric in OUTPUT_BY_NAME else ""
    sign = "+" if signed else ""
    if metric == "piece_rate_mean" or unit == "Rp/piece":
        text = f"{value:{sign},.1f}"
    elif unit.startswith("Rp"):
        text = f"{value:{sign},.0f}"
    elif unit in ("share", "0-1", "0/1"):
        text = f"{value:{sign}.3f}"
    elif abs(value) >= 1000:
        text = f"{value:{sign},.0f}"
    else:
        text = f"{value:{sign}.3g}"
    return text.replace("-", "−") if text.startswith("-") else text


def fmt_ci(interval: Interval, metric: str | None = None, signed: bool = False) -> str:
    """``mean [low, high]``."""
    mean, low, high = interval
    return f"{fmt(mean, metric, signed)} [{fmt(low, metric, signed)}, {fmt(high, metric, signed)}]"


def star(interval: Interval) -> str:
    """``*`` when the interval excludes 0."""
    return "*" if interval.excludes_zero() else ""


def pct(value: float, digits: int = 0) -> str:
    """A share as a percentage: ``0.0823`` -> ``8%``."""
    if value is None or math.isnan(value):
        return "n/a"
    return f"{100 * value:.{digits}f}%"


def ordinal(n: int) -> str:
    """``1`` -> ``1st``, ``2`` -> ``2nd``, ``11`` -> ``11th``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def index(value: float) -> str:
    """A sensitivity index with two decimals (``0.00`` rather than ``-0.00``; minus as ``−``)."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text.replace("-", "−")


def code_list(names: Sequence[str]) -> str:
    """```a`, `b``` for names of parameters, scenarios or outcomes."""
    return ", ".join(f"`{n}`" for n in names)


def label(metric: str) -> str:
    """``metric (unit)`` for a table row."""
    unit = OUTPUT_BY_NAME[metric].unit if metric in OUTPUT_BY_NAME else ""
    return f"`{metric}` ({unit})" if unit else f"`{metric}`"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str | None = None) -> str:
    """A GitHub-flavoured Markdown table (``align``: one ``l``/``r`` per column, default l then r)."""
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
