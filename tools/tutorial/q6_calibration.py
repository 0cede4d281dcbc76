"""Q6. What do the facts pin down, and do the answers to Q1-Q3 hold over every parameter set
consistent with them? An ABC-SMC calibration (``rumahan calibrate``) against the brief's facts,
then Q1's and Q3's comparisons run over draws from its posterior (``rumahan compare --posterior``)."""

from __future__ import annotations

import math
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rumahan.experiments.calibration.posterior import load_posterior, posterior_summary
from tools.tutorial.intervals import Interval
from tools.tutorial.steps import load, load_comparison
from tools.tutorial.text import fmt, fmt_ci, label, markdown_table

#: The effects Q6 follows: (scenario, baseline as run, sign that makes it the question's effect,
#: the question's words).
EFFECTS = (
    ("no_network", "status_quo", -1, "Q1: the network (status_quo − no_network)"),
    ("end_reframing", "status_quo", -1, "Q2: framing (status_quo − end_reframing)"),
    ("genuine_participation", "status_quo", -1, "Q2: tokenism (status_quo − genuine_participation)"),
    ("recommendations", "status_quo", 1, "Q3: the recommendations (recommendations − status_quo)"),
)
#: Where each effect's answer at the defaults comes from: (the step's folder, its scenarios' run).
POINT = {"no_network": "q1_network", "recommendations": "q3_recommendations"}
OUTCOMES = ("piece_rate_mean", "earnings_to_ump", "coverage_rate")
STAFF, UPKEEP = "network_base_capacity", "member_upkeep_hours"


@dataclass(frozen=True)
class Effect:
    """One effect at the point calibration (the defaults: mean and 95% interval over replicates)
    and over the posterior (mean across draws, 5-95% across draws, share of draws with the sign of
    the mean)."""

    point: Interval | None  # None: no comparison of the same design at the defaults (Q2's is a grid)
    posterior_mean: float
    posterior_p05: float
    posterior_p95: float
    same_sign: float
    draws: int


@dataclass(frozen=True)
class Q6:
    widths: pd.DataFrame  # posterior_summary: parameter, prior_low/high, mean, p05, p95, sd, width
    generations: pd.DataFrame  # epsilon, acceptance, simulations per generation
    population: int
    simulations: int
    span_correlation: float  # weighted correlation of staff hours and upkeep in the posterior
    span_ratio_width: float  # posterior sd of staff hours / upkeep over its sd under the priors
    effects: Mapping[tuple[str, str], Effect]  # (scenario, outcome)

    def effect(self, scenario: str, outcome: str) -> Effect:
        return self.effects[(scenario, outcome)]


def analyse(out: Path, figures: Path) -> Q6:
    """The calibration's posterior against its priors, and Q1's and Q3's effects at the point
    calibration (the Q1 and Q3 folders) and over the posterior (the Q6 comparison)."""
    figures.mkdir(parents=True, exist_ok=True)  # the calibration drew its own fit and posterior figures
    for name in ("fit", "posterior"):
        shutil.copyfile(out / "q6_calibration" / f"{name}.png", figures / f"q6_{name}.png")
    posterior = load_posterior(out / "q6_calibration")
    calibration = load(out / "q6_calibration")
    generations = calibration.tables["generations"]
    widths = posterior_summary(posterior.particles, posterior.setup["priors"])
    over = load(out / "q6_posterior").tables["posterior_effects"].set_index(["scenario", "outcome"])
    point = {scenario: load_comparison(out / step, "status_quo", OUTCOMES)[1].set_index(["scenario", "metric"])
             for scenario, step in POINT.items()}
    effects = {}
    for scenario, _, sign, _ in EFFECTS:
        for outcome in OUTCOMES:
            at_defaults = None
            if scenario in point:
                diff = Interval.of(point[scenario].loc[(scenario, outcome)], "diff")
                at_defaults = Interval(sign * diff.mean, *sorted((sign * diff.low, sign * diff.high)))
            p = over.loc[(scenario, outcome)]
            low, high = sorted((sign * float(p["effect_p05"]), sign * float(p["effect_p95"])))
            effects[(scenario, outcome)] = Effect(at_defaults, sign * float(p["effect_mean"]), low, high,
                                                  float(p["same_sign_share"]), int(p["draws"]))
    correlation, ratio_width = _span_of_care(posterior.particles, posterior.setup["priors"])
    return Q6(widths, generations, int(posterior.setup.get("population", len(posterior.particles))),
              int(generations["simulations"].sum()), correlation, ratio_width, effects)


