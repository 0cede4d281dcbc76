"""Experiments over a calibration's posterior: policy effects with calibration uncertainty, and
`rumahan sensitivity` and `rumahan robustness` with --posterior DIR --draws K (docs/experiments.md,
"Calibration"). The calibration is the toy one of conftest.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rumahan.experiments.calibration.posterior import draw_posterior, posterior_effects

SMALL = ["--set", "n_workers=60", "--weeks", "10", "--jobs", "1", "--quiet"]


def _runs(effect: dict[tuple[int, int], float]) -> pd.DataFrame:
    """Runs of a baseline (outcome 0) and a policy over 2 levels of tokenism x 3 draws x 2
    replicates, the policy's outcome being ``effect[(level, draw)]``."""
    rows = []
    for level, tokenism in enumerate((0.1, 0.8)):
        for draw in range(3):
            for replicate in range(2):
                point = level * 3 + draw  # the draws vary fastest
                for scenario, y in (("base", 0.0), ("policy", effect[(level, draw)])):
                    rows.append({"scenario": scenario, "point": point, "replicate": replicate,
                                 "param.tokenism": tokenism, "y": y})
    return pd.DataFrame(rows)


def test_effects_per_draw_kept_apart_by_the_grid():
    runs = _runs({(0, 0): 1.0, (0, 1): 1.0, (0, 2): -1.0, (1, 0): 2.0, (1, 1): 2.0, (1, 2): 2.0})
    apart = posterior_effects(runs, "base", ["y"], draws=3, apart=["tokenism"]).set_index("tokenism")
    assert apart.loc[0.1, "effect_mean"] == pytest.approx(1 / 3)
    assert apart.loc[0.1, "same_sign_share"] == pytest.approx(2 / 3)
    assert apart.loc[0.8, "effect_mean"] == pytest.approx(2.0)
    assert apart.loc[0.8, "same_sign_share"] == 1.0
    assert list(apart["draws"]) == [3, 3]
    pooled = posterior_effects(runs, "base", ["y"], draws=3)  # each draw's effect averaged over the grid
    assert len(pooled) == 1 and list(pooled.columns[:2]) == ["scenario", "outcome"]
    assert pooled["effect_mean"].iloc[0] == pytest.approx((1.5 + 1.5 + 0.5) / 3)
    assert pooled["same_sign_share"].iloc[0] == 1.0
    assert pooled["effect_p05"].iloc[0] == pytest.approx(np.quantile([1.5, 1.5, 0.5], 0.05))


def test_no_sign_when_the_effect_is_zero():
    effects = posterior_effects(_runs(dict.fromkeys(((i, d) for i in range(2) for d in range(3)), 0.0)),
                                "base", ["y"], draws=3)
    assert effects["effect_mean"].iloc[0] == 0 and np.isnan(effects["same_sign_share"].iloc[0])


