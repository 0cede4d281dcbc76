"""Reading a finished calibration: its posterior, weighted seeded draws for experiments over it, a
particle re-run bit for bit, and policy effects with calibration uncertainty.

Needs neither pyabc nor the database: ``posterior.parquet`` and ``manifest.json`` are enough.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rumahan.experiments import storage
from rumahan.experiments.calibration.targets import Target
from rumahan.experiments.seeds import check_seed
from rumahan.model import params as registry
from rumahan.model.errors import RumahanInputError

POSTERIOR = storage.CALIBRATION_FILES["posterior"]
#: Spawn key of the posterior-draw stream (apart from replicate seeds and the design stream).
DRAW_STREAM_KEY = (0x5EED, 0xD7)
DEFAULT_DRAWS = 10


class PosteriorError(RumahanInputError):
    """A ``--posterior`` folder that is not a finished calibration, or draws it cannot give (one line)."""


@dataclass
class Posterior:
    """A finished calibration: the particles (a column per parameter, ``weight``, ``seed``,
    ``distance``, ``stat.TARGET``), the calibrated parameter names and the calibration's setup."""

    folder: Path
    particles: pd.DataFrame
    parameters: list[str]
    setup: dict[str, Any]

    @property
    def targets(self) -> list[Target]:
        return targets_of(self.setup)


def targets_of(setup: Mapping[str, Any]) -> list[Target]:
    """The targets of a calibration's setup (its manifest's ``calibration``)."""
    return [Target(**{**t, "window": tuple(t["window"]),
                      "reference": None if t["reference"] is None else tuple(t["reference"])})
            for t in setup["targets"]]


def load_posterior(folder: str | Path) -> Posterior:
    """The calibration in ``folder``; ``PosteriorError`` in one line if it is not a finished one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PosteriorError(f"--posterior {folder} is not a folder; give the output folder of `rumahan calibrate`")
    try:
        manifest = storage.read_manifest(folder)
    except storage.OutputError as exc:
        raise PosteriorError(f"--posterior {folder} is not a finished calibration ({exc})") from None
    if manifest.get("kind") != "calibration":
        raise PosteriorError(f"--posterior {folder} holds a {manifest.get('kind')}, not a calibration")
    if manifest.get("status") != "complete" or not (folder / POSTERIOR).is_file():
        raise PosteriorError(f"--posterior {folder} is not a finished calibration (status {manifest.get('status')!r}); "
                             "rerun its `rumahan calibrate` command to finish it")
    particles = pd.read_parquet(folder / POSTERIOR)
    setup = manifest["calibration"]
    names = list(setup["priors"])
    missing = [c for c in [*names, "weight"] if c not in particles.columns]
    if missing or particles.empty:
        raise PosteriorError(f"--posterior {folder}: {POSTERIOR} is damaged (no column {', '.join(missing) or 'rows'})")
    return Posterior(folder, particles, names, setup)


def draw_design(posterior: Posterior, draws: int | None = None, seed: int = 1) -> pd.DataFrame:
    """``draws`` parameter sets from the posterior, by weight, without replacement, from the
    stream of root ``seed``: a design (``point`` and a column per calibrated parameter, whole
    numbers rounded) for ``build_plan``. ``posterior_draw`` holds the particle's row."""
    size = len(posterior.particles)
    draws = min(DEFAULT_DRAWS, size) if draws is None else draws
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise PosteriorError(f"draws = {draws!r} is not a whole number >= 1")
    if draws > size:
        raise PosteriorError(f"{draws} draws asked of a posterior of {size} particles in {posterior.folder}; draws are "
                             f"without replacement, so ask for at most {size}")
    rng = np.random.default_rng(np.random.SeedSequence(check_seed(seed, "root seed"), spawn_key=DRAW_STREAM_KEY))
    weights = posterior.particles["weight"].to_numpy(dtype=float)
    weights = weights / weights.sum()
    chosen = rng.choice(size, size=draws, replace=False, p=weights if np.count_nonzero(weights) >= draws else None)
    design = pd.DataFrame({"point": np.arange(draws, dtype=np.int64)})
    for name in posterior.parameters:
        values = posterior.particles[name].to_numpy()[chosen]
        design[name] = np.rint(values).astype(np.int64) if registry.get(name).kind == "int" else values.astype(float)
    design["posterior_draw"] = chosen.astype(np.int64)
    return design


