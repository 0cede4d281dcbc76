"""The run configuration's portable forms: URL query parameters and scenario TOML files."""

from __future__ import annotations

import pytest

from rumahan.dashboard.labels import parameter_help, parameter_label
from rumahan.dashboard.run_config import ConfigError, RunConfig, decode_schedule, encode_schedule
from rumahan.experiments.scenarios import load_scenario
from rumahan.model import params as registry


def test_url_round_trip_with_changes_and_schedule() -> None:
    config = RunConfig.build("c177", {"framing_intensity": 0.25, "recognition": True, "n_workers": 300}, 7, 104,
                             schedule=[(10, {"floor_share": 0.2}), (30, {"inspection_probability": 0.05})])
    query = config.to_query()
    assert query["framing_intensity"] == "0.25" and query["recognition"] == "true"
    assert query["schedule"] == "10:floor_share=0.2;30:inspection_probability=0.05"
    assert RunConfig.from_query(query) == config
    # the browser hands repeated keys over as lists; the last one wins
    assert RunConfig.from_query({**query, "seed": ["1", "7"]}) == config


def test_values_equal_to_the_scenario_are_not_changes() -> None:
    base = load_scenario("demand_shock")
    config = RunConfig.build("demand_shock", {**base.parameters, "tokenism": registry.get("tokenism").default}, 1, 52)
    assert config.changes == ()
    assert config.to_scenario().name == "demand_shock"


def test_toml_round_trip_names_the_base_and_holds_the_run() -> None:
    config = RunConfig.build("recommendations", {"n_workers": 200, "tokenism": 0.1}, 5, 60)
    text = config.to_toml()
    assert 'name = "recommendations_custom"' in text and "[run]\nseed = 5\nweeks = 60" in text
    assert RunConfig.from_toml(text) == config


def test_every_problem_of_a_link_is_named() -> None:
    with pytest.raises(ConfigError) as caught:
        RunConfig.from_query({"scenario": "nope", "framing_intensity": "7", "seed": "x", "colour": "red"})
    message = str(caught.value)
    assert "unknown scenario 'nope'" in message
    assert "'framing_intensity' = 7.0 is out of bounds" in message
    assert "seed = 'x' is not a whole number" in message
    assert "unknown parameter 'colour'" in message


def test_a_link_too_large_to_run_keeps_its_other_settings_and_names_what_it_leaves_out() -> None:
    config, problems = RunConfig.read_query({"tokenism": "0.3", "n_workers": "5000000", "weeks": "2600", "seed": "7"})
    assert (config.seed, config.weeks, config.changes) == (7, 520, (("tokenism", 0.3),))
    assert problems[-1] == "so the link's n_workers = 5000000, weeks = 2600 are left out"
    config, problems = RunConfig.read_query({"n_workers": "20", "n_subcontractors": "30", "tokenism": "0.3"})
    assert config.changes == (("tokenism", 0.3),) and "'n_subcontractors' = 30 exceeds n_workers = 20" in problems[0]
    assert problems[-1] == "so the link's n_workers = 20, n_subcontractors = 30 are left out"


@pytest.mark.parametrize(("text", "expected"), [
    ("[parameters\n", "is not valid TOML"),
    ("[parameters]\nn_workers = 5\n", "'n_workers' = 5 is out of bounds"),
    ("[run]\nseed = -1\n", "[run] seed = -1 is not a whole number >= 0"),
    ('[[schedule]]\nweek = 3\nset = { n_workers = 300 }\n', "n_workers"),
])
def test_bad_files_are_refused_in_one_line(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        RunConfig.from_toml(text, "mine.toml")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_schedule_text_round_trip_and_errors() -> None:
    schedule = decode_schedule("52:c177_ratified=true,recognition=true;104:floor_share=0.2")
    assert encode_schedule(schedule) == "52:c177_ratified=true,recognition=true;104:floor_share=0.2"
    assert decode_schedule("none") == ()
    with pytest.raises(ConfigError, match="does not start with a week"):
        decode_schedule("soon:recognition=true")
    with pytest.raises(ConfigError, match="not written name=value"):
        decode_schedule("5:recognition")


def test_out_of_range_run_settings() -> None:
    with pytest.raises(ConfigError, match="weeks = 0"):
        RunConfig(weeks=0).validate()
    with pytest.raises(ConfigError, match="seed = -3"):
        RunConfig(seed=-3).validate()
    with pytest.raises(ConfigError, match="exceeds n_workers"):
        RunConfig.build("status_quo", {"n_workers": 200, "n_subcontractors": 500}, 1, 52)


def test_labels_and_help_come_from_the_registry() -> None:
    for entry in registry.PARAMETERS:
        label, help_text = parameter_label(entry), parameter_help(entry)
        assert entry.source in help_text and "docs/sources.md" in help_text
        assert not entry.unit or entry.unit.lower() in label.lower()
        # the unit is written once, in the label: not again after the range or the default
        accepted = help_text.split("Accepted: ")[1].split("\n")[0]
        assert not entry.unit or entry.unit not in accepted, (entry.name, accepted)
    assert "Accepted: 0 to 1; default 0.7." in parameter_help(registry.get("framing_intensity"))
    assert "Accepted: 10 to 70; default 48." in parameter_help(registry.get("hours_available_mean"))
    assert "§3.4a Tokenistic participation" in parameter_help(registry.get("tokenism"))
    assert parameter_label(registry.get("n_workers")) == "Number of workers"
    assert parameter_label(registry.get("tokenism")) == "Tokenism (share)"


def test_dropdowns_and_axes_name_parameters_in_words() -> None:
    from rumahan.dashboard.labels import default_text, parameter_axis, parameter_option, range_text

    assert parameter_option("framing_intensity") == "Framing intensity · framing_intensity"
    assert parameter_option("tokenism") == "Tokenism" and parameter_option("scenario") == "Scenario"
    assert parameter_axis("framing_intensity") == "Framing intensity (0-1)" and parameter_axis("scenario") == "Scenario"
    # abbreviations of code names spelled out
    assert parameter_label(registry.get("long_tie_prob")) == "Long tie probability"
    assert parameter_label(registry.get("rt_size")) == "RT size (workers)"
    assert parameter_label(registry.get("threshold_sd")).startswith("Threshold SD")
    # defaults and ranges written readably, without the unit
    assert (default_text(registry.get("n_workers")), range_text(registry.get("n_workers"))) == (
        "2,000", "10 to 5,000,000")
    assert default_text(registry.get("n_subcontractors")) == "automatic"
