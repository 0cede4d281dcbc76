"""Q4. Which mix of the network's strategies works best, and is that robust to the unknowns?
(regret over states of the world)"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rumahan.experiments import plots
from rumahan.experiments.report import save_figure
from rumahan.model import params as registry
from tools.tutorial.steps import load
from tools.tutorial.text import code_list, fmt, markdown_table, pct

#: Outcomes whose best policy is shown for the low and the high half of each uncertainty.
CONDITIONAL = ("earnings_to_ump", "below_poverty_share", "power_to")
HALVES = ("low", "high")


@dataclass(frozen=True)
class PolicyOutcome:
    """One policy's outcome over the states of the world (a row of ``robustness.csv``)."""

    mean: float
    regret_max: float
    best_share: float  # share of the states in which it is the best policy
    p05: float
    p50: float
    p95: float


@dataclass(frozen=True)
class Outcome:
    """One outcome over the policies, and the policies that win it by three readings."""

    higher_is_better: bool
    policies: Mapping[str, PolicyOutcome]  # in the runs' order
    robust: str  # lowest maximum regret (then mean regret)
    often: str  # best in the most states
    best_mean: str  # best on average over the states

    def spread(self) -> float:
        """How far apart the policies' means are."""
        means = [p.mean for p in self.policies.values()]
        return max(means) - min(means)

    def lowest_mean(self) -> str:
        return min(self.policies, key=lambda p: self.policies[p].mean)

    def lowest_median(self) -> str:
        return min(self.policies, key=lambda p: (self.policies[p].p50, p))


@dataclass(frozen=True)
class StateRange:
    """The range one uncertainty was sampled over in the states of the world."""

    low: float
    high: float
    median: float


@dataclass(frozen=True)
class Q4:
    """The strategy mixes over the states of the world; ``q4[outcome]`` is one outcome's."""

    def __getitem__(self, outcome: str) -> Outcome:
        return self.outcomes[outcome]

    outcomes: Mapping[str, Outcome]  # in the analysis's order
    policies: tuple[str, ...]
    policy_level: Mapping[str, float]  # mean policy rungs won, by policy
    ranges: Mapping[str, StateRange]  # by uncertainty, in the design's order
    best_by_half: Mapping[tuple[str, str, str], str]  # (uncertainty, outcome in CONDITIONAL, half) -> policy
    states: int
    replicates: int
    runs: int
    figure: Path


def analyse(out: Path, figures: Path) -> Q4:
    """The robustness summary, the best policy by half of each uncertainty's range, and the figure."""
    folder = load(out / "q4_mix")
    summary, regret, runs = folder.tables["robustness"], folder.tables["regret"], folder.runs
    policies = tuple(dict.fromkeys(runs["scenario"]))
    outcomes = {}
    for outcome in dict.fromkeys(summary["outcome"]):
        part = summary[summary["outcome"] == outcome]
        rows = {p: part[part["scenario"] == p].iloc[0] for p in policies}
        higher = part["direction"].iloc[0] == "max"
        outcomes[outcome] = Outcome(
            higher,
            {p: PolicyOutcome(*(float(r[k]) for k in ("mean", "regret_max", "best_share", "p05", "p50", "p95")))
             for p, r in rows.items()},
            robust=part.sort_values(["regret_max", "regret_mean"]).iloc[0]["scenario"],
            often=part.sort_values("best_share", ascending=False).iloc[0]["scenario"],
            best_mean=part.sort_values("mean", ascending=not higher).iloc[0]["scenario"])
    design = folder.tables["design"]
    parameters = [c for c in design.columns if c != "point"]
    means = regret.pivot_table(index="point", columns=["outcome", "scenario"], values="value")
    best_by_half, ranges = {}, {}
    for parameter in parameters:
        median = design[parameter].median()
        ranges[parameter] = StateRange(float(design[parameter].min()), float(design[parameter].max()), float(median))
        halves = (("low", design.loc[design[parameter] <= median, "point"]),
                  ("high", design.loc[design[parameter] > median, "point"]))
        for outcome in CONDITIONAL:
            for half, points in halves:
                m = means.loc[points, outcome].mean()
                best_by_half[parameter, outcome, half] = m.idxmax() if outcomes[outcome].higher_is_better else m.idxmin()
    rungs = runs.groupby("scenario")["policy_level"].mean()
    replicates = int(runs.groupby(["scenario", "point"]).size().min())
    fig = plots.regret_plot(regret)
    fig.suptitle("Q4. Regret of the network's strategy mixes over the states of the world "
                 f"({len(design)} states, {replicates} replicate(s) each)", fontsize=11)
    path = save_figure(fig, figures / "q4_regret.png")
    return Q4(outcomes, policies, {p: float(rungs[p]) for p in policies}, ranges, best_by_half, len(design),
              replicates, len(runs), path)


