"""Hostile input to the dashboard, through the whole app (Streamlit AppTest): a link full of bad
settings, widgets set out of range, uploads that are not scenario files, and output folders that
are damaged. The page never shows a traceback: each problem is one line in a warning or an error
box, and earlier results stay."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rumahan.dashboard.parameter_widgets import widget_key
from rumahan.dashboard.run_config import RunConfig

from .cases import make_good_folders

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
SMALL = {"n_workers": "200", "weeks": "52"}
#: AppTest's default is 3 s; the first script run imports pandas, matplotlib, altair and Mesa.
TIMEOUT = 180


def _app(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query)
    return at


def _no_traceback(at: AppTest) -> None:
    assert not at.exception, at.exception
    for box in (*at.error, *at.warning):
        assert "Traceback" not in box.value and "Something went wrong" not in box.value, box.value


def test_a_hostile_link_is_explained_in_one_warning_and_its_good_part_runs() -> None:
    query = {**SMALL, "tokenism": "nan", "principal_price": "inf", "n_subcontractors": "0", "seed": "abc",
             "schedule": "99999999999999999999:tokenism=0.1", "colour": "red", "framing_intensity": "0.2"}
    at = _app(query).run()
    _no_traceback(at)
    warning = at.warning[0].value
    assert warning.startswith("Some of the link's settings could not be used and were left out:")
    for fragment in ("'tokenism' = nan is not finite", "'principal_price' = inf is not finite",
                     "'n_subcontractors' = 0 is out of bounds", "seed = 'abc' is not a whole number",
                     "after the longest run (2600 weeks)", "unknown parameter 'colour'"):
        assert fragment in warning, fragment
    assert "\n" not in warning
    ran = at.session_state["run"].config
    assert ran == RunConfig.build("status_quo", {"n_workers": 200, "framing_intensity": 0.2}, 1, 52)
    # the page's address now holds only what was used
    assert at.query_params["framing_intensity"] == "0.2" and at.query_params["seed"] == "1"
    assert not {"tokenism", "principal_price", "colour", "schedule"} & set(at.query_params)


def test_widgets_cannot_carry_values_outside_the_registry_bounds() -> None:
    """Streamlit keeps every widget within the bounds the registry gives it: values set out of range
    never reach the model (the run uses values within bounds), and nothing fails."""
    at = _app(SMALL).run()
    at.slider(key=widget_key("tokenism")).set_value(5.0)
    at.number_input(key=widget_key("n_workers")).set_value(-3)
    at.number_input(key="run.weeks").set_value(0)
    at.number_input(key="run.seed").set_value(-1)
    at.button(key="explore.run").click().run()
    _no_traceback(at)
    config = at.session_state["run"].config
    values = dict(config.changes)
    assert 0.0 <= values.get("tokenism", 0.8) <= 1.0
    assert 10 <= values["n_workers"] <= 5_000_000 and config.weeks >= 1 and config.seed >= 0


@pytest.fixture(scope="module")
def damaged_folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("folders")
    good = make_good_folders(root / "good")
    folders = {}
    for name, damage in {
        "truncated_parquet": lambda f: (f / "runs.parquet").write_bytes((f / "runs.parquet").read_bytes()[:300]),
        "foreign_parquet": lambda f: __import__("pandas").DataFrame({"a": [1]}).to_parquet(f / "timeseries.parquet"),
        "manifest_not_json": lambda f: (f / "manifest.json").write_text('{"format": "rumahan-output", "kind": '),
        "manifest_damaged": lambda f: (f / "manifest.json").write_text(json.dumps(
            {**json.loads((f / "manifest.json").read_text()), "runs": "x"})),
    }.items():
        folder = root / name
        shutil.copytree(good["sweep"], folder)
        damage(folder)
        folders[name] = folder
    figure = root / "bad_figure"
    shutil.copytree(good["sweep"], figure)
    (figure / "figures").mkdir(exist_ok=True)
    (figure / "figures" / "broken.png").write_bytes(b"not a png")
    folders["bad_figure"] = figure
    folders["a_file"] = good["sweep"] / "design.parquet"
    return folders


@pytest.mark.parametrize(("name", "expected"), [
    ("truncated_parquet", "runs.parquet is truncated or not a Parquet file"),
    ("foreign_parquet", "timeseries.parquet is a Parquet file that Rumahan did not write"),
    ("manifest_not_json", "manifest.json is not valid JSON"),
    ("manifest_damaged", "is damaged: \"runs\" is str 'x', expected list"),
])
def test_damaged_output_folders_are_refused_in_one_line(damaged_folders, name, expected) -> None:
    at = _app(SMALL).run()
    at.switch_page("batch.py").run()
    at.text_input(key="batch.typed").set_value(str(damaged_folders[name]))
    at.form_submit_button[0].click().run()
    _no_traceback(at)
    message = at.error[0].value
    assert message.startswith("This folder cannot be opened:") and expected in message and "\n" not in message


def test_a_file_in_an_output_folder_opens_the_folder_and_a_broken_figure_is_not_fatal(damaged_folders) -> None:
    at = _app(SMALL).run()
    at.switch_page("batch.py").run()
    at.text_input(key="batch.typed").set_value(str(damaged_folders["a_file"]))
    at.form_submit_button[0].click().run()
    _no_traceback(at)
    assert not at.error and at.subheader[0].value.startswith("A sweep:")
    at.text_input(key="batch.typed").set_value(str(damaged_folders["bad_figure"]))
    at.form_submit_button[0].click().run()
    _no_traceback(at)
    assert not at.error and at.subheader[0].value.startswith("A sweep:")  # the folder's results are shown
    assert any("broken.png is not a readable image (UnidentifiedImageError); skipped." in c.value for c in at.caption)


@pytest.mark.parametrize(("filename", "content", "expected"), [
    ("latin1.toml", 'name = "caf\xe9"\n'.encode("latin-1"), "latin1.toml cannot be used: it is not UTF-8 text (byte 11)"),
    ("truncated.toml", b"[parameters]\ntokenism = 0.", "truncated.toml cannot be used: truncated.toml is not valid TOML"),
    ("nan.toml", b"[parameters]\ntokenism = nan\n", "'tokenism' = nan is not finite"),
    ("spec.toml", b"[sweep]\nweeks = 3\n", "unknown key(s) sweep"),
])
def test_bad_uploads_are_refused_and_the_configuration_kept(filename, content, expected) -> None:
    at = _app(SMALL).run()
    before = at.session_state["config"]
    at.switch_page("share.py").run()
    at.file_uploader(key="share.upload").upload(filename, content).run()
    _no_traceback(at)
    assert expected in at.error[0].value and "\n" not in at.error[0].value
    assert at.session_state["config"] == before


def test_an_upload_with_a_byte_order_mark_loads() -> None:
    at = _app(SMALL).run()
    at.switch_page("share.py").run()
    text = "\ufeff" + RunConfig.build("c177", {"n_workers": 200, "tokenism": 0.2}, 9, 52).to_toml()
    at.file_uploader(key="share.upload").upload("notepad.toml", text.encode("utf-8")).run()
    _no_traceback(at)
    assert not at.error and at.session_state["config"].scenario == "c177"
