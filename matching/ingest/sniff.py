"""Tell an import file's format from its bytes, header and name, and refuse a wrong --format.

``FORMATS`` (the choices) and each format's words come from ``registry``.
"""

from __future__ import annotations

from pathlib import Path

from matching.errors import ImportFormatError
from matching.ingest.ca_dhcs import looks_like_ca_dhcs
from matching.ingest.co_ladders import looks_like_co_ladders
from matching.ingest.formats import ImportFormat
from matching.ingest.national_directory import looks_like_national_directory
from matching.ingest.registry import BY_NAME
from matching.ingest.text import (
    SNIFF_BYTES,
    XLSX_MAGIC,
    decode_text,
    header_of,
    looks_like_json,
)


def detect_format(data: bytes, filename: str) -> ImportFormat:
    """Return the format of ``data`` judged from its bytes, header and file extension."""
    suffix = Path(filename).suffix.lower()
    if data.startswith(XLSX_MAGIC) or suffix in (".xlsx", ".xlsm"):
        return "national-directory" if looks_like_national_directory(data) else "findtreatment-xlsx"
    if looks_like_json(data[:SNIFF_BYTES]) or suffix == ".json":
        return "findtreatment-json"
    header = header_of(decode_text(data[:SNIFF_BYTES], filename, partial=True))
    return _csv_format_of(header)


def _csv_format_of(header: list[str]) -> ImportFormat:
    if looks_like_ca_dhcs(header):
        return "ca-dhcs-licensing"
    if looks_like_co_ladders(header):
        return "co-ladders"
    if "Keys" in header:
        return "directory-2015"
    if {"name1", "latitude", "longitude"} <= set(header):
        return "findtreatment-csv"
    return "generic-csv"


def is_csv_format(fmt: str) -> bool:
    return BY_NAME[fmt].container == "csv"


def check_forced_format(fmt: str, detected: ImportFormat) -> None:
    """Refuse a file forced into a format it is not, naming the format it looks like."""
    if fmt == detected or (fmt, detected) == ("national-directory", "findtreatment-xlsx"):
        # A workbook without the directory's sheets gets the reader's own, specific error.
        return
    forced, found = BY_NAME[fmt], BY_NAME[detected]
    looks_like = f"this file looks like {found.hint} — try --format {detected}"
    if forced.container == "csv" and found.container != "csv":
        raise ImportFormatError(f"--format {fmt} expects a CSV file; {looks_like}")
    if forced.expects:
        raise ImportFormatError(f"--format {fmt} expects {forced.expects}; {looks_like}")
