"""Q3. Do the paper's recommendations work, alone and together? What must enforcement be for a
piece-rate floor to bind?"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from rumahan.experiments import plots
from rumahan.experiments.compare import t_half_width
from rumahan.experiments.report import save_figure
from rumahan.model import enforcement
from tools.tutorial.figures import new_figure
from tools.tutorial.intervals import Interval, paired_difference
from tools.tutorial.steps import load, load_comparison
from tools.tutorial.text import fmt, fmt_ci, label, markdown_table, pct, star

SCENARIOS = ("status_quo", "c177", "statistics", "national_regulation", "recommendations")
METRICS = (
    "piece_rate_mean", "earnings_to_ump", "below_poverty_share", "coverage_rate", "power_to", "power_over",
    "order_share_mean", "membership_rate",
)
SYNERGY_METRICS = ("piece_rate_mean", "earnings_to_ump", "coverage_rate")
#: Outcomes of the enforcement sweep (mean and 95% half-width at each inspection probability).
ENFORCEMENT_METRICS = ("coverage_rate", "piece_rate_mean", "earnings_to_ump", "fines_paid", "order_share_mean")
#: Coverage from which a floor is said to bind.
BINDING_COVERAGE = 0.8


@dataclass(frozen=True)
class Scenario:
    """A scenario's final-year outcomes (mean and 95% interval) and, but for the status quo, its
    difference from the status quo."""

    levels: Mapping[str, Interval]
    effects: Mapping[str, Interval]  # empty for the status quo


@dataclass(frozen=True)
class Synergy:
    """The three recommendations together against the sum of their effects alone (paired by seed)."""

    parts: float  # mean of the sum of the three single effects
    joint: float  # mean of the joint effect
    interaction: Interval  # joint minus parts


@dataclass(frozen=True)
class EnforcementPoint:
    """The enforcement sweep at one inspection probability, with or without statistics."""

    inspection_probability: float
    deterred: float  # the share of subcontractors the rule deters (model.enforcement.deterred_share)
    means: Mapping[str, tuple[float, float]]  # ENFORCEMENT_METRICS: (mean, 95% half-width)

    def __getitem__(self, metric: str) -> float:
        return self.means[metric][0]


@dataclass(frozen=True)
class EnforcementCurve:
    """The enforcement sweep without or with statistics (detection ``unregistered_detection`` or 1)."""

    detection: float
    threshold: float  # inspection probability from which the median subcontractor is deterred
    p90: float  # ... from which nine in ten are
    points: tuple[EnforcementPoint, ...]  # by inspection probability, ascending

    def at(self, inspection_probability: float) -> EnforcementPoint:
        """The point nearest ``inspection_probability``."""
        return min(self.points, key=lambda q: abs(q.inspection_probability - inspection_probability))

    def binds(self) -> EnforcementPoint | None:
        """The first point where coverage reaches ``BINDING_COVERAGE`` (None if none does)."""
        return next((q for q in self.points if q["coverage_rate"] >= BINDING_COVERAGE), None)

    def fines_peak(self) -> EnforcementPoint:
        return max(self.points, key=lambda q: q["fines_paid"])

    def fines_peak_is_interior(self) -> bool:
        """Whether fines peak strictly between the lowest and the highest inspection probability."""
        return 0 < int(np.argmax([q["fines_paid"] for q in self.points])) < len(self.points) - 1


@dataclass(frozen=True)
class Q3:
    """The recommendations alone and together, and the enforcement a floor needs."""

    scenarios: Mapping[str, Scenario]  # in SCENARIOS order
    replicates: int
    runs: int
    synergy: Mapping[str, Synergy]  # by metric, SYNERGY_METRICS
    fine_multiple: float
    back_pay_weeks: float
    unregistered_detection: float
    risk_perception_dispersion: float  # log-sd of the subcontractors' risk perception (the runs' parameter)
    floor_rate: float  # mean final-year floor (Rp/piece)
    without_statistics: EnforcementCurve
    with_statistics: EnforcementCurve
    enforcement_replicates: int
    enforcement_runs: int
    figure: Path

    def level(self, scenario: str, metric: str) -> float:
        return self.scenarios[scenario].levels[metric].mean

    def effect(self, scenario: str, metric: str) -> Interval:
        return self.scenarios[scenario].effects[metric]


def compliance_probability(undeterred: float, detection: float, fine_multiple: float, back_pay_weeks: float,
                           dispersion: float) -> float:
    """The weekly inspection probability from which all but a share ``undeterred`` of the
    subcontractors are deterred, the inverse of ``model.enforcement.deterred_share``: the expected
    fine per rupiah (``model.enforcement.expected_fine_per_rupiah``) times the risk perception's
    ``undeterred`` quantile, ``exp(dispersion * z)``, must reach 1."""
    median = 1.0 / enforcement.expected_fine_per_rupiah(1.0, detection, fine_multiple, back_pay_weeks)
    return median * math.exp(-stats.norm.ppf(undeterred) * dispersion)


def _scenario(table: pd.DataFrame, scenario: str) -> Scenario:
    part = table[table["scenario"] == scenario].set_index("metric")
    return Scenario({m: Interval.of(part.loc[m]) for m in METRICS},
                    {m: Interval.of(part.loc[m], "diff") for m in METRICS} if scenario != "status_quo" else {})


def analyse(out: Path, figures: Path) -> Q3:
    """The recommendations' comparison, their interaction, the enforcement sweep, and the figure."""
    folder, table = load_comparison(out / "q3_recommendations", "status_quo", METRICS)
    runs = folder.runs
    scenarios = {scenario: _scenario(table, scenario) for scenario in SCENARIOS}
    synergy = {}
    for metric in SYNERGY_METRICS:
        by = {s: runs[runs["scenario"] == s].set_index("seed")[metric].astype(float) for s in SCENARIOS}
        parts = by["c177"] + by["statistics"] + by["national_regulation"] - 3 * by["status_quo"]
        joint = by["recommendations"] - by["status_quo"]
        synergy[metric] = Synergy(float(parts.mean()), float(joint.mean()), paired_difference(joint, parts))

    er = load(out / "q3_enforcement").runs
    fine, back_pay = float(er["param.fine_multiple"].iloc[0]), float(er["param.back_pay_weeks"].iloc[0])
    unregistered = float(er["param.unregistered_detection"].iloc[0])
    dispersion = float(er["param.risk_perception_dispersion"].iloc[0])
    levels = sorted(float(p) for p in er["param.inspection_probability"].unique())
    curves = []
    for stats_on in (False, True):
        detection = 1.0 if stats_on else unregistered
        points = []
        for p in levels:
            part = er[np.isclose(er["param.inspection_probability"], p) & (er["param.statistics_inclusion"] == stats_on)]
            means = {m: (float(part[m].mean()), float(t_half_width(part[m].std(ddof=1), len(part))))
                     for m in ENFORCEMENT_METRICS}
            points.append(EnforcementPoint(
                p, enforcement.deterred_share(p, detection, fine, back_pay, dispersion), means))
        curves.append(EnforcementCurve(
            detection, compliance_probability(0.5, detection, fine, back_pay, dispersion),
            compliance_probability(0.1, detection, fine, back_pay, dispersion), tuple(points)))
    path = figures / "q3_recommendations.png"
    q = Q3(scenarios, int(runs.groupby("scenario").size().min()), len(runs), synergy, fine, back_pay, unregistered,
           dispersion, float(er["floor_rate"].mean()), *curves, int(er.groupby("point").size().min()), len(er), path)
    _draw(q, table, path)
    return q


