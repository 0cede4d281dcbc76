"""Where a result came from: package versions, git commit, machine and times, for manifests.

A manifest written with these fields lets a later ``rumahan rerun`` check that it is repeating a
run with the same code and libraries.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import os
import platform
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Distributions whose versions can change results or files.
PACKAGES = (
    "rumahan", "mesa", "numpy", "scipy", "pandas", "pyarrow", "networkx", "SALib", "dask",
    "distributed", "matplotlib", "tqdm",
)


def now() -> str:
    """The current time, UTC, ISO 8601 with seconds (``2026-01-31T12:00:00Z``)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str | None]:
    """Installed version of each distribution (``None`` if not installed)."""
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_state(repo: Path = REPO_ROOT) -> dict[str, Any] | None:
    """``{"commit": sha, "dirty": bool}`` of the source tree, or ``None`` outside a git checkout."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if commit.returncode != 0:
            return None
        status = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip())}


@functools.cache
def model_fingerprint() -> str:
    """SHA-256 (first 16 hex digits) of the code that decides a run's results: every ``.py`` file of
    the ``model`` package, and the experiments modules that run and summarise a model. Two runs
    with the same parameters and seed give the same results when this is the same.

    Computed once per process, when first asked (``experiments.runner`` asks when it imports the
    model), so it describes the code the process loaded even if the files change later."""
    from rumahan import model

    digest = hashlib.sha256()
    model_dir = Path(model.__file__).resolve().parent
    files = sorted(model_dir.rglob("*.py"))
    here = Path(__file__).resolve().parent
    files += [here / name for name in ("runner.py", "worker.py", "records.py")]
    for path in files:
        digest.update(path.relative_to(path.parent.parent).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def environment() -> dict[str, Any]:
    """Everything a manifest records about the software and machine."""
    return {
        "packages": package_versions(),
        "model_fingerprint": model_fingerprint(),
        "git": git_state(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "host": socket.gethostname(),
        "cpus": os.cpu_count(),
        "command": list(sys.argv),
    }