def test_sensitivity_over_the_posterior(toy_calibration: Path, tmp_path: Path, cli):
    out = tmp_path / "sens"
    code, text, err = cli("sensitivity", "--samples", "2", "--parameters", "principal_price", "relocation_cost",
                          "--outcomes", "earnings_to_ump", "membership_rate", "--posterior", toy_calibration,
                          "--draws", "3", "--out", out, *SMALL)
    assert code == 0, err
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 2 * 3 * 3  # Morris: 2 trajectories x (2 + 1) points, each on 3 draws
    drawn = draw_posterior(toy_calibration, 3, seed=1)
    status = runs.set_index("point").sort_index()
    assert status["param.health_strain"].tolist() == drawn.design["health_strain"].tolist() * 6
    for _, point in status.groupby(status.index // 3):  # a sample point's values are the same on every draw
        assert point["param.principal_price"].nunique() == 1
    by_draw = pd.read_parquet(out / "indices_by_draw.parquet")
    assert sorted(by_draw["draw"].unique()) == [0, 1, 2]
    summary = pd.read_csv(out / "posterior_indices.csv")
    assert set(summary["parameter"]) == {"principal_price", "relocation_cost"}
    assert summary["draws"].eq(3).all()
    mean = by_draw.groupby(["outcome", "parameter"], sort=False)["mu_star"].mean()
    assert summary.set_index(["outcome", "parameter"])["mu_star_mean"].to_numpy() == pytest.approx(mean.to_numpy())
    assert summary["mu_same_sign_share"].dropna().between(0, 1).all()
    assert "Each draw analysed alone" in text and "health_strain drawn, not varied" in text


def test_sensitivity_varies_only_what_was_not_calibrated(toy_calibration: Path):
    from rumahan.experiments.sensitivity import sensitivity_plan

    drawn = draw_posterior(toy_calibration, 2, seed=1)
    plan, problem, sample = sensitivity_plan("morris", 1, None, overrides={"n_workers": 60}, weeks=2,
                                             posterior=drawn)
    assert "health_strain" not in problem["names"] and len(problem["names"]) > 2
    assert plan.points == len(sample) * 2 and "health_strain" in plan.design.columns
    assert plan.settings["posterior"]["particles"] == drawn.particles


def test_robustness_over_the_posterior(toy_calibration: Path, tmp_path: Path, cli):
    out = tmp_path / "rob"
    code, text, err = cli("robustness", "--scenarios", "status_quo", "no_network", "--states", "2", "--parameters",
                          "principal_price", "--posterior", toy_calibration, "--draws", "3", "--out", out, *SMALL)
    assert code == 0, err
    regret = pd.read_parquet(out / "regret.parquet")
    assert regret.groupby(["scenario", "outcome"]).size().eq(2 * 3).all()  # 2 sampled states x 3 draws
    effects = pd.read_csv(out / "posterior_effects.csv")
    assert set(effects["scenario"]) == {"no_network"} and effects["draws"].eq(3).all()
    assert set(effects["outcome"]) == {"earnings_to_ump", "below_poverty_share", "membership_rate", "power_to"}
    assert "Effects against status_quo over 3 posterior draws" in text


def test_robustness_samples_the_uncertainties_that_were_not_calibrated(toy_calibration: Path):
    from rumahan.experiments.robustness import robustness_spec
    from rumahan.experiments.spec import spec_from_dict

    spec = spec_from_dict(robustness_spec(states=2, weeks=2, overrides={"n_workers": 60},
                                          posterior=str(toy_calibration), draws=2))
    assert "health_strain" not in spec.sample["parameters"] and "principal_price" in spec.sample["parameters"]
    assert len(spec.design()) == 2 * 2 and "health_strain" in spec.design().columns


BAD = {
    "sensitivity varies a calibrated one": (
        ["sensitivity", "--samples", "2", "--parameters", "health_strain", "principal_price", "--posterior", "{cal}"],
        "health_strain is calibrated in {cal} and drawn from its posterior, so it cannot also be varied over a range"),
    "compare sets a calibrated one": (
        ["compare", "{tmp}/o", "--scenarios", "status_quo", "no_network", "--set", "health_strain=0.01",
         "--posterior", "{cal}"], "cannot also be set to one value (--set)"),
    "robustness samples a calibrated one": (
        ["robustness", "--parameters", "health_strain", "--states", "2", "--posterior", "{cal}"],
        "cannot also be sampled ([sample] or --parameters)"),
    "a sweep's grid has a calibrated one": (
        ["sweep", "{tmp}/grid.toml", "--posterior", "{cal}"], "cannot also be levels of the [grid]"),
    "sensitivity --draws without --posterior": (
        ["sensitivity", "--samples", "2", "--draws", "2"], "--draws 2 goes with --posterior DIR"),
    "robustness --draws without --posterior": (
        ["robustness", "--states", "2", "--draws", "2"], "--draws 2 goes with --posterior DIR"),
    "sensitivity --draws 0": (
        ["sensitivity", "--samples", "2", "--posterior", "{cal}", "--draws", "0"],
        "--draws = 0 is not a whole number >= 1"),
    "robustness more draws than particles": (
        ["robustness", "--states", "2", "--posterior", "{cal}", "--draws", "9"], "draws are without replacement"),
    "robustness --posterior that is not a calibration": (
        ["robustness", "--states", "2", "--posterior", "{tmp}"], "is not a finished calibration"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_posterior_input_is_refused_in_one_line(case, toy_calibration: Path, tmp_path: Path, cli):
    (tmp_path / "grid.toml").write_text("[sweep]\nweeks = 2\n[grid]\nhealth_strain = [0.01, 0.02]\n")
    args, expected = BAD[case]
    given = [a.replace("{cal}", str(toy_calibration)).replace("{tmp}", str(tmp_path)) for a in args]
    code, _, err = cli(*given, *([] if given[0] == "compare" else ["--out", tmp_path / "o"]))
    expected = expected.replace("{cal}", str(toy_calibration))
    assert code == 2 and expected in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "o").exists()
