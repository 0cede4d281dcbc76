"""`rumahan calibrate` (ABC-SMC with pyabc through the engine's run task), experiments over its
posterior, resume after a kill, and the refusals of bad input (docs/experiments.md, "Calibration")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rumahan.experiments.calibration.posterior import draw_design, load_posterior, rerun_particle
from rumahan.experiments.calibration.targets import DEFAULT_TARGETS, load_targets
from tests.experiments.conftest import REPO, TOY_ARGS, TOY_TARGETS, toy_targets_file

pytest.importorskip("pyabc")

@pytest.fixture(scope="module")
def toy(toy_calibration: Path) -> Path:
    return toy_calibration


def test_toy_calibration_end_to_end(toy: Path):
    posterior = pd.read_parquet(toy / "posterior.parquet")
    assert len(posterior) == 8
    assert {"health_strain", "weight", "seed", "distance"} <= set(posterior.columns)
    assert posterior["weight"].sum() == pytest.approx(1.0)
    assert posterior["health_strain"].between(0.0, 0.05).all()
    generations = pd.read_csv(toy / "generations.csv")
    assert list(generations.columns) == ["generation", "epsilon", "simulations", "accepted", "acceptance_rate"]
    assert list(generations["generation"]) == [0, 1]
    assert generations["epsilon"].iloc[1] < generations["epsilon"].iloc[0]  # epsilon falls
    manifest = load_posterior(toy).setup
    assert manifest["priors"] == {"health_strain": [0.0, 0.05]}
    for name in ("fit.png", "posterior.png", "manifest.json", "prior_predictive.parquet"):
        assert (toy / name).stat().st_size > 0


def test_a_particle_reruns_bit_for_bit(toy: Path):
    posterior = pd.read_parquet(toy / "posterior.parquet")
    row = int(np.argmax(posterior["weight"].to_numpy()))
    stored = {c.removeprefix("stat."): posterior[c].iloc[row] for c in posterior.columns if c.startswith("stat.")}
    assert rerun_particle(toy, row) == stored


def test_a_sweep_over_the_posterior(toy: Path, tmp_path: Path, cli):
    spec = tmp_path / "over.toml"
    spec.write_text(f'[sweep]\nscenarios = ["status_quo", "no_network"]\nreplicates = 1\nweeks = 10\n'
                    f'posterior = "{toy}"\ndraws = 3\n[parameters]\nn_workers = 60\n')
    code, out, err = cli("sweep", spec, "--out", tmp_path / "sweep", "--jobs", "1", "--quiet")
    assert code == 0, err
    runs = pd.read_parquet(tmp_path / "sweep" / "runs.parquet")
    assert len(runs) == 2 * 3
    drawn = draw_design(load_posterior(toy), 3, seed=1)
    by_point = runs[runs["scenario"] == "status_quo"].set_index("point")["param.health_strain"]
    assert by_point.to_numpy().tolist() == drawn["health_strain"].tolist()  # weighted, seeded draws
    effects = pd.read_csv(tmp_path / "sweep" / "posterior_effects.csv")
    assert set(effects["scenario"]) == {"no_network"}
    assert effects["same_sign_share"].dropna().between(0, 1).all()
    assert "over 3 posterior draws" in out


def test_compare_over_the_posterior(toy: Path, tmp_path: Path, cli):
    code, _, err = cli("compare", tmp_path / "cmp", "--scenarios", "status_quo", "no_network", "--posterior", toy,
                         "--draws", "2", "--replicates", "1", "--weeks", "10", "--set", "n_workers=60", "--jobs", "1",
                         "--quiet")
    assert code == 0, err
    assert len(pd.read_parquet(tmp_path / "cmp" / "runs.parquet")) == 4
    assert (tmp_path / "cmp" / "posterior_effects.csv").is_file()


@pytest.mark.slow
def test_killed_and_started_again_it_goes_on(toy: Path, tmp_path: Path):
    """Killed after generation 0 is saved, the same command resumes from generation 1 and ends where
    an uninterrupted calibration ends, bit for bit."""
    out = tmp_path / "cal"
    command = [sys.executable, "-m", "rumahan.experiments", "calibrate", "--targets", str(toy_targets_file(tmp_path)), *TOY_ARGS,
               "--out", str(out)]
    process = subprocess.Popen(command, cwd=REPO, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        for line in process.stderr:
            if line.startswith("generation 1:"):  # generation 0 is in the database by now
                os.killpg(process.pid, signal.SIGKILL)
                break
    finally:
        process.wait(timeout=60)
    assert not (out / "posterior.parquet").exists()
    again = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "resuming after generation 0" in again.stderr
    assert "generation 0:" not in again.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out / "posterior.parquet"), pd.read_parquet(toy / "posterior.parquet"))


def test_the_shipped_targets_cover_the_facts():
    targets = load_targets(DEFAULT_TARGETS)
    sources = " ".join(t.source for t in targets)
    for fact in ("SF1", "SF2", "SF5", "SF9", "SF11", "SF12", "SF13"):
        assert fact in sources
    names = {t.name for t in targets}
    assert {"sf2_rate_level", "sf2_rate_stasis", "sf9_membership_level", "sf9_membership_growth"} <= names


BAD_TARGETS = {
    "unknown metric": ('metric = "piece_rate_mean"', 'metric = "piece_rates"', "unknown metric 'piece_rates'"),
    "no source": ('source = "brief SF2"', "", "no source"),
    "empty range": ("range = [275.0, 300.0]", "range = [300.0, 275.0]", "is empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_TARGETS))
def test_bad_targets_are_refused_in_one_line(case, tmp_path: Path, cli):
    old, new, expected = BAD_TARGETS[case]
    path = tmp_path / "bad.toml"
    path.write_text(TOY_TARGETS.replace(old, new))
    code, _, err = cli("calibrate", "--targets", path, *TOY_ARGS, "--out", tmp_path / "out")
    assert code == 2 and expected in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "out").exists()  # refused before any simulation


@pytest.mark.parametrize(("args", "expected"), [
    (["--parameters", "health_strian"], "health_strian"),
    (["--parameters", "health_strain", "--range", "health_strain=0.0:0.5"], "out of bounds"),
    (["--parameters", "health_strain", "--range", "health_strain=0.02:0.01"], "is empty"),
    (["--parameters", "health_strain", "--weeks", "10"], "outside runs of 10 weeks"),
])
def test_bad_parameters_are_refused_in_one_line(args, expected, tmp_path: Path, cli):
    code, _, err = cli("calibrate", "--targets", toy_targets_file(tmp_path), "--set", "n_workers=60", *args,
                       "--out", tmp_path / "out")
    assert code == 2 and expected in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "out").exists()


def test_bad_posteriors_are_refused_in_one_line(toy: Path, tmp_path: Path, cli):
    spec = tmp_path / "s.toml"
    spec.write_text('[sweep]\nweeks = 10\n[parameters]\nn_workers = 60\n')
    unfinished = tmp_path / "unfinished"
    unfinished.mkdir()
    for folder, draws, expected in ((unfinished, "2", "is not a finished calibration"),
                                    (toy, "9", "draws are without replacement")):
        code, _, err = cli("sweep", spec, "--posterior", folder, "--draws", draws, "--out", tmp_path / "o")
        assert code == 2 and expected in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "o").exists()


def test_without_pyabc_it_says_what_to_install(monkeypatch, cli, tmp_path: Path):
    monkeypatch.setitem(sys.modules, "pyabc", None)
    code, _, err = cli("calibrate", "--parameters", "health_strain", "--out", tmp_path / "o")
    assert code == 2 and "rumahan[calibrate]" in err and len(err.strip().splitlines()) == 1


def test_compare_and_rerun_say_what_a_calibration_folder_is(toy: Path, cli):
    from rumahan.experiments import storage

    folder = storage.load_output(toy)
    assert folder.kind == "calibration" and folder.runs is None
    assert {"posterior", "prior_predictive", "generations"} <= set(folder.tables)
    assert [f.name for f in folder.figures] == ["fit.png", "posterior.png"]
    for command, expected in (("compare", "holds a calibration; compare needs a sweep or comparison folder"),
                              ("rerun", "holds a calibration, which has no runs of its own")):
        code, _, err = cli(command, toy)
        assert code == 2 and expected in err and len(err.strip().splitlines()) == 1, err
