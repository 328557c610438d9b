"""Shortlist exports, opened back: CSV (formula injection neutralised), Excel and PDF."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from search_frames import NOW, directory, facility

from matching.directory.schema import FORMULA_PREFIXES
from matching.render import exports
from matching.render.pdf import ReadyBedPDF, latin1

GENERATED = datetime(2026, 11, 26, 18, 30, tzinfo=UTC)


def _view(*rows: dict, notes: list[str] | None = None) -> pd.DataFrame:
    table = directory(*rows)
    count = len(table)
    return table.assign(
        position=range(1, count + 1),
        note=notes or [""] * count,
        distance_miles=[1.5 * (i + 1) for i in range(count)],
    )


def _table(*rows: dict, notes: list[str] | None = None) -> pd.DataFrame:
    return exports.shortlist_table(_view(*rows, notes=notes), now=NOW, tz="America/New_York")


OPEN_ROW = facility(
    1,
    name="Harbor Detox",
    phone="(212) 555-0101",
    intake_phone="212-555-0199",
    street="1 Pier Rd",
    website="harbor.example.org",
    detox_opioid=True,
    buprenorphine=True,
    availability_status="openings",
    beds_open_detox=2,
    availability_reported_at=pd.Timestamp("2026-11-26T09:00Z"),
    availability_source="phone call logged by you",
)


def test_table_shows_availability_with_its_report_time_and_freshness() -> None:
    text = _table(OPEN_ROW)[exports.AVAILABILITY].iloc[0]
    assert text == "Openings: 2 detox beds open - reported Nov 26 04:00 EST, 3 h ago (fresh)"


def test_csv_round_trip_keeps_facilities_in_shortlist_order() -> None:
    data = exports.csv_bytes(_table(OPEN_ROW, facility(2, name="Second Place")))
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype="str", keep_default_na=False)
    assert back[exports.FACILITY].tolist() == ["Harbor Detox", "Second Place"]
    assert back[exports.PHONE].iloc[0] == "(212) 555-0101"


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_csv_neutralizes_cells_that_start_like_a_formula(prefix: str) -> None:
    note = f'{prefix}HYPERLINK("http://evil")'
    data = exports.csv_bytes(_table(OPEN_ROW, notes=[note]))
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype="str", keep_default_na=False)
    assert back[exports.NOTE].iloc[0] == "'" + note


def test_csv_leaves_negative_numbers_as_numbers() -> None:
    frame = pd.DataFrame({"Distance (mi)": [-1.5, 2.0], "Note": ["-1.5", "ok"]})
    back = pd.read_csv(io.BytesIO(exports.csv_bytes(frame)), encoding="utf-8-sig")
    assert back["Distance (mi)"].tolist() == [-1.5, 2.0]
    assert back["Note"].tolist() == ["'-1.5", "ok"]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=5))
def test_no_csv_text_cell_starts_with_a_formula_character(notes: list[str]) -> None:
    frame = pd.DataFrame({"Note": notes})
    back = pd.read_csv(
        io.BytesIO(exports.csv_bytes(frame)),
        encoding="utf-8-sig",
        dtype="str",
        keep_default_na=False,
    )
    assert not back["Note"].str.startswith(FORMULA_PREFIXES).any()


def _workbook(table: pd.DataFrame) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(table))).active


def test_xlsx_has_a_bold_frozen_header() -> None:
    sheet = _workbook(_table(OPEN_ROW))
    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]][:2] == [exports.POSITION, exports.FACILITY]
    assert sheet["B1"].font.bold


def test_xlsx_links_phones_and_websites() -> None:
    sheet = _workbook(_table(OPEN_ROW))
    header = [cell.value for cell in sheet[1]]
    phone = sheet.cell(row=2, column=header.index(exports.PHONE) + 1)
    website = sheet.cell(row=2, column=header.index(exports.WEBSITE) + 1)
    assert phone.hyperlink.target == "tel:+12125550101"
    assert website.hyperlink.target == "https://harbor.example.org"


def test_xlsx_keeps_formula_text_as_text() -> None:
    sheet = _workbook(_table(OPEN_ROW, notes=["=1+1"]))
    header = [cell.value for cell in sheet[1]]
    note = sheet.cell(row=2, column=header.index(exports.NOTE) + 1)
    assert (note.value, note.data_type) == ("=1+1", "s")


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_lists_each_facility_with_phone_availability_and_note() -> None:
    table = _table(OPEN_ROW, facility(2, name="Second Place"), notes=["Ask for Maria", ""])
    text = _pdf_text(exports.shortlist_pdf(table, generated_at=GENERATED))
    for expected in (
        "1. Harbor Detox",
        "2. Second Place",
        "(212) 555-0101",
        "reported Nov 26 04:00 EST",
        "Ask for Maria",
        "Opioid detox; Buprenorphine",
    ):
        assert expected in text


def test_pdf_carries_crisis_lines_generation_time_and_page_numbers() -> None:
    rows = [facility(n, name=f"Facility number {n}") for n in range(1, 30)]
    data = exports.shortlist_pdf(_table(*rows), generated_at=GENERATED, tz="America/Chicago")
    reader = PdfReader(io.BytesIO(data))
    text = _pdf_text(data)
    assert len(reader.pages) > 1
    assert "988" in text and "1-800-662-4357" in text
    assert "Generated 2026-11-26 12:30 CST" in text
    assert f"Page 1 of {len(reader.pages)}" in text
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text


def test_latin1_maps_typography_to_printable_text() -> None:
    assert latin1("“Call” – now • ✓ ⚠ José’s") == '"Call" - now - [x] (!) José\'s'


def test_pdf_prints_text_outside_latin1_without_failing() -> None:
    pdf = ReadyBedPDF(title="Plan for Zoë — “today”", generated_at=GENERATED)
    pdf.paragraph("Łódź ✓ 東京")
    assert 'Plan for Zoë - "today"' in _pdf_text(pdf.to_bytes())


def test_downloads_keep_the_report_time_but_never_freeze_an_age_or_freshness() -> None:
    view = _view(OPEN_ROW)
    table = exports.shortlist_table(view, now=NOW, tz="America/New_York", relative=False)
    text = table[exports.AVAILABILITY].iloc[0]
    assert text == "Openings: 2 detox beds open - reported Nov 26 04:00 EST"
    pdf = exports.shortlist_pdf(table, generated_at=GENERATED, tz="America/New_York")
    words = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "04:00 EST" in words
    assert not any(label in words for label in ("fresh", "aging", "stale", " ago"))