def as_design(draws: pd.DataFrame) -> pd.DataFrame:
    """A draw design without its bookkeeping column (what the runs set)."""
    return draws.drop(columns="posterior_draw")


@dataclass(frozen=True, eq=False)
class PosteriorDraws:
    """Parameter sets drawn from a finished calibration for a batch to run on.

    Attributes:
        folder: the calibration's folder.
        design: ``point`` (the draw, 0 .. K-1) and a column per calibrated parameter.
        particles: the row of ``posterior.parquet`` each draw took.
        setup: the calibration's setup (its manifest's ``calibration``).
    """

    folder: str
    design: pd.DataFrame
    particles: list[int]
    setup: dict[str, Any]

    @property
    def parameters(self) -> list[str]:
        return [c for c in self.design.columns if c != "point"]

    @property
    def draws(self) -> int:
        return len(self.design)

    def record(self) -> dict[str, Any]:
        """What the batch's manifest says of them (its ``plan``'s ``posterior``): the folder, the
        number of draws, the calibrated parameters, the particles drawn, and the values the
        calibration fixed (its ``--set``)."""
        return {"folder": self.folder, "draws": self.draws, "parameters": self.parameters,
                "particles": list(self.particles), "calibration_overrides": dict(self.setup.get("overrides") or {})}

    def refuse_overlap(self, names: Iterable[str], what: str) -> None:
        """``PosteriorError`` (one line) if any of ``names`` (parameters a batch sets or varies
        itself, ``what`` says how) is one the draws set."""
        both = [n for n in dict.fromkeys(names) if n in self.parameters]
        if both:
            raise PosteriorError(f"{', '.join(both)} {'is' if len(both) == 1 else 'are'} calibrated in {self.folder} "
                                 f"and drawn from its posterior, so {'it' if len(both) == 1 else 'they'} cannot also be "
                                 f"{what}; leave {'it' if len(both) == 1 else 'them'} out")


def fixed_values_note(record: Mapping[str, Any], overrides: Mapping[str, Any]) -> str | None:
    """A line saying which values the calibration fixed (its ``--set``, in ``record``, a
    ``PosteriorDraws.record()``) a batch with ``overrides`` does not give the same way, or ``None``:
    its worlds are then not quite the calibrated ones."""
    fixed = record.get("calibration_overrides") or {}
    differ = [f"{k}={v}" for k, v in fixed.items() if overrides.get(k) != v]
    if not differ:
        return None
    return (f"note: the calibration in {record['folder']} fixed {', '.join(differ)} (its --set), which this batch "
            "does not; give the same values to run the worlds it calibrated")


def draw_posterior(folder: str | Path, draws: int | None = None, seed: int = 1) -> PosteriorDraws:
    """``draws`` parameter sets from the calibration in ``folder`` (``draw_design``), each a design
    point; ``PosteriorError`` in one line if the folder is not a finished calibration or cannot
    give that many draws."""
    posterior = load_posterior(folder)
    drawn = draw_design(posterior, draws, seed)
    return PosteriorDraws(str(folder), as_design(drawn), drawn["posterior_draw"].tolist(), posterior.setup)


def rerun_particle(folder: str | Path, row: int) -> dict[str, float]:
    """Run particle ``row`` of a finished calibration again through the engine and return each
    target's statistic (equal, bit for bit, to its ``stat.TARGET`` columns)."""
    from rumahan.experiments.calibration.smc import particle_statistics, particle_tasks

    posterior = load_posterior(folder)
    particle = posterior.particles.iloc[row]
    values = {name: float(particle[name]) for name in posterior.parameters}
    return particle_statistics(posterior.targets, particle_tasks(posterior.setup, values, int(particle["seed"])))


#: Columns of ``posterior_effects`` (after the scenario and any parameters kept apart).
EFFECT_COLUMNS = ("outcome", "draws", "effect_mean", "effect_p05", "effect_p95", "same_sign_share")


