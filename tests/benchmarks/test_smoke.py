"""The performance suite runs end to end (``python -m benchmarks --smoke``), so that it cannot rot.

Timings are not asserted (the machine is noisy); the test checks that every part ran and that the
results hang together: throughputs positive, the phases add up to the step, the sweep's
configurations all ran, every target reported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.machine import REPO_ROOT
from benchmarks.phases import PHASES
from benchmarks.report import TARGETS, markdown, write_docs

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def smoke_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    docs = REPO_ROOT / "docs" / "performance.md"
    before = docs.read_text() if docs.exists() else None
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--smoke", "--out", str(out)], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=280, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    after = docs.read_text() if docs.exists() else None
    assert before == after, "the smoke run must not rewrite docs/performance.md"
    return json.loads(out.read_text())


def test_every_size_was_measured(smoke_results: dict) -> None:
    sizes = smoke_results["sizes"]
    assert [s["n_workers"] for s in sizes] == [500, 3_000]
    for s in sizes:
        assert s["setup_s"] > 0 and s["bytes_per_worker"] > 0
        assert s["model_ww_per_s"] > 0 and s["kernel_ww_per_s"] > 0 and s["ratio_to_kernel"] > 0
        assert 0 < s["data_collection_share"] < 1
        assert all(s["kernel_agrees"].values())
        assert set(s["phase_s_per_week"]) == set(PHASES)
        assert all(v > 0 for v in s["phase_s_per_week"].values())
        parts = sum(s["phase_s_per_week"].values()) + s["other_s_per_week"]
        assert parts == pytest.approx(s["step_s_per_week_profiled"], rel=0.05)


def test_full_run_dashboard_and_sweep_ran(smoke_results: dict) -> None:
    full = smoke_results["full_run"]
    assert full["rows"] == full["weeks"] + 1 and full["total_s"] > 0 and full["peak_rss_bytes"] > 0
    assert smoke_results["dashboard_run"]["median_s"] > 0
    sweep = smoke_results["sweep_small"]
    assert set(sweep["runs_per_s"]) == {"loop", "pool x2", "dask x1"}
    assert all(rate > 0 for rate in sweep["runs_per_s"].values())
    assert sweep["speedup_2_jobs"] > 0 and "dask_overhead" in sweep
    calibration = smoke_results["sweep_calibration"]
    assert set(calibration["runs_per_s"]) == {"pool x2"} and calibration["runs_per_s"]["pool x2"] > 0


def test_targets_are_reported_and_the_report_renders(smoke_results: dict, tmp_path: Path) -> None:
    targets = smoke_results["targets"]
    assert [t["key"] for t in targets] == [t.key for t in TARGETS]
    # The smoke sizes are not the targets' sizes: nothing may be marked met or not met from them.
    assert all(t["met"] is None for t in targets)
    text = markdown(smoke_results)
    assert "### Targets" in text and "N = 3,000" in text
    page = tmp_path / "performance.md"
    page.write_text("# Performance\n\nprose before\n\n<!-- bench:begin -->\nold\n<!-- bench:end -->\n\nprose after\n")
    write_docs(page, smoke_results)
    written = page.read_text()
    assert "prose before" in written and "prose after" in written and "old" not in written
    assert "### Targets" in written
