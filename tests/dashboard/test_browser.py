"""The dashboard in a real browser: ``streamlit run`` and Debian's Chromium driven by Playwright.

One session walks through what a newcomer does: run a scenario, change a lever, compare two
scenarios, download files and check what is in them, open a batch folder and the Learn page, and
saves a full-page screenshot of every page under ``test-output/screenshots/``.
"""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from rumahan.experiments.scenarios import load_scenario

pytestmark = pytest.mark.browser

#: Explore runs at a size that looks like a real run but stays quick (about a second).
EXPLORE_QUERY = "?n_workers=1000&weeks=520&seed=3"


def wait_for_app_run(page: Page, timeout: float = 90_000) -> None:
    """Wait until the script has rerun and finished (the state flips a moment after an action)."""
    page.wait_for_timeout(300)
    app = "[data-testid='stApp']"
    page.wait_for_selector(f"{app}[data-test-connection-state='CONNECTED']", state="attached", timeout=timeout)
    page.wait_for_selector(f"{app}[data-test-script-state='notRunning']", state="attached", timeout=timeout)


def no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


def full_screenshot(page: Page, path: Path) -> None:
    """Streamlit scrolls inside its own container, so grow the viewport to the content first."""
    height = page.get_by_test_id("stMain").evaluate("el => el.scrollHeight")
    page.set_viewport_size({"width": 1400, "height": int(height) + 80})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 1000})


def go_to(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()


def test_newcomer_walkthrough(page: Page, streamlit_url: str, sweep_folder: Path, bogus_folder: Path,
                              screenshots: Path, tmp_path: Path) -> None:
    page.set_default_timeout(60_000)
    page.goto(streamlit_url + "/" + EXPLORE_QUERY)
    wait_for_app_run(page)

    # 1. A scenario runs as soon as the page opens.
    expect(page.get_by_role("heading", name="Results")).to_be_visible(timeout=90_000)
    expect(page.get_by_text("1,000 workers, 520 weeks, seed 3")).to_be_visible()
    expect(page.get_by_test_id("stMetric").first).to_contain_text("Rp")
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(8)
    expect(page.get_by_test_id("stImage")).to_have_count(1)
    network = page.get_by_test_id("stImage").locator("img").first
    expect(network).to_be_visible()
    assert network.evaluate("img => img.complete && img.naturalWidth > 0")
    no_exception(page)
    before = page.get_by_test_id("stMetric").nth(2).inner_text()
    assert before.startswith("Network members")

    # 2. Change a lever: no micro-entrepreneur framing, then run again.
    page.get_by_text("The state (").first.click()
    slider = page.get_by_role("slider", name="Framing intensity (0-1)")
    slider.focus()
    slider.press("Home")
    wait_for_app_run(page)   # the inputs are not in a form: the page reruns and marks its results out of date
    page.get_by_role("button", name="Run simulation").click()
    wait_for_app_run(page)
    expect(page.get_by_text("Changed in the Rumahan dashboard: framing_intensity = 0.0")).to_be_visible()
    query = parse_qs(urlparse(page.url).query)
    assert query["framing_intensity"] == ["0.0"] and query["n_workers"] == ["1000"] and query["seed"] == ["3"]
    after = page.get_by_test_id("stMetric").nth(2).inner_text()
    assert after != before, "membership did not change when framing was switched off"
    no_exception(page)
    full_screenshot(page, screenshots / "explore.png")

    # 3. Compare two scenarios with replicates.
    go_to(page, "Compare scenarios")
    page.get_by_role("spinbutton", name="Replicates per scenario").fill("3")
    page.get_by_role("spinbutton", name="Replicates per scenario").press("Tab")
    page.get_by_role("spinbutton", name="Workers per run").fill("500")
    page.get_by_role("spinbutton", name="Workers per run").press("Tab")
    page.get_by_role("button", name="Compare scenarios").click()
    wait_for_app_run(page)
    expect(page.get_by_text("2 scenarios × 3 replicates, 520 weeks")).to_be_visible(timeout=120_000)
    expect(page.get_by_test_id("stImage")).to_have_count(0)           # interactive charts only
    expect(page.get_by_test_id("stTable").first).to_be_visible()
    no_exception(page)
    full_screenshot(page, screenshots / "compare.png")

    # 4. Share: the scenario TOML and the weekly CSV, checked.
    go_to(page, "Share and reproduce")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download scenario TOML").click()
    toml_path = tmp_path / download.value.suggested_filename
    download.value.save_as(toml_path)
    data = tomllib.loads(toml_path.read_text())
    assert data["run"] == {"seed": 3, "weeks": 520}
    assert data["parameters"] == {"framing_intensity": 0.0, "n_workers": 1000}
    scenario = load_scenario(toml_path)
    assert scenario.seed == 3 and scenario.weeks == 520
    with page.expect_download() as download:
        page.get_by_role("button", name="Weekly outcomes (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert len(rows) == 521 and rows[-1]["week"] == "520"
    assert {"piece_rate_mean", "power_within", "value_from_principals"} <= set(rows[0])
    no_exception(page)
    full_screenshot(page, screenshots / "share.png")

    # 5. Batch results: a bogus folder is refused in words; a sweep shows its heatmap.
    go_to(page, "Batch results")
    path_box = page.get_by_role("textbox", name="Or a folder path")
    path_box.fill(str(bogus_folder))
    page.get_by_role("button", name="Open folder").click()
    wait_for_app_run(page)
    expect(page.get_by_test_id("stAlert")).to_contain_text("not a Rumahan manifest")
    no_exception(page)
    path_box.fill(str(sweep_folder))
    page.get_by_role("button", name="Open folder").click()
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Heatmap over two swept parameters")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    no_exception(page)
    full_screenshot(page, screenshots / "batch.png")

    # 6. Learn: the three figures and the parameter table.
    go_to(page, "Learn the model")
    expect(page.get_by_test_id("stImage")).to_have_count(3)
    expect(page.get_by_role("heading", name="5. Where the numbers come from")).to_be_visible()
    no_exception(page)
    full_screenshot(page, screenshots / "learn.png")


def screenshot_at(page: Page, path: Path, width: int, settle_ms: int = 800) -> None:
    """A full-page screenshot at ``width`` px: the viewport grown to the content first (Streamlit
    scrolls inside its own container), then ``settle_ms`` for charts to redraw."""
    page.set_viewport_size({"width": width, "height": 1000})
    page.wait_for_timeout(500)
    height = page.get_by_test_id("stMain").evaluate("el => el.scrollHeight")
    page.set_viewport_size({"width": width, "height": int(height) + 80})
    page.wait_for_timeout(settle_ms)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 1000})


