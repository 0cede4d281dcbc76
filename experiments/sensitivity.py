"""Global sensitivity analysis with SALib: Morris screening and Sobol indices over the registry's
uncertainties, for chosen outcomes.

The problem (names, bounds) comes from the parameter registry: by default every *uncertainty*
that is ``sampled`` (``model.params.names(role="uncertainty", sampled_only=True)``), with the
registry's bounds, never retyped. SALib draws the sample (from the batch's design stream,
``experiments.seeds.design_rng``); each sample point is one design point of a batch plan, run for
``replicates`` seeds (the same seeds at every point) through the batch engine, so it streams to
disk, resumes and runs on a pool or a Dask cluster like any sweep. The outcome of a point is the
mean over its replicates of the final-year mean of the metric. Whole-number parameters are
rounded when run; the analysis uses SALib's sample as drawn.

Runs needed: Morris ``samples x (D + 1)`` (``samples`` trajectories, D parameters); Sobol
``samples x (D + 2)`` (first-order and total indices; ``samples`` a power of 2).

Over a calibration's posterior (``posterior=``, ``rumahan sensitivity --posterior DIR --draws K``)
the calibrated parameters are not varied over a range: every sample point is run on each of the K
parameter sets drawn from the posterior (the design is SALib's sample crossed with the draws, the
draws varying fastest), so runs are K times as many. The varied parameters are the uncertainties
that were not calibrated. Two analyses come of it:

- ``indices``: the indices of the outcome averaged over the draws (and replicates) at each sample
  point, i.e. the sensitivity of the posterior-mean outcome to each uncertainty the facts leave open;
- ``posterior_indices``: the analysis repeated on each draw alone (``indices_by_draw``), summarised
  per outcome and parameter across draws (mean, 5th and 95th percentiles of each index) with, for
  Morris, the share of draws in which ``mu`` (the signed mean elementary effect: the direction in
  which the parameter moves the outcome) has the sign of its mean across draws. Sobol indices are
  shares of variance, never negative, so they have a spread but no sign.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rumahan.experiments import storage
from rumahan.experiments.batch import run_batch
from rumahan.experiments.compare import as_scenario
from rumahan.experiments.design import cross, sampling_bounds, uncertainties, values_frame
from rumahan.experiments.executors import Execution
from rumahan.experiments.plan import Plan, build_plan, check_batch_size, check_count
from rumahan.experiments.records import unknown_outcomes
from rumahan.experiments.scenarios import Scenario
from rumahan.experiments.seeds import design_rng
from rumahan.model import params as registry
from rumahan.model.calendar import DEFAULT_WEEKS
from rumahan.model.errors import RumahanInputError
from rumahan.model.metrics import OUTPUT_BY_NAME

if TYPE_CHECKING:
    from rumahan.experiments.calibration.posterior import PosteriorDraws

METHODS = ("morris", "sobol")
DEFAULT_OUTCOMES = ("earnings_to_ump", "piece_rate_mean", "membership_rate", "power_to")
INDEX_COLUMNS = (
    "method", "outcome", "parameter", "group", "unit", "mu_star", "mu_star_conf", "sigma", "mu",
    "S1", "S1_conf", "ST", "ST_conf",
)
#: Bootstrap resamples for the indices' confidence intervals.
RESAMPLES = 200
#: The indices summarised across posterior draws, per method.
DRAWN_INDICES = {"morris": ("mu_star", "mu", "sigma"), "sobol": ("ST", "S1")}


@dataclass
class SensitivityResult:
    """Indices (one row per method, outcome and parameter; see ``INDEX_COLUMNS``) and the runs."""

    indices: pd.DataFrame
    runs: pd.DataFrame
    problem: dict[str, Any]
    folder: Path | None = None
    #: over a posterior: each index across draws (``posterior_indices``); ``None`` otherwise
    posterior_indices: pd.DataFrame | None = None


def problem_for(
    parameters: Sequence[str] | None = None,
    span: str = "plausible",
    ranges: Mapping[str, Sequence[float]] | None = None,
) -> dict[str, Any]:
    """The SALib problem over ``parameters`` (default: every sampled uncertainty), ranges from the
    registry: each parameter's plausible range (``span="plausible"``) or its whole bounds
    (``span="bounds"``), or ``ranges[name]`` where given (``experiments.design.sampling_bounds``)."""
    names = list(parameters) if parameters else uncertainties()
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise registry.ParameterError(f"parameter(s) {', '.join(twice)} listed twice; list each once")
    for name in names:
        entry = registry.get(name)
        if entry.role != "uncertainty":
            raise registry.ParameterError(
                f"parameter '{name}' is a lever, not an uncertainty; sensitivity analysis varies uncertainties "
                "(vary levers as scenarios or in a sweep's [grid])"
            )
        if entry.kind == "bool":
            raise registry.ParameterError(f"parameter '{name}' is a switch and cannot be varied over a range")
    if len(names) < 2:
        raise registry.ParameterError("sensitivity analysis needs at least 2 parameters")
    bounds = sampling_bounds(names, ranges, span)
    return {"num_vars": len(names), "names": names, "bounds": [list(b) for b in bounds], "span": span}


def problem_spec(
    parameters: Sequence[str] | None = None,
    outputs: Sequence[str] = ("earnings_to_ump", "membership_rate"),
    span: str = "plausible",
    ranges: Mapping[str, Sequence[float]] | None = None,
) -> Any:
    """A SALib ``ProblemSpec`` over ``parameters`` (default: every sampled uncertainty), with the
    registry's ranges as in ``problem_for`` and ``outputs`` (metric names) as its outputs: the one
    call that connects SALib's own workflow (``.sample_*().evaluate(...).analyze_*()``) to Rumahan.

    >>> spec = problem_spec(["relocation_cost", "threshold_mean"])
    >>> spec["names"], spec["outputs"]
    (['relocation_cost', 'threshold_mean'], ['earnings_to_ump', 'membership_rate'])
    """
    from SALib import ProblemSpec

    unknown = [o for o in outputs if o not in OUTPUT_BY_NAME]
    if unknown:
        raise registry.ParameterError(f"unknown outcome(s) {', '.join(unknown)}; see model.metrics.OUTPUTS")
    problem = problem_for(parameters, span, ranges)
    return ProblemSpec({"names": problem["names"], "bounds": problem["bounds"], "outputs": list(outputs)})


def draw_sample(method: str, problem: dict[str, Any], samples: int, root_seed: int, levels: int = 4) -> np.ndarray:
    """SALib's sample for ``method`` (one row per model evaluation)."""
    samples = check_count(samples, "samples")
    extra = {"morris": 1, "sobol": 2}.get(method, 0)
    check_batch_size(samples * (problem["num_vars"] + extra),
                     f"{samples:,} samples x ({problem['num_vars']} parameters + {extra})")
    if method == "morris":
        from SALib.sample import morris

        check_count(levels, "levels", low=2)
        if levels % 2:  # Morris's trajectories step by levels / (2 (levels - 1)): an odd grid is sampled unevenly
            raise RumahanInputError(f"levels = {levels} for Morris must be an even number (e.g. 4, 6, 8); SALib samples "
                             "an odd grid unevenly")
        return morris.sample(problem, samples, num_levels=levels, seed=design_rng(root_seed))
    if method == "sobol":
        if samples & (samples - 1):
            raise RumahanInputError(f"samples = {samples} for Sobol must be a power of 2 (e.g. 8, 16, 64, 256)")
        from SALib.sample import sobol

        return sobol.sample(problem, samples, calc_second_order=False, seed=design_rng(root_seed))
    raise RumahanInputError(f"unknown method '{method}'; choose {' or '.join(METHODS)}")


