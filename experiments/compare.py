"""Scenario comparisons: run scenarios with replicates, and tabulate outcome means with 95%
confidence intervals and effects against a baseline.

``compare_scenarios`` runs (through the batch engine) and ``comparison_table`` tabulates; the CLI
(``rumahan compare``, ``rumahan demo``), sweep reports and the dashboard all call these two. To
look at the plan before running it: ``comparison_plan``, then ``run_comparison``.

Statistics, per group (scenario, or scenario and design point) and outcome (final-year means;
``window_tables`` applies the same ``comparison_table`` to each named window's means):

- ``mean`` with a 95% confidence interval ``mean ± t(0.975, n-1) · sd / sqrt(n)``;
- ``diff`` = mean − baseline mean, with a 95% interval: *paired* by seed when both groups ran the
  same seeds (replicate ``r`` of every scenario shares a seed, see ``experiments.seeds``), so the
  interval is that of the mean paired difference; otherwise Welch's interval;
- ``effect_size``, labelled by ``effect_size_measure``: ``d_z`` for paired groups, the mean paired
  difference over the sd of the seed-by-seed differences; ``d_av`` otherwise,
  ``diff / sqrt((sd² + sd_baseline²) / 2)`` (NaN when there is no spread);
- ``p_value``: paired t-test for paired groups, Welch's t-test otherwise (NaN for the baseline
  itself and where there is no spread); ``q_value``: Benjamini-Hochberg adjusted p-values over every
  group × metric test of the table (``scipy.stats.false_discovery_control``); ``significant`` is
  ``q_value < 0.05``, the ``*`` of the printed report, the CSV note and the dashboard
  (``significance_note``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from rumahan.experiments.batch import run_batch
from rumahan.experiments.executors import Execution
from rumahan.experiments.plan import Plan, build_plan
from rumahan.experiments.records import OUTCOME_NAMES, unknown_outcomes
from rumahan.experiments.scenarios import Scenario, ScenarioError, load_scenario
from rumahan.model.calendar import DEFAULT_WEEKS
from rumahan.model.errors import RumahanInputError
from rumahan.model.metrics import OUTPUT_BY_NAME

CONFIDENCE = 0.95
TABLE_COLUMNS = (
    "metric", "unit", "mean", "ci_low", "ci_high", "n", "sd", "diff", "diff_ci_low", "diff_ci_high",
    "effect_size", "paired", "effect_size_measure", "p_value", "q_value", "significant",
)
#: The false discovery rate a ``*`` (``significant``) controls.
Q_LEVEL = 0.05


def significance_note(tests: int) -> str:
    """The one line that says what a ``*`` means, e.g. ``* q < 0.05, Benjamini-Hochberg over 12 tests``."""
    return f"* q < {Q_LEVEL:g}, Benjamini-Hochberg over {tests} test{'' if tests == 1 else 's'}"


def bh_q_values(p_values: np.ndarray | pd.Series) -> tuple[np.ndarray, int]:
    """Benjamini-Hochberg q-values of ``p_values`` (NaN stays NaN and is not counted) and the number
    of tests adjusted over."""
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    tested = ~np.isnan(p)
    if tested.any():
        q[tested] = stats.false_discovery_control(p[tested], method="bh")
    return q, int(tested.sum())


@dataclass
class Comparison:
    """Scenarios run side by side.

    Attributes:
        runs: one row per run: ``run_id, scenario, replicate, seed, wall_time_s``, the
            ``param.*`` columns and every summary metric (``METRIC_NAMES``).
        timeseries: ``run_id, scenario, replicate, week`` and every metric, one row per run-week.
        table: ``comparison_table(runs, baseline)``.
        events: ``run_id, scenario, week, kind, detail``.
        baseline: the scenario the others are compared with.
        folder: where it was saved, if it was.
        windows: one row per run and named window (``experiments.records``; empty without windows).
        window_tables: ``window_tables(windows, baseline)``: per window, a table like ``table``.
    """

    runs: pd.DataFrame
    timeseries: pd.DataFrame
    table: pd.DataFrame
    events: pd.DataFrame
    baseline: str
    folder: Path | None = None
    windows: pd.DataFrame | None = None
    window_tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def as_scenario(item: str | Path | Scenario) -> Scenario:
    """A scenario from a pinned name, a TOML path or a ``Scenario``."""
    return item if isinstance(item, Scenario) else load_scenario(item)


def compare_scenarios(
    scenarios: Iterable[str | Path | Scenario],
    replicates: int = 5,
    weeks: int = DEFAULT_WEEKS,
    root_seed: int = 1,
    baseline: str = "status_quo",
    overrides: Mapping[str, Any] | None = None,
    *,
    out: str | Path | None = None,
    execution: Execution | None = None,
) -> Comparison:
    """Run each scenario ``replicates`` times and compare it with ``baseline``.

    Args:
        scenarios: names, paths or ``Scenario`` objects.
        replicates: runs per scenario; replicate ``r`` uses the same seed in every scenario.
        weeks: weeks per run.
        root_seed: seeds come from ``experiments.seeds.replicate_seeds(root_seed, replicates)``.
        baseline: name of one of the scenarios.
        overrides: parameter changes for every run (e.g. ``{"n_workers": 500}``), validated.
        out: save the runs in this folder (kind ``comparison``; resumable) instead of memory only.
        execution: where the runs execute and who hears of their progress (``run_batch``).
    """
    plan = comparison_plan(scenarios, replicates=replicates, weeks=weeks, root_seed=root_seed, baseline=baseline,
                           overrides=overrides)
    return run_comparison(plan, out, execution)


def comparison_plan(scenarios: Iterable[str | Path | Scenario], *, replicates: int, weeks: int, root_seed: int,
                    baseline: str, overrides: Mapping[str, Any] | None = None,
                    design: pd.DataFrame | None = None, settings: Mapping[str, Any] | None = None) -> Plan:
    """The batch plan of ``compare_scenarios`` (its arguments, each given), with the baseline in its
    settings; ``design`` (e.g. posterior draws) runs every scenario at each of its points."""
    chosen = [as_scenario(s) for s in scenarios]
    names = [s.name for s in chosen]
    if baseline not in names:
        raise ScenarioError(f"baseline '{baseline}' is not among the compared scenarios ({', '.join(names)})")
    return build_plan("comparison", chosen, design=design, overrides=overrides, replicates=replicates, weeks=weeks,
                      root_seed=root_seed, settings={"baseline": baseline, **(settings or {})})


def run_comparison(plan: Plan, out: str | Path | None = None, execution: Execution | None = None) -> Comparison:
    """Run a ``comparison_plan`` where ``execution`` says (``run_batch``) and compare its scenarios
    with the baseline its settings record."""
    baseline = plan.settings["baseline"]
    result = run_batch(plan, out, execution)
    series = result.timeseries if result.timeseries is not None else pd.DataFrame()
    return Comparison(
        runs=result.runs,
        timeseries=series,
        table=comparison_table(result.runs, baseline),
        events=result.events,
        baseline=baseline,
        folder=result.folder,
        windows=result.windows,
        window_tables=window_tables(result.windows, baseline),
    )


def _groups(group: str | Sequence[str]) -> list[str]:
    return [group] if isinstance(group, str) else list(group)


def t_half_width(sd: np.ndarray | pd.Series, n: np.ndarray | pd.Series, confidence: float = CONFIDENCE) -> np.ndarray:
    """Half-width of the Student-t confidence interval of a mean, ``t(q, n-1) · sd / sqrt(n)``
    (NaN where ``n < 2``); vectorised."""
    sd, n = np.asarray(sd, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
    return np.where(n >= 2, half, np.nan)


def _paired_groups(runs: pd.DataFrame, keys: list[str], baseline: str) -> set[tuple]:
    """Groups that ran exactly the baseline group's seeds, each once (at least 2)."""
    seeds = {
        (k if isinstance(k, tuple) else (k,)): g.tolist()
        for k, g in runs.groupby(keys, sort=False)["seed"]
    }
    paired = set()
    for key, mine in seeds.items():
        base = seeds.get((baseline, *key[1:]))
        if base is not None and len(mine) >= 2 and len(set(mine)) == len(mine) == len(base) and set(mine) == set(base):
            paired.add(key)
    return paired


