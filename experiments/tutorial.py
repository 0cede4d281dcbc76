"""The tutorial study (``docs/tutorial.md``): the seed paper's questions as ``rumahan`` commands,
run, tabulated, plotted and written into the tutorial's text.

The commands live here, in ``STEPS``, and only here: this module runs them (in this process,
through ``experiments.cli.main``, exactly as the ``rumahan`` console script would), reads their
output folders, draws the figures, and fills the placeholders (``{{ name }}``) of
``docs/tutorial.template.md`` with the commands it ran and the numbers it got, so the text cannot
drift from the code or the results::

    python -m experiments.tutorial              # full size (`make tutorial`): results/tutorial/,
                                                # then docs/tutorial.md and docs/tutorial/*.png
    python -m experiments.tutorial --quick      # reduced size (what tests/tutorial runs):
                                                # results/tutorial-quick/ and its docs/ subfolder

Rerunning resumes: finished runs are skipped (the folders are ``rumahan`` output folders), so a
second ``make tutorial`` only redraws and rewrites. After a change to ``model/``, an unfinished
folder is refused (it would mix two versions of the model) and a finished one is reused with a
warning, and the page names both model fingerprints: add ``--fresh`` to run the study again.

Statements of the text that depend on the numbers' direction are listed in ``CLAIMS`` and checked
against the results; the rendered tutorial ends with the list and whether each holds.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import re
import shlex
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from scipy import stats

from experiments import plots, sensitivity, storage
from experiments.compare import comparison_table, t_half_width
from experiments.provenance import REPO_ROOT
from experiments.report import save_figure
from model import params as registry
from model.calendar import START_YEAR, WEEKS_PER_YEAR
from model.errors import RumahanRunError
from model.metrics import OUTPUT_BY_NAME

TEMPLATE = REPO_ROOT / "docs" / "tutorial.template.md"
DOCS = REPO_ROOT / "docs"
FULL_OUT = Path("results") / "tutorial"
QUICK_OUT = Path("results") / "tutorial-quick"
FIGURE_DIR = "tutorial"  # figures go to <docs>/tutorial/, next to <docs>/tutorial.md
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")
#: Spread of the subcontractors' risk perception, log-sd (model/agents/subcontractor.py:
#: ``risk_perception = exp(0.5 * N(0, 1))``; docs/ODD.md §5.1 step 5).
RISK_PERCEPTION_LOG_SD = 0.5
#: Outcomes the sensitivity analysis (Q5) reads, and how many parameters go on to Sobol.
Q5_OUTCOMES = ("earnings_to_ump", "membership_rate")
SOBOL_PARAMETERS = 4
#: Parameters the text of Q5 names (their indices get a value even when a step did not vary them).
Q5_NAMED = ("reservation_hourly_median", "volunteer_hours_per_member", "hours_per_recruitment", "leave_rate")


class TutorialError(RumahanRunError):
    """A tutorial command failed, or the template cannot be filled."""


# --- the commands -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One command of the study.

    Attributes:
        key: its output folder under the study folder, and the prefix of its placeholders.
        question: the tutorial question it answers (``"Q1"`` ... ``"Q5"``).
        args: the full-size command after ``rumahan``; ``{out}`` is the study folder; an argument
            ``{name}`` expands to the arguments ``run_study`` finds for it: ``{top_parameters}``
            (``--parameters`` and the uncertainties the Morris screening ranked highest).
        quick: options of the reduced size, ``(flag, value)``: replaces the flag's value (for
            ``--set``, the same parameter's) or is appended.
    """

    key: str
    question: str
    args: tuple[str, ...]
    quick: tuple[tuple[str, str], ...] = ()


#: Reduced size for the test: 200 workers (2 subcontractors), 78 weeks (policies scheduled at
#: week 52 act for half a year), 2 replicates.
QUICK = (("--set", "n_workers=200"), ("--weeks", "78"), ("--replicates", "2"))

STEPS: tuple[Step, ...] = (
    Step("q1_network", "Q1",
         ("compare", "{out}/q1_network", "--scenarios", "status_quo", "no_network", "--replicates", "20",
          "--jobs", "2"),
         QUICK),
    Step("q2_state", "Q2",
         ("sweep", "experiments/sweeps/tutorial_state_strategies.toml", "--out", "{out}/q2_state", "--jobs", "2"),
         QUICK),
    Step("q3_recommendations", "Q3",
         ("compare", "{out}/q3_recommendations", "--scenarios", "status_quo", "c177", "national_regulation",
          "statistics", "recommendations", "--replicates", "10", "--jobs", "2"),
         QUICK),
    Step("q3_enforcement", "Q3",
         ("sweep", "experiments/sweeps/tutorial_enforcement.toml", "--out", "{out}/q3_enforcement", "--jobs", "2"),
         QUICK),
    Step("q4_mix", "Q4",
         ("robustness", "experiments/sweeps/tutorial_strategy_mix.toml", "--out", "{out}/q4_mix", "--jobs", "2"),
         (*QUICK[:2], ("--replicates", "1"))),
    Step("q5_morris", "Q5",
         ("sensitivity", "--method", "morris", "--samples", "10", "--outcomes", *Q5_OUTCOMES,
          "--set", "n_workers=1000", "--out", "{out}/q5_morris", "--jobs", "2"),
         (*QUICK[:2], ("--samples", "2"))),
    Step("q5_sobol", "Q5",
         ("sensitivity", "--method", "sobol", "--samples", "128", "{top_parameters}",
          "--outcomes", *Q5_OUTCOMES, "--set", "n_workers=1000", "--out", "{out}/q5_sobol", "--jobs", "2"),
         (*QUICK[:2], ("--samples", "8"))),
)
STEP_BY_KEY = {s.key: s for s in STEPS}


def with_options(args: Sequence[str], options: Sequence[tuple[str, str]]) -> list[str]:
    """``args`` with each ``(flag, value)`` set: an existing single-valued flag gets the new
    value, ``--set NAME=...`` replaces the same parameter's setting; otherwise both are appended."""
    out = list(args)
    for flag, value in options:
        if flag == "--set":
            name = value.split("=", 1)[0] + "="
            spots = [i for i in range(len(out) - 1) if out[i] == "--set" and out[i + 1].startswith(name)]
        else:
            spots = [i for i in range(len(out) - 1) if out[i] == flag]
        if spots:
            out[spots[0] + 1] = value
        else:
            out += [flag, value]
    return out


def step_argv(step: Step, out: str, quick: bool, context: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """The command line of ``step`` (after ``rumahan``) for the study folder ``out``."""
    args: list[str] = []
    for arg in step.args:
        match = re.fullmatch(r"\{(\w+)\}", arg)
        if match and match.group(1) != "out":
            if context is None or match.group(1) not in context:
                raise TutorialError(f"{step.key}: '{arg}' is not known yet (run the steps in order)")
            args += list(context[match.group(1)])  # may be empty
        else:
            args.append(arg.replace("{out}", out))
    return with_options(args, step.quick) if quick else args


def shell_command(argv: Sequence[str], width: int = 96) -> str:
    """``rumahan ARGS`` as a shell command, continued with ``\\`` over lines of about ``width``
    characters; a line breaks before an option (``--flag`` and its values), or between the values
    of an option too long for one line."""
    groups: list[list[str]] = [["rumahan"]]
    for arg in argv:
        word = shlex.quote(arg)
        if word.startswith("--"):
            groups.append([word])
        else:
            groups[-1].append(word)
    lines, line = [], ""
    for group in groups:
        text = " ".join(group)
        if not line or len(line) + 1 + len(text) <= width:
            line = f"{line} {text}" if line else text
            continue
        lines.append(line)
        line = "    " + group[0]
        for word in group[1:]:
            if len(line) + 1 + len(word) > width and not line.endswith(group[0]):
                lines.append(line)
                line = "    " + word
            else:
                line = f"{line} {word}"
    lines.append(line)
    return " \\\n".join(lines)


def _executable(argv: Sequence[str]) -> list[str]:
    """Relative paths to files of the repository (the sweep specs) made absolute, so the study
    runs from any working directory; the commands shown stay relative to the repository root."""
    out = []
    for arg in argv:
        candidate = REPO_ROOT / arg
        if arg.endswith(".toml") and not Path(arg).is_absolute() and not Path(arg).exists() and candidate.exists():
            arg = str(candidate)
        out.append(arg)
    return out


def run_command(argv: Sequence[str], log: Path) -> None:
    """Run ``rumahan ARGV`` in this process (``experiments.cli.main``); its output goes to ``log``.
    Raises ``TutorialError`` if it fails."""
    from experiments.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = main(_executable(argv))
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"$ rumahan {shlex.join(argv)}\n{stdout.getvalue()}{stderr.getvalue()}", encoding="utf-8")
    if code != 0:
        message = stderr.getvalue().strip().splitlines()
        raise TutorialError(f"`rumahan {shlex.join(argv)}` failed with exit code {code}: "
                            f"{message[-1] if message else 'no message'} (log: {log})")