def sensitivity_plan(
    method: str,
    samples: int,
    parameters: Sequence[str] | None = None,
    scenario: str | Path | Scenario = "status_quo",
    overrides: dict[str, Any] | None = None,
    replicates: int = 1,
    weeks: int = DEFAULT_WEEKS,
    root_seed: int = 1,
    levels: int = 4,
    keep_timeseries: bool = False,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    span: str = "plausible",
    ranges: Mapping[str, Sequence[float]] | None = None,
    posterior: PosteriorDraws | None = None,
) -> tuple[Plan, dict[str, Any], np.ndarray]:
    """The batch plan of a sensitivity analysis, its SALib problem and SALib's sample; with
    ``posterior`` (``experiments.calibration.posterior.draw_posterior``), every sample point on
    each draw, and the uncertainties varied by default are those not calibrated (see the module
    docstring)."""
    check_outcomes(outcomes)
    if posterior is not None:
        posterior.refuse_overlap(overrides or {}, "set to one value (--set)")
        if parameters:
            posterior.refuse_overlap(parameters, "varied over a range")
        else:
            parameters = [n for n in uncertainties() if n not in posterior.parameters]
    problem = problem_for(parameters, span, ranges)
    fixed = set(problem["names"]) & set(overrides or {})
    if fixed:
        raise registry.ParameterError(f"parameter(s) {', '.join(sorted(fixed))} both set and varied")
    sample = draw_sample(method, problem, samples, root_seed, levels)
    design = values_frame(problem["names"], sample)
    settings = {"method": method, "samples": samples, "levels": levels, "outcomes": list(outcomes),
                "problem": problem}
    if posterior is not None:
        check_batch_size(len(sample) * posterior.draws * replicates,
                         f"{len(sample):,} sample points x {posterior.draws} posterior draws x {replicates} replicate(s)")
        design = cross(design, posterior.design)
        settings["posterior"] = posterior.record()
    plan = build_plan("sensitivity", [as_scenario(scenario)], design=design, overrides=overrides,
                      replicates=replicates, weeks=weeks, root_seed=root_seed,
                      keep_timeseries=keep_timeseries, settings=settings)
    return plan, problem, sample


