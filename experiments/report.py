"""Reports of batches: the comparison table (CSV and Parquet), its text rendering, and PNG figures.

Used after a sweep, by ``rumahan compare DIR`` and by ``rumahan demo``; the numbers come from
``experiments.compare.comparison_table`` and the figures from ``experiments.plots``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from rumahan.experiments import plots, storage
from rumahan.experiments.compare import comparison_table, window_tables
from rumahan.experiments.records import param_column
from rumahan.experiments.summaries import describe, group_labels, summary_table, varied_parameters
from rumahan.model.errors import RumahanInputError
from rumahan.model.metrics import OUTPUT_BY_NAME

#: Outcomes shown in printed tables and the time-series and bar figures.
KEY_OUTCOMES = (
    "piece_rate_mean", "earnings_to_ump", "labour_share", "below_poverty_share", "membership_rate",
    "participation_rate", "consciousness_mean", "coverage_rate",
)
#: Columns of the printed table (compact: what a reader checks first).
PRINTED_OUTCOMES = (
    "piece_rate_mean", "earnings_to_ump", "below_poverty_share", "membership_rate", "coverage_rate",
    "power_within", "power_with", "power_to", "power_over",
)
DPI = 130


def save_figure(fig: Figure, path: Path) -> Path:
    """Save ``fig`` as a PNG, atomically, cropped or widened to everything drawn (a legend wider
    than the panels above it is not cut off)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.1)  # legends outside the axes stay whole
    storage.atomic_write_bytes(path, buffer.getvalue())
    return path


def choose_baseline(scenarios: Sequence[str], wanted: str | None = None) -> str:
    """``wanted`` if given (it must be one of ``scenarios``), else ``status_quo`` if present, else the first."""
    if wanted is not None:
        if wanted not in scenarios:
            raise RumahanInputError(f"baseline '{wanted}' is not among the scenarios ({', '.join(scenarios)})")
        return wanted
    return "status_quo" if "status_quo" in scenarios else scenarios[0]


#: Outcomes drawn as heatmaps when none are chosen (``--metrics`` chooses others).
HEATMAP_OUTCOMES = ("earnings_to_ump",)


