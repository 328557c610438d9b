"""The readiness journey in a real browser: fill a plan, hold a bed, see it secured, get the packet.

Drives Debian's Chromium through Playwright against ``streamlit run app.py`` with its own
SQLite store. The store starts with one shortlisted demo facility (the search-to-shortlist part
of the journey is the main browser test's job); everything else is typed into the pages.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from browser_support import ARTIFACTS, App, streamlit_server
from playwright.sync_api import Browser
from pypdf import PdfReader

from matching.directory import columns as col
from matching.records import library, shortlist
from matching.records.store import open_engine
from matching.records.team import LOCAL
from matching.search.geo import resolve_location

pytestmark = pytest.mark.browser

NEW_YORK = ZoneInfo("America/New_York")


def seed_shortlist(db_url: str) -> str:
    """Shortlist the demo facility nearest to 10001 that offers opioid detox; return its name."""
    directory = library.load_entry(library.demo_entry())
    origin = resolve_location("10001")
    opioid_detox = col.DETOX_COLUMNS[-1]
    usable = directory[directory[opioid_detox].fillna(False).astype(bool)].copy()
    usable["_d"] = (usable[col.LAT] - origin.lat) ** 2 + (usable[col.LON] - origin.lon) ** 2
    nearest = usable.nsmallest(1, "_d").drop(columns="_d")
    engine = open_engine(db_url)
    shortlist.add_facilities(
        engine, shortlist.default_shortlist(engine, actor=LOCAL).id, nearest, actor=LOCAL
    )
    engine.dispose()
    return str(nearest[col.NAME].iloc[0])


def test_plan_hold_secured_and_packet(browser: Browser, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    facility_name = seed_shortlist(db_url)
    today = datetime.now(UTC).astimezone(NEW_YORK).date()
    intervention_day = today + timedelta(days=2)
    hold_day = today + timedelta(days=4)

    with streamlit_server(db_url) as url:
        context = browser.new_context(
            viewport={"width": 1280, "height": 1000}, accept_downloads=True
        )
        app = App(context.new_page(), "readiness")
        page, shot, field, open_tab = app.page, app.shot, app.field, app.tab

        def form_with(label: str):
            return page.locator('[data-testid="stForm"]').filter(has=field(label))

        def pick_date(label: str, day) -> None:
            # A react-aria date field: type into the year segment and it moves on by itself.
            page.get_by_role("spinbutton", name=f"year, {label}", exact=True).click()
            page.keyboard.type(day.strftime("%Y%m%d"))
            page.keyboard.press("Tab")

        def pick_time(label: str, hours_minutes: str) -> None:
            page.get_by_role("spinbutton", name=f"hour, {label}", exact=True).click()
            page.keyboard.type(hours_minutes.replace(":", ""))
            page.keyboard.press("Tab")

        app.goto(url)
        page.get_by_role("link", name="Plan").click()
        page.get_by_role("button", name="Create my first case").click()
        app.see("Created Our case.")

        # The person and the safety screen: four "No" answers.
        field("First name or alias only").fill("Sam")
        yes_no = page.locator('[data-testid="stRadio"]').filter(
            has=page.get_by_role("radio", name="No", exact=True)
        )
        for radio in yes_no.all()[:4]:
            radio.get_by_text("No", exact=True).click()
        form_with("First name or alias only").get_by_role("button", name="Save").click()
        app.see("Saved the person and safety screen.")

        # When and where.
        pick_date("Date", intervention_day)
        pick_time("Time", "10:00")
        field("Place (as you would describe it to the team)").fill("Aunt Jo's home")
        field(
            "Where is it? ZIP, city or coordinates — used for the travel time to the facility"
        ).fill("10001")
        form_with("Place (as you would describe it to the team)").get_by_role(
            "button", name="Save"
        ).click()
        app.see("Saved the time and place.")
        shot("1-plan")

        # Placement: add the shortlisted facility, verify insurance, hold the bed.
        page.get_by_role("link", name="Placement").click()
        app.see("Add facilities from a shortlist")
        shot("2-placement-empty")
        app.choose("Facilities to add", facility_name)
        page.get_by_role("button", name="Add to the case").click()
        app.see("Added 1 facility.")

        open_tab("Insurance")
        field("Insurer").fill("Aetna")
        page.get_by_role("button", name="Save verification").click()
        app.see("Insurance verification saved.")

        open_tab("Hold")
        pick_date("Hold expires: date", hold_day)
        pick_time("Hold expires: time", "10:00")
        field("Held by (staff name)").fill("Dana")
        page.get_by_role("button", name="Save the hold").click()
        app.see("Bed hold saved.")
        shot("3-placement")

        # Readiness: the placement is secured; download the packet and read it.
        page.get_by_role("link", name="Readiness").click()
        app.see("Placement secured")
        shot("4-readiness")
        # Built only when asked (issue 19): prepare it, then download it.
        page.get_by_role("button", name="Prepare the readiness packet (PDF)").click()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the readiness packet (PDF)").click()
        pdf_bytes = Path(download.value.path()).read_bytes()
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
        assert facility_name in text
        assert "Aunt Jo's home" in text
        assert "Aetna" in text
        assert f"{hold_day:%d %b %Y} 10:00" in text
        assert "988" in text and "1-800-662-4357" in text

        # Privacy: nothing the family typed shows up in the address bar or the server log.
        assert "Sam" not in page.url and "Aunt" not in page.url and "?" not in page.url
        port = url.rsplit(":", 1)[1]
        server_log = (ARTIFACTS / f"streamlit-{port}.log").read_text()
        assert "Aunt Jo" not in server_log and "Aetna" not in server_log
        context.close()
