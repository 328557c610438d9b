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
from browser_support import App, streamlit_server
from playwright.sync_api import Browser, ViewportSize
from pypdf import PdfReader

pytestmark = pytest.mark.browser

VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1440, "height": 900},
    "phone": {"width": 390, "height": 844},
}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_search_shortlist_and_download(browser: Browser, viewport: str, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    with streamlit_server(db_url) as url:
        context = browser.new_context(viewport=VIEWPORTS[viewport], accept_downloads=True)
        app = App(context.new_page(), viewport)
        page = app.page
        shot = app.shot

        app.goto(url)
        app.see("Find a detox or treatment bed")
        app.see("Fictional facilities")
        app.field("Where is the person? ZIP, city or coordinates").fill("10001")
        page.get_by_role("button", name="Search").click()
        app.see(re.compile(r"\d+ facilities near 10001"))
        shot("1-results")

        # Add the top result from its details (opened in place under the results): a button
        # found by its role and name, never a pixel offset on the canvas grid.
        top_name = page.locator('[class*="st-key-details_"] h3').first.inner_text().strip()
        page.get_by_role("button", name="Add to My shortlist", exact=True).click()
        app.see(f"Added {top_name} to My shortlist")
        shot("2-added")

        # Log what the top facility (the one in the detail view) said on the phone.
        app.tab("Log a call")
        # "What did they say?" has no default: pick the answer, as a person must.
        app.choose("What did they say?", "Openings")
        page.get_by_role("spinbutton", name="Detox beds open").fill("3")
        page.get_by_role("textbox", name="Who answered").fill("intake nurse")
        shot("3a-before-save")
        page.get_by_role("button", name="Save the call").click()
        app.see("the ranking uses it now")
        shot("3-call-logged")

        # A fresh page load (new browser session): the shortlist and the call come from the store.
        app.goto(f"{url}/shortlist")
        heading = app.see(re.compile(r"^1\. "))
        chosen_name = heading.inner_text().removeprefix("1. ").strip()
        app.see(re.compile(r"Openings: 3 detox beds open"))
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
