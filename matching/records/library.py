"""The user's directories: the two built-in sets, every listing they imported, the active one.

Built in are SAMHSA's National Directory 2023 (real facilities, the default) and the fictional
demo set (for trying the app; the default instead when ``READYBED_DEMO=1`` is set, as the tests
do, or when the real file is missing).

An imported listing is saved as a canonical CSV in a ``directories`` folder beside the store's
database (owner-only, like the database), and recorded in the store's ``directories`` table;
the active choice lives in ``app_settings``. Saving is atomic, so a failed import never
replaces anything and the previous directory stays active.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import pandas as pd
from sqlalchemy import Engine, delete, insert, select, update

from matching.directory.io import read_directory, write_directory
from matching.errors import StoreError
from matching.records.store import (
    DEFAULT_DB_PATH,
    app_settings,
    directories,
    from_naive_utc,
    to_naive_utc,
)

DEMO_KEY: Final = "demo"
DEMO_NAME: Final = "Demo directory (fictional facilities)"
DEFAULT_KEY: Final = "samhsa-2023"
DEMO_MODE_ENV: Final = "READYBED_DEMO"
ACTIVE_SETTING: Final = "active_directory"
FOLDER_NAME: Final = "directories"


@dataclass(frozen=True, kw_only=True, slots=True)
class DirectoryEntry:
    """One directory the user can search: ``key`` is "demo" or the imported listing's id."""

    key: str
    name: str
    path: Path
    format: str
    rows: int
    imported_at: datetime | None
    summary: str = ""

    @property
    def is_demo(self) -> bool:
        """Return whether this is the built-in synthetic set."""
        return self.key == DEMO_KEY

    @property
    def is_builtin(self) -> bool:
        """Return whether this set ships with ReadyBed (it cannot be deleted)."""
        return self.key in (DEMO_KEY, DEFAULT_KEY)


def library_folder(engine: Engine) -> Path:
    """Return the folder imported listings are saved in (beside a SQLite store's file)."""
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    base = Path(database).parent if database and database != ":memory:" else DEFAULT_DB_PATH.parent
    return base / FOLDER_NAME


def demo_entry() -> DirectoryEntry:
    """Return the entry of the built-in demo set."""
    from matching.directory.demo import DEMO_CSV

    return DirectoryEntry(
        key=DEMO_KEY, name=DEMO_NAME, path=DEMO_CSV, format="demo", rows=0, imported_at=None
    )


def default_entry() -> DirectoryEntry:
    """Return the entry of the shipped SAMHSA National Directory (real facilities)."""
    from matching.directory.default import DEFAULT_CSV, DEFAULT_NAME

    return DirectoryEntry(
        key=DEFAULT_KEY,
        name=DEFAULT_NAME,
        path=DEFAULT_CSV,
        format="national-directory",
        rows=0,
        imported_at=None,
    )


def builtin_entry() -> DirectoryEntry:
    """Return the directory searched when the user chose none: the real one, or demo mode's."""
    demo_mode = os.environ.get(DEMO_MODE_ENV, "").strip().lower() in ("1", "true", "yes")
    entry = default_entry()
    return demo_entry() if demo_mode or not entry.path.is_file() else entry


def list_directories(engine: Engine) -> list[DirectoryEntry]:
    """Return the built-in entries (the active default first), then imports newest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(directories).order_by(directories.c.imported_at.desc(), directories.c.id.desc())
        ).all()
    folder = library_folder(engine)
    builtins = [builtin_entry()]
    builtins += [e for e in (default_entry(), demo_entry()) if e.key != builtins[0].key]
    return [e for e in builtins if e.is_demo or e.path.is_file()] + [
        _entry(row, folder) for row in rows
    ]


def save_import(
    engine: Engine,
    frame: pd.DataFrame,
    *,
    name: str,
    format: str,
    summary: str = "",
    now: datetime | None = None,
) -> DirectoryEntry:
    """Save an imported (validated) listing, record it, and return its entry (not yet active)."""
    folder = library_folder(engine)
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    file_name = f"{stamp:%Y%m%dT%H%M%S%f}-{_slug(name)}.csv"
    write_directory(frame, folder / file_name)
    (folder / file_name).chmod(0o600)
    with engine.begin() as connection:
        result = connection.execute(
            insert(directories).values(
                name=name.strip() or file_name,
                file_name=file_name,
                format=format,
                rows=len(frame),
                summary=summary,
                imported_at=to_naive_utc(stamp),
            )
        )
        new_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    return get_entry(engine, str(new_id))


def get_entry(engine: Engine, key: str) -> DirectoryEntry:
    """Return the entry for ``key``; StoreError when no such directory exists."""
    if key == DEMO_KEY:
        return demo_entry()
    if key == DEFAULT_KEY:
        return default_entry()
    if not key.isdigit():
        raise StoreError(f"{key!r} is not a directory of this store.")
    with engine.connect() as connection:
        row = connection.execute(select(directories).where(directories.c.id == int(key))).first()
    if row is None:
        raise StoreError(f"Directory {key} is not in the store (it may have been deleted).")
    return _entry(row, library_folder(engine))


def active_entry(engine: Engine) -> DirectoryEntry:
    """Return the active directory; the built-in one when none was chosen or the choice is gone."""
    with engine.connect() as connection:
        key = connection.execute(
            select(app_settings.c.value).where(app_settings.c.key == ACTIVE_SETTING)
        ).scalar_one_or_none()
    if key is None:
        return builtin_entry()
    try:
        entry = get_entry(engine, key)
    except StoreError:
        return builtin_entry()
    return entry if entry.is_demo or entry.path.exists() else builtin_entry()


def set_active(engine: Engine, key: str) -> DirectoryEntry:
    """Make ``key`` the active directory and return its entry."""
    entry = get_entry(engine, key)
    if not entry.path.exists():
        raise StoreError(
            f"The file of {entry.name!r} is missing from {entry.path.parent}; import it again."
        )
    with engine.begin() as connection:
        changed = connection.execute(
            update(app_settings).where(app_settings.c.key == ACTIVE_SETTING).values(value=key)
        ).rowcount
        if not changed:
            connection.execute(insert(app_settings).values(key=ACTIVE_SETTING, value=key))
    return entry


def delete_directory(engine: Engine, key: str) -> None:
    """Delete an imported listing (its file and record); the built-in sets cannot be deleted."""
    entry = get_entry(engine, key)
    if entry.is_builtin:
        raise StoreError(f"{entry.name} is built in and cannot be deleted.")
    if active_entry(engine).key == key:
        set_active(engine, builtin_entry().key)
    with engine.begin() as connection:
        connection.execute(delete(directories).where(directories.c.id == int(key)))
    entry.path.unlink(missing_ok=True)


def load_entry(entry: DirectoryEntry, *, now: datetime | None = None) -> pd.DataFrame:
    """Read the directory of ``entry`` (the demo's availability is dated relative to ``now``)."""
    if entry.is_demo:
        from matching.directory.demo import load_demo_directory

        return load_demo_directory(now=now)
    return read_directory(entry.path)


def _entry(row: object, folder: Path) -> DirectoryEntry:
    mapping = row._mapping  # type: ignore[attr-defined]
    return DirectoryEntry(
        key=str(mapping["id"]),
        name=str(mapping["name"]),
        path=folder / str(mapping["file_name"]),
        format=str(mapping["format"]),
        rows=int(mapping["rows"]),
        imported_at=from_naive_utc(mapping["imported_at"]),
        summary=str(mapping["summary"]),
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "listing"
