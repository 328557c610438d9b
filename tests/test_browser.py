"""The main journey in a real browser: search, select, shortlist, log a call, download.

Drives Debian's Chromium through Playwright against ``streamlit run app.py``, at a desktop and
a phone-sized viewport. Screenshots go to test-artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from tests.browser_support import ARTIFACTS, CHROMIUM_ARGS, chromium_path, streamlit_server

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    executable = chromium_path()
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_search_shortlist_and_download(browser, viewport: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    with streamlit_server(db_url) as url:
        context = browser.new_context(viewport=VIEWPORTS[viewport], accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)

        def shot(step: str) -> None:
            page.screenshot(path=str(ARTIFACTS / f"{viewport}-{step}.png"), full_page=True)

        page.goto(url)
        page.get_by_text("Find a detox or treatment bed").wait_for()
        page.get_by_text("Fictional facilities").first.wait_for()
        page.get_by_label("Where is the person? ZIP, city or coordinates").fill("10001")
        page.get_by_role("button", name="Search").click()
        page.get_by_text(re.compile(r"\d+ facilities near 10001")).wait_for()
        shot("1-results")

        # Add the top result from its details (opened in place under the results): a button
        # found by its role and name, never a pixel offset on the canvas grid.
        top_name = page.locator('[class*="st-key-details_"] h3').first.inner_text().strip()
        page.get_by_role("button", name="Add to My shortlist", exact=True).click()
        page.get_by_text(f"Added {top_name} to My shortlist").first.wait_for()
        shot("2-added")

        # Log what the top facility (the one in the detail view) said on the phone.
        # While Streamlit reruns, the old and new tab bars can briefly coexist: wait for one.
        log_tab = page.get_by_role("tab", name="Log a call", exact=True)
        playwright_api.expect(log_tab).to_have_count(1)
        log_tab.click()
        # "What did they say?" has no default: pick the answer, as a person must.
        page.get_by_label("What did they say?").click()
        page.get_by_role("option", name="Openings", exact=True).click()
        page.get_by_role("spinbutton", name="Detox beds open").fill("3")
        page.get_by_role("textbox", name="Who answered").fill("intake nurse")
        shot("3a-before-save")
        page.get_by_role("button", name="Save the call").click()
        page.get_by_text("the ranking uses it now").first.wait_for()
        shot("3-call-logged")

        # A fresh page load (new browser session): the shortlist and the call come from the store.
        page.goto(f"{url}/shortlist")
        heading = page.get_by_text(re.compile(r"^1\. ")).first
        heading.wait_for()
        chosen_name = heading.inner_text().removeprefix("1. ").strip()
        page.get_by_text(re.compile(r"Openings: 3 detox beds open")).first.wait_for()
        shot("4-shortlist")

        with page.expect_download() as csv_download:
            page.get_by_role("button", name="CSV").click()
        assert csv_download.value.suggested_filename == "readybed-shortlist-1.csv"
        csv_path = tmp_path / "shortlist.csv"
        csv_download.value.save_as(csv_path)
        table = pd.read_csv(csv_path, encoding="utf-8-sig", dtype="str", keep_default_na=False)
        assert table["Facility"].str.startswith(chosen_name).tolist() == [True]
        assert table["Phone"].iloc[0] != ""
        assert table["Availability"].iloc[0].startswith("Openings: 3 detox beds open")
        assert table["Reported by"].iloc[0] == "phone call logged by you"

        with page.expect_download() as xlsx_download:
            page.get_by_role("button", name="Excel").click()
        assert xlsx_download.value.suggested_filename == "readybed-shortlist-1.xlsx"
        workbook = io.BytesIO(Path(xlsx_download.value.path()).read_bytes())
        sheet = openpyxl.load_workbook(workbook).active
        assert sheet.freeze_panes == "A2"
        assert str(sheet["B2"].value).startswith(chosen_name)
        assert sheet["C2"].hyperlink.target.startswith("tel:+1")

        with page.expect_download() as pdf_download:
            page.get_by_role("button", name="PDF (printable)").click()
        pdf_bytes = Path(pdf_download.value.path()).read_bytes()
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
        assert f"1. {chosen_name}" in text
        assert "988" in text and "1-800-662-4357" in text and "Page 1 of 1" in text
        shot("5-downloaded")
        context.close()
