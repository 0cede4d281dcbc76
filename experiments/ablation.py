"""Mechanism ablation: how much of a scenario's effect each causal channel carries.

A scenario is compared with another (``against``: by default ``status_quo``, or ``no_network``
when the scenario is the status quo) twice over: with every chosen channel on, and with each
channel switched off in turn in *both* scenarios (the switches of ``model.params.CHANNELS``, ODD
§7.10). Every run uses the same replicate seeds (common random numbers), so runs are paired by
seed across scenarios and channels.

The batch is one plan (kind ``ablation``): the two scenarios x design points x replicates, where
design point 0 has every chosen channel on and point ``k`` switches the ``k``-th chosen channel off
(``design.parquet`` holds the switches). It runs on the batch engine like a sweep: it streams to
disk, resumes, and gives the same files on any executor.

Statistics, per outcome ``Y`` (final-year mean of each run, as in ``rumahan compare``) and channel
``c``, with ``D_s(p) = Y_scenario(p, s) − Y_against(p, s)`` the paired difference at seed ``s``
and design point ``p``:

- ``effect_all = mean_s D_s(all on)``, with the 95 % interval of the paired difference that
  ``experiments.compare.comparison_table`` gives;
- ``effect_without = mean_s D_s(c off)``, likewise;
- ``carried = effect_all − effect_without``: the part of the effect that needs the channel; its
  95 % interval is the Student-t interval (``compare.t_half_width``) of the seed-by-seed
  differences ``D_s(all on) − D_s(c off)``;
- ``share = carried / effect_all`` where the interval of ``effect_all`` excludes 0 (else NaN).

Channels interact, so the carried parts need not add up to the effect: two channels that can each
stand in for the other both carry little; two that only work together both carry it all.

Runs: 2 x (1 + channels) x replicates.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rumahan.experiments import storage
from rumahan.experiments.batch import run_batch
from rumahan.experiments.compare import as_scenario, comparison_table, t_half_width
from rumahan.experiments.executors import Execution
from rumahan.experiments.plan import Plan, build_plan, check_count
from rumahan.experiments.plots import ablation_bars, percent
from rumahan.experiments.records import OUTCOME_NAMES, unknown_outcomes
from rumahan.experiments.report import PRINTED_OUTCOMES, _decimals, _number, save_figure
from rumahan.experiments.scenarios import Scenario
from rumahan.model import params as registry
from rumahan.model.calendar import DEFAULT_WEEKS
from rumahan.model.errors import RumahanInputError, RumahanRunError
from rumahan.model.metrics import OUTPUT_BY_NAME

KIND = "ablation"
#: The comparison scenario when none is given, and when the scenario is that one.
DEFAULT_AGAINST = "status_quo"
FALLBACK_AGAINST = "no_network"
#: The label of design point 0, where every chosen channel is on.
ALL_ON = "all on"
#: Outcomes reported by default: the headline outcomes of ``rumahan compare``'s printed table.
DEFAULT_OUTCOMES = PRINTED_OUTCOMES
TABLE_FILE = storage.TABLE_FILES[KIND]
CSV_FILE = "ablation.csv"
FIGURE_FILE = "ablation.png"
ABLATION_COLUMNS = (
    "scenario", "against", "outcome", "unit", "channel", "n",
    "effect_all", "effect_all_ci_low", "effect_all_ci_high",
    "effect_without", "effect_without_ci_low", "effect_without_ci_high",
    "carried", "carried_ci_low", "carried_ci_high", "share",
)


@dataclass
class Ablation:
    """A finished ablation.

    Attributes:
        table: one row per outcome and channel (``ABLATION_COLUMNS``; see the module docstring).
        runs: one row per run (``experiments.records``), ``point`` as in ``design``.
        design: ``point`` and the chosen channels' switches (point 0: all on; point k: the k-th off).
        scenario, against: the compared scenarios' names.
        channels: the channels switched off, in order (point k switches ``channels[k - 1]`` off).
        plan: what was run.
        folder: where it was saved, if it was.
        computed: runs computed by this call (the others were already in the folder).
    """

    table: pd.DataFrame
    runs: pd.DataFrame
    design: pd.DataFrame
    scenario: str
    against: str
    channels: list[str]
    plan: Plan
    folder: Path | None = None
    computed: int = 0


def runs_needed(channels: int, replicates: int) -> int:
    """How many runs an ablation of ``channels`` channels with ``replicates`` replicates takes."""
    return 2 * (1 + channels) * replicates


def check_channels(channels: Sequence[str] | None) -> list[str]:
    """The chosen channels (default: every one of ``model.params.CHANNELS``), each a registry
    channel switch; ``channel_`` may be left off a name. ``RumahanInputError`` names an unknown one
    with close matches and every accepted name, or a channel listed twice."""
    if channels is None:
        return list(registry.CHANNELS)
    chosen = []
    for name in channels:
        full = name if name in registry.CHANNELS else f"channel_{name}"
        if full not in registry.CHANNELS:
            short = {c.removeprefix("channel_"): c for c in registry.CHANNELS}
            close = difflib.get_close_matches(name.removeprefix("channel_"), short, n=3)
            hint = f" (did you mean {', '.join(short[c] for c in close)}?)" if close else ""
            raise RumahanInputError(f"unknown channel '{name}'{hint}; accepted: {', '.join(registry.CHANNELS)}")
        chosen.append(full)
    if not chosen:
        raise RumahanInputError(f"no channel given; accepted: {', '.join(registry.CHANNELS)}")
    twice = sorted({c for c in chosen if chosen.count(c) > 1})
    if twice:
        raise RumahanInputError(f"channel(s) {', '.join(twice)} listed twice; list each once")
    return chosen


def check_outcomes(metrics: Sequence[str] | None) -> list[str]:
    """The outcomes to report (default ``DEFAULT_OUTCOMES``); ``RumahanInputError`` for unknown ones."""
    if metrics is None:
        return list(DEFAULT_OUTCOMES)
    unknown = [m for m in metrics if m not in OUTCOME_NAMES]
    if unknown or not metrics:
        raise RumahanInputError(unknown_outcomes(unknown))
    return list(dict.fromkeys(metrics))


def default_against(scenario: str) -> str:
    """``status_quo``, or ``no_network`` when the scenario is the status quo."""
    return FALLBACK_AGAINST if scenario == DEFAULT_AGAINST else DEFAULT_AGAINST


def channel_design(channels: Sequence[str]) -> pd.DataFrame:
    """Design point 0 with every channel of ``channels`` on, then one point per channel switched off."""
    rows = [{c: True for c in channels}]
    rows += [{c: c != off for c in channels} for off in channels]
    design = pd.DataFrame(rows, columns=list(channels)).astype(bool)
    design.insert(0, "point", np.arange(len(design), dtype=np.int64))
    return design


def _refuse_switched_off(where: str, values: Mapping[str, Any], channels: Sequence[str]) -> None:
    off = [c for c in channels if c in values and not values[c]]
    if off:
        raise RumahanInputError(
            f"{where} switches {', '.join(off)} off, but ablate switches the chosen channels itself (all on, then "
            "each off in turn); to hold a channel off in every run, leave it out of --channels"
        )


def ablation_plan(
    scenario: str | Path | Scenario,
    against: str | Path | Scenario | None = None,
    channels: Sequence[str] | None = None,
    *,
    replicates: int = 5,
    weeks: int = DEFAULT_WEEKS,
    root_seed: int = 1,
    overrides: Mapping[str, Any] | None = None,
) -> Plan:
    """The batch plan of an ablation (see the module docstring), validated before anything runs.

    Raises:
        RumahanInputError: an unknown scenario or channel, ``against`` the same as ``scenario``,
            fewer than 2 replicates (the intervals are paired over replicates), a chosen channel
            held off by a scenario, its schedule or ``overrides``, or a bad parameter value.
    """
    chosen = check_channels(channels)
    replicates = check_count(replicates, "replicates")
    if replicates < 2:
        raise RumahanInputError(f"replicates = {replicates}: an ablation needs at least 2 (its 95% intervals "
                                "are over the replicates' paired differences)")
    first = as_scenario(scenario)
    second = as_scenario(against if against is not None else default_against(first.name))
    if second.name == first.name:
        raise RumahanInputError(f"the comparison scenario (--against) is the scenario itself ('{first.name}'); "
                                f"choose another (default: {DEFAULT_AGAINST}, or {FALLBACK_AGAINST} for "
                                f"{DEFAULT_AGAINST})")
    overrides = dict(overrides or {})
    _refuse_switched_off("--set", overrides, chosen)
    for s in (first, second):
        _refuse_switched_off(f"scenario '{s.name}'", s.parameters, chosen)
        for week, changes in s.schedule:
            _refuse_switched_off(f"scenario '{s.name}' (its schedule, week {week})", changes, chosen)
    return build_plan(KIND, [first, second], design=channel_design(chosen), overrides=overrides,
                      replicates=replicates, weeks=weeks, root_seed=root_seed,
                      settings={"scenario": first.name, "against": second.name, "channels": chosen})


def run_ablation_plan(
    plan: Plan,
    out: str | Path | None = None,
    execution: Execution | None = None,
    metrics: Sequence[str] | None = None,
) -> Ablation:
    """Run (or resume) an ``ablation_plan`` where ``execution`` says (``run_batch``), tabulate it
    and, with ``out``, write ``ablation.parquet``, ``ablation.csv`` and ``figures/ablation.png``."""
    metrics = check_outcomes(metrics)
    result = run_batch(plan, out, execution)
    scenario, against, channels = plan.settings["scenario"], plan.settings["against"], plan.settings["channels"]
    table = ablation_table(result.runs, scenario, against, channels, metrics)
    if result.folder is not None:
        write_ablation(result.folder, table)
    return Ablation(table, result.runs, plan.design, scenario, against, list(channels), plan, result.folder,
                    result.computed)


def run_ablation(
    scenario: str | Path | Scenario,
    out: str | Path | None = None,
    execution: Execution | None = None,
    *,
    against: str | Path | Scenario | None = None,
    channels: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    replicates: int = 5,
    weeks: int = DEFAULT_WEEKS,
    root_seed: int = 1,
    overrides: Mapping[str, Any] | None = None,
) -> Ablation:
    """Switch each of ``channels`` (default: all of ``model.params.CHANNELS``) off in turn in
    ``scenario`` and ``against``, and report how much of each outcome's difference between them
    each channel carries (module docstring). ``out``: save the batch there (resumable);
    ``execution``: where the runs execute. Bad input is refused before anything runs."""
    metrics = check_outcomes(metrics)
    plan = ablation_plan(scenario, against, channels, replicates=replicates, weeks=weeks, root_seed=root_seed,
                         overrides=overrides)
    return run_ablation_plan(plan, out, execution, metrics)


def ablation_table(
    runs: pd.DataFrame,
    scenario: str,
    against: str,
    channels: Sequence[str],
    metrics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per outcome and channel (``ABLATION_COLUMNS``) from an ablation's runs table, whose
    ``point`` 0 has every channel on and point ``k`` has ``channels[k - 1]`` off."""
    metrics = check_outcomes(metrics)
    channels = list(channels)
    ours = runs[runs["scenario"].isin([scenario, against])]
    effects = comparison_table(ours, against, metrics, group=["scenario", "point"])
    effects = effects[effects["scenario"] == scenario].set_index(["point", "metric"])
    unpaired = effects.index[~effects["paired"].to_numpy()]
    if len(unpaired):
        point, metric = unpaired[0]
        raise RumahanRunError(f"the runs of '{scenario}' and '{against}' at design point {point} are not paired by "
                              f"seed ({metric}): the ablation's folder is incomplete or was changed")
    wide = ours.set_index(["scenario", "point", "seed"])[list(metrics)].astype(float)
    differences = wide.loc[scenario] - wide.loc[against]  # D_s(point), by (point, seed)
    with_all = differences.xs(0, level="point")
    rows = []
    for metric in metrics:
        all_on = effects.loc[(0, metric)]
        excludes_zero = all_on["diff_ci_low"] > 0 or all_on["diff_ci_high"] < 0
        for point, channel in enumerate(channels, start=1):
            without = effects.loc[(point, metric)]
            paired = (with_all[metric] - differences.xs(point, level="point")[metric]).dropna()
            carried = all_on["diff"] - without["diff"]
            half = float(t_half_width(paired.std(), len(paired)))
            rows.append({
                "scenario": scenario, "against": against, "outcome": metric, "unit": OUTPUT_BY_NAME[metric].unit,
                "channel": channel, "n": len(paired),
                "effect_all": all_on["diff"], "effect_all_ci_low": all_on["diff_ci_low"],
                "effect_all_ci_high": all_on["diff_ci_high"],
                "effect_without": without["diff"], "effect_without_ci_low": without["diff_ci_low"],
                "effect_without_ci_high": without["diff_ci_high"],
                "carried": carried, "carried_ci_low": carried - half, "carried_ci_high": carried + half,
                "share": carried / all_on["diff"] if excludes_zero else np.nan,
            })
    table = pd.DataFrame(rows, columns=list(ABLATION_COLUMNS))
    floats = [c for c in ABLATION_COLUMNS if c.startswith(("effect", "carried", "share"))]
    table = table.astype({**dict.fromkeys(floats, "float64"), "n": "int64"})
    table.attrs.update(scenario=scenario, against=against)
    return table


