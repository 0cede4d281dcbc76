"""Mechanism ablation (`rumahan ablate`, experiments.ablation): files, the table recomputed from the
runs, resuming, determinism across executors, and input refused before anything runs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from rumahan.experiments import ablation
from rumahan.experiments.executors import Execution
from rumahan.model import params as registry
from rumahan.model.errors import RumahanInputError

from .test_bad_input import _one_line_error

CHANNELS = ["channel_agreements", "channel_cascade"]
#: A tiny ablation: status_quo vs no_network (they differ within 40 weeks; policy scenarios start later).
ARGS = ("--scenario", "status_quo", "--set", "n_workers=150", "--weeks", "40", "--replicates", "3",
        "--channels", *CHANNELS, "--seed", "4", "--quiet")
RUNS = 2 * (1 + len(CHANNELS)) * 3


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """The tiny ablation run once, in this process; yields its folder and printed output."""
    import contextlib
    import io

    from rumahan.experiments.cli import main

    out = tmp_path_factory.mktemp("ablation") / "abl"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["ablate", *ARGS, "--out", str(out), "--jobs", "1"])
    assert code == 0
    return out, printed.getvalue()


def test_ablate_writes_the_batch_table_csv_and_figure(finished):
    out, printed = finished
    for name in ("runs.parquet", "timeseries.parquet", "manifest.json", "design.parquet", "ablation.parquet",
                 "ablation.csv", "figures/ablation.png"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "ablation" and manifest["status"] == "complete"
    assert manifest["plan"]["runs_total"] == RUNS == ablation.runs_needed(len(CHANNELS), 3)
    assert manifest["plan"]["against"] == "no_network" and manifest["plan"]["channels"] == CHANNELS
    table = pd.read_parquet(out / "ablation.parquet")
    assert list(table.columns) == list(ablation.ABLATION_COLUMNS)
    assert len(table) == len(CHANNELS) * len(ablation.DEFAULT_OUTCOMES)
    assert list(pd.unique(table["outcome"])) == list(ablation.DEFAULT_OUTCOMES)
    assert pd.read_csv(out / "ablation.csv").shape == table.shape
    assert "ablation: 18 runs" in printed and "status_quo − no_network" in printed
    assert printed.count("channel_cascade") == len(ablation.DEFAULT_OUTCOMES)


def test_carried_is_effect_all_minus_effect_without_from_the_runs(finished):
    out, _ = finished
    runs = pd.read_parquet(out / "runs.parquet")
    design = pd.read_parquet(out / "design.parquet")
    table = pd.read_parquet(out / "ablation.parquet")
    assert design[CHANNELS].to_numpy().tolist() == [[True, True], [False, True], [True, False]]
    for (_, point), part in runs.groupby(["scenario", "point"]):  # the switches each run had
        assert (part[[f"param.{c}" for c in CHANNELS]].to_numpy() == design.loc[point, CHANNELS].to_numpy()).all()

    def differences(point: int, metric: str) -> pd.Series:
        at = runs[runs["point"] == point].set_index(["scenario", "seed"])[metric]
        return at["status_quo"] - at["no_network"]

    for row in table.itertuples():
        point = 1 + CHANNELS.index(row.channel)
        d_all, d_off = differences(0, row.outcome), differences(point, row.outcome)
        assert row.effect_all == pytest.approx(d_all.mean(), rel=1e-12, abs=1e-12)
        assert row.effect_without == pytest.approx(d_off.mean(), rel=1e-12, abs=1e-12)
        assert row.carried == pytest.approx(row.effect_all - row.effect_without, rel=1e-12, abs=1e-12)
        paired = d_all - d_off  # aligned by seed
        half = stats.t.ppf(0.975, len(paired) - 1) * paired.std() / np.sqrt(len(paired))
        assert row.n == 3 and row.carried_ci_high - row.carried == pytest.approx(half, abs=1e-12)
        assert row.carried - row.carried_ci_low == pytest.approx(half, abs=1e-12)
        clear = row.effect_all_ci_low > 0 or row.effect_all_ci_high < 0
        assert (np.isnan(row.share) if not clear else row.share == pytest.approx(row.carried / row.effect_all))
    assert (table["effect_all"] != 0).any() and (table["carried"] != 0).any()  # not a vacuous check


def test_rerun_resumes_and_an_interrupted_ablation_ends_identical(finished, cli, tmp_path):
    out, _ = finished
    code, stdout, _ = cli("ablate", *ARGS, "--out", out, "--jobs", 1)
    assert code == 0 and f"({RUNS} already done, resumed)" in stdout

    class Stop(KeyboardInterrupt):
        pass

    def stop_after_five(done: int, total: int) -> None:
        if done == 5:
            raise Stop

    plan = ablation.ablation_plan("status_quo", channels=CHANNELS, replicates=3, weeks=40, root_seed=4,
                                  overrides={"n_workers": 150})
    with pytest.raises(Stop):
        ablation.run_ablation_plan(plan, tmp_path / "abl", Execution(progress=stop_after_five))
    code, stdout, _ = cli("ablate", *ARGS, "--out", tmp_path / "abl", "--jobs", 1)
    assert code == 0 and f"({5} already done, resumed)" in stdout
    for name in ("ablation.parquet", "runs.parquet", "timeseries.parquet"):
        assert (tmp_path / "abl" / name).read_bytes() == (out / name).read_bytes(), name


@pytest.mark.slow
def test_same_files_on_a_process_pool_and_a_dask_cluster(finished, cli, tmp_path, dask_local_cluster):
    out, _ = finished
    for where in (("--jobs", "2"), ("--scheduler", dask_local_cluster)):
        folder = tmp_path / where[0].strip("-")
        code, _, err = cli("ablate", *ARGS, "--out", folder, *where)
        assert code == 0, err
        for name in ("ablation.parquet", "runs.parquet", "timeseries.parquet"):
            assert (folder / name).read_bytes() == (out / name).read_bytes(), (where, name)


def test_channels_come_from_the_registry():
    assert ablation.check_channels(None) == list(registry.CHANNELS)
    assert ablation.check_channels(["cascade", "channel_floor"]) == ["channel_cascade", "channel_floor"]
    design = ablation.channel_design(["channel_cascade", "channel_floor"])
    assert design.to_dict("list") == {"point": [0, 1, 2], "channel_cascade": [True, False, True],
                                      "channel_floor": [True, True, False]}
    assert ablation.default_against("status_quo") == "no_network"
    assert ablation.default_against("c177") == "status_quo"
    plan = ablation.ablation_plan("c177", replicates=2, weeks=2, overrides={"n_workers": 100})
    assert len(plan.tasks) == ablation.runs_needed(len(registry.CHANNELS), 2)
    assert [s.name for s in plan.scenarios] == ["c177", "status_quo"]


@pytest.mark.parametrize("args,message", [
    (("--channels", "agreemnts"), "unknown channel 'agreemnts' (did you mean channel_agreements?); accepted: "
                                  "channel_entitlement, channel_agreements,"),
    (("--channels", "cascade", "channel_cascade"), "channel(s) channel_cascade listed twice"),
    (("--scenario", "utopia"), "unknown scenario 'utopia'; valid: status_quo"),
    (("--metrics", "membershp"), "unknown outcome(s) membershp (did you mean membership_rate"),
    (("--against", "c177"), "the comparison scenario (--against) is the scenario itself ('c177')"),
    (("--replicates", "1"), "replicates = 1: an ablation needs at least 2"),
    (("--set", "channel_cascade=false"), "--set switches channel_cascade off, but ablate switches"),
])
def test_bad_input_is_refused_in_one_line_before_anything_runs(cli, tmp_path, args, message):
    base = {"--scenario": "c177", "--weeks": "2", "--replicates": "2"}
    rest = list(args)
    for flag in list(base):
        if flag in rest:
            base.pop(flag)
    argv = [x for pair in base.items() for x in pair]
    code, _, err = cli("ablate", *argv, *rest, "--out", tmp_path / "abl", "--jobs", 1)
    assert message in _one_line_error(code, err)
    assert not (tmp_path / "abl").exists()


def test_a_scenario_holding_a_chosen_channel_off_is_refused(tmp_path):
    path = tmp_path / "quiet.toml"
    path.write_text('name = "quiet"\ndescription = "no cascade"\n\n[parameters]\nchannel_cascade = false\n')
    with pytest.raises(RumahanInputError, match="scenario 'quiet' switches channel_cascade off"):
        ablation.ablation_plan(path, channels=["cascade"], replicates=2, weeks=2)
    plan = ablation.ablation_plan(path, channels=["floor"], replicates=2, weeks=2)  # held off, not ablated
    assert all(t.params["channel_cascade"] is False for t in plan.tasks if t.scenario == "quiet")
