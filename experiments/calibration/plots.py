"""A calibration's figures: ``fit.png`` (each target's band against the prior and posterior
predictive distributions) and ``posterior.png`` (marginal and pairwise posteriors against the priors)."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from rumahan.experiments.calibration.targets import OPEN_END, Target

PRIOR_COLOUR = "#9e9e9e"
POSTERIOR_COLOUR = "#1f77b4"
BAND_COLOUR = "#2ca02c"


def write_figures(out: Path, setup: Any, history: Any) -> list[Path]:
    """Write ``fit.png`` and ``posterior.png`` into ``out`` from pyabc's ``history``."""
    from rumahan.experiments.calibration.smc import FIT_PNG, POSTERIOR_PNG, PRIOR_PREDICTIVE, posterior_frame

    posterior = posterior_frame(history, list(setup.priors))
    prior_path = out / PRIOR_PREDICTIVE
    prior = pd.read_parquet(prior_path) if prior_path.exists() else None
    fit = plot_fit(setup.targets, prior, posterior)
    fit.savefig(out / FIT_PNG, dpi=110)
    plt.close(fit)
    pairs = plot_posterior(setup.priors, posterior)
    pairs.savefig(out / POSTERIOR_PNG, dpi=110)
    plt.close(pairs)
    return [out / FIT_PNG, out / POSTERIOR_PNG]


def plot_fit(targets: list[Target], prior: pd.DataFrame | None, posterior: pd.DataFrame) -> plt.Figure:
    """One panel per target: the observed band (dark) and band ± tolerance (light), the prior
    predictive values (grey, top row) and the posterior predictive ones (blue, bottom row, dot size
    by weight)."""
    cols = 3
    rows = math.ceil(len(targets) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.0 * rows + 0.6), squeeze=False)
    for ax, target in zip(axes.flat, targets, strict=False):
        post = posterior.get(f"stat.{target.name}")
        pri = None if prior is None else prior.get(target.name)
        values = [v for v in (pri, post) if v is not None]
        finite = [float(x) for v in values for x in np.asarray(v, dtype=float) if np.isfinite(x)]
        low, high = target.low, target.high
        lo_edge = min([low - target.tolerance, *finite])
        hi_edge = max([(low if high >= OPEN_END else high) + 2 * target.tolerance, *finite])
        pad = 0.05 * (hi_edge - lo_edge or 1.0)
        high = min(high, hi_edge + 2 * pad)  # an open end runs off the panel
        ax.axvspan(low - target.tolerance, high + target.tolerance, color=BAND_COLOUR, alpha=0.12, lw=0)
        ax.axvspan(low, high if high > low else low + 1e-9, color=BAND_COLOUR, alpha=0.35, lw=0)
        if low == high:
            ax.axvline(low, color=BAND_COLOUR, lw=2)
        rng = np.random.default_rng(0)
        if pri is not None:
            x = np.asarray(pri, dtype=float)
            ax.scatter(x, 1 + rng.uniform(-0.18, 0.18, len(x)), s=10, color=PRIOR_COLOUR, alpha=0.7)
        if post is not None:
            x = np.asarray(post, dtype=float)
            w = posterior["weight"].to_numpy()
            ax.scatter(x, rng.uniform(-0.18, 0.18, len(x)), s=8 + 300 * w, color=POSTERIOR_COLOUR, alpha=0.6)
        ax.set_xlim(lo_edge - pad, hi_edge + pad)
        ax.set_ylim(-0.5, 1.5)
        ax.set_yticks([0, 1], ["posterior", "prior"])
        ax.set_title(target.name, fontsize=10)
        weeks = "the whole run" if target.window == (0, 0) else f"weeks {list(target.window)}"
        ax.set_xlabel(textwrap.shorten(f"{target.statistic} of {target.measure}, {weeks}", 60),
                      fontsize=8)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(targets):]:
        ax.set_visible(False)
    fig.suptitle("Fit to the targets: observed band (dark green), ± tolerance (light); prior (grey) and "
                 "posterior (blue) predictive", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    return fig


def plot_posterior(priors: dict[str, tuple[float, float]], posterior: pd.DataFrame) -> plt.Figure:
    """Corner plot: weighted marginal histograms against the flat prior (diagonal), particles
    (size by weight) for each pair (below), each axis spanning the prior range."""
    names = list(priors)
    k = len(names)
    size = max(2.4, min(3.2, 12 / k))
    fig, axes = plt.subplots(k, k, figsize=(size * k + 0.6, size * k + 0.4), squeeze=False)
    weights = posterior["weight"].to_numpy()
    for i, row in enumerate(names):
        for j, col in enumerate(names):
            ax = axes[i, j]
            if j > i:
                ax.set_visible(False)
                continue
            low, high = priors[col]
            if i == j:
                ax.hist(posterior[col], bins=12, range=(low, high), weights=weights, density=True,
                        color=POSTERIOR_COLOUR, alpha=0.7, label="posterior")
                ax.axhline(1 / (high - low), color=PRIOR_COLOUR, lw=2, ls="--", label="prior")
                ax.set_yticks([])
                if i == 0:
                    ax.legend(fontsize=7, loc="upper right")
            else:
                ax.scatter(posterior[col], posterior[row], s=6 + 300 * weights, color=POSTERIOR_COLOUR, alpha=0.5)
                ax.set_ylim(*priors[row])
                if j == 0:
                    ax.set_ylabel(row, fontsize=8)
            ax.set_xlim(low, high)
            if i == k - 1:
                ax.set_xlabel(col, fontsize=8)
            ax.tick_params(labelsize=7)
    width_chars = int(fig.get_figwidth() * 12)  # about 12 characters of 10-point type per inch
    fig.suptitle(textwrap.fill("Posterior (blue) against the uniform priors (grey); axes span the prior ranges",
                               width_chars), fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    return fig
