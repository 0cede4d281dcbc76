"""Q2. What do the state's strategies cost? Framing x tokenism, with and without the network."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rumahan.experiments import plots
from rumahan.experiments.compare import t_half_width
from rumahan.experiments.report import save_figure
from rumahan.model import params as registry
from rumahan.model.metrics import OUTPUT_BY_NAME
from tools.tutorial.figures import new_figure
from tools.tutorial.intervals import Interval, paired_difference
from tools.tutorial.steps import load
from tools.tutorial.text import fmt, fmt_ci, label, markdown_table, star

METRICS = (
    "piece_rate_mean", "pieces_produced", "earnings_to_ump", "labour_share", "below_poverty_share",
    "membership_rate", "consciousness_mean", "power_within", "power_with", "power_to", "power_over",
    "policy_level", "invisible_power_loss", "advocacy_absorbed", "pressure", "visible_power_acts",
    "hidden_power_acts",
)
#: The status quo's levels of the two strategies (the registry's defaults, as in status_quo.toml).
FRAMING = registry.get("framing_intensity").default
TOKENISM = registry.get("tokenism").default


@dataclass(frozen=True)
class Outcome:
    """One final-year outcome with the network at four corners of the grid (means over seeds), and
    the paired effects of each strategy (status quo minus the corner without it)."""

    status_quo: float
    no_framing: float
    no_tokenism: float
    neither: float
    framing: Interval  # effect of framing 0 -> status quo, with the network
    tokenism: Interval  # effect of tokenism 0 -> status quo, with the network
    framing_without_network: Interval


@dataclass(frozen=True)
class Q2:
    """What the state's strategies cost."""

    outcomes: Mapping[str, Outcome]  # by metric, in METRICS order
    framing_levels: tuple[float, ...]
    tokenism_levels: tuple[float, ...]
    replicates: int  # per scenario and point
    runs: int
    figure: Path

    def __getitem__(self, metric: str) -> Outcome:
        return self.outcomes[metric]

    def worse(self, metric: str) -> str:
        """``"framing"`` or ``"tokenism"``: which strategy costs the workers more in ``metric``
        (the larger harm of the two effects, in the direction the metric is better)."""
        sign = 1.0 if OUTPUT_BY_NAME[metric].better == "higher" else -1.0
        harm = {"framing": -sign * self[metric].framing.mean, "tokenism": -sign * self[metric].tokenism.mean}
        return max(harm, key=harm.get)


def corners(framing_levels: tuple[float, ...], tokenism_levels: tuple[float, ...]) -> dict[str, tuple[float, float]]:
    """The four corners the table shows, by column title: ``(framing, tokenism)``."""
    f0, t0 = framing_levels[0], tokenism_levels[0]
    return {
        f"status quo (framing {FRAMING:g}, tokenism {TOKENISM:g})": (FRAMING, TOKENISM),
        f"no framing (framing {f0:g})": (f0, TOKENISM),
        f"no tokenism (tokenism {t0:g})": (FRAMING, t0),
        "neither": (f0, t0),
    }


def _corner_values(runs: pd.DataFrame, framing: float, tokenism: float, metric: str) -> pd.Series:
    part = runs[np.isclose(runs["param.framing_intensity"], framing) & np.isclose(runs["param.tokenism"], tokenism)]
    return part.set_index("seed")[metric].astype(float)


def analyse(out: Path, figures: Path) -> Q2:
    """The four corners and the paired effects, and the figure (heatmaps, Power Cube counters)."""
    folder = load(out / "q2_state")
    runs = folder.runs
    f_levels = tuple(float(x) for x in sorted(runs["param.framing_intensity"].unique()))
    t_levels = tuple(float(x) for x in sorted(runs["param.tokenism"].unique()))
    f0, t0 = f_levels[0], t_levels[0]
    net = runs[runs["scenario"] == "status_quo"]
    solo = runs[runs["scenario"] == "no_network"]
    outcomes = {}
    for metric in METRICS:
        means = [float(_corner_values(net, fr, to, metric).mean()) for fr, to in corners(f_levels, t_levels).values()]
        sq = _corner_values(net, FRAMING, TOKENISM, metric)
        outcomes[metric] = Outcome(
            *means,
            framing=paired_difference(sq, _corner_values(net, f0, TOKENISM, metric)),
            tokenism=paired_difference(sq, _corner_values(net, FRAMING, t0, metric)),
            framing_without_network=paired_difference(_corner_values(solo, FRAMING, TOKENISM, metric),
                                                      _corner_values(solo, f0, TOKENISM, metric)))
    replicates = int(runs.groupby(["scenario", "point"]).size().min())
    path = figures / "q2_state.png"
    _draw(net, corners(f_levels, t_levels), replicates, path)
    return Q2(outcomes, f_levels, t_levels, replicates, len(runs), path)


