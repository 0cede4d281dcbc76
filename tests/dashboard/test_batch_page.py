"""The Batch page (AppTest): a sweep folder written by the experiments, and folders that are not."""

from __future__ import annotations


def open_folder(at, path) -> None:
    at.switch_page("batch.py").run()
    at.text_input(key="batch.typed").set_value(str(path))
    at.form_submit_button[0].click().run()


def test_a_sweep_shows_heatmap_filters_and_tables(explored, sweep_folder) -> None:
    at = explored
    open_folder(at, sweep_folder)
    assert not at.exception and not at.error
    assert at.subheader[0].value == f"A sweep: {sweep_folder}"
    assert "Heatmap over two swept parameters" in [s.value for s in at.subheader]
    assert at.selectbox(key="batch.hx").value == "framing_intensity"
    assert at.selectbox(key="batch.hy").value == "tokenism"
    assert len(at.image) == 3               # heatmap, final-year bars, weekly bands
    assert any(c.value == "8 of 8 runs selected." for c in at.caption)
    assert len(at.dataframe[0].value) == 8
    assert at.dataframe[0].value["seed"].map(type).eq(str).all()  # 64-bit seeds shown whole, as text
    # the heatmap shows one scenario at a time, never a blend of them
    assert at.selectbox(key="batch.hs").options == ["status_quo", "no_network"]
    at.selectbox(key="batch.hs").select("no_network").run()
    assert not at.exception and len(at.image) == 3
    # keep only the runs without framing
    at.multiselect(key=f"batch.f.framing_intensity.{sweep_folder}").set_value([0.0]).run()
    assert any(c.value == "4 of 8 runs selected." for c in at.caption)
    assert set(at.dataframe[0].value["param.framing_intensity"]) == {0.0}
    assert at.download_button(key="batch.download").label == "Download runs (selected) (CSV)"
    # a filter that keeps nothing says so, and the tables stay
    at.multiselect(key=f"batch.f.scenario.{sweep_folder}").set_value([]).run()
    assert not at.exception and any(i.value == "No run matches the filter; widen it above." for i in at.info)
    assert len(at.dataframe[0].value) == 0


def test_folders_that_are_not_outputs_are_refused_in_words(explored, bogus_folder, tmp_path) -> None:
    at = explored
    open_folder(at, bogus_folder)
    assert not at.exception
    assert at.error[0].value.startswith("This folder cannot be opened:")
    assert "is not a Rumahan manifest" in at.error[0].value
    open_folder(at, tmp_path / "missing")
    assert not at.exception and "does not exist" in at.error[0].value
    open_folder(at, tmp_path)
    assert not at.exception and "no manifest.json" in at.error[0].value


def test_sensitivity_and_robustness_folders(explored, sensitivity_folder, robustness_folder) -> None:
    at = explored
    open_folder(at, sensitivity_folder)
    assert not at.exception and not at.error
    assert "Sensitivity: which uncertainties matter" in [s.value for s in at.subheader]
    assert at.multiselect(key="batch.s_outcomes").value == ["earnings_to_ump"]
    saved = list((sensitivity_folder / "figures").glob("*.png"))    # shown in an expander
    assert len(at.image) == 1 + len(saved)
    open_folder(at, robustness_folder)
    assert not at.exception and not at.error
    assert "Robustness: regret of each policy across states of the world" in [s.value for s in at.subheader]
    at.selectbox(key="batch.table").select("regret").run()
    regret = at.dataframe[0].value
    assert set(regret["scenario"]) == {"status_quo", "no_network"} and (regret["regret"] >= 0).all()
