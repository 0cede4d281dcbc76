"""Reading results in a real browser: a grid sweep summarised by what it varies on the Batch page,
and policy changes told apart on the Compare page, both with dropdowns in words (a title, then the
code name); full-page screenshots of both at 1,280 and 1,920 px under ``test-output/screenshots/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .test_browser import go_to, no_exception, screenshot_at, wait_for_app_run

pytestmark = pytest.mark.browser

WIDTHS = (1280, 1920)


def fits_without_horizontal_scrolling(page: Page) -> bool:
    """Whether the page's first static table and the page itself show everything at the current width."""
    table = page.get_by_test_id("stTable").first
    main = page.get_by_test_id("stMain")
    return (table.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
            and main.evaluate("el => el.scrollWidth <= el.clientWidth + 1"))


def open_on_the_batch_page(page: Page, streamlit_url: str, folder: Path) -> None:
    """Start the app small at 1,280 px, go to Batch results and open ``folder``."""
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(streamlit_url + "/?n_workers=200&weeks=52")
    wait_for_app_run(page)
    go_to(page, "Batch results")
    page.get_by_role("textbox", name="Or a folder path").fill(str(folder))
    page.get_by_role("button", name="Open folder").click()
    wait_for_app_run(page)


def test_grid_sweep_summaries_on_the_batch_page(page: Page, streamlit_url: str, sweep_folder: Path,
                                                screenshots: Path) -> None:
    open_on_the_batch_page(page, streamlit_url, sweep_folder)
    expect(page.get_by_role("heading", name="Outcomes by what the batch varies")).to_be_visible()
    expect(page.get_by_text("Per scenario and design point (framing_intensity, tokenism), over 1 replicates.")) \
        .to_be_visible()
    # a row per scenario and design point, labelled with its values, every column in view at 1,280 px
    summary = page.get_by_test_id("stTable").first
    expect(summary.get_by_role("rowheader")).to_have_count(8)
    expect(summary).to_contain_text("Without the workers' network, Framing intensity = 0.7, Tokenism = 0.8")
    assert fits_without_horizontal_scrolling(page), "the summary table scrolls sideways at 1,280 px"
    # dropdowns in words: a parameter's or an outcome's title, then its code name
    by = page.get_by_test_id("stMultiSelect").filter(has_text="Summarise by")
    expect(by).to_contain_text("Framing intensity · framing_intensity")
    expect(page.get_by_role("combobox", name="Across")).to_have_value("Framing intensity · framing_intensity")
    expect(page.get_by_role("combobox", name="Outcome", exact=True)).to_have_value("Monthly net earnings ÷ UMP · earnings_to_ump")
    expect(page.get_by_test_id("stMultiSelect").filter(has_text="Outcomes")).to_contain_text(
        "Piece rate paid · piece_rate_mean")
    no_exception(page)
    # interactive charts only: heatmap panels, a bar chart per outcome, weekly bands
    expect(page.get_by_test_id("stImage")).to_have_count(0)
    assert page.get_by_test_id("stVegaLiteChart").count() >= 4
    for width in WIDTHS:
        screenshot_at(page, screenshots / f"batch_{width}.png", width, settle_ms=1200)
    # summarised by tokenism only: the framing values averaged over, rows labelled so
    by.get_by_role("button", name="Remove Framing intensity").click()
    wait_for_app_run(page)
    expect(page.get_by_text("Per scenario and tokenism, averaged over framing_intensity and the replicates.")) \
        .to_be_visible()
    expect(page.get_by_test_id("stTable").first.get_by_role("rowheader")).to_have_text(
        ["Status quo (2023), Tokenism = 0.1", "Status quo (2023), Tokenism = 0.8",
         "Without the workers' network, Tokenism = 0.1", "Without the workers' network, Tokenism = 0.8"])
    no_exception(page)
    screenshot_at(page, screenshots / "batch_by_tokenism_1280.png", 1280, settle_ms=1200)


def test_policy_changes_on_the_compare_page(page: Page, streamlit_url: str, screenshots: Path) -> None:
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(streamlit_url + "/compare?n_workers=200&weeks=52")
    wait_for_app_run(page)
    expect(page.get_by_role("spinbutton", name="Replicates per scenario")).to_have_value("10")
    expect(page.get_by_text("take about 12 s on one process")).to_be_visible()
    # dropdowns in words: a scenario's title, then its code name
    scenarios = page.get_by_test_id("stMultiSelect").filter(has_text="Scenarios to compare")
    expect(scenarios).to_contain_text("Status quo (2023) · status_quo")
    expect(page.get_by_role("combobox", name="Baseline")).to_have_value("Status quo (2023) · status_quo")
    scenarios.get_by_role("button", name="Remove Without the workers' network").click()
    scenarios.locator("input").click()
    page.get_by_role("option", name="Indonesia ratifies ILO C177 · c177").click()
    page.keyboard.press("Escape")
    for name, value in (("Replicates per scenario", "4"), ("Weeks", "156"), ("Workers per run", "500")):
        page.get_by_role("spinbutton", name=name).fill(value)
        page.get_by_role("spinbutton", name=name).press("Tab")
    page.get_by_role("button", name="Compare scenarios").click()
    wait_for_app_run(page)
    expect(page.get_by_text("2 scenarios × 4 replicates, 156 weeks")).to_be_visible(timeout=120_000)
    # the scheduled change is a labelled policy line; a change won in some runs only is counted
    expect(page.get_by_text("Indonesia ratifies ILO C177: c177_ratified = True, week 52 (scheduled: a dashed line)")) \
        .to_be_visible()
    for note in page.get_by_text(" runs (a triangle at each run's week)").all():
        assert " of 4 runs" in note.inner_text()
    expect(page.get_by_test_id("stImage")).to_have_count(0)
    table = page.get_by_test_id("stTable").first
    expect(table).to_contain_text("difference from the baseline (95% interval)")
    expect(page.get_by_role("heading", name="Final year, against the baseline: Status quo (2023)")).to_be_visible()
    # the baseline's zero rows are left out; a scenario is its title, then its code name
    assert set(table.locator("tbody th").all_inner_texts()) == {"Indonesia ratifies ILO C177 · c177"}
    no_exception(page)
    for width in WIDTHS:
        screenshot_at(page, screenshots / f"compare_{width}.png", width, settle_ms=1200)
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.wait_for_timeout(500)
    assert fits_without_horizontal_scrolling(page), "the final-year table scrolls sideways at 1,280 px"


def test_a_calibration_on_the_batch_page(page: Page, streamlit_url: str, calibration_folder: Path,
                                         screenshots: Path) -> None:
    open_on_the_batch_page(page, streamlit_url, calibration_folder)
    expect(page.get_by_role("heading", name=f"A calibration: {calibration_folder}")).to_be_visible()
    expect(page.get_by_text("Fit to the targets", exact=True)).to_be_visible()
    no_exception(page)
    assert page.get_by_test_id("stVegaLiteChart").count() == 2  # the fit on one scale, epsilon by generation
    for width in WIDTHS:
        screenshot_at(page, screenshots / f"batch_calibration_{width}.png", width, settle_ms=1500)
