"""Versioned migrations: a new store and an old one with data reach the same, current schema.

Real databases on both backends: a SQLite file and a PostgreSQL server (see conftest.py). The
old store is the one ReadyBed wrote at schema version 1, before team mode (a dump made with
that version's own code, tests/fixtures/store_v1.sql).
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import FIXTURES
from sqlalchemy import Engine, MetaData, insert, select, text
from sqlalchemy.exc import DBAPIError

from matching.errors import StoreError
from matching.records import cases as case_records
from matching.records import migrate
from matching.records.store import (
    LOCAL_EMAIL,
    SCHEMA_VERSION,
    case_members,
    metadata,
    open_engine,
    orgs,
    schema_version,
    users,
)
from matching.records.team import LOCAL

V1_DUMP = FIXTURES / "store_v1.sql"
V1_TABLES = (
    "schema_meta",
    "call_log",
    "shortlists",
    "shortlist_items",
    "directories",
    "app_settings",
    "saved_searches",
    "cases",
    "case_placements",
    "case_contact_log",
)


def _v1_rows() -> dict[str, list[dict[str, object]]]:
    """Return every row of the version-1 dump, by table, as SQLite gives them back."""
    connection = sqlite3.connect(":memory:")
    connection.row_factory = sqlite3.Row
    connection.executescript(V1_DUMP.read_text(encoding="utf-8"))
    rows = {
        table: [dict(row) for row in connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
        for table in V1_TABLES
    }
    connection.close()
    return rows


def _sqlite_v1_url(tmp_path: Path) -> str:
    path = tmp_path / "old" / "readybed.sqlite3"
    path.parent.mkdir()
    connection = sqlite3.connect(path)
    connection.executescript(V1_DUMP.read_text(encoding="utf-8"))
    connection.close()
    return f"sqlite:///{path}"


def _postgresql_v1_url(url: str) -> str:
    """Fill a PostgreSQL database as ReadyBed 1 left it: its schema (revision 0001), the rows."""
    engine = open_engine_at(url, "0001")
    rows = _v1_rows()
    reflected = MetaData()
    reflected.reflect(engine)
    with engine.begin() as connection:
        # ReadyBed 1 had no version table (it had schema_meta, kept below).
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(reflected.tables["schema_meta"].delete())
        for table in V1_TABLES:
            if rows[table]:
                connection.execute(insert(reflected.tables[table]), _typed(table, rows[table]))
            if table != "schema_meta" and "id" in reflected.tables[table].c:
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                connection.execute(text(f"SELECT setval({sequence}, MAX(id)) FROM {table}"))
    engine.dispose()
    return url


def _typed(table: str, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    # SQLite hands back times as text; PostgreSQL wants them as timestamps.
    from datetime import datetime

    stamps = {"reported_at", "logged_at", "created_at", "added_at", "imported_at", "saved_at"}
    stamps |= {"updated_at", "at"}
    return [
        {
            key: datetime.fromisoformat(value)
            if key in stamps and isinstance(value, str)
            else value
            for key, value in row.items()
        }
        for row in rows
    ]


def open_engine_at(url: str, revision: str) -> Engine:
    """Return an engine over ``url`` migrated only as far as ``revision``."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    migrate.upgrade(engine, to=revision)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'new' / 'readybed.sqlite3'}"
    return str(request.getfixturevalue("postgresql_empty_url"))


@pytest.fixture(params=["sqlite", "postgresql"])
def v1_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return _sqlite_v1_url(tmp_path)
    return _postgresql_v1_url(str(request.getfixturevalue("postgresql_empty_url")))


def _schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), metadata))


def test_new_store_is_migrated_to_exactly_the_declared_schema(empty_url: str) -> None:
    engine = open_engine(empty_url)
    assert _schema_differences(engine) == []
    assert migrate.stored_revision(engine) == migrate.head()
    assert schema_version(engine) == SCHEMA_VERSION
    engine.dispose()