# --- formatting -------------------------------------------------------------------------------------
def fmt(value: float, metric: str | None = None, signed: bool = False) -> str:
    """A number for the text: Rp amounts without decimals (piece rates with one), shares with
    three decimals, others with three significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    unit = OUTPUT_BY_NAME[metric].unit if metric in OUTPUT_BY_NAME else ""
    sign = "+" if signed else ""
    if metric == "piece_rate_mean" or unit == "Rp/piece":
        text = f"{value:{sign},.1f}"
    elif unit.startswith("Rp"):
        text = f"{value:{sign},.0f}"
    elif unit in ("share", "0-1", "0/1"):
        text = f"{value:{sign}.3f}"
    elif abs(value) >= 1000:
        text = f"{value:{sign},.0f}"
    else:
        text = f"{value:{sign}.3g}"
    return text.replace("-", "−") if text.startswith("-") else text


def fmt_ci(mean: float, low: float, high: float, metric: str | None = None, signed: bool = False) -> str:
    """``mean [low, high]``."""
    return f"{fmt(mean, metric, signed)} [{fmt(low, metric, signed)}, {fmt(high, metric, signed)}]"


def pct(value: float, digits: int = 0) -> str:
    """A share as a percentage: ``0.0823`` -> ``8%``."""
    if value is None or math.isnan(value):
        return "n/a"
    return f"{100 * value:.{digits}f}%"


def ordinal(n: int) -> str:
    """``1`` -> ``1st``, ``2`` -> ``2nd``, ``11`` -> ``11th``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def index(value: float) -> str:
    """A sensitivity index with two decimals (``0.00`` rather than ``-0.00``; minus as ``−``)."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text.replace("-", "−")


def label(metric: str) -> str:
    """``metric (unit)`` for a table row."""
    unit = OUTPUT_BY_NAME[metric].unit if metric in OUTPUT_BY_NAME else ""
    return f"`{metric}` ({unit})" if unit else f"`{metric}`"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str | None = None) -> str:
    """A GitHub-flavoured Markdown table (``align``: one ``l``/``r`` per column, default l then r)."""
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def paired_difference(a: pd.Series, b: pd.Series) -> tuple[float, float, float]:
    """Mean of ``a - b`` over the seeds both have (index = seed) and its 95% t-interval."""
    joined = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner").astype(float)
    d = joined["a"] - joined["b"]
    half = float(t_half_width(d.std(ddof=1), len(d))) if len(d) >= 2 else float("nan")
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)


def excludes_zero(low: float, high: float) -> bool:
    """Whether an interval lies wholly on one side of 0 (``False`` if it is undefined)."""
    return bool((low > 0 and high > 0) or (low < 0 and high < 0))


def star(low: float, high: float) -> str:
    return "*" if excludes_zero(low, high) else ""


# --- results ----------------------------------------------------------------------------------------
@dataclass
class Results:
    """What the analyses produce: the text's values, numbers the claims test, and figures."""

    values: dict[str, str] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    figures: list[Path] = field(default_factory=list)


def _load(folder: Path) -> storage.OutputFolder:
    loaded = storage.load_output(folder)
    if not loaded.complete:
        raise TutorialError(f"{folder} is not complete; rerun the study to finish it")
    return loaded


def _band(ax, frame: pd.DataFrame, metric: str, colour, name: str) -> None:
    agg = frame.groupby("week")[metric].agg(["mean", "std", "count"])
    years = START_YEAR + agg.index.to_numpy() / WEEKS_PER_YEAR
    half = t_half_width(agg["std"], agg["count"])
    ax.plot(years, agg["mean"], color=colour, lw=1.6, label=name)
    ax.fill_between(years, agg["mean"] - half, agg["mean"] + half, color=colour, alpha=0.2, lw=0)


def _year_axis(ax) -> None:
    ax.set_xlabel("year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")


def _new_figure(width: float, height: float, rows: int, cols: int) -> tuple[Figure, np.ndarray]:
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())
    return fig, axes


SCENARIO_COLOURS = {"status_quo": "tab:blue", "no_network": "tab:grey"}


# Q1 -------------------------------------------------------------------------------------------------
Q1_METRICS = (
    "piece_rate_mean", "earnings_mean", "earnings_to_ump", "below_poverty_share", "membership_rate",
    "coverage_rate", "power_within", "power_with", "power_to", "power_over",
)


def analyse_q1(out: Path, figures: Path, res: Results) -> None:
    """What the network changes: status_quo against no_network."""
    folder = _load(out / "q1_network")
    runs = folder.runs
    table = comparison_table(runs, "no_network", metrics=list(Q1_METRICS))
    v, f = res.values, res.facts
    rows = []
    for metric in Q1_METRICS:
        part = table[table["metric"] == metric].set_index("scenario")
        sq, nn = part.loc["status_quo"], part.loc["no_network"]
        rows.append([label(metric), fmt_ci(nn["mean"], nn["ci_low"], nn["ci_high"], metric),
                     fmt_ci(sq["mean"], sq["ci_low"], sq["ci_high"], metric),
                     fmt_ci(sq["diff"], sq["diff_ci_low"], sq["diff_ci_high"], metric, signed=True)
                     + star(sq["diff_ci_low"], sq["diff_ci_high"])])
        short = metric.removesuffix("_mean")
        v[f"q1.{short}.sq"] = fmt(sq["mean"], metric)
        v[f"q1.{short}.nn"] = fmt(nn["mean"], metric)
        v[f"q1.{short}.diff"] = fmt_ci(sq["diff"], sq["diff_ci_low"], sq["diff_ci_high"], metric, signed=True)
        f[f"q1.{short}.diff"] = (float(sq["diff"]), float(sq["diff_ci_low"]), float(sq["diff_ci_high"]))
        f[f"q1.{short}.sq"], f[f"q1.{short}.nn"] = float(sq["mean"]), float(nn["mean"])
    v["q1.table"] = markdown_table(
        ["final-year outcome (unit)", "no network", "with the network (status quo)", "the network's effect"], rows)
    reps = int(runs.groupby("scenario").size().min())
    v["q1.replicates"] = str(reps)
    v["q1.runs"] = str(len(runs))
    v["q1.workers"] = f"{int(runs['param.n_workers'].iloc[0]):,}"
    v["q1.weeks"] = str(int(folder.manifest["plan"]["weeks"]))
    rate_sq, rate_nn = f["q1.piece_rate.sq"], f["q1.piece_rate.nn"]
    v["q1.piece_rate.pct"] = pct(rate_sq / rate_nn - 1, 1)
    ump = float(runs["ump_monthly"].mean())
    v["q1.ump"] = fmt(ump, "ump_monthly")
    v["q1.monthly.sq"] = fmt(f["q1.earnings_to_ump.sq"] * ump, "ump_monthly")
    v["q1.monthly.nn"] = fmt(f["q1.earnings_to_ump.nn"] * ump, "ump_monthly")
    v["q1.e2u_pct.sq"] = pct(f["q1.earnings_to_ump.sq"], 1)
    v["q1.e2u_pct.nn"] = pct(f["q1.earnings_to_ump.nn"], 1)
    sq_members = runs.loc[runs["scenario"] == "status_quo", "membership_rate"]
    f["q1.membership.min"], f["q1.membership.max"] = float(sq_members.min()), float(sq_members.max())
    v["q1.membership.min"], v["q1.membership.max"] = fmt(sq_members.min(), "membership_rate"), \
        fmt(sq_members.max(), "membership_rate")
    f["q1.membership.cv"] = float(sq_members.std() / sq_members.mean()) if sq_members.mean() > 0 else float("nan")

    # figure: piece rate and earnings over time, the four powers in the final year
    fig, axes = _new_figure(13.5, 4.2, 1, 3)
    series = folder.timeseries
    for ax, metric in zip(axes[:2], ("piece_rate_mean", "earnings_to_ump"), strict=True):
        for scenario in ("no_network", "status_quo"):
            _band(ax, series[series["scenario"] == scenario], metric, SCENARIO_COLOURS[scenario], scenario)
        ax.set_title(plots.metric_title(metric, 44), fontsize=10)
        _year_axis(ax)
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
    fig.suptitle(f"Q1. What the network changes: {reps} replicates of each scenario, "
                 f"{v['q1.workers']} workers, {v['q1.weeks']} weeks", fontsize=11)
    res.figures.append(save_figure(fig, figures / "q1_network.png"))


# Q2 -------------------------------------------------------------------------------------------------
Q2_METRICS = (
    "piece_rate_mean", "pieces_produced", "earnings_to_ump", "labour_share", "below_poverty_share",
    "membership_rate", "consciousness_mean", "power_within", "power_with", "power_to", "power_over",
    "policy_level", "invisible_power_loss", "advocacy_absorbed", "pressure", "visible_power_acts",
    "hidden_power_acts",
)
STATUS_QUO_FRAMING, STATUS_QUO_TOKENISM = 0.7, 0.8


def _corner_values(runs: pd.DataFrame, framing: float, tokenism: float, metric: str) -> pd.Series:
    part = runs[np.isclose(runs["param.framing_intensity"], framing) & np.isclose(runs["param.tokenism"], tokenism)]
    return part.set_index("seed")[metric].astype(float)


