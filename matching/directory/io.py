"""io (split from directory.py)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from matching.directory import columns as col
from matching.directory.schema import validate_directory
from matching.errors import FacilityDataError


def read_directory(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a canonical CSV written by :func:`write_directory` and validate it."""
    path = Path(path)
    if not path.exists():
        raise FacilityDataError(f"Directory file {str(path)!r} does not exist")
    try:
        raw = pd.read_csv(path, dtype="str", keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise FacilityDataError(
            f"{path.name} is not a ReadyBed directory CSV ({exc}); "
            "convert it with `python -m matching import`"
        ) from exc
    return validate_directory(raw.replace("", pd.NA).fillna({c: "" for c in col.TEXT_COLUMNS}))


def to_csv_text(frame: pd.DataFrame) -> str:
    """Return the canonical CSV text of ``frame`` (UTF-8 text, ISO 8601 UTC timestamps)."""
    table = frame.copy()
    for name in (col.AVAILABILITY_REPORTED_AT, col.LISTED_AT, col.LICENSE_EXPIRES):
        stamps = table[name]
        table[name] = stamps.dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(stamps.notna(), "")
    return table.to_csv(index=False, lineterminator="\n")


def write_directory(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Validate ``frame`` and write it as canonical CSV atomically.

    The file is written to a temporary file beside ``path`` and renamed over it, so a failure
    at any point leaves an existing file untouched.
    """
    table = validate_directory(frame)
    write_text_atomic(path, to_csv_text(table))


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
