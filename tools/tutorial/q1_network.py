"""Q1. What does the network change? ``status_quo`` against ``no_network``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rumahan.experiments import plots
from rumahan.experiments.report import save_figure
from tools.tutorial.figures import band, new_figure, year_axis
from tools.tutorial.intervals import Interval
from tools.tutorial.steps import load_comparison
from tools.tutorial.text import fmt, fmt_ci, label, markdown_table, pct, star

METRICS = (
    "piece_rate_mean", "earnings_mean", "earnings_to_ump", "below_poverty_share", "membership_rate",
    "coverage_rate", "power_within", "power_with", "power_to", "power_over",
)
SCENARIO_COLOURS = {"status_quo": "tab:blue", "no_network": "tab:grey"}


@dataclass(frozen=True)
class Outcome:
    """One final-year outcome without and with the network, and the network's effect
    (``status_quo − no_network``), each with its 95% interval."""

    no_network: Interval
    status_quo: Interval
    effect: Interval


@dataclass(frozen=True)
class Q1:
    """What the network changes."""

    outcomes: Mapping[str, Outcome]  # by metric, in METRICS order
    replicates: int  # per scenario
    runs: int
    workers: int
    weeks: int
    ump: float  # the final year's monthly UMP (Rp)
    membership_min: float  # the status quo's replicates
    membership_max: float
    figure: Path

    def __getitem__(self, metric: str) -> Outcome:
        return self.outcomes[metric]


def analyse(out: Path, figures: Path) -> Q1:
    """The comparison's numbers, and its figure (piece rate and earnings over time, the four powers)."""
    folder, table = load_comparison(out / "q1_network", "no_network", METRICS)
    runs = folder.runs
    outcomes = {}
    for metric in METRICS:
        part = table[table["metric"] == metric].set_index("scenario")
        sq = part.loc["status_quo"]
        outcomes[metric] = Outcome(Interval.of(part.loc["no_network"]), Interval.of(sq), Interval.of(sq, "diff"))
    members = runs.loc[runs["scenario"] == "status_quo", "membership_rate"]
    replicates = int(runs.groupby("scenario").size().min())
    workers, weeks = int(runs["param.n_workers"].iloc[0]), int(folder.manifest["plan"]["weeks"])
    path = figures / "q1_network.png"
    _draw(folder.timeseries, table, replicates, workers, weeks, path)
    return Q1(outcomes, replicates, len(runs), workers, weeks, float(runs["ump_monthly"].mean()),
              float(members.min()), float(members.max()), path)


def placeholders(q: Q1) -> dict[str, str]:
    """The template's ``q1.*`` values."""
    def sq(metric: str) -> str:
        return fmt(q[metric].status_quo.mean, metric)

    def nn(metric: str) -> str:
        return fmt(q[metric].no_network.mean, metric)

    def effect(metric: str) -> str:
        return fmt_ci(q[metric].effect, metric, signed=True)

    e2u = "earnings_to_ump"
    rows = [[label(m), fmt_ci(q[m].no_network, m), fmt_ci(q[m].status_quo, m),
             effect(m) + star(q[m].effect)] for m in METRICS]
    return {
        "q1.table": markdown_table(
            ["final-year outcome (unit)", "no network", "with the network (status quo)", "the network's effect"],
            rows),
        "q1.replicates": str(q.replicates),
        "q1.runs": str(q.runs),
        "q1.workers": f"{q.workers:,}",
        "q1.weeks": str(q.weeks),
        "q1.piece_rate.sq": sq("piece_rate_mean"),
        "q1.piece_rate.nn": nn("piece_rate_mean"),
        "q1.piece_rate.diff": effect("piece_rate_mean"),
        "q1.piece_rate.pct": pct(q["piece_rate_mean"].status_quo.mean / q["piece_rate_mean"].no_network.mean - 1, 1),
        "q1.e2u_pct.sq": pct(q[e2u].status_quo.mean, 1),
        "q1.e2u_pct.nn": pct(q[e2u].no_network.mean, 1),
        "q1.monthly.sq": fmt(q[e2u].status_quo.mean * q.ump, "ump_monthly"),
        "q1.monthly.nn": fmt(q[e2u].no_network.mean * q.ump, "ump_monthly"),
        "q1.ump": fmt(q.ump, "ump_monthly"),
        "q1.earnings_to_ump.diff": effect(e2u),
        "q1.below_poverty_share.diff": effect("below_poverty_share"),
        "q1.power_within.sq": sq("power_within"),
        "q1.power_with.sq": sq("power_with"),
        "q1.power_over.sq": sq("power_over"),
        "q1.power_over.nn": nn("power_over"),
        "q1.power_over.diff": effect("power_over"),
        "q1.power_to.sq": sq("power_to"),
        "q1.power_to.nn": nn("power_to"),
        "q1.coverage_rate.sq": sq("coverage_rate"),
        "q1.membership.min": fmt(q.membership_min, "membership_rate"),
        "q1.membership.max": fmt(q.membership_max, "membership_rate"),
    }


def _draw(series: pd.DataFrame, table: pd.DataFrame, replicates: int, workers: int, weeks: int,
          path: Path) -> None:
    fig, axes = new_figure(13.5, 4.2, 1, 3)
    for ax, metric in zip(axes[:2], ("piece_rate_mean", "earnings_to_ump"), strict=True):
        for scenario in ("no_network", "status_quo"):
            band(ax, series[series["scenario"] == scenario], metric, SCENARIO_COLOURS[scenario], scenario)
        ax.set_title(plots.metric_title(metric, 44), fontsize=10)
        year_axis(ax)
        ax.set_ylabel(plots.metric_axis(metric))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=9, title="mean and 95% band", title_fontsize=8)
    ax = axes[2]
    powers = list(plots.POWER_INDICES)
    x = np.arange(len(powers))
    for i, scenario in enumerate(("no_network", "status_quo")):
        part = table[table["scenario"] == scenario].set_index("metric").loc[powers]
        err = np.vstack([part["mean"] - part["ci_low"], part["ci_high"] - part["mean"]])
        ax.bar(x + (i - 0.5) * 0.38, part["mean"], width=0.38, color=SCENARIO_COLOURS[scenario], label=scenario,
               yerr=np.nan_to_num(err), capsize=3)
    ax.set_xticks(x, [p.removeprefix("power_") for p in powers], fontsize=10)
    ax.set_ylim(0, 1)
    ax.set_ylabel("final-year mean (0-1), 95% CI")
    ax.set_title("Rowlands's four powers\n(within, with, to: the workers'; over: the subcontractors')", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=9)
    fig.suptitle(f"Q1. What the network changes: {replicates} replicates of each scenario, "
                 f"{workers:,} workers, {weeks} weeks", fontsize=11)
    save_figure(fig, path)
