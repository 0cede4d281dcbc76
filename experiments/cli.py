"""The `rumahan` command line: scenarios, single runs, sweeps, comparisons, sensitivity and
robustness analyses, the demo and the dashboard.

Every command calls the same functions as the dashboard (experiments.compare, .sweep,
.sensitivity, .robustness, .report); this module only parses arguments and prints. An error
says whose fault it is (``model.errors``): bad input ends with one line on stderr and exit code 2;
a failure while running (an unreachable cluster, failed runs, a full disk) with one line and 1;
anything else is a bug in Rumahan: its traceback, a line asking for a report, and 1. Ctrl-C exits
with 130. ``--debug`` raises every error with its traceback.
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import subprocess
import sys
import textwrap
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rumahan.experiments.provenance import REPO_ROOT
from rumahan.model.calendar import DEFAULT_WEEKS
from rumahan.model.errors import RumahanError, RumahanInputError
from rumahan.model.params import (  # the registry alone: `--help` imports neither numpy nor Mesa
    CHANNELS,
    MAX_SEED,
)

if TYPE_CHECKING:
    from rumahan.experiments.executors import Execution, Progress
    from rumahan.experiments.plan import Plan

DEMO_OUT = Path("results") / "demo"
DEMO_REPLICATES = 5
DASHBOARD_APP = REPO_ROOT / "dashboard" / "app.py"
#: What a report's ``*`` means (experiments.compare: ``significant``).
SIGNIFICANCE_NOTE = ("* the difference from {baseline} is significant: q < 0.05, its p-value (paired t-test, or "
                     "Welch's) adjusted for the false-discovery rate (Benjamini-Hochberg) over every group and "
                     "outcome of the table; p_value, q_value, effect sizes d_av and d_z in comparison.csv.")


class CliError(RumahanInputError):
    """Bad command-line input (one-line message; exit code 2)."""


class OneLineParser(argparse.ArgumentParser):
    """argparse with one-line errors that point to ``--help``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


# --- parameters in --help -------------------------------------------------------------------------
def _fmt_value(value: Any) -> str:
    from rumahan.model.params import format_number

    if value is None:
        return "derived"
    if isinstance(value, bool):
        return "true" if value else "false"
    return format_number(value)


def parameter_listing(with_meaning: bool = False, group: str | None = None, role: str | None = None) -> str:
    """The registry as text, by group: name, unit, default, bounds, role (L lever, U uncertainty)
    and, for the uncertainties that designs sample, the plausible range they sample by default."""
    from rumahan.model import params as registry

    listed = {name: [p for p in entries if role is None or p.role == role]
              for name, entries in registry.groups().items() if group is None or name == group}
    unit_width = max([24, *(len(p.unit or "-") for entries in listed.values() for p in entries)])
    name_width = max([29, *(len(p.name) for entries in listed.values() for p in entries)])
    lines = [f"    {'name':{name_width}s} {'unit':{unit_width}s} {'default':>10s}   {'bounds':<22s} role  sampled over"]
    for name, chosen in listed.items():
        if not chosen:
            continue
        lines.append(f"  [{name}]")
        for p in chosen:
            bounds = p.describe_bounds() if p.kind != "bool" else "true or false"
            unit = p.unit or "-"
            sampled = ""
            if p.role == "uncertainty" and p.sampled and p.kind != "bool":
                low, high = p.sample_range
                sampled = f"{_fmt_value(low)} to {_fmt_value(high)}"
            line = (f"    {p.name:{name_width}s} {unit:{unit_width}s} {_fmt_value(p.default):>10s}   "
                    f"{bounds.removesuffix(' ' + p.unit) if p.unit else bounds:<22s} {p.role[0].upper():5s} {sampled}")
            lines.append(line.rstrip())
            if with_meaning:
                lines.extend(textwrap.wrap(p.meaning, 100, initial_indent=" " * 6, subsequent_indent=" " * 6))
                lines.extend(textwrap.wrap(f"source: {p.source}", 100, initial_indent=" " * 6,
                                           subsequent_indent=" " * 8, break_on_hyphens=False))
    return "\n".join(lines)


PARAMS_HEADER = (
    "Parameters (set with --set NAME=VALUE; name, unit, default, bounds, L = lever (policy or\n"
    "strategy), U = uncertainty, and the plausible range that sensitivity and robustness sample by\n"
    "default; meanings and sources: `rumahan params`; full references: `rumahan params --sources`,\n"
    "docs/sources.md):\n"
)


# --- argument helpers ---------------------------------------------------------------------------------
def parse_sets(items: Sequence[str] | None) -> dict[str, Any]:
    """``--set name=value`` items as a checked ``{name: value}`` (registry types and bounds)."""
    from rumahan.model import params as registry

    out: dict[str, Any] = {}
    for item in items or ():
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise CliError(f"--set expects NAME=VALUE, got {item!r}")
        name = name.strip()
        if name in out:
            raise CliError(f"--set gives '{name}' twice")
        out[name] = registry.parse_value(name, text)
    return out


def parse_ranges(items: Sequence[str] | None) -> dict[str, list[float]]:
    """``--range name=low:high`` items as ``{name: [low, high]}`` (checked later against the registry)."""
    from rumahan.model import params as registry

    out: dict[str, list[float]] = {}
    for item in items or ():
        name, sep, text = item.partition("=")
        low, colon, high = text.partition(":")
        if not sep or not colon or not name.strip():
            raise CliError(f"--range expects NAME=LOW:HIGH, got {item!r}")
        name = name.strip()
        if name in out:
            raise CliError(f"--range gives '{name}' twice")
        out[name] = [registry.parse_value(name, low), registry.parse_value(name, high)]
    return out


