"""The tutorial's commands (``STEPS``), written once: how each reads at full and at reduced size,
how it is shown on the page, and how it runs (in this process, through ``experiments.cli.main``)."""

from __future__ import annotations

import io
import re
import shlex
from collections.abc import Mapping, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rumahan.experiments import storage
from rumahan.experiments.compare import comparison_table
from rumahan.experiments.provenance import REPO_ROOT
from rumahan.model.errors import RumahanRunError

#: Parameters Q6 calibrates: those the facts bear on most directly (the rate level and its stasis,
#: SF2; the health burden, SF13; membership's level and growth through the span of care, SF9).
Q6_PARAMETERS = ("reservation_hourly_median", "rate_revision_band", "health_strain", "network_base_capacity",
                 "member_upkeep_hours")
#: Outcomes the sensitivity analysis (Q5) reads.
Q5_OUTCOMES = ("earnings_to_ump", "membership_rate")


class TutorialError(RumahanRunError):
    """A tutorial command failed, or the template cannot be filled."""


@dataclass(frozen=True)
class Step:
    """One command of the study.

    Attributes:
        key: its output folder under the study folder, and the name of its placeholders
            (``cmd.<key>``, ``time.<key>``).
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
    Step("q1_ablation", "Q1",
         ("ablate", "--scenario", "status_quo", "--against", "no_network", "--out", "{out}/q1_ablation",
          "--replicates", "10", "--jobs", "2"),
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
    Step("q3_ablation", "Q3",
         ("ablate", "--scenario", "recommendations", "--against", "status_quo", "--out", "{out}/q3_ablation",
          "--replicates", "10", "--jobs", "2"),
         QUICK),
    Step("q3_state", "Q3",
         ("sweep", "experiments/sweeps/tutorial_state_responsiveness.toml", "--out", "{out}/q3_state", "--jobs", "2"),
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
    Step("q6_calibration", "Q6",
         ("calibrate", "--parameters", *Q6_PARAMETERS, "--set", "n_workers=1000", "--weeks", "520",
          "--population", "60", "--generations", "5", "--seed", "6", "--out", "{out}/q6_calibration", "--jobs", "2"),
         # the targets reach week 156 (SF2's stasis), so the reduced size keeps 160 weeks
         (("--set", "n_workers=200"), ("--weeks", "160"), ("--population", "6"), ("--generations", "2"))),
    Step("q6_posterior", "Q6",
         ("compare", "{out}/q6_posterior", "--scenarios", "status_quo", "no_network", "end_reframing",
          "genuine_participation", "recommendations", "--posterior", "{out}/q6_calibration", "--draws", "20", "--replicates", "3", "--jobs", "2"),
         (*QUICK, ("--draws", "3"))),
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
    from rumahan.experiments.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = main(_executable(argv))
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"$ rumahan {shlex.join(argv)}\n{stdout.getvalue()}{stderr.getvalue()}", encoding="utf-8")
    if code != 0:
        message = stderr.getvalue().strip().splitlines()
        raise TutorialError(f"`rumahan {shlex.join(argv)}` failed with exit code {code}: "
                            f"{message[-1] if message else 'no message'} (log: {log})")


def load(folder: Path) -> storage.OutputFolder:
    """A finished step's output folder (``TutorialError`` if it is not complete)."""
    loaded = storage.load_output(folder)
    if not loaded.complete:
        raise TutorialError(f"{folder} is not complete; rerun the study to finish it")
    return loaded


def load_comparison(folder: Path, baseline: str, metrics: Sequence[str]) -> tuple[storage.OutputFolder, pd.DataFrame]:
    """A finished ``rumahan compare`` folder and its comparison table against ``baseline`` (a row per
    scenario and metric: mean and 95% interval, and the paired difference from the baseline)."""
    loaded = load(folder)
    return loaded, comparison_table(loaded.runs, baseline, metrics=list(metrics))
