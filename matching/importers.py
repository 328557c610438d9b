"""Import facility listings (SAMHSA exports, the 2015 directory, other CSVs) as the canonical table.

One small reader per format turns a file into *raw columns* (canonical names, text) plus the
service keys each row lists; the shared steps then clean addresses, apply the one mapping file
(:mod:`matching.service_codes`), build ids, reject unusable rows and validate the result.

Rules (documented for users in ``data/README.md``):

- A row whose own data is unusable (no name, a coordinate that is not a number or out of range,
  a state that is not two letters, a ZIP that is not 5 digits, a repeated explicit id) is
  *rejected*: it is left out, the report lists its row number and reason, and the other rows
  are imported. An empty coordinate pair means "location unknown" (0,0), not a rejection.
- A file that cannot be read at all (empty, damaged, wrong format, required columns missing,
  undecodable bytes, a line over :data:`MAX_LINE_BYTES`) or where no row survives raises
  :class:`~matching.errors.ImportFormatError` / :class:`~matching.errors.FacilityDataError`.
- Codes and names that are not in the mapping file are counted in ``report.unmapped``.
"""

from __future__ import annotations

import codecs
import collections
import hashlib
import io
import json
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from matching import columns as col
from matching.cli import FORMATS
from matching.directory import coerce_directory, validate_directory
from matching.errors import FacilityDataError, ImportFormatError, Problem
from matching.service_codes import MAPPABLE_COLUMNS, ServiceMapping, load_mapping

Progress = Callable[[float, str], None]

# A CSV row longer than this is not a facility listing; refusing it keeps memory bounded.
MAX_LINE_BYTES: Final = 1_000_000
# JSON pages are one line; cap the whole file instead.
MAX_JSON_BYTES: Final = 64_000_000
_SNIFF_BYTES: Final = 65_536
_XLSX_MAGIC: Final = b"PK\x03\x04"

# FindTreatment.gov locator export: address columns; every other column is a service code.
_FINDTREATMENT_ADDRESS: Final[dict[str, str]] = {
    "frid": col.FACILITY_ID,
    "name1": col.NAME,
    "name2": col.NAME2,
    "street1": col.STREET,
    "street2": "street2",
    "city": col.CITY,
    "state": col.STATE,
    "zip": col.ZIP,
    "county": col.COUNTY,
    "phone": col.PHONE,
    "intake1": col.INTAKE_PHONE,
    "website": col.WEBSITE,
    "latitude": col.LAT,
    "longitude": col.LON,
    "type_facility": col.FACILITY_TYPE,
    "typefacility": col.FACILITY_TYPE,
}
# The API JSON names the same fields, except the facility type.
_API_FIELDS: Final[dict[str, str]] = {
    **{key: value for key, value in _FINDTREATMENT_ADDRESS.items() if value != col.FACILITY_TYPE},
    "typeFacility": col.FACILITY_TYPE,
}
_FINDTREATMENT_OTHER: Final = frozenset(
    {"zip4", "intake_prompt", "intake2", "hotline1", "miles", "_irow"}
)

# Generic CSV headers, compared after lower-casing and removing everything but letters/digits.
HEADER_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    col.FACILITY_ID: ("facilityid", "id", "frid"),
    col.NAME: ("name", "name1", "facilityname", "facility", "providername", "provider"),
    col.NAME2: ("name2", "program", "programname", "dba"),
    col.STREET: ("street", "street1", "address", "address1", "streetaddress"),
    "street2": ("street2", "address2"),
    col.CITY: ("city", "town"),
    col.STATE: ("state", "st", "statecode"),
    col.ZIP: ("zip", "zipcode", "postal", "postalcode", "zip5", "postcode"),
    col.COUNTY: ("county",),
    col.PHONE: ("phone", "telephone", "phonenumber", "tel"),
    col.INTAKE_PHONE: ("intakephone", "intake", "intake1"),
    col.WEBSITE: ("website", "url", "web", "homepage"),
    col.LAT: ("lat", "latitude", "y"),
    col.LON: ("lon", "lng", "long", "longitude", "x"),
    col.FACILITY_TYPE: ("facilitytype", "typefacility", "type"),
}
_GENERIC_REQUIRED: Final = (col.NAME, col.STATE, col.ZIP, col.LAT, col.LON)
# Canonical columns a generic CSV may carry under their own names (e.g. a ReadyBed export).
_GENERIC_PASSTHROUGH: Final = (*MAPPABLE_COLUMNS, *col.AVAILABILITY_COLUMNS, col.SOURCE)

