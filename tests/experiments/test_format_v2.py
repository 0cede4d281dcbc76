"""Output format version 2: every Parquet table describes its columns and itself, a single run is
written in the batch layout, and folders of format version 1 still load, compare and rerun."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rumahan.experiments import columns, storage
from rumahan.experiments.compare import comparison_table
from rumahan.experiments.provenance import model_fingerprint
from rumahan.experiments.records import ID_COLUMNS, SERIES_ID_COLUMNS
from rumahan.experiments.rerun import rerun
from rumahan.model import params as registry
from rumahan.model.metrics import OUTPUT_BY_NAME

V1 = Path(__file__).resolve().parents[1] / "fixtures" / "format_v1"
TINY = ["--set", "n_workers=40", "--set", "n_subcontractors=2", "--weeks", "12", "--seed", "3", "--quiet"]


@pytest.fixture(scope="module")
def single_runs(tmp_path_factory) -> Path:
    """Two single-run folders of different scenarios, side by side, written by the CLI."""
    from rumahan.experiments.cli import main

    root = tmp_path_factory.mktemp("single_runs")
    for scenario in ("status_quo", "no_network"):
        assert main(["run", "--scenario", scenario, *TINY, "--out", str(root / scenario)]) == 0
    return root


def test_single_run_has_the_batch_layout(single_runs, tmp_path):
    from rumahan.experiments.cli import main

    folder = single_runs / "no_network"
    runs = pq.read_table(folder / storage.RUNS).to_pandas()
    assert len(runs) == 1 and list(runs.columns[: len(ID_COLUMNS)]) == list(ID_COLUMNS)
    assert main(["compare", "--scenarios", "status_quo", "no_network", "--replicates", "2", *TINY, str(tmp_path / "b")]) == 0
    batch_runs = pq.read_table(tmp_path / "b" / storage.RUNS).to_pandas()
    assert list(runs.columns) == list(batch_runs.columns)
    assert (runs.dtypes == batch_runs.dtypes).all()
    series = pq.read_table(folder / storage.TIMESERIES).to_pandas()
    assert list(series.columns[:4]) == list(SERIES_ID_COLUMNS)
    assert series["run_id"].nunique() == 1 and series["run_id"].iloc[0] == runs["run_id"].iloc[0]
    loaded = storage.load_output(folder)
    assert loaded.runs.drop(columns="wall_time_s").equals(runs)
    assert loaded.timeseries.equals(series)


def test_duckdb_reads_a_folder_of_single_runs(single_runs):
    duckdb = pytest.importorskip("duckdb")
    pattern = (single_runs / "*" / storage.TIMESERIES).as_posix()
    rows = duckdb.sql(f"select scenario, avg(earnings_to_ump) from '{pattern}' group by 1 order by 1").fetchall()
    assert [r[0].split(" +")[0] for r in rows] == ["no_network", "status_quo"]
    for scenario, mean in rows:
        series = storage.load_output(single_runs / scenario.split(" +")[0]).timeseries
        assert mean == pytest.approx(series["earnings_to_ump"].mean(), rel=1e-12)


def test_field_and_file_metadata(single_runs):
    schema = pq.read_schema(single_runs / "status_quo" / storage.TIMESERIES)
    assert schema.metadata[b"rumahan.table"] == b"timeseries"
    assert schema.metadata[b"rumahan.format_version"] == b"2"
    assert schema.metadata[b"rumahan.model_fingerprint"] == model_fingerprint().encode()
    assert schema.metadata[b"rumahan.version"]
    described = columns.column_metadata(schema)
    for name, meta in described.items():
        if name in OUTPUT_BY_NAME:
            output = OUTPUT_BY_NAME[name]
            assert meta == {"rumahan.kind": "outcome", "unit": output.unit, "meaning": output.meaning,
                            "better": output.better}
            assert meta["better"] in ("higher", "lower", "none")
    assert described["gini_earnings"]["better"] == "lower" and described["week"]["better"] == "none"
    runs = columns.column_metadata(pq.read_schema(single_runs / "status_quo" / storage.RUNS))
    for p in registry.PARAMETERS:
        meta = runs[f"param.{p.name}"]
        assert (meta["rumahan.kind"], meta["role"], meta["unit"]) == ("parameter", p.role, p.unit)
    assert runs["c177_ratified"]["rumahan.kind"] == "outcome"  # a metric and a parameter: param.c177_ratified
    assert columns.describe_column("c177_ratified", "design")[b"rumahan.kind"] == b"parameter"


def test_every_table_of_a_batch_is_described(tmp_path):
    """A comparison written now: each Parquet table carries the file keys; outcome columns their direction."""
    from rumahan.experiments.cli import main

    out = tmp_path / "batch"
    assert main(["compare", str(out), "--scenarios", "status_quo", "no_network", "--replicates", "1", "--jobs", "1",
                 *TINY]) == 0
    tables = sorted(out.glob("*.parquet"))
    assert {p.name for p in tables} >= {"runs.parquet", "timeseries.parquet", "events.parquet", "comparison.parquet"}
    for path in tables:
        meta = pq.read_schema(path).metadata
        assert meta[b"rumahan.format_version"] == b"2", path.name
        assert meta[b"rumahan.table"] and meta[b"rumahan.model_fingerprint"], path.name
    assert storage.read_manifest(out)["format_version"] == 2


@pytest.mark.parametrize("kind", ["run", "batch"])
def test_format_1_folders_load_compare_and_rerun(kind, tmp_path):
    folder = tmp_path / kind
    shutil.copytree(V1 / kind, folder)  # rerun writes nothing, but the fixture stays untouched regardless
    assert storage.read_manifest(folder)["format_version"] == 1
    loaded = storage.load_output(folder)
    assert list(loaded.timeseries.columns[:4]) == list(SERIES_ID_COLUMNS)
    assert list(loaded.runs.columns[: len(ID_COLUMNS)]) == list(ID_COLUMNS)
    table = comparison_table(loaded.runs, None, metrics=["earnings_to_ump", "membership_rate"])
    assert len(table) and table["mean"].notna().all()
    report = rerun(folder)
    # written by model 0.1: model 0.2 moved every output (CHANGELOG), so the rerun finds differences
    # and says why; the reading, comparing and rerunning themselves still work on format 1
    assert report.values > 0 and report.differences
    assert any("model code changed" in note for note in report.notes)
