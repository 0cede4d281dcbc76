"""Hostile input to every entry point, as data: what is given, and what the refusal must say.

Each ``Case`` names its entry point, the input in words, and a fragment the one-line message must
contain (or ``ACCEPTED`` for input that is valid and must run). The tests in this folder drive
every case (``test_hostile_*.py``); ``docs/robustness.md`` lists them all with the message seen.
Regenerate that table after adding cases (it runs every case that needs no browser session):

    python tests/robustness/cases.py > /tmp/cases.md     # then paste it into docs/robustness.md
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

#: Expected outcome of input that is valid: it runs (exit code 0, no error).
ACCEPTED = "accepted"
#: Small enough that an accepted run takes a fraction of a second.
TINY = "n_workers=20"


@dataclass(frozen=True)
class Case:
    """One hostile input.

    Attributes:
        id: short unique name (also in docs/robustness.md).
        entry: the entry point (``Python API``, ``CLI``, ``scenario TOML``, ``sweep TOML``,
            ``output folder``, ``dashboard link``, ``dashboard upload``).
        given: the input, in words.
        expected: a fragment of the one-line message, or ``ACCEPTED``.
        args: for the CLI and files: the command's arguments (``{tmp}`` is a fresh folder,
            ``{file}`` the case's file).
        data: the file's content (TOML text or bytes), the Python call, the folder's damage, or the
            dashboard's query/upload.
    """

    id: str
    entry: str
    given: str
    expected: str
    args: tuple[str, ...] = ()
    data: Any = None
    code: int = 2
    tags: tuple[str, ...] = field(default_factory=tuple)


# --- Python API -------------------------------------------------------------------------------------
def _model(**kwargs: Any) -> Callable[[], Any]:
    def call() -> Any:
        from rumahan.model import PuttingOutModel

        given = {"seed": 1, "n_workers": 20, **kwargs}  # a copy: each call gets the same arguments
        return PuttingOutModel(**given).step()

    return call


def _run(params: Any = None, **kwargs: Any) -> Callable[[], Any]:
    def call() -> Any:
        from rumahan.experiments.runner import run_simulation

        return run_simulation({"n_workers": 20} if params is None else params, **{"seed": 1, "weeks": 2, **kwargs})

    return call


API: tuple[Case, ...] = (
    Case("api-negative-size", "Python API", "PuttingOutModel(n_workers=-5)", "'n_workers' = -5 is out of bounds; accepted: 10 to 5,000,000", data=_model(n_workers=-5)),
    Case("api-model-seed-negative", "Python API", "PuttingOutModel(seed=-1)", "seed = -1 is not a whole number >= 0", data=_model(seed=-1)),
    Case("api-model-seed-text", "Python API", "PuttingOutModel(seed='abc')", "seed = 'abc' is not a whole number >= 0", data=_model(seed="abc")),
    Case("api-zero-size", "Python API", "n_workers=0", "'n_workers' = 0 is out of bounds", data=_model(n_workers=0)),
    Case("api-size-text", "Python API", "n_workers='100' (text)", "'n_workers' = '100' is not a number", data=_model(n_workers="100")),
    Case("api-size-fraction", "Python API", "n_workers=100.5", "'n_workers' = 100.5 is not a whole number", data=_model(n_workers=100.5)),
    Case("api-size-nan", "Python API", "n_workers=nan", "'n_workers' = nan is not finite", data=_model(n_workers=math.nan)),
    Case("api-size-1e12", "Python API", "n_workers=10**12", "'n_workers' = 1000000000000 is out of bounds", data=_model(n_workers=10**12)),
    Case("api-size-10e400", "Python API", "n_workers=10**400 (no float can hold it)", "is out of bounds; accepted: 10 to 5,000,000", data=_model(n_workers=10**400)),
    Case("api-inf", "Python API", "tokenism=inf", "'tokenism' = inf is not finite; accepted: 0 to 1 share", data=_model(tokenism=math.inf)),
    Case("api-neg-inf", "Python API", "principal_price=-inf", "'principal_price' = -inf is not finite", data=_model(principal_price=-math.inf)),
    Case("api-numpy-nan", "Python API", "tokenism=np.float64('nan')", "'tokenism' = nan is not finite", data=_model(tokenism=np.float64("nan"))),
    Case("api-none", "Python API", "tokenism=None", "'tokenism' = None is not a number", data=_model(tokenism=None)),
    Case("api-list", "Python API", "tokenism=[0.1]", "'tokenism' = [0.1] is not a number", data=_model(tokenism=[0.1])),
    Case("api-bool-for-number", "Python API", "tokenism=True", "'tokenism' = True is not a number", data=_model(tokenism=True)),
    Case("api-bool-text", "Python API", "recognition='yes'", "'recognition' = 'yes' is not a boolean; accepted: true or false", data=_model(recognition="yes")),
    Case("api-bool-two", "Python API", "recognition=2", "'recognition' = 2 is not a boolean", data=_model(recognition=2)),
    Case("api-zero-subcontractors", "Python API", "n_subcontractors=0", "'n_subcontractors' = 0 is out of bounds; accepted: 1 to 500,000", data=_model(n_subcontractors=0)),
    Case("api-more-subcontractors", "Python API", "n_workers=20, n_subcontractors=30", "'n_subcontractors' = 30 exceeds n_workers = 20", data=_model(n_subcontractors=30)),
    Case("api-no-strategy", "Python API", "every effort_* = 0 with the network active", "parameters effort_* are all 0 while network_active is true", data=_model(**{f"effort_{s}": 0.0 for s in ("consciousness", "organizing", "bargaining", "advocacy", "alternatives", "alliances")})),
    Case("api-no-strength", "Python API", "every weight_* = 0", "parameters weight_* are all 0", data=_model(weight_density=0.0, weight_participation=0.0, weight_legal=0.0, weight_alliances=0.0)),
    Case("api-unknown", "Python API", "n_wrkers=100 (typo)", "unknown parameter 'n_wrkers'; did you mean n_workers?", data=_model(n_wrkers=100)),
    Case("api-weeks-as-parameter", "Python API", "weeks=10 as a model keyword", "unknown parameter 'weeks'", data=_model(weeks=10)),
    Case("api-schedule-negative-week", "Python API", "schedule=[(-1, {tokenism: 0.1})]", "schedule week -1 is not a whole number >= 0", data=_model(schedule=[(-1, {"tokenism": 0.1})])),
    Case("api-schedule-size", "Python API", "schedule=[(5, {n_workers: 30})]", "'n_workers' cannot be scheduled (it is not a policy or strategy lever)", data=_model(schedule=[(5, {"n_workers": 30})])),
    Case("api-schedule-nan", "Python API", "schedule=[(5, {tokenism: nan})]", "'tokenism' = nan is not finite", data=_model(schedule=[(5, {"tokenism": math.nan})])),
    Case("api-schedule-not-pair", "Python API", "schedule=[5]", "schedule entry 5 is not a (week, {parameter: value}) pair", data=_model(schedule=[5])),
    Case("api-run-weeks-zero", "Python API", "run_simulation(weeks=0)", "weeks = 0 is not a whole number >= 1", data=_run(weeks=0)),
    Case("api-run-weeks-fraction", "Python API", "run_simulation(weeks=2.5)", "weeks = 2.5 is not a whole number >= 1", data=_run(weeks=2.5)),
    Case("api-run-weeks-text", "Python API", "run_simulation(weeks='10')", "weeks = '10' is not a whole number >= 1", data=_run(weeks="10")),
    Case("api-run-seed-negative", "Python API", "run_simulation(seed=-1)", "seed = -1 is not a whole number from 0 to 2**64 - 1", data=_run(seed=-1)),
    Case("api-run-seed-text", "Python API", "run_simulation(seed='abc')", "seed = 'abc' is not a whole number from 0 to 2**64 - 1", data=_run(seed="abc")),
    Case("api-run-seed-2-64", "Python API", "run_simulation(seed=2**64)", "seed = 18446744073709551616 is not a whole number", data=_run(seed=2**64)),
    Case("api-run-params-list", "Python API", "run_simulation(params=[1, 2])", "params = [1, 2] is not a mapping of parameter name to value", data=_run(params=[1, 2])),
    Case("api-numpy-int", "Python API", "n_workers=np.int64(20), weeks=np.int64(2)", ACCEPTED, data=_run(params={"n_workers": np.int64(20)}, weeks=np.int64(2))),
    Case("api-numpy-float-bool", "Python API", "tokenism=np.float32(0.5), recognition=np.bool_(True)", ACCEPTED, data=_run(params={"n_workers": 20, "tokenism": np.float32(0.5), "recognition": np.bool_(True)})),
)


# --- the command line ---------------------------------------------------------------------------
def _c(id_: str, given: str, expected: str, *args: str, code: int = 2) -> Case:
    return Case(id_, "CLI", given, expected, args=args, code=code if expected != ACCEPTED else 0)


SWEEP_SPEC = "experiments/sweeps/framing_by_tokenism.toml"
CLI: tuple[Case, ...] = (
    _c("cli-set-negative", "--set n_workers=-5", "'n_workers' = -5 is out of bounds", "run", "--scenario", "status_quo", "--set", "n_workers=-5", "--out", "{tmp}/o"),
    _c("cli-set-nan", "--set n_workers=nan", "'n_workers' = nan is not finite", "run", "--scenario", "status_quo", "--set", "n_workers=nan", "--out", "{tmp}/o"),
    _c("cli-set-inf", "--set tokenism=inf", "'tokenism' = inf is not finite", "run", "--scenario", "status_quo", "--set", "tokenism=inf", "--out", "{tmp}/o"),
    _c("cli-set-huge", "--set n_workers=1e12", "'n_workers' = 1000000000000 is out of bounds", "run", "--scenario", "status_quo", "--set", "n_workers=1e12", "--out", "{tmp}/o"),
    _c("cli-set-zero-subcontractors", "--set n_subcontractors=0", "'n_subcontractors' = 0 is out of bounds", "run", "--scenario", "status_quo", "--set", "n_subcontractors=0", "--out", "{tmp}/o"),
    _c("cli-set-crossed-sizes", "--set n_workers=20 --set n_subcontractors=30", "'n_subcontractors' = 30 exceeds n_workers = 20", "run", "--scenario", "status_quo", "--set", "n_workers=20", "--set", "n_subcontractors=30", "--out", "{tmp}/o"),
    _c("cli-set-no-name", "--set =3", "--set expects NAME=VALUE, got '=3'", "run", "--scenario", "status_quo", "--set", "=3", "--out", "{tmp}/o"),
    _c("cli-set-empty-value", "--set tokenism=", "'tokenism' = '' is not a number", "run", "--scenario", "status_quo", "--set", "tokenism=", "--out", "{tmp}/o"),
    _c("cli-set-hex", "--set tokenism=0x1", "'tokenism' = '0x1' is not a number", "run", "--scenario", "status_quo", "--set", "tokenism=0x1", "--out", "{tmp}/o"),
    _c("cli-set-unknown", "--set tokenisn=0.1", "unknown parameter 'tokenisn'; did you mean tokenism?", "run", "--scenario", "status_quo", "--set", "tokenisn=0.1", "--out", "{tmp}/o"),
    _c("cli-set-underscores", "--set n_workers=2_0 (Python digit grouping)", ACCEPTED, "run", "--scenario", "status_quo", "--set", "n_workers=2_0", "--weeks", "2", "--out", "{tmp}/o", "--quiet"),
    _c("cli-weeks-negative", "--weeks -1", "--weeks = -1 is not a whole number >= 1", "run", "--scenario", "status_quo", "--weeks", "-1", "--out", "{tmp}/o"),
    _c("cli-weeks-text", "--weeks abc", "argument --weeks: invalid int value: 'abc'", "run", "--scenario", "status_quo", "--weeks", "abc", "--out", "{tmp}/o"),
    _c("cli-weeks-float", "--weeks 1e3", "argument --weeks: invalid int value: '1e3'", "run", "--scenario", "status_quo", "--weeks", "1e3", "--out", "{tmp}/o"),
    _c("cli-seed-negative", "--seed -1", "--seed = -1 is not a whole number >= 0 and <= 18,446,744,073,709,551,615", "run", "--scenario", "status_quo", "--seed", "-1", "--out", "{tmp}/o"),
    _c("cli-seed-2-64", "--seed 2**64 (the runs table stores seeds as uint64)", "--seed = 18446744073709551616 is not a whole number", "run", "--scenario", "status_quo", "--seed", str(2**64), "--out", "{tmp}/o"),
    _c("cli-scenario-unknown", "--scenario utopia", "unknown scenario 'utopia'; valid: status_quo, no_network", "run", "--scenario", "utopia", "--out", "{tmp}/o"),
    _c("cli-scenario-empty", "--scenario ''", "empty scenario name; valid: status_quo", "run", "--scenario", "", "--out", "{tmp}/o"),
    _c("cli-scenario-folder", "--scenario FOLDER", "is a folder; give a scenario name or a .toml file", "run", "--scenario", "{tmp}", "--out", "{tmp}/o"),
    _c("cli-scenario-missing", "--scenario missing.toml", "scenario file {tmp}/missing.toml does not exist", "run", "--scenario", "{tmp}/missing.toml", "--out", "{tmp}/o"),
    _c("cli-out-is-file", "--out /etc/hostname (a file)", "/etc/hostname is a file; choose a folder with --out", "run", "--scenario", "status_quo", "--out", "/etc/hostname"),
    _c("cli-out-unwritable", "--out /proc/rumahan (cannot be created)", "cannot write the output folder /proc/rumahan", "run", "--scenario", "status_quo", "--set", TINY, "--weeks", "2", "--out", "/proc/rumahan"),
    _c("cli-out-foreign-folder", "--out a folder holding other files", "is not empty and is not a Rumahan output folder", "run", "--scenario", "status_quo", "--out", "{tmp}"),
    _c("cli-spec-missing", "sweep missing.toml", "sweep spec {tmp}/missing.toml does not exist", "sweep", "{tmp}/missing.toml", "--out", "{tmp}/o"),
    _c("cli-spec-folder", "sweep FOLDER", "is a folder; give a .toml file", "sweep", "{tmp}", "--out", "{tmp}/o"),
    _c("cli-jobs-zero", "--jobs 0", "--jobs = 0 is not a whole number >= 1", "sweep", SWEEP_SPEC, "--out", "{tmp}/o", "--jobs", "0"),
    _c("cli-jobs-negative", "--jobs -2", "--jobs = -2 is not a whole number >= 1", "sweep", SWEEP_SPEC, "--out", "{tmp}/o", "--jobs", "-2"),
    _c("cli-jobs-text", "--jobs two", "argument --jobs: invalid int value: 'two'", "sweep", SWEEP_SPEC, "--out", "{tmp}/o", "--jobs", "two"),
    _c("cli-replicates-zero", "--replicates 0", "--replicates = 0 is not a whole number >= 1", "sweep", SWEEP_SPEC, "--out", "{tmp}/o", "--replicates", "0"),
    _c("cli-replicates-huge", "--replicates 100000000 (a plan that would not fit in memory)", "a batch of 1,800,000,000 runs (2 scenario(s) x 9 point(s) x 100000000 replicate(s)) is more than one batch may hold", "sweep", SWEEP_SPEC, "--out", "{tmp}/o", "--replicates", "100000000", "--quiet"),
    _c("cli-sweep-weeks-zero", "sweep --weeks 0", "--weeks = 0 is not a whole number >= 1", "sweep", SWEEP_SPEC, "--out", "{tmp}/o", "--weeks", "0"),
    _c("cli-scheduler-http", "--scheduler http://127.0.0.1:8786", "scheduler address 'http://127.0.0.1:8786' is not of the form tcp://HOST:PORT", "sweep", SWEEP_SPEC, "--out", "{tmp}/o", "--scheduler", "http://127.0.0.1:8786"),
    _c("cli-scheduler-empty", "--scheduler '' (was silently ignored)", "scheduler address '' is not of the form tcp://HOST:PORT", "sweep", SWEEP_SPEC, "--out", "{tmp}/o", "--scheduler", ""),
    _c("cli-scheduler-space", "--scheduler '127.0.0.1 8786'", "is not of the form tcp://HOST:PORT", "sweep", SWEEP_SPEC, "--out", "{tmp}/o", "--scheduler", "127.0.0.1 8786"),
    _c("cli-scheduler-unreachable", "--scheduler tcp://127.0.0.1:1 --connect-timeout 1", "cannot reach the Dask scheduler at tcp://127.0.0.1:1 within 1 s", "sweep", SWEEP_SPEC, "--out", "{tmp}/o", "--scheduler", "tcp://127.0.0.1:1", "--connect-timeout", "1", "--quiet", code=1),
    _c("cli-timeout-negative", "--connect-timeout -1", "--connect-timeout = -1.0 is not a number of seconds > 0", "sweep", SWEEP_SPEC, "--out", "{tmp}/o", "--scheduler", "tcp://127.0.0.1:1", "--connect-timeout", "-1"),
    _c("cli-timeout-nan", "--connect-timeout nan", "--connect-timeout = nan is not a number of seconds > 0", "sweep", SWEEP_SPEC, "--out", "{tmp}/o", "--scheduler", "tcp://127.0.0.1:1", "--connect-timeout", "nan"),
    _c("cli-sweep-out-file", "sweep --out /etc/hostname", "/etc/hostname is a file; choose an output folder", "sweep", SWEEP_SPEC, "--out", "/etc/hostname", "--quiet"),
    _c("cli-compare-file", "compare /etc/hostname", "/etc/hostname is a file, not a Rumahan output folder", "compare", "/etc/hostname"),
    _c("cli-compare-missing", "compare missing/", "{tmp}/missing does not exist", "compare", "{tmp}/missing"),
    _c("cli-samples-zero", "sensitivity --samples 0", "--samples = 0 is not a whole number >= 1", "sensitivity", "--samples", "0", "--out", "{tmp}/o"),
    _c("cli-samples-huge", "sensitivity --samples 10000000", "a batch of", "sensitivity", "--samples", "10000000", "--out", "{tmp}/o", "--quiet"),
    _c("cli-levels-odd", "sensitivity --levels 3", "levels = 3 for Morris must be an even number", "sensitivity", "--samples", "2", "--levels", "3", "--out", "{tmp}/o"),
    _c("cli-levels-zero", "sensitivity --levels 0", "--levels = 0 is not a whole number >= 2", "sensitivity", "--samples", "2", "--levels", "0", "--out", "{tmp}/o"),
    _c("cli-sensitivity-duplicate", "--parameters principal_price principal_price", "parameter(s) principal_price listed twice", "sensitivity", "--samples", "2", "--parameters", "principal_price", "principal_price", "--out", "{tmp}/o"),
    _c("cli-sensitivity-lever", "--parameters tokenism relocation_cost", "'tokenism' is a lever, not an uncertainty", "sensitivity", "--samples", "2", "--parameters", "tokenism", "relocation_cost", "--out", "{tmp}/o"),
    _c("cli-states-zero", "robustness --states 0", "--states = 0 is not a whole number >= 1", "robustness", "--states", "0", "--out", "{tmp}/o"),
    _c("cli-robustness-duplicate", "robustness --scenarios status_quo status_quo", "scenario name(s) used twice in one batch: status_quo", "robustness", "--scenarios", "status_quo", "status_quo", "--states", "2", "--out", "{tmp}/o", "--quiet"),
    _c("cli-demo-replicates-zero", "demo --replicates 0", "--replicates = 0 is not a whole number >= 1", "demo", "--replicates", "0", "--out", "{tmp}/o"),
    _c("cli-params-group", "params --group nonesuch (listed nothing, exit 0)", "unknown group 'nonesuch'; groups: scale, social_graph", "params", "--group", "nonesuch"),
    _c("cli-rerun-missing", "rerun missing/manifest.json", "does not exist", "rerun", "{tmp}/missing/manifest.json"),
    _c("cli-rerun-not-output", "rerun a folder without manifest", "is not a Rumahan output folder (no manifest.json)", "rerun", "{tmp}"),
    _c("cli-calibrate-unknown-parameter", "calibrate --parameters health_strian (typo)", "unknown parameter 'health_strian'; did you mean health_strain?", "calibrate", "--parameters", "health_strian", "--out", "{tmp}/o"),
    _c("cli-calibrate-switch", "calibrate --parameters recognition (a switch)", "parameter 'recognition' is a switch and cannot be calibrated", "calibrate", "--parameters", "recognition", "--out", "{tmp}/o"),
    _c("cli-calibrate-range-outside", "calibrate --range health_strain=0:0.5 (beyond its bounds)", "'health_strain' = 0.5 is out of bounds; accepted: 0 to 0.05", "calibrate", "--parameters", "health_strain", "--range", "health_strain=0:0.5", "--out", "{tmp}/o"),
    _c("cli-calibrate-range-empty", "calibrate --range health_strain=0.02:0.01", "range 0.02:0.01 of 'health_strain' is empty", "calibrate", "--parameters", "health_strain", "--range", "health_strain=0.02:0.01", "--out", "{tmp}/o"),
    _c("cli-calibrate-range-other", "calibrate --range for a parameter not calibrated", "--range for parameter(s) not calibrated: tokenism", "calibrate", "--parameters", "health_strain", "--range", "tokenism=0.1:0.2", "--out", "{tmp}/o"),
    _c("cli-calibrate-targets-missing", "calibrate --targets missing.toml", "targets file {tmp}/missing.toml does not exist", "calibrate", "--targets", "{tmp}/missing.toml", "--parameters", "health_strain", "--out", "{tmp}/o"),
    _c("cli-calibrate-population-one", "calibrate --population 1", "--population = 1 is not a whole number >= 2", "calibrate", "--parameters", "health_strain", "--population", "1", "--out", "{tmp}/o"),
    _c("cli-posterior-not-calibration", "sweep --posterior FOLDER (not a calibration)", "is not a finished calibration", "sweep", SWEEP_SPEC, "--posterior", "{tmp}", "--out", "{tmp}/o"),
    _c("cli-posterior-missing", "compare --scenarios ... --posterior missing/", "--posterior {tmp}/missing is not a folder", "compare", "{tmp}/o", "--scenarios", "status_quo", "--posterior", "{tmp}/missing"),
    _c("cli-draws-zero", "sensitivity --posterior DIR --draws 0", "--draws = 0 is not a whole number >= 1", "sensitivity", "--samples", "2", "--posterior", "{tmp}", "--draws", "0", "--out", "{tmp}/o"),
    _c("cli-draws-without-posterior", "robustness --draws 3 without --posterior", "--draws 3 goes with --posterior DIR", "robustness", "--states", "2", "--draws", "3", "--out", "{tmp}/o"),
    _c("cli-unknown-option", "run --colour red", "unrecognized arguments: --colour red", "run", "--scenario", "status_quo", "--out", "{tmp}/o", "--colour", "red"),
)


# --- scenario and sweep files -------------------------------------------------------------------------
def _s(id_: str, given: str, expected: str, content: str | bytes) -> Case:
    return Case(id_, "scenario TOML", given, expected, args=("run", "--scenario", "{file}", "--out", "{tmp}/o", "--quiet"),
                data=content, code=0 if expected == ACCEPTED else 2)


RUN_SMALL = "\n[run]\nweeks = 2\nseed = 1\n"
SCENARIOS: tuple[Case, ...] = (
    _s("toml-wrong-type", "n_workers = \"many\"", "'n_workers' = 'many' is not a number", 'name = "x"\n[parameters]\nn_workers = "many"\n'),
    _s("toml-nan", "tokenism = nan", "'tokenism' = nan is not finite; accepted: 0 to 1 share", 'name = "x"\n[parameters]\ntokenism = nan\n'),
    _s("toml-inf", "principal_price = inf", "'principal_price' = inf is not finite", 'name = "x"\n[parameters]\nprincipal_price = inf\n'),
    _s("toml-neg-inf", "principal_price = -inf", "'principal_price' = -inf is not finite", 'name = "x"\n[parameters]\nprincipal_price = -inf\n'),
    _s("toml-negative-size", "n_workers = -100", "'n_workers' = -100 is out of bounds", 'name = "x"\n[parameters]\nn_workers = -100\n'),
    _s("toml-zero-subcontractors", "n_subcontractors = 0", "'n_subcontractors' = 0 is out of bounds", 'name = "x"\n[parameters]\nn_subcontractors = 0\n'),
    _s("toml-crossed-sizes", "n_workers = 50, n_subcontractors = 60", "'n_subcontractors' = 60 exceeds n_workers = 50", 'name = "x"\n[parameters]\nn_workers = 50\nn_subcontractors = 60\n'),
    _s("toml-huge", "n_workers = 1_000_000_000", "'n_workers' = 1000000000 is out of bounds", 'name = "x"\n[parameters]\nn_workers = 1_000_000_000\n'),
    _s("toml-bool-for-number", "tokenism = true", "'tokenism' = True is not a number", 'name = "x"\n[parameters]\ntokenism = true\n'),
    _s("toml-array", "tokenism = [0.1, 0.2]", "'tokenism' = [0.1, 0.2] is not a number", 'name = "x"\n[parameters]\ntokenism = [0.1, 0.2]\n'),
    _s("toml-date", "tokenism = 2024-01-01", "'tokenism' = datetime.date(2024, 1, 1) is not a number", 'name = "x"\n[parameters]\ntokenism = 2024-01-01\n'),
    _s("toml-duplicate-key", "tokenism given twice", "is not valid TOML: Cannot overwrite a value (at line 4", 'name = "x"\n[parameters]\ntokenism = 0.1\ntokenism = 0.2\n'),
    _s("toml-duplicate-table", "[parameters] twice", "is not valid TOML: Cannot declare ('parameters',) twice (at line 4", 'name = "x"\n[parameters]\ntokenism = 0.1\n[parameters]\nframing_intensity = 0.2\n'),
    _s("toml-unknown-parameter", "tokenisn = 0.1", "unknown parameter 'tokenisn'; did you mean tokenism?", 'name = "x"\n[parameters]\ntokenisn = 0.1\n'),
    _s("toml-unknown-key", "weeks = 10 at the top level", "unknown key(s) weeks; expected name, description, source, [parameters], [[schedule]], [run], [windows]", 'name = "x"\nweeks = 10\n'),
    _s("toml-schedule-table", "[schedule] instead of [[schedule]]", "schedule must be written as [[schedule]] tables", 'name = "x"\n[schedule]\nweek = 3\n'),
    _s("toml-schedule-no-set", "[[schedule]] without set", "[[schedule]] entry 1 needs exactly 'week' and 'set'", 'name = "x"\n[[schedule]]\nweek = 3\n'),
    _s("toml-schedule-week-text", "week = \"3\"", "schedule week '3' is not a whole number >= 0", 'name = "x"\n[[schedule]]\nweek = "3"\nset = {tokenism = 0.1}\n'),
    _s("toml-schedule-week-fraction", "week = 3.5", "schedule week 3.5 is not a whole number >= 0", 'name = "x"\n[[schedule]]\nweek = 3.5\nset = {tokenism = 0.1}\n'),
    _s("toml-schedule-nan", "set = {tokenism = nan}", "'tokenism' = nan is not finite", 'name = "x"\n[[schedule]]\nweek = 3\nset = {tokenism = nan}\n'),
    _s("toml-schedule-size", "set = {n_workers = 50}", "'n_workers' cannot be scheduled", 'name = "x"\n[[schedule]]\nweek = 3\nset = {n_workers = 50}\n'),
    _s("toml-run-weeks-zero", "[run] weeks = 0", "[run] weeks = 0 is not a whole number >= 1", 'name = "x"\n[run]\nweeks = 0\n'),
    _s("toml-run-seed-fraction", "[run] seed = 1.5", "[run] seed = 1.5 is not a whole number >= 0", 'name = "x"\n[run]\nseed = 1.5\n'),
    _s("toml-run-unknown", "[run] jobs = 2", "unknown key(s) in [run]: jobs; expected seed, weeks", 'name = "x"\n[run]\njobs = 2\n'),
    _s("toml-window-crossed", "[windows] shock = [130, 104]", "window shock = [130, 104] needs 0 <= start < end", 'name = "x"\n[windows]\nshock = [130, 104]\n'),
    _s("toml-window-fraction", "[windows] shock = [104, 129.5]", "window shock = [104, 129.5] is not [start, end] with two whole numbers of weeks", 'name = "x"\n[windows]\nshock = [104, 129.5]\n'),
    _s("toml-window-name", "[windows] \"the shock\" = [104, 130]", "window name 'the shock' is not an identifier", 'name = "x"\n[windows]\n"the shock" = [104, 130]\n'),
    _s("toml-name-number", "name = 5", "name = 5 must be a non-empty text", f'name = 5\n[parameters]\n{TINY}\n{RUN_SMALL}'),
    _s("toml-name-empty", "name = \"\"", "name = '' must be a non-empty text", f'name = ""\n[parameters]\n{TINY}\n{RUN_SMALL}'),
    _s("toml-no-strategy", "every effort_* = 0", "parameters effort_* are all 0 while network_active is true",
       'name = "x"\n[parameters]\n' + "".join(f"effort_{s} = 0\n" for s in ("consciousness", "organizing", "bargaining", "advocacy", "alternatives", "alliances"))),
    _s("toml-latin1", "Latin-1 bytes (café)", "is not UTF-8 text (byte 9)", 'name="caf\xe9"\n'.encode("latin-1")),
    _s("toml-utf16", "UTF-16 text", "is not UTF-8 text (byte 0)", 'name = "x"\n'.encode("utf-16")),
    _s("toml-binary", "256 bytes of binary", "is not UTF-8 text (byte 128)", bytes(range(256))),
    _s("toml-truncated", "file cut in a number: tokenism = 0.", "is not valid TOML: Expected newline or end of document after a statement (at line 3", b'name = "x"\n[parameters]\ntokenism = 0.'),
    _s("toml-truncated-table", "file cut in a table header: [parameters", "is not valid TOML: Expected ']' at the end of a table declaration (at line 2", b'name = "x"\n[parameters\n'),
    _s("toml-nul", "a NUL byte", "is not valid TOML", b'name = "x"\x00\n'),
    _s("toml-bom", "UTF-8 with a byte-order mark (Windows Notepad)", ACCEPTED, f'\ufeffname = "x"\n[parameters]\n{TINY}\n{RUN_SMALL}'.encode()),
    _s("toml-empty", "an empty file (the status quo)", ACCEPTED, f"[parameters]\n{TINY}\n{RUN_SMALL}"),
)


def _w(id_: str, given: str, expected: str, content: str | bytes) -> Case:
    return Case(id_, "sweep TOML", given, expected,
                args=("sweep", "{file}", "--out", "{tmp}/o", "--jobs", "1", "--quiet", "--no-report"),
                data=content, code=0 if expected == ACCEPTED else 2)


HEAD = f"[sweep]\nweeks = 2\n[parameters]\n{TINY}\n"
SWEEPS: tuple[Case, ...] = (
    _w("spec-grid-empty", "[grid] tokenism = []", "grid 'tokenism' must be a non-empty list of values", HEAD + "[grid]\ntokenism = []\n"),
    _w("spec-grid-scalar", "[grid] tokenism = 0.5", "grid 'tokenism' must be a non-empty list of values", HEAD + "[grid]\ntokenism = 0.5\n"),
    _w("spec-grid-nan", "[grid] tokenism = [0.1, nan]", "'tokenism' = nan is not finite", HEAD + "[grid]\ntokenism = [0.1, nan]\n"),
    _w("spec-grid-inf", "[grid] principal_price = [inf]", "'principal_price' = inf is not finite", HEAD + "[grid]\nprincipal_price = [inf]\n"),
    _w("spec-grid-duplicate", "[grid] tokenism = [0.1, 0.1]", "grid 'tokenism' lists a value twice", HEAD + "[grid]\ntokenism = [0.1, 0.1]\n"),
    _w("spec-grid-mixed", "[grid] tokenism = [0.1, \"a\"]", "'tokenism' = 'a' is not a number", HEAD + '[grid]\ntokenism = [0.1, "a"]\n'),
    _w("spec-grid-unknown", "[grid] tokensm = [0.1]", "unknown parameter 'tokensm'; did you mean tokenism, channel_tokenism?", HEAD + "[grid]\ntokensm = [0.1]\n"),
    _w("spec-grid-negative-size", "[grid] n_workers = [-10, 20]", "'n_workers' = -10 is out of bounds", "[sweep]\nweeks = 2\n[grid]\nn_workers = [-10, 20]\n"),
    _w("spec-grid-zero-subcontractors", "[grid] n_subcontractors = [0, 1]", "'n_subcontractors' = 0 is out of bounds", HEAD + "[grid]\nn_subcontractors = [0, 1]\n"),
    _w("spec-grid-crossed-sizes", "[grid] n_subcontractors = [1, 25] with 20 workers", "design point 1: parameter 'n_subcontractors' = 25 exceeds n_workers = 20", HEAD + "[grid]\nn_subcontractors = [1, 25]\n"),
    _w("spec-grid-huge-size", "[grid] n_workers = [20, 1e9]", "'n_workers' = 1000000000 is out of bounds", "[sweep]\nweeks = 2\n[grid]\nn_workers = [20, 1000000000]\n"),
    _w("spec-grid-huge-product", "a 1,000 x 1,000 x 10-replicate grid (10 million runs)", "a batch of 10,000,000 runs (1 scenario(s) x 1,000,000 point(s) x 10 replicate(s)) is more than one batch may hold (1,000,000)",
       "[sweep]\nweeks = 2\nreplicates = 10\n[grid]\n" + "tokenism = [" + ", ".join(str(i / 1000) for i in range(1000)) + "]\n"
       + "framing_intensity = [" + ", ".join(str(i / 1000) for i in range(1000)) + "]\n"),
    _w("spec-sample-crossed", "[sample] bounds principal_price = [600, 300]", "range of 'principal_price' = [600.0, 300.0]: low must be below high", HEAD + '[sample]\nsize = 2\nparameters = ["principal_price"]\nbounds = {principal_price = [600.0, 300.0]}\n'),
    _w("spec-sample-wider", "[sample] bounds wider than the registry's", "'principal_price' = 0.0 is out of bounds; accepted: 250 to 2,000", HEAD + '[sample]\nsize = 2\nparameters = ["principal_price"]\nbounds = {principal_price = [0.0, 1e9]}\n'),
    _w("spec-sample-bounds-nan", "[sample] bounds = [nan, 500]", "'principal_price' = nan is not finite", HEAD + '[sample]\nsize = 2\nparameters = ["principal_price"]\nbounds = {principal_price = [nan, 500.0]}\n'),
    _w("spec-sample-bounds-one", "[sample] bounds = [400]", "range of 'principal_price' must be [low, high]", HEAD + '[sample]\nsize = 2\nparameters = ["principal_price"]\nbounds = {principal_price = [400.0]}\n'),
    _w("spec-sample-bounds-other", "[sample] bounds for a parameter not sampled", "range given for relocation_cost, which is not among the sampled parameters", HEAD + '[sample]\nsize = 2\nparameters = ["principal_price"]\nbounds = {relocation_cost = [1.0, 2.0]}\n'),
    _w("spec-sample-duplicate", "[sample] parameters listed twice", "a parameter is listed twice in the sample", HEAD + '[sample]\nsize = 2\nparameters = ["principal_price", "principal_price"]\n'),
    _w("spec-sample-zero", "[sample] size = 0", "[sample] size = 0 is not a whole number >= 1", HEAD + '[sample]\nsize = 0\nparameters = ["principal_price"]\n'),
    _w("spec-sample-huge", "[sample] size = 100,000,000 (would take all memory)", "a batch of 100,000,000 runs", HEAD + '[sample]\nsize = 100000000\nparameters = ["principal_price"]\n'),
    _w("spec-sample-empty", "[sample] parameters = []", "[sample] parameters must be a list of parameter names", HEAD + "[sample]\nsize = 2\nparameters = []\n"),
    _w("spec-sample-switch", "[sample] parameters = [\"recognition\"]", "parameter 'recognition' is a switch; put it in [grid]", HEAD + '[sample]\nsize = 2\nparameters = ["recognition"]\n'),
    _w("spec-grid-and-sample", "the same parameter in [grid] and [sample]", "principal_price both in the grid and the sample", HEAD + '[grid]\nprincipal_price = [400.0]\n[sample]\nsize = 2\nparameters = ["principal_price", "relocation_cost"]\n'),
    _w("spec-scenarios-duplicate", "scenarios = [\"status_quo\", \"status_quo\"]", "scenario name(s) used twice in one batch: status_quo", '[sweep]\nweeks = 2\nscenarios = ["status_quo", "status_quo"]\n[parameters]\nn_workers = 20\n'),
    _w("spec-scenarios-empty", "scenarios = []", "[sweep] scenarios must be a non-empty list", "[sweep]\nweeks = 2\nscenarios = []\n"),
    _w("spec-scenarios-unknown", "scenarios = [\"utopia\"]", "unknown scenario 'utopia'", '[sweep]\nweeks = 2\nscenarios = ["utopia"]\n'),
    _w("spec-scenarios-number", "scenarios = [1]", "[sweep] scenarios must be a non-empty list of scenario names or paths", "[sweep]\nweeks = 2\nscenarios = [1]\n"),
    _w("spec-replicates-zero", "replicates = 0", "replicates = 0 is not a whole number >= 1", "[sweep]\nweeks = 2\nreplicates = 0\n"),
    _w("spec-replicates-float", "replicates = 2.0", "replicates = 2.0 is not a whole number >= 1", "[sweep]\nweeks = 2\nreplicates = 2.0\n"),
    _w("spec-replicates-huge", "replicates = 100,000,000", "a batch of 100,000,000 runs", HEAD.replace("weeks = 2", "weeks = 2\nreplicates = 100000000")),
    _w("spec-weeks-negative", "weeks = -2", "weeks = -2 is not a whole number >= 1", "[sweep]\nweeks = -2\n"),
    _w("spec-weeks-nan", "weeks = nan", "weeks = nan is not a whole number >= 1", "[sweep]\nweeks = nan\n"),
    _w("spec-seed-negative", "seed = -2", "seed = -2 is not a whole number >= 0", "[sweep]\nseed = -2\n"),
    _w("spec-timeseries-text", "timeseries = \"yes\"", "[sweep] timeseries = 'yes' must be true or false", '[sweep]\ntimeseries = "yes"\n'),
    _w("spec-unknown-section", "[sweeps] (typo)", "unknown section(s) sweeps; expected [sweep], [parameters], [grid], [sample], [robustness]", "[sweeps]\nweeks = 2\n"),
    _w("spec-section-not-table", "sweep = 3", "[sweep] must be a table", "sweep = 3\n"),
    _w("spec-outcomes-unknown", "[robustness] outcomes = {happiness = \"max\"}", "unknown outcome(s) happiness; accepted: piece_rate_mean, ", "[sweep]\nweeks = 2\n[robustness]\noutcomes = {happiness = \"max\"}\n"),
    _w("spec-outcomes-number", "[robustness] outcomes = 5", "[robustness] outcomes = 5 must be a table of outcome", "[sweep]\nweeks = 2\n[robustness]\noutcomes = 5\n"),
    _w("spec-duplicate-key", "weeks given twice", "is not valid TOML: Cannot overwrite a value (at line 3", "[sweep]\nweeks = 2\nweeks = 3\n"),
    _w("spec-latin1", "Latin-1 bytes", "is not UTF-8 text (byte 9)", 'name="caf\xe9"\n'.encode("latin-1")),
    _w("spec-binary", "256 bytes of binary", "is not UTF-8 text (byte 128)", bytes(range(256))),
    _w("spec-truncated", "file cut mid-array: scenarios = [\"status_quo\"", "is not valid TOML", b'[sweep]\nscenarios = ["status_quo"\n'),
    _w("spec-posterior-number", "[sweep] posterior = 5", "[sweep] posterior = 5 must be the folder of a `rumahan calibrate` run", "[sweep]\nweeks = 2\nposterior = 5\n"),
    _w("spec-draws-without-posterior", "[sweep] draws = 3 without posterior", "draws = 3 needs posterior = \"DIR\"", "[sweep]\nweeks = 2\ndraws = 3\n"),
    _w("spec-draws-zero", "[sweep] draws = 0", "draws = 0 is not a whole number >= 1", '[sweep]\nweeks = 2\nposterior = "cal"\ndraws = 0\n'),
    _w("spec-bom", "UTF-8 with a byte-order mark", ACCEPTED, ("\ufeff" + HEAD).encode()),
)


# --- output folders -------------------------------------------------------------------------------------
def _o(id_: str, given: str, expected: str, base: str, damage: Callable[[Path], None], command: str = "compare") -> Case:
    return Case(id_, "output folder", given, expected, args=(command, "{folder}"), data=(base, damage))


def _put_json(path: Path, obj: Any) -> None:
    import json

    path.write_text(json.dumps(obj))


def _edit_manifest(**changes: Any) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        import json

        manifest = json.loads((folder / "manifest.json").read_text())
        manifest.update(changes)
        _put_json(folder / "manifest.json", manifest)

    return damage


def _truncate(name: str, keep: int | None = None) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: len(data) // 2 if keep is None else keep])

    return damage


def _foreign_parquet(name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        import pandas as pd

        pd.read_parquet(folder / name).to_parquet(folder / name)  # the same table, rewritten by pandas

    return damage


def _interrupted_with(part: bytes | None = None, foreign: bool = False) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        import pandas as pd

        _edit_manifest(status="running")(folder)
        (folder / "parts").mkdir()
        path = folder / "parts" / "0000001.parquet"
        if foreign:
            pd.DataFrame({"a": [1]}).to_parquet(path)
        else:
            path.write_bytes(part or b"")

    return damage


OUTPUTS: tuple[Case, ...] = (
    _o("out-manifest-truncated", "manifest.json cut in half", "manifest.json is not valid JSON", "sweep", _truncate("manifest.json")),
    _o("out-manifest-empty", "manifest.json empty", "manifest.json is not valid JSON (Expecting value: line 1 column 1", "sweep", _truncate("manifest.json", 0)),
    _o("out-manifest-binary", "manifest.json is binary", "manifest.json is not valid JSON ('utf-8' codec can't decode", "sweep", lambda f: (f / "manifest.json").write_bytes(bytes(range(256)))),
    _o("out-manifest-list", "manifest.json holds a JSON list", "is not a Rumahan manifest (no \"format\": \"rumahan-output\")", "sweep", lambda f: _put_json(f / "manifest.json", [1, 2])),
    _o("out-manifest-other-tool", "manifest.json of another tool", "is not a Rumahan manifest", "sweep", lambda f: _put_json(f / "manifest.json", {"name": "something else"})),
    _o("out-manifest-kind", "\"kind\": \"potato\"", "has unknown kind 'potato'", "sweep", _edit_manifest(kind="potato")),
    _o("out-manifest-newer", "\"format_version\": 99", "has format version 99; this Rumahan reads up to 2", "sweep", _edit_manifest(format_version=99)),
    _o("out-manifest-plan-text", "\"plan\": \"x\" (hand-edited)", "is damaged: \"plan\" is str 'x', expected dict", "sweep", _edit_manifest(plan="x")),
    _o("out-manifest-runs-text", "\"runs\": \"x\"", "is damaged: \"runs\" is str 'x', expected list", "sweep", _edit_manifest(runs="x")),
    _o("out-manifest-runs-numbers", "\"runs\": [1, 2]", "is damaged: \"runs\" must list one object with a run_id per run", "sweep", _edit_manifest(runs=[1, 2])),
    _o("out-manifest-runs-done-nan", "\"runs_done\": NaN", "is damaged: \"runs_done\" is float nan, expected int", "sweep", lambda f: (f / "manifest.json").write_text((f / "manifest.json").read_text().replace('"runs_done": 8', '"runs_done": NaN'))),
    _o("out-manifest-folder", "manifest.json is a folder", "is not a Rumahan output folder (no manifest.json)", "sweep", lambda f: ((f / "manifest.json").unlink(), (f / "manifest.json").mkdir())),
    _o("out-runs-missing", "runs.parquet deleted", "runs.parquet is missing", "sweep", lambda f: (f / "runs.parquet").unlink()),
    _o("out-runs-truncated", "runs.parquet cut in half", "runs.parquet is truncated or not a Parquet file", "sweep", _truncate("runs.parquet")),
    _o("out-runs-empty", "runs.parquet of 0 bytes", "runs.parquet is truncated or not a Parquet file", "sweep", _truncate("runs.parquet", 0)),
    _o("out-runs-csv", "runs.parquet holds CSV text", "runs.parquet is truncated or not a Parquet file", "sweep", lambda f: (f / "runs.parquet").write_text("a,b\n1,2\n")),
    _o("out-runs-foreign", "runs.parquet rewritten by pandas (a Parquet file from something else)", "runs.parquet is a Parquet file that Rumahan did not write", "sweep", _foreign_parquet("runs.parquet")),
    _o("out-runs-folder", "runs.parquet is a folder", "runs.parquet is a folder, not a Parquet file", "sweep", lambda f: ((f / "runs.parquet").unlink(), (f / "runs.parquet").mkdir())),
    _o("out-series-swapped", "timeseries.parquet replaced by runs.parquet", "timeseries.parquet holds a 'runs' table, expected 'timeseries'", "sweep", lambda f: shutil.copy(f / "runs.parquet", f / "timeseries.parquet")),
    _o("out-design-foreign", "design.parquet from something else", "design.parquet is a Parquet file that Rumahan did not write", "sweep", _foreign_parquet("design.parquet")),
    _o("out-part-junk", "an interrupted batch whose parts/0000001.parquet holds 4 junk bytes", "is not a readable run part", "sweep", _interrupted_with(b"junk")),
    _o("out-part-foreign", "an interrupted batch with a Parquet file from something else in parts/", "is not a run part (no 'rumahan.run' record); delete it and rerun", "sweep", _interrupted_with(foreign=True)),
    _o("out-run-summary-missing", "a run folder without summary.json", "summary.json is missing", "run", lambda f: (f / "summary.json").unlink(), command="rerun"),
    _o("out-run-summary-bad", "summary.json is not JSON", "summary.json is not a Rumahan summary", "run", lambda f: (f / "summary.json").write_text("{oops"), command="rerun"),
    _o("out-run-summary-list", "summary.json metrics are a list", "summary.json is not a Rumahan summary (\"metrics\" must map each metric to a number)", "run", lambda f: _put_json(f / "summary.json", {"metrics": [1]}), command="rerun"),
    _o("out-run-summary-windows", "summary.json windows without their weeks", "summary.json is not a Rumahan summary (\"windows\" must map each name to {\"weeks\": [start, end], metric: value, ...})", "run", lambda f: _put_json(f / "summary.json", {**json.loads((f / "summary.json").read_text()), "windows": {"shock": [104, 130]}}), command="rerun"),
    _o("out-run-series-truncated", "a run's timeseries.parquet cut in half", "timeseries.parquet is truncated or not a Parquet file", "run", _truncate("timeseries.parquet"), command="rerun"),
    _o("out-run-parameters-text", "a run manifest's \"parameters\": \"x\"", "is damaged: \"parameters\" is str 'x', expected dict", "run", _edit_manifest(parameters="x"), command="rerun"),
    _o("out-run-seed-text", "a run manifest's \"seed\": \"x\"", "is damaged: \"seed\" is str 'x', expected int", "run", _edit_manifest(seed="x"), command="rerun"),
    _o("out-run-seed-huge", "a run manifest's \"seed\": 2**70", "is damaged: \"seed\" = 1180591620717411303424 is not from 0 to 2**64 - 1", "run", _edit_manifest(seed=2**70), command="rerun"),
    _o("out-rerun-identity", "a sweep manifest whose overrides were edited", "are not the batch the folder holds (its identity differs)", "sweep",
       lambda f: _edit_manifest(plan={**__import__("json").loads((f / "manifest.json").read_text())["plan"], "overrides": {"n_workers": 21}})(f), command="rerun"),
)


# --- the dashboard's link --------------------------------------------------------------------------
def _q(id_: str, given: str, expected: str, query: dict[str, Any]) -> Case:
    return Case(id_, "dashboard link", given, expected, data=query)


LINKS: tuple[Case, ...] = (
    _q("url-negative-size", "?n_workers=-5", "'n_workers' = -5 is out of bounds", {"n_workers": "-5"}),
    _q("url-too-big-with-others", "?tokenism=0.3&n_workers=5000000&weeks=2600&seed=7",
       "so the link's n_workers = 5000000, weeks = 2600 are left out",
       {"tokenism": "0.3", "n_workers": "5000000", "weeks": "2600", "seed": "7"}),
    _q("url-several-bad", "?seed=-5&weeks=0&n_workers=5", "weeks = 0 is not a whole number from 1 to 2,600",
       {"seed": "-5", "weeks": "0", "n_workers": "5"}),
    _q("url-nan", "?tokenism=nan", "'tokenism' = nan is not finite", {"tokenism": "nan"}),
    _q("url-inf", "?tokenism=inf", "'tokenism' = inf is not finite", {"tokenism": "inf"}),
    _q("url-long-number", "?tokenism=111...1 (10,000 digits)", "'tokenism' = inf is not finite", {"tokenism": "1" * 10_000}),
    _q("url-nul", "?tokenism=0.5%00", "'tokenism' = '0.5\\x00' is not a number", {"tokenism": "0.5\x00"}),
    _q("url-zero-subcontractors", "?n_subcontractors=0", "'n_subcontractors' = 0 is out of bounds", {"n_subcontractors": "0"}),
    _q("url-crossed-sizes", "?n_workers=20&n_subcontractors=30", "'n_subcontractors' = 30 exceeds n_workers = 20", {"n_workers": "20", "n_subcontractors": "30"}),
    _q("url-seed-negative", "?seed=-1", "seed = -1 is not a whole number from 0 to 9,007,199,254,740,991", {"seed": "-1"}),
    _q("url-seed-text", "?seed=abc", "seed = 'abc' is not a whole number", {"seed": "abc"}),
    _q("url-seed-huge", "?seed=2**60 (more than a browser number box holds)", "is not a whole number from 0 to 9,007,199,254,740,991", {"seed": str(2**60)}),
    _q("url-weeks-zero", "?weeks=0", "weeks = 0 is not a whole number from 1 to 2,600", {"weeks": "0"}),
    _q("url-weeks-huge", "?weeks=99999999", "weeks = 99999999 is not a whole number from 1 to 2,600", {"weeks": "99999999"}),
    _q("url-scenario-path", "?scenario=../../etc/passwd", "unknown scenario '../../etc/passwd'; valid: status_quo", {"scenario": "../../etc/passwd"}),
    _q("url-scenario-empty", "?scenario=", "unknown scenario ''", {"scenario": ""}),
    _q("url-unknown", "?colour=red", "unknown parameter 'colour'", {"colour": "red"}),
    _q("url-schedule-garbage", "?schedule=garbage", "schedule entry 'garbage' does not start with a week number", {"schedule": "garbage"}),
    _q("url-schedule-size", "?schedule=52:n_workers=5", "schedule: parameter 'n_workers' = 5 is out of bounds", {"schedule": "52:n_workers=5"}),
    _q("url-schedule-negative", "?schedule=-5:tokenism=0.1", "schedule week -5 is not a whole number >= 0", {"schedule": "-5:tokenism=0.1"}),
    _q("url-schedule-never", "?schedule=99999999999999999999:tokenism=0.1", "week 99999999999999999999 is after the longest run (2600 weeks)", {"schedule": "99999999999999999999:tokenism=0.1"}),
    _q("url-schedule-trailing-comma", "?schedule=5:tokenism=0.1,", "schedule change '' is not written name=value", {"schedule": "5:tokenism=0.1,"}),
    _q("url-no-strategy", "every effort_* = 0", "parameters effort_* are all 0", {f"effort_{s}": "0" for s in ("consciousness", "organizing", "bargaining", "advocacy", "alternatives", "alliances")}),
    _q("url-too-long-a-run", "?n_workers=5000000&weeks=2600 (fits in memory, but hours of running)", "n_workers x weeks = 5,000,000 x 2,600 is more than the 100,000,000 worker-weeks the dashboard runs", {"n_workers": "5000000", "weeks": "2600"}),
    _q("url-repeated", "?tokenism=0.1&tokenism=0.2 (a repeated key: the last wins)", ACCEPTED, {"tokenism": ["0.1", "0.2"]}),
)


def _u(id_: str, given: str, expected: str, content: bytes) -> Case:
    return Case(id_, "dashboard upload", given, expected, data=content)


UPLOADS: tuple[Case, ...] = (
    _u("upload-latin1", "a Latin-1 scenario file", "cannot be used: it is not UTF-8 text (byte 9); save it as UTF-8", 'name="caf\xe9"\n'.encode("latin-1")),
    _u("upload-binary", "a binary file named .toml", "cannot be used: it is not UTF-8 text", bytes(range(256))),
    _u("upload-truncated", "a file cut in a number", "cannot be used: upload.toml is not valid TOML", b"[parameters]\ntokenism = 0."),
    _u("upload-nan", "tokenism = nan", "'tokenism' = nan is not finite", b"[parameters]\ntokenism = nan\n"),
    _u("upload-huge", "n_workers = 1_000_000_000", "'n_workers' = 1000000000 is out of bounds", b"[parameters]\nn_workers = 1_000_000_000\n"),
    _u("upload-sweep-spec", "a sweep spec instead of a scenario", "unknown key(s) sweep", b"[sweep]\nweeks = 3\n"),
    _u("upload-seed-huge", "[run] seed = 2**63 - 1 (more than the dashboard's seed box)", "upload.toml cannot be used: seed = 9223372036854775807 is not a whole number from 0 to 9,007,199,254,740,991", b"[run]\nseed = 9223372036854775807\n"),
    _u("upload-bom", "UTF-8 with a byte-order mark", ACCEPTED, "\ufeff[parameters]\nn_workers = 200\n[run]\nweeks = 52\n".encode()),
)

ALL: tuple[Case, ...] = (*API, *CLI, *SCENARIOS, *SWEEPS, *OUTPUTS, *LINKS, *UPLOADS)


# --- drivers (plain functions: the tests and the table below use them) --------------------------------
def run_cli(args: list[str]) -> tuple[int, str]:
    """``rumahan ARGS`` in this process: (exit code, stderr)."""
    from rumahan.experiments.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(args)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, err.getvalue()


def run_api(case: Case) -> tuple[int, str]:
    """Call the case: (0, "") if it runs, else (1, "ExceptionType: message")."""
    try:
        case.data()
    except Exception as exc:
        return 1, f"{type(exc).__name__}: {exc}"
    return 0, ""


def run_file_case(case: Case, tmp: Path) -> tuple[int, str]:
    """Write the case's file and run its command."""
    path = tmp / f"{case.id}.toml"
    path.write_bytes(case.data if isinstance(case.data, bytes) else case.data.encode())
    args = [a.replace("{file}", str(path)).replace("{tmp}", str(tmp)) for a in case.args]
    return run_cli(args)