def analyse_q2(out: Path, figures: Path, res: Results) -> None:
    """What the state's strategies cost: framing x tokenism, with and without the network."""
    folder = _load(out / "q2_state")
    runs = folder.runs
    v, f = res.values, res.facts
    f_levels = sorted(runs["param.framing_intensity"].unique())
    t_levels = sorted(runs["param.tokenism"].unique())
    f0, t0 = f_levels[0], t_levels[0]
    net = runs[runs["scenario"] == "status_quo"]
    solo = runs[runs["scenario"] == "no_network"]
    corners = {
        "status quo (framing 0.7, tokenism 0.8)": (STATUS_QUO_FRAMING, STATUS_QUO_TOKENISM),
        f"no framing (framing {f0:g})": (f0, STATUS_QUO_TOKENISM),
        f"no tokenism (tokenism {t0:g})": (STATUS_QUO_FRAMING, t0),
        "neither": (f0, t0),
    }
    rows = []
    for metric in Q2_METRICS:
        cells = [label(metric)]
        for framing, tokenism in corners.values():
            cells.append(fmt(_corner_values(net, framing, tokenism, metric).mean(), metric))
        sq = _corner_values(net, STATUS_QUO_FRAMING, STATUS_QUO_TOKENISM, metric)
        framing_cost = paired_difference(sq, _corner_values(net, f0, STATUS_QUO_TOKENISM, metric))
        tokenism_cost = paired_difference(sq, _corner_values(net, STATUS_QUO_FRAMING, t0, metric))
        solo_cost = paired_difference(_corner_values(solo, STATUS_QUO_FRAMING, STATUS_QUO_TOKENISM, metric),
                                      _corner_values(solo, f0, STATUS_QUO_TOKENISM, metric))
        for name, cost in (("framing", framing_cost), ("tokenism", tokenism_cost), ("framing_solo", solo_cost)):
            f[f"q2.{name}.{metric}"] = cost
            v[f"q2.{name}.{metric}"] = fmt_ci(*cost, metric, signed=True)
        cells += [fmt_ci(*framing_cost, metric, signed=True) + star(*framing_cost[1:]),
                  fmt_ci(*tokenism_cost, metric, signed=True) + star(*tokenism_cost[1:]),
                  fmt_ci(*solo_cost, metric, signed=True) + star(*solo_cost[1:])]
        rows.append(cells)
        for key, (framing, tokenism) in zip(("sq", "nof", "not", "neither"), corners.values(), strict=True):
            value = _corner_values(net, framing, tokenism, metric).mean()
            v[f"q2.{key}.{metric}"] = fmt(value, metric)
            f[f"q2.{key}.{metric}"] = float(value)
    v["q2.table"] = markdown_table(
        ["final-year outcome (unit)", *corners, "effect of framing 0 → 0.7", "effect of tokenism 0 → 0.8",
         "effect of framing without the network"], rows)
    reps = int(runs.groupby(["scenario", "point"]).size().min())
    v["q2.replicates"], v["q2.runs"] = str(reps), str(len(runs))
    v["q2.points"] = str(runs["point"].nunique())
    v["q2.framing_levels"] = ", ".join(f"{x:g}" for x in f_levels)
    v["q2.tokenism_levels"] = ", ".join(f"{x:g}" for x in t_levels)
    # which strategy costs more, outcome by outcome (the larger harm of the two, in the workers' terms)
    harm = {}
    for metric in ("earnings_to_ump", "piece_rate_mean", "membership_rate", "power_to"):
        sign = 1.0 if OUTPUT_BY_NAME[metric].better == "higher" else -1.0
        harm[metric] = {s: -sign * f[f"q2.{s}.{metric}"][0] for s in ("framing", "tokenism")}
    for metric, h in harm.items():
        v[f"q2.worse.{metric}"] = max(h, key=h.get)
        f[f"q2.worse.{metric}"] = max(h, key=h.get)

    # figure: heatmaps (network scenario) and the Power Cube counters at the four corners
    fig, axes = _new_figure(13.5, 8.0, 2, 2)
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
        ax.set_title(f"{plots.metric_title(metric, 60)}\nwith the network, mean of {reps} replicates", fontsize=10)
    names = list(corners)
    y = np.arange(len(names))[::-1]
    counters = (("invisible_power_loss", "tab:purple", "Invisible power: consciousness removed by framing"),
                ("advocacy_absorbed", "tab:orange", "Tokenism: advocacy absorbed in invited spaces"))
    for ax, (metric, colour, title) in zip(axes[2:], counters, strict=True):
        means, errs = [], []
        for framing, tokenism in corners.values():
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
    res.figures.append(save_figure(fig, figures / "q2_state.png"))


# Q3 -------------------------------------------------------------------------------------------------
Q3_SCENARIOS = ("status_quo", "c177", "statistics", "national_regulation", "recommendations")
Q3_METRICS = (
    "piece_rate_mean", "earnings_to_ump", "below_poverty_share", "coverage_rate", "power_to", "power_over",
    "order_share_mean", "membership_rate",
)


def deterred_share(inspection_probability: float, detection: float, fine_multiple: float,
                   back_pay_weeks: float, log_sd: float = RISK_PERCEPTION_LOG_SD) -> float:
    """Share of subcontractors the rule of docs/ODD.md §7.3 deters: those whose risk perception
    (LogNormal(0, ``log_sd``)) makes ``p * detection * fine_multiple * back_pay_weeks * risk >= 1``."""
    expected = inspection_probability * detection * fine_multiple * back_pay_weeks
    if expected <= 0:
        return 0.0
    return float(stats.norm.cdf(math.log(expected) / log_sd))