# FindTreatment API categories whose names matter for placement; unmapped names elsewhere
# (therapies, languages, age groups, ...) are counted separately in the report's notes.
PLACEMENT_CATEGORIES: Final = frozenset(
    {"TC", "SET", "OT", "OM", "PHR", "PAY", "PYAS", "LCA", "EXCL", "HOSP", "DETOX", "SUBDT"}
)

_FORMAT_HINTS: Final[dict[str, str]] = {
    "findtreatment-csv": "a FindTreatment.gov CSV export",
    "findtreatment-xlsx": "a FindTreatment.gov Excel export",
    "findtreatment-json": "a FindTreatment.gov API JSON page",
    "directory-2015": "the 2015 National Directory",
    "generic-csv": "a generic CSV",
}


@dataclass
class ImportReport:
    """What an import did: rows read, imported and rejected (with reasons), unmapped keys."""

    format: str
    source: str
    rows_read: int = 0
    rows_imported: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    unmapped: collections.Counter[str] = field(default_factory=collections.Counter)
    notes: list[str] = field(default_factory=list)

    def summary_text(self) -> str:
        """Return the report as a few lines for a terminal or the app."""
        lines = [
            f"Imported {self.rows_imported} of {self.rows_read} rows from {self.source} "
            f"(format {self.format}); {len(self.rejected)} rejected."
        ]
        for row, reason in self.rejected[:10]:
            lines.append(f"  rejected row {row}: {reason}")
        if len(self.rejected) > 10:
            lines.append(f"  ... and {len(self.rejected) - 10} more rejected rows")
        if self.unmapped:
            total = sum(self.unmapped.values())
            shown = ", ".join(f"{key} ({count})" for key, count in self.unmapped.most_common(10))
            more = len(self.unmapped) - 10
            lines.append(
                f"Unmapped service codes/names: {len(self.unmapped)} distinct, {total} in all: "
                + shown
                + (f", ... and {more} more" if more > 0 else "")
            )
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportResult:
    """A validated canonical table and the report of the import that made it."""

    frame: pd.DataFrame
    report: ImportReport


@dataclass(frozen=True)
class _Raw:
    """What a format reader hands to the shared steps."""

    table: pd.DataFrame  # canonical column names, str values, RangeIndex
    row_numbers: np.ndarray  # the user's row number (1 = first data row) of each table row
    # Long form (position, key, kind "code"/"name", placement); None = source lists no services.
    keys: pd.DataFrame | None


# ----------------------------------------------------------------------------- entry points


def import_file(
    path: str | os.PathLike[str], *, fmt: str = "auto", progress: Progress | None = None
) -> ImportResult:
    """Import the listing at ``path`` (format detected unless ``fmt`` names one of FORMATS)."""
    path = Path(path)
    if not path.is_file():
        raise ImportFormatError(f"{str(path)!r} does not exist or is not a file")
    size = path.stat().st_size
    if size == 0:
        raise ImportFormatError(f"{path.name} is empty (0 bytes); export the listing again")
    with path.open("rb") as stream:
        head = stream.read(_SNIFF_BYTES)
    if _looks_like_json(head):
        if size > MAX_JSON_BYTES:
            raise ImportFormatError(
                f"{path.name} is {size / 1e6:.0f} MB; a JSON page over "
                f"{MAX_JSON_BYTES / 1e6:.0f} MB is not supported (split it into pages)"
            )
    elif not head.startswith(_XLSX_MAGIC):
        # Checked on the file in bounded chunks, before the whole file is read into memory.
        _scan_lines(_chunks_of_file(path), path.name)
    return _import(path.read_bytes(), path.name, fmt, progress, lines_checked=True)


def import_bytes(
    data: bytes, filename: str, *, fmt: str = "auto", progress: Progress | None = None
) -> ImportResult:
    """Import a listing held in memory (e.g. an upload) named ``filename``."""
    return _import(data, filename, fmt, progress, lines_checked=False)