def comparison_table(
    runs: pd.DataFrame,
    baseline: str | None,
    metrics: Sequence[str] | None = None,
    group: str | Sequence[str] = "scenario",
) -> pd.DataFrame:
    """Tidy table: one row per group and metric with ``mean, ci_low, ci_high, n, sd`` and, against
    the baseline, ``diff, diff_ci_low, diff_ci_high, effect_size, paired`` (see module docstring).

    Args:
        runs: a runs table (``Comparison.runs``, ``load_output(...).runs``).
        baseline: value of the first group column to compare with (``None``: no differences).
            With several group columns, a group is compared with the baseline group that has the
            same values in the other columns (e.g. the same design point).
        metrics: outcomes to tabulate (default: every metric but ``week`` and ``year``).
        group: column(s) that define a group, e.g. ``"scenario"`` or ``["scenario", "point"]``.
    """
    keys = _groups(group)
    missing = [k for k in keys if k not in runs.columns]
    if missing:
        raise RumahanInputError(f"group column(s) {', '.join(missing)} not in the runs table")
    if metrics is None:
        metrics = [m for m in OUTCOME_NAMES if m in runs.columns]
    unknown = [m for m in metrics if m not in OUTPUT_BY_NAME or m not in runs.columns]
    if unknown:
        raise RumahanInputError(unknown_outcomes(unknown))
    if baseline is not None and baseline not in set(runs[keys[0]]):
        raise RumahanInputError(f"baseline '{baseline}' is not a {keys[0]} of these runs "
                         f"({', '.join(map(str, pd.unique(runs[keys[0]])))})")
    has_seed = "seed" in runs.columns
    ids = [*keys, "seed"] if has_seed else list(keys)
    long = runs[[*ids, *metrics]].melt(id_vars=ids, value_vars=list(metrics), var_name="metric", value_name="value")
    long["value"] = long["value"].astype(float)
    by = [*keys, "metric"]
    table = long.groupby(by, sort=False)["value"].agg(mean="mean", sd="std", n="count").reset_index()
    half = t_half_width(table["sd"], table["n"])
    table["ci_low"], table["ci_high"] = table["mean"] - half, table["mean"] + half
    # A share cannot leave [0, 1]: truncate its interval there (few replicates make t-intervals wide).
    low = table["metric"].map(lambda m: (OUTPUT_BY_NAME[m].bounds or (-np.inf, np.inf))[0])
    high = table["metric"].map(lambda m: (OUTPUT_BY_NAME[m].bounds or (-np.inf, np.inf))[1])
    table["ci_low"], table["ci_high"] = table["ci_low"].clip(lower=low), table["ci_high"].clip(upper=high)
    table["sd"] = table["sd"].where(table["n"] >= 2)
    table["unit"] = table["metric"].map(lambda m: OUTPUT_BY_NAME[m].unit)
    for column in ("diff", "diff_ci_low", "diff_ci_high", "effect_size", "p_value", "q_value"):
        table[column] = np.nan
    table["paired"] = False
    table["effect_size_measure"] = ""
    if baseline is not None:
        table = _against_baseline(table, long, runs, keys, baseline, has_seed)
    # group by group (in the runs' order), metric by metric (in the order asked)
    groups = runs[keys].drop_duplicates().assign(_group=lambda f: np.arange(len(f)))
    table = table.merge(groups, on=keys, how="left")
    table["_metric"] = table["metric"].map({m: i for i, m in enumerate(metrics)})
    table = table.sort_values(["_group", "_metric"], kind="stable").reset_index(drop=True)
    table["q_value"], tests = bh_q_values(table["p_value"])
    table["significant"] = (table["q_value"] < Q_LEVEL).to_numpy()
    table = table[[*keys, *TABLE_COLUMNS]].astype({"n": "int64", "paired": "bool", "significant": "bool"})
    table.attrs["baseline"] = baseline
    table.attrs["tests"] = tests
    table.attrs["significance_note"] = significance_note(tests)
    return table


