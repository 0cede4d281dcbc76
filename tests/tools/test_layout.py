"""The documentation builders (tools/) stay outside the installed packages: nothing in them
imports tools, and the package discovery does not ship it."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("model", "experiments", "dashboard")


def test_no_package_imports_the_documentation_builders():
    importers = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if any(n == "tools" or n.startswith("tools.") for n in names):
                    importers.append(str(path.relative_to(ROOT)))
    assert importers == []


def test_the_builders_are_not_installed():
    """The wheel's contents are checked in test_namespace.py; here, the package list."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = config["tool"]["setuptools"]["packages"]
    assert all(name.startswith(("rumahan.model", "rumahan.experiments", "rumahan.dashboard")) for name in packages)
    assert not (ROOT / "experiments" / "tutorial.py").exists()
    assert not (ROOT / "model" / "odd_table.py").exists()
