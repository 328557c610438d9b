"""Export a shortlist as CSV, Excel and a printable PDF: pure functions returning bytes.

:func:`shortlist_table` turns a shortlist view (:func:`matching.shortlist.shortlist_view`)
into the columns a person reads; the three writers take any such frame.

CSV cells that a spreadsheet would run as a formula (first character in
:data:`matching.directory.FORMULA_PREFIXES`) get a leading apostrophe, the OWASP advice for CSV
injection (:func:`matching.directory.text_safety.neutralize_formulas`, shared by every CSV
export). Only text cells are touched, so a negative number stays a number.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from matching.directory import columns as col
from matching.directory.schema import FORMULA_PREFIXES
from matching.directory.text_safety import neutralize_formulas
from matching.render.display import (
    address_text,
    availability_text,
    distance_text,
    last_call_text,
    listing_age_warning,
    listing_text,
    moud_text,
    services_text,
    tel_link,
)
from matching.render.pdf import ReadyBedPDF
from matching.render.safe_text import safe_url

POSITION: Final = "#"
FACILITY: Final = "Facility"
PHONE: Final = "Phone"
INTAKE_PHONE: Final = "Intake phone"
ADDRESS: Final = "Address"
DISTANCE: Final = "Distance (mi)"
DISTANCE_TEXT: Final = "Distance"
LISTING: Final = "Listing"
AVAILABILITY: Final = "Availability"
REPORTED_AT: Final = "Reported at (UTC)"
SOURCE: Final = "Reported by"
SERVICES: Final = "Services"
NOTE: Final = "Note"
LAST_CALL: Final = "Last call"
MOUD_FROM_ADMISSION: Final = "Continues MOUD from admission"
WEBSITE: Final = "Website"
FACILITY_ID: Final = "Facility ID"

# Which export columns link where: the cell's own text made into a URL.
LINK_COLUMNS: Final = {PHONE: tel_link, INTAKE_PHONE: tel_link, WEBSITE: safe_url}
_WIDTHS: Final = {
    POSITION: 4,
    FACILITY: 34,
    PHONE: 16,
    INTAKE_PHONE: 16,
    ADDRESS: 38,
    DISTANCE: 12,
    DISTANCE_TEXT: 24,
    LISTING: 40,
    AVAILABILITY: 48,
    REPORTED_AT: 20,
    SOURCE: 26,
    SERVICES: 48,
    NOTE: 36,
    LAST_CALL: 40,
    MOUD_FROM_ADMISSION: 30,
    WEBSITE: 30,
    FACILITY_ID: 18,
}


def shortlist_table(
    view: pd.DataFrame,
    *,
    now: datetime | None = None,
    tz: str | None = None,
    relative: bool = True,
) -> pd.DataFrame:
    """Return the shortlist as labelled export columns, in shortlist order.

    DISTANCE_TEXT says "about N miles (ZIP centre)" for facilities located only by their ZIP;
    LISTING names the source and its age, with a warning when it is over 18 months old.
    ``relative=False`` is for downloads and print: availability keeps its report time but not
    an age ("3 h ago (fresh)") that would be wrong by the time the copy is read.
    """
    now = now or datetime.now(UTC)
    stamps = pd.to_datetime(view[col.AVAILABILITY_REPORTED_AT], utc=True)
    name = view[col.NAME].astype("str")
    if col.NAME2 in view.columns:
        second = view[col.NAME2].fillna("").astype("str")
        name = name.where(second.eq(""), name + " (" + second + ")")
    return pd.DataFrame(
        {
            POSITION: view["position"].astype("int64"),
            FACILITY: name,
            PHONE: view[col.PHONE].astype("str"),
            INTAKE_PHONE: view[col.INTAKE_PHONE].astype("str"),
            ADDRESS: address_text(view),
            DISTANCE: view["distance_miles"].astype("float64").round(1),
            DISTANCE_TEXT: distance_text(view),
            AVAILABILITY: availability_text(view, now=now, tz=tz, relative=relative),
            REPORTED_AT: stamps.dt.strftime("%Y-%m-%d %H:%M").fillna("").astype("str"),
            SOURCE: view[col.AVAILABILITY_SOURCE].fillna("").astype("str"),
            SERVICES: pd.Series(
                [services_text(row) for _, row in view.iterrows()], index=view.index, dtype="str"
            ),
            NOTE: view["note"].astype("str"),
            LAST_CALL: last_call_text(view, tz=tz),
            MOUD_FROM_ADMISSION: moud_text(view),
            WEBSITE: view[col.WEBSITE].astype("str"),
            FACILITY_ID: view[col.FACILITY_ID].astype("str"),
            LISTING: _listing_texts(view, now),
        }
    ).reset_index(drop=True)


def _listing_texts(view: pd.DataFrame, now: datetime) -> pd.Series:
    sources = view.get(col.SOURCE, pd.Series("", index=view.index)).fillna("")
    listed = view.get(col.LISTED_AT, pd.Series(pd.NaT, index=view.index))
    texts = []
    for source, stamp in zip(sources.tolist(), listed.tolist(), strict=True):
        warning = listing_age_warning(stamp, now=now)
        texts.append(listing_text(source, stamp) + (f". {warning}" if warning else ""))
    return pd.Series(texts, index=view.index, dtype="str")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return ``frame`` as UTF-8 CSV (with a byte-order mark, so Excel reads accents right)."""
    return neutralize_formulas(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, *, sheet_name: str = "Shortlist") -> bytes:
    """Return ``frame`` as an Excel workbook: bold frozen header, widths, clickable links."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    sheet.append([str(name) for name in frame.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for record in frame.itertuples(index=False):
        sheet.append([_cell_value(value) for value in record])
    for number, name in enumerate(frame.columns, start=1):
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = _WIDTHS.get(str(name), 18)
        link_of = LINK_COLUMNS.get(str(name))
        for row in range(2, len(frame) + 2):
            cell = sheet.cell(row=row, column=number)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
                # Stored as text, never as a formula, whatever the cell starts with.
                cell.data_type = "s"
            if link_of is not None and cell.value:
                target = link_of(str(cell.value))
                if target:
                    cell.hyperlink = target
                    cell.font = Font(color="0563C1", underline="single")
        if name == DISTANCE:
            for row in range(2, len(frame) + 2):
                sheet.cell(row=row, column=number).number_format = "0.0"
    sheet.freeze_panes = "A2"
    if len(frame):
        sheet.auto_filter.ref = sheet.dimensions
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def shortlist_pdf(
    table: pd.DataFrame,
    *,
    title: str = "Treatment shortlist",
    generated_at: datetime | None = None,
    tz: str | None = None,
    origin_label: str = "",
) -> bytes:
    """Return a printable PDF of a :func:`shortlist_table`: one block per facility, crisis lines.

    ``tz`` is the reader's IANA time zone for the generation time (default UTC).
    """
    generated = (generated_at or datetime.now(UTC)).astimezone(ZoneInfo(tz) if tz else UTC)
    subtitle = f"Distances from {origin_label}" if origin_label else ""
    pdf = ReadyBedPDF(title=title, generated_at=generated, subtitle=subtitle)
    pdf.paragraph(
        "Call each facility before you rely on it: directory listings are often out of date, "
        "and availability changes by the hour. Ask for a bed hold with an expiry time.",
        size=9,
    )
    pdf.crisis_block()
    if table.empty:
        pdf.paragraph("This shortlist is empty. Add facilities from the Search page.")
    for record in table.to_dict("records"):
        pdf.heading(f"{record[POSITION]}. {record[FACILITY]}")
        pdf.field("Phone", _phones(record))
        pdf.field("Address", record[ADDRESS] or "not listed")
        if record[DISTANCE_TEXT]:
            pdf.field("Distance", record[DISTANCE_TEXT])
        pdf.field("Availability", record[AVAILABILITY])
        if record[SOURCE]:
            pdf.field("Reported by", record[SOURCE])
        pdf.field("Services", record[SERVICES] or "not listed - ask when you call")
        if record[NOTE]:
            pdf.field("Note", record[NOTE])
        if record.get(LAST_CALL):
            pdf.field("Last call", record[LAST_CALL])
        if record.get(MOUD_FROM_ADMISSION):
            pdf.field("Continues MOUD from admission", str(record[MOUD_FROM_ADMISSION]))
        if record[WEBSITE]:
            pdf.field("Website", record[WEBSITE])
        pdf.field("Listing", record[LISTING])
    return pdf.to_bytes()


def _phones(record: dict[str, object]) -> str:
    phone, intake = str(record[PHONE]), str(record[INTAKE_PHONE])
    if intake and intake != phone:
        return f"{phone or 'not listed'} (intake: {intake})"
    return phone or "not listed"


def _cell_value(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value
