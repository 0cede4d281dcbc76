"""The core install needs none of the extras: a run imports none of their packages, and a command
that needs a missing extra says in one line which to install (exit code 2)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rumahan.experiments.extras import EXTRAS, missing_modules, require_extra
from rumahan.model.errors import RumahanInputError

EXTRA_MODULES = ("streamlit", "altair", "dask", "distributed", "pyabc")


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_a_run_imports_none_of_the_extras(tmp_path: Path):
    done = _python(f"""
        import json, sys
        from rumahan.experiments.cli import main
        code = main(["run", "--scenario", "status_quo", "--set", "n_workers=40", "--weeks", "6",
                     "--seed", "3", "--out", "r", "--quiet"])
        print(json.dumps({{"code": code, "loaded": sorted(m for m in {EXTRA_MODULES!r} if m in sys.modules)}}))
    """, tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"code": 0, "loaded": []}


# A blocker on sys.meta_path: the extra's packages cannot be found, as if not installed.
BLOCK = """
    import importlib.abc, sys
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {blocked!r}:
                raise ModuleNotFoundError(f"No module named {{name!r}}")
            return None
    sys.meta_path.insert(0, Block())
    from rumahan.experiments.cli import main
    sys.exit(main({argv!r}))
"""


@pytest.mark.parametrize(("blocked", "argv", "extra"), [
    (("streamlit", "altair"), ["dashboard"], "dashboard"),
    (("dask", "distributed"), ["sweep", "spec.toml", "--scheduler", "tcp://x:1", "--out", "o"], "dask"),
])
def test_a_missing_extra_is_named_in_one_line(tmp_path: Path, blocked, argv, extra):
    (tmp_path / "spec.toml").write_text('scenarios = ["status_quo"]\nreplicates = 1\nweeks = 4\n')
    done = _python(BLOCK.format(blocked=blocked, argv=argv), tmp_path)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and f"[{extra}] extra" in lines[0] and f"pip install 'rumahan[{extra}]'" in lines[0]


def test_require_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyabc", None)
    assert missing_modules("calibrate") == ["pyabc"]
    with pytest.raises(RumahanInputError, match=r"rumahan calibrate needs the \[calibrate\] extra"):
        require_extra("calibrate", "rumahan calibrate")
    with pytest.raises(RumahanInputError, match="extra 'gpu' is not one of"):
        missing_modules("gpu")
    assert set(EXTRAS) == {"dashboard", "dask", "calibrate", "ema"}