def analyse_q3(out: Path, figures: Path, res: Results) -> None:
    """The paper's recommendations alone and together, and the enforcement a floor needs."""
    v, f = res.values, res.facts
    folder = _load(out / "q3_recommendations")
    runs = folder.runs
    table = comparison_table(runs, "status_quo", metrics=list(Q3_METRICS))
    rows = []
    for scenario in Q3_SCENARIOS:
        part = table[table["scenario"] == scenario].set_index("metric")
        cells = [f"`{scenario}`"]
        for metric in Q3_METRICS:
            r = part.loc[metric]
            text = fmt_ci(r["mean"], r["ci_low"], r["ci_high"], metric)
            if scenario != "status_quo" and excludes_zero(r["diff_ci_low"], r["diff_ci_high"]):
                text += "*"
            cells.append(text)
            v[f"q3.{scenario}.{metric}"] = fmt(r["mean"], metric)
            f[f"q3.{scenario}.{metric}"] = float(r["mean"])
            if scenario != "status_quo":
                diff = (float(r["diff"]), float(r["diff_ci_low"]), float(r["diff_ci_high"]))
                f[f"q3.diff.{scenario}.{metric}"] = diff
                v[f"q3.diff.{scenario}.{metric}"] = fmt_ci(*diff, metric, signed=True)
        rows.append(cells)
    v["q3.table"] = markdown_table(["scenario", *(label(m) for m in Q3_METRICS)], rows)
    v["q3.replicates"] = str(int(runs.groupby("scenario").size().min()))
    v["q3.runs"] = str(len(runs))
    # together vs the sum of the parts, paired by seed
    synergy_rows = []
    for metric in ("piece_rate_mean", "earnings_to_ump", "coverage_rate"):
        by = {s: runs[runs["scenario"] == s].set_index("seed")[metric].astype(float) for s in Q3_SCENARIOS}
        parts = by["c177"] + by["statistics"] + by["national_regulation"] - 3 * by["status_quo"]
        joint = by["recommendations"] - by["status_quo"]
        interaction = paired_difference(joint, parts)
        f[f"q3.interaction.{metric}"] = interaction
        v[f"q3.interaction.{metric}"] = fmt_ci(*interaction, metric, signed=True)
        synergy_rows.append([label(metric), fmt(parts.mean(), metric, signed=True),
                             fmt(joint.mean(), metric, signed=True),
                             fmt_ci(*interaction, metric, signed=True) + star(*interaction[1:])])
    v["q3.synergy_table"] = markdown_table(
        ["final-year outcome (unit)", "sum of the three effects alone", "effect of the three together",
         "together minus the sum (interaction)"], synergy_rows)

    # enforcement
    folder_e = _load(out / "q3_enforcement")
    er = folder_e.runs
    fine, back_pay = float(er["param.fine_multiple"].iloc[0]), float(er["param.back_pay_weeks"].iloc[0])
    unregistered = float(er["param.unregistered_detection"].iloc[0])
    v["q3.fine_multiple"], v["q3.back_pay_weeks"] = f"{fine:g}", f"{back_pay:g}"
    v["q3.unregistered_detection"] = f"{unregistered:g}"
    for name, detection in (("without", unregistered), ("with", 1.0)):
        threshold = 1.0 / (detection * fine * back_pay)
        v[f"q3.threshold.{name}"] = pct(threshold, 2)
        f[f"q3.threshold.{name}"] = threshold
        # 90% deterred: risk perception above its 10th percentile, exp(0.5 * z_0.1)
        v[f"q3.p90.{name}"] = pct(threshold * math.exp(-stats.norm.ppf(0.1) * RISK_PERCEPTION_LOG_SD), 2)
    levels = sorted(er["param.inspection_probability"].unique())
    e_rows, curves = [], {}
    for stats_on in (False, True):
        detection = 1.0 if stats_on else unregistered
        means = {}
        for p in levels:
            part = er[np.isclose(er["param.inspection_probability"], p) & (er["param.statistics_inclusion"] == stats_on)]
            means[p] = {m: (part[m].mean(), float(t_half_width(part[m].std(ddof=1), len(part))))
                        for m in ("coverage_rate", "piece_rate_mean", "earnings_to_ump", "fines_paid",
                                  "order_share_mean")}
            means[p]["deterred"] = deterred_share(p, detection, fine, back_pay)
        curves[stats_on] = means
    for p in levels:
        w, s = curves[False][p], curves[True][p]
        pairs = [f"{fmt(w[m][0], m)} / {fmt(s[m][0], m)}"
                 for m in ("coverage_rate", "piece_rate_mean", "order_share_mean", "fines_paid")]
        e_rows.append([pct(p, 2), f"{pct(w['deterred'])} / {pct(s['deterred'])}", *pairs])
    v["q3.enforcement_table"] = markdown_table(
        ["weekly inspection probability", "subcontractors the rule deters", label("coverage_rate"),
         label("piece_rate_mean"), label("order_share_mean"), label("fines_paid")], e_rows)
    for name, stats_on in (("without", False), ("with", True)):
        peak = max(levels, key=lambda p, c=curves[stats_on]: c[p]["fines_paid"][0])
        v[f"q3.fines_peak.{name}"] = fmt(curves[stats_on][peak]["fines_paid"][0], "fines_paid")
        v[f"q3.fines_peak_at.{name}"] = pct(peak, 2)
    v["q3.enforcement_replicates"] = str(int(er.groupby("point").size().min()))
    v["q3.enforcement_runs"] = str(len(er))
    v["q3.floor_rate"] = fmt(float(er["floor_rate"].mean()), "floor_rate")
    for name, stats_on in (("without", False), ("with", True)):
        binding = [p for p in levels if curves[stats_on][p]["coverage_rate"][0] >= 0.8]
        f[f"q3.binds.{name}"] = binding[0] if binding else None
        v[f"q3.binds.{name}"] = pct(binding[0], 2) if binding else f"more than {pct(levels[-1], 2)}"
        top = curves[stats_on][levels[-1]]
        v[f"q3.top_coverage.{name}"] = fmt(top["coverage_rate"][0], "coverage_rate")
        f[f"q3.top_coverage.{name}"] = top["coverage_rate"][0]
        v[f"q3.zero_coverage.{name}"] = fmt(curves[stats_on][levels[0]]["coverage_rate"][0], "coverage_rate")
        v[f"q3.top_rate.{name}"] = fmt(top["piece_rate_mean"][0], "piece_rate_mean")
        v[f"q3.zero_rate.{name}"] = fmt(curves[stats_on][levels[0]]["piece_rate_mean"][0], "piece_rate_mean")
        v[f"q3.top_order_share.{name}"] = fmt(top["order_share_mean"][0], "order_share_mean")
    nat = curves[False]
    two = min(levels, key=lambda p: abs(p - 0.02))
    for name, stats_on in (("without", False), ("with", True)):
        f[f"q3.at2.order_share.{name}"] = curves[stats_on][two]["order_share_mean"][0]
        v[f"q3.at2.order_share.{name}"] = fmt(curves[stats_on][two]["order_share_mean"][0], "order_share_mean")
        v[f"q3.at2.rate.{name}"] = fmt(curves[stats_on][two]["piece_rate_mean"][0], "piece_rate_mean")
        fines = [curves[stats_on][p]["fines_paid"][0] for p in levels]
        f[f"q3.fines_interior_peak.{name}"] = 0 < int(np.argmax(fines)) < len(levels) - 1
    v["q3.at2.coverage.without"] = fmt(nat[two]["coverage_rate"][0], "coverage_rate")
    v["q3.at2.coverage.with"] = fmt(curves[True][two]["coverage_rate"][0], "coverage_rate")
    f["q3.at2.coverage"] = (nat[two]["coverage_rate"][0], curves[True][two]["coverage_rate"][0])

    # figure: the recommendations, then coverage, the piece rate and orders kept against enforcement
    fig, axes = _new_figure(13.5, 9.0, 2, 2)
    ax = axes[0]
    y = np.arange(len(Q3_SCENARIOS))[::-1]
    for offset, metric, colour in ((0.2, "earnings_to_ump", "tab:blue"), (-0.2, "coverage_rate", "tab:green")):
        part = table[table["metric"] == metric].set_index("scenario").loc[list(Q3_SCENARIOS)]
        err = np.vstack([part["mean"] - part["ci_low"], part["ci_high"] - part["mean"]])
        ax.barh(y + offset, part["mean"], height=0.38, color=colour, xerr=np.nan_to_num(err), capsize=3,
                label=plots.metric_axis(metric))
    ax.set_yticks(y, list(Q3_SCENARIOS), fontsize=10)
    ax.set_xlabel("final-year mean (share), 95% CI")
    ax.set_title("The recommendations, alone and together", fontsize=10)
    ax.legend(fontsize=9, loc="upper right")
    ax.grid(axis="x", alpha=0.3)
    x = np.arange(len(levels))
    for ax, metric in zip(axes[1:], ("coverage_rate", "piece_rate_mean", "order_share_mean"), strict=True):
        for stats_on, colour, name in ((False, "tab:red", "not counted (detection "
                                        f"{unregistered:g})"), (True, "tab:green", "counted in statistics (detection 1)")):
            m = np.array([curves[stats_on][p][metric][0] for p in levels])
            h = np.nan_to_num(np.array([curves[stats_on][p][metric][1] for p in levels]))
            ax.errorbar(x, m, yerr=h, color=colour, marker="o", capsize=3, label=f"simulated, {name}")
            if metric == "coverage_rate":
                ax.plot(x, [curves[stats_on][p]["deterred"] for p in levels], color=colour, ls="--",
                        label=f"the rule's deterred share of subcontractors, {name.split(' (')[0]}")
        ax.set_xticks(x, [pct(p, 2 if p < 0.01 else 0) for p in levels], fontsize=9)
        ax.set_xlabel("weekly inspection probability per subcontractor")
        ax.set_ylabel(plots.metric_axis(metric))
        ax.set_title(f"{plots.metric_title(metric, 60)}\nrecognized floor, mean and 95% CI", fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc={"coverage_rate": "lower right", "piece_rate_mean": "upper left"}.get(metric, "best"))
    fig.suptitle("Q3. The paper's recommendations, and the enforcement a piece-rate floor needs", fontsize=11)
    res.figures.append(save_figure(fig, figures / "q3_recommendations.png"))


# Q4 -------------------------------------------------------------------------------------------------
#: Outcomes whose best policy is shown for the low and the high half of each uncertainty.
Q4_CONDITIONAL = ("earnings_to_ump", "below_poverty_share", "power_to")