def test_collective_action_lab(page: Page, streamlit_url: str, screenshots: Path) -> None:
    """Granovetter's ladder tips everyone; moving one threshold leaves only the instigator; the
    degree sweep draws Watts's window."""
    page.set_default_timeout(60_000)
    page.goto(streamlit_url + "/lab")
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Collective action lab", level=1)).to_be_visible(timeout=90_000)
    no_exception(page)

    # 1. Granovetter's ladder, set up from its exercise, then run.
    page.get_by_text("Classroom exercises").click()
    page.get_by_role("button", name="Set up").first.click()
    wait_for_app_run(page)
    page.get_by_role("button", name="Run", exact=True).click()
    wait_for_app_run(page)
    expect(page.get_by_text("100 of 100 take part")).to_be_visible()
    query = parse_qs(urlparse(page.url).query)
    assert query["lab.rule"] == ["ladder"] and query["lab.graph"] == ["complete"]
    no_exception(page)
    screenshot_at(page, screenshots / "lab_ladder_1280.png", 1280, settle_ms=1500)

    # 2. Person 1 now waits for 2 others: only the instigator (person 0) acts.
    person = page.get_by_role("spinbutton", name="Person")
    person.fill("1")
    person.press("Enter")
    wait_for_app_run(page)
    people = page.get_by_role("spinbutton", name="Her threshold (people of 99)")
    people.fill("2")
    people.press("Enter")
    wait_for_app_run(page)
    page.get_by_role("button", name="Run", exact=True).click()
    wait_for_app_run(page)
    expect(page.get_by_text("1 of 100 take part")).to_be_visible()
    expect(page.get_by_text("person 1's set by hand to 0.020")).to_be_visible()
    no_exception(page)

    # 3. Watts's window: one organizer on random graphs of growing mean degree.
    page.get_by_role("button", name="Set up").nth(1).click()
    wait_for_app_run(page)
    page.get_by_role("button", name="Run the degree sweep").click()
    wait_for_app_run(page, timeout=120_000)
    expect(page.get_by_text("Watts's cascade window (shaded) runs 1.05 to 5.75")).to_be_visible()
    no_exception(page)
    screenshot_at(page, screenshots / "lab_watts_1280.png", 1280, settle_ms=1500)
    screenshot_at(page, screenshots / "lab_watts_1920.png", 1920, settle_ms=1500)

    # 4. The kampung graph of exercise 4 (2,000 people, thresholds moved by grievance and risk).
    page.get_by_role("button", name="Set up").nth(3).click()
    wait_for_app_run(page)
    expect(page.get_by_text("of 2,000 take part")).to_be_visible()
    expect(page.get_by_text("Grievance lowers every threshold by 0.075; retaliation risk raises it by 0.300")).to_be_visible()
    no_exception(page)
    screenshot_at(page, screenshots / "lab_kampung_1280.png", 1280, settle_ms=1500)
