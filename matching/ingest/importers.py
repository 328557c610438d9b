"""The import entry points: `import_file` and `import_bytes` make a listing the canonical table.

They check the file (empty, forced into the wrong format, lines too long), run the format's reader
from ``registry``, the shared steps of ``normalize``, and place rows without coordinates
(``locate``), reporting each step to ``progress``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from matching.directory import columns as col
from matching.directory.default import DEFAULT_CSV
from matching.directory.io import read_directory
from matching.directory.schema import has_location, validate_directory
from matching.directory.service_codes import load_mapping
from matching.errors import ImportFormatError, ReadyBedError
from matching.ingest.formats import FormatChoice
from matching.ingest.generic_csv import read_generic_csv
from matching.ingest.locate import locate
from matching.ingest.normalize import build_table
from matching.ingest.registry import BY_NAME, FORMATS
from matching.ingest.report import ImportReport, ImportResult, Progress
from matching.ingest.sniff import check_forced_format, detect_format, is_csv_format
from matching.ingest.text import (
    MAX_JSON_BYTES,
    SNIFF_BYTES,
    XLSX_MAGIC,
    chunks_of_bytes,
    chunks_of_file,
    looks_like_json,
    scan_lines,
)


def import_file(
    path: str | os.PathLike[str],
    *,
    fmt: FormatChoice = "auto",
    progress: Progress | None = None,
    locating: Locating | None = None,
    column_map: Mapping[str, str] | None = None,
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
    locating : Locating, optional
        How rows without coordinates are placed (default: address match against the shipped
        directory, then the ZIP centre; see :mod:`matching.ingest.locate`).
    column_map : mapping, optional
        Canonical field -> header, for columns of a generic CSV that no alias matches, e.g.
        ``{"name": "AccountName", "address_line": "AddressOneLine"}``.

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
        head = stream.read(SNIFF_BYTES)
    if looks_like_json(head):
        if size > MAX_JSON_BYTES:
            raise ImportFormatError(
                f"{path.name} is {size / 1e6:.0f} MB; a JSON page over "
                f"{MAX_JSON_BYTES / 1e6:.0f} MB is not supported (split it into pages)"
            )
    elif not head.startswith(XLSX_MAGIC):
        # Checked on the file in bounded chunks, before the whole file is read into memory.
        scan_lines(chunks_of_file(path), path.name)
    return _import(
        path.read_bytes(), path.name, fmt, progress, locating, column_map, lines_checked=True
    )


def import_bytes(
    data: bytes,
    filename: str,
    *,
    fmt: FormatChoice = "auto",
    progress: Progress | None = None,
    locating: Locating | None = None,
    column_map: Mapping[str, str] | None = None,
) -> ImportResult:
    """Import a listing held in memory (e.g. an upload) named ``filename``."""
    return _import(data, filename, fmt, progress, locating, column_map, lines_checked=False)


def _import(
    data: bytes,
    filename: str,
    fmt: FormatChoice,
    progress: Progress | None,
    locating: Locating | None,
    column_map: Mapping[str, str] | None,
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
        check_forced_format(fmt, detected)
    chosen = detected if fmt == "auto" else fmt
    if is_csv_format(chosen) and not lines_checked:
        scan_lines(chunks_of_bytes(data), filename)
    if column_map and chosen != "generic-csv":
        raise ImportFormatError(
            f"--map is for CSV files whose headers ReadyBed cannot guess; {filename} is read "
            f"as {chosen}, whose columns are known (leave --map out or use --format generic-csv)"
        )
    raw = (
        read_generic_csv(data, filename, column_map)
        if column_map
        else BY_NAME[chosen].reader(data, filename)
    )
    report_progress(0.5, "Mapping services")
    report = ImportReport(format=chosen, source=filename, rows_read=len(raw.table) + raw.withheld)
    report.notes.extend(raw.notes)
    frame = build_table(raw, chosen, filename, report, load_mapping())
    if not has_location(frame).all():
        report_progress(0.8, "Locating facilities without coordinates")
        frame = _locate(frame, locating or Locating(), report)
    _note_expired_licenses(frame, report)
    report_progress(1.0, f"Imported {report.rows_imported} facilities")
    return ImportResult(frame=frame, report=report)


def _note_expired_licenses(frame: pd.DataFrame, report: ImportReport) -> None:
    expired = int(frame[col.LICENSE_EXPIRED].fillna(False).sum())
    if expired:
        report.notes.append(
            f"{expired} facilit{'y has' if expired == 1 else 'ies have'} an expired licence "
            "(license_expired): check with the state before relying on them"
        )


@dataclass(frozen=True, kw_only=True)
class Locating:
    """How an import places rows that have no coordinates.

    ``references``: canonical tables or files with street-level coordinates to match addresses
    against; None = the directory ReadyBed ships. ``zip_centers``: fall back to the ZIP centre.
    ``enabled=False`` leaves such rows at 0,0 (location unknown).
    """

    references: tuple[pd.DataFrame | str | os.PathLike[str], ...] | None = None
    zip_centers: bool = True
    enabled: bool = True


def _locate(frame: pd.DataFrame, locating: Locating, report: ImportReport) -> pd.DataFrame:
    if not locating.enabled:
        unknown = int((~has_location(frame)).sum())
        report.notes.append(f"{unknown} imported row(s) have no coordinates (0,0)")
        return frame
    references = [_reference(item) for item in _reference_items(locating)]
    located, counts = locate(frame, references, zip_centers=locating.zip_centers)
    report.locate_counts = counts
    report.notes.append(counts.note())
    return validate_directory(located)


def _reference_items(locating: Locating) -> tuple[pd.DataFrame | str | os.PathLike[str], ...]:
    if locating.references is not None:
        return locating.references
    return (DEFAULT_CSV,) if DEFAULT_CSV.is_file() else ()


def _reference(item: pd.DataFrame | str | os.PathLike[str]) -> pd.DataFrame:
    """Return a reference table: a frame as given, a file imported in any format (not located)."""
    if isinstance(item, pd.DataFrame):
        return item
    if Path(item) == DEFAULT_CSV:
        return read_directory(item)
    try:
        return import_file(item, locating=Locating(enabled=False)).frame
    except ReadyBedError as exc:
        raise ImportFormatError(f"--locate-with {Path(item).name}: {exc}") from exc
