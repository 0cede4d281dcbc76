"""The Share page (AppTest): the scenario TOML reproduces the run exactly; files load back."""

from __future__ import annotations

import pandas as pd

from rumahan.dashboard.run_config import RunConfig
from rumahan.experiments.cli import main
from rumahan.experiments.runner import run_simulation
from rumahan.experiments.scenarios import load_scenario

#: A scenario with a policy change at week 52, a changed lever, and a non-default seed.
LINK = {"scenario": "recommendations", "n_workers": "200", "weeks": "60", "seed": "5", "framing_intensity": "0.35"}


def test_the_scenario_file_reproduces_the_run_exactly(open_app, tmp_path) -> None:
    at = open_app(LINK).run()
    assert not at.exception
    finished = at.session_state["run"]
    at.switch_page("share.py").run()
    assert not at.exception and not at.error
    toml = next(c.value for c in at.code if c.language == "toml")
    assert "[run]\nseed = 5\nweeks = 60" in toml
    path = tmp_path / "mine.toml"
    path.write_text(toml)
    scenario = load_scenario(path)            # what `rumahan run --scenario FILE` reads
    assert scenario.parameters == {"framing_intensity": 0.35, "n_workers": 200}
    assert scenario.schedule == load_scenario("recommendations").schedule
    again = run_simulation(scenario.parameters, seed=scenario.seed, weeks=scenario.weeks,
                           schedule=list(scenario.schedule))
    pd.testing.assert_frame_equal(again.timeseries, finished.result.timeseries)
    # and the command the page prints gives the same weekly table
    assert main(["run", "--scenario", str(path), "--out", str(tmp_path / "out")]) == 0
    written = pd.read_parquet(tmp_path / "out" / "timeseries.parquet")[list(finished.result.timeseries.columns)]
    pd.testing.assert_frame_equal(written, finished.result.timeseries, check_dtype=False)
    link = next(c.value for c in at.code if c.value.startswith("?"))
    assert "scenario=recommendations" in link and "framing_intensity=0.35" in link
    labels = [b.label for b in at.get("download_button")]
    assert {"Download scenario TOML", "Weekly outcomes (CSV)", "Weekly outcomes (Parquet)"} <= set(labels)


def test_a_scenario_file_loads_back_and_a_bad_one_is_refused(explored) -> None:
    at = explored.switch_page("share.py").run()
    wanted = RunConfig.build("c177", {"n_workers": 200, "tokenism": 0.2}, 9, 52)
    at.file_uploader(key="share.upload").upload("c177_custom.toml", wanted.to_toml().encode()).run()
    assert not at.exception and not at.error
    assert at.session_state["config"] == wanted
    assert at.success[0].value.startswith("Loaded c177_custom.toml: scenario Indonesia ratifies ILO C177 · c177, seed 9, 52 weeks.")
    at.file_uploader(key="share.upload").upload("broken.toml", b"[parameters]\ntokenism = 3\n").run()
    assert not at.exception
    assert "broken.toml cannot be used" in at.error[0].value and "'tokenism' = 3" in at.error[0].value
    assert at.session_state["config"] == wanted