def run_cli_case(case: Case, tmp: Path) -> tuple[int, str]:
    (tmp / "notes.txt").write_text("a folder that is not an output\n")
    return run_cli([a.replace("{tmp}", str(tmp)) for a in case.args])


def make_good_folders(root: Path) -> dict[str, Path]:
    """A finished tiny sweep (2 grid points x 2 replicates... x 2 = 8 runs) and a tiny single run."""
    sweep, run = root / "sweep", root / "run"
    root.mkdir(parents=True, exist_ok=True)
    spec = root / "spec.toml"
    spec.write_text(f"[sweep]\nweeks = 3\nreplicates = 2\nseed = 3\nscenarios = [\"status_quo\", \"no_network\"]\n"
                    f"[parameters]\n{TINY}\n[grid]\ntokenism = [0.1, 0.5]\n")
    for args in (["sweep", str(spec), "--out", str(sweep), "--jobs", "1", "--quiet", "--no-report"],
                 ["run", "--scenario", "status_quo", "--set", TINY, "--weeks", "3", "--out", str(run), "--quiet"]):
        code, err = run_cli(args)
        assert code == 0, err
    return {"sweep": sweep, "run": run}


def run_output_case(case: Case, good: dict[str, Path], tmp: Path) -> tuple[int, str]:
    """Copy a good folder, damage it, and run the case's command on it (``rerun`` with ``--jobs 1``)."""
    base, damage = case.data
    folder = tmp / case.id
    shutil.copytree(good[base], folder)
    damage(folder)
    args = [a.replace("{folder}", str(folder)) for a in case.args]
    if args[0] == "rerun":
        args += ["--jobs", "1", "--quiet"]
    return run_cli(args)


