"""Replicate seeds, and the scenario files: all load, validate and run; [run] tables round-trip."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from rumahan.experiments.runner import run_simulation
from rumahan.experiments.scenarios import PINNED, ScenarioError, available, load_scenario, scenario_from_dict
from rumahan.experiments.seeds import design_rng, replicate_seeds


def test_replicate_seeds_come_from_seed_sequence_spawn():
    expected = [int(c.generate_state(1, dtype=np.uint64)[0]) for c in np.random.SeedSequence(42).spawn(4)]
    assert replicate_seeds(42, 4) == expected
    assert replicate_seeds(42, 6)[:4] == expected  # replicate r's seed does not depend on n
    assert len(set(replicate_seeds(42, 50))) == 50
    assert set(replicate_seeds(43, 4)).isdisjoint(expected)


def test_replicate_seed_is_accepted_by_the_model_as_is():
    seed = replicate_seeds(7, 1)[0]
    assert run_simulation({"n_workers": 50}, seed=seed, weeks=1).seed == seed


@pytest.mark.parametrize("root,n", [(-1, 2), (1.5, 2), (True, 2), (1, -1)])
def test_bad_seed_arguments_are_refused(root, n):
    with pytest.raises(ValueError):
        replicate_seeds(root, n)


def test_design_stream_is_reproducible_and_not_a_replicate_stream():
    a, b = design_rng(3).random(5), design_rng(3).random(5)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, np.random.default_rng(np.random.SeedSequence(3).spawn(1)[0]).random(5))


def test_every_pinned_scenario_file_is_shipped_loads_and_cites_the_brief():
    shipped = available()
    assert list(shipped)[: len(PINNED)] == list(PINNED)
    for name in shipped:
        scenario = load_scenario(name)
        assert scenario.name == name
        assert len(scenario.description) > 40
        assert "brief" in scenario.source


@pytest.mark.parametrize("name", PINNED)
def test_every_pinned_scenario_runs(name):
    scenario = load_scenario(name)
    result = run_simulation({**scenario.parameters, "n_workers": 60}, seed=1, weeks=3,
                            schedule=list(scenario.schedule))
    assert len(result.timeseries) == 4


def test_scenario_with_run_table_round_trips_through_toml():
    scenario = load_scenario("recommendations").with_overrides({"n_workers": 250, "tokenism": 0.3})
    scenario = scenario.with_run(seed=99, weeks=40)
    again = scenario_from_dict(tomllib.loads(scenario.to_toml()))
    assert (again.parameters, again.schedule, again.seed, again.weeks) == (
        {"n_workers": 250, "tokenism": 0.3}, scenario.schedule, 99, 40)
    assert again.description == scenario.description


def test_run_table_is_validated(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\ndescription = "d"\n[run]\nweeks = 0\n')
    with pytest.raises(ScenarioError, match=r"\[run\] weeks = 0"):
        load_scenario(path)
    path.write_text('name = "x"\ndescription = "d"\n[run]\nsteps = 3\n')
    with pytest.raises(ScenarioError, match="steps"):
        load_scenario(path)


def test_malformed_scenario_toml_names_file_and_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('name = "x"\n[parameters]\ntokenism = \n')
    with pytest.raises(ScenarioError, match=r"broken\.toml is not valid TOML.*line 3"):
        load_scenario(path)
