"""The user's directories: the two built-in sets, every listing they imported, the active one.

Built in are SAMHSA's National Directory 2023 (real facilities, the default) and the fictional
demo set (for trying the app; the default instead when ``READYBED_DEMO=1`` is set, as the tests
do, or when the real file is missing).

An imported listing is saved as a canonical CSV in a ``directories`` folder beside the store's
database (owner-only, like the database), and recorded in the store's ``directories`` table;
the active choice lives in ``app_settings``. Saving is atomic, so a failed import never
replaces anything and the previous directory stays active.

The library is shared within an organisation: every function acts for an ``actor`` (required; the
workspace binds it) and sees only the listings and the active choice of ``actor.org_id``.
Another organisation's files live in their own ``org-<id>`` folder (:func:`data_folder`), so
file names never collide and no key reaches another organisation's file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import pandas as pd
from sqlalchemy import ColumnElement, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from matching.directory.io import read_directory, write_directory
from matching.errors import AccessError, StoreError
from matching.records import audit
from matching.records.store import (
    DEFAULT_DB_PATH,
    LOCAL_ORG_ID,
    app_settings,
    directories,
    from_naive_utc,
    to_naive_utc,
    write_transaction,
)
from matching.records.team import Actor, is_org_admin, require_org_admin

DEMO_KEY: Final = "demo"
DEMO_NAME: Final = "Demo directory (fictional facilities)"
DEFAULT_KEY: Final = "samhsa-2023"
DEMO_MODE_ENV: Final = "READYBED_DEMO"
ACTIVE_SETTING: Final = "active_directory"
FOLDER_NAME: Final = "directories"
# Where a server database (PostgreSQL: no file to sit beside) keeps the organisations' files.
DATA_DIR_ENV: Final = "READYBED_DATA_DIR"


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


def data_root(engine: Engine) -> Path:
    """Return the folder the store's files live in: beside a SQLite file, else the data folder.

    A server database has no file to sit beside: its files go to ``$READYBED_DATA_DIR``, else
    the user data folder (platformdirs), which outlives a change of working directory.
    """
    if engine.url.get_backend_name() == "sqlite":
        database = engine.url.database
        return (
            Path(database).parent if database and database != ":memory:" else DEFAULT_DB_PATH.parent
        )
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    if configured:
        return Path(configured)
    from platformdirs import user_data_path

    return user_data_path("readybed", appauthor=False)


def data_folder(engine: Engine, *, actor: Actor) -> Path:
    """Return the folder of ``actor``'s organisation's files (the root itself in local mode)."""
    root = data_root(engine)
    # The local organisation keeps today's layout, so an existing store finds its files.
    return root if actor.org_id == LOCAL_ORG_ID else root / f"org-{actor.org_id}"


def library_folder(engine: Engine, *, actor: Actor) -> Path:
    """Return the folder the organisation's imported listings are saved in."""
    return data_folder(engine, actor=actor) / FOLDER_NAME


def private_folder(folder: Path) -> Path:
    """Create ``folder`` and its missing parents owner-only (0700) and return it."""
    missing = [path for path in (folder, *folder.parents) if not path.exists()]
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
        path.chmod(0o700)  # mkdir's mode is filtered by the umask
    return folder


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


