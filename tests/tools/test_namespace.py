"""The installed packages live under ``rumahan.``: a user's own ``model.py``, ``experiments.py`` or
``dashboard.py`` (common names for one's own code) does not shadow them [#16]."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

MODULES_OF_ONES_OWN = {
    "model.py": "params = 'my own model module'\n",
    "experiments.py": "raise ImportError('the user\\'s experiments.py was imported')\n",
    "dashboard.py": "raise ImportError('the user\\'s dashboard.py was imported')\n",
}


@pytest.fixture
def users_folder(tmp_path: Path) -> Path:
    for name, text in MODULES_OF_ONES_OWN.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    # cwd first on sys.path, as a notebook or `python script.py` in that folder has it
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_api_imports_and_runs_from_a_folder_with_its_own_model_py(users_folder: Path) -> None:
    script = (
        "import model\n"
        "assert model.params == 'my own model module'\n"
        "from rumahan.model import PuttingOutModel\n"
        "from rumahan.experiments.compare import comparison_table\n"
        "m = PuttingOutModel(seed=1, n_workers=50)\n"
        "m.step()\n"
        "print(type(m).__module__, comparison_table.__module__)\n"
    )
    (users_folder / "script.py").write_text(script)
    done = _run([sys.executable, "script.py"], users_folder)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["rumahan.model.model", "rumahan.experiments.compare"]


def test_the_cli_runs_from_a_folder_with_its_own_modules(users_folder: Path) -> None:
    rumahan = Path(sys.executable).with_name("rumahan")
    done = _run([str(rumahan), "run", "--scenario", "status_quo", "--weeks", "3", "--set", "n_workers=50",
                 "--out", "out", "--quiet"], users_folder)
    assert done.returncode == 0, done.stderr
    assert (users_folder / "out" / "summary.json").is_file()
    done = _run([sys.executable, "-m", "rumahan.experiments", "params"], users_folder)
    assert done.returncode == 0, done.stderr
    assert "n_workers" in done.stdout


def test_the_wheel_holds_only_the_rumahan_packages(tmp_path: Path) -> None:
    """benchmarks, tests and tools run from a checkout; the wheel holds rumahan/{model,experiments,
    dashboard} and the scenario and target files."""
    repo, source = Path(__file__).resolve().parents[2], tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(repo / name, source / name)
    for name in ("model", "experiments", "dashboard"):
        shutil.copytree(repo / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    done = _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(source), "-w", str(tmp_path)], tmp_path)
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("rumahan-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"rumahan"}, top
    assert {name.split("/")[1] for name in names if name.startswith("rumahan/")} == {"model", "experiments", "dashboard"}
    assert "rumahan/experiments/scenarios/status_quo.toml" in names
    assert "rumahan/experiments/calibration/targets.toml" in names
