"""Q3: the state's answers over the range of ``state_responsiveness`` consistent with SF12.

The concession hazard per unit of pressure is known only from above: nothing was conceded by
2023 [brief SF12]. The sweep (experiments/sweeps/tutorial_state_responsiveness.toml) runs the
status quo and three answers over values around the default; here, for each value, the share of
status-quo runs with a concession in 2023 (consistent with SF12 when none has one), and for each
answer the share of runs that win a rung of the policy ladder (a concession or a court's
recognition) by the end and the final-year mean piece rate against the status quo."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rumahan.experiments.report import save_figure
from rumahan.model.events import Event
from tools.tutorial.figures import new_figure
from tools.tutorial.intervals import Interval, paired_difference
from tools.tutorial.steps import load
from tools.tutorial.text import fmt_ci, markdown_table, pct

KEY = "q3_state"
PARAMETER = "param.state_responsiveness"
ANSWERS = ("genuine_participation", "c177", "statistics")
WINS = (Event.POLICY_CONCEDED.value, Event.POLICY_COURT.value)
COLOURS = {"status_quo": "tab:blue", "genuine_participation": "tab:orange", "c177": "tab:green",
           "statistics": "tab:red"}


@dataclass(frozen=True)
class Value:
    """Results at one value of ``state_responsiveness``."""

    conceded_in_2023: float  # share of status-quo runs with a concession in their first 52 weeks
    wins: Mapping[str, float]  # scenario -> share of runs that won a rung by the end
    rate_effect: Mapping[str, Interval]  # answer -> final-year mean rate minus the status quo's

    @property
    def consistent(self) -> bool:
        """No status-quo run conceded anything in 2023 (SF12)."""
        return self.conceded_in_2023 == 0.0


@dataclass(frozen=True)
class StateUncertainty:
    values: Mapping[float, Value]  # in increasing order
    replicates: int
    default: float
    figure: Path

    def consistent(self) -> list[float]:
        return [v for v, r in self.values.items() if r.consistent]

    def any_win(self, scenario: str, values: list[float] | None = None) -> bool:
        return any(self.values[v].wins[scenario] > 0 for v in (values if values is not None else self.values))


def analyse(out: Path, figures: Path) -> StateUncertainty:
    from rumahan.model import params as registry

    folder = load(out / KEY)
    runs, events = folder.runs, folder.tables["events"]
    won = events[events["kind"].isin(WINS)].groupby("run_id")["week"].min()
    runs = runs.assign(first_win=runs["run_id"].map(won).astype("float64"))  # NaN: never won
    values = {}
    for value, part in runs.groupby(PARAMETER, sort=True):
        by_scenario = {s: g.set_index("seed") for s, g in part.groupby("scenario")}
        sq = by_scenario["status_quo"]
        values[float(value)] = Value(
            conceded_in_2023=float((sq["first_win"] < 52).mean()),
            wins={s: float(g["first_win"].notna().mean()) for s, g in by_scenario.items()},
            rate_effect={s: paired_difference(by_scenario[s]["piece_rate_mean"], sq["piece_rate_mean"])
                         for s in ANSWERS},
        )
    replicates = int(runs.groupby(["scenario", PARAMETER]).size().min())
    result = StateUncertainty(values, replicates, float(registry.get("state_responsiveness").default),
                              figures / "q3_state.png")
    _draw(result)
    return result


def placeholders(s: StateUncertainty) -> dict[str, str]:
    """The template's ``state.*`` values."""
    header = ["`state_responsiveness`", "status quo: runs conceding in 2023 (SF12)",
              *[f"`{a}`: runs winning a rung; rate effect (Rp)" for a in ANSWERS], "status quo: runs winning a rung"]
    rows = []
    for value, r in s.values.items():
        mark = " (default)" if np.isclose(value, s.default) else ""
        rows.append([f"{value:.2g}{mark}", pct(r.conceded_in_2023) + ("" if r.consistent else " (inconsistent)"),
                     *[f"{pct(r.wins[a])}; {fmt_ci(r.rate_effect[a], 'piece_rate_mean', signed=True)}" for a in ANSWERS],
                     pct(r.wins["status_quo"])])
    consistent = s.consistent()
    values = {
        "state.table": markdown_table(header, rows),
        "state.replicates": str(s.replicates),
        "state.consistent_max": f"{max(consistent):.2g}" if consistent else "none",
        "state.consistent_max_times": f"{max(consistent) / s.default:.0f}" if consistent else "none",
    }
    default = s.values[min(s.values, key=lambda v: abs(v - s.default))]
    top = s.values[max(consistent)] if consistent else default
    for scenario in ("status_quo", *ANSWERS):
        values[f"state.default.wins.{scenario}"] = pct(default.wins[scenario])
    values["state.default.rate.c177"] = fmt_ci(default.rate_effect["c177"], "piece_rate_mean", signed=True)
    values["state.top.wins.status_quo"] = pct(top.wins["status_quo"])
    for answer in ANSWERS:
        values[f"state.top.rate.{answer}"] = fmt_ci(top.rate_effect[answer], "piece_rate_mean", signed=True)
    return values


def _draw(s: StateUncertainty) -> None:
    fig, axes = new_figure(12, 4.0, 1, 2)
    x = list(s.values)
    for scenario in ("status_quo", *ANSWERS):
        axes[0].plot(x, [s.values[v].wins[scenario] for v in x], marker="o", label=scenario, color=COLOURS[scenario])
    axes[0].plot(x, [s.values[v].conceded_in_2023 for v in x], "k--", label="status quo: conceded in 2023")
    axes[0].set_ylabel(f"share of {s.replicates} runs")
    axes[0].set_title("Runs that win a rung of the policy ladder by 2032", fontsize=10)
    for answer in ANSWERS:
        effects = [s.values[v].rate_effect[answer] for v in x]
        axes[1].errorbar(x, [e.mean for e in effects], yerr=[[e.mean - e.low for e in effects],
                                                              [e.high - e.mean for e in effects]],
                         marker="o", capsize=3, label=answer, color=COLOURS[answer])
    axes[1].axhline(0, color="grey", lw=0.8)
    axes[1].set_ylabel("rate minus the status quo's (Rp/piece)")
    axes[1].set_title("What each answer adds to the final-year piece rate (95% CI)", fontsize=10)
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("state_responsiveness (log scale)")
        ax.axvline(s.default, color="grey", ls=":", lw=1)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Q3. The state's answers over the range of its responsiveness (dotted: the default)", fontsize=11,
                 y=1.02)
    save_figure(fig, s.figure)

