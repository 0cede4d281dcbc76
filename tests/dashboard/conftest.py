"""Fixtures for the dashboard tests: AppTest sessions at small sizes, output folders written by the
experiments' own functions, and a real ``streamlit run`` server with Debian's Chromium driven by
pytest-playwright (see ../shared/testing-recipes.md)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "dashboard" / "app.py"
#: Small runs: 200 workers (2 subcontractors) for one year.
SMALL = {"n_workers": "200", "weeks": "52"}
#: AppTest's default is 3 s; the first script run imports pandas, matplotlib, altair and Mesa.
TIMEOUT = 180
SCREENSHOTS = REPO / "test-output" / "screenshots"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def new_app(query: dict[str, str] | None = None) -> AppTest:
    """An AppTest of the whole app (not yet run), opened with ``query`` in its URL."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(SMALL if query is None else query)
    return at


@pytest.fixture
def open_app():
    """``open_app(query)``: an AppTest of the app opened on a link with ``query`` (not yet run)."""
    return new_app


@pytest.fixture
def explored() -> AppTest:
    """The app after its first script run: the Explore page has run the small status quo."""
    at = new_app().run()
    assert not at.exception, at.exception
    return at


# --- output folders ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def sweep_folder(tmp_path_factory) -> Path:
    """A finished sweep (2 scenarios x 2 x 2 grid of framing_intensity and tokenism, 200 workers, 26 weeks),
    written by ``experiments.sweep.run_sweep`` as ``rumahan sweep`` writes it (without its report
    figures, to save time)."""
    from rumahan.experiments.spec import spec_from_dict
    from rumahan.experiments.sweep import run_sweep

    spec = spec_from_dict({
        "sweep": {"name": "dashboard_test", "scenarios": ["status_quo", "no_network"], "replicates": 1, "weeks": 26,
                  "seed": 1},
        "parameters": {"n_workers": 200},
        "grid": {"framing_intensity": [0.0, 0.7], "tokenism": [0.1, 0.8]},
    })
    out = tmp_path_factory.mktemp("outputs") / "sweep"
    run_sweep(spec, out, report=False)
    return out


@pytest.fixture(scope="session")
def wide_sweep_folder(tmp_path_factory) -> Path:
    """A finished sweep with more groups than weekly lines can be told apart: 2 scenarios x a 3 x 2
    grid (12 groups, one run each, 200 workers, 26 weeks), without its report figures."""
    from rumahan.experiments.spec import spec_from_dict
    from rumahan.experiments.sweep import run_sweep

    spec = spec_from_dict({
        "sweep": {"name": "dashboard_wide", "scenarios": ["status_quo", "no_network"], "replicates": 1, "weeks": 26,
                  "seed": 2},
        "parameters": {"n_workers": 200},
        "grid": {"framing_intensity": [0.0, 0.35, 0.7], "tokenism": [0.1, 0.8]},
    })
    out = tmp_path_factory.mktemp("outputs") / "wide_sweep"
    run_sweep(spec, out, report=False)
    return out


@pytest.fixture(scope="session")
def sensitivity_folder(tmp_path_factory) -> Path:
    """A tiny Morris screening (2 trajectories over 2 uncertainties) as ``rumahan sensitivity`` writes it."""
    from rumahan.experiments.sensitivity import run_sensitivity

    out = tmp_path_factory.mktemp("outputs") / "sensitivity"
    run_sensitivity("morris", samples=2, outcomes=["earnings_to_ump"], parameters=["relocation_cost", "principal_price"],
                    overrides={"n_workers": 200}, weeks=26, out=out)
    return out


@pytest.fixture(scope="session")
def robustness_folder(tmp_path_factory) -> Path:
    """A tiny robustness analysis (2 policies x 2 states of the world) as ``rumahan robustness`` writes it."""
    from rumahan.experiments.robustness import robustness_spec, run_robustness
    from rumahan.experiments.spec import spec_from_dict

    spec = spec_from_dict(robustness_spec(scenarios=["status_quo", "no_network"], states=2,
                                          parameters=["relocation_cost"], weeks=26, overrides={"n_workers": 200}))
    out = tmp_path_factory.mktemp("outputs") / "robustness"
    run_robustness(spec, out)
    return out


@pytest.fixture(scope="session")
def ablation_folder(tmp_path_factory) -> Path:
    """A tiny ablation (status_quo against no_network, two channels, 3 replicates) as ``rumahan ablate``
    writes it."""
    from rumahan.experiments.ablation import run_ablation

    out = tmp_path_factory.mktemp("outputs") / "ablation"
    run_ablation("status_quo", out, against="no_network", channels=["channel_entitlement", "channel_agreements"],
                 metrics=["piece_rate_mean", "membership_rate"], replicates=3, weeks=26,
                 overrides={"n_workers": 200})
    return out


@pytest.fixture(scope="session")
def calibration_folder(tmp_path_factory) -> Path:
    """A toy calibration (health_strain against two targets, 8 particles, 2 generations of 60
    workers over 40 weeks) as ``rumahan calibrate`` writes it. Skipped without pyabc."""
    pytest.importorskip("pyabc")
    from rumahan.experiments.calibration.smc import CalibrationSetup, calibrate, priors_for
    from rumahan.experiments.calibration.targets import load_targets
    from tests.experiments.conftest import toy_targets_file

    folder = tmp_path_factory.mktemp("outputs")
    setup = CalibrationSetup(targets=load_targets(toy_targets_file(folder)),
                             priors=priors_for(["health_strain"], {"health_strain": [0.0, 0.05]}),
                             overrides={"n_workers": 60}, weeks=40, population=8, generations=2, seed=5)
    calibrate(setup, folder / "calibration")
    return folder / "calibration"


@pytest.fixture(scope="session")
def posterior_sweep_folder(tmp_path_factory, calibration_folder: Path) -> Path:
    """A sweep of status_quo and no_network over 3 draws of ``calibration_folder``'s posterior, as
    ``rumahan sweep --posterior`` writes it (with its report)."""
    from rumahan.experiments.cli import main

    folder = tmp_path_factory.mktemp("outputs")
    spec = folder / "over.toml"
    spec.write_text('[sweep]\nscenarios = ["status_quo", "no_network"]\nweeks = 10\n[parameters]\nn_workers = 60\n')
    out = folder / "sweep"
    assert main(["sweep", str(spec), "--posterior", str(calibration_folder), "--draws", "3", "--out", str(out),
                 "--jobs", "1", "--quiet"]) == 0
    return out


@pytest.fixture(scope="session")
def bogus_folder(tmp_path_factory) -> Path:
    """A folder that is not a Rumahan output: a stray file and a manifest of another tool."""
    folder = tmp_path_factory.mktemp("bogus")
    (folder / "notes.txt").write_text("not a simulation\n")
    (folder / "manifest.json").write_text('{"name": "something else"}\n')
    return folder


# --- a real server and a real browser ----------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit was not healthy at {url} after {timeout:.0f} s")


@pytest.fixture(scope="session")
def streamlit_url(tmp_path_factory) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` on 127.0.0.1 and a free port, in its own process group,
    stopped with SIGTERM at the end of the session."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium); the browser tests need it")
    port = free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=REPO,
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        text = log_path.read_text(errors="replace")
        if "Traceback" in text:
            print(f"streamlit's log ({log_path}) holds a traceback:\n{text[-3000:]}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches Debian's Chromium (``playwright install`` is never needed)."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium); the browser tests need it")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "accept_downloads": True}


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