def placeholders(q: Q3) -> dict[str, str]:
    """The template's ``q3.*`` values."""
    rows = []
    for scenario in SCENARIOS:
        cells = [f"`{scenario}`"]
        for metric in METRICS:
            text = fmt_ci(q.scenarios[scenario].levels[metric], metric)
            if scenario != "status_quo" and q.effect(scenario, metric).excludes_zero():
                text += "*"
            cells.append(text)
        rows.append(cells)
    synergy_rows = [[label(m), fmt(s.parts, m, signed=True), fmt(s.joint, m, signed=True),
                     fmt_ci(s.interaction, m, signed=True) + star(s.interaction)] for m, s in q.synergy.items()]
    without, with_ = q.without_statistics, q.with_statistics
    e_rows = []
    for w, s in zip(without.points, with_.points, strict=True):
        pairs = [f"{fmt(w[m], m)} / {fmt(s[m], m)}"
                 for m in ("coverage_rate", "piece_rate_mean", "order_share_mean", "fines_paid")]
        e_rows.append([pct(w.inspection_probability, 2), f"{pct(w.deterred)} / {pct(s.deterred)}", *pairs])
    values = {
        "q3.table": markdown_table(["scenario", *(label(m) for m in METRICS)], rows),
        "q3.replicates": str(q.replicates),
        "q3.runs": str(q.runs),
        "q3.synergy_table": markdown_table(
            ["final-year outcome (unit)", "sum of the three effects alone", "effect of the three together",
             "together minus the sum (interaction)"], synergy_rows),
        "q3.interaction.piece_rate_mean": fmt_ci(q.synergy["piece_rate_mean"].interaction, "piece_rate_mean",
                                                 signed=True),
        "q3.interaction.earnings_to_ump": fmt_ci(q.synergy["earnings_to_ump"].interaction, "earnings_to_ump",
                                                 signed=True),
        "q3.fine_multiple": f"{q.fine_multiple:g}",
        "q3.back_pay_weeks": f"{q.back_pay_weeks:g}",
        "q3.unregistered_detection": f"{q.unregistered_detection:g}",
        "q3.risk_perception_dispersion": f"{q.risk_perception_dispersion:g}",
        "q3.enforcement_table": markdown_table(
            ["weekly inspection probability", "subcontractors the rule deters", label("coverage_rate"),
             label("piece_rate_mean"), label("order_share_mean"), label("fines_paid")], e_rows),
        "q3.fines_peak.without": fmt(without.fines_peak()["fines_paid"], "fines_paid"),
        "q3.fines_peak_at.without": pct(without.fines_peak().inspection_probability, 2),
        "q3.enforcement_replicates": str(q.enforcement_replicates),
        "q3.enforcement_runs": str(q.enforcement_runs),
        "q3.floor_rate": fmt(q.floor_rate, "floor_rate"),
        "q3.top_order_share.with": fmt(with_.points[-1]["order_share_mean"], "order_share_mean"),
        "q3.at2.order_share.with": fmt(with_.at(0.02)["order_share_mean"], "order_share_mean"),
    }
    for name, curve in (("without", without), ("with", with_)):
        binding = curve.binds()
        values[f"q3.threshold.{name}"] = pct(curve.threshold, 2)
        values[f"q3.p90.{name}"] = pct(curve.p90, 2)
        values[f"q3.binds.{name}"] = (pct(binding.inspection_probability, 2) if binding
                                      else f"more than {pct(curve.points[-1].inspection_probability, 2)}")
        values[f"q3.at2.coverage.{name}"] = fmt(curve.at(0.02)["coverage_rate"], "coverage_rate")
    for scenario, metric in (("national_regulation", "piece_rate_mean"), ("recommendations", "piece_rate_mean"),
                             ("recommendations", "earnings_to_ump"), ("recommendations", "below_poverty_share"),
                             ("statistics", "order_share_mean")):
        values[f"q3.diff.{scenario}.{metric}"] = fmt_ci(q.effect(scenario, metric), metric, signed=True)
    for scenario, metric in (("national_regulation", "coverage_rate"), ("national_regulation", "order_share_mean"),
                             ("recommendations", "coverage_rate"), ("recommendations", "order_share_mean")):
        values[f"q3.{scenario}.{metric}"] = fmt(q.level(scenario, metric), metric)
    return values