def write_comparison(
    folder: Path,
    runs: pd.DataFrame,
    timeseries: pd.DataFrame | None,
    events: pd.DataFrame | None,
    baseline: str,
    design: pd.DataFrame | None = None,
    grid: Sequence[str] = (),
    by: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    windows: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[Path]]:
    """Write ``comparison.csv``/``.parquet`` and the figures of a batch into ``folder``.

    ``comparison.csv`` is per scenario, or per scenario and design point when the batch has
    several points (with the point's parameter values as extra columns). The summary drawn and
    returned is ``experiments.summaries.summary_table`` grouped ``by`` (default: per design point);
    with ``by`` it is also written as ``comparison_by_<names>.csv``. Figures, by the summary's
    groups (each design point, or each value of the levers ``by`` keeps): time series with bands
    and policy changes (a figure per outcome, ``timeseries_<outcome>.png``, with a panel per design
    point; ``timeseries.png`` with a panel per outcome when there is one point, or more than
    ``plots.MAX_PANELS``, then per scenario and saying what it pools), final-year bars and power
    indices, Power Cube effort (a bar per group), and, when the ``grid`` has
    two parameters, for each of ``metrics`` (default ``HEATMAP_OUTCOMES``) a heatmap with a panel
    per scenario on one colour scale (``heatmap_<metric>.png``) and the difference from the
    baseline's first cell (``heatmap_<metric>_difference.png``). With a ``windows`` table (the
    scenarios declare ``[windows]``), ``write_window_comparison`` adds a table and bars per window.

    Returns the summary table and the figure paths.
    """
    points = 1 if design is None else len(design)
    over = "replicates" if points == 1 else f"all {points} design points and their replicates"
    varied = varied_parameters(runs, design)
    table = comparison_table(runs, baseline)
    if points > 1:
        table = comparison_table(runs, baseline, group=["scenario", "point"])
        note = table.attrs.get("significance_note")
        table = table.merge(design, on="point", how="left")
        table.attrs["significance_note"] = note
        rest = [c for c in table.columns if c not in ("scenario", "point", *varied)]
        table = table[["scenario", "point", *varied, *rest]]
    # what `*`/`significant` means, in the CSV itself (one value, repeated: readers need no comment syntax)
    storage.write_csv(folder / "comparison.csv", table.assign(significance_note=table.attrs.get("significance_note")))
    storage.write_table(folder / storage.TABLE_FILES["comparison"], table, "comparison")
    summary = summary_table(runs, baseline, varied, by)
    if by is not None:
        storage.write_csv(folder / f"comparison_by_{'_'.join(by)}.csv",
                          summary.assign(group=_row_labels(summary)))
    keys = summary.attrs["keys"]
    spread = "replicates" if len(keys) > 1 or points == 1 else over
    averaged = [v for v in varied if param_column(v) not in keys]
    if len(keys) > 1 and averaged:
        spread = f"replicates and {', '.join(averaged)}"
    figures = folder / storage.FIGURES
    paths = []
    kept_points = len(runs[keys[1:]].drop_duplicates()) if len(keys) > 1 else 1
    for old in (figures / "timeseries.png", *(figures / f"timeseries_{m}.png" for m in KEY_OUTCOMES)):
        old.unlink(missing_ok=True)  # a report grouped otherwise before: its time-series figures go
    if timeseries is not None and len(timeseries):
        if 1 < kept_points <= plots.MAX_PANELS:  # a panel per design point, a figure per outcome
            per = f"value of {', '.join(k.removeprefix('param.') for k in keys[1:])}" if averaged else "design point"
            paths += [save_figure(plots.timeseries_by_point(timeseries, runs, metric, keys[1:], events, baseline,
                                                            over=spread, per=per), figures / f"timeseries_{metric}.png")
                      for metric in KEY_OUTCOMES]
        else:  # one design point, or more than fit: per scenario, the legend saying what it pools
            paths.append(save_figure(plots.timeseries_bands(timeseries, KEY_OUTCOMES, events=events, over=over,
                                                            baseline=baseline), figures / "timeseries.png"))
    paths.append(save_figure(plots.final_year_bars(summary, KEY_OUTCOMES, baseline, over=spread),
                             figures / "final_year.png"))
    paths.append(save_figure(plots.power_indices(summary), figures / "power_indices.png"))
    per_group = len(summary.attrs["labels"]) <= plots.MAX_CUBE_ROWS
    paths.append(save_figure(plots.power_cube(runs, over=spread if per_group else over,
                                              keys=keys if per_group else None), figures / "power_cube.png"))
    grid = [c for c in grid if design is not None and c in design.columns]
    if len(grid) >= 2 and design[grid[0]].nunique() > 1 and design[grid[1]].nunique() > 1:
        x, y = grid[0], grid[1]
        cell = {"scenario": baseline, param_column(x): min(design[x]), param_column(y): min(design[y])}
        for metric in metrics or HEATMAP_OUTCOMES:
            paths.append(save_figure(plots.heatmap(runs, x, y, metric), figures / f"heatmap_{metric}.png"))
            paths.append(save_figure(plots.heatmap(runs, x, y, metric, reference=cell),
                                     figures / f"heatmap_{metric}_difference.png"))
    paths += write_window_comparison(folder, windows, baseline, design)[1]
    return summary, paths


def _row_labels(table: pd.DataFrame) -> list[str]:
    """The label of each row of a summary table (its group's)."""
    keys = table.attrs["keys"]
    labels = dict(zip(table[keys].drop_duplicates().itertuples(index=False, name=None), table.attrs["labels"],
                      strict=True))
    return [labels[k] for k in table[keys].itertuples(index=False, name=None)]


def summary_note(runs: pd.DataFrame, design: pd.DataFrame | None, by: Sequence[str] | None,
                 folder: Path | str) -> str:
    """The line printed above a batch's summary table: what each row is (per design point, per
    lever value averaged over the others, or pooled) and where the full table is."""
    points = 1 if design is None else len(design)
    replicates = int(runs["replicate"].nunique()) if "replicate" in runs else None
    text = describe(varied_parameters(runs, design), by, points, replicates)
    if points > 1:
        text += f" (every design point: {folder}/comparison.csv)"
    return text + ":"


def window_label(table: pd.DataFrame) -> str:
    """How reports name a window's table (``window_tables``): ``window shock (weeks 104-129)``."""
    start, end = table.attrs["weeks"]
    return f"window {table.attrs['window']} (weeks {start}-{end - 1})"