def _import(
    data: bytes, filename: str, fmt: str, progress: Progress | None, *, lines_checked: bool
) -> ImportResult:
    report_progress = progress or (lambda fraction, message: None)
    if fmt not in FORMATS:
        raise ImportFormatError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not data:
        raise ImportFormatError(f"{filename} is empty (0 bytes); export the listing again")
    report_progress(0.05, f"Reading {filename}")
    detected = detect_format(data, filename)
    if fmt != "auto":
        _check_forced_format(fmt, detected)
    chosen = detected if fmt == "auto" else fmt
    if _is_csv_format(chosen) and not lines_checked:
        _scan_lines(_chunks_of_bytes(data), filename)
    raw = _READERS[chosen](data, filename)
    report_progress(0.5, "Mapping services")
    report = ImportReport(format=chosen, source=filename, rows_read=len(raw.table))
    frame = _build_table(raw, chosen, filename, report, load_mapping())
    report_progress(1.0, f"Imported {report.rows_imported} facilities")
    return ImportResult(frame=frame, report=report)


def detect_format(data: bytes, filename: str) -> str:
    """Return the format of ``data`` judged from its bytes, header and file extension."""
    suffix = Path(filename).suffix.lower()
    if data.startswith(_XLSX_MAGIC) or suffix in (".xlsx", ".xlsm"):
        return "findtreatment-xlsx"
    if _looks_like_json(data[:_SNIFF_BYTES]) or suffix == ".json":
        return "findtreatment-json"
    header = _header_of(decode_text(data[:_SNIFF_BYTES], filename, partial=True))
    return _csv_format_of(header)


def _csv_format_of(header: list[str]) -> str:
    if "Keys" in header:
        return "directory-2015"
    if {"name1", "latitude", "longitude"} <= set(header):
        return "findtreatment-csv"
    return "generic-csv"


def _is_csv_format(fmt: str) -> bool:
    return fmt in ("findtreatment-csv", "directory-2015", "generic-csv")


def _looks_like_json(head: bytes) -> bool:
    return head.lstrip(codecs.BOM_UTF8).lstrip()[:1] in (b"{", b"[")


def _check_forced_format(fmt: str, detected: str) -> None:
    if fmt == detected:
        return
    looks_like = f"this file looks like {_FORMAT_HINTS[detected]} — try --format {detected}"
    if fmt == "findtreatment-xlsx":
        raise ImportFormatError(f"--format {fmt} expects an Excel workbook; {looks_like}")
    if fmt == "findtreatment-json":
        raise ImportFormatError(f"--format {fmt} expects a JSON object with 'rows'; {looks_like}")
    if detected in ("findtreatment-xlsx", "findtreatment-json"):
        raise ImportFormatError(f"--format {fmt} expects a CSV file; {looks_like}")
    if fmt == "directory-2015":
        raise ImportFormatError(f"--format {fmt} expects a 'Keys' column; {looks_like}")
    if fmt == "findtreatment-csv":
        raise ImportFormatError(
            f"--format {fmt} expects the columns name1, latitude and longitude; {looks_like}"
        )
    # generic-csv accepts any CSV: its alias table reports missing fields itself.


# ----------------------------------------------------------------------------- bytes and text


def _chunks_of_file(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        yield from iter(lambda: stream.read(MAX_LINE_BYTES), b"")


def _chunks_of_bytes(data: bytes) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(data), MAX_LINE_BYTES):
        yield bytes(view[start : start + MAX_LINE_BYTES])


def _scan_lines(chunks: Iterable[bytes], name: str) -> None:
    """Raise ImportFormatError at the first line longer than MAX_LINE_BYTES."""
    current, line = 0, 1
    for chunk in chunks:
        start = 0
        while True:
            newline = chunk.find(b"\n", start)
            if newline < 0:
                current += len(chunk) - start
                break
            current += newline - start
            if current > MAX_LINE_BYTES:
                break
            current, start, line = 0, newline + 1, line + 1
        if current > MAX_LINE_BYTES:
            raise ImportFormatError(
                f"{name}: line {line} is longer than {MAX_LINE_BYTES // 1_000_000} MB; "
                "this is not a facility listing (is it the right file?)"
            )


