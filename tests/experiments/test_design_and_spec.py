"""Designs (grid, Latin hypercube) from the registry's bounds, sweep specs, and batch plans."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rumahan.experiments.design import cross, grid_design, latin_hypercube, uncertainties, values_frame
from rumahan.experiments.plan import build_plan
from rumahan.experiments.scenarios import load_scenario
from rumahan.experiments.seeds import replicate_seeds
from rumahan.experiments.spec import SpecError, load_spec
from rumahan.model import params as registry

SWEEPS = Path(__file__).resolve().parents[2] / "experiments" / "sweeps"


def test_grid_is_full_factorial_first_parameter_slowest():
    design = grid_design({"framing_intensity": [0.0, 0.7], "tokenism": [0.1, 0.5, 0.8]})
    assert design["point"].tolist() == list(range(6))
    assert design["framing_intensity"].tolist() == [0.0] * 3 + [0.7] * 3
    assert design["tokenism"].tolist() == [0.1, 0.5, 0.8] * 2


@pytest.mark.parametrize("span", ["plausible", "bounds"])
def test_latin_hypercube_is_stratified_within_the_plausible_range_or_the_bounds(span):
    names = ["principal_price", "relocation_cost", "threshold_mean"]
    n = 16
    design = latin_hypercube(names, n, root_seed=3, span=span)
    for name in names:
        entry = registry.get(name)
        low, high = entry.sample_range if span == "plausible" else entry.bounds
        values = design[name].to_numpy()
        assert values.min() >= low and values.max() <= high
        strata = np.floor((values - low) / (high - low) * n).astype(int)
        assert sorted(strata) == list(range(n))  # one point in each of the n strata
    assert design.equals(latin_hypercube(names, n, root_seed=3, span=span))
    assert not design.equals(latin_hypercube(names, n, root_seed=4, span=span))


def test_latin_hypercube_takes_own_ranges_within_the_bounds_and_rounds_whole_numbers():
    design = latin_hypercube(["principal_price", "rt_size"], 10, 1, ranges={"principal_price": [300.0, 1000.0]})
    assert design["principal_price"].between(300, 1000).all() and design["principal_price"].max() > 600
    assert design["rt_size"].dtype == np.int64 and design["rt_size"].between(20, 60).all()
    with pytest.raises(registry.ParameterError, match="out of bounds"):
        latin_hypercube(["principal_price"], 4, 1, ranges={"principal_price": [100.0, 400.0]})
    with pytest.raises(registry.ParameterError, match="not among the sampled parameters"):
        latin_hypercube(["principal_price"], 4, 1, ranges={"relocation_cost": [0.0, 10.0]})


def test_a_parameter_without_a_fixed_default_is_sampled_only_over_a_range_given_or_its_bounds():
    # n_subcontractors defaults to None (n_workers / 100): there is no default to spread around
    with pytest.raises(registry.ParameterError, match=r"'n_subcontractors' has no fixed default.*--range"):
        latin_hypercube(["n_subcontractors"], 4, 1)
    design = latin_hypercube(["n_subcontractors"], 8, 1, ranges={"n_subcontractors": [2, 10]})
    assert design["n_subcontractors"].between(2, 10).all()
    assert latin_hypercube(["n_subcontractors"], 8, 1, span="bounds")["n_subcontractors"].between(1, 500_000).all()
    with pytest.raises(registry.ParameterError, match="is a switch"):
        latin_hypercube(["recognition"], 4, 1, ranges={"recognition": [0, 1]})


def test_design_values_are_clipped_to_the_registry_bounds():
    # SALib's Morris grid over [-0.05, 0.15] steps to 0.15000000000000002 (found by the tutorial)
    design = values_frame(["price_growth", "rt_size"], np.array([[0.15000000000000002, 500.4], [-0.05, 4.6]]))
    assert design["price_growth"].tolist() == [0.15, -0.05]
    assert design["rt_size"].tolist() == [500, 5]


def test_cross_pairs_every_grid_point_with_every_sample_point():
    both = cross(grid_design({"tokenism": [0.1, 0.8]}), latin_hypercube(["relocation_cost", "principal_price"], 3, 1))
    assert len(both) == 6 and both["tokenism"].tolist() == [0.1] * 3 + [0.8] * 3
    assert both["relocation_cost"].tolist()[:3] == both["relocation_cost"].tolist()[3:]


def test_default_uncertainties_are_the_registry_sampled_numeric_ones():
    names = uncertainties()
    assert names and all(registry.get(n).role == "uncertainty" and registry.get(n).sampled for n in names)
    assert "tokenism" not in names and "n_workers" not in names


@pytest.mark.parametrize("spec", sorted(SWEEPS.glob("*.toml")), ids=lambda p: p.name)
def test_example_specs_validate(spec):
    plan = load_spec(spec).plan()
    assert len({t.run_id for t in plan.tasks}) == len(plan.tasks) > 0


def test_thousand_run_spec_has_a_thousand_runs():
    assert len(load_spec(SWEEPS / "thousand_small_runs.toml").plan().tasks) == 1000


def test_plan_seeds_params_and_identity(tiny_spec):
    spec = load_spec(tiny_spec)
    plan = spec.plan()
    assert len(plan.tasks) == 2 * 4 * 2
    seeds = replicate_seeds(5, 2)
    assert all(t.seed == seeds[t.replicate] for t in plan.tasks)  # common random numbers
    task = plan.tasks[-1]
    assert (task.scenario, task.point, task.replicate) == ("no_network", 3, 1)
    assert task.params == {"network_active": False, "n_workers": 100, "framing_intensity": 0.7, "tokenism": 0.8}
    assert plan.identity() == load_spec(tiny_spec).plan().identity()
    changed = build_plan("sweep", spec.scenarios, design=spec.design(), overrides=spec.parameters,
                         replicates=2, weeks=31, root_seed=5)
    assert changed.identity() != plan.identity()


def test_design_point_overrides_scenario_and_fixed_parameters():
    scenario = load_scenario("no_network")
    plan = build_plan("sweep", [scenario], design=grid_design({"n_workers": [120]}),
                      overrides={"n_workers": 100, "tokenism": 0.2})
    assert plan.tasks[0].params == {"network_active": False, "n_workers": 120, "tokenism": 0.2}


def _spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text,message", [
    ('[sweep]\nscenarios = ["status_quo"]\nweeks = \n', r"spec\.toml is not valid TOML.*line 3"),
    ('[sweep]\nscenarios = ["nowhere"]\n', "unknown scenario 'nowhere'; valid: status_quo, no_network"),
    ("[grid]\ntokenizm = [0.1]\n", "unknown parameter 'tokenizm'; did you mean tokenism"),
    ("[grid]\ntokenism = [0.1, 1.5]\n", r"'tokenism' = 1\.5 is out of bounds; accepted: 0 to 1"),
    ("[parameters]\nn_workers = 3\n", r"'n_workers' = 3 is out of bounds; accepted: 10 to 5,000,000"),
    ('[sample]\nsize = 4\nparameters = ["recognition"]\n', "switch"),
    ("[sample]\nsize = 0\n", r"\[sample\] size = 0"),
    ('[sample]\nsize = 2\nspan = "wide"\n', r"\[sample\] span = 'wide'; expected \"plausible\""),
    ("[sweeps]\nweeks = 3\n", "unknown section"),
    ("[sweep]\nreplicates = 2.5\n", "replicates = 2.5"),
])
def test_bad_specs_are_refused_with_the_reason(tmp_path, text, message):
    with pytest.raises(SpecError, match=message):
        load_spec(_spec(tmp_path, text))