def write_window_comparison(
    folder: Path, windows: pd.DataFrame | None, baseline: str, design: pd.DataFrame | None = None,
) -> tuple[dict[str, pd.DataFrame], list[Path]]:
    """For a batch whose scenarios declare windows: ``comparison_windows.csv``/``.parquet`` (the
    comparison table of each window, stacked, after the columns ``window, start_week, end_week``;
    per scenario and design point when the batch has several points, as ``comparison.csv``) and a
    bar figure per window, ``figures/window_<name>.png``, like ``final_year.png``.

    Returns the scenario-level table of each window (``window_tables``) and the figure paths;
    nothing is written when ``windows`` is ``None`` or empty.
    """
    tables = window_tables(windows, baseline)
    if not tables:
        return {}, []
    points = 1 if design is None else len(design)
    detailed = tables if points == 1 else window_tables(windows, baseline, group=["scenario", "point"])
    stacked = pd.concat([t.assign(window=name, start_week=t.attrs["weeks"][0], end_week=t.attrs["weeks"][1])
                         for name, t in detailed.items()], ignore_index=True)
    if points > 1:
        stacked = stacked.merge(design, on="point", how="left")
    first = ["window", "start_week", "end_week"]
    stacked = stacked[[*first, *(c for c in stacked.columns if c not in first)]]
    storage.write_csv(folder / "comparison_windows.csv", stacked)
    storage.write_table(folder / storage.TABLE_FILES["window_comparison"], stacked, "window_comparison")
    over = "replicates" if points == 1 else f"all {points} design points and their replicates"
    paths = [save_figure(plots.final_year_bars(table, KEY_OUTCOMES, baseline, over=over, period=window_label(table)),
                         folder / storage.FIGURES / f"window_{name}.png") for name, table in tables.items()]
    return tables, paths


def format_table(table: pd.DataFrame, metrics: Sequence[str] = PRINTED_OUTCOMES) -> str:
    """A plain-text table: one row per group (labelled as ``experiments.summaries.group_labels``
    does, or by ``table.attrs["labels"]``), one column per metric, cells ``mean ±half-CI``, ``*``
    when the difference from the baseline is significant (Benjamini-Hochberg ``q_value < 0.05``,
    ``experiments.compare``); with a baseline, a last line says so."""
    keys = list(table.columns[: table.columns.get_loc("metric")])
    metrics = [m for m in metrics if m in set(table["metric"])]
    groups = table[keys].drop_duplicates()
    names = table.attrs.get("labels") or group_labels(groups, keys).tolist()
    width = max(len("scenario"), *(len(n) for n in names)) + 1
    header = ["", *metrics]
    units = ["", *(f"({OUTPUT_BY_NAME[m].unit})" for m in metrics)]
    cells = []
    for row_key, name in zip(groups.itertuples(index=False), names, strict=True):
        mask = np.ones(len(table), dtype=bool)
        for key, value in zip(keys, row_key, strict=True):
            mask &= (table[key] == value).to_numpy()
        sub = table[mask].set_index("metric")
        line = [name]
        for metric in metrics:
            r = sub.loc[metric]
            half = (r["ci_high"] - r["ci_low"]) / 2 if pd.notna(r["ci_high"]) else np.nan
            mark = "*" if _significant(r) else " "
            places = _decimals(r["mean"])  # the half-width to the mean's precision
            line.append(_number(r["mean"], places) + ("" if np.isnan(half) else f" ±{_number(half, places)}") + mark)
        cells.append(line)
    widths = [width] + [max(len(h), len(u), *(len(c[i + 1]) for c in cells)) + 1 for i, (h, u) in
                        enumerate(zip(header[1:], units[1:], strict=True))]
    lines = [
        "".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(header, widths, strict=True))),
        "".join(u.rjust(w) if i else u.ljust(w) for i, (u, w) in enumerate(zip(units, widths, strict=True))),
    ]
    for line in cells:
        lines.append("".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))))
    if table.attrs.get("tests"):
        lines.append(table.attrs["significance_note"])
    return "\n".join(lines)


def _significant(row: pd.Series) -> bool:
    """``*``: the row's ``significant`` (q < 0.05); a table of an older version, without it: the
    95% interval of the difference excludes 0."""
    if "significant" in row.index and pd.notna(row["significant"]):
        return bool(row["significant"])
    return bool(pd.notna(row["diff_ci_low"]) and (row["diff_ci_low"] > 0 or row["diff_ci_high"] < 0))


def significant(x: float, digits: int = 3) -> str:
    """``x`` rounded to ``digits`` significant figures, written without an exponent and with
    thousands separators (0.00788, 0.293, 387, 12,300); "" for NaN."""
    if pd.isna(x):
        return ""
    if x == 0:
        return "0"
    magnitude = int(np.floor(np.log10(abs(x))))
    places = digits - 1 - magnitude
    rounded = round(float(x), places)
    return f"{rounded:,.{max(0, places)}f}"


def _decimals(x: float) -> int:
    """Decimals a table shows for a number of this size: 0 from 1,000, 1 from 100, else 3."""
    return 0 if abs(x) >= 1000 else 1 if abs(x) >= 100 else 3


def _number(x: float, places: int | None = None) -> str:
    if pd.isna(x):
        return "nan"
    return f"{x:,.{_decimals(x) if places is None else places}f}"
