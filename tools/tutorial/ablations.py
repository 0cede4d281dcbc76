"""Q1 and Q3: which causal channel carries an effect (``rumahan ablate``): the network's
(``status_quo`` against ``no_network``) and the recommendations' (``recommendations`` against
``status_quo``). Each channel is switched off in both scenarios in turn, with the same seeds."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rumahan.experiments import ablation, storage
from tools.tutorial.intervals import Interval
from tools.tutorial.steps import load
from tools.tutorial.text import fmt, fmt_ci, label, markdown_table, pct, star

#: The outcomes shown on the page (the ablation folder holds more).
SHOWN = ("piece_rate_mean", "earnings_to_ump", "coverage_rate", "membership_rate")
#: The tutorial's two ablations: step key -> (scenario, against).
STUDIES = {"q1_ablation": ("status_quo", "no_network"), "q3_ablation": ("recommendations", "status_quo")}


@dataclass(frozen=True)
class Channel:
    """What one channel carries of an outcome's effect: ``carried`` = effect with every channel on
    minus effect with this one off (95% interval over the paired replicates), and its share of the
    effect (``None`` where the effect's interval includes 0)."""

    carried: Interval
    share: float | None


@dataclass(frozen=True)
class Study:
    """One ablation: the effect of ``scenario`` over ``against`` per outcome with every channel on,
    and what each channel carries of it."""

    scenario: str
    against: str
    replicates: int
    effect: Mapping[str, Interval]  # by outcome
    channels: Mapping[str, Mapping[str, Channel]]  # outcome -> channel -> what it carries
    figure: Path

    def largest(self, outcome: str) -> str:
        """The channel carrying the most of ``outcome``'s effect (by absolute mean)."""
        part = self.channels[outcome]
        return max(part, key=lambda c: abs(part[c].carried.mean))


@dataclass(frozen=True)
class Ablations:
    network: Study
    recommendations: Study


def _study(out: Path, key: str, figures: Path) -> Study:
    folder = out / key
    table = load(folder).tables["ablation"]  # load refuses an unfinished folder
    scenario, against = STUDIES[key]
    effect, channels = {}, {}
    for outcome, part in table.groupby("outcome", sort=False):
        first = part.iloc[0]
        effect[outcome] = Interval(first["effect_all"], first["effect_all_ci_low"], first["effect_all_ci_high"])
        channels[outcome] = {
            r.channel: Channel(Interval(r.carried, r.carried_ci_low, r.carried_ci_high),
                               None if pd.isna(r.share) else float(r.share))
            for r in part.itertuples(index=False)
        }
    figure = figures / f"{key}.png"
    figure.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(folder / storage.FIGURES / ablation.FIGURE_FILE, figure)
    return Study(scenario, against, int(table["n"].min()), effect, channels, figure)


def analyse(out: Path, figures: Path) -> Ablations:
    """Both ablations' tables (and their figures, copied next to the page)."""
    return Ablations(_study(out, "q1_ablation", figures), _study(out, "q3_ablation", figures))


def _table(study: Study) -> str:
    shown = [m for m in SHOWN if m in study.effect]
    header = ["channel switched off", *[f"{label(m)}: carried (share)" for m in shown]]
    rows = [["(effect with every channel on)", *[fmt_ci(study.effect[m], m, signed=True) + star(study.effect[m])
                                                 for m in shown]]]
    for channel in study.channels[shown[0]]:
        cells = []
        for m in shown:
            c = study.channels[m][channel]
            share = "" if c.share is None else f" ({pct(c.share)})"
            cells.append(fmt_ci(c.carried, m, signed=True) + star(c.carried) + share)
        rows.append([f"`{channel.removeprefix('channel_')}`", *cells])
    return markdown_table(header, rows)


def _channel(study: Study, name: str, channel: str, rate: str = "piece_rate_mean") -> dict[str, str]:
    c = study.channels[rate][f"channel_{channel}"]
    return {f"ablation.{name}.{channel}": fmt(c.carried.mean, rate, signed=True),
            f"ablation.{name}.{channel}_share": "-" if c.share is None else pct(c.share)}


def _summary(study: Study, name: str, rate: str = "piece_rate_mean") -> dict[str, str]:
    top = study.largest(rate)
    share = study.channels[rate][top].share
    return {f"ablation.{name}.table": _table(study),
            f"ablation.{name}.rate_effect": fmt_ci(study.effect[rate], rate, signed=True),
            f"ablation.{name}.rate_top": f"`{top.removeprefix('channel_')}`",
            f"ablation.{name}.rate_top_share": "-" if share is None else pct(share)}


def placeholders(a: Ablations) -> dict[str, str]:
    """The template's ``ablation.*`` values."""
    return {**_summary(a.network, "network"), "ablation.network.replicates": str(a.network.replicates),
            **_channel(a.network, "network", "entitlement"), **_channel(a.network, "network", "agreements"),
            **_summary(a.recommendations, "recs"), **_channel(a.recommendations, "recs", "floor")}
