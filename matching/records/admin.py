"""The team server operator's view of the store: its revision, counts, and encrypted values.

What ``python -m matching team migrate|status|reseal`` needs from the database, here so the
command line holds no SQL: the schema revision read without creating anything, how many
organisations, people and cases there are (never who), every text column that may hold an
encrypted value, whether the configured keys open them, and re-encrypting them with the first
key. These act on the whole store, for whoever runs the server, not for a signed-in person:
none of them returns anything a family typed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    String,
    Table,
    and_,
    create_engine,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from matching.errors import StoreError
from matching.records import chain, sealing
from matching.records.store import (
    LOCAL_ORG_ID,
    LOCAL_USER_ID,
    cases,
    metadata,
    orgs,
    users,
    write_transaction,
)

BAD_URL = (
    "The database URL is not one ReadyBed can open; use e.g. "
    "postgresql+psycopg://readybed@localhost:5432/readybed or sqlite:///path/to/file."
)


def check_url(url: str) -> None:
    """Raise StoreError when ``url`` is not a database URL SQLAlchemy can open."""
    try:
        make_url(url).get_dialect()
    except ArgumentError:
        raise StoreError(BAD_URL) from None


def shown(url: str) -> str:
    """Return ``url`` as it may be printed: the password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable URL)"


def store_error(url: str, exc: Exception) -> Exception:
    """Return ``exc`` as one sentence naming the store (no password), or ``exc`` itself."""
    if isinstance(exc, StoreError | ValueError | OSError):
        return exc
    if isinstance(exc, SQLAlchemyError):
        cause = getattr(exc, "orig", None) or exc
        first = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        return StoreError(
            f"Could not use the store {shown(url)}: {first}. Check the database URL "
            "(--db or READYBED_DB_URL) and that the database server is running."
        )
    return exc


def sqlite_path(url: str) -> Path | None:
    """Return the file of a SQLite ``url`` (None for another database or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def plain_engine(url: str, *, must_exist: bool) -> Engine:
    """Return an engine that creates nothing (no file, no table, no migration)."""
    try:
        path = sqlite_path(url)
        if must_exist and path is not None and not path.is_file():
            raise StoreError(
                f"There is no store at {path}; create it with `python -m matching team migrate "
                f"--db {url}`."
            )
        return create_engine(url)
    except ArgumentError as exc:
        raise store_error(url, exc) from exc


def revision_of(engine: Engine, url: str) -> str | None:
    """Return the store's Alembic revision, its pre-migration schema version, or None."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
            if revision is not None:
                return str(revision)
            if not inspect(connection).has_table("schema_meta"):
                return None
            version = connection.execute(
                text("SELECT value FROM schema_meta WHERE key = 'schema_version'")
            ).scalar_one_or_none()
    except Exception as exc:
        raise store_error(url, exc) from exc
    # A store written before the migrations existed records only its schema version.
    return None if version is None else f"schema-{version} (before migrations)"


def counts(engine: Engine, url: str) -> dict[str, int]:
    """Return how many organisations, people, cases and local cases the store holds."""
    queries = {
        "orgs": select(func.count()).select_from(orgs).where(orgs.c.id != LOCAL_ORG_ID),
        "people": select(func.count()).select_from(users).where(users.c.id != LOCAL_USER_ID),
        "cases": select(func.count()).select_from(cases),
        "local_cases": select(func.count())
        .select_from(cases)
        .where(cases.c.org_id == LOCAL_ORG_ID),
    }
    try:
        with engine.connect() as connection:
            return {
                name: int(connection.execute(query).scalar_one()) for name, query in queries.items()
            }
    except Exception as exc:
        raise store_error(url, exc) from exc


def sealable_columns(connection: Connection) -> list[tuple[Table, Any]]:
    """Return every (table, text column) of the store that may hold an encrypted value."""
    present = set(inspect(connection).get_table_names())
    return [
        (table, column)
        for table in metadata.sorted_tables
        if table.name in present
        for column in table.columns
        if isinstance(column.type, String) and not column.primary_key
    ]


def check_sealed(engine: Engine, url: str, keys: list[str]) -> tuple[int, int | None]:
    """Return how many values are encrypted and how many of them ``keys`` cannot open.

    The second figure is None when no keys are given (nothing to check them with).
    """
    if keys:
        sealing.bind_keys(engine, keys)
    sealed = unopened = 0
    try:
        with engine.connect() as connection:
            for _table, column in sealable_columns(connection):
                for (stored,) in connection.execute(
                    select(column).where(column.like(sealing.PREFIX + "%"))
                ):
                    sealed += 1
                    if keys and not _opens(engine, stored):
                        unopened += 1
    except Exception as exc:
        raise store_error(url, exc) from exc
    return sealed, unopened if keys else None


def _opens(engine: Engine, stored: str) -> bool:
    try:
        sealing.unseal(engine, stored)
    except StoreError:
        return False
    return True


def reseal(engine: Engine, url: str) -> dict[str, int]:
    """Re-encrypt every encrypted value with the first bound key, in one transaction.

    A value that no key opens stops everything before the end, and nothing is changed.
    """
    resealed: dict[str, int] = {}
    try:
        with write_transaction(engine) as connection:
            for table, column in sealable_columns(connection):
                keys = list(table.primary_key.columns)
                rows = connection.execute(
                    select(*keys, column).where(column.like(sealing.PREFIX + "%"))
                ).all()
                for row in rows:
                    plain = sealing.unseal(engine, row[-1])
                    match = and_(*(key == row[number] for number, key in enumerate(keys)))
                    connection.execute(
                        update(table)
                        .where(match)
                        .values({column.name: sealing.seal(engine, plain)})
                    )
                if rows:
                    resealed[table.name] = resealed.get(table.name, 0) + len(rows)
    except Exception as exc:
        raise store_error(url, exc) from exc
    return resealed


def check_chains(engine: Engine, url: str) -> list[chain.ChainReport]:
    """Return what :func:`matching.records.chain.verify` finds in each hash-chained log."""
    try:
        with engine.connect() as connection:
            return [chain.verify(connection, name) for name in chain.CHAINS]
    except Exception as exc:
        raise store_error(url, exc) from exc