def read_link(case: Case) -> tuple[int, str]:
    """The dashboard's reading of a link (``RunConfig.read_query``): (number of problems, their text)."""
    from rumahan.dashboard.run_config import RunConfig

    _, problems = RunConfig.read_query(case.data)
    return len(problems), "; ".join(problems)


def read_upload(case: Case) -> tuple[int, str]:
    """What the Share page does with an uploaded file (decode, then ``RunConfig.from_toml``)."""
    from rumahan.dashboard.run_config import ConfigError, RunConfig

    try:
        RunConfig.from_toml(case.data.decode("utf-8-sig"), "upload.toml")
    except ConfigError as exc:
        return 1, f"upload.toml cannot be used: {str(exc).removeprefix('upload.toml: ')}"
    except UnicodeDecodeError as exc:
        return 1, f"upload.toml cannot be used: it is not UTF-8 text (byte {exc.start}); save it as UTF-8"
    return 0, ""


def observe(case: Case, tmp: Path, good: dict[str, Path] | None = None) -> tuple[int, str]:
    """Run any case: (exit code or failure flag, the message seen)."""
    if case.entry == "Python API":
        return run_api(case)
    if case.entry in ("scenario TOML", "sweep TOML"):
        return run_file_case(case, tmp)
    if case.entry == "CLI":
        return run_cli_case(case, tmp)
    if case.entry == "output folder":
        assert good is not None
        return run_output_case(case, good, tmp)
    if case.entry == "dashboard link":
        return read_link(case)
    return read_upload(case)


def markdown_table() -> str:
    """Every case with the message it gets now, as the Markdown table of docs/robustness.md."""
    lines = ["| id | entry point | input | expected | result |", "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        good = make_good_folders(root / "good")
        for i, case in enumerate(ALL):
            tmp = root / f"c{i}"
            tmp.mkdir()
            code, message = observe(case, tmp, good)
            text = " ".join(message.split()).replace(str(tmp), "DIR").replace(str(root), "DIR").replace("|", "\\|")
            if len(text) > 160:
                text = text[:157] + "..."
            dashboard = case.entry.startswith("dashboard")
            expected = ("used" if dashboard else "runs") if case.expected == ACCEPTED else "refused"
            if case.expected == ACCEPTED and code == 0:
                result = "used, no problem reported" if dashboard else "runs (exit 0)"
            elif case.entry in ("Python API", "dashboard link", "dashboard upload"):
                result = f"`{text}`"
            else:
                result = f"exit {code}: `{text}`"
            given = case.given.replace("|", "\\|")
            lines.append(f"| `{case.id}` | {case.entry} | {given} | {expected} | {result} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
    sys.exit(0)