def write_ablation(folder: Path, table: pd.DataFrame) -> list[Path]:
    """Write ``ablation.parquet``, ``ablation.csv`` and ``figures/ablation.png`` into ``folder``."""
    storage.write_table(folder / TABLE_FILE, table, KIND)
    storage.write_csv(folder / CSV_FILE, table)
    return [folder / TABLE_FILE, folder / CSV_FILE,
            save_figure(ablation_bars(table), folder / storage.FIGURES / FIGURE_FILE)]


def _excludes_zero(low: float, high: float) -> bool:
    return bool(low > 0 or high < 0)


def _with_half(value: float, low: float, high: float, places: int) -> str:
    half = (high - low) / 2
    return _number(value, places) + ("" if np.isnan(half) else f" ±{_number(half, places)}")


def format_ablation(table: pd.DataFrame) -> str:
    """Plain text: per outcome, the effect with every channel on, then per channel the effect
    without it and what it carries (``±`` the 95% half-width; ``*`` where the interval excludes 0)
    and its share of the effect."""
    lines = []
    width = max(len("channel"), *(len(c) for c in table["channel"])) + 2
    for outcome, part in table.groupby("outcome", sort=False):
        first = part.iloc[0]
        places = _decimals(first["effect_all"])
        mark = "*" if _excludes_zero(first["effect_all_ci_low"], first["effect_all_ci_high"]) else ""
        lines.append(f"{outcome} ({first['unit']}): {first['scenario']} − {first['against']}, every channel on: "
                     f"{_with_half(first['effect_all'], first['effect_all_ci_low'], first['effect_all_ci_high'], places)}"
                     f"{mark}")
        lines.append(f"  {'channel':{width}s}{'effect without':>20s}{'carried':>20s}{'share':>9s}")
        for r in part.itertuples(index=False):
            without = _with_half(r.effect_without, r.effect_without_ci_low, r.effect_without_ci_high, places)
            carried = _with_half(r.carried, r.carried_ci_low, r.carried_ci_high, places)
            carried += "*" if _excludes_zero(r.carried_ci_low, r.carried_ci_high) else " "
            share = "-" if np.isnan(r.share) else percent(r.share)
            lines.append(f"  {r.channel:{width}s}{without:>20s}{carried:>21s}{share:>8s}")
        lines.append("")
    return "\n".join(lines).rstrip("\n")