def posterior_effects(runs: pd.DataFrame, baseline: str, outcomes: Sequence[str], draws: int,
                      apart: Sequence[str] = ()) -> pd.DataFrame:
    """Each scenario's effect on each outcome against ``baseline`` with calibration uncertainty.

    ``runs`` come from a design whose last factor is the ``draws`` posterior draws (``cross(rest,
    draws)``, the draws varying fastest), so design point ``p`` is draw ``p % draws`` of point
    ``p // draws`` of the rest (a grid, a sample of other uncertainties, or nothing). The effect in
    a draw is the mean, over replicates and over the rest of the design, of the paired difference
    (same point, same replicate seed) from the baseline. Parameters named in ``apart`` (``param.``
    columns of ``runs``, e.g. a sweep's grid) are not averaged over: each of their values gets its
    own rows. Per scenario (and values kept apart) and outcome: the number of draws, the mean
    effect across draws, its 5th and 95th percentiles across draws, and the share of draws whose
    effect has the sign of the mean (``nan`` when the mean is exactly 0). The spread across draws
    includes each draw's own replicate noise: more replicates leave more of it to calibration.
    """
    keys = ["point", "replicate"]
    apart_columns = [f"param.{name}" for name in apart]
    base = runs[runs["scenario"] == baseline].set_index(keys)
    rows = []
    for scenario in dict.fromkeys(runs["scenario"]):
        if scenario == baseline:
            continue
        mine = runs[runs["scenario"] == scenario].set_index(keys)
        paired = mine.index.intersection(base.index)
        frame = pd.DataFrame(index=paired)
        frame["draw"] = paired.get_level_values("point") % draws
        for column in apart_columns:
            frame[column] = base.loc[paired, column].to_numpy()
        for outcome in outcomes:
            frame[outcome] = mine.loc[paired, outcome].to_numpy(dtype=float) - base.loc[paired, outcome].to_numpy(dtype=float)
        groups = frame.groupby(apart_columns, sort=False) if apart_columns else [((), frame)]
        for values, part in groups:
            values = values if isinstance(values, tuple) else (values,)
            per_draw = part.groupby("draw")[list(outcomes)].mean()
            for outcome in outcomes:
                effects = per_draw[outcome].dropna()
                mean = float(effects.mean()) if len(effects) else math.nan
                sign = np.sign(mean) if math.isfinite(mean) else 0.0
                rows.append({
                    "scenario": scenario, **dict(zip(apart, values, strict=True)), "outcome": outcome,
                    "draws": len(effects), "effect_mean": mean,
                    "effect_p05": float(effects.quantile(0.05)) if len(effects) else math.nan,
                    "effect_p95": float(effects.quantile(0.95)) if len(effects) else math.nan,
                    "same_sign_share": float((np.sign(effects) == sign).mean()) if sign else math.nan,
                })
    return pd.DataFrame(rows, columns=["scenario", *apart, *EFFECT_COLUMNS])


def format_effects(effects: pd.DataFrame) -> str:
    """``posterior_effects`` as text: a row per scenario (and values kept apart) and outcome, the
    mean effect and its 5-95% range across draws to 3 significant figures, and the same-sign share
    as "k of K" draws."""
    from rumahan.experiments.report import significant

    keys = [c for c in effects.columns if c not in EFFECT_COLUMNS]
    shown = effects[[*keys, "outcome"]].copy()
    shown["effect"] = [significant(v) for v in effects["effect_mean"]]
    shown["5-95% across draws"] = [f"{significant(lo)} to {significant(hi)}"
                                   for lo, hi in zip(effects["effect_p05"], effects["effect_p95"], strict=True)]
    shown["same sign"] = ["-" if pd.isna(share) else f"{round(share * n)} of {n}"
                          for share, n in zip(effects["same_sign_share"], effects["draws"], strict=True)]
    return shown.to_string(index=False)


# --- what a calibration found: the posterior against the priors, the fit to the targets ----------------
def weighted_quantile(values: Sequence[float], weights: Sequence[float], q: float) -> float:
    """The ``q`` quantile of ``values`` weighted by ``weights`` (the inverse of the weighted
    empirical distribution function; ``nan`` values are left out)."""
    values, weights = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    keep = np.isfinite(values)
    values, weights = values[keep], weights[keep]
    if not len(values) or weights.sum() <= 0:
        return math.nan
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return float(values[order][min(np.searchsorted(cumulative, q), len(values) - 1)])