def test_new_store_has_the_local_organization_and_person(empty_url: str) -> None:
    engine = open_engine(empty_url)
    with engine.connect() as connection:
        assert connection.execute(select(orgs.c.id)).scalars().all() == [1]
        assert connection.execute(select(users.c.id, users.c.email)).all() == [(1, LOCAL_EMAIL)]
    engine.dispose()


def test_old_store_with_data_is_upgraded_in_place_losing_no_row(v1_url: str) -> None:
    before = _v1_rows()
    engine = open_engine(v1_url)
    assert _schema_differences(engine) == []
    with engine.connect() as connection:
        for name in V1_TABLES[1:]:  # schema_meta moves on to version 2 (below)
            table = metadata.tables[name]
            stored = [dict(row) for row in connection.execute(select(table)).mappings()]
            old = _typed(name, before[name])
            assert [_project(row, old[0]) for row in stored] == old, name
            if "org_id" in table.c:
                assert {row["org_id"] for row in stored} == {1}, name
        leads = connection.execute(select(case_members.c.case_id, case_members.c.role)).all()
    assert sorted(leads) == [(1, "lead"), (2, "lead")]
    assert schema_version(engine) == SCHEMA_VERSION
    engine.dispose()


def _project(row: dict[str, object], like: dict[str, object]) -> dict[str, object]:
    return {key: row[key] for key in like}


def test_upgraded_old_store_still_opens_its_cases_calls_and_shortlists(v1_url: str) -> None:
    from matching.records import calllog, shortlist

    engine = open_engine(v1_url)
    first = case_records.load_case(engine, 1, actor=LOCAL)
    assert (first.title, first.version) == ("Case A", 1)
    assert [placement.facility.facility_id for placement in first.placements] == ["F1", "F2"]
    assert first.placements[0].log[-1].note == "Intake nurse says call back at 6"
    assert len(first.placements[0].log) == 7
    assert case_records.load_case(engine, 2, actor=LOCAL).title == "Case B, renamed"
    assert sorted(summary.id for summary in case_records.list_cases(engine, actor=LOCAL)) == [1, 2]
    history = calllog.call_history(engine, "f001", actor=LOCAL)
    assert history["note"].tolist() == ["call back at 6"]
    names = sorted(item.name for item in shortlist.list_shortlists(engine, actor=LOCAL))
    assert names == ["My shortlist", "Near Aunt's"]
    engine.dispose()


def test_reopening_an_upgraded_store_changes_nothing(v1_url: str) -> None:
    open_engine(v1_url).dispose()
    engine = open_engine(v1_url)
    with engine.connect() as connection:
        assert sorted(connection.execute(select(case_members.c.case_id)).scalars()) == [1, 2]
        assert connection.execute(select(orgs.c.id)).scalars().all() == [1]
    engine.dispose()


def test_store_from_a_newer_readybed_is_refused_and_left_alone(empty_url: str) -> None:
    open_engine(empty_url).dispose()
    engine = open_engine_at(empty_url, migrate.head())
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"newer ReadyBed .*revision 0099.*update ReadyBed"):
        open_engine(empty_url)
    engine = open_engine_at(empty_url, "0099")  # what the newer version left is untouched
    assert migrate.stored_revision(engine) == "0099"
    engine.dispose()


def test_old_store_claiming_a_newer_schema_version_is_refused(tmp_path: Path) -> None:
    url = _sqlite_v1_url(tmp_path)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        connection.execute("UPDATE schema_meta SET value = '7'")
    with pytest.raises(StoreError, match=r"newer ReadyBed \(schema 7"):
        open_engine(url)


def test_audit_log_refuses_updates_but_allows_deleting_with_the_case(db_engine: Engine) -> None:
    from datetime import datetime

    row = {
        "case_id": 1,
        "org_id": 1,
        "user_id": 1,
        "actor_email": LOCAL_EMAIL,
        "at": datetime(2026, 12, 1, 12, 0),
        "action": "case.created",
        "detail": "",
    }
    audit_log = metadata.tables["audit_log"]
    with db_engine.begin() as connection:
        connection.execute(insert(audit_log), [row])
    with pytest.raises(DBAPIError, match="append-only"), db_engine.begin() as connection:
        connection.execute(audit_log.update().values(action="case.deleted"))
    with db_engine.begin() as connection:
        assert connection.execute(select(audit_log.c.action)).scalars().all() == ["case.created"]
        assert connection.execute(audit_log.delete()).rowcount == 1


