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
    assert not at.image                     # interactive charts only
    assert any(c.value == "8 of 8 runs selected." for c in at.caption)
    runs = at.dataframe[-1].value
    assert len(runs) == 8
    assert runs["seed"].map(type).eq(str).all()  # 64-bit seeds shown whole, as text
    # the summary: a row per scenario and design point, labelled with its values
    summary = at.dataframe[0].value
    assert summary["group"].tolist() == [f"{s}, framing_intensity = {f}, tokenism = {t}"
                                         for s in ("status_quo", "no_network") for f in ("0", "0.7") for t in ("0.1", "0.8")]
    assert "Per scenario and design point (framing_intensity, tokenism), over 1 replicates." in [c.value for c in at.caption]
    # by one lever, averaged over the other; by nothing, pooled and labelled so
    at.multiselect(key=f"batch.by.{sweep_folder}").set_value(["tokenism"]).run()
    assert at.dataframe[0].value["group"].tolist() == ["status_quo, tokenism = 0.1", "status_quo, tokenism = 0.8",
                                                       "no_network, tokenism = 0.1", "no_network, tokenism = 0.8"]
    at.multiselect(key=f"batch.by.{sweep_folder}").set_value([]).run()
    assert at.dataframe[0].value["group"].tolist() == ["status_quo, pooled over 4 design points",
                                                       "no_network, pooled over 4 design points"]
    # the heatmap: every scenario on one colour scale, or the difference from a named cell
    assert at.selectbox(key="batch.hcolour").options[:2] == [
        "the values themselves", "difference from status_quo, framing_intensity = 0, tokenism = 0.1"]
    at.selectbox(key="batch.hcolour").select("difference from status_quo, framing_intensity = 0, tokenism = 0.1").run()
    assert not at.exception
    assert any(c.value.startswith("Each cell minus the cell status_quo, framing_intensity = 0, tokenism = 0.1")
               for c in at.caption)
    # keep only the runs without framing
    at.multiselect(key=f"batch.f.framing_intensity.{sweep_folder}").set_value([0.0]).run()
    assert any(c.value == "4 of 8 runs selected." for c in at.caption)
    assert set(at.dataframe[-1].value["param.framing_intensity"]) == {0.0}
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
    regret = at.dataframe[-1].value
    assert set(regret["scenario"]) == {"status_quo", "no_network"} and (regret["regret"] >= 0).all()
