"""Reading results right, in a real browser (Debian's Chromium driven by Playwright): Explore's
effect against noise and its out-of-date mark, its kinds of events told apart by colour with a
legend of their own, its scenario named in words, and Learn's glossary and reference list. Saves
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


def test_explore_tells_kinds_of_events_apart_by_colour_with_a_legend(page: Page, streamlit_url: str) -> None:
    """The run of the status quo at 1,000 workers, 520 weeks, seed 3 has several kinds of events (a
    rejected judicial review, a filed one, a retaliation): on the time axes each kind is a dashed
    line of its own colour, named in a legend titled "events" apart from the outcomes' legend."""
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(streamlit_url + "/?n_workers=1000&weeks=520&seed=3")
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Results", exact=True)).to_be_visible(timeout=90_000)
    # the scenario's dropdown in words: its title, then its code name
    expect(page.get_by_role("combobox", name="Scenario")).to_have_value("Status quo (2023) · status_quo")
    marked = page.get_by_test_id("stMultiSelect").filter(has_text="Events marked on the time axes")
    expect(marked).to_contain_text("Judicial review rejected")
    # the kinds marked (read from the page, so that a change of the model's events does not break this)
    kinds = [name.removeprefix("Remove ") for name in marked.get_by_role("button").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label')).filter(n => n && n.startsWith('Remove '))")]
    assert len(kinds) >= 2, f"this run should mark at least two kinds of events, not {kinds}"
    chart = page.get_by_test_id("stVegaLiteChart").first
    chart.scroll_into_view_if_needed()
    legends = chart.locator("g.role-legend")
    expect(legends).to_have_count(2)                                   # the outcomes', and the events' own
    events = legends.filter(has_text="events")
    expect(events.locator("g.role-legend-label text")).to_have_text(kinds)
    colours = events.locator("g.role-legend-symbol path").evaluate_all("els => els.map(e => e.getAttribute('stroke'))")
    assert len(set(colours)) == len(kinds), colours
    outcomes = legends.filter(has_not_text="events").locator("g.role-legend-symbol path") \
        .evaluate_all("els => els.map(e => e.getAttribute('stroke'))")
    assert not set(colours) & set(outcomes), "an event shares a colour with an outcome's line"
    # each kind's dashed lines on the plot are drawn in its legend colour
    rules = chart.locator("g.mark-rule.role-mark line").evaluate_all(
        "els => els.map(e => [e.getAttribute('stroke'), e.getAttribute('stroke-dasharray')])")
    assert {stroke for stroke, _ in rules} == set(colours) and all(dash for _, dash in rules)
    no_exception(page)


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
