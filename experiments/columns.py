"""What each column of a Rumahan Parquet table means, written into the file (output format version 2).

Every outcome column (a metric of ``model.metrics.OUTPUTS``) carries Arrow field metadata
``rumahan.kind = "outcome"``, ``unit``, ``meaning`` and ``better`` (``higher``, ``lower`` or ``none``);
every parameter column (``param.<name>`` in runs tables, the bare registry name in design, sample
and posterior tables) carries ``rumahan.kind = "parameter"``, ``unit``, ``meaning``, ``role``
(``lever`` or ``uncertainty``) and ``group``. Both come from the registries, never retyped here. The
id columns that tell runs apart carry ``meaning``. The table as a whole carries ``rumahan.table``,
``rumahan.format_version``, ``rumahan.version`` and ``rumahan.model_fingerprint``.
"""

from __future__ import annotations

import importlib.metadata

import pyarrow as pa

from rumahan.model import params as registry
from rumahan.model.metrics import OUTPUT_BY_NAME

FORMAT_VERSION = 2
TABLE_KEY = b"rumahan.table"
VERSION_KEY = b"rumahan.format_version"
PACKAGE_KEY = b"rumahan.version"
FINGERPRINT_KEY = b"rumahan.model_fingerprint"
PARAM_PREFIX = "param."
PARAMETERS = {p.name: p for p in registry.PARAMETERS}
#: Tables whose bare registry names are parameters (a name that is also a metric, such as
#: ``c177_ratified``, is an outcome elsewhere).
PARAMETER_TABLES = frozenset({"design", "sample", "posterior", "prior_predictive", "indices_by_draw"})
#: Columns that say which run (or which row) a value belongs to.
ID_MEANINGS = {
    "run_id": "identifier of the run (unique within a folder)",
    "scenario": "Rumahan scenario the run belongs to",
    "point": "design point (parameter set) of the batch, 0 when there is none",
    "replicate": "replicate number at its scenario and point",
    "seed": "root seed of the run",
    "wall_time_s": "wall-clock time of the run, seconds",
    "window": "name of the window of weeks a scenario declares",
    "start_week": "first week of the window",
    "end_week": "week after the window's last week",
    "metric": "outcome the row describes (unit in the column 'unit')",
    "weight": "importance weight of the posterior particle (the weights sum to 1)",
}


def describe_column(name: str, table: str) -> dict[bytes, bytes]:
    """Field metadata of the column ``name`` of a table of kind ``table`` (empty if Rumahan has none)."""
    parameter = None
    if name.startswith(PARAM_PREFIX):
        parameter = PARAMETERS.get(name[len(PARAM_PREFIX):])
    elif name in PARAMETERS and (table in PARAMETER_TABLES or name not in OUTPUT_BY_NAME):
        parameter = PARAMETERS[name]
    if parameter is not None:
        meta = {"rumahan.kind": "parameter", "unit": parameter.unit, "meaning": parameter.meaning,
                "role": parameter.role, "group": parameter.group}
    elif name in OUTPUT_BY_NAME:
        output = OUTPUT_BY_NAME[name]
        meta = {"rumahan.kind": "outcome", "unit": output.unit, "meaning": output.meaning, "better": output.better}
    elif name in ID_MEANINGS:
        meta = {"meaning": ID_MEANINGS[name]}
    else:
        return {}
    return {k.encode(): str(v).encode() for k, v in meta.items()}


def describe(table: pa.Table, name: str) -> pa.Table:
    """``table`` with every column described (``describe_column``) and the file-level keys set."""
    from rumahan.experiments.provenance import model_fingerprint

    fields = []
    for f in table.schema:
        meta = describe_column(f.name, name)
        fields.append(f.with_metadata({**(f.metadata or {}), **meta}) if meta else f)
    schema_meta = dict(table.schema.metadata or {})
    schema_meta.update({TABLE_KEY: name.encode(), VERSION_KEY: str(FORMAT_VERSION).encode(),
                        PACKAGE_KEY: package_version().encode(), FINGERPRINT_KEY: model_fingerprint().encode()})
    return table.cast(pa.schema(fields, metadata=schema_meta))


def package_version() -> str:
    try:
        return importlib.metadata.version("rumahan")
    except importlib.metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


def column_metadata(schema: pa.Schema) -> dict[str, dict[str, str]]:
    """Each described column of ``schema`` with its metadata as text (for readers and tests)."""
    return {f.name: {k.decode(): v.decode() for k, v in f.metadata.items()} for f in schema if f.metadata}
