"""Reading results right, in a real browser (Debian's Chromium driven by Playwright): Explore's
effect against noise and its out-of-date mark, and Learn's glossary and reference list. Saves
full-page screenshots of both pages at 1,280 and 1,920 px under ``test-output/screenshots/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

# `python -m pytest` puts the repository on the path
from tests.dashboard.test_browser import no_exception, screenshot_at, wait_for_app_run

pytestmark = pytest.mark.browser

WIDTHS = (1280, 1920)


def test_explore_effect_against_noise_and_the_out_of_date_mark(page: Page, streamlit_url: str,
                                                                screenshots: Path) -> None:
    page.set_default_timeout(60_000)
    page.goto(streamlit_url + "/?n_workers=1000&weeks=520&seed=3")
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Results", exact=True)).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stMetricDelta")).to_have_count(0)   # nothing changed: nothing to compare

    # moving a lever marks the results out of date; nothing runs until Run is pressed
    page.get_by_text("The state (").first.click()
    slider = page.get_by_role("slider", name="Tokenism (share)")
    slider.focus()
    slider.press("Home")
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Results: out of date")).to_be_visible()
    expect(page.get_by_text("tokenism 0.8 → 0.0").first).to_be_visible()
    page.get_by_role("button", name="Run simulation").click()
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Results", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Results: out of date")).to_have_count(0)

    # the change next to each headline number, and the unchanged scenario's faint lines
    expect(page.get_by_test_id("stMetricDelta")).to_have_count(5)
    expect(page.get_by_text("Faint dotted lines: the scenario as it is, with the same seed.")).to_be_visible()

    # one click: a few seeds of both, the difference, its interval and a verdict in words
    page.get_by_role("button", name="Run 5 seeds of both (10 runs)").click()
    wait_for_app_run(page, timeout=180_000)
    verdicts = page.get_by_text("spread of seeds")
    expect(verdicts.first).to_be_visible(timeout=180_000)
    expect(page.get_by_text("Over 5 seeds, each run with and without the change")).to_be_visible()
    no_exception(page)
    for width in WIDTHS:
        screenshot_at(page, screenshots / f"explore_{width}.png", width)


def test_learn_glossary_and_reference_list(page: Page, streamlit_url: str, screenshots: Path) -> None:
    page.set_default_timeout(60_000)
    page.goto(streamlit_url + "/learn")
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="8. Glossary")).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Upah Minimum Provinsi", exact=False)).to_be_visible()
    for term in ("Pos UKK", "JPRJ", "Tokenism", "Rowlands's powers", "The Power Cube"):
        expect(page.get_by_role("rowheader", name=term, exact=True)).to_be_visible()
    box = page.get_by_role("textbox", name="Look up a source label")
    box.fill("SF9")
    box.press("Enter")
    wait_for_app_run(page)
    expect(page.get_by_text("docs/sources.md#sf9")).to_be_visible()
    no_exception(page)
    for width in WIDTHS:
        screenshot_at(page, screenshots / f"learn_{width}.png", width)
