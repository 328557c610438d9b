"""Call odds in a real browser, at phone and desktop size: after the team has logged calls, a
search shows "Call these first" with bands (never percentages), and logging a call that was
not answered keeps the availability "not reported".

Drives Debian's Chromium through Playwright against ``streamlit run app.py`` over a SQLite
store (the demo directory); screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from browser_support import App, streamlit_server
from playwright.sync_api import Browser, ViewportSize

from matching.directory.demo import load_demo_directory
from matching.records.calllog import CallReport
from matching.records.store import open_engine
from matching.records.team import LOCAL
from matching.records.workspace import Workspace
from matching.search.engine import search
from matching.search.geo import resolve_location
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery

pytestmark = pytest.mark.browser

VIEWPORTS: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1440, "height": 900},
}
PLACE = "Columbus, OH"


def _seed_calls(db_url: str) -> None:
    index = FacilityIndex(load_demo_directory())
    found = search(index, SearchQuery(origin=resolve_location(PLACE), radius_miles=50), top=20)
    engine = open_engine(db_url)
    calls = Workspace(engine, LOCAL).calls
    for days, facility_id in enumerate(found["facility_id"].head(6), start=2):
        calls.log_call(
            CallReport(
                facility_id=facility_id,
                availability_status="openings" if days % 2 else "no_openings",
                reported_at=datetime.now(UTC) - timedelta(days=days),
                need="residential",
                payer="self",
                note="bed available, call back by 5pm" if days == 2 else "",
            )
        )
    engine.dispose()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_call_these_first_after_logged_calls(
    browser: Browser, viewport: str, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    open_engine(db_url).dispose()
    _seed_calls(db_url)
    with streamlit_server(db_url) as url:
        context = browser.new_context(viewport=VIEWPORTS[viewport])
        app = App(context.new_page(), f"call-odds-{viewport}")
        page = app.page
        app.goto(url)
        app.see("Find a detox or treatment bed")
        app.field("Where is the person? ZIP, city or coordinates").fill(PLACE)
        page.get_by_test_id("stForm").get_by_role("button", name="Search", exact=True).click()
        app.see(re.compile(r"facilities near Columbus, OH"))
        page.get_by_text("Call these first", exact=True).click()
        app.see(re.compile(r"too few calls logged to learn from \(6\)"))
        listed = page.get_by_test_id("stExpander").filter(has_text="Call these first")
        assert "%" not in listed.inner_text()  # a band, never a bare percentage
        assert listed.get_by_role("link").count() >= 5  # tap-to-call phones
        heights = [box["height"] for link in listed.get_by_role("link").all()
                   if (box := link.bounding_box())]  # fmt: skip
        assert heights and min(heights) >= 24  # tap targets at least 24 px tall
        listed.scroll_into_view_if_needed()
        app.shot("1-call-first", full_page=False)
        # The note of the last call follows the facility onto its card.
        page.get_by_text("Cards", exact=True).click()
        note = app.see(re.compile(r'Last call: "bed available, call back by 5pm"'))
        note.scroll_into_view_if_needed()
        app.shot("2-card-last-call", full_page=False)
        context.close()