#: Whole-number options and their (lowest, highest) accepted values.
COUNT_OPTIONS = {
    "jobs": (1, None), "replicates": (1, None), "weeks": (1, None), "seed": (0, MAX_SEED),
    "samples": (1, None), "states": (1, None), "levels": (2, None), "population": (2, None), "generations": (1, None),
    "draws": (1, None),
}


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse, before anything runs, numbers that argparse's types let through: counts below their
    minimum (``--jobs 0``, ``--weeks -1``), seeds beyond 2**64 - 1, a time-out that is not > 0."""
    for name, (low, high) in COUNT_OPTIONS.items():
        value = getattr(args, name, None)
        if value is not None and (value < low or (high is not None and value > high)):
            upper = f" and <= {high:,}" if high is not None else ""
            raise CliError(f"--{name} = {value} is not a whole number >= {low}{upper}")
    timeout = getattr(args, "connect_timeout", None)
    if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
        raise CliError(f"--connect-timeout = {timeout} is not a number of seconds > 0")


def _default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def _invocation(argv: Sequence[str]) -> str:
    return "rumahan " + shlex.join(argv)


def _info(*parts: Any, quiet: bool = False) -> None:
    """An informational line on stderr (the plan, timings), unless ``--quiet``."""
    if not quiet:
        print(*parts, file=sys.stderr)


def _announce(line: str, plan: Plan, out: str | Path, quiet: bool = False) -> None:
    """Print a batch's plan line once its output folder is accepted (so that a refusal is the only
    line on stderr), saying what a resumed folder already holds."""
    from rumahan.experiments.batch import check_folder

    done, total = check_folder(out, plan), len(plan.tasks)
    resumed = "" if not done else " (all done already)" if done == total else f" ({done} already done, resuming)"
    _info(line + resumed, quiet=quiet)
    _posterior_note(plan, quiet)


@contextmanager
def _progress_bar(args: argparse.Namespace, unit: str, what: str) -> Iterator[Progress | None]:
    """A progress bar with the time remaining on stderr, fed by ``progress(done, total)`` and drawn
    from the first report that leaves something to do; ``None`` with ``--quiet`` or when stderr is
    not a terminal."""
    if args.quiet or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            if done >= total:
                return
            bar = tqdm(total=total, initial=done, unit=unit, desc=what, file=sys.stderr, dynamic_ncols=True,
                       smoothing=0.1)
        bar.total = total
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.close()


@contextmanager
def _execution(args: argparse.Namespace, what: str, unit: str = "run") -> Iterator[Execution]:
    """The ``Execution`` of the command's ``--jobs``, ``--scheduler`` and ``--connect-timeout``,
    with a progress bar (see ``_progress_bar``) and the command line for the manifest."""
    from rumahan.experiments.executors import Execution

    with _progress_bar(args, unit, what) as progress:
        yield Execution(jobs=args.jobs, scheduler=args.scheduler, connect_timeout=args.connect_timeout,
                        progress=progress, command=args.invocation)


def _estimate(plan, args: argparse.Namespace, command: str) -> str:
    """"N runs, about T" for ``plan``, measured here (``experiments.estimate``), printed after the
    plan line and before the batch starts; past an hour it asks to go on (or, not in a terminal,
    refuses without ``--yes``)."""
    from rumahan.experiments.estimate import CONFIRM_ABOVE_S, estimate_plan, format_duration

    estimate = estimate_plan(plan, 1 if args.scheduler else args.jobs)
    _info(f"{command}: {estimate.summary()} ({estimate.basis()})", quiet=args.quiet)
    if estimate.seconds > CONFIRM_ABOVE_S and not args.yes:
        if not sys.stdin.isatty():
            raise CliError(f"{estimate.summary()} is more than {format_duration(CONFIRM_ABOVE_S)}; add --yes to start it")
        if input(f"This will take about {format_duration(estimate.seconds)}. Start? [y/N] ").strip().lower() not in ("y", "yes"):
            raise CliError("not started")
    return f"about {format_duration(estimate.seconds)}"


def _add_ranges(p: argparse.ArgumentParser) -> None:
    p.add_argument("--span", choices=("plausible", "bounds"), default=None,
                   help="sample each uncertainty over its plausible range (default; `rumahan params` shows it) "
                        "or over the registry's whole bounds")
    p.add_argument("--range", action="append", metavar="NAME=LOW:HIGH",
                   help="sample NAME over LOW..HIGH instead (within its bounds; repeatable)")


def _add_posterior(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--posterior", metavar="DIR", help=f"{what} on parameter sets drawn from this calibration")
    p.add_argument("--draws", type=int, metavar="K", help="posterior draws (weighted, without replacement; default 10)")


def _add_executor(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", type=int, default=_default_jobs(), metavar="J",
                   help="local worker processes (default: the number of CPUs, %(default)s; 1 runs in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on the Dask cluster whose scheduler is at tcp://HOST:PORT instead of local processes")
    p.add_argument("--connect-timeout", type=float, default=10.0, metavar="S",
                   help="seconds to wait for the Dask scheduler to answer (default %(default)s)")


def _add_summary_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", metavar="NAME[,NAME]",
                   help="summarise per scenario and these varied parameters, averaging over the others "
                        "(default: per design point; `--by scenario` pools the whole design, labelled as pooled)")
    p.add_argument("--metrics", nargs="+", metavar="METRIC",
                   help="outcomes to print and to draw as heatmaps (default: a key set; heatmaps: earnings_to_ump)")


def _add_batch_settings(p: argparse.ArgumentParser, replicates_default: int | None = None) -> None:
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="parameter for every run (repeatable)")
    p.add_argument("--replicates", type=int, default=replicates_default, metavar="R", help="runs per point, seeds from --seed")
    p.add_argument("--weeks", type=int, metavar="W", help="weeks per run")
    p.add_argument("--seed", type=int, metavar="S", help="root seed of the batch")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


# --- commands -----------------------------------------------------------------------------------------
def cmd_scenarios(args: argparse.Namespace) -> int:
    from rumahan.experiments.scenarios import PINNED, available, load_scenario

    shipped = available()
    width = max(len(n) for n in shipped) + 2
    for name in shipped:
        scenario = load_scenario(name)
        mark = "" if name in PINNED else "  (added)"
        if args.long:
            print(f"{name}{mark}")
            print(textwrap.fill(scenario.description, 100, initial_indent="    ", subsequent_indent="    "))
            print(textwrap.fill(f"source: {scenario.source}", 100, initial_indent="    ", subsequent_indent="    "))
            continue
        first = scenario.description.split(". ")[0].rstrip(".")
        print(f"{name:{width}s}{textwrap.shorten(first, 100)}{mark}")
    more = "" if args.long else " `rumahan scenarios --long` shows each one whole, with its source."
    print(f"\nScenario files: experiments/scenarios/*.toml; any path to a .toml file works as --scenario.{more}")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    from rumahan.model import params as registry

    if args.group is not None and args.group not in registry.groups():
        raise CliError(f"unknown group '{args.group}'; groups: {', '.join(registry.groups())}")
    print(PARAMS_HEADER)
    print(parameter_listing(with_meaning=not args.short, group=args.group, role=args.role))
    if args.sources:
        print(source_listing(group=args.group, role=args.role))
    return 0


def source_listing(group: str | None = None, role: str | None = None) -> str:
    """The reference-list entries (docs/sources.md) that the listed parameters cite, each once."""
    from rumahan.experiments.sources import (
        SOURCES_FILE,
        SOURCES_PATH,
        plain_text,
        reference_list,
        references_for,
    )
    from rumahan.model import params as registry

    cited = {ref.key: ref for p in registry.PARAMETERS
             if (group is None or p.group == group) and (role is None or p.role == role)
             for ref in references_for(p.source)}
    if not SOURCES_FILE.is_file():
        return f"\nThe full references are in {SOURCES_PATH} in Rumahan's repository (not found next to this copy)."
    lines = [f"\nReferences cited above ({len(cited)} entries of {SOURCES_PATH}):"]
    order = list(reference_list())
    for ref in sorted(cited.values(), key=lambda r: order.index(r.key)):
        lines += ["", f"  {ref.title}  [{ref.link}]", plain_text(ref.text, 100, indent="    ")]
    lines.append(f"\nThe whole reference list, with every label the model uses: {SOURCES_PATH}")
    return "\n".join(lines)


def cmd_run(args: argparse.Namespace) -> int:
    from rumahan.experiments.report import format_table
    from rumahan.experiments.scenarios import load_scenario
    from rumahan.experiments.single import run_scenario

    scenario = load_scenario(args.scenario).with_changes(parse_sets(args.set))
    with _progress_bar(args, "week", scenario.name) as progress:
        result = run_scenario(scenario, args.out, seed=args.seed, weeks=args.weeks, progress=progress,
                              invocation=args.invocation)
    import pandas as pd

    from rumahan.experiments.compare import comparison_table

    runs = pd.DataFrame([{"scenario": scenario.name, "seed": result.seed, **result.summary}])
    print(f"{scenario.name}: {result.params['n_workers']:,} workers, {result.weeks} weeks, seed {result.seed}, "
          f"{result.wall_time_s:.1f} s; final-year means:")
    print(format_table(comparison_table(runs, None)))
    for name, entry in result.windows.items():
        start, end = entry["weeks"]
        if "absent" in entry:
            print(f"\nwindow {name} (weeks {start}-{end - 1}): absent; {entry['absent']}")
        else:
            window = pd.DataFrame([{"scenario": scenario.name, "seed": result.seed, **entry}])
            print(f"\nMeans over window {name} (weeks {start}-{end - 1}):")
            print(format_table(comparison_table(window.drop(columns="weeks"), None)))
    print(f"\nWrote {args.out}/timeseries.parquet, summary.json, manifest.json, runs.parquet, events.parquet, scenario.toml, "
          "figures/timeseries.png")
    return 0


def _spec_with_overrides(spec, args: argparse.Namespace):
    from dataclasses import replace

    from rumahan.model import params as registry

    changes: dict[str, Any] = {}
    sets = parse_sets(args.set)
    if sets:
        merged = {**spec.parameters, **sets}
        checked = registry.validate(merged, check_memory=False)
        changes["parameters"] = {k: checked[k] for k in merged}
    for key in ("replicates", "weeks", "seed"):
        value = getattr(args, key, None)
        if value is not None:
            changes[key] = value
    spec = replace(spec, **changes) if changes else spec
    folder, draws = _posterior_flags(args, spec.posterior)
    if folder is not None:  # a bad folder, too many draws, a parameter both drawn and set: one line, before any run
        spec = spec.over_posterior(folder, draws if draws is not None else spec.draws)
    return spec


# --- --posterior DIR [--draws K]: sweep, compare, sensitivity and robustness ---------------------------
def _posterior_flags(args: argparse.Namespace, folder: str | None = None) -> tuple[str | None, int | None]:
    """``--posterior`` (else ``folder``, e.g. a spec's) and ``--draws``; ``--draws`` without a
    posterior is refused in one line."""
    draws = getattr(args, "draws", None)
    folder = getattr(args, "posterior", None) or folder
    if draws is not None and folder is None:
        raise CliError(f"--draws {draws} goes with --posterior DIR (a `rumahan calibrate` folder)")
    return folder, draws


def _posterior_draws(args: argparse.Namespace, seed: int, overrides: Mapping[str, Any]):
    """The ``PosteriorDraws`` of ``--posterior DIR [--draws K]`` (from the batch's root ``seed``),
    or ``None`` without ``--posterior``; refused in one line before any run (a folder that is not a
    finished calibration, more draws than particles, a ``--set`` of a calibrated parameter)."""
    folder, draws = _posterior_flags(args)
    if folder is None:
        return None
    from rumahan.experiments.calibration.posterior import draw_posterior

    drawn = draw_posterior(folder, draws, seed)
    drawn.refuse_overlap(overrides, "set to one value (--set)")
    return drawn


def _posterior_note(plan: Plan, quiet: bool = False) -> None:
    """After a batch's plan line (its folder accepted): which values the calibration it runs over
    fixed that the batch does not."""
    from rumahan.experiments.calibration.posterior import fixed_values_note

    drawn = plan.settings.get("posterior")
    note = None if not drawn else fixed_values_note(drawn, plan.overrides)
    if note:
        _info(note, quiet=quiet)


def _posterior_report(runs, baseline: str, out: Path, draws: int, outcomes: Sequence[str],
                      apart: Sequence[str] = ()) -> None:
    """Each policy effect against ``baseline`` with calibration uncertainty
    (``posterior.posterior_effects``), written to ``posterior_effects.csv``/``.parquet`` and printed."""
    from rumahan.experiments import storage
    from rumahan.experiments.calibration.posterior import format_effects, posterior_effects

    effects = posterior_effects(runs, baseline, list(outcomes), draws, apart)
    if effects.empty:
        return
    storage.write_table(out / storage.TABLE_FILES["posterior_effects"], effects, "posterior_effects")
    storage.write_csv(out / "posterior_effects.csv", effects)
    kept = f", at each value of {', '.join(apart)}" if apart else ""
    print(f"\nEffects against {baseline} over {draws} posterior draws{kept}: the mean across draws of each draw's "
          "mean paired difference, its 5-95% range across draws, and the share of draws in which the effect has the "
          "same sign:")
    print(format_effects(effects))
    print(f"Table: {out}/posterior_effects.csv")


def _finish_line(what: str, result, started: float) -> str:
    total = len(result.plan.tasks)
    resumed = total - result.computed
    extra = f" ({resumed} already done, resumed)" if resumed else ""
    return f"{what}: {total} runs{extra}, {time.perf_counter() - started:.1f} s; wrote {result.folder}"


def _outcomes(args: argparse.Namespace) -> list[str] | None:
    """``--metrics`` as a list (names may also be comma-separated), refused before any run when a
    name is not an outcome."""
    from rumahan.experiments.records import OUTCOME_NAMES, unknown_outcomes

    if not args.metrics:
        return None
    names = [n.strip() for item in args.metrics for n in item.split(",") if n.strip()]
    unknown = [m for m in names if m not in OUTCOME_NAMES]
    if unknown or not names:
        raise CliError("--metrics: " + unknown_outcomes(unknown))
    return list(dict.fromkeys(names))


def _grouping(args: argparse.Namespace, varied: Sequence[str]) -> list[str] | None:
    """``--by`` checked against what the batch varies (one-line refusal naming the accepted names)."""
    from rumahan.experiments.summaries import parse_by

    try:
        return parse_by(args.by, varied)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _report(folder: Path, runs, timeseries, events, design, grid: Sequence[str], baseline: str,
            by: list[str] | None, metrics: list[str] | None, windows=None) -> str:
    """Write a batch's tables and figures (and its windows', ``windows``) and return its summary as
    text: the line saying what a row is, then the table (per design point unless ``by`` says otherwise)."""
    from rumahan.experiments.report import PRINTED_OUTCOMES, format_table, summary_note, write_comparison

    summary, _ = write_comparison(folder, runs, timeseries, events, baseline, design, grid=grid, by=by,
                                  metrics=metrics, windows=windows)
    return summary_note(runs, design, by, folder) + "\n" + format_table(summary, metrics or PRINTED_OUTCOMES)


def cmd_sweep(args: argparse.Namespace) -> int:
    from rumahan.experiments.report import KEY_OUTCOMES, choose_baseline
    from rumahan.experiments.spec import load_spec
    from rumahan.experiments.sweep import run_sweep

    spec = _spec_with_overrides(load_spec(args.spec), args)
    baseline = choose_baseline([s.name for s in spec.scenarios], args.baseline)
    design = spec.design()
    metrics = _outcomes(args)
    by = _grouping(args, [] if design is None else [c for c in design.columns if c != "point"])
    plan = spec.plan(kind="sweep")
    _announce(f"sweep {spec.name}: {len(plan.tasks)} runs ({len(plan.scenarios)} scenario(s) x {plan.points} "
              f"point(s) x {plan.replicates} replicate(s)), {plan.weeks} weeks each", plan, args.out, args.quiet)
    _estimate(plan, args, "sweep")
    started = time.perf_counter()
    with _execution(args, "sweep") as execution:
        result = run_sweep(spec, args.out, execution, baseline=args.baseline, report=False)
    print(_finish_line("sweep", result, started))
    if not args.no_report:
        print(_report(result.folder, result.runs, result.timeseries, result.events, result.plan.design,
                      list(spec.grid), baseline, by, metrics, result.windows))
        print(_window_report(result.windows, baseline, metrics, list(plan.windows), plan.windows, plan.weeks), end="")
        print(f"\n{SIGNIFICANCE_NOTE.format(baseline=baseline + ' (at the same design point)')} "
              f"Tables: {result.folder}/comparison.csv; figures: {result.folder}/figures/")
        drawn = plan.settings.get("posterior")
        if drawn:
            _posterior_report(result.runs, baseline, Path(result.folder), drawn["draws"], metrics or KEY_OUTCOMES,
                              apart=list(spec.grid))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from rumahan.experiments import storage
    from rumahan.experiments.compare import comparison_plan, run_comparison
    from rumahan.experiments.report import KEY_OUTCOMES, choose_baseline

    out = Path(args.dir)
    metrics = _outcomes(args)  # before any run
    if (args.posterior or args.draws) and not args.scenarios:
        raise CliError("--posterior and --draws run scenarios over a calibration's posterior: give --scenarios too")
    if args.scenarios:
        started = time.perf_counter()
        root_seed = 1 if args.seed is None else args.seed
        overrides = parse_sets(args.set)
        drawn = _posterior_draws(args, root_seed, overrides)
        _grouping(args, drawn.parameters if drawn else [])
        plan = comparison_plan(
            args.scenarios, replicates=args.replicates or 5, weeks=args.weeks or DEFAULT_WEEKS, root_seed=root_seed,
            baseline=choose_baseline(_names(args.scenarios), args.baseline), overrides=overrides,
            design=None if drawn is None else drawn.design,
            settings=None if drawn is None else {"posterior": drawn.record()},
        )
        _periods(args.window, plan.windows)  # an unknown --window is refused before the runs
        if drawn is not None:
            from rumahan.experiments.batch import check_folder

            check_folder(out, plan)
            _posterior_note(plan, args.quiet)
        with _execution(args, "comparison") as execution:
            comparison = run_comparison(plan, out, execution)
        _info(f"compared {len(args.scenarios)} scenario(s), {len(comparison.runs)} runs, "
              f"{time.perf_counter() - started:.1f} s", quiet=args.quiet)
    folder = storage.load_output(out)
    if folder.kind == "run":
        raise storage.OutputError(f"{out} holds a single run; compare needs a sweep or comparison folder")
    if folder.kind == "calibration":
        raise storage.OutputError(f"{out} holds a calibration; compare needs a sweep or comparison folder (run "
                                  f"scenarios over it with `rumahan compare DIR --scenarios ... --posterior {out}`)")
    if folder.runs is None or not len(folder.runs):
        raise storage.OutputError(f"{out} has no finished runs yet; rerun the command that started it to go on")
    design = folder.tables.get("design")
    plan = folder.manifest.get("plan", {})
    from rumahan.experiments.summaries import varied_parameters

    by = _grouping(args, varied_parameters(folder.runs, design, plan.get("varied")))
    if not folder.complete:
        print(f"note: {out} is not complete ({len(folder.runs)} runs so far); comparing those", file=sys.stderr)
    scenarios = [str(s) for s in dict.fromkeys(folder.runs["scenario"])]
    baseline = choose_baseline(scenarios, args.baseline)
    grid = list((plan.get("grid") or {}).keys())
    declared = plan.get("windows") or {}
    periods = _periods(args.window, declared)
    windows = folder.tables.get("windows")
    text = _report(out, folder.runs, folder.timeseries, folder.tables.get("events"), design, grid, baseline, by,
                   metrics, windows)
    if FINAL_YEAR in periods:
        print(text)
    print(_window_report(windows, baseline, metrics, [p for p in periods if p != FINAL_YEAR], declared,
                         plan.get("weeks")), end="")
    print(f"\n{SIGNIFICANCE_NOTE.format(baseline=baseline)} "
          f"Full table: {out}/comparison.csv{', comparison_windows.csv' if declared else ''}; figures: {out}/figures/")
    drawn = plan.get("posterior")
    if drawn:  # run over a calibration's posterior (here or by `rumahan sweep`)
        _posterior_report(folder.runs, baseline, out, drawn["draws"], metrics or KEY_OUTCOMES, apart=grid)
    return 0


FINAL_YEAR = "final"


def _periods(wanted: Sequence[str] | None, declared: Mapping[str, Any]) -> list[str]:
    """The periods ``--window`` chooses to print (``final``, the final year, and window names), in
    that order; all of them by default. An unknown name is refused in one line, naming those known."""
    known = [FINAL_YEAR, *declared]
    unknown = [w for w in wanted or () if w not in known]
    if unknown:
        what = (f"or a window of these runs: {', '.join(declared)}" if declared
                else "(these runs' scenarios declare no [windows])")
        raise CliError(f"--window {unknown[0]}: not a window; choose '{FINAL_YEAR}' (the final year) {what}")
    return list(dict.fromkeys(wanted)) if wanted else known


def _window_report(windows, baseline: str | None, metrics: Sequence[str] | None, chosen: Sequence[str],
                   declared: Mapping[str, Any], weeks: int | None) -> str:
    """The table of each chosen window (``experiments.compare.window_tables``, printed as the final
    year's), or a line saying that the runs do not cover it."""
    from rumahan.experiments.compare import window_tables
    from rumahan.experiments.report import format_table, window_label

    tables = window_tables(windows, baseline, metrics=metrics)
    text = ""
    for name in chosen:
        if name in tables:
            table = tables[name]
            text += f"\nMeans over the {window_label(table)}, ±95% CI half-width; * against {baseline} as above:\n"
            text += (format_table(table, metrics) if metrics else format_table(table)) + "\n"
        else:
            start, end = declared[name]
            text += (f"\nwindow {name} (weeks {start}-{end - 1}): absent; the runs end at week {weeks}, before "
                     "its last week\n")
    return text


def _names(items: Sequence[str]) -> list[str]:
    from rumahan.experiments.compare import as_scenario

    return [as_scenario(s).name for s in items]


def _span_words(span: str, ranges: dict[str, list[float]]) -> str:
    words = "plausible ranges" if span == "plausible" else "whole registry bounds"
    return words + (f" ({len(ranges)} set by --range)" if ranges else "")


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from rumahan.experiments.sensitivity import DEFAULT_OUTCOMES, run_sensitivity_plan, sensitivity_plan

    outcomes = args.outcomes or list(DEFAULT_OUTCOMES)
    seed = 1 if args.seed is None else args.seed
    ranges = parse_ranges(args.range)
    args.span = args.span or "plausible"
    overrides = parse_sets(args.set)
    drawn = _posterior_draws(args, seed, overrides)
    plan, problem, sample = sensitivity_plan(args.method, args.samples, args.parameters, args.scenario,
                                             overrides, args.replicates or 1, args.weeks or DEFAULT_WEEKS, seed,
                                             args.levels, args.timeseries, outcomes, args.span, ranges, drawn)
    points = f"{len(sample)} points" + ("" if drawn is None else f" x {drawn.draws} posterior draws")
    _announce(f"{args.method}: {problem['num_vars']} uncertainties over their {_span_words(args.span, ranges)}, "
              f"{points} x {plan.replicates} replicate(s) = {len(plan.tasks)} runs of {plan.weeks} "
              "weeks", plan, args.out, args.quiet)
    _estimate(plan, args, "sensitivity")
    started = time.perf_counter()
    with _execution(args, "sensitivity") as execution:
        result = run_sensitivity_plan(plan, sample, args.out, execution)
    print(f"sensitivity: {len(result.runs)} runs, {time.perf_counter() - started:.1f} s; wrote {args.out}")
    key = "mu_star" if args.method == "morris" else "ST"
    if drawn is not None:
        print(f"Of the outcome averaged over the {drawn.draws} posterior draws ({', '.join(drawn.parameters)} drawn, "
              "not varied):")
    for outcome, part in result.indices.groupby("outcome", sort=False):
        top = part.sort_values(key, ascending=False).head(5)
        listed = ", ".join(f"{r.parameter} {getattr(r, key):.3g}" for r in top.itertuples())
        print(f"  {outcome}: largest {key}: {listed}")
    print(f"Indices: {args.out}/indices.csv; figure: {args.out}/figures/sensitivity.png")
    if result.posterior_indices is not None:
        from rumahan.experiments.sensitivity import format_posterior_indices

        print(f"\nEach draw analysed alone: {key} (mean, 5-95% across draws)"
              + ("; mu (the signed effect) with the share of draws that give it the same sign:"
                 if args.method == "morris" else ":"))
        print(format_posterior_indices(result.posterior_indices))
        print(f"Table: {args.out}/posterior_indices.csv")
    return 0


def cmd_robustness(args: argparse.Namespace) -> int:
    from rumahan.experiments.robustness import (
        DEFAULT_OUTCOMES,
        DEFAULT_POLICIES,
        check_robustness_spec,
        format_summary,
        robustness_spec,
        run_robustness,
    )
    from rumahan.experiments.spec import load_spec, outcome_directions, spec_from_dict

    if args.spec and (args.span or args.range):
        raise CliError(f"--span and --range go with the flags; {args.spec} says them in its [sample] "
                       "(span = \"bounds\", bounds = {{ name = [low, high] }})")
    args.span = args.span or "plausible"
    if args.spec:
        spec = _spec_with_overrides(load_spec(args.spec), args)
        if args.outcomes:
            from dataclasses import replace

            spec = replace(spec, outcomes=outcome_directions(args.outcomes))
    else:
        folder, draws = _posterior_flags(args)
        data = robustness_spec(
            scenarios=args.scenarios or DEFAULT_POLICIES, states=args.states, parameters=args.parameters,
            outcomes=args.outcomes, replicates=args.replicates or 1, weeks=args.weeks or DEFAULT_WEEKS,
            seed=1 if args.seed is None else args.seed, overrides=parse_sets(args.set), timeseries=args.timeseries,
            span=args.span, ranges=parse_ranges(args.range), posterior=folder, draws=draws,
        )
        spec = spec_from_dict(data, where="robustness options")
    check_robustness_spec(spec)
    started = time.perf_counter()
    plan = spec.plan(kind="robustness")
    drawn = plan.settings.get("posterior")
    states = f"{plan.points} states" if not drawn else (
        f"{plan.points} states ({plan.points // drawn['draws']} sampled x {drawn['draws']} posterior draws)")
    _announce(f"robustness: {len(plan.scenarios)} policies x {states} x {plan.replicates} replicate(s) "
              f"= {len(plan.tasks)} runs of {plan.weeks} weeks", plan, args.out, args.quiet)
    with _execution(args, "robustness") as execution:
        result = run_robustness(spec, args.out, execution)
    print(f"robustness: {len(result.runs)} runs, {time.perf_counter() - started:.1f} s; wrote {args.out}")
    print(format_summary(result.summary))
    print(f"\nTables: {args.out}/robustness.csv, regret.parquet; figure: {args.out}/figures/regret.png")
    if drawn:
        from rumahan.experiments.report import choose_baseline

        policies = [s.name for s in spec.scenarios]
        _posterior_report(result.runs, choose_baseline(policies), Path(args.out), drawn["draws"],
                          list(spec.outcomes or DEFAULT_OUTCOMES))
    return 0


def cmd_ablate(args: argparse.Namespace) -> int:
    from rumahan.experiments.ablation import ablation_plan, check_outcomes, format_ablation, run_ablation_plan

    metrics = check_outcomes(args.metrics)  # before any run
    plan = ablation_plan(args.scenario, args.against, args.channels, replicates=args.replicates,
                         weeks=args.weeks or DEFAULT_WEEKS, root_seed=1 if args.seed is None else args.seed,
                         overrides=parse_sets(args.set))
    scenario, against, channels = (plan.settings[k] for k in ("scenario", "against", "channels"))
    _announce(f"ablation: {scenario} vs {against}, {len(channels)} channel(s) off in turn: 2 scenarios x "
              f"(1 + {len(channels)}) x {plan.replicates} replicates = {len(plan.tasks)} runs of {plan.weeks} weeks",
              plan, args.out, args.quiet)
    _estimate(plan, args, "ablation")
    started = time.perf_counter()
    with _execution(args, "ablation") as execution:
        result = run_ablation_plan(plan, args.out, execution, metrics)
    print(_finish_line("ablation", result, started))
    print(f"\nWhat each channel carries of {scenario} − {against} (final-year means; ± the 95% CI half-width over "
          f"{plan.replicates} paired replicates; * the interval excludes 0; share: carried / the effect with every "
          "channel on, where that effect's interval excludes 0):\n")
    print(format_ablation(result.table))
    print(f"\nTables: {args.out}/ablation.csv, ablation.parquet; figure: {args.out}/figures/ablation.png")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from rumahan.experiments.compare import comparison_plan, run_comparison
    from rumahan.experiments.report import format_table, write_comparison
    from rumahan.experiments.scenarios import PINNED

    out = Path(args.out)
    plan = comparison_plan(PINNED, replicates=args.replicates, weeks=args.weeks, root_seed=args.seed,
                           baseline="status_quo", overrides=parse_sets(args.set))
    runs = len(plan.tasks)
    _announce(f"Rumahan demo: the {len(PINNED)} pinned scenarios x {args.replicates} replicates = {runs} runs of "
              f"{args.weeks} weeks on {args.jobs} process(es)", plan, out, args.quiet)
    started = time.perf_counter()
    with _execution(args, "demo") as execution:
        comparison = run_comparison(plan, out, execution)
    elapsed = time.perf_counter() - started
    _, figures = write_comparison(out, comparison.runs, comparison.timeseries, comparison.events, "status_quo",
                                  windows=comparison.windows)
    n_workers = int(comparison.runs["param.n_workers"].iloc[0])
    print(f"\nFinal-year means ±95% CI half-width over {args.replicates} replicates ({n_workers:,} workers, "
          f"{args.weeks} weeks, seeds from root {args.seed}); * = differs from status_quo (95% CI of the paired "
          "difference excludes 0):\n")
    print(format_table(comparison.table))
    print(_window_report(comparison.windows, "status_quo", None, list(plan.windows), plan.windows, plan.weeks),
          end="")
    print(f"\n{runs} runs in {elapsed:.0f} s. Files in {out}/:")
    print("  comparison.csv    every outcome: mean, 95% CI, difference and effect size vs status_quo")
    print("  runs.parquet      one row per run (parameters, seed, final-year outcomes)")
    print("  timeseries.parquet  weekly outcomes of every run;  manifest.json  how it was made")
    if plan.windows:
        print("  windows.parquet, comparison_windows.csv  outcomes over each scenario's named windows of weeks")
    print(f"  figures/          {', '.join(p.name for p in figures)}")
    print(f"Open the dashboard to explore them: `make dashboard` or `rumahan dashboard` (then load {out}).")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    """ABC-SMC against the targets (experiments.calibration.smc)."""
    from rumahan.experiments.calibration.smc import (
        CalibrationSetup,
        calibrate,
        check_setup,
        priors_for,
        require_pyabc,
    )
    from rumahan.experiments.calibration.targets import DEFAULT_TARGETS, load_targets

    require_pyabc()
    setup = check_setup(CalibrationSetup(
        targets=load_targets(args.targets or DEFAULT_TARGETS), priors=priors_for(args.parameters, parse_ranges(args.range)),
        overrides=parse_sets(args.set), scenario=args.scenario, weeks=args.weeks or DEFAULT_WEEKS,
        replicates=args.replicates or 1, population=args.population, generations=args.generations,
        seed=1 if args.seed is None else args.seed,
    ))
    priors = ", ".join(f"{k} {lo:g}..{hi:g}" for k, (lo, hi) in setup.priors.items())
    _info(f"calibrate: {len(setup.targets)} targets, {len(setup.priors)} parameters ({priors}); population "
          f"{setup.population}, {setup.generations} generations, {setup.replicates} replicate(s) of {setup.weeks} weeks "
          "per particle", quiet=args.quiet)
    started = time.perf_counter()
    with _execution(args, "generation", unit="accepted") as execution:
        result = calibrate(setup, args.out, execution, announce=lambda line: _info(line, quiet=args.quiet or not line))
    from rumahan.experiments.calibration.posterior import posterior_summary

    g = result.generations
    widths = ", ".join(f"{r.parameter} {r.width:.2f}" for r in posterior_summary(result.posterior, setup.priors).itertuples())
    print(f"calibrate: {len(g)} generations, {int(g['simulations'].sum())} simulations (after the calibration "
          f"sample), final epsilon {g['epsilon'].iloc[-1]:.4g}, {time.perf_counter() - started:.1f} s; wrote {args.out}")
    print(f"posterior sd / prior sd (weighted): {widths}")
    print(f"Files: {args.out}/posterior.parquet, generations.csv, fit.png, posterior.png, manifest.json")
    return 0


def cmd_rerun(args: argparse.Namespace) -> int:
    """Repeat an output folder's runs from its manifest and compare bit for bit (experiments.rerun)."""
    from rumahan.experiments.rerun import rerun

    with _execution(args, "rerun", unit="") as execution:  # runs of a batch, or weeks of a single run
        report = rerun(args.manifest, args.run, execution)
    print(report.summary())
    return 0 if report.identical else 1


def cmd_dashboard(args: argparse.Namespace, extra: Sequence[str]) -> int:
    """Become ``python -m streamlit run dashboard/app.py [options]`` (signals and the exit code
    are then Streamlit's own)."""
    from rumahan.experiments.extras import require_extra

    require_extra("dashboard", "rumahan dashboard")
    if not DASHBOARD_APP.is_file():
        raise CliError(f"the dashboard app {DASHBOARD_APP} is missing")
    command = [sys.executable, "-m", "streamlit", "run", str(DASHBOARD_APP), *extra]
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "nt":  # no exec on Windows: run it and pass its exit code on
        return subprocess.call(command)
    os.execv(sys.executable, command)
    return 0  # not reached


# --- the parser ---------------------------------------------------------------------------------------
SPEC_HELP = """\
A sweep spec is a TOML file (examples: experiments/sweeps/*.toml; full description: docs/experiments.md):

  [sweep]       scenarios = ["status_quo", ...] (default: status_quo alone), replicates, weeks, seed,
                timeseries = true|false
  [parameters]  name = value            set in every run
  [grid]        name = [v1, v2, ...]    full factorial over these levels
  [sample]      size = N, parameters = [...] or "uncertainties", span = "plausible"|"bounds",
                bounds = {name = [lo, hi]}
                                        Latin hypercube over each parameter's plausible range
                                        (`rumahan params`), its whole bounds (span = "bounds"),
                                        or the bounds given

Runs: scenarios x (grid x sample points) x replicates. Results stream to DIR as runs finish;
rerunning the same command resumes. Parameters, units and bounds: `rumahan params`.
"""


YES_HELP = "start even when the measured estimate is more than an hour (otherwise it asks, or refuses when not in a terminal)"


def sensitivity_epilog() -> str:
    """``sensitivity --help``'s example, defaults and cost (the count of uncertainties from the registry)."""
    from rumahan.experiments.design import uncertainties

    d = len(uncertainties())
    return (
        f"Runs: morris SAMPLES x (D+1), sobol SAMPLES x (D+2) (SAMPLES a power of 2), D = number of parameters\n"
        f"(default: every sampled uncertainty, D = {d}; `rumahan params --role uncertainty`).\n\n"
        "Defaults: --method morris, --levels 4, --scenario status_quo, the scenario's size (2,000 workers),\n"
        "--weeks 520, --replicates 1, --seed 1, each uncertainty over its plausible range, a key set of outcomes.\n\n"
        f"Cost: with all {d} uncertainties, --samples 10 is {10 * (d + 1):,} Morris runs; Sobol --samples 8 is "
        f"{8 * (d + 2):,} runs.\n--posterior DIR --draws K runs each of them on K parameter sets drawn from a calibration "
        "(K times\nthe runs): the calibrated parameters are drawn, the other uncertainties varied.\nBefore it starts, the command times one run of the plan here and prints "
        "\"N runs, about T\"; past an hour\nit asks to go on, or needs --yes when not in a terminal.\n\n"
        "Example: screen 4 uncertainties quickly (4 x 5 = 20 runs of 1,000 workers over 5 years):\n"
        "  rumahan sensitivity --samples 4 --parameters principal_price relocation_cost threshold_mean \\\n"
        "      retaliation_propensity --set n_workers=1000 --weeks 260 --out results/morris --jobs 2"
    )


ABLATE_HELP = f"""\
Runs --scenario and --against with every channel on, then with each chosen channel switched off in
both, all with the same replicate seeds (paired). Per outcome and channel (final-year means):
  effect_all     = mean(Y_scenario - Y_against), every channel on
  effect_without = the same with the channel off
  carried        = effect_all - effect_without, 95% CI over the paired replicates
  share          = carried / effect_all, where effect_all's 95% CI excludes 0
Writes DIR/runs.parquet, timeseries.parquet, manifest.json (resumable), ablation.parquet,
ablation.csv and figures/ablation.png.

{textwrap.fill("Channels (docs/ODD.md section 7.10): " + ", ".join(CHANNELS), 100)}

Defaults: every channel, the scenario's size (2,000 workers), 5 replicates, {DEFAULT_WEEKS} weeks, seed 1.
Cost: runs = 2 x (1 + channels) x replicates (all {len(CHANNELS)} channels, 5 replicates: \
{2 * (1 + len(CHANNELS)) * 5} runs).
Before it starts, the command times one run here and prints "N runs, about T"; past an hour
it asks to go on, or needs --yes when not in a terminal.

Example:
  rumahan ablate --scenario recommendations --out results/ablation --set n_workers=500 \\
      --replicates 4 --weeks 260 --jobs 2
"""


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="rumahan", description=__doc__.split("\n\n")[0],
                           formatter_class=argparse.RawDescriptionHelpFormatter,
                           epilog="`rumahan COMMAND --help` for each command; `rumahan params` lists the parameters.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks of errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser)
    raw = argparse.RawDescriptionHelpFormatter
    _add_parser = sub.add_parser

    def add_parser(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return _add_parser(name, parents=[common], **kwargs)

    sub.add_parser = add_parser  # every command accepts --debug too

    p = sub.add_parser("scenarios", help="list the named scenarios with one-line descriptions")
    p.add_argument("--long", action="store_true", help="whole descriptions, with their sources")

    p = sub.add_parser("params", help="list the parameters: unit, default, bounds, role, meaning, source",
                       formatter_class=raw)
    p.add_argument("--group", help="only this group (e.g. state, network, home_worker)")
    p.add_argument("--role", choices=("lever", "uncertainty"), help="only levers or only uncertainties")
    p.add_argument("--short", action="store_true", help="without meanings and sources")
    p.add_argument("--sources", action="store_true",
                   help="also print the full references the listed parameters cite (from docs/sources.md)")

    p = sub.add_parser("run", help="run one scenario and write timeseries.parquet, summary.json, manifest.json",
                       formatter_class=raw, epilog=PARAMS_HEADER + parameter_listing())
    p.add_argument("--scenario", required=True, help="a scenario name (`rumahan scenarios`) or a .toml file")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="change a parameter (repeatable)")
    p.add_argument("--weeks", type=int, help="weeks to simulate (default: the scenario's [run] weeks, else 520)")
    p.add_argument("--seed", type=int, help="root seed (default: the scenario's [run] seed, else 1)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("sweep", help="run a sweep spec: scenarios x parameter grid or sample x replicates",
                       formatter_class=raw, epilog=SPEC_HELP)
    p.add_argument("spec", metavar="SPEC.toml", help="the sweep spec")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (resumed if it holds this sweep)")
    _add_executor(p)
    _add_batch_settings(p)
    p.add_argument("--baseline", help="scenario the report compares with (default: status_quo, else the first)")
    _add_summary_options(p)
    p.add_argument("--no-report", action="store_true", help="skip the comparison table and figures")
    p.add_argument("--yes", action="store_true", help=YES_HELP)

    _add_posterior(p, "run every scenario")

    p = sub.add_parser("compare", help="tabulate and plot a sweep or comparison folder (or run a comparison)",
                       formatter_class=raw, epilog=(
                           "`rumahan compare DIR` reports on an existing sweep or comparison folder: comparison.csv "
                           "(means, 95% CIs, differences and effect sizes vs the baseline) and figures/*.png.\n"
                           "`rumahan compare DIR --scenarios a b c` first runs those scenarios into DIR (resumable)."))
    p.add_argument("dir", metavar="DIR", help="output folder")
    p.add_argument("--scenarios", nargs="+", metavar="NAME", help="run these scenarios into DIR first")
    p.add_argument("--baseline", help="scenario to compare with (default: status_quo, else the first)")
    _add_summary_options(p)
    p.add_argument("--window", nargs="+", metavar="NAME",
                   help="periods to print: 'final' (the final year) and/or windows the scenarios declare in "
                        "[windows] (default: all of them)")
    _add_posterior(p, "with --scenarios: run them")
    _add_executor(p)
    _add_batch_settings(p)

    p = sub.add_parser("calibrate", help="ABC-SMC (pyabc) of parameters against the brief's stylized facts",
                       formatter_class=raw, epilog=(
                           "Priors: each parameter's plausible range (`rumahan params`) or --range. Each particle runs "
                           "the scenario (status_quo)\nwith --set, --replicates runs of --weeks weeks; the distance is "
                           "the root mean square of each target's miss\nin tolerances. Rerunning the same command "
                           "resumes after the last finished generation (more --generations\nextends a finished one). "
                           "Needs the extra: pip install 'rumahan[calibrate]'. Details: docs/experiments.md."))
    p.add_argument("--targets", metavar="FILE",
                   help="targets file (default: the brief's facts, experiments/calibration/targets.toml)")
    p.add_argument("--parameters", nargs="+", required=True, metavar="NAME", help="registry parameters to calibrate")
    p.add_argument("--range", action="append", metavar="NAME=LOW:HIGH", help="uniform prior LOW..HIGH instead of the plausible range")
    p.add_argument("--population", type=int, default=100, metavar="P", help="particles per generation (default %(default)s)")
    p.add_argument("--generations", type=int, default=5, metavar="G", help="generations (default %(default)s)")
    p.add_argument("--scenario", default="status_quo", help="the scenario the facts describe (default %(default)s)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (resumed if it holds this calibration)")
    _add_executor(p)
    _add_batch_settings(p)

    p = sub.add_parser("sensitivity", help="SALib Morris screening or Sobol indices over the uncertainties",
                       formatter_class=raw, epilog=sensitivity_epilog())
    p.add_argument("--method", choices=("morris", "sobol"), default="morris")
    p.add_argument("--samples", type=int, required=True, help="Morris trajectories or Sobol base sample size")
    p.add_argument("--outcomes", nargs="+", metavar="METRIC", help="outcomes to analyse (default: a key set)")
    p.add_argument("--parameters", nargs="+", metavar="NAME", help="uncertainties to vary (default: all sampled)")
    p.add_argument("--scenario", default="status_quo", help="the scenario the uncertainties vary around")
    p.add_argument("--levels", type=int, default=4, help="Morris grid levels, an even number (default 4)")
    _add_ranges(p)
    _add_posterior(p, "run every sample point (the calibrated parameters drawn, not varied)")
    p.add_argument("--timeseries", action="store_true", help="keep weekly series (default: summaries only)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument("--yes", action="store_true", help=YES_HELP)
    _add_executor(p)
    _add_batch_settings(p)

    p = sub.add_parser("robustness", help="levers x sampled uncertainties: outcome distributions and regret",
                       formatter_class=raw, epilog=(
                           "Policies are scenarios (levers); states of the world are a Latin-hypercube sample over "
                           "the uncertainties.\nEither give a SPEC.toml with [sweep] scenarios and [sample] (and "
                           "[robustness] outcomes), or use the flags."))
    p.add_argument("spec", nargs="?", metavar="SPEC.toml", help="a sweep spec (optional)")
    p.add_argument("--scenarios", nargs="+", metavar="NAME", help="policies (default: the pinned policy scenarios)")
    p.add_argument("--states", type=int, default=20, help="states of the world sampled (default 20)")
    _add_ranges(p)
    p.add_argument("--parameters", nargs="+", metavar="NAME", help="uncertainties sampled (default: all sampled)")
    _add_posterior(p, "cross every sampled state (the calibrated parameters drawn, not sampled)")
    p.add_argument("--outcomes", nargs="+", metavar="METRIC[:max|min]",
                   help="outcomes and direction (default: earnings_to_ump:max below_poverty_share:min "
                        "membership_rate:max power_to:max)")
    p.add_argument("--timeseries", action="store_true", help="keep weekly series (default: summaries only)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    _add_executor(p)
    _add_batch_settings(p)

    p = sub.add_parser("ablate", help="switch each causal channel off in turn: how much of an effect each carries",
                       formatter_class=raw, epilog=ABLATE_HELP)
    p.add_argument("--scenario", required=True, help="a scenario name (`rumahan scenarios`) or a .toml file")
    p.add_argument("--against", metavar="NAME",
                   help="the scenario it is compared with (default: status_quo; no_network for status_quo)")
    p.add_argument("--channels", nargs="+", metavar="NAME",
                   help="channels to switch off in turn (default: all; `channel_` may be left off)")
    p.add_argument("--metrics", nargs="+", metavar="METRIC", help="outcomes to report (default: a key set)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (resumed if it holds this ablation)")
    p.add_argument("--yes", action="store_true", help=YES_HELP)
    _add_executor(p)
    _add_batch_settings(p, replicates_default=5)

    p = sub.add_parser("demo", help="the ten pinned scenarios x a few replicates: table and figures")
    p.add_argument("--out", default=str(DEMO_OUT), metavar="DIR", help="output folder (default %(default)s)")
    p.add_argument("--replicates", type=int, default=DEMO_REPLICATES, help="replicates (default %(default)s)")
    p.add_argument("--weeks", type=int, default=DEFAULT_WEEKS, help="weeks per run (default %(default)s)")
    p.add_argument("--seed", type=int, default=1, help="root seed (default %(default)s)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="parameter for every run")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_executor(p)

    p = sub.add_parser("rerun", help="repeat an output folder's runs from its manifest and check them bit for bit",
                       formatter_class=raw, epilog=(
                           "Rebuilds the runs from the manifest's parameters, schedule, seed and weeks (a batch: its "
                           "plan and design.parquet),\nruns them again and compares every stored number bit for bit. "
                           "Exit code 0: identical; 1: a run differs (the first\ndiffering metric and week are "
                           "shown); 2: not a folder that can be rerun."))
    p.add_argument("manifest", metavar="DIR/manifest.json", help="an output folder or its manifest.json")
    p.add_argument("--run", action="append", metavar="RUN_ID", help="only this run of a batch (repeatable; default: all)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_executor(p)

    sub.add_parser("dashboard", help="start the Streamlit dashboard (other options go to `streamlit run`)",
                   epilog="e.g. rumahan dashboard --server.port 8502 --server.headless true")
    return parser


COMMANDS = {
    "scenarios": cmd_scenarios, "params": cmd_params, "run": cmd_run, "sweep": cmd_sweep,
    "compare": cmd_compare, "sensitivity": cmd_sensitivity, "robustness": cmd_robustness, "demo": cmd_demo,
    "rerun": cmd_rerun, "ablate": cmd_ablate, "calibrate": cmd_calibrate,
}


def report_error(command: str, invocation: str, exc: Exception) -> int:
    """Say on stderr whose fault ``exc`` is and return the exit code: bad input (a
    ``RumahanInputError``) one line and 2; a failure while running (another ``RumahanError``, or an
    ``OSError`` such as a full disk) one line and 1; anything else is a bug in Rumahan: its
    traceback, a line asking for a report, and 1."""
    if isinstance(exc, RumahanError | OSError):
        message = " ".join(str(exc).split())
        print(f"rumahan {command}: error: {message}", file=sys.stderr)
        return 2 if isinstance(exc, RumahanInputError) else 1
    traceback.print_exception(exc, file=sys.stderr)
    print(f"rumahan {command}: internal error ({type(exc).__name__}): this is a bug in Rumahan, not a problem "
          f"with your input; please report it with the command (`{invocation}`) and the traceback above",
          file=sys.stderr)
    return 1


def _show_note(command: str, show_other: Callable[..., None], message: Warning | str, category: type[Warning],
               *args: Any, **kwargs: Any) -> None:
    """Print a ``ScheduleWarning`` as one line, ``rumahan COMMAND: note: ...``; others as Python does."""
    from rumahan.experiments.scenarios import ScheduleWarning

    if issubclass(category, ScheduleWarning):
        print(f"rumahan {command}: note: {message}", file=sys.stderr)
    else:
        show_other(message, category, *args, **kwargs)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "dashboard":
        print(f"rumahan {args.command}: error: unrecognized arguments: {' '.join(extra)} "
              f"(see `rumahan {args.command} --help`)", file=sys.stderr)
        return 2
    args.invocation = _invocation(argv)
    try:
        if args.command == "dashboard":
            return cmd_dashboard(args, extra)
        check_arguments(args)
        if getattr(args, "scheduler", None) is not None:  # an empty address is refused, not ignored
            from rumahan.experiments.executors import check_scheduler_address

            check_scheduler_address(args.scheduler)
            from rumahan.experiments.extras import require_extra

            require_extra("dask", "--scheduler (a Dask cluster)")
        with warnings.catch_warnings():
            from rumahan.experiments.scenarios import ScheduleWarning

            warnings.simplefilter("always", ScheduleWarning)
            warnings.showwarning = partial(_show_note, args.command, warnings.showwarning)
            return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("rumahan: interrupted; finished runs are saved, rerun the same command to resume", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `rumahan ... | head`: the reader has enough; the work itself is done and saved
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if args.debug:
            raise
        return report_error(args.command, args.invocation, exc)


if __name__ == "__main__":
    sys.exit(main())