def decode_text(data: bytes, filename: str, *, partial: bool = False) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="ignore" if partial else "strict")
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise ImportFormatError(
            f"{filename} contains NUL bytes: it is a binary file, not a CSV listing"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8-sig")
        utf8_error = exc
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFormatError(
            f"{filename}: byte 0x{data[exc.start]:02X} on line {line} is neither UTF-8 nor "
            f"Windows-1252 (UTF-8 failed at byte {utf8_error.start}); "
            "save the file as UTF-8 CSV and import it again"
        ) from exc


def parse_report_times(text: pd.Series, *, now: pd.Timestamp | None = None) -> pd.DataFrame:
    """Parse availability report times (ISO 8601; no offset = UTC).

    Returns a frame with ``stamp`` (UTC, NaT where empty or unusable) and ``problem`` (why a
    non-empty value is unusable, else ""). Times before 1990 or more than a day ahead of
    ``now`` are refused: a report dated in the future would block every real report after it.
    """
    now = pd.Timestamp.now(tz="UTC") if now is None else now
    cleaned = text.astype("str").fillna("").str.strip()
    stamps = pd.to_datetime(cleaned, errors="coerce", utc=True, format="mixed")
    problem = pd.Series("", index=text.index, dtype="str")
    unparsed = stamps.isna() & (cleaned != "")
    problem = problem.where(~unparsed, "is not a date and time (e.g. 2026-11-26T14:30Z)")
    too_old = stamps.notna() & (stamps < pd.Timestamp("1990-01-01", tz="UTC"))
    problem = problem.where(~too_old, "is before 1990; check the date")
    ahead = stamps.notna() & (stamps > now + pd.Timedelta(days=1))
    problem = problem.where(~ahead, "is in the future; check the date and the time zone")
    usable = stamps.where(problem == "").astype("datetime64[ns, UTC]")
    return pd.DataFrame({"stamp": usable, "problem": problem}, index=text.index)


def _header_of(text: str) -> list[str]:
    first = text.split("\n", 1)[0].rstrip("\r")
    return [cell.strip().strip('"') for cell in first.split(_delimiter_of(first))]


def _delimiter_of(header_line: str) -> str:
    """Return ',' unless the header is clearly tab- or semicolon-separated (European Excel)."""
    if "," in header_line:
        return ","
    return max(("\t", ";"), key=header_line.count) if any(d in header_line for d in "\t;") else ","


def read_csv_text(data: bytes, filename: str) -> pd.DataFrame:
    """Read CSV bytes as text columns; raise ImportFormatError naming what is wrong."""
    text = decode_text(data, filename)
    if not text.strip():
        raise ImportFormatError(f"{filename} has no header and no rows")
    fix = "quote cells that contain the separator, or check the header"
    try:
        with warnings.catch_warnings():
            # index_col=False keeps pandas from silently turning extra cells into an index.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text),
                sep=_delimiter_of(text.split("\n", 1)[0]),
                dtype="str",
                keep_default_na=False,
                index_col=False,
            )
    except pd.errors.ParserWarning as exc:
        raise ImportFormatError(
            f"{filename}: the first data row has more cells than the header; {fix}"
        ) from exc
    except pd.errors.ParserError as exc:
        detail = str(exc).removeprefix("Error tokenizing data. C error: ").strip()
        raise ImportFormatError(f"{filename} is not a readable CSV ({detail}); {fix}") from exc
    frame.columns = [str(name).strip() for name in frame.columns]
    if frame.empty:
        raise ImportFormatError(f"{filename} has a header but no data rows")
    return frame


# ----------------------------------------------------------------------------- format readers


def _read_findtreatment_csv(data: bytes, filename: str) -> _Raw:
    return _findtreatment_wide(read_csv_text(data, filename), filename)


