"""Read an Excel workbook (.xlsx) without letting a hostile one exhaust memory or time.

An .xlsx is a zip of XML files, and both layers can be made to expand enormously: a zip entry
that inflates to gigabytes, or an 18 KB sheet whose rows each touch column XFD (16,384
columns), which a normal reader pads into millions of empty cells. So before any XML is parsed
:func:`check_xlsx_archive` looks at the archive's own directory (entry count, uncompressed
sizes, compression ratio) and each sheet's declared ``<dimension>``; then
:func:`iter_sheet_rows` streams the sheet (openpyxl's read-only mode) one row at a time, cut
to the header's width, with a row cap, a cell cap and a time budget. Every refusal is one
:class:`~matching.errors.ImportFormatError` sentence.

Use :func:`open_workbook_safely` for the workbook and :func:`read_sheet_frame` for a sheet as
a text table; every reader of Excel files in the project goes through them.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock_time
from typing import Final

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from matching.errors import ImportFormatError
from matching.ingest.text import XLSX_MAGIC

_DIMENSION_RE: Final = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="([A-Z]{0,3})?(\d*):?([A-Z]{0,3})?(\d*)"'
)
# How much of a sheet's XML is searched for <dimension>; Excel writes it in the first bytes.
_DIMENSION_SCAN_BYTES: Final = 8_192


@dataclass(frozen=True, kw_only=True)
class WorkbookLimits:
    """The most a workbook may hold; far above any real facility listing.

    The 2023 National Directory workbook (12,745 rows x 13 columns) is 12 MB unpacked with a
    compression ratio of about 6; a full FindTreatment.gov export has some 20,000 rows and a
    few hundred service-code columns.
    """

    max_entries: int = 1_000
    max_uncompressed_bytes: int = 400_000_000
    # XML compresses well, but not this well unless it is a bomb of repeated bytes.
    max_ratio: float = 100.0
    ratio_checked_above_bytes: int = 1_000_000
    max_rows: int = 250_000
    max_columns: int = 2_000
    max_cells: int = 6_000_000
    time_budget_seconds: float = 120.0


DEFAULT_LIMITS: Final = WorkbookLimits()


def check_xlsx_archive(
    data: bytes, filename: str, limits: WorkbookLimits = DEFAULT_LIMITS
) -> zipfile.ZipFile:
    """Return the workbook's zip archive after checking its sizes and sheet dimensions."""
    if not data.startswith(XLSX_MAGIC):
        raise ImportFormatError(
            f"{filename} is not a valid Excel workbook (.xlsx); open it in a spreadsheet "
            "program and save it as .xlsx or CSV"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ImportFormatError(
            f"{filename} is a damaged Excel workbook ({type(exc).__name__}); "
            "download or export it again"
        ) from exc
    if len(entries) > limits.max_entries:
        raise _refusal(filename, f"it holds {len(entries):,} files (an Excel export holds a few)")
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_uncompressed_bytes:
        raise _refusal(
            filename,
            f"it unpacks to {total / 1e6:,.0f} MB, over the "
            f"{limits.max_uncompressed_bytes / 1e6:,.0f} MB limit",
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > limits.ratio_checked_above_bytes and ratio > limits.max_ratio:
            raise _refusal(
                filename,
                f"its part {entry.filename} expands {ratio:,.0f} times "
                f"(to {entry.file_size / 1e6:,.0f} MB), which only a zip bomb does",
            )
    for entry in entries:
        if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
            _check_dimension(archive, entry, filename, limits)
    return archive


def _check_dimension(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, filename: str, limits: WorkbookLimits
) -> None:
    try:
        with archive.open(entry) as stream:
            head = stream.read(_DIMENSION_SCAN_BYTES)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise ImportFormatError(
            f"{filename} is a damaged Excel workbook ({type(exc).__name__}); "
            "download or export it again"
        ) from exc
    found = _DIMENSION_RE.search(head)
    if found is None:
        return  # no declared size: the streaming read's caps still apply
    first_col, first_row, last_col, last_row = (part.decode() for part in found.groups(b""))
    columns = _column_number(last_col or first_col) - _column_number(first_col) + 1
    rows = int(last_row or first_row or 1) - int(first_row or 1) + 1
    if columns > limits.max_columns:
        raise _refusal(
            filename,
            f"a sheet spans {columns:,} columns (up to {last_col or first_col}), over the "
            f"{limits.max_columns:,} a listing can have",
        )
    if rows > limits.max_rows + 1:
        raise _refusal(filename, f"a sheet spans {rows:,} rows, over the {limits.max_rows:,} limit")


def _column_number(letters: str) -> int:
    return column_index_from_string(letters) if letters else 1


def open_workbook_safely(
    data: bytes, filename: str, limits: WorkbookLimits = DEFAULT_LIMITS
) -> Workbook:
    """Return the workbook in ``data`` opened read-only (streaming), after the archive checks.

    Raises ImportFormatError (one sentence) for a file that is not a workbook, is damaged, or
    is larger than ``limits`` allow. Close the workbook when done (``workbook.close()``).
    """
    check_xlsx_archive(data, filename, limits).close()
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # whatever the XML/zip parser trips on, the workbook is damaged
        raise ImportFormatError(
            f"{filename} is a damaged Excel workbook ({type(exc).__name__}); "
            "download or export it again"
        ) from exc


def iter_sheet_rows(
    sheet: ReadOnlyWorksheet,
    filename: str,
    limits: WorkbookLimits = DEFAULT_LIMITS,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[list[str]]:
    """Yield the sheet's rows as text cells, the header first, each cut to the header's width.

    Empty rows are skipped. Raises ImportFormatError when the sheet has more rows or cells
    than ``limits`` allow or when reading takes longer than its time budget.
    """
    now = clock
    started = now()
    # The declared <dimension> may lie (a small one hides rows); read what is really there.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True, max_col=limits.max_columns)
    header = _text_row(next(rows, ()))
    while header and header[-1] == "":
        header.pop()
    if not header:
        return
    yield header
    width, count = len(header), 0
    rows = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
    try:
        for number, values in enumerate(rows, start=2):
            if number % 256 == 0 and now() - started > limits.time_budget_seconds:
                raise _refusal(
                    filename,
                    f"reading it took over {limits.time_budget_seconds:.0f} s "
                    f"(stopped at row {number:,})",
                )
            cells = _text_row(values)
            if not any(cells):
                continue
            count += 1
            if count > limits.max_rows or count * width > limits.max_cells:
                raise _refusal(
                    filename,
                    f"it has over {min(limits.max_rows, limits.max_cells // width):,} data rows "
                    f"of {width} columns; split it into smaller files",
                )
            yield cells + [""] * (width - len(cells))
    except ImportFormatError:
        raise
    except Exception as exc:  # a damaged sheet surfaces only while it is streamed
        raise ImportFormatError(
            f"{filename} is a damaged Excel workbook ({type(exc).__name__}); "
            "download or export it again"
        ) from exc


def read_sheet_frame(
    data: bytes,
    filename: str,
    *,
    sheet_name: str | None = None,
    limits: WorkbookLimits = DEFAULT_LIMITS,
) -> pd.DataFrame:
    """Return a sheet (default: the first) as a text table, its first row the header."""
    workbook = open_workbook_safely(data, filename, limits)
    try:
        if sheet_name is not None and sheet_name not in workbook.sheetnames:
            raise ImportFormatError(
                f"{filename} has no sheet named {sheet_name!r} "
                f"(it has {', '.join(map(repr, workbook.sheetnames))})"
            )
        sheet = workbook[sheet_name] if sheet_name is not None else workbook.worksheets[0]
        rows = iter_sheet_rows(sheet, filename, limits)
        header = next(rows, None)
        if header is None:
            raise ImportFormatError(f"{filename} has no header and no rows")
        body = list(rows)
    finally:
        workbook.close()
    return pd.DataFrame(body, columns=_unique(header), dtype="str")


def _text_row(values: tuple[object, ...]) -> list[str]:
    return [_text(value) for value in values]


def _text(value: object) -> str:
    """Return a cell as the text a person sees: whole numbers without '.0', dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | clock_time):
        return value.isoformat()
    return str(value).strip()


def _unique(header: list[str]) -> list[str]:
    """Return header names made unique the way pandas does ('x', 'x.1', 'x.2', ...)."""
    seen: dict[str, int] = {}
    out = []
    for position, raw in enumerate(header):
        name = raw.strip() or f"Unnamed: {position}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _refusal(filename: str, why: str) -> ImportFormatError:
    return ImportFormatError(
        f"{filename} was not read: {why}; export the listing again, or save it as CSV"
    )
