"""A batch plan: every run of a sweep, comparison, sensitivity or robustness analysis, fixed in
advance (scenario x design point x replicate, with its parameters and seed), and its identity.

The identity is a hash of what the runs compute (scenario definitions, parameters, schedules,
seeds, weeks, what is kept), not of how the spec was written, so rerunning the same command finds
the folder it started and resumes it, and a different batch is told apart.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from rumahan.experiments.scenarios import (
    WEEK_PARAMETERS,
    Scenario,
    ScenarioError,
    merge_windows,
    warn_if_schedule_after_end,
    warn_if_windows_after_end,
)
from rumahan.experiments.seeds import check_seed, replicate_seeds
from rumahan.experiments.tasks import RunTask
from rumahan.model import params as registry
from rumahan.model.calendar import DEFAULT_WEEKS
from rumahan.model.errors import RumahanInputError


@dataclass
class Plan:
    """The runs of a batch.

    Attributes:
        kind: ``'sweep' | 'comparison' | 'sensitivity' | 'robustness'``.
        tasks: the runs, in the order results are stored and reported.
        scenarios: the scenarios (levers), in order.
        design: one row per design point: ``point`` and the varied parameters (bare names);
            ``None`` when every run of a scenario has the same parameters.
        overrides: parameter changes applied to every run (after the scenario's, before the point's).
        replicates, weeks, root_seed: as given.
        keep_timeseries: whether weekly series are stored.
        settings: anything else that describes the batch for the manifest (spec file, method...).
        windows: the named windows every run reports (``merge_windows`` of the scenarios'); not part
            of the identity, since they do not change what the runs compute.
    """

    kind: str
    tasks: list[RunTask]
    scenarios: list[Scenario]
    design: pd.DataFrame | None
    overrides: dict[str, Any]
    replicates: int
    weeks: int
    root_seed: int
    keep_timeseries: bool = True
    settings: dict[str, Any] = field(default_factory=dict)
    windows: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def seeds(self) -> list[int]:
        return replicate_seeds(self.root_seed, self.replicates)

    @property
    def points(self) -> int:
        return 1 if self.design is None else len(self.design)

    def identity(self) -> str:
        """SHA-256 of what the runs compute; equal plans give equal hashes."""
        body = {
            "kind": self.kind,
            "keep_timeseries": self.keep_timeseries,
            "tasks": [
                [t.run_id, t.scenario, t.point, t.replicate, t.seed, t.weeks, _canonical(t.params),
                 [[w, _canonical(c)] for w, c in t.schedule]]
                for t in self.tasks
            ],
        }
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def describe(self) -> dict[str, Any]:
        """The plan for the manifest (the design itself goes in design.parquet)."""
        return {
            "kind": self.kind,
            "runs_total": len(self.tasks),
            "scenarios": [scenario_record(s) for s in self.scenarios],
            "overrides": dict(self.overrides),
            "points": self.points,
            "varied": [] if self.design is None else [c for c in self.design.columns if c != "point"],
            "replicates": self.replicates,
            "weeks": self.weeks,
            "root_seed": self.root_seed,
            "seeds": self.seeds,
            "timeseries": self.keep_timeseries,
            **({"windows": {k: list(v) for k, v in self.windows.items()}} if self.windows else {}),
            **self.settings,
        }


def _canonical(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in sorted(mapping.items())}


def scenario_record(scenario: Scenario) -> dict[str, Any]:
    """A scenario as manifest data (and its TOML text, which ``load_scenario`` reads back)."""
    return {
        "name": scenario.name,
        "description": scenario.description,
        "source": scenario.source,
        "path": None if scenario.path is None else str(scenario.path),
        "parameters": dict(scenario.parameters),
        "schedule": [[w, dict(c)] for w, c in scenario.schedule],
        **({"windows": {k: list(v) for k, v in scenario.windows.items()}} if scenario.windows else {}),
        "toml": scenario.to_toml(),
    }


def warn_about_late_changes(plan: Plan) -> None:
    """One ``ScheduleWarning`` per scenario of ``plan`` with changes after the runs' last week: in
    its schedule, or a demand shock a run's parameters start later (any design point's); and one per
    scenario whose ``[windows]`` end after it (they are reported as absent)."""
    latest: dict[str, dict[str, Any]] = {s.name: {} for s in plan.scenarios}
    for task in plan.tasks:  # the latest week each week parameter takes in the scenario's runs
        weeks = latest[task.scenario]
        for name in WEEK_PARAMETERS:
            value = task.params.get(name)
            if value is not None and (name not in weeks or value > weeks[name]):
                weeks[name] = value
    for scenario in plan.scenarios:
        warn_if_schedule_after_end(scenario.schedule, plan.weeks, where=f"scenario '{scenario.name}': ",
                                   parameters=latest[scenario.name])
        warn_if_windows_after_end(scenario.windows, plan.weeks, where=f"scenario '{scenario.name}': ")


#: Most runs one batch may plan. Its plan and manifest take about 1 KB per run (100,000 runs: ~100 MB
#: and ~1 s to build), so a typo such as a 1,000 x 1,000 x 100 grid is refused before anything is built.
MAX_RUNS = 1_000_000


def check_batch_size(runs: int, detail: str) -> int:
    """``runs`` if at most ``MAX_RUNS``, else ``RumahanInputError`` saying how the count arose (``detail``)."""
    if runs > MAX_RUNS:
        raise RumahanInputError(
            f"a batch of {runs:,} runs ({detail}) is more than one batch may hold ({MAX_RUNS:,}); "
            "use fewer levels, points or replicates, or split it into several sweeps"
        )
    return runs


def check_count(value: Any, what: str, low: int = 1) -> int:
    """``value`` as an int >= ``low``, or ``RumahanInputError`` naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise RumahanInputError(f"{what} = {value!r} is not a whole number >= {low}")
    return int(value)


