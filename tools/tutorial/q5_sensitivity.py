"""Q5. Which unknowns matter most? A Morris screening of every sampled uncertainty, then Sobol
indices on the few it ranks highest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from rumahan.experiments import plots, sensitivity, storage
from rumahan.experiments.report import save_figure
from rumahan.model import params as registry
from rumahan.model.metrics import OUTPUT_BY_NAME
from tools.tutorial.steps import Q5_OUTCOMES as OUTCOMES
from tools.tutorial.steps import load
from tools.tutorial.text import code_list, fmt, index, markdown_table, ordinal, pct

#: How many parameters go on from the screening to Sobol.
SOBOL_PARAMETERS = 4
#: Outcomes shown by thirds of a Sobol parameter's range (with the rate and pieces behind earnings).
BY_THIRDS = (*OUTCOMES, "piece_rate_mean", "pieces_produced")
THIRDS = ("low", "middle", "top")
#: How many Morris ranks the table shows.
MORRIS_ROWS = 8
NOT_IN_SOBOL = "n/a (not in the Sobol step)"


@dataclass(frozen=True)
class MorrisIndex:
    """A parameter's elementary effects on one outcome."""

    parameter: str
    mu_star: float
    mu_star_conf: float  # half-width of mu_star's 95% interval
    sigma: float
    mu: float


@dataclass(frozen=True)
class SobolIndex:
    """A parameter's Sobol indices for one outcome (SALib's names), with their 95% half-widths."""

    S1: float
    S1_conf: float
    ST: float
    ST_conf: float


@dataclass(frozen=True)
class Design:
    """One step's design and how many of its runs collapse."""

    method: str
    span: str  # "plausible" or "bounds"
    samples: int
    weeks: int
    workers: int
    replicates: int
    runs: int
    no_work: float  # share of runs whose earnings end below 0.1% of the UMP
    no_members: float  # share of runs whose membership ends under 1%
    p05: Mapping[str, float]  # by outcome, over the runs
    p95: Mapping[str, float]


@dataclass(frozen=True)
class Q5:
    """The screening and the Sobol indices."""

    morris_design: Design
    sobol_design: Design
    screened: int  # parameters the screening varies
    ranges: Mapping[str, tuple[float, float]]  # sampled range, by parameter
    from_source: tuple[str, ...]  # screened parameters whose plausible range a source gives
    ranked: Mapping[str, tuple[MorrisIndex, ...]]  # by outcome, largest mu_star first
    top: tuple[str, ...]  # the parameters of the Sobol step
    sobol: Mapping[tuple[str, str], SobolIndex]  # (parameter, outcome)
    sobol_capped: Mapping[tuple[str, str], SobolIndex]  # the same with each outcome capped at its 95th percentile
    s1_sum: Mapping[str, float]  # by outcome
    thirds: Mapping[tuple[str, str], tuple[float, float, float]]  # (parameter, metric): low, middle, top third
    members_median_all: float  # median membership of the Sobol runs
    members_median_highest: float  # ... of the 5% with the highest earnings
    figure: Path

    def order(self, outcome: str) -> list[str]:
        """The screened parameters by mu_star for ``outcome``, largest first."""
        return [m.parameter for m in self.ranked[outcome]]

    def morris(self, parameter: str, outcome: str) -> MorrisIndex:
        """``KeyError`` if the screening did not vary ``parameter``."""
        found = [m for m in self.ranked[outcome] if m.parameter == parameter]
        if not found:
            raise KeyError(parameter)
        return found[0]

    def third(self, parameter: str, metric: str, which: str) -> float:
        return self.thirds[parameter, metric][THIRDS.index(which)]


def top_parameters(indices: pd.DataFrame, k: int = SOBOL_PARAMETERS) -> list[str]:
    """The ``k`` parameters with the largest Morris ``mu_star`` relative to the largest for the
    same outcome (so outcomes in different units weigh alike), best first."""
    morris = indices[indices["method"] == "morris"].copy()
    morris["relative"] = morris["mu_star"] / morris.groupby("outcome")["mu_star"].transform("max")
    ranked = morris.groupby("parameter")["relative"].max().sort_values(ascending=False, kind="stable")
    return list(ranked.index[:k])


def range_text(name: str, low: float, high: float) -> str:
    """A sampled range with the parameter's unit: ``1,100 to 3,300 Rp/hour`` (``0 to 0.2`` for
    an index of 0-1)."""
    def number(x: float) -> str:
        return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:g}"

    unit = registry.get(name).unit
    return f"{number(low)} to {number(high)} {'' if unit in ('0-1', '-') else unit}".rstrip()