def check_outcomes(outcomes: Sequence[str]) -> list[str]:
    unknown = [o for o in outcomes if o not in OUTPUT_BY_NAME or o in ("week", "year")]
    if unknown or not outcomes:
        raise registry.ParameterError(unknown_outcomes(unknown))
    return list(outcomes)


def outcomes_by_point(runs: pd.DataFrame, outcomes: Sequence[str], points: int) -> pd.DataFrame:
    """Mean over replicates of each outcome, one row per design point ``0 .. points-1``."""
    means = runs.groupby("point")[list(outcomes)].mean().reindex(range(points))
    missing = means.index[means.isna().any(axis=1)].tolist()
    if missing:
        raise ValueError(f"{len(missing)} design point(s) have no result (first: {missing[0]})")
    return means


def analyze(
    method: str, problem: dict[str, Any], sample: np.ndarray, outcomes_frame: pd.DataFrame, root_seed: int,
    levels: int = 4,
) -> pd.DataFrame:
    """SALib indices of each outcome column of ``outcomes_frame`` (rows in sample order)."""
    rows = []
    for outcome in outcomes_frame.columns:
        y = outcomes_frame[outcome].to_numpy(dtype=float)
        if method == "morris":
            from SALib.analyze import morris

            res = morris.analyze(problem, sample, y, num_resamples=RESAMPLES, num_levels=levels, seed=root_seed)
            values = {k: np.asarray(res[k], dtype=float) for k in ("mu_star", "mu_star_conf", "sigma", "mu")}
        else:
            from SALib.analyze import sobol

            res = sobol.analyze(problem, y, calc_second_order=False, num_resamples=RESAMPLES, seed=root_seed)
            values = {k: np.asarray(res[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        for i, name in enumerate(problem["names"]):
            entry = registry.get(name)
            row = {c: np.nan for c in INDEX_COLUMNS}
            row.update(method=method, outcome=outcome, parameter=name, group=entry.group, unit=entry.unit)
            row.update({k: float(v[i]) for k, v in values.items()})
            rows.append(row)
    return pd.DataFrame(rows, columns=list(INDEX_COLUMNS))


def run_sensitivity(
    method: str,
    samples: int,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    parameters: Sequence[str] | None = None,
    scenario: str | Path | Scenario = "status_quo",
    overrides: dict[str, Any] | None = None,
    replicates: int = 1,
    weeks: int = DEFAULT_WEEKS,
    root_seed: int = 1,
    levels: int = 4,
    keep_timeseries: bool = False,
    span: str = "plausible",
    ranges: Mapping[str, Sequence[float]] | None = None,
    *,
    out: str | Path | None = None,
    execution: Execution | None = None,
    posterior: PosteriorDraws | None = None,
) -> SensitivityResult:
    """Run a Morris or Sobol analysis over ``span`` ranges (see ``problem_for``) where
    ``execution`` says (``run_batch``); with ``out``, write ``indices.parquet``/``.csv``,
    ``sample.parquet`` (SALib's sample) and ``figures/sensitivity.png`` there too. The same as
    ``run_sensitivity_plan`` of ``sensitivity_plan``'s plan and sample."""
    plan, _, sample = sensitivity_plan(method, samples, parameters, scenario, overrides, replicates, weeks,
                                       root_seed, levels, keep_timeseries, outcomes, span, ranges, posterior)
    return run_sensitivity_plan(plan, sample, out, execution)


def run_sensitivity_plan(
    plan: Plan,
    sample: np.ndarray,
    out: str | Path | None = None,
    execution: Execution | None = None,
) -> SensitivityResult:
    """Run the batch of a ``sensitivity_plan`` where ``execution`` says (``run_batch``) and
    analyse it: the method, problem, outcomes and levels are the ones the plan's settings record."""
    settings = plan.settings
    result = run_batch(plan, out, execution)
    method, problem, outcomes, levels = (settings[k] for k in ("method", "problem", "outcomes", "levels"))
    draws = (settings.get("posterior") or {}).get("draws", 1)
    runs = result.runs.assign(draw=result.runs["point"] % draws, point=result.runs["point"] // draws)
    points = plan.points // draws
    indices = analyze(method, problem, sample, outcomes_by_point(runs, outcomes, points), plan.root_seed, levels)
    by_draw = summary = None
    if "posterior" in settings:
        by_draw = pd.concat([
            analyze(method, problem, sample, outcomes_by_point(runs[runs["draw"] == d], outcomes, points),
                    plan.root_seed, levels).assign(draw=d)
            for d in range(draws)], ignore_index=True)
        summary = posterior_indices(by_draw)
    if result.folder is not None:
        write_sensitivity(result.folder, indices, problem, sample, by_draw, summary)
    return SensitivityResult(indices, result.runs, problem, result.folder, summary)


def posterior_indices(by_draw: pd.DataFrame) -> pd.DataFrame:
    """Per outcome and parameter, each index of ``DRAWN_INDICES`` across the posterior draws of
    ``by_draw`` (``analyze``'s rows with a ``draw`` column): its mean, 5th and 95th percentiles;
    for Morris also ``mu_same_sign_share``, the share of draws whose ``mu`` has the sign of its
    mean (``nan`` when that mean is 0)."""
    method = str(by_draw["method"].iloc[0])
    rows = []
    for (outcome, parameter), part in by_draw.groupby(["outcome", "parameter"], sort=False):
        row = {"method": method, "outcome": outcome, "parameter": parameter, "group": part["group"].iloc[0],
               "unit": part["unit"].iloc[0], "draws": int(part["draw"].nunique())}
        for index in DRAWN_INDICES[method]:
            values = part[index].astype(float)
            row.update({f"{index}_mean": values.mean(), f"{index}_p05": values.quantile(0.05),
                        f"{index}_p95": values.quantile(0.95)})
        if method == "morris":
            mu = part["mu"].astype(float)
            sign = np.sign(mu.mean())
            row["mu_same_sign_share"] = float((np.sign(mu) == sign).mean()) if sign else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def write_sensitivity(folder: Path, indices: pd.DataFrame, problem: dict[str, Any], sample: np.ndarray,
                      by_draw: pd.DataFrame | None = None, summary: pd.DataFrame | None = None) -> None:
    """Write the indices (Parquet and CSV), SALib's sample and the figure into ``folder``; over a
    posterior, each draw's indices (``indices_by_draw.parquet``) and their summary
    (``posterior_indices.parquet``/``.csv``) too."""
    from rumahan.experiments.plots import sensitivity_bars
    from rumahan.experiments.report import save_figure

    storage.write_table(folder / storage.TABLE_FILES["indices"], indices, "indices")
    storage.write_csv(folder / "indices.csv", indices)
    storage.write_table(folder / storage.TABLE_FILES["sample"], pd.DataFrame(sample, columns=problem["names"]),
                        "sample")
    save_figure(sensitivity_bars(indices), folder / storage.FIGURES / "sensitivity.png")
    if by_draw is not None and summary is not None:
        storage.write_table(folder / storage.TABLE_FILES["indices_by_draw"], by_draw, "indices_by_draw")
        storage.write_table(folder / storage.TABLE_FILES["posterior_indices"], summary, "posterior_indices")
        storage.write_csv(folder / "posterior_indices.csv", summary)


def format_posterior_indices(summary: pd.DataFrame, top: int = 5) -> str:
    """``posterior_indices`` as text: per outcome, the ``top`` parameters by the mean across draws
    of ``mu_star`` (Morris) or ``ST`` (Sobol), with its 5-95% range across draws, and for Morris
    ``mu`` with the share of draws that give it the same sign."""
    from rumahan.experiments.report import significant

    method = str(summary["method"].iloc[0])
    key = "mu_star" if method == "morris" else "ST"
    lines = []
    for outcome, part in summary.groupby("outcome", sort=False):
        lines.append(f"  {outcome}:")
        for r in part.sort_values(f"{key}_mean", ascending=False).head(top).itertuples(index=False):
            row = r._asdict()
            text = (f"    {r.parameter:28} {key} {significant(row[key + '_mean'])} "
                    f"({significant(row[key + '_p05'])} to {significant(row[key + '_p95'])})")
            if method == "morris":
                share = row["mu_same_sign_share"]
                same = "no sign" if pd.isna(share) else f"same sign in {round(share * r.draws)} of {r.draws} draws"
                text += f"; mu {significant(row['mu_mean'])}, {same}"
            lines.append(text)
    return "\n".join(lines)
