"""What the benchmarks ran on: hardware, system load, interpreter, library versions, git state."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ("numpy", "scipy", "mesa", "pandas", "dask", "distributed")


def cpu_model() -> str:
    """The CPU's model name from ``/proc/cpuinfo`` (Linux), else ``platform.processor()``."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def total_memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def load_average() -> list[float] | None:
    """1, 5 and 15-minute load averages (processes wanting a CPU), where the system has them."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def git_state() -> dict[str, Any] | None:
    """Commit and whether the working tree has uncommitted changes (``None`` outside git)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                                check=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO_ROOT, capture_output=True, text=True,
                               check=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": bool(dirty)}


def blas() -> str:
    """The BLAS numpy uses and its thread setting (``np.dot`` in the metrics goes through it)."""
    try:
        import numpy as np

        config = np.show_config(mode="dicts")
        info = config.get("Build Dependencies", {}).get("blas", {})
        name = f"{info.get('name', '?')} {info.get('version', '')}".strip()
    except Exception:  # the description is informative only
        name = "?"
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or "default"
    return f"{name}, threads: {threads}"


def describe() -> dict[str, Any]:
    """Everything above as a dict for the results file."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    memory = total_memory_bytes()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": round(memory / 1e9, 1) if memory else None,
        "system": platform.platform(),
        "python": sys.version.split()[0],
        "libraries": versions,
        "blas": blas(),
        "load_average_at_start": load_average(),
        "git": git_state(),
    }