def analyse_q4(out: Path, figures: Path, res: Results) -> None:
    """Which strategy mix works best, and how robust that is (regret over states of the world)."""
    v, f = res.values, res.facts
    folder = _load(out / "q4_mix")
    summary, regret, runs = folder.tables["robustness"], folder.tables["regret"], folder.runs
    outcomes = list(dict.fromkeys(summary["outcome"]))
    policies = list(dict.fromkeys(runs["scenario"]))
    rows = []
    for policy in policies:
        cells = [f"`{policy}`"]
        for outcome in outcomes:
            r = summary[(summary["outcome"] == outcome) & (summary["scenario"] == policy)].iloc[0]
            cells.append(f"{fmt(r['mean'], outcome)} · {fmt(r['regret_max'], outcome)} · {pct(r['best_share'])}")
        rows.append(cells)
    v["q4.table"] = markdown_table(["policy (network mix)", *(f"`{o}` ({'higher' if summary.loc[summary['outcome'] == o, 'direction'].iloc[0] == 'max' else 'lower'} is better)" for o in outcomes)], rows)
    verdicts = []
    for outcome in outcomes:
        part = summary[summary["outcome"] == outcome]
        robust = part.sort_values(["regret_max", "regret_mean"]).iloc[0]
        often = part.sort_values("best_share", ascending=False).iloc[0]
        best_mean = part.sort_values("mean", ascending=part["direction"].iloc[0] == "min").iloc[0]
        f[f"q4.robust.{outcome}"] = robust["scenario"]
        f[f"q4.often.{outcome}"] = often["scenario"]
        f[f"q4.often_share.{outcome}"] = float(often["best_share"])
        f[f"q4.best_mean.{outcome}"] = best_mean["scenario"]
        v[f"q4.robust.{outcome}"] = f"`{robust['scenario']}`"
        v[f"q4.robust_regret.{outcome}"] = fmt(robust["regret_max"], outcome)
        v[f"q4.often.{outcome}"] = f"`{often['scenario']}`"
        v[f"q4.often_share.{outcome}"] = pct(often["best_share"])
        sq = part[part["scenario"] == "status_quo"].iloc[0]
        v[f"q4.sq_regret.{outcome}"] = fmt(sq["regret_max"], outcome)
        v[f"q4.sq_mean.{outcome}"] = fmt(sq["mean"], outcome)
        v[f"q4.robust_mean.{outcome}"] = fmt(robust["mean"], outcome)
        verdicts.append([f"`{outcome}`", f"`{robust['scenario']}` ({fmt(robust['regret_max'], outcome)})",
                         f"`{often['scenario']}` ({pct(often['best_share'])} of states)",
                         f"`{best_mean['scenario']}` ({fmt(best_mean['mean'], outcome)})"])
    v["q4.verdict_table"] = markdown_table(
        ["outcome", "most robust: lowest maximum regret", "best in the most states", "best on average over states"],
        verdicts)
    robust_set = {f[f"q4.robust.{o}"] for o in outcomes}
    f["q4.one_robust"] = len(robust_set) == 1
    v["q4.robust_set"] = ", ".join(f"`{p}`" for p in sorted(robust_set))
    # does the best mix (for earnings) change with each uncertainty? low vs high half of the states
    design = folder.tables["design"]
    cond_rows = []
    means = regret.pivot_table(index="point", columns=["outcome", "scenario"], values="value")
    for parameter in [c for c in design.columns if c != "point"]:
        median = design[parameter].median()
        halves = (("low", design.loc[design[parameter] <= median, "point"]),
                  ("high", design.loc[design[parameter] > median, "point"]))
        cells = [f"`{parameter}` ({registry.get(parameter).unit})", f"{design[parameter].min():.3g}-"
                 f"{design[parameter].max():.3g}, median {median:.3g}"]
        for outcome in Q4_CONDITIONAL:
            direction = summary.loc[summary["outcome"] == outcome, "direction"].iloc[0]
            for half, points in halves:
                m = means.loc[points, outcome].mean()
                best = m.idxmax() if direction == "max" else m.idxmin()
                f[f"q4.cond.{parameter}.{outcome}.{half}"] = best
                v[f"q4.cond.{parameter}.{outcome}.{half}"] = f"`{best}`"
                cells.append(f"`{best}`")
        cond_rows.append(cells)
    v["q4.conditional_table"] = markdown_table(
        ["uncertainty (unit)", "range sampled",
         *(f"best for `{o}`, {half} half" for o in Q4_CONDITIONAL for half in ("low", "high"))], cond_rows)
    for outcome in outcomes:
        part = summary[summary["outcome"] == outcome]
        spread = part["mean"].max() - part["mean"].min()
        sq = part[part["scenario"] == "status_quo"].iloc[0]
        v[f"q4.spread.{outcome}"] = fmt(spread, outcome)
        v[f"q4.sq_p05.{outcome}"], v[f"q4.sq_p95.{outcome}"] = fmt(sq["p05"], outcome), fmt(sq["p95"], outcome)
        f[f"q4.spread.{outcome}"] = float(spread)
        f[f"q4.sq_range.{outcome}"] = float(sq["p95"] - sq["p05"])
        for policy in policies:
            r = part[part["scenario"] == policy].iloc[0]
            v[f"q4.p50.{policy}.{outcome}"] = fmt(r["p50"], outcome)
            f[f"q4.p50.{policy}.{outcome}"] = float(r["p50"])
            v[f"q4.mean.{policy}.{outcome}"] = fmt(r["mean"], outcome)
            f[f"q4.mean.{policy}.{outcome}"] = float(r["mean"])
            f[f"q4.best_share.{policy}.{outcome}"] = float(r["best_share"])
            v[f"q4.best_share.{policy}.{outcome}"] = pct(r["best_share"])
    rungs = runs.groupby("scenario")["policy_level"].mean()
    for policy in policies:
        v[f"q4.policy_level.{policy}"] = f"{rungs[policy]:.2f}"
        f[f"q4.policy_level.{policy}"] = float(rungs[policy])
    v["q4.states"] = str(len(design))
    v["q4.policies"] = str(len(policies))
    v["q4.replicates"] = str(int(runs.groupby(["scenario", "point"]).size().min()))
    v["q4.runs"] = str(len(runs))
    for parameter in [c for c in design.columns if c != "point"]:
        v[f"q4.range.{parameter}"] = f"{design[parameter].min():.3g}-{design[parameter].max():.3g}"
    fig = plots.regret_plot(regret)
    fig.suptitle("Q4. Regret of the network's strategy mixes over the states of the world "
                 f"({len(design)} states, {v['q4.replicates']} replicate(s) each)", fontsize=11)
    res.figures.append(save_figure(fig, figures / "q4_regret.png"))


# Q5 -------------------------------------------------------------------------------------------------
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


def analyse_q5(out: Path, figures: Path, res: Results) -> None:
    """Which unknowns matter most: Morris screening, then Sobol indices on the top few."""
    v, f = res.values, res.facts
    morris_folder = _load(out / "q5_morris")
    morris = morris_folder.tables["indices"]
    sobol_folder = _load(out / "q5_sobol")
    sobol = sobol_folder.tables["indices"]
    for name, folder in (("morris", morris_folder), ("sobol", sobol_folder)):
        plan = folder.manifest["plan"]
        v[f"q5.{name}_samples"] = str(plan["samples"])
        v[f"q5.{name}_weeks"] = str(plan["weeks"])
        v[f"q5.{name}_workers"] = f"{int(folder.runs['param.n_workers'].iloc[0]):,}"
        v[f"q5.{name}_replicates"] = str(plan["replicates"])
    v["q5.morris_count"] = str(morris["parameter"].nunique())
    v["q5.morris_runs"] = f"{len(morris_folder.runs):,}"
    # the ranges sampled (from the analyses' SALib problems) and where they come from
    ranges = {}
    for folder in (morris_folder, sobol_folder):
        problem = folder.manifest["plan"]["problem"]
        ranges.update(zip(problem["names"], (tuple(b) for b in problem["bounds"]), strict=True))
        f[f"q5.span.{folder.manifest['plan']['method']}"] = problem.get("span", "bounds")
    for name, (low, high) in ranges.items():
        v[f"q5.range.{name}"] = range_text(name, low, high)
    from_source = [n for n in morris["parameter"].unique() if registry.get(n).plausible is not None]
    v["q5.source_ranges"] = ", ".join(f"`{n}` ({v[f'q5.range.{n}']})" for n in from_source)
    v["q5.source_count"] = str(len(from_source))
    v["q5.spread"] = pct(registry.PLAUSIBLE_SPREAD)
    v["q5.sobol_runs"] = f"{len(sobol_folder.runs):,}"
    top = top_parameters(morris)
    f["q5.top"] = top
    v["q5.top"] = ", ".join(f"`{p}`" for p in top)
    v["q5.sobol_count"] = str(len(top))
    shown = [*Q5_OUTCOMES, "piece_rate_mean", "pieces_produced"]  # by thirds of a Sobol parameter's range
    for parameter in Q5_NAMED:  # named in the text; the Sobol step may not have run them
        for outcome in Q5_OUTCOMES:
            for key in ("ST", "S1", "ST_capped"):
                v[f"q5.{key}.{parameter}.{outcome}"] = "n/a (not in the Sobol step)"
        for metric in shown:
            for third in ("low", "middle", "top"):
                v[f"q5.third.{parameter}.{metric}.{third}"] = "n/a (not in the Sobol step)"
    rows = []
    ranked = {o: morris[morris["outcome"] == o].sort_values("mu_star", ascending=False).reset_index(drop=True)
              for o in Q5_OUTCOMES}
    for i in range(8):
        cells = [str(i + 1)]
        for outcome in Q5_OUTCOMES:
            r = ranked[outcome].iloc[i]
            cells.append(f"`{r['parameter']}` {fmt(r['mu_star'], outcome)} (σ {fmt(r['sigma'], outcome)})")
        rows.append(cells)
    for outcome in Q5_OUTCOMES:
        first = ranked[outcome].iloc[0]
        f[f"q5.first.{outcome}"] = first["parameter"]
        v[f"q5.first.{outcome}"] = f"`{first['parameter']}`"
    v["q5.morris_table"] = markdown_table(
        ["rank", *(f"`{o}`: parameter, μ* ({OUTPUT_BY_NAME[o].unit}) and σ" for o in Q5_OUTCOMES)], rows,
        align="r" + "l" * len(Q5_OUTCOMES))
    s_rows = []
    for parameter in top:
        cells = [f"`{parameter}` ({v[f'q5.range.{parameter}']})"]
        for outcome in Q5_OUTCOMES:
            r = sobol[(sobol["outcome"] == outcome) & (sobol["parameter"] == parameter)].iloc[0]
            cells.append(f"{index(r['S1'])} ± {index(r['S1_conf'])}")
            cells.append(f"{index(r['ST'])} ± {index(r['ST_conf'])}")
            f[f"q5.ST.{parameter}.{outcome}"] = float(r["ST"])
            f[f"q5.S1.{parameter}.{outcome}"] = float(r["S1"])
        s_rows.append(cells)
    header = ["parameter (range sampled)"]
    for outcome in Q5_OUTCOMES:
        header += [f"`{outcome}` S1", f"`{outcome}` ST"]
    v["q5.sobol_table"] = markdown_table(header, s_rows)
    for outcome in Q5_OUTCOMES:
        part = sobol[sobol["outcome"] == outcome]
        v[f"q5.S1_sum.{outcome}"] = index(part["S1"].sum())
        f[f"q5.S1_sum.{outcome}"] = float(part["S1"].sum())
    for outcome in Q5_OUTCOMES:
        head = ranked[outcome].head(5)
        v[f"q5.top5.{outcome}"] = ", ".join(f"`{p}`" for p in head["parameter"])
        f[f"q5.top5.{outcome}"] = set(head["parameter"])
        f[f"q5.ranked.{outcome}"] = list(ranked[outcome]["parameter"])
        for i, r in ranked[outcome].iterrows():
            parameter = r["parameter"]
            v[f"q5.rank.{parameter}.{outcome}"] = ordinal(i + 1)
            v[f"q5.mu_star.{parameter}.{outcome}"] = f"{fmt(r['mu_star'], outcome)} ± {fmt(r['mu_star_conf'], outcome)}"
            v[f"q5.mu.{parameter}.{outcome}"] = fmt(r["mu"], outcome)
            f[f"q5.morris.{parameter}.{outcome}"] = {k: float(r[k]) for k in ("mu_star", "mu_star_conf", "sigma", "mu")}
        for i in range(5):
            v[f"q5.ranked.{outcome}.{i + 1}"] = f"`{ranked[outcome]['parameter'].iloc[i]}`"
        for parameter in top:
            r = sobol[(sobol["outcome"] == outcome) & (sobol["parameter"] == parameter)].iloc[0]
            v[f"q5.ST.{parameter}.{outcome}"] = f"{index(r['ST'])} ± {index(r['ST_conf'])}"
            v[f"q5.S1.{parameter}.{outcome}"] = f"{index(r['S1'])} ± {index(r['S1_conf'])}"
            f[f"q5.ST_conf.{parameter}.{outcome}"] = float(r["ST_conf"])
    # how many runs collapse: no work (earnings below 0.1% of the UMP), (almost) no members (under 1%)
    for name, folder in (("morris", morris_folder), ("sobol", sobol_folder)):
        runs = folder.runs
        for key, share in (("no_work", (runs["earnings_to_ump"] < 0.001).mean()),
                           ("no_members", (runs["membership_rate"] < 0.01).mean())):
            v[f"q5.{name}_{key}"] = pct(float(share), 1)
            f[f"q5.{name}_{key}"] = float(share)
        for outcome in Q5_OUTCOMES:
            low, high = runs[outcome].quantile([0.05, 0.95])
            v[f"q5.{name}_p05.{outcome}"], v[f"q5.{name}_p95.{outcome}"] = fmt(low, outcome), fmt(high, outcome)
            f[f"q5.{name}_p05.{outcome}"], f[f"q5.{name}_p95.{outcome}"] = float(low), float(high)
    # the Sobol runs: mean outcomes (and the rate and pieces behind earnings) in the low, middle and
    # top third of each parameter's range
    sobol_runs = sobol_folder.runs
    for parameter in top:
        low, high = ranges[parameter]
        thirds = pd.cut(sobol_runs[f"param.{parameter}"], np.linspace(low, high, 4), include_lowest=True,
                        labels=["low", "middle", "top"])
        means = sobol_runs.groupby(thirds, observed=False)[shown].mean()
        for outcome in shown:
            for third, value in means[outcome].items():
                v[f"q5.third.{parameter}.{outcome}.{third}"] = fmt(value, outcome)
                f[f"q5.third.{parameter}.{outcome}.{third}"] = float(value)
    # the runs with the highest earnings, and the Sobol indices with each outcome capped at its 95th
    # percentile (how much of an index a few extreme runs carry)
    earnings = sobol_runs["earnings_to_ump"]
    highest = sobol_runs[earnings > earnings.quantile(0.95)]
    for name, part in (("all", sobol_runs), ("highest", highest)):
        v[f"q5.sobol_members_median.{name}"] = fmt(float(part["membership_rate"].median()), "membership_rate")
        f[f"q5.sobol_members_median.{name}"] = float(part["membership_rate"].median())
    plan = sobol_folder.manifest["plan"]
    by_point = sensitivity.outcomes_by_point(sobol_runs, Q5_OUTCOMES, plan["points"])
    capped = sensitivity.analyze("sobol", plan["problem"], sobol_folder.tables["sample"].to_numpy(),
                                 by_point.clip(upper=by_point.quantile(0.95), axis=1), plan["root_seed"])
    for _, r in capped.iterrows():
        v[f"q5.ST_capped.{r['parameter']}.{r['outcome']}"] = f"{index(r['ST'])} ± {index(r['ST_conf'])}"
        f[f"q5.ST_capped.{r['parameter']}.{r['outcome']}"] = float(r["ST"])
    fig = plots.sensitivity_bars(pd.concat([morris, sobol], ignore_index=True), top=10)
    for ax in fig.axes:  # the figure's legend names the Morris marks; name the Sobol bars in place
        if ax.get_title().startswith("Sobol"):
            ax.legend(fontsize=8, loc="lower right")
    fig.suptitle("Q5. Which unknowns matter most: Morris screening of every sampled uncertainty over its "
                 "plausible range, then Sobol indices of the top few", fontsize=11)
    res.figures.append(save_figure(fig, figures / "q5_sensitivity.png"))


