"""Output folders: writing them so that a crash never leaves a half-written file, and reading them
back (``load_output``) for reports, the CLI and the dashboard.

Every output folder holds a ``manifest.json`` (``"format": "rumahan-output"``, its ``kind`` and
what made it). A single run (kind ``run``) holds ``timeseries.parquet`` (week and metrics),
``summary.json`` (with ``"windows"`` where the scenario declares them) and ``events.parquet``. A
batch (``sweep``, ``comparison``, ``sensitivity``, ``robustness``, ``ablation``) holds
``runs.parquet``, ``timeseries.parquet`` (unless the batch kept summaries only), ``events.parquet``,
``windows.parquet`` where its scenarios declare windows, ``design.parquet`` where it has a design,
analysis tables and ``figures/``. While a batch runs, each finished run is one file ``parts/<index>.parquet`` (its
weekly series, with its summary row, events and timing in the file's metadata), written to a
temporary name and renamed, so a crash loses at most the runs in flight; when every run has
finished the parts are consolidated into the tables above and removed.

Every Parquet table Rumahan writes carries ``rumahan.table`` in its schema metadata, so a Parquet
file from something else is recognised and refused.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from rumahan.experiments.records import (
    EVENT_COLUMNS,
    ID_COLUMNS,
    OUTCOME_NAMES,
    PART_KEY,
    SERIES_ID_COLUMNS,
    events_frame,
    jsonable,
    runs_frame,
    window_rows,
    windows_frame,
)
from rumahan.model.errors import RumahanInputError
from rumahan.model.metrics import METRIC_NAMES
from rumahan.model.params import MAX_SEED

FORMAT = "rumahan-output"
FORMAT_VERSION = 1
KINDS = ("run", "sweep", "sensitivity", "robustness", "comparison", "ablation", "calibration")

MANIFEST = "manifest.json"
RUNS = "runs.parquet"
TIMESERIES = "timeseries.parquet"
EVENTS = "events.parquet"
SUMMARY = "summary.json"
SCENARIO_FILE = "scenario.toml"
PARTS = "parts"
FIGURES = "figures"
#: Analysis tables a folder may hold, by the name ``OutputFolder.tables`` uses.
TABLE_FILES = {
    "events": EVENTS,
    "windows": "windows.parquet",
    "design": "design.parquet",
    "comparison": "comparison.parquet",
    "window_comparison": "comparison_windows.parquet",
    "indices": "indices.parquet",
    "sample": "sample.parquet",
    "regret": "regret.parquet",
    "robustness": "robustness.parquet",
    "ablation": "ablation.parquet",
    "posterior_effects": "posterior_effects.parquet",
    "indices_by_draw": "indices_by_draw.parquet",
    "posterior_indices": "posterior_indices.parquet",
}
#: A calibration folder's tables (``rumahan calibrate``, ``experiments.calibration``), its
#: generations table (CSV) and its figures (in the folder itself).
CALIBRATION_FILES = {"posterior": "posterior.parquet", "prior_predictive": "prior_predictive.parquet"}
GENERATIONS = "generations.csv"
GENERATION_COLUMNS = ("generation", "epsilon", "simulations", "accepted", "acceptance_rate")
CALIBRATION_FIGURES = ("fit.png", "posterior.png")
TABLE_KEY = b"rumahan.table"
#: Rows gathered before a row group of the consolidated time series is written (bounds memory).
ROW_GROUP_ROWS = 200_000


#: Permissions asked for when a file or folder is created: read-write (and, for folders, enter) for
#: everyone. The operating system takes the process's umask off, as for any file a program writes,
#: so Rumahan never reads the umask: reading it means setting it, process-wide, which races with
#: other threads creating files (a Streamlit server is multi-threaded).
FILE_MODE = 0o666
FOLDER_MODE = 0o777
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


class OutputError(RumahanInputError):
    """A path that is not a readable Rumahan output folder, or a folder that cannot be used (one line)."""


# --- writing, atomically ---------------------------------------------------------------------------
def make_folder(out: Path) -> None:
    """Create the output folder ``out`` (and its parents), or ``OutputError`` saying why it cannot be."""
    try:
        Path(out).mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".write-test.", suffix=".tmp")  # noqa: SIM115
        probe.close()
    except OSError as exc:
        raise OutputError(f"cannot write the output folder {out} ({exc.strerror or exc}); choose another with --out") from None


def _new_temporary(path: Path) -> tuple[int, Path]:
    """Create and open a temporary file ``.<name>.<random>.tmp`` next to ``path``, with mode
    ``FILE_MODE`` less the umask (``tempfile.mkstemp`` would make it 0600)."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, _NEW_FILE, FILE_MODE), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name next to {path}")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename; the
    folder is created if missing."""
    path = Path(path)
    path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    fd, tmp = _new_temporary(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as indented JSON, atomically (seeds above 2**53 also as strings: ``with_seed_strings``)."""
    atomic_write_bytes(path, (json.dumps(with_seed_strings(jsonable(obj)), indent=1, allow_nan=False) + "\n").encode())


