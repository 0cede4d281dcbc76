"""The Batch page (AppTest) on a calibration folder: the fit to the targets, the posterior, the
generations; an unfinished or damaged one; and a sweep run over its posterior."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.dashboard.test_batch_page import open_folder


def test_a_calibration_shows_its_fit_posterior_and_generations(explored, calibration_folder: Path) -> None:
    at = explored
    open_folder(at, calibration_folder)
    assert not at.exception and not at.error
    assert at.subheader[0].value == f"A calibration: {calibration_folder}"
    shown = " ".join(m.value for m in at.markdown)
    for part in ("**Fit to the targets**", "**Posterior against the priors**", "**Generations**",
                 "health_strain (0 to 0.05)", "**targets**: `2`"):
        assert part in shown, part
    fit, summary, generations = (at.dataframe[i].value for i in range(3))
    assert fit["target"].tolist() == ["health", "rate"]
    assert fit["source"].tolist() == ["test: a toy band", "brief SF2"]
    assert fit["inside band"].str.endswith("%").all()
    assert summary["parameter"].tolist() == ["health_strain"] and 0 < summary["width"].iloc[0] < 1.5
    assert generations["generation"].tolist() == [0, 1]
    assert generations["epsilon"].iloc[1] < generations["epsilon"].iloc[0]
    assert len(at.get("vega_lite_chart")) == 2   # the fit on one scale, and epsilon by generation
    assert len(at.image) == 2                           # fit.png (in an expander) and posterior.png
    assert at.download_button(key="batch.calibration.download").label == "Download the posterior (CSV)"


def test_an_unfinished_or_damaged_calibration(explored, calibration_folder: Path, tmp_path: Path) -> None:
    unfinished = tmp_path / "unfinished"
    shutil.copytree(calibration_folder, unfinished)
    manifest = json.loads((unfinished / "manifest.json").read_text())
    (unfinished / "manifest.json").write_text(json.dumps({**manifest, "status": "interrupted"}))
    (unfinished / "posterior.parquet").unlink()
    at = explored
    open_folder(at, unfinished)
    assert not at.exception and not at.error
    assert at.warning[0].value.startswith("This calibration has not finished (2 of 2 generations so far")
    damaged = tmp_path / "damaged"
    shutil.copytree(calibration_folder, damaged)
    (damaged / "posterior.parquet").unlink()
    open_folder(at, damaged)
    assert not at.exception
    assert at.error[0].value.startswith("This folder cannot be opened:") and "posterior.parquet is missing" in \
        at.error[0].value


def test_a_sweep_over_a_posterior_shows_the_effects_across_draws(explored, posterior_sweep_folder: Path) -> None:
    at = explored
    open_folder(at, posterior_sweep_folder)
    assert not at.exception and not at.error
    assert "Over the calibration's posterior" in [s.value for s in at.subheader]
    assert any("one of 3 parameter sets drawn from the calibration" in c.value for c in at.caption)
    effects = next(d.value for d in at.dataframe if "same_sign_share" in d.value.columns)
    assert set(effects["scenario"]) == {"no_network"} and effects["draws"].eq(3).all()