def _read_findtreatment_xlsx(data: bytes, filename: str) -> _Raw:
    if not data.startswith(_XLSX_MAGIC):
        raise ImportFormatError(
            f"{filename} is not a valid Excel workbook (.xlsx); open it in a spreadsheet "
            "program and save it as .xlsx or CSV"
        )
    try:
        frame = pd.read_excel(io.BytesIO(data), dtype="str", engine="openpyxl")
    except Exception as exc:  # whatever the XML/zip parser trips on, the workbook is damaged
        raise ImportFormatError(
            f"{filename} is a damaged Excel workbook ({type(exc).__name__}); "
            "download or export it again"
        ) from exc
    frame = frame.fillna("")
    frame.columns = [str(name).strip() for name in frame.columns]
    if frame.empty:
        raise ImportFormatError(f"{filename} has a header but no data rows")
    return _findtreatment_wide(frame, filename)


def _findtreatment_wide(frame: pd.DataFrame, filename: str) -> _Raw:
    headers = {name.lower(): name for name in frame.columns}
    required = ("name1", "state", "zip", "latitude", "longitude")
    missing = [name for name in required if name not in headers]
    if missing:
        raise ImportFormatError(
            f"{filename} is missing the FindTreatment.gov column(s) {', '.join(missing)}",
            [Problem(None, name, None, "column is missing") for name in missing],
        )
    table = pd.DataFrame(
        {
            target: frame[headers[source]].astype("str")
            for source, target in _FINDTREATMENT_ADDRESS.items()
            if source in headers
        }
    )
    service_columns = [
        name
        for lower, name in headers.items()
        if lower not in _FINDTREATMENT_ADDRESS and lower not in _FINDTREATMENT_OTHER
    ]
    parts = []
    for name in service_columns:
        cells = frame[name].astype("str").str.strip()
        if name.lower().startswith("svc_"):
            # A flattened API page: one column per category holding "; "-joined service names.
            names = cells.str.split(";").explode().str.strip()
            names = names[names.notna() & (names != "")]
            category = name[4:].upper()
            parts.append(_long_keys(names.index, names, "name", category in PLACEMENT_CATEGORIES))
        else:
            offered = cells.str.lower().isin({"1", "1.0", "true", "yes", "y", "x"})
            positions = offered.to_numpy().nonzero()[0]
            parts.append(_long_keys(positions, [name.upper()] * len(positions), "code", True))
    long = pd.concat(parts, ignore_index=True) if parts else _long_keys([], [], "code", True)
    return _Raw(table.reset_index(drop=True), np.arange(1, len(frame) + 1), long)


def _long_keys(positions: Any, keys: Any, kind: str, placement: Any) -> pd.DataFrame:
    """Return the long form of listed services: one row per (row position, key)."""
    return pd.DataFrame(
        {
            "position": np.asarray(positions, dtype=int),
            "key": pd.Series(np.asarray(keys, dtype=object), dtype="str"),
            "kind": kind,
            "placement": placement,
        }
    )


def _read_findtreatment_json(data: bytes, filename: str) -> _Raw:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{filename} is not UTF-8 JSON (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"{filename} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "the file may be truncated — download it again"
        ) from exc
    rows = document.get("rows") if isinstance(document, dict) else document
    if not isinstance(rows, list):
        raise ImportFormatError(
            f"{filename} is JSON but has no 'rows' list; expected a FindTreatment.gov API page"
        )
    if not rows:
        raise ImportFormatError(f"{filename} has an empty 'rows' list: no facilities to import")
    fields = _API_FIELDS
    records: dict[str, list[str]] = {target: [] for target in fields.values()}
    positions: list[int] = []
    keys: list[str] = []
    placement: list[bool] = []
    for position, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        for source, target in fields.items():
            value = row.get(source)
            records[target].append("" if value is None else str(value))
        services = row.get("services") or []
        for service in services if isinstance(services, list) else []:
            if not isinstance(service, dict):
                continue
            category = str(service.get("f2") or "").strip().upper()
            for name in str(service.get("f3") or "").split(";"):
                if name.strip():
                    positions.append(position)
                    keys.append(name.strip())
                    placement.append(category in PLACEMENT_CATEGORIES)
    long = _long_keys(positions, keys, "name", placement)
    table = pd.DataFrame(records, dtype="str")
    return _Raw(table, np.arange(1, len(rows) + 1), long)


