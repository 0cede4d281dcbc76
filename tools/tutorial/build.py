"""Build the tutorial (``docs/tutorial.md``): the seed paper's questions as ``rumahan`` commands,
run, tabulated, plotted and written into the tutorial's text.

The commands live in ``tools/tutorial/steps.py`` (``STEPS``), and only there: this module runs them
(in this process, through ``experiments.cli.main``, exactly as the ``rumahan`` console script
would), has each question's module (``q1_network`` ... ``q5_sensitivity``) read its output
folders into its typed results and draw its figure, and fills the placeholders (``{{ name }}``)
of ``docs/tutorial.template.md`` from those results (each question's ``placeholders``), so the
text cannot drift from the code or the results::

    python -m tools.tutorial              # full size (`make tutorial`): results/tutorial/,
                                          # then docs/tutorial.md and docs/tutorial/*.png
    python -m tools.tutorial --quick      # reduced size (what tests/tutorial runs):
                                          # results/tutorial-quick/ and its docs/ subfolder

Rerunning resumes: finished runs are skipped (the folders are ``rumahan`` output folders), so a
second ``make tutorial`` only redraws and rewrites. After a change to ``model/``, an unfinished
folder is refused (it would mix two versions of the model) and a finished one is reused with a
warning, and the page names both model fingerprints: add ``--fresh`` to run the study again.

Statements of the text that depend on the numbers' direction are listed in ``claims.CLAIMS`` and
checked against the results; the rendered tutorial ends with the list and whether each holds.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from rumahan.experiments import storage
from rumahan.experiments.provenance import REPO_ROOT
from tools.tutorial import (
    ablations,
    q1_network,
    q2_state,
    q3_recommendations,
    q4_mix,
    q5_sensitivity,
    q6_calibration,
    state_uncertainty,
)
from tools.tutorial.claims import Claim, Findings, check_claims, claims_section
from tools.tutorial.steps import STEPS, TutorialError, load, run_command, shell_command, step_argv

TEMPLATE = REPO_ROOT / "docs" / "tutorial.template.md"
DOCS = REPO_ROOT / "docs"
FULL_OUT = Path("results") / "tutorial"
QUICK_OUT = Path("results") / "tutorial-quick"
FIGURE_DIR = "tutorial"  # figures go to <docs>/tutorial/, next to <docs>/tutorial.md
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")
#: The questions, in the page's order: each module's ``analyse(out, figures)`` returns its typed
#: results (and draws its figure), its ``placeholders(results)`` the template values it fills.
QUESTIONS = (q1_network, q2_state, q3_recommendations, q4_mix, q5_sensitivity, ablations, state_uncertainty,
             q6_calibration)


# --- the study ----------------------------------------------------------------------------------------
def study_provenance(out: Path) -> dict[str, str]:
    """Versions, model fingerprint, commit and times from the output folders' manifests."""
    from rumahan.experiments.runner import MODEL_FINGERPRINT

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
                        "rerun with `python -m tools.tutorial --fresh`)")
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


@dataclass(frozen=True)
class StudyRun:
    """The commands as they ran, and how long each took (the first time it ran to the end)."""

    commands: Mapping[str, str]  # by step key, as the page shows them
    seconds: Mapping[str, float]  # by step key, for the steps whose time is known


def run_study(out: Path, quick: bool = False, log: Callable[[str], None] = print) -> StudyRun:
    """Run every command of ``STEPS`` into ``out`` (resuming finished runs)."""
    out_text = str(out)
    context: dict[str, list[str]] = {}
    commands: dict[str, str] = {}
    timings_path = out / "timings.json"
    timings = json.loads(timings_path.read_text()) if timings_path.exists() else {}
    for step in STEPS:
        argv = step_argv(step, out_text, quick, context)
        commands[step.key] = shell_command(argv)
        folder = out / step.key
        done_before = _complete(folder)
        if done_before:
            from rumahan.experiments.runner import MODEL_FINGERPRINT

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
            context["top_parameters"] = ["--parameters",
                                         *q5_sensitivity.top_parameters(load(folder).tables["indices"])]
    out.mkdir(parents=True, exist_ok=True)
    timings_path.write_text(json.dumps(timings, indent=1))
    return StudyRun(commands, {s.key: timings[s.key] for s in STEPS if s.key in timings})