ANALYSES: tuple[Callable[[Path, Path, Results], None], ...] = (
    analyse_q1, analyse_q2, analyse_q3, analyse_q4, analyse_q5,
)


# --- claims: statements of the text, checked against the numbers -----------------------------------
@dataclass(frozen=True)
class Claim:
    """A statement the tutorial's text makes, and the test of it on the results' ``facts``."""

    text: str
    holds: Callable[[Mapping[str, Any]], bool]


def _higher(fact: tuple[float, float, float]) -> bool:
    return fact[1] > 0


def _lower(fact: tuple[float, float, float]) -> bool:
    return fact[2] < 0


def _includes_zero(fact: tuple[float, float, float]) -> bool:
    return fact[1] <= 0 <= fact[2]


def _none_detectable(f: Mapping[str, Any], scenario: str) -> bool:
    return all(_includes_zero(f[f"q3.diff.{scenario}.{m}"]) for m in Q3_METRICS)


def _lowest(f: Mapping[str, Any], policy: str, outcome: str) -> bool:
    means = {k.split(".")[2]: v for k, v in f.items() if k.startswith("q4.mean.") and k.endswith(f".{outcome}")}
    return min(means, key=means.get) == policy


#: The organizing parameters of the Sobol step (Q5's text reads their indices for earnings together).
Q5_ORGANIZING = ("volunteer_hours_per_member", "hours_per_recruitment", "leave_rate")


def _mu(f: Mapping[str, Any], parameter: str, outcome: str) -> dict[str, float]:
    return f[f"q5.morris.{parameter}.{outcome}"]


def _rises(f: Mapping[str, Any], parameter: str, metric: str, sign: int = 1) -> bool:
    """Whether ``metric``'s mean rises (``sign=-1``: falls) from the low to the middle to the top
    third of ``parameter``'s range in the Sobol runs."""
    low, middle, top = (sign * f[f"q5.third.{parameter}.{metric}.{t}"] for t in ("low", "middle", "top"))
    return low < middle < top


def _overlap(f: Mapping[str, Any], parameters: Sequence[str], outcome: str) -> bool:
    """Whether the 95% intervals of the parameters' Morris mu* share a common stretch."""
    spans = [(_mu(f, p, outcome)["mu_star"] - _mu(f, p, outcome)["mu_star_conf"],
              _mu(f, p, outcome)["mu_star"] + _mu(f, p, outcome)["mu_star_conf"]) for p in parameters]
    return max(lo for lo, _ in spans) <= min(hi for _, hi in spans)


