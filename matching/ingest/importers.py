"""importers (split from importers.py)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Final

from matching.directory.service_codes import load_mapping
from matching.errors import ImportFormatError
from matching.ingest.api_json import _read_findtreatment_json
from matching.ingest.directory_2015 import _read_directory_2015
from matching.ingest.findtreatment import _read_findtreatment_csv, _read_findtreatment_xlsx
from matching.ingest.generic_csv import _read_generic_csv
from matching.ingest.normalize import _build_table
from matching.ingest.report import ImportReport, ImportResult, Progress, _Raw
from matching.ingest.sniff import (
    FORMATS,
    FormatChoice,
    ImportFormat,
    _check_forced_format,
    _is_csv_format,
    detect_format,
)
from matching.ingest.text import (
    _SNIFF_BYTES,
    _XLSX_MAGIC,
    MAX_JSON_BYTES,
    _chunks_of_bytes,
    _chunks_of_file,
    _looks_like_json,
    _scan_lines,
)


def import_file(
    path: str | os.PathLike[str], *, fmt: FormatChoice = "auto", progress: Progress | None = None
) -> ImportResult:
    """Import the listing at ``path`` (format detected unless ``fmt`` names one of FORMATS).

    Every format becomes the canonical table (docs/facility-table.md); a row that cannot be
    used is dropped and listed in the report with the reason, the others are kept.

    Parameters
    ----------
    path : str or os.PathLike
        A FindTreatment.gov export (CSV or Excel), its API JSON, the 2015 National Directory
        or any CSV with names, addresses and coordinates (docs/sources.md).
    fmt : str
        ``"auto"`` (detect from the content) or one of ``matching.ingest.sniff.FORMATS``.
    progress : callable, optional
        Called as ``progress(fraction, message)`` while importing, for a progress bar.

    Returns
    -------
    ImportResult
        ``frame``, the canonical table, and ``report``: the format, rows read and imported,
        rejected rows with reasons, service names not recognised, notes.

    Raises
    ------
    ImportFormatError
        The file is missing, empty, too large, or not in the format asked for.
    FacilityDataError
        No row is usable (every problem is listed, with row and column).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from matching import import_file
    >>> listing = Path(tempfile.mkdtemp()) / "clinics.csv"
    >>> _ = listing.write_text(
    ...     "Name,Address,City,ST,ZIP_Code,LAT,LNG\\n"
    ...     "Riverbend Recovery,100 River Road,Portland,OR,97201,45.5152,-122.6784\\n"
    ... )
    >>> result = import_file(listing)
    >>> result.report.format, result.report.rows_imported
    ('generic-csv', 1)
    >>> result.frame["name"].tolist(), result.frame["zip"].tolist()
    (['Riverbend Recovery'], ['97201'])
    >>> bool(result.frame["detox_any"].isna().all())  # the file cannot say: unknown, not no
    True
    >>> import_file(listing.with_name("missing.csv"))
    Traceback (most recent call last):
    ...
    matching.errors.ImportFormatError: '...missing.csv' does not exist or is not a file
    """
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
    data: bytes, filename: str, *, fmt: FormatChoice = "auto", progress: Progress | None = None
) -> ImportResult:
    """Import a listing held in memory (e.g. an upload) named ``filename``."""
    return _import(data, filename, fmt, progress, lines_checked=False)


def _import(
    data: bytes,
    filename: str,
    fmt: FormatChoice,
    progress: Progress | None,
    *,
    lines_checked: bool,
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


_READERS: Final[dict[ImportFormat, Callable[[bytes, str], _Raw]]] = {
    "findtreatment-csv": _read_findtreatment_csv,
    "findtreatment-xlsx": _read_findtreatment_xlsx,
    "findtreatment-json": _read_findtreatment_json,
    "directory-2015": _read_directory_2015,
    "generic-csv": _read_generic_csv,
}