def test_next_organization_and_person_do_not_collide_with_the_local_ones(
    db_engine: Engine,
) -> None:
    from datetime import datetime

    stamp = datetime(2026, 12, 1, 12, 0)
    with db_engine.begin() as connection:
        org = connection.execute(insert(orgs).values(name="Harbor Practice", created_at=stamp))
        user = connection.execute(
            insert(users).values(email="pat@example.org", display_name="Pat", created_at=stamp)
        )
        assert org.inserted_primary_key is not None and user.inserted_primary_key is not None
        assert (org.inserted_primary_key[0], user.inserted_primary_key[0]) == (2, 2)


def _open_at_once(url: str, barrier, errors) -> None:
    try:
        barrier.wait(timeout=60)
        open_engine(url).dispose()
    except Exception as exc:  # reported to the parent, which fails the test with it
        errors.put(f"{type(exc).__name__}: {exc}")


def test_processes_creating_one_new_store_at_once_do_not_crash(empty_url: str) -> None:
    processes = 4
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes)
    errors = context.Queue()
    workers = [
        context.Process(target=_open_at_once, args=(empty_url, barrier, errors))
        for _ in range(processes)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    assert [process.exitcode for process in workers] == [0] * processes
    engine = open_engine(empty_url)
    assert _schema_differences(engine) == []
    with engine.connect() as connection:
        assert connection.execute(select(users.c.id)).scalars().all() == [1]
    engine.dispose()


def test_old_store_opened_by_the_groundwork_build_is_upgraded_too(tmp_path: Path) -> None:
    # That build (before migrations) added the team tables to an old store with create_all,
    # seeded the local person, and said schema 2, but could not add the org_id columns.
    from sqlalchemy import create_engine

    from matching.records.store import seed_local

    url = _sqlite_v1_url(tmp_path)
    groundwork = create_engine(url)
    team = [metadata.tables[name] for name in ("orgs", "users", "org_members", "case_members")]
    with groundwork.begin() as connection:
        metadata.create_all(connection, tables=team + [metadata.tables["invitations"]])
        metadata.tables["audit_log"].create(connection)
        seed_local(connection)
        connection.execute(text("UPDATE schema_meta SET value = '2'"))
    groundwork.dispose()

    engine = open_engine(url)
    assert _schema_differences(engine) == []
    with engine.connect() as connection:
        leads = connection.execute(select(case_members.c.case_id, case_members.c.role)).all()
        assert connection.execute(select(users.c.id)).scalars().all() == [1]
    assert sorted(leads) == [(1, "lead"), (2, "lead")]
    assert case_records.load_case(engine, 2, actor=LOCAL).title == "Case B, renamed"
    engine.dispose()


def test_an_installed_readybed_carries_every_migration_file() -> None:
    # The migrations are loaded by path, not imported: pyproject.toml must ship them as data.
    import tomllib

    root = Path(__file__).resolve().parents[1]
    package_data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-data"]["matching.records"]
    package = root / "matching" / "records"
    shipped = {path for pattern in package_data for path in package.glob(pattern)}
    present = {
        path
        for path in migrate.MIGRATIONS.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert present and present <= shipped


def test_head_constant_is_the_newest_migration_script() -> None:
    # open_engine compares the store with HEAD without loading Alembic: it must be the head.
    assert migrate.script().get_current_head() == migrate.HEAD


def test_opening_a_current_store_does_not_load_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    open_engine(url).dispose()
    code = (
        "import sys\n"
        "from matching.records.store import open_engine\n"
        f"open_engine({url!r}).dispose()\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'alembic'))\n"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert result.stdout.strip() == "[]"
