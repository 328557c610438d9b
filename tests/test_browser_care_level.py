"""The Level of care guide in a real browser at phone size: answers, result, the Search form filled.

Drives Debian's Chromium through Playwright against ``streamlit run app.py``. Screenshots go to
test-artifacts/ (the README's picture of the guide is one of them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import App, streamlit_server
from playwright.sync_api import Browser, expect

from matching.render import display

pytestmark = pytest.mark.browser


def test_guide_at_phone_size_fills_the_search(browser: Browser, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    with streamlit_server(db_url) as url:
        context = browser.new_context(viewport={"width": 390, "height": 844})
        app = App(context.new_page(), "care-level-phone")
        page = app.page
        app.goto(f"{url}/care_level")
        app.see("About a dozen questions, no names", exact=False)
        app.choose("What do they use?", "Opioids (heroin, fentanyl, pills)")
        page.get_by_text("Daily or almost daily now", exact=True).click()
        app.shot("1-questions", full_page=False)
        page.get_by_role("button", name="Show the level of care").click()
        app.see("Ask for buprenorphine or methadone")
        app.see("Keep naloxone (Narcan) at hand", exact=False)
        app.see("The facility's own assessment decides; this is guidance, not a diagnosis.")
        page.get_by_text("What to look for").scroll_into_view_if_needed()
        app.shot("2-result", full_page=False)
        page.set_viewport_size({"width": 1440, "height": 900})
        app.shot("3-result-desktop")
        page.set_viewport_size({"width": 390, "height": 844})
        page.get_by_role("button", name="Use this for the search").click()
        app.see("The Search form now asks for this level of care", exact=False)
        # The same browser session: a new one starts with an empty Search form (shared
        # computers), so the guide's values travel within the session.
        expand = page.locator('[data-testid="stExpandSidebarButton"]')
        if expand.count() and expand.first.is_visible():
            expand.first.click()
        page.get_by_role("link", name="Search", exact=True).click()
        app.see("Find a detox or treatment bed")
        detox = page.get_by_test_id("stSelectbox").filter(has_text="Detox needed")
        app.check(
            "the Search form's detox level to be the guide's",
            lambda: expect(detox.get_by_role("combobox")).to_have_value(
                display.DETOX_LABELS["outpatient"]
            ),
        )
        app.shot("4-search-filled")
        context.close()