def _read_directory_2015(data: bytes, filename: str) -> _Raw:
    frame = read_csv_text(data, filename)
    needed = ["Name1", "Address1", "City", "State", "ZIP_Code", "Keys", "Latitude", "Longitude"]
    missing = [name for name in needed if name not in frame.columns]
    if missing:
        raise ImportFormatError(
            f"{filename} is missing the 2015 directory column(s) {', '.join(missing)}",
            [Problem(None, name, None, "column is missing") for name in missing],
        )
    get = frame.get
    empty = pd.Series("", index=frame.index, dtype="str")
    phone, intake = _split_contact(get("Contact", empty))
    table = pd.DataFrame(
        {
            col.NAME: frame["Name1"],
            col.NAME2: _join_text(get("Name2", empty), get("Name3", empty), sep=" "),
            col.STREET: _join_text(
                frame["Address1"], get("Address2", empty), get("Address3", empty)
            ),
            col.CITY: frame["City"],
            col.STATE: frame["State"],
            col.ZIP: frame["ZIP_Code"],
            col.PHONE: phone,
            col.INTAKE_PHONE: intake,
            col.LAT: frame["Latitude"],
            col.LON: frame["Longitude"],
        }
    )
    tokens = frame["Keys"].str.split("/").explode().str.strip()
    tokens = tokens[tokens.notna() & (tokens != "")]
    long = _long_keys(tokens.index.to_numpy(), tokens.to_numpy(), "code", True)
    return _Raw(table.reset_index(drop=True), np.arange(1, len(frame) + 1), long)