def list_directories(engine: Engine, *, actor: Actor) -> list[DirectoryEntry]:
    """Return the built-in entries (active default first), then the org's imports newest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(directories)
            .where(directories.c.org_id == actor.org_id)
            .order_by(directories.c.imported_at.desc(), directories.c.id.desc())
        ).all()
    folder = library_folder(engine, actor=actor)
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
    actor: Actor,
) -> DirectoryEntry:
    """Save an imported (validated) listing in the organisation's library; return its entry.

    The entry is not yet active (:func:`set_active`).
    """
    folder = private_folder(library_folder(engine, actor=actor))
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    file_name = f"{stamp:%Y%m%dT%H%M%S%f}-{_slug(name)}.csv"
    write_directory(frame, folder / file_name)
    (folder / file_name).chmod(0o600)
    with engine.begin() as connection:
        result = connection.execute(
            insert(directories).values(
                org_id=actor.org_id,
                name=name.strip() or file_name,
                file_name=file_name,
                format=format,
                rows=len(frame),
                summary=summary,
                imported_at=to_naive_utc(stamp),
            )
        )
        new_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    return get_entry(engine, str(new_id), actor=actor)


def get_entry(engine: Engine, key: str, *, actor: Actor) -> DirectoryEntry:
    """Return the entry for ``key``; StoreError when the organisation has no such directory."""
    if key == DEMO_KEY:
        return demo_entry()
    if key == DEFAULT_KEY:
        return default_entry()
    if not key.isdigit():
        raise StoreError(f"{key!r} is not a directory of this store.")
    with engine.connect() as connection:
        row = connection.execute(select(directories).where(_owned(key, actor))).first()
    if row is None:
        # Also another organisation's key: it must not learn that the listing exists.
        raise StoreError(f"Directory {key} is not in the store (it may have been deleted).")
    return _entry(row, library_folder(engine, actor=actor))


def active_entry(engine: Engine, *, actor: Actor) -> DirectoryEntry:
    """Return the org's active directory; the built-in one when none was chosen or it is gone."""
    with engine.connect() as connection:
        key = connection.execute(
            select(app_settings.c.value).where(_active_of(actor))
        ).scalar_one_or_none()
    if key is None:
        return builtin_entry()
    try:
        entry = get_entry(engine, key, actor=actor)
    except StoreError:
        return builtin_entry()
    return entry if entry.is_demo or entry.path.exists() else builtin_entry()


def set_active(engine: Engine, key: str, *, actor: Actor) -> DirectoryEntry:
    """Make ``key`` the organisation's active directory and return its entry."""
    entry = get_entry(engine, key, actor=actor)
    if not entry.path.exists():
        raise StoreError(
            f"The file of {entry.name!r} is missing from {entry.path.parent}; import it again."
        )
    change = update(app_settings).where(_active_of(actor)).values(value=key)
    try:
        with engine.begin() as connection:
            if not connection.execute(change).rowcount:
                connection.execute(
                    insert(app_settings).values(org_id=actor.org_id, key=ACTIVE_SETTING, value=key)
                )
    except IntegrityError:
        # A colleague chose a directory at the same moment (their first choice): this one wins.
        with engine.begin() as connection:
            connection.execute(change)
    return entry


def delete_directory(engine: Engine, key: str, *, actor: Actor) -> None:
    """Delete one of the org's imported listings (file and record); built-in sets stay.

    Only an admin of the organisation may; the organisation's log records it.
    """
    entry = get_entry(engine, key, actor=actor)
    if entry.is_builtin:
        raise StoreError(f"{entry.name} is built in and cannot be deleted.")
    if not is_org_admin(engine, actor=actor):
        raise AccessError(
            "Only an admin of your organisation can delete an imported directory; ask one of "
            "its admins (the Team page lists them)."
        )
    if active_entry(engine, actor=actor).key == key:
        set_active(engine, builtin_entry().key, actor=actor)
    with write_transaction(engine) as connection:
        require_org_admin(connection, actor, "delete an imported directory")
        connection.execute(delete(directories).where(_owned(key, actor)))
        audit.append_org(
            connection,
            org_id=actor.org_id,
            actor=actor,
            action="directory deleted",
            detail=f"directory {entry.key} ({entry.rows} rows)",
        )
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


def _owned(key: str, actor: Actor) -> ColumnElement[bool]:
    """Return the condition "imported listing ``key``, of ``actor``'s organisation"."""
    return (directories.c.id == int(key)) & (directories.c.org_id == actor.org_id)


def _active_of(actor: Actor) -> ColumnElement[bool]:
    return (app_settings.c.org_id == actor.org_id) & (app_settings.c.key == ACTIVE_SETTING)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "listing"
