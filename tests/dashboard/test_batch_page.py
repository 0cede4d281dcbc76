"""The Batch page (AppTest): a sweep folder written by the experiments, and folders that are not."""

from __future__ import annotations

import pandas as pd

from rumahan.experiments.report import significant


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
    # dropdowns show a title, then the code name
    assert at.selectbox(key="batch.hx").options[:2] == ["Framing intensity · framing_intensity", "Tokenism"]
    assert "Monthly net earnings ÷ UMP · earnings_to_ump" in at.selectbox(key="batch.hm").options
    assert at.selectbox(key="batch.hy").value == "tokenism"
    assert not at.image                     # interactive charts only
    assert any(c.value == "8 of 8 runs selected." for c in at.caption)
    runs = at.dataframe[-1].value
    assert len(runs) == 8
    assert runs["seed"].map(type).eq(str).all()  # 64-bit seeds shown whole, as text
    # the summary: a row per scenario and design point, labelled with its values
    summary = at.table[0].value            # a static table: it wraps instead of cutting columns off
    assert summary.index.tolist() == [f"{s}, Framing intensity = {f}, Tokenism = {t}"
                                         for s in ("Status quo (2023)", "Without the workers' network") for f in ("0", "0.7") for t in ("0.1", "0.8")]
    assert "Per scenario and design point (framing_intensity, tokenism), over 1 replicates." in [c.value for c in at.caption]
    # by one lever, averaged over the other; by nothing, pooled and labelled so
    at.multiselect(key=f"batch.by.{sweep_folder}").set_value(["tokenism"]).run()
    assert at.table[0].value.index.tolist() == ["Status quo (2023), Tokenism = 0.1", "Status quo (2023), Tokenism = 0.8",
                                                       "Without the workers' network, Tokenism = 0.1",
                                                       "Without the workers' network, Tokenism = 0.8"]
    at.multiselect(key=f"batch.by.{sweep_folder}").set_value([]).run()
    assert at.table[0].value.index.tolist() == ["Status quo (2023), pooled over 4 design points",
                                                       "Without the workers' network, pooled over 4 design points"]
    # the heatmap: every scenario on one colour scale, or the difference from a named cell
    assert at.selectbox(key="batch.hcolour").options[:2] == [
        "the values themselves", "difference from Status quo (2023), Framing intensity = 0, Tokenism = 0.1"]
    at.selectbox(key="batch.hcolour").select("difference from Status quo (2023), Framing intensity = 0, Tokenism = 0.1").run()
    assert not at.exception
    assert any(c.value.startswith("Each cell minus the cell Status quo (2023), Framing intensity = 0, Tokenism = 0.1")
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


def test_a_wide_sweep_draws_the_weekly_lines_of_one_design_point_at_a_time(explored, wide_sweep_folder) -> None:
    at = explored
    open_folder(at, wide_sweep_folder)
    assert not at.exception and not at.error
    assert len(at.table[0].value) == 12                      # the summary: every design point of both scenarios
    lines_at = at.selectbox(key=f"batch.lines_at.{wide_sweep_folder}")
    assert lines_at.options == [f"Framing intensity = {f}, Tokenism = {t}" for f in ("0", "0.35", "0.7")
                                for t in ("0.1", "0.8")]
    assert "**Over time at Framing intensity = 0, Tokenism = 0.1**" in [m.value for m in at.markdown]
    lines_at.select_index(3).run()
    assert not at.exception
    assert "**Over time at Framing intensity = 0.35, Tokenism = 0.8**" in [m.value for m in at.markdown]
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert len(charts) == 1 + 3 + 3                 # the heatmap, a bar chart and weekly bands per outcome


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


def test_an_ablation_folder_shows_what_each_channel_carries(explored, ablation_folder) -> None:
    at = explored
    open_folder(at, ablation_folder)
    assert not at.exception and not at.error
    assert ("What each channel carries: Status quo (2023) against Without the workers' network"
            in [s.value for s in at.subheader])
    chooser = at.selectbox(key=f"ablation.outcome.{ablation_folder}")
    assert chooser.options == ["Piece rate paid · piece_rate_mean", "Network membership · membership_rate"]
    rows = at.table[0].value
    assert rows.index.tolist() == ["Channel entitlement · channel_entitlement",
                                   "Channel agreements · channel_agreements"]
    table = pd.read_parquet(ablation_folder / "ablation.parquet")
    first = table[(table["outcome"] == "piece_rate_mean")].iloc[0]
    assert rows["carried"].iloc[0].startswith(significant(first["carried"]))
    chooser.select("membership_rate").run()
    assert not at.exception
    assert any("Network membership" in m.value and "every channel on" in m.value for m in at.markdown)