def run_placeholders(run: StudyRun) -> dict[str, str]:
    """The template's ``cmd.*``, ``time.*`` and ``study.minutes``."""
    values = {"study.minutes": f"{sum(run.seconds.values()) / 60:.1f}"}
    for key, command in run.commands.items():
        values[f"cmd.{key}"] = command
        values[f"time.{key}"] = f"{run.seconds.get(key, float('nan')):.0f} s"
    return values


def _complete(folder: Path) -> bool:
    try:
        return storage.read_manifest(folder).get("status") == "complete"
    except (storage.OutputError, OSError):
        return False


def analyse(out: Path, figures: Path) -> Findings:
    """Every question's typed results (and its figure) from the study folder ``out``."""
    figures.mkdir(parents=True, exist_ok=True)
    return Findings(*(question.analyse(out, figures) for question in QUESTIONS))


def astuple_shallow(findings: Findings) -> tuple:
    """The questions' results in ``QUESTIONS`` order (``Findings``' fields are in that order)."""
    return tuple(getattr(findings, f.name) for f in fields(findings))


def placeholders(findings: Findings) -> dict[str, str]:
    """The values of every question's placeholders (``TutorialError`` if two questions fill the same name)."""
    values: dict[str, str] = {}
    for question, results in zip(QUESTIONS, astuple_shallow(findings), strict=True):
        filled = question.placeholders(results)
        if set(filled) & set(values):
            raise TutorialError(f"placeholders filled twice: {', '.join(sorted(set(filled) & set(values)))}")
        values.update(filled)
    return values


def render(template: str, values: Mapping[str, str]) -> str:
    """``template`` with every ``{{ name }}`` replaced. ``TutorialError`` lists any name without a
    value, and any value the template never uses (a result computed for nothing, or a misspelt name)."""
    used = {m.group(1) for m in PLACEHOLDER.finditer(template)}
    missing, unused = sorted(used - set(values)), sorted(set(values) - used)
    if missing:
        raise TutorialError(f"the template has placeholders without values: {', '.join(missing)}")
    if unused:
        raise TutorialError(f"values the template never uses: {', '.join(unused)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def build_tutorial(out: Path, docs: Path, quick: bool = False, template: Path = TEMPLATE,
                   log: Callable[[str], None] = print) -> tuple[Path, list[tuple[Claim, bool]]]:
    """Run the study into ``out``, draw the figures into ``docs/tutorial/`` and write
    ``docs/tutorial.md`` from ``template``. Returns the tutorial's path and the checked claims."""
    started = time.perf_counter()
    run = run_study(out, quick=quick, log=log)
    findings = analyse(out, docs / FIGURE_DIR)
    values = run_placeholders(run)
    values.update(placeholders(findings))
    values.update(study_provenance(out))
    values["study.size"] = ("reduced (`--quick`): these numbers only show that the commands work, "
                            "they answer nothing") if quick else "full"
    checked = check_claims(findings)
    values["claims"] = claims_section(checked)
    values["claims.held"] = f"{sum(ok for _, ok in checked)} of {len(checked)}"
    text = render(template.read_text(encoding="utf-8"), values)
    path = docs / "tutorial.md"
    docs.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    log(f"wrote {path} and its figures in {docs / FIGURE_DIR} "
        f"({time.perf_counter() - started:.0f} s in all)")
    failed = [c.text for c, ok in checked if not ok]
    if failed:
        log(f"note: {len(failed)} statement(s) of the text do not hold for these numbers:")
        for text_ in failed:
            log(f"  - {text_}")
    return path, checked


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m tools.tutorial [--quick] [--out DIR] [--docs DIR] [--fresh]``."""
    parser = argparse.ArgumentParser(prog="python -m tools.tutorial", description=__doc__.split("\n\n")[0])
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
