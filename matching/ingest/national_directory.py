"""SAMHSA's National Directory of Drug and Alcohol Use Treatment Facilities (xlsx, 2022-2025).

The workbook SAMHSA publishes every year has two sheets: ``Facilities List`` (``Name1, Name2,
Street1, Street2, City, State, Zip, Phone, Intake1, Intake2, Intake1a, Intake2a,
Service_code_info``; lower-case headers in 2022) and ``Service Code Reference`` (``category_code,
category_name, service_code, service_name, service_description``). ``Service_code_info`` holds
space-separated codes with `` * `` between categories. The reference sheet is the source's
vocabulary: a column no code of it defines stays unknown. The directory has no coordinates; the
import locates its rows afterwards (:mod:`matching.ingest.locate`).

The workbook is streamed (openpyxl read-only mode), so a large file never sits in memory twice.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any, Final

import numpy as np
import openpyxl
import pandas as pd

from matching.directory import columns as col
from matching.errors import ImportFormatError, Problem
from matching.ingest.keys import long_keys
from matching.ingest.report import Raw

FACILITIES_SHEET: Final = "Facilities List"
REFERENCE_SHEET: Final = "Service Code Reference"

# Header (lower-cased, as both the 2022 and the 2023+ spellings read) -> canonical column.
_COLUMNS: Final[dict[str, str]] = {
    "name1": col.NAME,
    "name2": col.NAME2,
    "street1": col.STREET,
    "street2": "street2",
    "city": col.CITY,
    "state": col.STATE,
    "zip": col.ZIP,
    "phone": col.PHONE,
    "intake1": col.INTAKE_PHONE,
}
_CODES_HEADER: Final = "service_code_info"
_REQUIRED: Final = ("name1", "street1", "city", "state", "zip", _CODES_HEADER)
_REFERENCE_CODE: Final = "service_code"
_REFERENCE_CATEGORY: Final = "category_code"
# Reference categories every facility answers with at least one code (see Raw).
ANSWERED_CATEGORIES: Final = ("AGE", "GN", "PAY")

_YEAR = re.compile(r"(?<!\d)(20[2-9]\d)(?!\d)")


def looks_like_national_directory(data: bytes) -> bool:
    """Return whether an xlsx workbook has a ``Facilities List`` sheet (read from its index)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            index = archive.read("xl/workbook.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return b'name="facilities list"' in index.lower()


def read_national_directory(data: bytes, filename: str) -> Raw:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # whatever the XML/zip parser trips on, the workbook is damaged
        raise ImportFormatError(
            f"{filename} is a damaged Excel workbook ({type(exc).__name__}); "
            "download or export it again"
        ) from exc
    try:
        sheets = {name.strip().casefold(): name for name in book.sheetnames}
        missing = [s for s in (FACILITIES_SHEET, REFERENCE_SHEET) if s.casefold() not in sheets]
        if missing:
            raise ImportFormatError(
                f"{filename} has no sheet {' or '.join(repr(s) for s in missing)} (its sheets: "
                f"{', '.join(book.sheetnames)}); a National Directory workbook has both",
                [Problem(None, sheet, None, "sheet is missing") for sheet in missing],
            )
        vocabulary, groups = _read_reference(book[sheets[REFERENCE_SHEET.casefold()]], filename)
        header, rows = _read_facilities(book[sheets[FACILITIES_SHEET.casefold()]], filename)
        edition = _edition_year(book.properties.title, filename)
    finally:
        book.close()
    return _raw_of(header, rows, vocabulary, edition, groups)


def _cells(values: tuple[Any, ...]) -> list[str]:
    """Return a row's cells as text; whole numbers lose Excel's ``.0`` (ZIPs, phone digits)."""
    out = []
    for value in values:
        if value is None:
            out.append("")
        elif isinstance(value, float) and value.is_integer():
            out.append(str(int(value)))
        else:
            out.append(str(value).strip())
    return out


def _header_row(rows: Iterator[tuple[Any, ...]], sheet: str, filename: str) -> list[str]:
    first = next(rows, None)
    if first is None:
        raise ImportFormatError(f"{filename}: sheet {sheet!r} is empty")
    return [" ".join(cell.split()).casefold() for cell in _cells(first)]


def _read_reference(sheet: Any, filename: str) -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
    """Return the reference's codes and the code groups of ANSWERED_CATEGORIES."""
    rows = sheet.iter_rows(values_only=True)
    header = _header_row(rows, REFERENCE_SHEET, filename)
    if _REFERENCE_CODE not in header:
        raise ImportFormatError(
            f"{filename}: sheet {REFERENCE_SHEET!r} has no 'service_code' column "
            f"(its columns: {', '.join(h for h in header if h)})",
            [Problem(None, _REFERENCE_CODE, None, "column is missing")],
        )
    at = header.index(_REFERENCE_CODE)
    category_at = header.index(_REFERENCE_CATEGORY) if _REFERENCE_CATEGORY in header else None
    codes: set[str] = set()
    groups: dict[str, set[str]] = {}
    for cells in map(_cells, rows):
        if len(cells) <= at or not cells[at].strip():
            continue
        codes.add(cells[at].upper())
        category = cells[category_at].upper() if category_at is not None else ""
        if category in ANSWERED_CATEGORIES:
            groups.setdefault(category, set()).add(cells[at].upper())
    if not codes:
        raise ImportFormatError(f"{filename}: sheet {REFERENCE_SHEET!r} lists no service codes")
    return frozenset(codes), tuple(frozenset(group) for group in groups.values())


def _read_facilities(sheet: Any, filename: str) -> tuple[list[str], list[list[str]]]:
    rows = sheet.iter_rows(values_only=True)
    header = _header_row(rows, FACILITIES_SHEET, filename)
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise ImportFormatError(
            f"{filename}: sheet {FACILITIES_SHEET!r} is missing the column(s) "
            f"{', '.join(missing)} (its columns: {', '.join(h for h in header if h)})",
            [Problem(None, name, None, "column is missing") for name in missing],
        )
    width = len(header)
    body = []
    for values in rows:
        cells = _cells(values)[:width]
        if any(cells):
            body.append(cells + [""] * (width - len(cells)))
    if not body:
        raise ImportFormatError(f"{filename}: sheet {FACILITIES_SHEET!r} has no facility rows")
    return header, body


def _edition_year(title: str | None, filename: str) -> int | None:
    """Return the edition from the workbook title ("2023 SU Facilities ...") or the file name."""
    for text in (title or "", filename):
        found = _YEAR.search(text)
        if found:
            return int(found.group(1))
    return None


def _raw_of(
    header: list[str],
    rows: list[list[str]],
    vocabulary: frozenset[str],
    edition: int | None,
    groups: tuple[frozenset[str], ...],
) -> Raw:
    frame = pd.DataFrame(rows, columns=header, dtype="str")
    table = pd.DataFrame(
        {target: frame[source] for source, target in _COLUMNS.items() if source in frame.columns}
    )
    label = "SAMHSA National Directory" + (f" {edition}" if edition else "")
    table[col.SOURCE] = label
    # No coordinates: 0,0 until the import locates the row (address match or ZIP centre).
    table[col.LAT] = ""
    table[col.LON] = ""
    table[col.LISTED_AT] = f"{edition}-01-01" if edition else ""
    codes = frame[_CODES_HEADER].str.replace("*", " ", regex=False).str.split().explode()
    codes = codes[codes.notna() & (codes != "")].str.upper()
    # Every code matters: a code outside the mapping is either new (reported) or known-unused.
    keys = long_keys(codes.index.to_numpy(), codes.to_numpy(), "code", True)
    table[col.FACILITY_TYPE] = np.where(
        frame[_CODES_HEADER].str.contains(r"(?:^|\s)SA(?:\s|$)", regex=True), "SA", ""
    )
    problems = _repeated_rows(frame)
    return Raw(
        table,
        np.arange(1, len(frame) + 1),
        keys,
        vocabulary,
        answered_groups=groups,
        problems=problems,
    )


def _repeated_rows(frame: pd.DataFrame) -> pd.Series:
    """Return a reason for each row that repeats an earlier row cell for cell ('' otherwise)."""
    repeated = frame.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return pd.Series("", index=frame.index, dtype="str")
    numbered = frame.assign(_row=np.arange(1, len(frame) + 1))
    first = numbered.groupby(list(frame.columns), sort=False)["_row"].transform("min")
    message = "repeats row " + first.astype("str") + " cell for cell; left out"
    return pd.Series(np.where(repeated, message, ""), index=frame.index, dtype="str")