def _split_contact(contact: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split '(334)428-5050 Intake: (334)428-5040' into the phone and the intake phone."""
    parts = contact.str.split(r"\s*Intakes?:\s*", n=1, expand=True, regex=True)
    phone = parts[0].fillna("").str.strip()
    if parts.shape[1] < 2:
        return phone, pd.Series("", index=contact.index, dtype="str")
    rest = parts[1].fillna("")
    first = rest.str.extract(r"^(\(\d{3}\)\s*\d{3}-\d{4}(?:\s*x\d+)?)", expand=False)
    return phone, first.fillna(rest.str.strip())


def _read_generic_csv(data: bytes, filename: str) -> _Raw:
    frame = read_csv_text(data, filename)
    by_key: dict[str, str] = {}
    for name in frame.columns:
        by_key.setdefault(_header_key(name), name)
    chosen: dict[str, str] = {}
    for target, aliases in HEADER_ALIASES.items():
        found = next((by_key[alias] for alias in aliases if alias in by_key), None)
        if found is not None:
            chosen[target] = found
    missing = [target for target in _GENERIC_REQUIRED if target not in chosen]
    if missing:
        raise ImportFormatError(
            f"{filename} is missing required field(s) {', '.join(missing)}; accepted headers: "
            + "; ".join(f"{target}: {'/'.join(HEADER_ALIASES[target])}" for target in missing),
            [Problem(None, target, None, "no column with this meaning") for target in missing],
        )
    table = pd.DataFrame({target: frame[source] for target, source in chosen.items()})
    for name in _GENERIC_PASSTHROUGH:
        if name in frame.columns and name not in table.columns:
            table[name] = frame[name]
    return _Raw(table.reset_index(drop=True), np.arange(1, len(frame) + 1), None)


def _header_key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


_READERS: Final[dict[str, Callable[[bytes, str], _Raw]]] = {
    "findtreatment-csv": _read_findtreatment_csv,
    "findtreatment-xlsx": _read_findtreatment_xlsx,
    "findtreatment-json": _read_findtreatment_json,
    "directory-2015": _read_directory_2015,
    "generic-csv": _read_generic_csv,
}


# ----------------------------------------------------------------------------- shared steps


def _build_table(
    raw: _Raw, fmt: str, filename: str, report: ImportReport, mapping: ServiceMapping
) -> pd.DataFrame:
    table = _clean_text(raw.table)
    table = table.assign(**_parse_coordinates(table))
    flags = _service_flags(raw, mapping, report)
    reasons = _row_problems(table)
    reasons = _reject_duplicate_ids(table, reasons)
    keep = reasons.eq("").to_numpy()
    report.rejected = [
        (int(raw.row_numbers[i]), reason) for i, reason in enumerate(reasons) if reason
    ]
    if not keep.any():
        raise FacilityDataError(
            f"No row of {filename} could be imported",
            [Problem(int(raw.row_numbers[i]), "", None, r) for i, r in enumerate(reasons) if r],
        )
    table = table[keep].reset_index(drop=True)
    if flags is not None:
        table = table.join(flags[keep].reset_index(drop=True))
    table = _assign_ids(table, report)
    table[col.SOURCE] = (
        table[col.SOURCE].where(table[col.SOURCE] != "", f"{fmt}:{filename}")
        if col.SOURCE in table.columns
        else f"{fmt}:{filename}"
    )
    if col.AVAILABILITY_STATUS in table.columns:
        status = table[col.AVAILABILITY_STATUS].astype("str").str.strip()
        table[col.AVAILABILITY_STATUS] = status.where(status != "", "unknown")
    unknown_location = int(((table[col.LAT] == 0) & (table[col.LON] == 0)).sum())
    if unknown_location:
        report.notes.append(f"{unknown_location} imported row(s) have no coordinates (0,0)")
    helpers = ("street2", "_lat_text", "_lon_text")
    table = coerce_directory(table.drop(columns=[c for c in helpers if c in table.columns]))
    report.rows_imported = len(table)
    return validate_directory(_add_services_text(table))


def _clean_text(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for name in out.columns:
        if name in (col.LAT, col.LON) or name in _GENERIC_PASSTHROUGH:
            continue
        out[name] = out[name].astype("str").fillna("").str.strip()
    if "street2" in out.columns:
        out[col.STREET] = _join_text(out.get(col.STREET, ""), out["street2"])
    out[col.STATE] = out[col.STATE].str.upper()
    out[col.ZIP] = _normalize_zip(out[col.ZIP])
    return out


def _normalize_zip(zips: pd.Series) -> pd.Series:
    """'2108' -> '02108'; '02108-1234' and '021081234' -> '02108'; '2108.0' -> '02108'."""
    text = zips.str.replace(r"\.0$", "", regex=True)
    short = text.str.extract(r"^(\d{3,5})(?:-\d{4})?$")[0]
    zip9 = text.str.extract(r"^(\d{5})\d{4}$")[0]
    return short.str.zfill(5).fillna(zip9).fillna(zips)


def _join_text(*parts: Any, sep: str = ", ") -> pd.Series:
    series = [p.astype("str").fillna("").str.strip() for p in parts if isinstance(p, pd.Series)]
    joined = series[0]
    for part in series[1:]:
        joined = joined.where(part == "", joined + sep + part).where(joined != "", part)
    return joined


def _parse_coordinates(table: pd.DataFrame) -> dict[str, pd.Series]:
    out = {}
    for name in (col.LAT, col.LON):
        text = table[name].astype("str").fillna("").str.strip()
        numbers = pd.to_numeric(text, errors="coerce")
        out[name] = numbers.where(text != "", 0.0)
        out[f"_{name}_text"] = text
    return out


def _row_problems(table: pd.DataFrame) -> pd.Series:
    """Return one reason per row ('' = fine), naming the column and value."""
    reasons = pd.Series("", index=table.index, dtype="str")

    def add(mask: pd.Series, message: pd.Series | str) -> None:
        nonlocal reasons
        text = message if isinstance(message, pd.Series) else pd.Series(message, index=table.index)
        reasons = reasons.where(~mask, reasons.where(reasons == "", reasons + "; ") + text)

    add(table[col.NAME] == "", "name is empty")
    for name, limit in ((col.LAT, 90), (col.LON, 180)):
        text, value = table[f"_{name}_text"], table[name]
        add(value.isna(), f"{name} " + _quoted(text) + " is not a number")
        add(
            value.notna() & (value.abs() > limit),
            f"{name} " + _quoted(text) + f" is outside -{limit}..{limit}",
        )
    add(
        ~table[col.STATE].str.fullmatch(r"[A-Z]{2}"),
        "state " + _quoted(table[col.STATE]) + " is not 2 letters",
    )
    add(
        ~table[col.ZIP].str.fullmatch(r"\d{5}"),
        "ZIP " + _quoted(table[col.ZIP]) + " is not 5 digits",
    )
    if col.AVAILABILITY_REPORTED_AT in table.columns:
        times = parse_report_times(table[col.AVAILABILITY_REPORTED_AT])
        text = table[col.AVAILABILITY_REPORTED_AT].astype("str").fillna("")
        add(
            times["problem"] != "",
            "availability_reported_at " + _quoted(text) + " " + times["problem"],
        )
    return reasons


def _quoted(values: pd.Series) -> pd.Series:
    return "'" + values.str.slice(0, 40) + "'"


def _reject_duplicate_ids(table: pd.DataFrame, reasons: pd.Series) -> pd.Series:
    if col.FACILITY_ID not in table.columns:
        return reasons
    ids = table[col.FACILITY_ID]
    usable = (ids != "") & (reasons == "")
    repeated = usable & ids.where(usable).duplicated(keep="first")
    message = "facility_id " + _quoted(ids) + " repeats an earlier row; later copies are left out"
    return reasons.where(~repeated, message)


def _assign_ids(table: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """Keep explicit ids; hash name+street+zip for the rest, suffixing repeats -2, -3, ..."""
    explicit = table.get(col.FACILITY_ID, pd.Series("", index=table.index, dtype="str"))
    basis = (
        _fold(table[col.NAME])
        + "|"
        + _fold(table.get(col.STREET, pd.Series("", index=table.index)))
        + "|"
        + table[col.ZIP]
    )
    hashed = basis.map(lambda text: hashlib.sha1(text.encode("utf-8")).hexdigest()[:16])
    ids = explicit.where(explicit != "", hashed)
    order = ids.groupby(ids).cumcount()
    repeats = int((order > 0).sum())
    if repeats:
        report.notes.append(
            f"{repeats} row(s) repeat the name, street and ZIP of an earlier row; "
            "their ids end in -2, -3, ..."
        )
    return table.assign(
        **{col.FACILITY_ID: ids.where(order == 0, ids + "-" + (order + 1).astype("str"))}
    )


def _fold(text: pd.Series) -> pd.Series:
    return text.astype("str").str.casefold().str.replace(r"[\W_]+", " ", regex=True).str.strip()


def _service_flags(raw: _Raw, mapping: ServiceMapping, report: ImportReport) -> pd.DataFrame | None:
    """Turn each row's listed keys into True/False flags (NA where a row lists nothing)."""
    if raw.keys is None:
        return None
    n_rows = len(raw.table)
    keys = raw.keys
    lookups = {"code": mapping.columns_for_code, "name": mapping.columns_for_name}
    mapped = pd.Series(None, index=keys.index, dtype=object)
    for kind, lookup in lookups.items():
        of_kind = keys["kind"] == kind
        distinct = keys.loc[of_kind, "key"].unique()
        mapped[of_kind] = keys.loc[of_kind, "key"].map({key: lookup(key) for key in distinct})
    unknown = keys[mapped.isna().to_numpy()]
    placement = unknown["placement"].astype(bool)
    other = unknown[~placement]
    if len(other):
        report.notes.append(
            f"{other['key'].nunique()} other service names ({len(other)} mentions: "
            "therapies, languages, age groups, ...) are not in the mapping and not used "
            "for matching"
        )
    report.unmapped.update(unknown[placement]["key"].value_counts().to_dict())
    pairs = pd.DataFrame({"position": keys["position"], "column": mapped}).explode("column")
    pairs = pairs.dropna()
    flags = pd.DataFrame(False, index=range(n_rows), columns=list(MAPPABLE_COLUMNS))
    for name, group in pairs.groupby("column"):
        flags.loc[group["position"].unique(), name] = True
    listed = np.zeros(n_rows, dtype=bool)
    listed[keys["position"].to_numpy(dtype=int)] = True
    result = flags.astype("boolean")
    result[~listed] = pd.NA
    return result


def _add_services_text(table: pd.DataFrame) -> pd.DataFrame:
    """Add the plain-words list of the services each row offers (for the detail view)."""
    text = pd.Series("", index=table.index, dtype="str")
    for name in col.SERVICE_COLUMNS:
        if name not in table.columns:
            continue
        offered = table[name].fillna(False).to_numpy(dtype=bool)
        label = col.SERVICE_LABELS[name]
        text = text.where(~offered, text.where(text == "", text + "; ") + label)
    return table.assign(**{col.SERVICES: text})
