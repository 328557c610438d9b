"""io (split from directory.py)."""

from __future__ import annotations

import glob
import io
import os
import tempfile
from pathlib import Path

import pandas as pd

from matching.directory import columns as col
from matching.directory.cache import cached_table
from matching.directory.schema import validate_directory
from matching.errors import FacilityDataError


def read_directory(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a canonical CSV written by :func:`write_directory` and validate it.

    The validated table is cached by the file's content (:mod:`matching.directory.cache`), so
    reading the same file again skips parsing and validation.
    """
    path = Path(path)
    if not path.exists():
        raise FacilityDataError(f"Directory file {str(path)!r} does not exist")
    return cached_table(path, lambda data: _parse_directory(data, path.name), kind="canonical")


def _parse_directory(data: bytes, name: str) -> pd.DataFrame:
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype="str", keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise FacilityDataError(
            f"{name} is not a ReadyBed directory CSV ({exc}); "
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
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Refuses a target that exists but is not a regular file (``/dev/null``, a folder, a pipe):
    renaming over it would replace a device node or fail half-way. Temporary files left by an
    earlier write that was killed (their writer process is gone) are removed first.
    """
    target = Path(path)
    if target.exists() and not target.is_file():
        raise OSError(
            f"{target} exists and is not a regular file (a device, folder or pipe); "
            "choose a file name to write to"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_orphaned_temp_files(target)
    prefix = f".{target.name}.{os.getpid()}."
    handle, temp_name = tempfile.mkstemp(prefix=prefix, dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _remove_orphaned_temp_files(target: Path) -> None:
    """Remove ``.<name>.<pid>.*`` temporary files whose writing process no longer runs."""
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.*"):
        pid_text = leftover.name[len(target.name) + 2 :].split(".", 1)[0]
        if pid_text.isdigit() and not _process_runs(int(pid_text)) and leftover.is_file():
            leftover.unlink(missing_ok=True)


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True