def _design(folder: storage.OutputFolder) -> Design:
    plan, runs = folder.manifest["plan"], folder.runs
    quantiles = {o: runs[o].quantile([0.05, 0.95]) for o in OUTCOMES}
    return Design(
        plan["method"], plan["problem"].get("span", "bounds"), int(plan["samples"]), int(plan["weeks"]),
        int(runs["param.n_workers"].iloc[0]), int(plan["replicates"]), len(runs),
        float((runs["earnings_to_ump"] < 0.001).mean()), float((runs["membership_rate"] < 0.01).mean()),
        {o: float(q.iloc[0]) for o, q in quantiles.items()}, {o: float(q.iloc[1]) for o, q in quantiles.items()})


def _sobol_indices(frame: pd.DataFrame) -> dict[tuple[str, str], SobolIndex]:
    return {(r["parameter"], r["outcome"]): SobolIndex(float(r["S1"]), float(r["S1_conf"]), float(r["ST"]),
                                                      float(r["ST_conf"])) for _, r in frame.iterrows()}


def analyse(out: Path, figures: Path) -> Q5:
    """Both steps' indices, the collapsed runs, the outcomes by thirds of each Sobol parameter's
    range, the indices with extreme runs capped, and the figure."""
    morris_folder, sobol_folder = load(out / "q5_morris"), load(out / "q5_sobol")
    morris, sobol = morris_folder.tables["indices"], sobol_folder.tables["indices"]
    ranges: dict[str, tuple[float, float]] = {}
    for folder in (morris_folder, sobol_folder):
        problem = folder.manifest["plan"]["problem"]
        ranges.update(zip(problem["names"], (tuple(b) for b in problem["bounds"]), strict=True))
    ranked = {}
    for outcome in OUTCOMES:
        frame = morris[morris["outcome"] == outcome].sort_values("mu_star", ascending=False).reset_index(drop=True)
        ranked[outcome] = tuple(MorrisIndex(r["parameter"], *(float(r[k]) for k in ("mu_star", "mu_star_conf",
                                                                                    "sigma", "mu")))
                                for _, r in frame.iterrows())
    top = tuple(top_parameters(morris))
    sobol_runs = sobol_folder.runs
    thirds = {}
    for parameter in top:
        low, high = ranges[parameter]
        cut = pd.cut(sobol_runs[f"param.{parameter}"], np.linspace(low, high, 4), include_lowest=True,
                     labels=list(THIRDS))
        means = sobol_runs.groupby(cut, observed=False)[list(BY_THIRDS)].mean()
        for metric in BY_THIRDS:
            thirds[parameter, metric] = tuple(float(means[metric][t]) for t in THIRDS)
    earnings = sobol_runs["earnings_to_ump"]
    highest = sobol_runs[earnings > earnings.quantile(0.95)]
    plan = sobol_folder.manifest["plan"]
    by_point = sensitivity.outcomes_by_point(sobol_runs, OUTCOMES, plan["points"])
    capped = sensitivity.analyze("sobol", plan["problem"], sobol_folder.tables["sample"].to_numpy(),
                                 by_point.clip(upper=by_point.quantile(0.95), axis=1), plan["root_seed"])
    path = figures / "q5_sensitivity.png"
    _draw(morris, sobol, path)
    return Q5(
        _design(morris_folder), _design(sobol_folder), int(morris["parameter"].nunique()), ranges,
        tuple(n for n in morris["parameter"].unique() if registry.get(n).plausible is not None),
        ranked, top, _sobol_indices(sobol), _sobol_indices(capped),
        {o: float(sobol.loc[sobol["outcome"] == o, "S1"].sum()) for o in OUTCOMES}, thirds,
        float(sobol_runs["membership_rate"].median()), float(highest["membership_rate"].median()), path)


