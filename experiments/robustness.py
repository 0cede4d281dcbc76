"""Robustness of policies to what nobody knows: levers x states of the world, and regret (XLRM).

Policies (L, the levers) are scenarios; states of the world (X, the uncertainties) are the points
of a design, by default a Latin-hypercube sample over every sampled uncertainty with the
registry's bounds; the model (R) is run for every policy in every state with the same replicate
seeds; outcomes (M) are final-year means, averaged over replicates.

For an outcome to maximise, a policy's *regret* in a state is ``best − value``, where ``best`` is
the highest value any policy reaches in that state (for an outcome to minimise, ``value − best``).
A robust policy has low regret everywhere: ``regret_max`` (minimax regret, Savage) and
``regret_p90`` summarise that; ``best_share`` is the share of states in which it is the best
(policies tied for best all count, so the shares of an outcome can add up to more than 1).

Over a calibration's posterior (a spec's ``posterior`` and ``draws``, ``rumahan robustness
--posterior DIR --draws K``) the draws are the calibrated part of the uncertainty set: the
calibrated parameters are not sampled over a range but take the K parameter sets drawn from the
posterior, and every sampled state of the other uncertainties is crossed with every draw, so there
are ``states x K`` states of the world. Regret is computed over all of them; each policy's effect
against the status quo per draw, and the share of draws in which it has the same sign, is
``experiments.calibration.posterior.posterior_effects`` (averaged over the sampled states).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rumahan.experiments import storage
from rumahan.experiments.batch import run_batch
from rumahan.experiments.executors import Execution
from rumahan.experiments.spec import SweepSpec, outcome_directions
from rumahan.model import params as registry
from rumahan.model.calendar import DEFAULT_WEEKS
from rumahan.model.errors import RumahanInputError
from rumahan.model.metrics import OUTPUT_BY_NAME

DEFAULT_OUTCOMES = {
    "earnings_to_ump": "max", "below_poverty_share": "min", "membership_rate": "max", "power_to": "max",
}
#: Pinned scenarios that are policies (``demand_shock`` is a shock of the world, not a choice).
DEFAULT_POLICIES = (
    "status_quo", "no_network", "c177", "national_regulation", "statistics", "end_reframing",
    "genuine_participation", "recommendations", "cooperatives",
)
REGRET_COLUMNS = ("scenario", "point", "outcome", "direction", "unit", "value", "best", "regret")


@dataclass
class RobustnessResult:
    """Regret per policy, state and outcome; the per-policy summary; and the runs."""

    regret: pd.DataFrame
    summary: pd.DataFrame
    runs: pd.DataFrame
    folder: Path | None = None


def regret_table(runs: pd.DataFrame, outcomes: Mapping[str, str], policy: str = "scenario",
                 state: str = "point") -> pd.DataFrame:
    """Long table: per policy, state and outcome, the value (mean over replicates), the best
    value any policy reaches in that state, and the regret (>= 0; see the module docstring)."""
    means = runs.groupby([policy, state], sort=False)[list(outcomes)].mean().reset_index()
    frames = []
    for outcome, direction in outcomes.items():
        if direction not in ("max", "min"):
            raise RumahanInputError(f"outcome '{outcome}' direction {direction!r} must be 'max' or 'min'")
        best = means.groupby(state)[outcome].transform("max" if direction == "max" else "min")
        regret = best - means[outcome] if direction == "max" else means[outcome] - best
        frames.append(pd.DataFrame({
            "scenario": means[policy].astype(str), "point": means[state].astype("int64"), "outcome": outcome,
            "direction": direction, "unit": OUTPUT_BY_NAME[outcome].unit, "value": means[outcome],
            "best": best, "regret": regret,
        }))
    return pd.concat(frames, ignore_index=True)[list(REGRET_COLUMNS)]


def robustness_summary(regret: pd.DataFrame) -> pd.DataFrame:
    """Per policy and outcome: the distribution of the outcome over states (mean, sd, 5/50/95%),
    regret (mean, 90th percentile, maximum), the share of states where it is best, and its rank
    by maximum regret (1 = most robust)."""
    def describe(part: pd.DataFrame) -> pd.Series:
        v, r = part["value"].to_numpy(), part["regret"].to_numpy()
        return pd.Series({
            "states": len(part), "mean": v.mean(), "sd": v.std(ddof=1) if len(v) > 1 else np.nan,
            "p05": np.quantile(v, 0.05), "p50": np.quantile(v, 0.5), "p95": np.quantile(v, 0.95),
            "regret_mean": r.mean(), "regret_p90": np.quantile(r, 0.9), "regret_max": r.max(),
            "best_share": float(np.mean(r <= 0)),
        })

    rows = []
    for (outcome, scenario), part in regret.groupby(["outcome", "scenario"], sort=False):
        rows.append({"outcome": outcome, "scenario": scenario, "direction": part["direction"].iloc[0],
                     "unit": part["unit"].iloc[0], **describe(part).to_dict()})
    summary = pd.DataFrame(rows)
    summary["rank_minimax"] = summary.groupby("outcome")["regret_max"].rank(method="min").astype("int64")
    summary["states"] = summary["states"].astype("int64")
    return summary.sort_values(["outcome", "rank_minimax", "scenario"], kind="stable").reset_index(drop=True)


def robustness_spec(
    scenarios=DEFAULT_POLICIES, states: int = 20, parameters=None, outcomes=None, replicates: int = 1,
    weeks: int = DEFAULT_WEEKS, seed: int = 1, overrides=None, timeseries: bool = False, span: str = "plausible",
    ranges=None, posterior: str | None = None, draws: int | None = None,
) -> dict:
    """A sweep spec (as parsed TOML) for a robustness analysis: ``scenarios`` x ``states`` points
    of a Latin-hypercube sample over ``parameters`` (default every sampled uncertainty), over their
    plausible ranges (``span="plausible"``) or whole bounds (``"bounds"``), or ``ranges[name]``;
    with ``posterior`` (a calibration's folder), each crossed with ``draws`` parameter sets drawn
    from it (and the calibrated parameters left out of the default sample)."""
    outcomes = outcome_directions(outcomes or DEFAULT_OUTCOMES)
    drawn = {} if posterior is None else {"posterior": str(posterior), **({} if draws is None else {"draws": draws})}
    return {
        "sweep": {"name": "robustness", "scenarios": list(scenarios), "replicates": replicates, "weeks": weeks,
                  "seed": seed, "timeseries": timeseries, **drawn},
        "parameters": dict(overrides or {}),
        "sample": {"size": states, "parameters": list(parameters) if parameters else "uncertainties",
                   "span": span, "bounds": {k: list(v) for k, v in (ranges or {}).items()}},
        "robustness": {"outcomes": dict(outcomes)},
    }


def check_robustness_spec(spec: SweepSpec) -> None:
    """Refuse (``RumahanInputError``) a spec that is not a robustness analysis: fewer than 2 policies
    (scenarios), no states of the world (no ``[sample]``, ``[grid]`` or ``posterior``), or states
    that vary a lever (levers are what the policies set)."""
    if len(spec.scenarios) < 2:
        raise RumahanInputError("a robustness analysis needs at least 2 policies (scenarios) to compare")
    drawn = spec.posterior_draws()
    varied = [*spec.grid, *(spec.sample["parameters"] if spec.sample else []), *(drawn.parameters if drawn else [])]
    if not varied:
        raise RumahanInputError("a robustness analysis needs states of the world: a [sample] (or [grid]) of "
                                "uncertainties, or a posterior to draw them from")
    levers = [name for name in varied if registry.get(name).role == "lever"]
    if levers:
        raise RumahanInputError(f"states of the world vary uncertainties, and {', '.join(levers)} "
                         f"{'is a lever' if len(levers) == 1 else 'are levers'}: set levers in the policies "
                         "(scenarios) instead")


def run_robustness(
    spec: SweepSpec,
    out: str | Path | None = None,
    execution: Execution | None = None,
) -> RobustnessResult:
    """Run every policy (scenario) in every state of the world (design point) of ``spec``, where
    ``execution`` says (``run_batch``), and compute regret; with ``out`` write ``regret.parquet``, ``robustness.parquet``/``.csv`` and
    ``figures/regret.png`` there too."""
    outcomes = spec.outcomes or DEFAULT_OUTCOMES
    check_robustness_spec(spec)
    plan = spec.plan(kind="robustness")
    result = run_batch(plan, out, execution)
    regret = regret_table(result.runs, outcomes)
    summary = robustness_summary(regret)
    if result.folder is not None:
        write_robustness(result.folder, regret, summary)
    return RobustnessResult(regret, summary, result.runs, result.folder)


def write_robustness(folder: Path, regret: pd.DataFrame, summary: pd.DataFrame) -> None:
    from rumahan.experiments.plots import regret_plot
    from rumahan.experiments.report import save_figure

    storage.write_table(folder / storage.TABLE_FILES["regret"], regret, "regret")
    storage.write_table(folder / storage.TABLE_FILES["robustness"], summary, "robustness")
    storage.write_csv(folder / "robustness.csv", summary)
    save_figure(regret_plot(regret), folder / storage.FIGURES / "regret.png")


def format_summary(summary: pd.DataFrame) -> str:
    """Plain text: per outcome, policies by maximum regret (most robust first)."""
    lines = []
    for outcome, part in summary.groupby("outcome", sort=False):
        unit = OUTPUT_BY_NAME[outcome].unit
        direction = part["direction"].iloc[0]
        lines.append(f"{outcome} ({unit}, {'higher' if direction == 'max' else 'lower'} is better)")
        lines.append(f"  {'rank':>4} {'scenario':24} {'mean':>10} {'p05':>10} {'p95':>10} "
                     f"{'regret max':>11} {'regret p90':>11} {'best in':>8}")
        for r in part.itertuples(index=False):
            lines.append(f"  {r.rank_minimax:>4} {r.scenario:24} {r.mean:>10.4g} {r.p05:>10.4g} {r.p95:>10.4g} "
                         f"{r.regret_max:>11.4g} {r.regret_p90:>11.4g} {r.best_share:>8.0%}")
    return "\n".join(lines)