CLAIMS: tuple[Claim, ...] = (
    # Q1
    Claim("Q1: with the network the piece rate and earnings against the UMP are higher, and the share below "
          "the poverty line lower (95% intervals exclude 0).",
          lambda f: _higher(f["q1.piece_rate.diff"]) and _higher(f["q1.earnings_to_ump.diff"])
          and _lower(f["q1.below_poverty_share.diff"])),
    Claim("Q1: power within and power with exist only with the network; power over is lower with it.",
          lambda f: f["q1.power_within.nn"] == 0 and f["q1.power_with.nn"] == 0 and f["q1.power_within.sq"] > 0
          and f["q1.power_with.sq"] > 0 and _lower(f["q1.power_over.diff"])),
    Claim("Q1: power to stays small with the network (below 0.1), and agreements cover under a quarter of the "
          "workers.", lambda f: f["q1.power_to.sq"] < 0.1 and f["q1.coverage_rate.sq"] < 0.25),
    Claim("Q1: membership differs a lot between replicates (the largest is more than 1.5 times the smallest).",
          lambda f: f["q1.membership.max"] > 1.5 * f["q1.membership.min"]),
    # Q2
    Claim("Q2: framing lowers the piece rate, membership and power with (95% intervals exclude 0).",
          lambda f: _lower(f["q2.framing.piece_rate_mean"]) and _lower(f["q2.framing.membership_rate"])
          and _lower(f["q2.framing.power_with"])),
    Claim("Q2: the effects of tokenism on the piece rate and on membership have 95% intervals that include 0.",
          lambda f: _includes_zero(f["q2.tokenism.piece_rate_mean"])
          and _includes_zero(f["q2.tokenism.membership_rate"])),
    Claim("Q2: framing costs more than tokenism in piece rate, membership, power within and power to.",
          lambda f: all(f[f"q2.worse.{m}"] == "framing" for m in ("piece_rate_mean", "membership_rate", "power_to"))
          and f["q2.framing.power_within"][0] < f["q2.tokenism.power_within"][0]),
    Claim("Q2: framing removes consciousness (invisible_power_loss > 0 with it, 0 without) and power within is "
          "higher without it; tokenism absorbs advocacy and lowers the pressure on the state.",
          lambda f: f["q2.sq.invisible_power_loss"] > 0 and f["q2.nof.invisible_power_loss"] == 0
          and f["q2.nof.power_within"] > f["q2.sq.power_within"] and f["q2.sq.advocacy_absorbed"] > 0
          and _lower(f["q2.tokenism.pressure"])),
    Claim("Q2: without tokenism, the network still wins less than one policy rung on average.",
          lambda f: f["q2.not.policy_level"] < 1),
    Claim("Q2: framing does not change earnings against the UMP detectably, raises the pieces made and lowers "
          "the labour share.",
          lambda f: _includes_zero(f["q2.framing.earnings_to_ump"]) and _higher(f["q2.framing.pieces_produced"])
          and _lower(f["q2.framing.labour_share"])),
    Claim("Q2: without the network, framing's effect on the piece rate is under a fifth of its effect with it.",
          lambda f: abs(f["q2.framing_solo.piece_rate_mean"][0]) < 0.2 * abs(f["q2.framing.piece_rate_mean"][0])),
    # Q3
    Claim("Q3: alone, c177 and statistics change none of the tabulated outcomes detectably (every 95% interval "
          "of the difference includes 0).",
          lambda f: _none_detectable(f, "c177") and _none_detectable(f, "statistics")),
    Claim("Q3: national_regulation alone raises the piece rate, covers under half of the workers and loses orders.",
          lambda f: _higher(f["q3.diff.national_regulation.piece_rate_mean"])
          and f["q3.national_regulation.coverage_rate"] < 0.5
          and _lower(f["q3.diff.national_regulation.order_share_mean"])),
    Claim("Q3: together the recommendations raise the piece rate and earnings, lower poverty, and keep at least "
          "99% of orders.",
          lambda f: _higher(f["q3.diff.recommendations.piece_rate_mean"])
          and _higher(f["q3.diff.recommendations.earnings_to_ump"])
          and _lower(f["q3.diff.recommendations.below_poverty_share"])
          and f["q3.recommendations.order_share_mean"] >= 0.99),
    Claim("Q3: the recommendations together do more than the sum of their effects alone (interaction > 0 for the "
          "piece rate and earnings).",
          lambda f: _higher(f["q3.interaction.piece_rate_mean"]) and _higher(f["q3.interaction.earnings_to_ump"])),
    Claim("Q3: with statistics the floor binds (coverage >= 0.8) at a lower inspection probability than without.",
          lambda f: f["q3.binds.with"] is not None
          and (f["q3.binds.without"] is None or f["q3.binds.with"] < f["q3.binds.without"])),
    Claim("Q3: at 2% weekly inspections, coverage is higher with statistics; with statistics but without C177 "
          "less than 95% of orders stay, against at least 99% with all three recommendations.",
          lambda f: f["q3.at2.coverage"][1] > f["q3.at2.coverage"][0] and f["q3.at2.order_share.with"] < 0.95
          and f["q3.recommendations.order_share_mean"] >= 0.99),
    Claim("Q3: without statistics, fines peak at an intermediate inspection probability.",
          lambda f: f["q3.fines_interior_peak.without"]),
    # Q4
    Claim("Q4: mix_grassroots has the lowest maximum regret for membership and for poverty, and is best for "
          "both in the most states.",
          lambda f: all(f[f"q4.{k}.{o}"] == "mix_grassroots" for k in ("often", "robust")
                        for o in ("membership_rate", "below_poverty_share"))),
    Claim("Q4: the mixes' mean earnings against the UMP differ by less than a quarter of the 5-95% range the "
          "states of the world give the status quo.",
          lambda f: f["q4.spread.earnings_to_ump"] < 0.25 * f["q4.sq_range.earnings_to_ump"]),
    Claim("Q4: for earnings, the status quo mix is best in the most states, and another mix has the lowest "
          "maximum regret.",
          lambda f: f["q4.often.earnings_to_ump"] == "status_quo" and f["q4.robust.earnings_to_ump"] != "status_quo"),
    Claim("Q4: the best mix for earnings differs between the low and the high half of principal_price.",
          lambda f: f["q4.cond.principal_price.earnings_to_ump.low"]
          != f["q4.cond.principal_price.earnings_to_ump.high"]),
    Claim("Q4: mix_bargaining is best in no state for any outcome and has the lowest mean power_to.",
          lambda f: all(v == 0 for k, v in f.items() if k.startswith("q4.best_share.mix_bargaining."))
          and _lowest(f, "mix_bargaining", "power_to")),
    Claim("Q4: mix_advocacy has the lowest maximum regret for power_to, wins the most policy rungs on average, "
          "is best for power_to in some states, and has the lowest median power_to and the lowest mean "
          "membership.",
          lambda f: f["q4.robust.power_to"] == "mix_advocacy" and f["q4.best_share.mix_advocacy.power_to"] > 0
          and max((v, k) for k, v in f.items() if k.startswith("q4.policy_level."))[1].endswith(".mix_advocacy")
          and min((v, k) for k, v in f.items() if k.startswith("q4.p50.") and k.endswith(".power_to"))[1]
          == "q4.p50.mix_advocacy.power_to"
          and _lowest(f, "mix_advocacy", "membership_rate")),
    Claim("Q4: mix_grassroots's mean membership is above 0.8.",
          lambda f: f["q4.mean.mix_grassroots.membership_rate"] > 0.8),
    # Q5
    Claim("Q5: both steps sample plausible ranges, and few runs collapse: in the screening under 10% end with no "
          "work and under 15% with (almost) no members, in the Sobol sample under 5% each.",
          lambda f: f["q5.span.morris"] == f["q5.span.sobol"] == "plausible"
          and f["q5.morris_no_work"] < 0.1 and f["q5.morris_no_members"] < 0.15
          and f["q5.sobol_no_work"] < 0.05 and f["q5.sobol_no_members"] < 0.05),
    Claim("Q5: the screening ranks reservation_hourly_median first for earnings, and its effect changes sign "
          "(|mu| is under half of mu*).",
          lambda f: f["q5.first.earnings_to_ump"] == "reservation_hourly_median"
          and abs(_mu(f, "reservation_hourly_median", "earnings_to_ump")["mu"])
          < 0.5 * _mu(f, "reservation_hourly_median", "earnings_to_ump")["mu_star"]),
    Claim("Q5: in the Sobol runs, from the low to the middle to the top third of reservation_hourly_median's "
          "range, the piece rate rises and the pieces made fall, and earnings are highest in the middle third.",
          lambda f: _rises(f, "reservation_hourly_median", "piece_rate_mean")
          and _rises(f, "reservation_hourly_median", "pieces_produced", sign=-1)
          and max(("low", "middle", "top"),
                  key=lambda t: f[f"q5.third.reservation_hourly_median.earnings_to_ump.{t}"]) == "middle"),
    Claim("Q5: the five largest mu* for earnings are, in order, reservation_hourly_median, hours_available_mean, "
          "principal_price, family_helpers_mean and productivity_median, and the 95% intervals of the first "
          "three overlap.",
          lambda f: f["q5.ranked.earnings_to_ump"][:5] == ["reservation_hourly_median", "hours_available_mean",
                                                           "principal_price", "family_helpers_mean",
                                                           "productivity_median"]
          and _overlap(f, f["q5.ranked.earnings_to_ump"][:3], "earnings_to_ump")),
    Claim("Q5: the five largest mu* for membership are volunteer_hours_per_member, hours_per_recruitment, "
          "leave_rate, alliance_pressure and framing_erosion (four about organizing, one the state's framing); "
          "each has a confidence half-width of at least half its mu*, and sigma at least 0.8 times mu*.",
          lambda f: f["q5.top5.membership_rate"] == {"volunteer_hours_per_member", "hours_per_recruitment",
                                                      "leave_rate", "alliance_pressure", "framing_erosion"}
          and all(_mu(f, p, "membership_rate")["mu_star_conf"] >= 0.5 * _mu(f, p, "membership_rate")["mu_star"]
                  and _mu(f, p, "membership_rate")["sigma"] >= 0.8 * _mu(f, p, "membership_rate")["mu_star"]
                  for p in f["q5.top5.membership_rate"])),
    Claim("Q5: in the screening's runs, membership ranges from almost none to almost all (5th percentile below "
          "0.05, 95th above 0.9).",
          lambda f: f["q5.morris_p05.membership_rate"] < 0.05 and f["q5.morris_p95.membership_rate"] > 0.9),
    Claim("Q5: in the Sobol sample, the total indices for membership rank volunteer_hours_per_member, leave_rate, "
          "hours_per_recruitment, then reservation_hourly_median (below 0.1); membership is higher in the top "
          "third of volunteer hours than in the low third; the first-order indices add up to between 0.5 and 1.",
          lambda f: sorted(f["q5.top"], key=lambda p: -f[f"q5.ST.{p}.membership_rate"])
          == ["volunteer_hours_per_member", "leave_rate", "hours_per_recruitment", "reservation_hourly_median"]
          and f["q5.ST.reservation_hourly_median.membership_rate"] < 0.1
          and _rises(f, "volunteer_hours_per_member", "membership_rate")
          and 0.5 < f["q5.S1_sum.membership_rate"] <= 1),
    Claim("Q5: for earnings, reservation_hourly_median has S1 and ST above 0.8; the three organizing parameters "
          "have S1 below 0.1 and a larger ST, with a half-width of at least half of it; leave_rate's half-width "
          "is at least 0.9 times its ST.",
          lambda f: f["q5.S1.reservation_hourly_median.earnings_to_ump"] > 0.8
          and f["q5.ST.reservation_hourly_median.earnings_to_ump"] > 0.8
          and all(f[f"q5.S1.{p}.earnings_to_ump"] < 0.1 < f[f"q5.ST.{p}.earnings_to_ump"]
                  and f[f"q5.ST_conf.{p}.earnings_to_ump"] >= 0.5 * f[f"q5.ST.{p}.earnings_to_ump"]
                  for p in Q5_ORGANIZING)
          and f["q5.ST_conf.leave_rate.earnings_to_ump"] >= 0.9 * f["q5.ST.leave_rate.earnings_to_ump"]),
    Claim("Q5: the 5% of Sobol runs with the highest earnings have a median membership above 0.9, higher than "
          "all the runs'; with earnings capped at their 95th percentile, leave_rate's total index for earnings "
          "falls below half of its value.",
          lambda f: f["q5.sobol_members_median.highest"] > 0.9
          and f["q5.sobol_members_median.highest"] > f["q5.sobol_members_median.all"]
          and f["q5.ST_capped.leave_rate.earnings_to_ump"] < 0.5 * f["q5.ST.leave_rate.earnings_to_ump"]),
    Claim("Q5: the screening's second and third parameters for earnings are not among the Sobol step's four.",
          lambda f: not set(f["q5.ranked.earnings_to_ump"][1:3]) & set(f["q5.top"])),
)


