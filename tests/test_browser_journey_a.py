"""Issue 23 in a real browser, phone (390x844) and desktop (1440x900): a Spanish letter gets one
warning a sentence naming its words; weapons and "uses alone" show the alert, then the naloxone
advice; ZIP 99999 suggests no far-away ZIP. Screenshots go to test-artifacts/journey-a-*.png."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser_support import App, streamlit_server
from case_factory import ready_case
from playwright.sync_api import Browser, expect

from matching.records import cases as case_records
from matching.records.store import open_engine
from matching.records.team import LOCAL
from matching.render.crisis import NEVER_USE_ALONE_LINE

pytestmark = pytest.mark.browser

PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "user_agent": PHONE_AGENT},
    "desktop": {"viewport": {"width": 1440, "height": 900}},
}
SPANISH = (
    "Eres una drogadicta egoísta y una mentirosa. Nos has arruinado la vida y me das vergüenza. "
    "Si no vas hoy, estás muerta para mí."
)


def seed_case(db_url: str) -> None:
    case = ready_case(datetime.now(UTC))
    team = (replace(case.team[0], letter=SPANISH, letter_status="drafted"), *case.team[1:])
    safety = replace(case.safety, violence=True, uses_alone=True)
    engine = open_engine(db_url)
    try:
        case_records.create_case(engine, replace(case, safety=safety, team=team), actor=LOCAL)
    finally:
        engine.dispose()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_spanish_letter_safety_order_and_zip_99999(browser: Browser, size: str, tmp_path: Path):
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    seed_case(db_url)
    with streamlit_server(db_url) as url:
        context = browser.new_context(**VIEWPORTS[size])  # type: ignore[arg-type]
        app = App(context.new_page(), f"journey-a-{size}")
        page = app.page
        app.goto(f"{url}/plan")
        alert = page.locator('[data-testid="stAlertContentError"]').filter(
            has_text="Violence or weapons"
        )
        advice = page.locator('[data-testid="stAlertContentWarning"]').filter(
            has_text=NEVER_USE_ALONE_LINE
        )
        app.visible(alert.first, "the emergency alert")
        app.visible(advice.first, "the uses-alone advice")
        alert_box, advice_box = alert.first.bounding_box(), advice.first.bounding_box()
        assert alert_box is not None and advice_box is not None
        assert alert_box["y"] < advice_box["y"], "the emergency alert comes first"
        app.shot("1-safety", full_page=False)

        page.get_by_text("Español", exact=True).first.click()
        app.idle()
        warnings = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="Try:")
        app.count(warnings, 3, "one warning for each of the three sentences")
        expect(warnings.nth(0)).to_contain_text("“drogadicta”, “egoísta”, “mentirosa”")
        expect(warnings.nth(2)).to_contain_text("“estás muerta para mí”")
        app.see("Reviewed as Español.")
        warnings.nth(0).scroll_into_view_if_needed()
        app.shot("2-spanish-letter", full_page=False)

        app.goto(url)
        page.get_by_label("Where is the person? ZIP, city or coordinates").fill("99999")
        page.get_by_role("button", name="Search").click()
        app.see("ZIP 99999 does not exist.")
        expect(page.get_by_text("Nearby valid ZIPs")).to_have_count(0)
        app.see("No valid ZIP is close to it")
        app.shot("3-zip-99999", full_page=False)
        context.close()