def build_plan(
    kind: str,
    scenarios: Sequence[Scenario],
    *,
    design: pd.DataFrame | None = None,
    overrides: Mapping[str, Any] | None = None,
    replicates: int = 1,
    weeks: int = DEFAULT_WEEKS,
    root_seed: int = 1,
    keep_timeseries: bool = True,
    settings: Mapping[str, Any] | None = None,
) -> Plan:
    """Every run of scenarios x design points x replicates, validated against the registry.

    A run's parameters are the scenario's, then ``overrides``, then the design point's. Every
    combination is validated before anything runs; the first bad one raises ``ParameterError``
    naming the scenario, point and parameter. (``warn_about_late_changes`` says which scheduled
    changes the runs do not reach; ``run_batch`` calls it once the batch's folder is ready.)
    """
    replicates = check_count(replicates, "replicates")
    weeks = check_count(weeks, "weeks")
    check_seed(root_seed)
    if not scenarios:
        raise ScenarioError("no scenarios to run")
    points_count = 1 if design is None else len(design)
    check_batch_size(len(scenarios) * points_count * replicates,
                     f"{len(scenarios)} scenario(s) x {points_count} point(s) x {replicates} replicate(s)")
    names = [s.name for s in scenarios]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ScenarioError(f"scenario name(s) used twice in one batch: {', '.join(duplicated)}")
    overrides = dict(overrides or {})
    windows = merge_windows(scenarios)
    points = [{}] if design is None else [
        {k: _plain(v) for k, v in row.items() if k != "point"} for row in design.to_dict("records")
    ]
    seeds = replicate_seeds(root_seed, replicates)
    largest = 0
    tasks: list[RunTask] = []
    for scenario in scenarios:
        for point, values in enumerate(points):
            params = {**scenario.parameters, **overrides, **values}
            try:
                checked = registry.validate(params, check_memory=False)
            except registry.ParameterError as exc:
                where = f"scenario '{scenario.name}'" + (f", design point {point}" if design is not None else "")
                raise registry.ParameterError(f"{where}: {exc}") from None
            largest = max(largest, checked["n_workers"])
            params = {k: checked[k] for k in params}
            for replicate, seed in enumerate(seeds):
                tasks.append(RunTask(
                    index=len(tasks),
                    run_id=f"{scenario.name}-p{point}-r{replicate}",
                    scenario=scenario.name,
                    point=point,
                    replicate=replicate,
                    seed=seed,
                    weeks=weeks,
                    params=params,
                    schedule=tuple((int(w), dict(c)) for w, c in scenario.schedule),
                    keep_timeseries=keep_timeseries,
                    windows=tuple((name, start, end) for name, (start, end) in windows.items()),
                ))
    registry.check_memory_fits(largest)
    return Plan(kind, tasks, list(scenarios), design, overrides, replicates, weeks, root_seed,
                keep_timeseries, dict(settings or {}), windows)


def _plain(value: Any) -> Any:
    """numpy scalars as Python ones (bools stay bools)."""
    return value.item() if hasattr(value, "item") else value