def placeholders(q: Q2) -> dict[str, str]:
    """The template's ``q2.*`` values."""
    rows = []
    for metric in METRICS:
        o = q[metric]
        rows.append([label(metric), *(fmt(x, metric) for x in (o.status_quo, o.no_framing, o.no_tokenism, o.neither)),
                     *(fmt_ci(e, metric, signed=True) + star(e)
                       for e in (o.framing, o.tokenism, o.framing_without_network))])
    values = {
        "q2.table": markdown_table(
            ["final-year outcome (unit)", *corners(q.framing_levels, q.tokenism_levels),
             "effect of framing 0 → 0.7", "effect of tokenism 0 → 0.8", "effect of framing without the network"],
            rows),
        "q2.replicates": str(q.replicates),
        "q2.runs": str(q.runs),
        "q2.framing_levels": ", ".join(f"{x:g}" for x in q.framing_levels),
        "q2.tokenism_levels": ", ".join(f"{x:g}" for x in q.tokenism_levels),
        "q2.framing_solo.piece_rate_mean": fmt_ci(q["piece_rate_mean"].framing_without_network, "piece_rate_mean",
                                                  signed=True),
    }
    for metric in ("piece_rate_mean", "membership_rate", "pieces_produced"):
        values[f"q2.framing.{metric}"] = fmt_ci(q[metric].framing, metric, signed=True)
    for metric in ("piece_rate_mean", "membership_rate"):
        values[f"q2.tokenism.{metric}"] = fmt_ci(q[metric].tokenism, metric, signed=True)
    for metric in ("advocacy_absorbed", "earnings_to_ump", "invisible_power_loss", "labour_share", "policy_level",
                   "power_within", "pressure"):
        values[f"q2.sq.{metric}"] = fmt(q[metric].status_quo, metric)
    for metric in ("earnings_to_ump", "labour_share", "power_within"):
        values[f"q2.nof.{metric}"] = fmt(q[metric].no_framing, metric)
    for metric in ("policy_level", "pressure"):
        values[f"q2.not.{metric}"] = fmt(q[metric].no_tokenism, metric)
    return values


def _draw(net: pd.DataFrame, corner_levels: dict[str, tuple[float, float]], replicates: int, path: Path) -> None:
    fig, axes = new_figure(13.5, 8.0, 2, 2)
    for ax, metric in zip(axes[:2], ("membership_rate", "piece_rate_mean"), strict=True):
        pivot = net.pivot_table(index="param.framing_intensity", columns="param.tokenism", values=metric,
                                aggfunc="mean").sort_index(ascending=False)
        image = ax.imshow(pivot.to_numpy(), cmap="viridis", aspect="auto")
        ax.set_xticks(range(pivot.shape[1]), [f"{x:g}" for x in pivot.columns])
        ax.set_yticks(range(pivot.shape[0]), [f"{x:g}" for x in pivot.index])
        ax.set_xlabel("tokenism (share of invited-space advocacy absorbed)")
        ax.set_ylabel("framing_intensity (0-1)")
        middle = np.nanmean(pivot.to_numpy())
        for (i, j), value in np.ndenumerate(pivot.to_numpy()):
            ax.text(j, i, fmt(value, metric), ha="center", va="center", fontsize=10,
                    color="white" if value < middle else "black")
        fig.colorbar(image, ax=ax, label=plots.metric_axis(metric))
        ax.set_title(f"{plots.metric_title(metric, 60)}\nwith the network, mean of {replicates} replicates",
                     fontsize=10)
    names = list(corner_levels)
    y = np.arange(len(names))[::-1]
    counters = (("invisible_power_loss", "tab:purple", "Invisible power: consciousness removed by framing"),
                ("advocacy_absorbed", "tab:orange", "Tokenism: advocacy absorbed in invited spaces"))
    for ax, (metric, colour, title) in zip(axes[2:], counters, strict=True):
        means, errs = [], []
        for framing, tokenism in corner_levels.values():
            values = _corner_values(net, framing, tokenism, metric)
            means.append(values.mean())
            errs.append(float(t_half_width(values.std(ddof=1), len(values))))
        ax.barh(y, means, xerr=np.nan_to_num(errs), color=colour, capsize=3)
        ax.set_yticks(y, names, fontsize=9)
        ax.set_xlabel(f"final-year mean ({OUTPUT_BY_NAME[metric].unit}), 95% CI")
        ax.set_title(f"Power Cube counter `{metric}`:\n{title}", fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle("Q2. What the state's strategies cost: micro-entrepreneur framing x tokenistic participation",
                 fontsize=11)
    save_figure(fig, path)
