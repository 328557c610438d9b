"""Phone details in a real browser: a compact crisis bar whose numbers stay tappable.

At 390x844 the sticky crisis bar must be one line (at most 48 px tall) with every number a tap
target at least 24 px tall, on the Search page and after switching pages; at 1440x900 it
shows the full wording. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import App, streamlit_server
from playwright.sync_api import Browser, ViewportSize

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1440, "height": 900}
MAX_BAR_PX = 48
MIN_TARGET_PX = 24


def _check_bar(app: App, what: str) -> None:
    bar = app.page.locator(".crisis-bar").first
    app.visible(bar, f"the crisis bar ({what})")
    box = bar.bounding_box()
    assert box is not None
    assert box["height"] <= MAX_BAR_PX, f"crisis bar is {box['height']} px tall ({what})"
    links = bar.locator("a[href]")
    assert links.count() == 4
    for index in range(links.count()):
        link = links.nth(index)
        target = link.bounding_box()
        assert target is not None and target["height"] >= MIN_TARGET_PX, (what, target)
        # Inside the bar and the viewport: a finger can reach it without scrolling the bar.
        assert target["x"] >= 0 and target["x"] + target["width"] <= PHONE["width"], (what, target)
    assert re.match(r"(tel|sms):", links.first.get_attribute("href") or "")


def test_phone_crisis_bar_is_compact_and_tappable(browser: Browser, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    with streamlit_server(db_url) as url:
        app = App(browser.new_context(viewport=PHONE).new_page(), "phone-bar")
        app.goto(url)
        app.see("Find a detox or treatment bed")
        _check_bar(app, "Search page")
        app.field("Where is the person? ZIP, city or coordinates").fill("10001")
        app.page.get_by_role("button", name="Search").click()
        app.see(re.compile(r"\d+ facilities near 10001"))
        app.page.mouse.wheel(0, 1500)
        _check_bar(app, "scrolled results")
        app.shot("1-phone-results-scrolled", full_page=False)
        app.page.goto(url.rstrip("/") + "/readiness")
        app.idle()
        _check_bar(app, "Readiness page")
        app.shot("2-phone-readiness", full_page=False)


def test_desktop_crisis_bar_keeps_full_wording(browser: Browser, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    with streamlit_server(db_url) as url:
        app = App(browser.new_context(viewport=DESKTOP).new_page(), "desktop-bar")
        app.goto(url)
        app.see("SAMHSA Helpline 1-800-662-4357")
        app.see("911 (overdose, emergency)")
        app.shot("1-desktop-search", full_page=False)
