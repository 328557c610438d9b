"""Bring a store's schema to this version of ReadyBed with its Alembic migrations.

The migrations live in ``migrations/`` beside this module (package data, so an installed
ReadyBed carries them) and run on both SQLite and PostgreSQL. :func:`upgrade` is called by
``store.open_engine`` on every open, so it is cheap when the store is already current: one
``SELECT`` of the stored revision against :data:`HEAD`, without even importing Alembic (a
few hundred milliseconds of a cold start); Alembic is loaded only when there is work to do.

A schema change is a new file in ``migrations/versions/`` (``down_revision`` = the previous
head), :data:`HEAD` set to it, and the same change to ``store.metadata``;
tests/test_migrations.py fails until :data:`HEAD` is the scripts' head and the
migrated schema equals the metadata on both backends. Data already stored is converted in the
revision itself. When the change would confuse a ReadyBed older than it, the revision also
raises the ``schema_meta`` version (and :data:`SCHEMA_META_VERSION` here).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from matching.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision in migrations/versions (a test checks that it is the scripts' head).
HEAD = "0004"
# The store as ReadyBed created it before migrations existed (schema_meta version 1).
BASELINE = "0001"
# What the newest revision writes in schema_meta: ReadyBed from before migrations reads it and
# refuses the store (its own version is 1), instead of misreading the new tables.
SCHEMA_META_VERSION = 2
# Any fixed number: the PostgreSQL advisory lock that lets one process at a time migrate.
_ADVISORY_LOCK = 0x52656479_4265640D


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def script() -> ScriptDirectory:
    """Return Alembic's view of the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


def head() -> str:
    """Return the newest revision this ReadyBed knows."""
    return HEAD


@cache
def _known() -> frozenset[str]:
    return frozenset(revision.revision for revision in script().walk_revisions())


def stored_revision(engine: Engine) -> str | None:
    """Return the revision recorded in the store, or None when it has none yet."""
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no version table yet: a new store, or one older than migrations
        return None
    return str(found) if found is not None else None


def upgrade(engine: Engine, *, to: str | None = None) -> None:
    """Migrate the store at ``engine`` to :func:`head` (or ``to``); refuse a newer store's.

    All of it happens in one transaction, and one process at a time migrates (the write lock
    on SQLite, an advisory lock on PostgreSQL): another that was waiting then finds the store
    current and does nothing.
    """
    target = to or head()
    if stored_revision(engine) == target:
        return
    with _migration_lock(engine) as connection:
        current = _current_or_baseline(connection)
        if current == target:
            return
        _refuse_newer(current)
        from alembic import command

        try:
            command.upgrade(_config(connection), target)
        except DBAPIError as error:
            _refuse_not_owner(error, current, target)
            raise


def _refuse_not_owner(error: DBAPIError, current: str | None, target: str) -> None:
    """Say so when the role may not change the schema (the app's role, deploy/app-role.sql)."""
    if getattr(error.orig, "sqlstate", None) != "42501":  # insufficient_privilege
        return
    raise StoreError(
        f"The store's schema needs migrating (from revision {current or 'none'} to {target}), "
        "and this database role may not change it (it owns no table, as deploy/app-role.sql "
        "sets up). Run `python -m matching team migrate --db <the tables' owner's URL>` "
        'first, then start again (deploy/README.md, "The app\'s database role").'
    ) from None


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[Connection]:
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
            yield connection
        return
    with engine.connect() as connection:
        # SQLite rebuilds a table to change it; with foreign keys on, dropping the old copy
        # would cascade-delete the rows that point at it (a shortlist's items, a case's
        # placements). The pragma only changes outside a transaction, so it goes first.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        try:
            with connection.begin():
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                yield connection
                _check_foreign_keys(connection)
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise StoreError(
            f"Upgrading the store would leave rows of {', '.join(tables)} pointing at nothing; "
            "nothing was changed. Restore a backup or export the cases and start a new store."
        )


def _current_or_baseline(connection: Connection) -> str | None:
    """Return the stored revision; stamp a store made before migrations with its revision."""
    found = (
        connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if inspect(connection).has_table("alembic_version")
        else None
    )
    if found is not None:
        return str(found)
    tables = set(inspect(connection).get_table_names())
    if "call_log" not in tables:
        return None  # a new, empty database: build it from the first revision
    _refuse_newer_schema_meta(connection)
    # ReadyBed's schema before migrations: version 1 has no org_id on call_log; the short-lived
    # groundwork build (version 2, same tables as revision 0002) has.
    columns = {column["name"] for column in inspect(connection).get_columns("call_log")}
    legacy = "0002" if "org_id" in columns else BASELINE
    if legacy == BASELINE and "orgs" in tables:
        _drop_groundwork_tables(connection, tables)
    from alembic import command

    command.stamp(_config(connection), legacy)
    return legacy


_GROUNDWORK_TABLES = ("audit_log", "invitations", "case_members", "org_members", "users", "orgs")


def _drop_groundwork_tables(connection: Connection, tables: set[str]) -> None:
    """Drop the empty team tables that the groundwork build added to a version-1 store.

    That build created them (with only the local organisation and person in them) but not the
    org_id columns; revision 0002 creates them again, with everything else.
    """
    held = {
        table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
        for table in ("audit_log", "invitations", "case_members")
        if table in tables
    }
    people = connection.execute(text("SELECT COUNT(*) FROM users")).scalar_one()
    if any(held.values()) or people > 1:
        raise StoreError(
            "The store has team tables with rows in them but not the columns that go with "
            "them; it was changed by hand or by a development build. Nothing was changed: "
            "export the cases (Cases page) and start a new store."
        )
    for table in _GROUNDWORK_TABLES:
        if table in tables:
            connection.execute(text(f"DROP TABLE {table}"))


def _refuse_newer_schema_meta(connection: Connection) -> None:
    stored = connection.execute(
        text("SELECT value FROM schema_meta WHERE key = 'schema_version'")
    ).scalar()
    if stored is not None and int(stored) > SCHEMA_META_VERSION:
        raise StoreError(
            f"The store was written by a newer ReadyBed (schema {stored}, this version "
            f"understands up to {SCHEMA_META_VERSION}); update ReadyBed before opening it."
        )


def _refuse_newer(current: str | None) -> None:
    if current is not None and current not in _known():
        raise StoreError(
            f"The store was written by a newer ReadyBed (schema revision {current}, this "
            f"version knows up to {head()}); update ReadyBed before opening it."
        )
