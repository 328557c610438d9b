"""The whole journey in a real browser, on a phone (390x844) and a desktop (1440x900).

Search -> open a result's details in place -> shortlist -> reload (empty; "Resume" brings it) ->
Plan (a hurtful letter sentence is flagged) -> Placement (confirm a bed) -> Search and the
Shortlist show that bed -> hold, decline, reopen: never "held" again. Every crisis line and
facility phone is a ``tel:`` link, the crisis bar stays in view while scrolling, and the page
makes no request to any host but the app itself. Rows are picked through accessible controls
(buttons, labelled pickers), never pixel offsets. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from browser_support import App, streamlit_server
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

NEW_YORK = ZoneInfo("America/New_York")
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "user_agent": PHONE_AGENT},
    "desktop": {"viewport": {"width": 1440, "height": 900}},
}
HURTFUL = "If you keep using, you are dead to me."


class Journey(App):
    """One browser page on the app, with the few moves the journey needs."""

    def __init__(self, page: Page, url: str, size: str) -> None:
        super().__init__(page, f"journey-{size}")
        self.url = url
        self.size = size

    def text(self, pattern: str) -> None:
        self.see(re.compile(pattern))

    def go(self, name: str) -> None:
        """Open a page through the sidebar (opening the sidebar first on a phone)."""
        self.idle(f"the app to be idle before opening {name!r}")
        link = self.page.get_by_role("link", name=name, exact=True)
        if self.size == "phone":  # the sidebar starts folded away on a narrow screen
            self.page.locator('[data-testid="stExpandSidebarButton"]').first.click()
        link.click()

    def pick(self, label: str, option: str) -> None:
        """Choose ``option`` in the select box or multiselect labelled ``label``."""
        # "Details of" is a long list that draws only the options in view: narrow it first.
        self.choose(label, option, search=option[:30] if label == "Details of" else None)

    def pick_date(self, label: str, day) -> None:
        self.page.get_by_role("spinbutton", name=f"year, {label}", exact=True).click()
        self.page.keyboard.type(day.strftime("%Y%m%d"))
        self.page.keyboard.press("Tab")

    def pick_time(self, label: str, hours_minutes: str) -> None:
        self.page.get_by_role("spinbutton", name=f"hour, {label}", exact=True).click()
        self.page.keyboard.type(hours_minutes.replace(":", ""))
        self.page.keyboard.press("Tab")

    def scroll_main(self, to: str) -> None:
        """Scroll the main area to the top or bottom at once and wait for the next frames."""
        self.page.locator('[data-testid="stMain"]').evaluate(
            """(main, to) => new Promise(done => {
                main.scrollTo({top: to === 'bottom' ? main.scrollHeight : 0, behavior: 'instant'});
                requestAnimationFrame(() => requestAnimationFrame(done));
            })""",
            to,
        )


def check_crisis_bar(journey: Journey) -> None:
    """The crisis lines are tap-to-call links (988 also by text) and stay in view."""
    page = journey.page
    for href in ("tel:988", "sms:988", "tel:+18006624357", "tel:911"):
        expect(page.locator(f'.crisis-bar a[href="{href}"]')).to_be_visible()
    journey.scroll_main("bottom")
    journey.check("the crisis bar", lambda: expect(page.locator(".crisis-bar")).to_be_visible())
    box = page.locator(".crisis-bar").bounding_box()
    assert page.viewport_size is not None
    height = page.viewport_size["height"]
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height
    if journey.size == "phone":  # one compact line over the page, not 80 px of it
        assert box["height"] <= 48, box
    journey.scroll_main("top")


def search_and_open(journey: Journey) -> str:
    """Search 10001, open the top result's details in place; return its name."""
    page = journey.page
    journey.idle("the app before the search")
    journey.field("Where is the person? ZIP, city or coordinates").fill("10001")
    page.get_by_role("button", name="Search").click()
    journey.text(r"\d+ facilities near 10001")
    if journey.size == "phone":
        expect(page.get_by_role("radio", name="Cards")).to_be_checked()
        expect(page.locator('a[href^="tel:+1"]').first).to_be_visible()
        page.get_by_role("button", name="Details").first.click()
        expect(page.get_by_role("button", name="Hide details")).to_have_count(1)
    else:
        expect(page.get_by_role("radio", name="Table")).to_be_checked()
        expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    log_tab = page.get_by_role("tab", name="Log a call", exact=True)
    journey.check("one 'Log a call' tab", lambda: expect(log_tab).to_have_count(1))
    # The details open above the map: no scrolling past it to find them.
    map_box = page.get_by_text("Map", exact=True).first.bounding_box()
    tab_box = log_tab.bounding_box()
    assert map_box is not None and tab_box is not None and tab_box["y"] < map_box["y"]
    name = page.locator('[class*="st-key-details_"] h3').first.inner_text().strip()
    expect(page.locator('a[href^="tel:+1"]').first).to_be_visible()
    journey.shot("1-details")
    return name


def shortlist_it(journey: Journey, name: str) -> None:
    journey.page.get_by_role("button", name="Add to My shortlist").first.click()
    journey.text(f"Added {re.escape(name)} to My shortlist")


