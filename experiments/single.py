"""One scenario run saved as an output folder (``rumahan run``): the pinned ``timeseries.parquet``
(with a batch's id columns ``run_id, scenario, point, replicate``), ``summary.json`` and
``manifest.json``, plus a one-row ``runs.parquet`` (a batch's runs table), ``events.parquet``, ``scenario.toml`` (the scenario
with its ``[run]`` seed and weeks: ``rumahan run --scenario DIR/scenario.toml --out OTHER``
repeats the run exactly) and ``figures/timeseries.png``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from rumahan.experiments import storage
from rumahan.experiments.plan import scenario_record
from rumahan.experiments.provenance import environment, now
from rumahan.experiments.records import SERIES_TYPES, events_frame, jsonable
from rumahan.experiments.runner import RunResult, run_simulation
from rumahan.experiments.scenarios import Scenario
from rumahan.model import params as registry
from rumahan.model.calendar import DEFAULT_WEEKS, WEEKS_PER_YEAR
from rumahan.model.metrics import METRIC_NAMES, OUTPUT_BY_NAME

DEFAULT_SEED = 1


def prepare_run_folder(out: Path, scenario: Scenario) -> None:
    """Create ``out``, or accept a folder holding this same run (same scenario, parameters, schedule,
    seed and weeks: it is run again and replaced); refuse anything else, a different run included,
    so that no finished result is overwritten. ``scenario`` carries its ``[run]`` seed and weeks."""
    if out.exists() and not out.is_dir():
        raise storage.OutputError(f"{out} is a file; choose a folder with --out")
    if out.is_dir() and (out / storage.MANIFEST).exists():
        manifest = storage.read_manifest(out)
        if manifest["kind"] != "run":
            raise storage.OutputError(f"{out} holds a {manifest['kind']}; choose another folder with --out")
        if _run_settings(manifest) != _run_settings(_as_json({"scenario": scenario_record(scenario),
                                                               "seed": scenario.seed, "weeks": scenario.weeks})):
            held = manifest.get("scenario", {}).get("name", "?")
            raise storage.OutputError(
                f"{out} holds a different run ('{held}', seed {manifest.get('seed', '?')}, "
                f"{manifest.get('weeks', '?')} weeks); choose another folder with --out, or delete it to replace it"
            )
    elif out.is_dir() and any(out.iterdir()):
        raise storage.OutputError(f"{out} is not empty and is not a Rumahan output folder; choose another folder")
    storage.make_folder(out)


def _as_json(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` as it reads back from a manifest (tuples become lists)."""
    return json.loads(json.dumps(record))


def _run_settings(manifest: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two single runs the same run: scenario name, parameters, schedule, seed, weeks."""
    scenario = manifest.get("scenario", {})
    return (scenario.get("name"), scenario.get("parameters"), scenario.get("schedule"), manifest.get("seed"),
            manifest.get("weeks"))


def run_scenario(
    scenario: Scenario,
    out: str | Path,
    seed: int | None = None,
    weeks: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    invocation: str | None = None,
) -> RunResult:
    """Run ``scenario`` once and save it in ``out``. ``seed`` and ``weeks`` default to the
    scenario's ``[run]`` table, else seed 1 and 520 weeks."""
    out = Path(out)
    registry.validate(scenario.parameters)  # a size that would not fit in memory is refused before the folder is made
    if seed is None:
        seed = DEFAULT_SEED if scenario.seed is None else scenario.seed
    if weeks is None:
        weeks = DEFAULT_WEEKS if scenario.weeks is None else scenario.weeks
    scenario = scenario.with_run(seed=seed, weeks=weeks)
    prepare_run_folder(out, scenario)
    started = now()
    result = run_simulation(scenario.parameters, seed=seed, weeks=weeks, schedule=list(scenario.schedule),
                            progress=progress, windows=scenario.windows)
    save_run(out, scenario, result, started=started, invocation=invocation)
    return result


def save_run(out: Path, scenario: Scenario, result: RunResult, started: str | None = None,
             invocation: str | None = None) -> None:
    """Write ``result`` of ``scenario`` into the folder ``out`` (see the module docstring)."""
    from rumahan.experiments.plots import timeseries_bands
    from rumahan.experiments.report import KEY_OUTCOMES, save_figure

    out = Path(out)
    scenario = scenario.with_run(seed=result.seed, weeks=result.weeks)
    run_id = f"{scenario.name}-seed{result.seed}"
    series = result.timeseries.reset_index(drop=True)[list(METRIC_NAMES)].astype(SERIES_TYPES)
    ids = storage.single_run_ids(run_id, scenario.name, len(series))  # the batch layout: runs can be told apart
    storage.write_table(out / storage.TIMESERIES, pd.concat([ids, series], axis=1), "timeseries")
    events = events_frame(
        {"run_id": run_id, "scenario": scenario.name, "point": 0, "replicate": 0, **e} for e in result.events
    )
    storage.write_table(out / storage.EVENTS, events, "events")
    last = len(series) - 1
    summary: dict[str, Any] = {
        "scenario": scenario.name,
        "seed": result.seed,
        "weeks": result.weeks,
        "period": {"from_week": max(0, last - WEEKS_PER_YEAR + 1), "to_week": last,
                   "statistic": "mean over the final year"},
        "metrics": result.summary,
        "units": {k: OUTPUT_BY_NAME[k].unit for k in result.summary},
    }
    if result.windows:  # weeks [start, end): start to end - 1; see experiments.runner.summarize_windows
        summary["windows"] = result.windows
    storage.write_json(out / storage.SUMMARY, summary)
    storage.atomic_write_bytes(out / storage.SCENARIO_FILE, scenario.to_toml().encode())
    manifest: dict[str, Any] = {
        "kind": "run", "status": "complete", "run_id": run_id, "command": invocation,
        "started": started or now(), "finished": now(), "wall_time_s": round(result.wall_time_s, 4),
        "scenario": scenario_record(scenario), "parameters": result.params,
        "schedule": [[w, c] for w, c in result.schedule], "seed": result.seed, "weeks": result.weeks,
        "environment": environment(),
    }
    stored = json.loads(json.dumps(jsonable({"manifest": manifest, "metrics": summary["metrics"]})))  # as read back
    runs = storage.single_run_table(stored["manifest"], stored["metrics"])
    storage.write_table(out / storage.RUNS, runs, "runs")
    storage.write_manifest(out, manifest)
    fig = timeseries_bands(pd.concat([ids[["scenario"]], series], axis=1), KEY_OUTCOMES, events=events)
    fig.suptitle(f"{scenario.name}, seed {result.seed}", fontsize=10)
    save_figure(fig, out / storage.FIGURES / "timeseries.png")