def posterior_summary(particles: pd.DataFrame, priors: Mapping[str, Sequence[float]]) -> pd.DataFrame:
    """Per calibrated parameter: its uniform prior (low, high), the posterior's weighted mean, 5th
    and 95th percentiles and standard deviation, and ``width``, the posterior sd over the prior sd
    (``(high - low) / sqrt(12)``): near 1 the facts leave the parameter as open as the prior, near
    0 they pin it down."""
    weights = particles["weight"].to_numpy(dtype=float)
    weights = weights / weights.sum()
    rows = []
    for name, (low, high) in priors.items():
        values = particles[name].to_numpy(dtype=float)
        mean = float(np.sum(weights * values))
        sd = float(np.sqrt(np.sum(weights * (values - mean) ** 2)))
        rows.append({"parameter": name, "prior_low": float(low), "prior_high": float(high), "mean": mean,
                     "p05": weighted_quantile(values, weights, 0.05), "p95": weighted_quantile(values, weights, 0.95),
                     "sd": sd, "width": sd / ((float(high) - float(low)) / math.sqrt(12))})
    return pd.DataFrame(rows)


def fit_table(particles: pd.DataFrame, targets: Sequence[Target], prior: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per target: what it measures, its band and tolerance, its source; the prior predictive
    median (of the calibration sample ``prior``, where given); the posterior predictive weighted
    mean, 5th and 95th percentiles; and ``inside``, the posterior weight of particles whose
    statistic lies inside the band."""
    weights = particles["weight"].to_numpy(dtype=float)
    weights = weights / weights.sum()
    rows = []
    for target in targets:
        column = f"stat.{target.name}"
        values = particles[column].to_numpy(dtype=float) if column in particles else np.full(len(particles), np.nan)
        finite = np.isfinite(values)
        inside = (values >= target.low) & (values <= target.high)
        prior_values = None if prior is None or target.name not in prior else prior[target.name].to_numpy(dtype=float)
        rows.append({
            "target": target.name, "measures": f"{target.statistic} of {target.measure}",
            "weeks": "whole run" if target.window == (0, 0) else f"{target.window[0]} to {target.window[1]}",
            "band": target.describe_band(), "tolerance": target.tolerance, "source": target.source,
            "prior_median": math.nan if prior_values is None or not np.isfinite(prior_values).any()
            else float(np.nanmedian(prior_values)),
            "posterior_mean": float(np.sum(weights[finite] * values[finite]) / weights[finite].sum())
            if finite.any() else math.nan,
            "posterior_p05": weighted_quantile(values, weights, 0.05),
            "posterior_p95": weighted_quantile(values, weights, 0.95),
            "inside": float(weights[inside].sum()),
        })
    return pd.DataFrame(rows)


def target_misses(particles: pd.DataFrame, targets: Sequence[Target], prior: pd.DataFrame | None = None) -> pd.DataFrame:
    """Long table for a fit chart on one scale: per target and particle (posterior, with its
    weight; and the calibration sample from the priors, each weighing the same), the statistic and
    its signed miss in tolerances (0 inside the band, negative below it, positive above it)."""
    frames = []
    for source, frame in (("prior", prior), ("posterior", particles)):
        if frame is None or frame.empty:
            continue
        weights = frame["weight"] / frame["weight"].sum() if source == "posterior" else pd.Series(1 / len(frame),
                                                                                                   index=frame.index)
        for target in targets:
            column = f"stat.{target.name}" if source == "posterior" else target.name
            if column not in frame:
                continue
            values = frame[column].to_numpy(dtype=float)
            below = (target.low - values) / target.tolerance
            above = (values - target.high) / target.tolerance
            miss = np.where(below > 0, -below, np.where(above > 0, above, 0.0))
            frames.append(pd.DataFrame({
                "target": target.name, "source": source, "value": values, "miss": miss,
                "weight": weights.to_numpy(dtype=float)}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["target", "source", "value", "miss", "weight"])
