"""Summaries of a batch by what it varies: per design point, per value of chosen levers (averaged
over the levers not chosen), or pooled over the whole design, and labels that say which.

A grid or sample sweep answers "what does each point of the design do", so its summary rows are
per scenario and design point by default ("status_quo, framing_intensity = 0, tokenism = 0.1").
``by`` picks the parameters to keep apart, and every other varied parameter is averaged over
("status_quo, tokenism = 0.1" pools the framing values of that tokenism). Giving only
``scenario`` pools the whole design, and its rows say so ("status_quo, pooled over 9 design
points"). The numbers come from ``experiments.compare.comparison_table``; this module only picks
the groups and names them. The CLI (``rumahan sweep``, ``rumahan compare --by``) and the
dashboard's Batch page use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from rumahan.experiments.compare import comparison_table
from rumahan.experiments.records import PARAM_PREFIX, param_column

SCENARIO = "scenario"


def varied_parameters(runs: pd.DataFrame, design: pd.DataFrame | None = None,
                      names: Sequence[str] | None = None) -> list[str]:
    """Bare names of the parameters a batch varied (from ``names``, e.g. the manifest's
    ``plan.varied``, else the design table's columns) that the runs table holds."""
    if names is None:
        names = [] if design is None else [c for c in design.columns if c != "point"]
    return [n for n in names if param_column(n) in runs.columns]


def parse_by(text: str | Sequence[str] | None, varied: Sequence[str]) -> list[str] | None:
    """``--by NAME[,NAME]`` as a list of names (``None``: per design point).

    Accepted names: ``scenario`` and the varied parameters. An unknown name is refused with one
    line naming it and the accepted names (``ValueError``).
    """
    if text is None:
        return None
    items = [text] if isinstance(text, str) else list(text)
    names = [n.strip() for item in items for n in item.split(",") if n.strip()]
    accepted = [SCENARIO, *varied]
    unknown = [n for n in names if n not in accepted]
    if unknown or not names:
        what = f"unknown name(s) {', '.join(unknown)}" if unknown else "no name given"
        raise ValueError(f"--by: {what}; accepted: {', '.join(accepted)} (the scenario and the parameters "
                         "this batch varied)")
    return list(dict.fromkeys(names))


def summary_keys(varied: Sequence[str], by: Sequence[str] | None = None) -> list[str]:
    """Group columns of a summary: the scenario, then the ``param.`` column of each parameter kept
    apart (all varied ones when ``by`` is ``None``)."""
    kept = list(varied) if by is None else [n for n in varied if n in by]
    return [SCENARIO, *(param_column(n) for n in kept)]


def describe(varied: Sequence[str], by: Sequence[str] | None, points: int, replicates: int | None = None) -> str:
    """What each row of the summary is, in words (printed above the tables)."""
    reps = f"{replicates} replicates" if replicates else "its replicates"
    kept = list(varied) if by is None else [n for n in varied if n in by]
    averaged = [n for n in varied if n not in kept]
    if not varied or points < 2:
        return f"Per scenario, over {reps}"
    if not kept:
        return f"Per scenario, pooled over all {points} design points and their replicates"
    if not averaged:
        return f"Per scenario and design point ({', '.join(kept)}), over {reps}"
    return (f"Per scenario and {', '.join(kept)}, averaged over {', '.join(averaged)} "
            "and the replicates")


def summary_table(runs: pd.DataFrame, baseline: str | None, varied: Sequence[str],
                  by: Sequence[str] | None = None, metrics: Sequence[str] | None = None,
                  scenario: Callable[[str], str] = str, parameter: Callable[[str], str] = str) -> pd.DataFrame:
    """``comparison_table`` grouped by ``summary_keys(varied, by)``; ``attrs["labels"]`` holds a
    label per group (in the table's order, named as ``group_labels`` names them) and ``attrs["pooled"]`` the number of design points a
    row pools (1 unless it pools several)."""
    keys = summary_keys(varied, by)
    table = comparison_table(runs, baseline, metrics=metrics, group=keys)
    kept = len(keys) - 1
    pooled_points = runs["point"].nunique() if "point" in runs.columns and kept == 0 and varied else 1
    groups = table[keys].drop_duplicates()
    table.attrs["labels"] = group_labels(groups, keys, pooled_points, scenario, parameter).tolist()
    table.attrs["pooled"] = int(pooled_points)
    table.attrs["keys"] = keys
    return table


def _value(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def group_labels(frame: pd.DataFrame, keys: Sequence[str], pooled_points: int = 1,
                 scenario: Callable[[str], str] = str, parameter: Callable[[str], str] = str) -> pd.Series:
    """A label per row of ``frame``: the values of ``keys`` joined by ", ", a parameter's as
    ``name = value`` ("status_quo, tokenism = 0.1"); with ``pooled_points`` > 1 the label says the
    row pools that many design points ("status_quo, pooled over 9 design points"). ``scenario`` and
    ``parameter`` name them (code names by default, as in the CLI's tables; the dashboard passes
    their titles: "Status quo (2023), Tokenism = 0.1")."""
    def label(row: tuple) -> str:
        parts = [f"{parameter(k.removeprefix(PARAM_PREFIX))} = {_value(v)}" if k.startswith(PARAM_PREFIX)
                 else scenario(_value(v)) if k == "scenario" else _value(v)
                 for k, v in zip(keys, row, strict=True)]
        if pooled_points > 1:
            parts.append(f"pooled over {pooled_points} design points")
        return ", ".join(parts)

    return pd.Series([label(row) for row in frame[list(keys)].itertuples(index=False, name=None)],
                     index=frame.index, dtype=object)