def _span_of_care(particles: pd.DataFrame, priors: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
    """How the facts constrain the span of care: the posterior's weighted correlation of staff
    hours and upkeep per member, and the sd of their ratio (the long-run membership, ODD §7.8)
    under the posterior over its sd under the independent uniform priors (by a fixed sample)."""
    staff, upkeep = STAFF, UPKEEP
    w = particles["weight"].to_numpy(float)
    w = w / w.sum()
    a, b = particles[staff].to_numpy(float), particles[upkeep].to_numpy(float)

    def sd(x: np.ndarray, weights: np.ndarray) -> float:
        return float(np.sqrt(np.sum(weights * (x - np.sum(weights * x)) ** 2)))

    cov = np.sum(w * (a - np.sum(w * a)) * (b - np.sum(w * b)))
    correlation = float(cov / (sd(a, w) * sd(b, w)))
    rng = np.random.default_rng(0)
    prior_ratio = rng.uniform(*priors[staff], 100_000) / rng.uniform(*priors[upkeep], 100_000)
    return correlation, sd(a / b, w) / float(prior_ratio.std())


def placeholders(q: Q6) -> dict[str, str]:
    """The template's ``q6.*`` values."""
    width_rows = [[f"`{r.parameter}`", f"{fmt(r.prior_low)}-{fmt(r.prior_high)}", fmt(r.mean),
                   f"{fmt(r.p05)}-{fmt(r.p95)}", f"{r.width:.2f}"] for r in q.widths.itertuples(index=False)]
    effect_rows = []
    for scenario, _, _, words in EFFECTS:
        for outcome in OUTCOMES:
            e = q.effect(scenario, outcome)
            effect_rows.append([words, label(outcome), "— (Q2's grid)" if e.point is None else
                                fmt_ci(e.point, outcome, signed=True),
                                f"{fmt(e.posterior_mean, outcome, signed=True)} ({fmt(e.posterior_p05, outcome, signed=True)} "
                                f"to {fmt(e.posterior_p95, outcome, signed=True)})",
                                "-" if math.isnan(e.same_sign) else f"{round(e.same_sign * e.draws)} of {e.draws}"])
    narrowest = q.widths.sort_values("width").iloc[0]
    widest = q.widths.sort_values("width").iloc[-1]
    gens = q.generations
    return {
        "q6.widths": markdown_table(["parameter", "prior (uniform)", "posterior mean", "5-95%", "posterior sd / prior sd"],
                                    width_rows),
        "q6.effects": markdown_table(["effect", "outcome", "at the defaults (95% CI)", "over the posterior: mean (5-95% of draws)",
                                      "draws with the same sign"], effect_rows),
        "q6.population": str(q.population),
        "q6.generations": str(len(gens)),
        "q6.simulations": f"{q.simulations:,}",
        "q6.epsilon_first": f"{gens['epsilon'].iloc[0]:.2f}",
        "q6.epsilon_last": f"{gens['epsilon'].iloc[-1]:.2f}",
        "q6.narrowest": f"`{narrowest.parameter}`",
        "q6.narrowest_width": f"{narrowest.width:.2f}",
        "q6.widest": f"`{widest.parameter}`",
        "q6.widest_width": f"{widest.width:.2f}",
        "q6.span_correlation": f"{q.span_correlation:.2f}",
        "q6.span_ratio_width": f"{q.span_ratio_width:.2f}",
    }
