"""The code stays `ruff` clean (the rules are in pyproject.toml), so style cannot rot between releases."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (it is in the [test] extra)")
    folders = ["model", "experiments", "dashboard", "benchmarks", "tools", "tests"]
    done = subprocess.run([ruff, "check", *folders], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
