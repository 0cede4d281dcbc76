"""Output folders: load_output reads what batches write and refuses everything else in one line."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pandas as pd
import pytest

from rumahan.experiments import storage
from rumahan.experiments.batch import run_batch
from rumahan.experiments.plan import build_plan
from rumahan.experiments.scenarios import load_scenario
from rumahan.experiments.storage import OutputError, load_output

from .conftest import REPO


@pytest.fixture(scope="module")
def comparison_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp") / "out"
    plan = build_plan("comparison", [load_scenario("status_quo"), load_scenario("c177")],
                      overrides={"n_workers": 80}, replicates=2, weeks=12, root_seed=3)
    run_batch(plan, out)
    return out


def test_load_output_reads_a_batch(comparison_folder):
    folder = load_output(comparison_folder)
    assert folder.kind == "comparison" and folder.complete
    assert folder.runs["run_id"].tolist() == ["status_quo-p0-r0", "status_quo-p0-r1", "c177-p0-r0", "c177-p0-r1"]
    assert (folder.runs["wall_time_s"] > 0).all()
    assert len(folder.timeseries) == 4 * 13
    # a file inside the folder opens the folder
    assert load_output(comparison_folder / "runs.parquet").path == comparison_folder
    # summaries in runs.parquet are the final-year means of the weekly series
    series = folder.timeseries[folder.timeseries["run_id"] == "c177-p0-r1"]
    assert folder.runs.set_index("run_id").loc["c177-p0-r1", "piece_rate_mean"] == pytest.approx(
        series["piece_rate_mean"].mean())


def _copy(src, dst):
    dst.mkdir()
    for f in src.iterdir():
        if f.is_file():
            (dst / f.name).write_bytes(f.read_bytes())
    return dst


def test_refuses_what_is_not_a_rumahan_folder(tmp_path, comparison_folder):
    with pytest.raises(OutputError, match="does not exist"):
        load_output(tmp_path / "missing")
    with pytest.raises(OutputError, match=r"not a Rumahan output folder \(no manifest.json\)"):
        load_output(tmp_path)
    (tmp_path / "x.parquet").write_bytes(b"PAR1")
    with pytest.raises(OutputError, match="is a file, not a Rumahan output folder"):
        load_output(tmp_path / "x.parquet")


def test_refuses_truncated_or_foreign_files(tmp_path, comparison_folder):
    truncated_manifest = _copy(comparison_folder, tmp_path / "a")
    text = (truncated_manifest / "manifest.json").read_text()
    (truncated_manifest / "manifest.json").write_text(text[: len(text) // 2])
    with pytest.raises(OutputError, match="is not valid JSON"):
        load_output(truncated_manifest)

    other_manifest = _copy(comparison_folder, tmp_path / "b")
    (other_manifest / "manifest.json").write_text(json.dumps({"kind": "sweep"}))
    with pytest.raises(OutputError, match="is not a Rumahan manifest"):
        load_output(other_manifest)

    truncated_parquet = _copy(comparison_folder, tmp_path / "c")
    data = (truncated_parquet / "runs.parquet").read_bytes()
    (truncated_parquet / "runs.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(OutputError, match="truncated or not a Parquet file"):
        load_output(truncated_parquet)

    foreign = _copy(comparison_folder, tmp_path / "d")
    pd.read_parquet(foreign / "runs.parquet").to_parquet(foreign / "runs.parquet")  # rewritten by pandas
    with pytest.raises(OutputError, match="Parquet file that Rumahan did not write"):
        load_output(foreign)


def test_errors_are_one_line(tmp_path):
    (tmp_path / "manifest.json").write_text("{")
    with pytest.raises(OutputError) as info:
        load_output(tmp_path)
    assert "\n" not in str(info.value)


def test_atomic_writes_leave_no_temporary_files(tmp_path):
    storage.write_json(tmp_path / "a.json", {"x": float("nan"), "y": 1})
    storage.write_table(tmp_path / "t.parquet", pd.DataFrame({"a": [1, 2]}), "design")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "t.parquet"]
    assert json.loads((tmp_path / "a.json").read_text()) == {"x": None, "y": 1}
    assert storage.read_table(tmp_path / "t.parquet", "design")["a"].tolist() == [1, 2]
    with pytest.raises(OutputError, match="holds a 'design' table, expected 'runs'"):
        storage.read_table(tmp_path / "t.parquet", "runs")


@pytest.mark.skipif(os.name != "posix", reason="file modes and the umask are POSIX")
@pytest.mark.parametrize("umask,file_mode,folder_mode", [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700)],
                         ids=["umask-022", "umask-077"])
def test_written_files_get_the_usual_permissions_less_the_umask(tmp_path, umask, file_mode, folder_mode):
    """Files and folders are created with read-write for everyone less the umask, like any program's
    (tempfile.mkstemp alone would make every file 0600)."""
    before = os.umask(umask)
    try:
        storage.write_json(tmp_path / "new" / "a.json", {"y": 1})
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "new" / "a.json").stat().st_mode) == file_mode
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == folder_mode


def test_importing_storage_leaves_the_umask_alone():
    """Reading the umask means setting it, process-wide: a Streamlit server's other threads would
    create files meanwhile with no umask. Importing the experiments modules must not touch it."""
    probe = (
        "import os\n"
        "calls = []\n"
        "real = os.umask\n"
        "os.umask = lambda mask: calls.append(mask) or real(mask)\n"
        "import experiments.storage, experiments.batch, experiments.single, experiments.report\n"
        "print(calls)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_seeds_above_2_to_the_53_are_also_written_as_strings(tmp_path) -> None:
    """JavaScript and R read JSON numbers as doubles: 2**63 + 5 would come back as 2**63. [#16]"""
    import json

    from rumahan.experiments.cli import main

    big = 2**63 + 5
    out = tmp_path / "run"
    assert main(["run", "--scenario", "status_quo", "--weeks", "2", "--seed", str(big), "--set", "n_workers=50",
                 "--out", str(out), "--quiet"]) == 0
    for name in ("summary.json", "manifest.json"):
        record = json.loads((out / name).read_text())
        assert record["seed"] == big and record["seed_str"] == str(big), name
    small = tmp_path / "small"
    assert main(["run", "--scenario", "status_quo", "--weeks", "2", "--seed", "7", "--set", "n_workers=50",
                 "--out", str(small), "--quiet"]) == 0
    assert "seed_str" not in json.loads((small / "summary.json").read_text())


def test_seed_strings_follow_every_seed_key_and_leave_other_numbers() -> None:
    from rumahan.experiments.storage import with_seed_strings

    big = 2**60
    record = {"root_seed": big, "seeds": [1, big], "n": big, "runs": [{"seed": big}], "by_run": {"seeds": {"a": big}}}
    out = with_seed_strings(record)
    assert out["root_seed_str"] == str(big) and out["seeds_str"] == ["1", str(big)]
    assert "n_str" not in out and out["runs"][0]["seed_str"] == str(big)
    assert out["by_run"]["seeds_str"] == {"a": str(big)}