def placeholders(q: Q5) -> dict[str, str]:
    """The template's ``q5.*`` values; an index or third of a parameter the Sobol step did not
    vary reads ``n/a``."""
    def ranged(name: str) -> str:
        return range_text(name, *q.ranges[name])

    def sobol(parameter: str, outcome: str, kind: str, capped: bool = False) -> str:
        found = (q.sobol_capped if capped else q.sobol).get((parameter, outcome))
        if found is None:
            return NOT_IN_SOBOL
        return f"{index(getattr(found, kind))} ± {index(getattr(found, kind + '_conf'))}"

    def third(parameter: str, metric: str, which: str) -> str:
        if (parameter, metric) not in q.thirds:
            return NOT_IN_SOBOL
        return fmt(q.third(parameter, metric, which), metric)

    def mu_star(parameter: str, outcome: str) -> str:
        m = q.morris(parameter, outcome)
        return f"{fmt(m.mu_star, outcome)} ± {fmt(m.mu_star_conf, outcome)}"

    morris_rows = [[str(i + 1), *(f"`{q.ranked[o][i].parameter}` {fmt(q.ranked[o][i].mu_star, o)} "
                                  f"(σ {fmt(q.ranked[o][i].sigma, o)})" for o in OUTCOMES)]
                   for i in range(MORRIS_ROWS)]
    sobol_header = ["parameter (range sampled)"]
    for outcome in OUTCOMES:
        sobol_header += [f"`{outcome}` S1", f"`{outcome}` ST"]
    sobol_rows = [[f"`{p}` ({ranged(p)})", *(sobol(p, o, kind) for o in OUTCOMES for kind in ("S1", "ST"))]
                  for p in q.top]
    members = "membership_rate"
    values = {
        "q5.morris_count": str(q.screened),
        "q5.morris_runs": f"{q.morris_design.runs:,}",
        "q5.sobol_runs": f"{q.sobol_design.runs:,}",
        "q5.morris_table": markdown_table(
            ["rank", *(f"`{o}`: parameter, μ* ({OUTPUT_BY_NAME[o].unit}) and σ" for o in OUTCOMES)], morris_rows,
            align="r" + "l" * len(OUTCOMES)),
        "q5.sobol_table": markdown_table(sobol_header, sobol_rows),
        "q5.source_ranges": ", ".join(f"`{n}` ({ranged(n)})" for n in q.from_source),
        "q5.source_count": str(len(q.from_source)),
        "q5.spread": pct(registry.PLAUSIBLE_SPREAD),
        "q5.top": code_list(q.top),
        "q5.sobol_count": str(len(q.top)),
        "q5.top5.membership_rate": code_list(q.order(members)[:5]),
        "q5.rank.framing_erosion.membership_rate": ordinal(q.order(members).index("framing_erosion") + 1),
        "q5.morris_p05.membership_rate": fmt(q.morris_design.p05[members], members),
        "q5.morris_p95.membership_rate": fmt(q.morris_design.p95[members], members),
    }
    for name, design in (("morris", q.morris_design), ("sobol", q.sobol_design)):
        values[f"q5.{name}_no_work"] = pct(design.no_work, 1)
        values[f"q5.{name}_no_members"] = pct(design.no_members, 1)
        values[f"q5.{name}_samples"] = str(design.samples)
    for key in ("weeks", "replicates"):
        values[f"q5.morris_{key}"] = str(getattr(q.morris_design, key))
    values["q5.morris_workers"] = f"{q.morris_design.workers:,}"
    for i in range(1, 6):  # the screening's ranking for earnings, by rank (1 = largest mu*)
        ranked = q.ranked["earnings_to_ump"][i - 1]
        values[f"q5.ranked.earnings_to_ump.{i}"] = f"`{ranked.parameter}`"
        values[f"q5.mu_star.earnings_to_ump.{i}"] = mu_star(ranked.parameter, "earnings_to_ump")
    for outcome in OUTCOMES:
        # the Sobol step: its parameter with the largest total index, and the outcome by thirds of its range
        first = max(q.top, key=lambda p: q.sobol[p, outcome].ST)
        values[f"q5.sobol_first.{outcome}"] = f"`{first}`"
        values[f"q5.sobol_first.{outcome}.S1"] = sobol(first, outcome, "S1")
        values[f"q5.sobol_first.{outcome}.ST"] = sobol(first, outcome, "ST")
        values[f"q5.S1_sum.{outcome}"] = index(q.s1_sum[outcome])
        for which in ("low", "top"):
            values[f"q5.third.sobol_first.{outcome}.{which}"] = third(first, outcome, which)
    return values


def _draw(morris: pd.DataFrame, sobol: pd.DataFrame, path: Path) -> None:
    fig = plots.sensitivity_bars(pd.concat([morris, sobol], ignore_index=True), top=10)
    for ax in fig.axes:  # the figure's legend names the Morris marks; name the Sobol bars in place
        if ax.get_title().startswith("Sobol"):
            ax.legend(fontsize=8, loc="lower right")
    fig.suptitle("Q5. Which unknowns matter most: Morris screening of every sampled uncertainty over its "
                 "plausible range, then Sobol indices of the top few", fontsize=11)
    save_figure(fig, path)
