"""The "About the person" search in a real browser: pregnant, Spanish, Medicaid, detox.

Drives Debian's Chromium through Playwright against ``streamlit run app.py`` with a store whose
active directory is tests/fixtures/person_profile.csv (near Denver's ZIP 80218). Screenshots go
to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from person_fixture import PLACE, save_person_directory

from tests.browser_support import ARTIFACTS, CHROMIUM_ARGS, chromium_path, streamlit_server

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    executable = chromium_path()
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _choose(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    # Typing filters the list to the one option (each used here is unique as typed), and
    # Enter takes it: clicking an option is flaky while the list re-renders as it opens.
    page.get_by_label(label).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).wait_for()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_pregnant_spanish_medicaid_detox_search(browser, viewport: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    save_person_directory(db_url)
    with streamlit_server(db_url) as url:
        context = browser.new_context(viewport=VIEWPORTS[viewport])
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)

        def shot(step: str) -> None:
            page.screenshot(path=str(ARTIFACTS / f"person-{viewport}-{step}.png"), full_page=True)

        page.goto(url)
        page.get_by_text("Find a detox or treatment bed").wait_for()
        page.get_by_label("Where is the person? ZIP, city or coordinates").fill(PLACE)
        _choose(page, "Insurance or payment (any of)", "Medicaid")
        _choose(page, "Detox needed", "Any detox (withdrawal management)")
        page.get_by_text("About the person (optional)").click()
        page.get_by_text("Pregnant or postpartum", exact=True).click()
        _choose(page, "Treatment in another language", "Spanish")
        shot("1-form")
        page.get_by_test_id("stForm").get_by_role("button", name="Search", exact=True).click()

        page.get_by_text(re.compile(r"^3 facilities near 80218")).wait_for()
        page.get_by_text("For: pregnant or postpartum woman, in Spanish").wait_for()
        page.get_by_text(re.compile("results come from a directory listed more than 18")).wait_for()
        if viewport == "phone":
            # The top result's details, opened in place from its card (a phone's default
            # view). On the desktop table the same details are covered by the AppTest.
            page.get_by_role("button", name="Details").first.click()
            page.get_by_text("Listing: SAMHSA National Directory 2023 — call to confirm").wait_for()
            page.get_by_text("Not recorded by this source:").last.wait_for()
        shot("2-results")

        # Bad input: a "language" that is not one is refused with a sentence, nothing crashes.
        _choose(page, "Treatment in another language", "Another language (type it below)")
        page.get_by_label("Other language", exact=True).fill("=1+2")
        page.get_by_test_id("stForm").get_by_role("button", name="Search", exact=True).click()
        page.get_by_text(re.compile(r"language '=1\+2' is not a language name")).wait_for()
        assert page.get_by_text("Traceback").count() == 0
        shot("3-bad-language")
        context.close()
