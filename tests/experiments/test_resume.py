"""Resuming: a sweep killed mid-way and rerun gives the same files as one never interrupted, and
the runs that had finished are not run again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from rumahan.experiments.storage import finished_parts

from .conftest import REPO

SPEC = """[sweep]
scenarios = ["status_quo", "cooperatives"]
replicates = 4
weeks = 40
seed = 9

[parameters]
n_workers = 100

[sample]
size = 4
parameters = ["principal_price", "relocation_cost"]
"""
TOTAL = 2 * 4 * 4


@pytest.mark.slow
def test_killed_sweep_resumes_without_recomputing(cli, tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC)
    out = tmp_path / "interrupted"
    command = [sys.executable, "-m", "rumahan.experiments", "sweep", str(spec), "--out", str(out), "--jobs", "1", "--quiet"]
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(finished_parts(out)) < 5:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the sweep made no progress"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # a crash: no chance to clean up
        proc.wait(timeout=30)
        proc.stderr.close()
    done_before = sorted(finished_parts(out))
    assert 5 <= len(done_before) < TOTAL
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "running"  # it never got to say otherwise

    code, stdout, _ = cli("sweep", spec, "--out", out, "--jobs", 1, "--quiet", "--no-report")
    assert code == 0 and f"({len(done_before)} already done, resumed)" in stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and not (out / "parts").exists()
    assert [s["runs_computed"] for s in manifest["sessions"]] == [0, TOTAL - len(done_before)]
    first_session = sorted(r["index"] for r in manifest["runs"] if r["session"] == 1)
    assert first_session == done_before  # those runs were not run again

    fresh = tmp_path / "fresh"
    assert cli("sweep", spec, "--out", fresh, "--jobs", 1, "--quiet", "--no-report")[0] == 0
    for name in ("runs.parquet", "timeseries.parquet", "events.parquet"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name

    # rerunning a finished sweep computes nothing
    code, stdout, _ = cli("sweep", spec, "--out", out, "--jobs", 1, "--quiet", "--no-report")
    assert code == 0 and f"({TOTAL} already done, resumed)" in stdout


def test_resume_refuses_a_folder_started_with_other_model_code(cli, tmp_path, tiny_spec):
    out = tmp_path / "out"
    assert cli("sweep", tiny_spec, "--out", out, "--jobs", 1, "--quiet", "--no-report")[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["status"] = "interrupted"
    manifest["environment"]["model_fingerprint"] = "0123456789abcdef"
    (out / "manifest.json").write_text(json.dumps(manifest))
    code, _, err = cli("sweep", tiny_spec, "--out", out, "--jobs", 1, "--quiet")
    assert code == 2 and "was started with different model code" in err and "mix two versions" in err