#: The largest integer a JSON reader that parses numbers as doubles (JavaScript, R's jsonlite) keeps exact.
EXACT_IN_DOUBLES = 2**53


def _is_seed_key(key: str) -> bool:
    return key in ("seed", "seeds") or key.endswith(("_seed", "_seeds"))


def _too_big(value: Any) -> bool:
    if isinstance(value, list):
        return any(_too_big(v) for v in value)
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > EXACT_IN_DOUBLES


def with_seed_strings(obj: Any) -> Any:
    """``obj`` (JSON-ready) where every ``seed``/``seeds`` entry (also ``*_seed``, ``*_seeds``) holding
    an integer above 2**53 gets a twin ``seed_str``/``seeds_str`` with the same value(s) as decimal
    strings, so that JavaScript and R readers, which parse numbers as doubles, can keep them exact.

    >>> with_seed_strings({"seed": 2**63 + 5, "seeds": [1, 2**60]})
    {'seed': 9223372036854775813, 'seed_str': '9223372036854775813', 'seeds': [1, 1152921504606846976], 'seeds_str': ['1', '1152921504606846976']}
    """
    if isinstance(obj, list):
        return [with_seed_strings(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key.endswith("_str") and key[:-4] in obj and _is_seed_key(key[:-4]):
            continue  # rewritten from the number beside it
        out[key] = with_seed_strings(value)
        if _is_seed_key(key) and _too_big(value):
            out[f"{key}_str"] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return out


def _stamped(table: pa.Table, name: str) -> pa.Table:
    meta = dict(table.schema.metadata or {})
    meta.pop(PART_KEY, None)
    meta[TABLE_KEY] = name.encode()
    return table.replace_schema_metadata(meta)


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` as CSV (no index), atomically."""
    atomic_write_bytes(path, frame.to_csv(index=False).encode())


def write_table(path: Path, frame: pd.DataFrame, name: str) -> None:
    """Write ``frame`` as a Parquet table named ``name`` (stamped as Rumahan's), atomically."""
    table = _stamped(pa.Table.from_pandas(frame, preserve_index=False), name)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    atomic_write_bytes(path, sink.getvalue().to_pybytes())


# --- reading, with one-line errors ------------------------------------------------------------------
def read_table(path: Path, name: str, required: Iterable[str] = ()) -> pd.DataFrame:
    """Read a Rumahan Parquet table, refusing truncated files, other tools' files and missing columns."""
    if Path(path).is_dir():
        raise OutputError(f"{path} is a folder, not a Parquet file")
    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise OutputError(f"{path} is missing") from None
    except (pa.ArrowException, OSError) as exc:
        raise OutputError(f"{path} is truncated or not a Parquet file ({_first_line(exc)})") from None
    stamp = (table.schema.metadata or {}).get(TABLE_KEY)
    if stamp is None:
        raise OutputError(f"{path} is a Parquet file that Rumahan did not write (no '{TABLE_KEY.decode()}' stamp)")
    if stamp.decode() != name:
        raise OutputError(f"{path} holds a '{stamp.decode()}' table, expected '{name}'")
    missing = [c for c in required if c not in table.column_names]
    if missing:
        raise OutputError(f"{path} lacks column(s) {', '.join(missing[:5])}; it is not a complete '{name}' table")
    return table.to_pandas()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a Rumahan output folder, checked; ``OutputError`` if there is none or it is bad."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise OutputError(f"{folder} is not a Rumahan output folder (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OutputError(f"{path} is not valid JSON ({_first_line(exc)}); truncated or not Rumahan's") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise OutputError(f"{path} is not a Rumahan manifest (no \"format\": \"{FORMAT}\")")
    if manifest.get("kind") not in KINDS:
        raise OutputError(f"{path} has unknown kind {manifest.get('kind')!r}; expected one of {', '.join(KINDS)}")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise OutputError(f"{path} has format version {version!r}; this Rumahan reads up to {FORMAT_VERSION}")
    _check_manifest_fields(path, manifest)
    return manifest


#: Manifest entries readers rely on, and the JSON type each must have when present.
MANIFEST_FIELDS: dict[str, type | tuple[type, ...]] = {
    "plan": dict, "environment": dict, "parameters": dict, "scenario": dict, "runs": list, "sessions": list,
    "schedule": list, "status": str, "timeseries": bool, "seed": int, "weeks": int, "runs_done": int,
}


def _check_manifest_fields(path: Path, manifest: Mapping[str, Any]) -> None:
    """Refuse a manifest whose entries have the wrong JSON types (an edited or foreign file)."""
    for key, kind in MANIFEST_FIELDS.items():
        value = manifest.get(key)
        if value is not None and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
            raise OutputError(f"{path} is damaged: \"{key}\" is {type(value).__name__} {value!r:.40}, "
                              f"expected {getattr(kind, '__name__', kind)}")
    if not all(isinstance(r, dict) and "run_id" in r for r in manifest.get("runs") or []):
        raise OutputError(f"{path} is damaged: \"runs\" must list one object with a run_id per run")
    seed = manifest.get("seed")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise OutputError(f"{path} is damaged: \"seed\" = {seed} is not from 0 to 2**64 - 1")


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> None:
    """Write ``manifest`` (format and version filled in) atomically."""
    write_json(Path(folder) / MANIFEST, {"format": FORMAT, "format_version": FORMAT_VERSION, **manifest})


# --- parts: one file per finished run --------------------------------------------------------------
def part_path(folder: Path, index: int) -> Path:
    return Path(folder) / PARTS / f"{index:07d}.parquet"


def write_part(folder: Path, index: int, part: bytes) -> None:
    """Store a finished run: the part file a worker built (``records.part_bytes``)."""
    atomic_write_bytes(part_path(folder, index), part)


def read_part_record(path: Path) -> dict[str, Any]:
    """The record (row, events, timing) of a part file, without reading its series."""
    try:
        meta = pq.read_schema(path).metadata or {}
        record = json.loads(meta[PART_KEY])
    except KeyError:
        raise OutputError(f"{path} is not a run part (no '{PART_KEY.decode()}' record); delete it and rerun "
                          "the command that made the folder to compute that run again") from None
    except (pa.ArrowException, OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise OutputError(f"{path} is not a readable run part ({_first_line(exc)}); delete it and rerun the "
                          "command that made the folder to compute that run again") from None
    if not isinstance(record, dict) or not {"row", "events", "timing"} <= set(record):
        raise OutputError(f"{path} is not a complete run part; delete it and rerun to compute that run again")
    return record


def usable_parts(folder: Path, total: int) -> dict[int, Path]:
    """Part files of finished runs of a batch of ``total`` runs that can be read back. Anything else
    in ``parts/`` under a part's name (an index beyond the batch, an unreadable or foreign file) is
    deleted, so that its run is computed again and consolidation only sees the batch's own runs."""
    usable = {}
    for index, path in finished_parts(folder).items():
        try:
            if index >= total:
                raise OutputError(f"{path}: run index {index} is beyond this batch's {total} runs")
            read_part_record(path)
        except OutputError:
            path.unlink(missing_ok=True)
            continue
        usable[index] = path
    return usable


def finished_parts(folder: Path) -> dict[int, Path]:
    """Part files of finished runs by run index (temporary files of runs in flight are ignored)."""
    parts = Path(folder) / PARTS
    if not parts.is_dir():
        return {}
    return {int(p.stem): p for p in sorted(parts.glob("*.parquet")) if p.stem.isdigit()}


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files a crash left behind (``.<name>.*.tmp``)."""
    for directory in (Path(folder), Path(folder) / PARTS):
        if directory.is_dir():
            for tmp in directory.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)


@dataclass
class Consolidated:
    """What the parts of a batch hold, in run order."""

    runs: pd.DataFrame
    events: pd.DataFrame
    timings: list[dict[str, Any]]
    windows: pd.DataFrame = field(default_factory=lambda: windows_frame([]))


def gather_parts(folder: Path, series_to: Path | None) -> Consolidated:
    """Read every part in run order; stream their series into ``series_to`` (a Parquet file written
    through a temporary name) when given, keeping memory flat however many runs there are."""
    parts = sorted(finished_parts(folder).items())
    rows, timings, events, windows = [], [], [], []
    writer: pq.ParquetWriter | None = None
    tmp = None if series_to is None else series_to.with_name(f".{series_to.name}.consolidating.tmp")
    pending: list[pa.Table] = []
    pending_rows = 0
    schema = None
    try:
        for _, path in parts:
            if series_to is None:
                record = read_part_record(path)
            else:
                try:
                    table = pq.read_table(path)
                except (pa.ArrowException, OSError) as exc:
                    raise OutputError(f"{path} is not a readable run part ({_first_line(exc)})") from None
                record = json.loads(table.schema.metadata[PART_KEY])
                if schema is None:
                    schema = _stamped(table, "timeseries").schema
                    writer = pq.ParquetWriter(tmp, schema)
                pending.append(table.replace_schema_metadata(schema.metadata).cast(schema))
                pending_rows += table.num_rows
                if pending_rows >= ROW_GROUP_ROWS:
                    writer.write_table(pa.concat_tables(pending))
                    pending, pending_rows = [], 0
            rows.append(record["row"])
            events.extend(record["events"])
            windows.extend(record.get("windows", ()))  # parts written before windows have none
            timings.append(record["timing"])
        if writer is not None:
            if pending:
                writer.write_table(pa.concat_tables(pending))
            writer.close()
            writer = None
            os.replace(tmp, series_to)
    finally:
        if writer is not None:
            writer.close()
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return Consolidated(runs_frame(rows), events_frame(events), timings, windows_frame(windows))


def read_parts_series(folder: Path) -> pd.DataFrame:
    """The weekly series of every finished part, in run order (for folders still running)."""
    frames = [read_table_part(p) for _, p in sorted(finished_parts(folder).items())]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*SERIES_ID_COLUMNS, *METRIC_NAMES])


def read_table_part(path: Path) -> pd.DataFrame:
    try:
        return pq.read_table(path).to_pandas()
    except (pa.ArrowException, OSError) as exc:
        raise OutputError(f"{path} is not a readable run part ({_first_line(exc)})") from None


# --- reading a whole folder -------------------------------------------------------------------------
@dataclass
class OutputFolder:
    """A Rumahan output folder as read by ``load_output``.

    Attributes:
        path: the folder.
        kind: ``'run' | 'sweep' | 'sensitivity' | 'robustness' | 'comparison' | 'ablation' | 'calibration'``.
        manifest: the manifest (what made it: parameters, scenarios, seeds, versions, times).
        runs: one row per run (``experiments.records``), plus ``wall_time_s``; for a folder still
            running, the runs finished so far.
        timeseries: one row per run-week, or ``None`` if the batch kept summaries only.
        tables: analysis tables present: ``events``, ``windows`` (a batch's ``windows.parquet``, a
            single run's ``summary.json`` windows, in the same layout: ``experiments.records``),
            ``design``, ``comparison``, ``window_comparison``, ``indices``, ``sample`` (SALib's
            sample), ``regret``, ``robustness``, ``ablation``, ``posterior_effects`` (a batch over a
            calibration's posterior), ``indices_by_draw``, ``posterior_indices``; a calibration's
            ``posterior``, ``prior_predictive`` and ``generations`` (it has no runs).
        figures: PNG files in ``figures/`` (a calibration's ``fit.png`` and ``posterior.png``).
    """

    path: Path
    kind: str
    manifest: dict[str, Any]
    runs: pd.DataFrame | None
    timeseries: pd.DataFrame | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: list[Path] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether every planned run has finished and been consolidated."""
        return self.manifest.get("status") == "complete"


def _folder_of(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise OutputError(f"{p} does not exist")
    if p.is_file():
        if (p.parent / MANIFEST).is_file() and p.name in {MANIFEST, RUNS, TIMESERIES, SUMMARY, *TABLE_FILES.values(),
                                                          *CALIBRATION_FILES.values(), GENERATIONS}:
            return p.parent
        raise OutputError(f"{p} is a file, not a Rumahan output folder (a folder with {MANIFEST})")
    return p


def _with_wall_time(runs: pd.DataFrame, timings: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    by_id = {t["run_id"]: t.get("wall_time_s") for t in timings}
    runs = runs.copy()
    position = runs.columns.get_loc("seed") + 1
    seconds = [by_id.get(r) for r in runs["run_id"]]
    runs.insert(position, "wall_time_s", [float("nan") if s is None else float(s) for s in seconds])
    return runs


def load_output(path: str | Path) -> OutputFolder:
    """Read a Rumahan output folder (or a file in one).

    Raises ``OutputError`` with a one-line message if it is not one: no or invalid manifest, a
    Parquet file from something else, truncated or missing files.
    """
    folder = _folder_of(path)
    manifest = read_manifest(folder)
    kind = manifest["kind"]
    if kind == "calibration":
        tables = _load_calibration(folder, manifest)
        figures = [folder / name for name in CALIBRATION_FIGURES if (folder / name).is_file()]
        return OutputFolder(folder, kind, manifest, None, None, tables, figures)
    if kind == "run":
        runs, series, tables = _load_run(folder, manifest)
    else:
        runs, series, tables = _load_batch(folder, manifest)
    figures = sorted((folder / FIGURES).glob("*.png")) if (folder / FIGURES).is_dir() else []
    return OutputFolder(folder, kind, manifest, runs, series, tables, figures)


def _load_calibration(folder: Path, manifest: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """A calibration's tables: ``posterior`` and ``generations`` once it has finished (required
    then), ``prior_predictive`` once its calibration sample has run."""
    setup = manifest.get("calibration")
    if not isinstance(setup, dict) or not isinstance(setup.get("priors"), dict) or not isinstance(
            setup.get("targets"), list):
        raise OutputError(f"{folder / MANIFEST} is damaged: a calibration's manifest needs \"calibration\" with its "
                          "priors and targets")
    complete = manifest.get("status") == "complete"
    tables: dict[str, pd.DataFrame] = {}
    for name, filename in CALIBRATION_FILES.items():
        if (complete and name == "posterior") or (folder / filename).exists():
            required = [*setup["priors"], "weight"] if name == "posterior" else ()
            tables[name] = read_table(folder / filename, name, required=required)
    path = folder / GENERATIONS
    if complete or path.exists():
        try:
            generations = pd.read_csv(path)
        except FileNotFoundError:
            raise OutputError(f"{path} is missing") from None
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise OutputError(f"{path} is not a generations table ({_first_line(exc)})") from None
        missing = [c for c in GENERATION_COLUMNS if c not in generations.columns]
        if missing:
            raise OutputError(f"{path} lacks column(s) {', '.join(missing)}; it is not a generations table")
        tables["generations"] = generations
    return tables


def _load_run(folder: Path, manifest: dict[str, Any]):
    series = read_table(folder / TIMESERIES, "timeseries", required=METRIC_NAMES)
    summary_path = folder / SUMMARY
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        metrics = summary["metrics"]
    except FileNotFoundError:
        raise OutputError(f"{summary_path} is missing") from None
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise OutputError(f"{summary_path} is not a Rumahan summary ({_first_line(exc)})") from None
    if not isinstance(metrics, dict) or not all(v is None or isinstance(v, int | float) for v in metrics.values()):
        raise OutputError(f"{summary_path} is not a Rumahan summary (\"metrics\" must map each metric to a number)")
    run_id = manifest.get("run_id", "run")
    scenario = manifest.get("scenario", {}).get("name", "custom")
    row = {"run_id": run_id, "scenario": scenario, "point": 0, "replicate": 0, "seed": manifest.get("seed", 0)}
    row.update({f"param.{k}": v for k, v in manifest.get("parameters", {}).items()})
    row.update({k: (float("nan") if v is None else v) for k, v in metrics.items()})
    runs = _with_wall_time(runs_frame([row]), [{"run_id": run_id, "wall_time_s": manifest.get("wall_time_s")}])
    ids = pd.DataFrame({"run_id": run_id, "scenario": scenario, "point": 0, "replicate": 0}, index=series.index)
    series = pd.concat([ids.astype({"run_id": "string", "scenario": "string"}), series], axis=1)
    tables = {}
    if (folder / EVENTS).exists():
        tables["events"] = read_table(folder / EVENTS, "events", required=EVENT_COLUMNS)
    windows = summary.get("windows")  # written since outcome windows; older summaries have none
    if windows:
        if not isinstance(windows, dict) or not all(
                isinstance(w, dict) and isinstance(w.get("weeks"), list) and len(w["weeks"]) == 2
                for w in windows.values()):
            raise OutputError(f"{summary_path} is not a Rumahan summary (\"windows\" must map each name to "
                              "{\"weeks\": [start, end], metric: value, ...})")
        tables["windows"] = windows_frame(window_rows({k: row[k] for k in ID_COLUMNS}, {
            name: {k: (float("nan") if v is None else v) for k, v in entry.items()} for name, entry in windows.items()}))
    return runs, series, tables


def _load_batch(folder: Path, manifest: dict[str, Any]):
    keeps_series = bool(manifest.get("timeseries", True))
    tables: dict[str, pd.DataFrame] = {}
    if manifest.get("status") == "complete":
        runs = read_table(folder / RUNS, "runs", required=(*ID_COLUMNS, *OUTCOME_NAMES))
        runs = _with_wall_time(runs, manifest.get("runs", []))
        series = (
            read_table(folder / TIMESERIES, "timeseries", required=(*SERIES_ID_COLUMNS, *METRIC_NAMES))
            if keeps_series else None
        )
    else:  # still running or interrupted: what has finished so far
        gathered = gather_parts(folder, series_to=None)
        runs = _with_wall_time(gathered.runs, gathered.timings)
        tables["events"] = gathered.events
        if len(gathered.windows):
            tables["windows"] = gathered.windows
        series = read_parts_series(folder) if keeps_series else None
    for name, filename in TABLE_FILES.items():
        if (folder / filename).exists():
            tables[name] = read_table(folder / filename, name)
    return runs, series, tables
