"""How finished runs are laid out as tables: one row per run, one row per run-week, one per event.

Columns of the runs table (``runs.parquet``):

- ``run_id``, ``scenario``, ``point`` (design point), ``replicate``, ``seed``: which run;
- ``param.<name>`` for every registry parameter: its value at week 0 (defaults filled in; the
  prefix keeps parameters apart from metrics of the same name, e.g. ``c177_ratified``);
- every metric of ``model.metrics.METRIC_NAMES``: its mean over the final year (``week`` and
  ``year`` are the last week and year).

The windows table (``windows.parquet``, written when the batch's scenarios declare ``[windows]``)
has one row per run and window the run covers: ``run_id, scenario, point, replicate, seed``,
``window`` (its name), ``start_week`` and ``end_week`` (weeks ``start_week`` to ``end_week - 1``),
then every outcome (``OUTCOME_NAMES``): its mean over the window. It has the runs table's id
columns, so ``experiments.compare.comparison_table`` reads one window's rows as it reads runs. A
window a run does not cover whole has no row (it is absent, not a mean over part of it).

The time-series table has ``run_id, scenario, point, replicate`` and then every metric, one row per
week (week 0 included); the events table ``run_id, scenario, point, replicate, week, kind, detail``.
Rows are ordered by the batch's run order, so the tables do not depend on which run finished first.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rumahan.experiments.tasks import RunOutput, RunTask
from rumahan.model import params as registry
from rumahan.model.metrics import METRIC_NAMES

PARAM_PREFIX = "param."
#: Schema-metadata key of a part file holding its run's row, events and timing (JSON).
PART_KEY = b"rumahan.run"
ID_COLUMNS = ("run_id", "scenario", "point", "replicate", "seed")
SERIES_ID_COLUMNS = ("run_id", "scenario", "point", "replicate")
EVENT_COLUMNS = (*SERIES_ID_COLUMNS, "week", "kind", "detail")
#: Metrics whose final-year mean is an outcome (``week`` and ``year`` only say when).
OUTCOME_NAMES = tuple(m for m in METRIC_NAMES if m not in ("week", "year"))


def unknown_outcomes(names: Iterable[str]) -> str:
    """The refusal of outcome names that are not metrics: close matches, then every accepted name."""
    names = list(names)
    if not names:
        return f"no outcome given; accepted: {', '.join(OUTCOME_NAMES)}"
    close = difflib.get_close_matches(names[0], OUTCOME_NAMES, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"unknown outcome(s) {', '.join(names)}{hint}; accepted: {', '.join(OUTCOME_NAMES)}"
#: Columns of the windows table before the outcomes.
WINDOW_COLUMNS = (*ID_COLUMNS, "window", "start_week", "end_week")
#: Column types of metrics in stored time series: ``week`` and ``year`` whole, the rest float64.
SERIES_TYPES = {name: "int64" if name in ("week", "year") else "float64" for name in METRIC_NAMES}


def param_column(name: str) -> str:
    """Column of parameter ``name`` in a runs table."""
    return PARAM_PREFIX + name


def run_row(task: RunTask, output: RunOutput) -> dict[str, Any]:
    """The runs-table row of a finished run."""
    row: dict[str, Any] = {
        "run_id": task.run_id, "scenario": task.scenario, "point": task.point,
        "replicate": task.replicate, "seed": int(output.seed),
    }
    for p in registry.PARAMETERS:
        row[param_column(p.name)] = output.params.get(p.name)
    for name in METRIC_NAMES:
        row[name] = output.summary.get(name, np.nan)
    return row


def window_rows(ids: Mapping[str, Any], windows: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Windows-table rows of one run: ``ids`` (``run_id, scenario, point, replicate, seed``) and each
    window it covers (``RunResult.windows``; absent windows have no row)."""
    rows = []
    for name, entry in windows.items():
        if "absent" in entry:
            continue
        start, end = entry["weeks"]
        rows.append({**ids, "window": name, "start_week": int(start), "end_week": int(end),
                     **{m: entry.get(m, np.nan) for m in OUTCOME_NAMES}})
    return rows


def run_window_rows(task: RunTask, output: RunOutput) -> list[dict[str, Any]]:
    """The windows-table rows of a finished run of a batch."""
    ids = {"run_id": task.run_id, "scenario": task.scenario, "point": task.point, "replicate": task.replicate,
           "seed": int(output.seed)}
    return window_rows(ids, output.windows)


