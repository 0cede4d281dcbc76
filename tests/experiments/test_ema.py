"""The EMA Workbench bridge (experiments/ema.py) at a tiny size: the XLRM model from the registry,
batch folders as (experiments, outcomes), and PRIM on a robustness folder."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pytest

from rumahan.experiments import ema as bridge
from rumahan.model import params as registry

ema_workbench = pytest.importorskip("ema_workbench")
V1_BATCH = Path(__file__).resolve().parents[1] / "fixtures" / "format_v1" / "batch"
UNKNOWNS = ("relocation_cost", "principal_price", "threshold_mean")


@pytest.fixture(scope="module")
def robustness(tmp_path_factory) -> Path:
    from rumahan.experiments.cli import main

    out = tmp_path_factory.mktemp("ema") / "robust"
    assert main(["robustness", "--scenarios", "status_quo", "no_network", "--parameters", *UNKNOWNS,
                 "--states", "12", "--replicates", "1", "--weeks", "30", "--set", "n_workers=60",
                 "--set", "n_subcontractors=3", "--seed", "5", "--jobs", "1", "--quiet", "--out", str(out)]) == 0
    return out


def test_the_model_is_built_from_the_registry():
    model = bridge.ema_model(levers=["tokenism"], uncertainties=["relocation_cost"],
                             outcomes=["earnings_to_ump", "below_poverty_share"])
    (lever,), (unknown,) = list(model.levers), list(model.uncertainties)
    assert (lever.name, unknown.name) == ("tokenism", "relocation_cost")
    low, high = registry.get("relocation_cost").sample_range
    assert (unknown.lower_bound, unknown.upper_bound) == (low, high)
    kinds = {o.name: o.kind for o in model.outcomes}
    assert kinds == {"earnings_to_ump": ema_workbench.ScalarOutcome.MAXIMIZE,
                     "below_poverty_share": ema_workbench.ScalarOutcome.MINIMIZE}
    assert bridge._kind(ema_workbench, "week") == ema_workbench.ScalarOutcome.INFO  # better = "none"
    default = bridge.ema_model()
    assert {p.name for p in default.levers} <= {p.name for p in registry.PARAMETERS if p.role == "lever"}
    assert {p.name for p in default.uncertainties} <= {p.name for p in registry.PARAMETERS if p.role == "uncertainty"}


def test_experiments_run_reproducibly_by_seed():
    model = bridge.ema_model(weeks=10, n_workers=40, replications=2, levers=["tokenism"],
                             uncertainties=["relocation_cost"], outcomes=["earnings_to_ump"])
    experiments, outcomes = ema_workbench.perform_experiments(model, scenarios=2, policies=1)
    assert len(experiments) == 2 and outcomes["earnings_to_ump"].shape == (2,)
    row = experiments.iloc[0]
    again = model.function(relocation_cost=row["relocation_cost"], tokenism=row["tokenism"])
    assert again["earnings_to_ump"] == outcomes["earnings_to_ump"][0]


def test_a_batch_folder_as_experiments_and_outcomes():
    experiments, outcomes = bridge.batch_experiments(V1_BATCH, ["earnings_to_ump", "membership_rate"])
    assert sorted(set(experiments["policy"])) == ["no_network", "status_quo"]
    assert {"scenario", "policy", "model", "network_active"} <= set(experiments.columns)
    assert all(isinstance(v, np.ndarray) and len(v) == len(experiments) for v in outcomes.values())


def test_prim_finds_where_the_network_strategy_fails(robustness):
    box = bridge.failure_box(robustness, "no_network", baseline="status_quo", outcome="earnings_to_ump", threshold=0.95)
    assert 0 < box.failures < box.states and 0 < box.coverage <= 1 and 0 < box.density <= 1
    assert len(box.limits)
    for name, row in box.limits.iterrows():
        assert name in UNKNOWNS
        assert row["min"] <= row["low"] <= row["high"] <= row["max"]
        low, high = registry.get(name).sample_range
        assert low <= row["min"] and row["max"] <= high
    assert "coverage" in str(box)


def test_bad_input_is_one_line(robustness, tmp_path, monkeypatch):
    from rumahan.experiments.cli import main

    run = tmp_path / "run"
    assert main(["run", "--scenario", "status_quo", "--set", "n_workers=40", "--weeks", "5", "--quiet",
                 "--out", str(run)]) == 0
    for call, words in [
        (lambda: bridge.batch_experiments(run), "not a batch"),
        (lambda: bridge.batch_experiments(robustness, ["earnings"]), "unknown outcome"),
        (lambda: bridge.failure_box(robustness, "c177"), "no scenario c177"),
        (lambda: bridge.ema_model(levers=["relocation_cost"]), "not levers"),
    ]:
        with pytest.raises(bridge.EmaError) as caught:
            call()
        assert words in str(caught.value) and "\n" not in str(caught.value)
    real = importlib.import_module
    monkeypatch.setattr(importlib, "import_module",
                        lambda name, *a: (_ for _ in ()).throw(ImportError(name)) if name == "ema_workbench" else real(name, *a))
    with pytest.raises(bridge.EmaError, match=r"pip install 'rumahan\[ema\]'"):
        bridge.ema_model()