def reload_keeps_the_search(journey: Journey) -> None:
    """A reload is a new session: it starts empty (a shared computer shows nothing of the last
    search) until "Resume my last search" brings the form and its results back."""
    journey.goto(journey.url)
    expect(journey.field("Where is the person? ZIP, city or coordinates")).to_have_value("")
    journey.page.get_by_role("button", name="Resume my last search").click()
    journey.text(r"\d+ facilities near 10001")
    # The form comes back folded into its summary line; opened, it holds the search.
    journey.page.get_by_text(re.compile(r"^Edit the search: 10001, within 50 miles")).click()
    expect(journey.field("Where is the person? ZIP, city or coordinates")).to_have_value("10001")
    assert "10001" not in journey.page.url


def letter_is_flagged(journey: Journey) -> None:
    page = journey.page
    journey.go("Plan")
    page.get_by_role("button", name="Create my first case").click()
    journey.text("Created Our case")
    journey.field("Their first name").fill("Alex")
    page.get_by_role("button", name="Add to the team").click()
    journey.text("Added Alex to the team")
    journey.field("Letter").fill(f"Alex, I love you. {HURTFUL}")
    page.get_by_role("button", name="Review and save").click()
    journey.text("Saved Alex's letter")
    warning = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="dead to me")
    expect(warning.first).to_be_visible()
    expect(warning.first).to_contain_text("Rejection")
    journey.shot("2-letter")


def confirm_bed_on_placement(journey: Journey, name: str) -> None:
    page = journey.page
    journey.go("Placement")
    journey.pick("Facilities to add", name)
    page.get_by_role("button", name="Add to the case").click()
    journey.text("Added 1 facility")
    journey.tab("Availability")
    journey.field("Beds open").fill("3")
    journey.field("Confirmed by (staff name)").fill("Nurse Ana")
    page.get_by_role("button", name="Confirm availability (now)").click()
    journey.text("Availability confirmed")


def bed_reaches_search_and_shortlist(journey: Journey, name: str) -> None:
    """The bed confirmed on Placement is what Search and the Shortlist now show."""
    page = journey.page
    journey.go("Search")
    journey.text(r"\d+ facilities near 10001")  # the form and results came back (page change)
    if journey.size == "desktop":
        journey.pick("Details of", name)
    card_or_details = page.get_by_text(re.compile(r"Openings: 3 detox beds? open"))
    card_or_details = card_or_details.filter(visible=True).first
    expect(card_or_details).to_be_visible()
    journey.shot("3-search-after-placement")
    journey.go("Shortlist")
    journey.text(r"Openings: 3 detox beds? open")
    expect(page.locator('a[href^="tel:+1"]').first).to_be_visible()


def declined_then_reopened_is_not_held(journey: Journey, name: str) -> None:
    page = journey.page
    journey.go("Placement")
    journey.tab("Hold")
    hold_day = datetime.now(UTC).astimezone(NEW_YORK).date() + timedelta(days=4)
    journey.pick_date("Hold expires: date", hold_day)
    journey.pick_time("Hold expires: time", "10:00")
    journey.field("Held by (staff name)").fill("Dana")
    page.get_by_role("button", name="Save the hold").click()
    journey.text("Bed hold saved")
    expect(page.get_by_text(re.compile(f"{re.escape(name)} .* Bed held")).first).to_be_visible()

    journey.tab("Outcome")
    journey.field("Reason they gave").fill("bed given to a walk-in")
    page.get_by_role("button", name="Save outcome").click()
    journey.text("Outcome saved")
    journey.tab("Outcome")
    page.get_by_role("button", name="Reopen").click()
    journey.text("Reopened")
    expect(page.get_by_text(re.compile(f"{re.escape(name)} .*Bed held"))).to_have_count(0)
    journey.shot("4-reopened")
    journey.go("Readiness")
    journey.check(
        "the Readiness heading",
        lambda: page.get_by_role("heading", name="Are we ready?").first.wait_for(),
    )
    journey.idle()
    expect(page.get_by_text("Placement secured")).to_have_count(0)


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_journey_phone_and_desktop(browser: Browser, size: str, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    with streamlit_server(db_url) as url:
        context = browser.new_context(**VIEWPORTS[size])  # type: ignore[arg-type]
        page = context.new_page()
        hosts: set[str] = set()
        page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
        journey = Journey(page, url, size)
        journey.goto(url)
        journey.text("Find a detox or treatment bed")

        with journey.waiting("the crisis bar on the first page"):
            check_crisis_bar(journey)
        with journey.waiting("a search for 10001 and the top result's details"):
            name = search_and_open(journey)
        with journey.waiting("the crisis bar over the results"):
            check_crisis_bar(journey)
        steps = (
            ("the top result added to the shortlist", shortlist_it),
            ("the search back after a reload", lambda j, _name: reload_keeps_the_search(j)),
            ("the hurtful letter sentence flagged", lambda j, _name: letter_is_flagged(j)),
            ("a bed confirmed on Placement", confirm_bed_on_placement),
            ("the bed shown on Search and the Shortlist", bed_reaches_search_and_shortlist),
            ("a declined, reopened hold not shown as held", declined_then_reopened_is_not_held),
        )
        for what, step in steps:
            with journey.waiting(what):
                step(journey, name)

        # The icon, fonts and everything else came from the app itself.
        assert hosts == {urlsplit(url).netloc}, hosts
        context.close()