def windows_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A windows table from rows (see the module docstring), with stable column types (also when empty)."""
    columns = [*WINDOW_COLUMNS, *OUTCOME_NAMES]
    frame = pd.DataFrame(list(rows)).reindex(columns=columns)
    types: dict[str, Any] = {"run_id": "string", "scenario": "string", "point": "int64", "replicate": "int64",
                             "seed": "uint64", "window": "string", "start_week": "int64", "end_week": "int64",
                             **{m: "float64" for m in OUTCOME_NAMES}}
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=types[c]) for c in columns})
    return frame.astype(types)


def _param_dtype(entry: registry.Parameter) -> str:
    return {"bool": "bool", "int": "int64", "float": "float64"}[entry.kind]


def runs_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A runs table from rows (see the module docstring), with stable column types."""
    frame = pd.DataFrame(list(rows))
    columns = [*ID_COLUMNS, *(param_column(p.name) for p in registry.PARAMETERS), *METRIC_NAMES]
    frame = frame.reindex(columns=columns)
    types: dict[str, Any] = {
        "run_id": "string", "scenario": "string", "point": "int64", "replicate": "int64", "seed": "uint64",
    }
    for p in registry.PARAMETERS:
        types[param_column(p.name)] = _param_dtype(p)
    for name in METRIC_NAMES:
        types[name] = "int64" if name in ("week", "year") else "float64"
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=types[c]) for c in columns})
    # A folder written before a parameter was added has no value for it: keep the gap (nullable types).
    for column, dtype in list(types.items()):
        if column.startswith(PARAM_PREFIX) and frame[column].isna().any():
            types[column] = {"int64": "Int64", "bool": "boolean"}.get(dtype, dtype)
    return frame.astype(types).copy()  # copy: one block per type, so later inserts stay cheap


def timeseries_rows(task: RunTask, output: RunOutput) -> pd.DataFrame:
    """The weekly series of a finished run with its id columns (empty if it was not kept)."""
    series = output.timeseries
    n = 0 if series is None else len(series)
    columns: dict[str, Any] = {
        "run_id": pd.array([task.run_id] * n, dtype="string"),
        "scenario": pd.array([task.scenario] * n, dtype="string"),
        "point": np.full(n, task.point, dtype=np.int64),
        "replicate": np.full(n, task.replicate, dtype=np.int64),
    }
    # one column type per metric whatever the run (counts are exact in float64)
    for name in METRIC_NAMES:
        values = np.empty(0) if series is None else series[name].to_numpy()
        columns[name] = values.astype(SERIES_TYPES[name], copy=False)
    return pd.DataFrame(columns)


def event_rows(task: RunTask, output: RunOutput) -> list[dict[str, Any]]:
    """The events of a finished run as events-table rows."""
    return [
        {"run_id": task.run_id, "scenario": task.scenario, "point": task.point, "replicate": task.replicate,
         "week": int(e["week"]), "kind": str(e["kind"]), "detail": str(e["detail"])}
        for e in output.events
    ]


def events_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """An events table from rows, with stable column types (also when empty)."""
    frame = pd.DataFrame(list(rows), columns=list(EVENT_COLUMNS))
    return frame.astype({
        "run_id": "string", "scenario": "string", "point": "int64", "replicate": "int64",
        "week": "int64", "kind": "string", "detail": "string",
    })


def jsonable(value: Any) -> Any:
    """``value`` with NaN and infinities as ``None`` (JSON has no NaN) and numpy scalars as Python ones."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def part_record(task: RunTask, output: RunOutput) -> dict[str, Any]:
    """What a part file says about its run besides the weekly series: row, events and timing."""
    return {
        "row": run_row(task, output),
        "events": event_rows(task, output),
        "windows": run_window_rows(task, output),
        "timing": {
            "run_id": task.run_id, "index": task.index, "seed": output.seed,
            "wall_time_s": output.wall_time_s, "finished": output.finished,
            "host": output.host, "pid": output.pid, "session": task.session,
        },
    }


def part_bytes(task: RunTask, output: RunOutput) -> bytes:
    """A finished run as a Parquet file: its weekly series, with ``part_record`` as metadata."""
    table = pa.Table.from_pandas(timeseries_rows(task, output), preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[PART_KEY] = json.dumps(jsonable(part_record(task, output)), allow_nan=False).encode()
    sink = pa.BufferOutputStream()
    pq.write_table(table.replace_schema_metadata(meta), sink)
    return sink.getvalue().to_pybytes()
