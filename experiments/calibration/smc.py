"""``rumahan calibrate``: ABC-SMC with pyabc, every simulation a run task of the experiments engine.

How it fits together:

- Priors are uniform over each calibrated parameter's plausible range (``Parameter.sample_range``)
  or a ``--range``; whole-number parameters are rounded when a run is built.
- ``EngineModel`` is pyabc's model: from a parameter set it builds one ``RunTask`` per replicate
  (the status quo's parameters, ``--set``, then the particle's values; seeds from the particle's own
  seed) and runs it with ``experiments.worker.simulate``, the function every batch runs. It returns
  each target's statistic (``targets.statistics``) and the particle's ``seed``, so any particle
  can be re-run bit for bit (``posterior.rerun_particle``).
- ``EngineSampler`` is pyabc's sampler: candidate ``i`` of generation ``t`` runs pyabc's
  ``simulate_one`` (draw parameters, simulate, accept or reject) under NumPy's global random
  state seeded from ``SeedSequence(--seed, spawn_key=(CANDIDATE_STREAM, t + 1, i))``. Candidates
  are taken in index order until the population is full, whatever executor ran them and in which
  order they finished, so a generation is the same on 1 or J processes or a Dask cluster. On
  several processes the candidates still in flight when the population fills are discarded
  (computed but not counted).
- pyabc keeps its history in ``DIR/abc.db`` (SQLite, no server). Rerunning the same command goes
  on from the last finished generation (``ABCSMC.load``); a generation cut short is redone, and
  since its candidates are seeded it comes out as it would have.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rumahan.experiments import storage
from rumahan.experiments.calibration import targets as targets_mod
from rumahan.experiments.calibration.targets import Target
from rumahan.experiments.executors import Execution
from rumahan.experiments.provenance import environment, now, package_versions
from rumahan.experiments.scenarios import load_scenario
from rumahan.experiments.seeds import check_seed, replicate_seeds
from rumahan.experiments.tasks import RunTask
from rumahan.experiments.worker import simulate
from rumahan.model import params as registry
from rumahan.model.errors import RumahanInputError, RumahanRunError

INSTALL_HINT = "pip install 'rumahan[calibrate]' (or `make .venv/.installed`, which installs it)"
#: Spawn-key word of the candidates' random stream (apart from replicate seeds and design samples).
CANDIDATE_STREAM = 0xCA1
DATABASE = "abc.db"
POSTERIOR = storage.CALIBRATION_FILES["posterior"]
GENERATIONS = storage.GENERATIONS
PRIOR_PREDICTIVE = storage.CALIBRATION_FILES["prior_predictive"]
FIT_PNG, POSTERIOR_PNG = storage.CALIBRATION_FIGURES
CALIBRATION_PACKAGES = ("pyabc", "sqlalchemy", "scikit-learn", "cloudpickle")


class CalibrationError(RumahanRunError):
    """A calibration that could not finish (one-line message)."""


def require_pyabc() -> Any:
    """The pyabc module, or a one-line ``RumahanInputError`` naming the extra to install."""
    from rumahan.experiments.extras import require_extra

    require_extra("calibrate", "rumahan calibrate")
    try:
        import pyabc
    except ImportError as exc:  # found but broken (e.g. a missing dependency of its own)
        raise RumahanInputError(f"rumahan calibrate needs pyabc, which does not import ({exc}): {INSTALL_HINT}") from None
    return pyabc


@dataclass
class CalibrationSetup:
    """What a calibration is: targets, priors and how each particle is simulated.

    Attributes:
        targets: the facts (``targets.load_targets``).
        priors: ``{parameter: (low, high)}``, uniform, in the order given.
        overrides: ``--set`` values for every run (on top of the scenario's parameters).
        scenario: the scenario the facts describe (the status quo).
        weeks, replicates: each particle's runs (statistics are averaged over the replicates).
        population: particles per generation; generations: how many (calibration sample not counted).
        seed: root seed of the candidates' streams.
    """

    targets: list[Target]
    priors: dict[str, tuple[float, float]]
    overrides: dict[str, Any] = field(default_factory=dict)
    scenario: str = "status_quo"
    weeks: int = 520
    replicates: int = 1
    population: int = 100
    generations: int = 5
    seed: int = 1

    def describe(self) -> dict[str, Any]:
        """JSON-ready, for the manifest."""
        return {
            "targets": [asdict(t) for t in self.targets],
            "priors": {k: list(v) for k, v in self.priors.items()},
            "overrides": dict(self.overrides), "scenario": self.scenario, "weeks": self.weeks,
            "replicates": self.replicates, "population": self.population, "generations": self.generations,
            "seed": self.seed,
        }

    def identity(self) -> str:
        """Hash of what the generations compute (everything but how many generations)."""
        described = self.describe()
        described.pop("generations")
        text = json.dumps(described, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def priors_for(names: Sequence[str], ranges: Mapping[str, Sequence[float]] | None = None) -> dict[str, tuple[float, float]]:
    """Uniform priors: each parameter's plausible range, or its ``ranges`` entry (within its bounds)."""
    ranges = dict(ranges or {})
    if not names:
        raise RumahanInputError("give at least one parameter to calibrate (--parameters NAME ...)")
    twice = sorted({n for n in names if list(names).count(n) > 1})
    if twice:
        raise RumahanInputError(f"parameter(s) named twice: {', '.join(twice)}")
    extra = sorted(set(ranges) - set(names))
    if extra:
        raise RumahanInputError(f"--range for parameter(s) not calibrated: {', '.join(extra)}; add them to --parameters")
    out = {}
    for name in names:
        entry = registry.get(name)  # ParameterError (one line, with close matches) if unknown
        if entry.kind == "bool":
            raise registry.ParameterError(f"parameter '{name}' is a switch and cannot be calibrated; fix it with --set")
        if name in ranges:
            low, high = (float(v) for v in ranges[name])
            bound_low, bound_high = (float(b) for b in entry.bounds)
            if not (bound_low <= low and high <= bound_high):
                raise registry.ParameterError(f"range {low:g}:{high:g} of '{name}' is outside its bounds "
                                              f"({entry.describe_bounds()})")
        else:  # without the float noise of default +- 50 % (0.15000000000000002)
            low, high = (float(f"{v:.12g}") for v in entry.sample_range)
        if not low < high:
            raise registry.ParameterError(f"range {low:g}:{high:g} of '{name}' is empty (low must be below high)")
        out[name] = (low, high)
    return out


def check_setup(setup: CalibrationSetup) -> CalibrationSetup:
    """Refuse, before any simulation, a setup that cannot run (one line each)."""
    for what, value, low in (("population", setup.population, 2), ("generations", setup.generations, 1),
                             ("weeks", setup.weeks, 1), ("replicates", setup.replicates, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise RumahanInputError(f"{what} = {value!r} is not a whole number >= {low}")
    check_seed(setup.seed)
    if not setup.targets:
        raise RumahanInputError("no calibration targets")
    targets_mod.check_windows(setup.targets, setup.weeks)
    both = sorted(set(setup.overrides) & set(setup.priors))
    if both:
        raise RumahanInputError(f"parameter(s) {', '.join(both)} both calibrated and fixed with --set")
    scenario = load_scenario(setup.scenario)
    for corner in (0, 1):  # every prior's low (then high) end with the fixed values
        params = {**scenario.parameters, **setup.overrides,
                  **{k: _typed(k, v[corner]) for k, v in setup.priors.items()}}
        registry.validate(params, check_memory=False)
    return setup


def _typed(name: str, value: float) -> Any:
    return round(value) if registry.get(name).kind == "int" else float(value)


def particle_tasks(setup: Mapping[str, Any], values: Mapping[str, float], seed: int) -> list[RunTask]:
    """The run tasks of one particle: its replicates, seeds from the particle's ``seed``.

    ``setup`` is ``CalibrationSetup.describe()`` (or a manifest's ``calibration``)."""
    scenario = load_scenario(setup["scenario"])
    params = {**scenario.parameters, **setup["overrides"], **{k: _typed(k, v) for k, v in values.items()}}
    seeds = replicate_seeds(int(seed), int(setup["replicates"]))
    schedule = tuple((int(w), dict(c)) for w, c in scenario.schedule)
    return [RunTask(index=r, run_id=f"particle-r{r}", scenario=scenario.name, point=0, replicate=r, seed=s,
                    weeks=int(setup["weeks"]), params=params, schedule=schedule) for r, s in enumerate(seeds)]


def particle_statistics(targets: Sequence[Target], tasks: Sequence[RunTask]) -> dict[str, float]:
    """Run a particle's tasks through the engine and compute each target's statistic."""
    runs = []
    for task in tasks:
        output = simulate(task)
        if output.error is not None:
            return {t.name: math.nan for t in targets}
        runs.append((output.timeseries, output.events))
    return targets_mod.statistics(targets, runs, tasks[0].weeks)


class EngineModel:
    """pyabc's model: a parameter set in, each target's statistic (and the particle's seed) out."""

    def __init__(self, setup: CalibrationSetup) -> None:
        self.setup = setup.describe()
        self.targets = list(setup.targets)

    def __call__(self, parameters: Mapping[str, float]) -> dict[str, float]:
        # from the candidate's seeded stream; below 2**53 so that pyabc's database (floats) keeps it exactly
        seed = int(np.random.randint(0, 2**53, dtype=np.int64))
        values = {name: float(parameters[name]) for name in self.setup["priors"]}
        stats = particle_statistics(self.targets, particle_tasks(self.setup, values, seed))
        return {**stats, "seed": seed}


class TargetDistance:
    """pyabc's distance: ``targets.distance`` (tolerance-normalised root mean square)."""

    def __init__(self, targets: Sequence[Target]) -> None:
        self.targets = list(targets)

    def __call__(self, x: Mapping[str, float], x_0: Mapping[str, float]) -> float:
        return targets_mod.distance(self.targets, x)


_LOADED: dict[bytes, Callable[[], Any]] = {}


def evaluate_candidate(simulate_one: bytes | Callable[[], Any], state: np.ndarray) -> Any:
    """Run pyabc's ``simulate_one`` (itself, or cloudpickled for another process) under NumPy's
    global random state seeded with ``state``."""
    if isinstance(simulate_one, bytes):
        key = hashlib.sha256(simulate_one).digest()
        if key not in _LOADED:
            import cloudpickle

            _LOADED.clear()
            _LOADED[key] = cloudpickle.loads(simulate_one)
        simulate_one = _LOADED[key]
    np.random.seed(state)
    return simulate_one()


def candidate_state(root: int, t: int, index: int) -> np.ndarray:
    """The seed words of candidate ``index`` of generation ``t`` (``t = -1``: the calibration sample)."""
    return np.random.SeedSequence(root, spawn_key=(CANDIDATE_STREAM, t + 1, index)).generate_state(4)


def make_sampler(setup: CalibrationSetup, execution: Execution, report: Callable[[dict[str, Any]], None],
                 prior_sample: Callable[[list[dict[str, float]]], None]) -> Any:
    """An ``EngineSampler`` (a subclass of pyabc's ``Sampler``, built here so that pyabc is only
    imported when a calibration runs)."""
    pyabc = require_pyabc()

    class EngineSampler(pyabc.sampler.Sampler):
        """Seeded, ordered candidates on the engine's executor (see the module docstring)."""

        def __init__(self) -> None:
            super().__init__()
            self.handle = None

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,
                                    ana_vars=None):
            started = time.perf_counter()
            sample = self._create_empty_sample()
            handle = self.handle
            inline = handle is None or handle.slots == 1
            payload = simulate_one
            if not inline:
                import cloudpickle

                payload = cloudpickle.dumps(simulate_one)
            slots = 1 if inline else min(handle.slots, 4 * n)
            flight: deque = deque()
            submitted = evaluated = accepted = 0

            def submit() -> None:
                nonlocal submitted
                state = candidate_state(setup.seed, t, submitted)
                if inline:
                    flight.append(evaluate_candidate(payload, state))
                else:
                    flight.append(handle.executor.submit(evaluate_candidate, payload, state))
                submitted += 1

            try:
                while accepted < n and evaluated < max_eval:
                    while len(flight) < slots and submitted < max_eval:
                        submit()
                    item = flight.popleft()
                    particle = item if inline else item.result()
                    sample.append(particle)
                    evaluated += 1
                    accepted += bool(particle.accepted)
                    execution.report(accepted, n)
            finally:
                for item in flight:
                    if not inline:
                        item.cancel()
            self.nr_evaluations_ = evaluated
            if sample.n_accepted < n:
                sample.ok = False
            if all_accepted:
                prior_sample([dict(p.sum_stat) | {f"param.{k}": float(v) for k, v in p.parameter.items()}
                              for p in sample.accepted_particles])
            eps = None
            try:
                eps = float(ana_vars.eps(t)) if ana_vars is not None and not all_accepted else None
            except Exception:  # pyabc's epsilon before initialisation
                eps = None
            report({"t": t, "evaluated": evaluated, "accepted": accepted, "seconds": time.perf_counter() - started,
                    "epsilon": eps, "calibration_sample": bool(all_accepted)})
            return sample

    return EngineSampler()


@dataclass
class CalibrationResult:
    """A finished calibration: the posterior (a column per parameter, ``weight``, ``seed``,
    ``distance``), the generations table, the folder and its manifest."""

    posterior: pd.DataFrame
    generations: pd.DataFrame
    folder: Path
    manifest: dict[str, Any]
    computed_generations: int


def _prepare(out: Path, setup: CalibrationSetup, command: str | None) -> dict[str, Any]:
    if out.exists() and not out.is_dir():
        raise storage.OutputError(f"{out} is a file; choose an output folder")
    if out.is_dir() and (out / storage.MANIFEST).exists():
        manifest = storage.read_manifest(out)
        if manifest["kind"] != "calibration" or manifest.get("identity") != setup.identity():
            what = "a different calibration" if manifest["kind"] == "calibration" else f"a {manifest['kind']}"
            raise storage.OutputError(f"{out} holds {what}; choose another output folder")
        return manifest
    if out.is_dir() and any(out.iterdir()):
        raise storage.OutputError(f"{out} is not empty and is not a Rumahan output folder; choose another output folder")
    storage.make_folder(out)
    manifest = {"kind": "calibration", "identity": setup.identity(), "status": "running", "created": now(),
                "command": command, "calibration": setup.describe(), "seed": setup.seed, "weeks": setup.weeks,
                "environment": {**environment(), "calibration_packages": package_versions(CALIBRATION_PACKAGES)},
                "sessions": []}
    storage.write_manifest(out, manifest)
    return manifest


def calibrate(setup: CalibrationSetup, out: str | Path, execution: Execution | None = None,
              announce: Callable[[str], None] | None = None) -> CalibrationResult:
    """Run (or resume, or extend to more generations) the calibration ``setup`` into ``out``.

    ``announce`` hears one line per generation (epsilon, acceptance, time)."""
    pyabc = require_pyabc()
    logging.getLogger("ABC").setLevel(logging.WARNING)  # our own line per generation instead
    check_setup(setup)
    execution = execution or Execution()
    out = Path(out)
    manifest = _prepare(out, setup, execution.command)
    say = announce or (lambda line: None)
    database = "sqlite:///" + str((out / DATABASE).resolve())
    session: dict[str, Any] = {"started": now(), "generations": [], "status": "running"}
    manifest["sessions"].append(session)
    manifest["status"] = "running"
    manifest["calibration"]["generations"] = setup.generations
    storage.write_manifest(out, manifest)

    def report(entry: dict[str, Any]) -> None:
        session["generations"].append({k: (round(v, 3) if isinstance(v, float) else v) for k, v in entry.items()})
        storage.write_manifest(out, manifest)
        what = "calibration sample from the priors" if entry["calibration_sample"] else f"generation {entry['t']}"
        eps = "" if entry["epsilon"] is None else f", epsilon {entry['epsilon']:.4g}"
        say(f"{what}: {entry['accepted']} accepted of {entry['evaluated']} simulated{eps}, "
            f"{entry['seconds']:.1f} s")

    def prior_sample(rows: list[dict[str, float]]) -> None:
        storage.write_table(out / PRIOR_PREDICTIVE, pd.DataFrame(rows), "prior_predictive")

    sampler = make_sampler(setup, execution, report, prior_sample)
    prior = pyabc.Distribution(**{name: pyabc.RV("uniform", low, high - low) for name, (low, high) in setup.priors.items()})
    abc = pyabc.ABCSMC(EngineModel(setup), prior, TargetDistance(setup.targets), population_size=setup.population,
                       sampler=sampler)
    started = time.perf_counter()
    resumed = (out / DATABASE).exists() and _finished_generations(database) > 0
    if (out / DATABASE).exists() and not resumed:
        (out / DATABASE).unlink()  # killed before the first generation was saved: start again
    if resumed:
        abc.load(database, 1)
    else:
        abc.new(database, targets_mod.observed(setup.targets))
    done_before = abc.history.max_t + 1
    remaining = setup.generations - done_before
    if remaining > 0:
        say(f"resuming after generation {done_before - 1}" if done_before else "")
        try:
            with execution.open() as handle:
                sampler.handle = handle
                session["executor"] = handle.description
                abc.run(max_nr_populations=remaining)
        except BaseException:
            session.update(status="interrupted", finished=now(), elapsed_s=round(time.perf_counter() - started, 3))
            manifest["status"] = "interrupted"
            storage.write_manifest(out, manifest)
            raise
    history = abc.history
    if history.max_t + 1 < setup.generations:
        raise CalibrationError(f"pyabc stopped after {history.max_t + 1} of {setup.generations} generations "
                               f"(no particle accepted, or epsilon stopped falling); the finished ones are in {out}")
    posterior = posterior_frame(history, list(setup.priors))
    generations = generations_frame(history)
    storage.write_table(out / POSTERIOR, posterior, "posterior")
    generations.to_csv(out / GENERATIONS, index=False)
    session.update(status="finished", finished=now(), elapsed_s=round(time.perf_counter() - started, 3))
    manifest.update(status="complete", finished=now(), generations_done=int(history.max_t + 1),
                    simulations=int(generations["simulations"].sum()),
                    final_epsilon=float(generations["epsilon"].iloc[-1]))
    storage.write_manifest(out, manifest)
    from rumahan.experiments.calibration.plots import write_figures

    write_figures(out, setup, history)
    return CalibrationResult(posterior, generations, out, manifest, max(0, remaining))


def _finished_generations(database: str) -> int:
    pyabc = require_pyabc()
    try:
        return int(pyabc.History(database, create=False).max_t + 1)
    except Exception:  # an empty or half-written database
        return 0


def posterior_frame(history: Any, names: Sequence[str], t: int | None = None) -> pd.DataFrame:
    """The particles of generation ``t`` (default: the last): a column per parameter, ``weight``
    (summing to 1), the particle's ``seed`` and ``distance``, and its statistics as ``stat.NAME``."""
    population = history.get_population(t=history.max_t if t is None else t)
    rows = []
    for particle in population.particles:
        stats = dict(particle.sum_stat)
        row = {name: float(particle.parameter[name]) for name in names}
        row.update(weight=float(particle.weight), seed=int(stats.pop("seed")), distance=float(particle.distance))
        row.update({f"stat.{k}": float(v) for k, v in stats.items()})
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["weight"] = frame["weight"] / frame["weight"].sum()
    return frame


def generations_frame(history: Any) -> pd.DataFrame:
    """One row per generation: epsilon, simulations, accepted particles and acceptance rate."""
    populations = history.get_all_populations()
    populations = populations[populations["t"] >= 0]
    frame = pd.DataFrame({
        "generation": populations["t"].astype(int).to_numpy(),
        "epsilon": populations["epsilon"].astype(float).to_numpy(),
        "simulations": populations["samples"].astype(int).to_numpy(),
        "accepted": populations["particles"].astype(int).to_numpy(),
    })
    frame["acceptance_rate"] = frame["accepted"] / frame["simulations"]
    return frame
