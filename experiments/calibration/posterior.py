"""Reading a finished calibration: its posterior, weighted seeded draws for experiments over it, a
particle re-run bit for bit, and policy effects with calibration uncertainty.

Needs neither pyabc nor the database: ``posterior.parquet`` and ``manifest.json`` are enough.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import storage
from experiments.calibration.targets import Target
from experiments.seeds import check_seed
from model import params as registry
from model.errors import RumahanInputError

POSTERIOR = "posterior.parquet"
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
        return [Target(**{**t, "window": tuple(t["window"]),
                          "reference": None if t["reference"] is None else tuple(t["reference"])})
                for t in self.setup["targets"]]


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


def rerun_particle(folder: str | Path, row: int) -> dict[str, float]:
    """Run particle ``row`` of a finished calibration again through the engine and return each
    target's statistic (equal, bit for bit, to its ``stat.TARGET`` columns)."""
    from experiments.calibration.smc import particle_statistics, particle_tasks

    posterior = load_posterior(folder)
    particle = posterior.particles.iloc[row]
    values = {name: float(particle[name]) for name in posterior.parameters}
    return particle_statistics(posterior.targets, particle_tasks(posterior.setup, values, int(particle["seed"])))


def posterior_effects(runs: pd.DataFrame, baseline: str, outcomes: list[str]) -> pd.DataFrame:
    """Each scenario's effect on each outcome against ``baseline`` over posterior draws (design
    points): the mean over replicates of the paired difference in each draw, summarised as the mean,
    5th and 95th percentiles across draws, and the share of draws whose effect has the sign of the
    mean effect."""
    rows = []
    keyed = runs.set_index(["scenario", "point", "replicate"])
    base = keyed.xs(baseline, level="scenario")
    for scenario in dict.fromkeys(runs["scenario"]):
        if scenario == baseline:
            continue
        mine = keyed.xs(scenario, level="scenario")
        for outcome in outcomes:
            per_draw = (mine[outcome] - base[outcome]).groupby(level="point").mean()
            mean = float(per_draw.mean())
            sign = np.sign(mean)
            rows.append({"scenario": scenario, "outcome": outcome, "draws": len(per_draw), "effect_mean": mean,
                         "effect_p05": float(per_draw.quantile(0.05)), "effect_p95": float(per_draw.quantile(0.95)),
                         "same_sign_share": float((np.sign(per_draw) == sign).mean()) if sign else float("nan")})
    return pd.DataFrame(rows)