def _draw(q: Q3, table: pd.DataFrame, path: Path) -> None:
    """The recommendations, then coverage, the piece rate and orders kept against enforcement."""
    fig, axes = new_figure(13.5, 9.0, 2, 2)
    ax = axes[0]
    y = np.arange(len(SCENARIOS))[::-1]
    for offset, metric, colour in ((0.2, "earnings_to_ump", "tab:blue"), (-0.2, "coverage_rate", "tab:green")):
        part = table[table["metric"] == metric].set_index("scenario").loc[list(SCENARIOS)]
        err = np.vstack([part["mean"] - part["ci_low"], part["ci_high"] - part["mean"]])
        ax.barh(y + offset, part["mean"], height=0.38, color=colour, xerr=np.nan_to_num(err), capsize=3,
                label=plots.metric_axis(metric))
    ax.set_yticks(y, list(SCENARIOS), fontsize=10)
    ax.set_xlabel("final-year mean (share), 95% CI")
    ax.set_title("The recommendations, alone and together", fontsize=10)
    ax.legend(fontsize=9, loc="upper right")
    ax.grid(axis="x", alpha=0.3)
    levels = [point.inspection_probability for point in q.with_statistics.points]
    x = np.arange(len(levels))
    for ax, metric in zip(axes[1:], ("coverage_rate", "piece_rate_mean", "order_share_mean"), strict=True):
        for curve, colour, name in ((q.without_statistics, "tab:red",
                                     f"not counted (detection {q.unregistered_detection:g})"),
                                    (q.with_statistics, "tab:green", "counted in statistics (detection 1)")):
            m = np.array([point.means[metric][0] for point in curve.points])
            h = np.nan_to_num(np.array([point.means[metric][1] for point in curve.points]))
            ax.errorbar(x, m, yerr=h, color=colour, marker="o", capsize=3, label=f"simulated, {name}")
            if metric == "coverage_rate":
                ax.plot(x, [point.deterred for point in curve.points], color=colour, ls="--",
                        label=f"the rule's deterred share of subcontractors, {name.split(' (')[0]}")
        ax.set_xticks(x, [pct(p, 2 if p < 0.01 else 0) for p in levels], fontsize=9)
        ax.set_xlabel("weekly inspection probability per subcontractor")
        ax.set_ylabel(plots.metric_axis(metric))
        ax.set_title(f"{plots.metric_title(metric, 60)}\nrecognized floor, mean and 95% CI", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc={"coverage_rate": "lower right", "piece_rate_mean": "upper left"}.get(metric, "best"))
    fig.suptitle("Q3. The paper's recommendations, and the enforcement a piece-rate floor needs", fontsize=11)
    save_figure(fig, path)