def placeholders(q: Q4) -> dict[str, str]:
    """The template's ``q4.*`` values."""
    rows = []
    for policy in q.policies:
        cells = [f"`{policy}`"]
        for outcome, o in q.outcomes.items():
            r = o.policies[policy]
            cells.append(f"{fmt(r.mean, outcome)} · {fmt(r.regret_max, outcome)} · {pct(r.best_share)}")
        rows.append(cells)
    verdicts = []
    for outcome, o in q.outcomes.items():
        robust, often, best = o.policies[o.robust], o.policies[o.often], o.policies[o.best_mean]
        verdicts.append([f"`{outcome}`", f"`{o.robust}` ({fmt(robust.regret_max, outcome)})",
                         f"`{o.often}` ({pct(often.best_share)} of states)",
                         f"`{o.best_mean}` ({fmt(best.mean, outcome)})"])
    cond_rows = []
    for parameter, r in q.ranges.items():
        cond_rows.append([f"`{parameter}` ({registry.get(parameter).unit})",
                          f"{r.low:.3g}-{r.high:.3g}, median {r.median:.3g}",
                          *(f"`{q.best_by_half[parameter, o, half]}`" for o in CONDITIONAL for half in HALVES)])
    e2u = q["earnings_to_ump"]
    sq_e2u = e2u.policies["status_quo"]
    values = {
        "q4.table": markdown_table(
            ["policy (network mix)",
             *(f"`{o}` ({'higher' if q[o].higher_is_better else 'lower'} is better)" for o in q.outcomes)], rows),
        "q4.verdict_table": markdown_table(
            ["outcome", "most robust: lowest maximum regret", "best in the most states",
             "best on average over states"], verdicts),
        "q4.conditional_table": markdown_table(
            ["uncertainty (unit)", "range sampled",
             *(f"best for `{o}`, {half} half" for o in CONDITIONAL for half in HALVES)], cond_rows),
        "q4.robust_set": code_list(sorted({o.robust for o in q.outcomes.values()})),
        "q4.robust.earnings_to_ump": f"`{e2u.robust}`",
        "q4.robust_regret.earnings_to_ump": fmt(e2u.policies[e2u.robust].regret_max, "earnings_to_ump"),
        "q4.spread.earnings_to_ump": fmt(e2u.spread(), "earnings_to_ump"),
        "q4.sq_p05.earnings_to_ump": fmt(sq_e2u.p05, "earnings_to_ump"),
        "q4.sq_p95.earnings_to_ump": fmt(sq_e2u.p95, "earnings_to_ump"),
        "q4.mean.mix_bargaining.power_to": fmt(q["power_to"].policies["mix_bargaining"].mean, "power_to"),
        "q4.mean.mix_grassroots.membership_rate": fmt(q["membership_rate"].policies["mix_grassroots"].mean,
                                                      "membership_rate"),
        "q4.p50.mix_advocacy.power_to": fmt(q["power_to"].policies["mix_advocacy"].p50, "power_to"),
        "q4.states": str(q.states),
        "q4.replicates": str(q.replicates),
        "q4.runs": str(q.runs),
    }
    for outcome in ("below_poverty_share", "earnings_to_ump", "membership_rate"):
        values[f"q4.often_share.{outcome}"] = pct(q[outcome].policies[q[outcome].often].best_share)
    for half in HALVES:
        values[f"q4.cond.principal_price.earnings_to_ump.{half}"] = \
            f"`{q.best_by_half['principal_price', 'earnings_to_ump', half]}`"
    for policy in ("mix_advocacy", "status_quo"):
        values[f"q4.policy_level.{policy}"] = f"{q.policy_level[policy]:.2f}"
    for parameter, r in q.ranges.items():
        values[f"q4.range.{parameter}"] = f"{r.low:.3g}-{r.high:.3g}"
    return values