def window_tables(
    windows: pd.DataFrame | None,
    baseline: str | None,
    metrics: Sequence[str] | None = None,
    group: str | Sequence[str] = "scenario",
) -> dict[str, pd.DataFrame]:
    """Per named window, in the order of the windows table, ``comparison_table`` of the runs' means
    over that window (the same statistics as the final year's). Each table's ``attrs`` hold
    ``window`` (its name) and ``weeks`` (``[start, end]``: weeks start to end - 1).

    Args:
        windows: a windows table (``Comparison.windows``, ``load_output(...).tables["windows"]``);
            ``None`` or empty gives ``{}``.
        baseline, metrics, group: as for ``comparison_table``.
    """
    if windows is None or not len(windows):
        return {}
    tables = {}
    for name, rows in windows.groupby("window", sort=False):
        table = comparison_table(rows, baseline, metrics=metrics, group=group)
        table.attrs.update(window=str(name), weeks=[int(rows["start_week"].iloc[0]), int(rows["end_week"].iloc[0])])
        tables[str(name)] = table
    return tables


def _against_baseline(table: pd.DataFrame, long: pd.DataFrame, runs: pd.DataFrame, keys: list[str],
                      baseline: str, has_seed: bool) -> pd.DataFrame:
    """Fill the difference columns of ``table`` (paired by seed where possible, else Welch)."""
    others = [*keys[1:], "metric"]
    base = table.loc[table[keys[0]] == baseline, [*others, "mean", "sd", "n"]]
    merged = table.merge(base.rename(columns={"mean": "b_mean", "sd": "b_sd", "n": "b_n"}), on=others, how="left")
    has_base = merged["b_n"].notna().to_numpy()
    x_mean, y_mean = merged["mean"].to_numpy(), merged["b_mean"].to_numpy()
    x_var, y_var = merged["sd"].to_numpy() ** 2, merged["b_sd"].to_numpy() ** 2
    nx, ny = merged["n"].to_numpy(dtype=float), merged["b_n"].to_numpy(dtype=float)
    diff = x_mean - y_mean
    # Welch's interval for unpaired groups
    with np.errstate(invalid="ignore", divide="ignore"):
        vx, vy = x_var / nx, y_var / ny
        se = np.sqrt(vx + vy)
        df = (vx + vy) ** 2 / (vx**2 / (nx - 1) + vy**2 / (ny - 1))
        half = stats.t.ppf(0.5 + CONFIDENCE / 2, df) * se
    enough = (nx >= 2) & (ny >= 2)
    half = np.where(enough & (se == 0), 0.0, np.where(enough, half, np.nan))
    low, high = diff - half, diff + half
    pooled = np.sqrt((x_var + y_var) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        effect = np.where(enough & (pooled > 0), diff / pooled, np.nan)
        p_value = np.where(enough & (se > 0), 2 * stats.t.sf(np.abs(diff / se), df), np.nan)
    paired = np.zeros(len(merged), dtype=bool)
    if has_seed:
        pairs = _paired_groups(runs, keys, baseline)
        if pairs:
            key_tuples = list(merged[keys].itertuples(index=False, name=None))
            paired = np.array([k in pairs for k in key_tuples], dtype=bool) & has_base
            d = _paired_differences(long, keys, baseline, pairs)
            merged = merged.merge(d, on=[*keys, "metric"], how="left")
            d_half = t_half_width(merged["d_sd"], merged["d_n"])
            diff = np.where(paired, merged["d_mean"], diff)
            d_mean, d_sd, d_n = (merged[c].to_numpy(dtype=float) for c in ("d_mean", "d_sd", "d_n"))
            with np.errstate(invalid="ignore", divide="ignore"):
                d_ok = (d_n >= 2) & (d_sd > 0)
                effect = np.where(paired, np.where(d_ok, d_mean / d_sd, np.nan), effect)
                t_paired = d_mean / (d_sd / np.sqrt(d_n))
                p_value = np.where(paired, np.where(d_ok, 2 * stats.t.sf(np.abs(t_paired), d_n - 1), np.nan),
                                   p_value)
            low = np.where(paired, merged["d_mean"] - d_half, low)
            high = np.where(paired, merged["d_mean"] + d_half, high)
    merged["diff"] = np.where(has_base, diff, np.nan)
    merged["diff_ci_low"] = np.where(has_base, low, np.nan)
    merged["diff_ci_high"] = np.where(has_base, high, np.nan)
    merged["effect_size"] = np.where(has_base, effect, np.nan)
    merged["paired"] = paired
    merged["effect_size_measure"] = np.where(has_base, np.where(paired, "d_z", "d_av"), "")
    is_base = (merged[keys[0]] == baseline).to_numpy()
    merged["p_value"] = np.where(has_base & ~is_base, p_value, np.nan)
    return merged


def _paired_differences(long: pd.DataFrame, keys: list[str], baseline: str, pairs: set[tuple]) -> pd.DataFrame:
    """Mean, sd and count of the seed-by-seed differences from the baseline, per paired group."""
    others = [*keys[1:], "metric", "seed"]
    base = long.loc[long[keys[0]] == baseline, [*others, "value"]].rename(columns={"value": "b_value"})
    joined = long.merge(base, on=others, how="inner")
    mask = np.array([k in pairs for k in joined[keys].itertuples(index=False, name=None)], dtype=bool)
    joined = joined[mask]
    joined["d"] = joined["value"] - joined["b_value"]
    out = joined.groupby([*keys, "metric"], sort=False)["d"].agg(d_mean="mean", d_sd="std", d_n="count")
    return out.reset_index()