def check_claims(facts: Mapping[str, Any], claims: Sequence[Claim] = CLAIMS) -> list[tuple[Claim, bool]]:
    """Each claim and whether it holds (a claim that cannot be evaluated does not hold)."""
    checked = []
    for claim in claims:
        try:
            ok = bool(claim.holds(facts))
        except (KeyError, TypeError, ValueError, IndexError):
            ok = False
        checked.append((claim, ok))
    return checked


# --- the study ----------------------------------------------------------------------------------------
def study_provenance(out: Path) -> dict[str, str]:
    """Versions, model fingerprint, commit and times from the output folders' manifests."""
    from experiments.runner import MODEL_FINGERPRINT

    runs, batch_s, sessions = 0, 0.0, []
    environment: dict[str, Any] = {}
    fingerprints: set[str] = set()
    dirty = False
    for step in STEPS:
        manifest = storage.read_manifest(out / step.key)
        environment = manifest.get("environment", environment)
        runs += int(manifest.get("runs_done", 0))
        for session in manifest.get("sessions", []):
            if session.get("runs_computed"):  # a rerun that only resumed adds a session of none
                batch_s += float(session.get("elapsed_s") or 0.0)
                sessions.append(session)
        fingerprints.add(str(manifest.get("environment", {}).get("model_fingerprint", "?")))
        dirty = dirty or bool((manifest.get("environment", {}).get("git") or {}).get("dirty"))
    packages = environment.get("packages", {})
    git = environment.get("git") or {}
    commit = (git.get("commit") or "unknown")[:10]
    if dirty:
        commit += " (with uncommitted changes in the working tree)"
    fingerprint = ", ".join(f"`{x}`" for x in sorted(fingerprints))
    if fingerprints != {MODEL_FINGERPRINT}:
        fingerprint += (f" (the model code now has fingerprint `{MODEL_FINGERPRINT}`: if its outputs changed, "
                        "rerun with `python -m experiments.tutorial --fresh`)")
    executor = sessions[-1].get("executor", {}) if sessions else {}
    return {
        "study.runs": f"{runs:,}",
        "study.batch_minutes": f"{batch_s / 60:.1f}",
        "study.python": str(environment.get("python", "?")),
        "study.versions": ", ".join(f"{k} {packages[k]}" for k in ("rumahan", "mesa", "numpy", "pandas", "SALib")
                                    if k in packages),
        "study.fingerprint": fingerprint,
        "study.commit": commit,
        "study.cpus": str(environment.get("cpus", "?")),
        "study.executor": f"{executor.get('kind', '?')}, {executor.get('jobs', '?')} jobs",
    }


def run_study(out: Path, quick: bool = False, log: Callable[[str], None] = print) -> dict[str, str]:
    """Run every command of ``STEPS`` into ``out`` (resuming finished runs); returns the commands
    as shown in the text (``cmd.<key>``) and their wall times."""
    out_text = str(out)
    context: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    timings_path = out / "timings.json"
    timings = json.loads(timings_path.read_text()) if timings_path.exists() else {}
    for step in STEPS:
        argv = step_argv(step, out_text, quick, context)
        values[f"cmd.{step.key}"] = shell_command(argv)
        folder = out / step.key
        done_before = _complete(folder)
        if done_before:
            from experiments.runner import MODEL_FINGERPRINT

            made_by = storage.read_manifest(folder).get("environment", {}).get("model_fingerprint")
            if made_by != MODEL_FINGERPRINT:
                log(f"warning: {folder} was made by model code {made_by}, this is {MODEL_FINGERPRINT}; its "
                    "results are reused (run with --fresh to remake them)")
        log(f"[{step.question}] rumahan {shlex.join(argv)}")
        started = time.perf_counter()
        run_command(argv, out / "logs" / f"{step.key}.log")
        elapsed = time.perf_counter() - started
        if not done_before:
            timings[step.key] = elapsed
        log(f"      {elapsed:.1f} s{' (finished before: reused)' if done_before else ''}")
        if step.key == "q5_morris":
            context["top_parameters"] = ["--parameters", *top_parameters(_load(folder).tables["indices"])]
    out.mkdir(parents=True, exist_ok=True)
    timings_path.write_text(json.dumps(timings, indent=1))
    total = sum(timings.get(s.key, 0.0) for s in STEPS)
    values["study.minutes"] = f"{total / 60:.1f}"
    for step in STEPS:
        values[f"time.{step.key}"] = f"{timings.get(step.key, float('nan')):.0f} s"
    return values


def _complete(folder: Path) -> bool:
    try:
        return storage.read_manifest(folder).get("status") == "complete"
    except (storage.OutputError, OSError):
        return False


def analyse(out: Path, figures: Path) -> Results:
    """Every question's tables, values and figure from the study folder ``out``."""
    res = Results()
    figures.mkdir(parents=True, exist_ok=True)
    for analysis in ANALYSES:
        analysis(out, figures, res)
    return res


def render(template: str, values: Mapping[str, str]) -> str:
    """``template`` with every ``{{ name }}`` replaced; ``TutorialError`` lists any name without a value."""
    missing = sorted({m.group(1) for m in PLACEHOLDER.finditer(template)} - set(values))
    if missing:
        raise TutorialError(f"the template has placeholders without values: {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def claims_section(checked: Sequence[tuple[Claim, bool]]) -> str:
    """The claims as a Markdown list: ✓ holds, ✗ does not."""
    if not checked:
        return "(no statements are checked)"
    return "\n".join(f"- {'✓' if ok else '✗ **does not hold for these numbers:**'} {claim.text}"
                     for claim, ok in checked)


def build_tutorial(out: Path, docs: Path, quick: bool = False, template: Path = TEMPLATE,
                   log: Callable[[str], None] = print) -> tuple[Path, list[tuple[Claim, bool]]]:
    """Run the study into ``out``, draw the figures into ``docs/tutorial/`` and write
    ``docs/tutorial.md`` from ``template``. Returns the tutorial's path and the checked claims."""
    started = time.perf_counter()
    values = run_study(out, quick=quick, log=log)
    res = analyse(out, docs / FIGURE_DIR)
    values.update(res.values)
    values.update(study_provenance(out))
    values["study.size"] = ("reduced (`--quick`): these numbers only show that the commands work, "
                            "they answer nothing") if quick else "full"
    checked = check_claims(res.facts)
    values["claims"] = claims_section(checked)
    values["claims.held"] = f"{sum(ok for _, ok in checked)} of {len(checked)}"
    text = render(template.read_text(encoding="utf-8"), values)
    path = docs / "tutorial.md"
    docs.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    log(f"wrote {path} and {len(res.figures)} figures in {docs / FIGURE_DIR} "
        f"({time.perf_counter() - started:.0f} s in all)")
    failed = [c.text for c, ok in checked if not ok]
    if failed:
        log(f"note: {len(failed)} statement(s) of the text do not hold for these numbers:")
        for text_ in failed:
            log(f"  - {text_}")
    return path, checked


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m experiments.tutorial [--quick] [--out DIR] [--docs DIR] [--fresh]``."""
    parser = argparse.ArgumentParser(prog="python -m experiments.tutorial", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="reduced size (200 workers, 78 weeks, few replicates and samples), as the test runs it")
    parser.add_argument("--out", type=Path, help=f"study folder (default {FULL_OUT}, or {QUICK_OUT} with --quick)")
    parser.add_argument("--docs", type=Path,
                        help="where tutorial.md and tutorial/*.png go (default docs/, or OUT/docs with --quick)")
    parser.add_argument("--fresh", action="store_true", help="delete the study folder first (after a model change)")
    args = parser.parse_args(argv)
    out = args.out or (QUICK_OUT if args.quick else FULL_OUT)
    docs = args.docs or (out / "docs" if args.quick else DOCS)
    if args.fresh and out.exists():
        shutil.rmtree(out)
    try:
        build_tutorial(out, docs, quick=args.quick)
    except (TutorialError, storage.OutputError) as exc:
        print(f"tutorial: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
