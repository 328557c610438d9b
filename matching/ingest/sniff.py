"""sniff (split from importers.py)."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Final

from matching.errors import ImportFormatError
from matching.ingest.ca_dhcs import looks_like_ca_dhcs
from matching.ingest.formats import FormatChoice, ImportFormat
from matching.ingest.national_directory import looks_like_national_directory
from matching.ingest.text import (
    _SNIFF_BYTES,
    _XLSX_MAGIC,
    _header_of,
    _looks_like_json,
    decode_text,
)

_FORMAT_HINTS: Final[dict[ImportFormat, str]] = {
    "findtreatment-csv": "a FindTreatment.gov CSV export",
    "findtreatment-xlsx": "a FindTreatment.gov Excel export",
    "findtreatment-json": "a FindTreatment.gov API JSON page",
    "directory-2015": "the 2015 National Directory",
    "generic-csv": "a generic CSV",
    "national-directory": "SAMHSA's National Directory workbook (2022-2025)",
    "ca-dhcs-licensing": "California DHCS's licensing list",
}


def detect_format(data: bytes, filename: str) -> ImportFormat:
    """Return the format of ``data`` judged from its bytes, header and file extension."""
    suffix = Path(filename).suffix.lower()
    if data.startswith(_XLSX_MAGIC) or suffix in (".xlsx", ".xlsm"):
        return "national-directory" if looks_like_national_directory(data) else "findtreatment-xlsx"
    if _looks_like_json(data[:_SNIFF_BYTES]) or suffix == ".json":
        return "findtreatment-json"
    header = _header_of(decode_text(data[:_SNIFF_BYTES], filename, partial=True))
    return _csv_format_of(header)


def _csv_format_of(header: list[str]) -> ImportFormat:
    if looks_like_ca_dhcs(header):
        return "ca-dhcs-licensing"
    if "Keys" in header:
        return "directory-2015"
    if {"name1", "latitude", "longitude"} <= set(header):
        return "findtreatment-csv"
    return "generic-csv"


def _is_csv_format(fmt: str) -> bool:
    return fmt in ("findtreatment-csv", "directory-2015", "generic-csv", "ca-dhcs-licensing")


def _check_forced_format(fmt: str, detected: ImportFormat) -> None:
    if fmt == detected or (fmt, detected) == ("national-directory", "findtreatment-xlsx"):
        # A workbook without the directory's sheets gets the reader's own, specific error.
        return
    looks_like = f"this file looks like {_FORMAT_HINTS[detected]} — try --format {detected}"
    if fmt in ("findtreatment-xlsx", "national-directory"):
        raise ImportFormatError(f"--format {fmt} expects an Excel workbook; {looks_like}")
    if fmt == "findtreatment-json":
        raise ImportFormatError(f"--format {fmt} expects a JSON object with 'rows'; {looks_like}")
    if detected in ("findtreatment-xlsx", "findtreatment-json", "national-directory"):
        raise ImportFormatError(f"--format {fmt} expects a CSV file; {looks_like}")
    if fmt == "directory-2015":
        raise ImportFormatError(f"--format {fmt} expects a 'Keys' column; {looks_like}")
    if fmt == "findtreatment-csv":
        raise ImportFormatError(
            f"--format {fmt} expects the columns name1, latitude and longitude; {looks_like}"
        )
    if fmt == "ca-dhcs-licensing":
        raise ImportFormatError(
            f"--format {fmt} expects the columns license_number, setting_code and "
            f"treatment_capacity; {looks_like}"
        )


FORMATS: Final[tuple[FormatChoice, ...]] = ("auto", *typing.get_args(ImportFormat))
