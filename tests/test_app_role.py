"""The app's database role owns no table (issue 19, point 7), on a real PostgreSQL.

deploy/app-role.sql is run as the README says: the tables are created by their owner
(`readybed`, which runs `team migrate`), the app logs in as `readybed_app`. The app's whole
path works as that role (open the store, sign in, save a case, delete a case with its audit
rows), and it cannot delete, truncate, update or drop its way out of the audit log.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from case_factory import NOW, ready_case
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from matching.records import cases as case_records
from matching.records import sealing, team
from matching.records.store import audit_log, open_engine, org_log

SQL = Path(__file__).resolve().parents[1] / "deploy" / "app-role.sql"
PSQL_DIR = "/usr/lib/postgresql/15/bin:/usr/lib/postgresql/16/bin"
_NUMBERS = itertools.count(1)


def _url(server: object, user: str, dbname: str) -> str:
    return f"postgresql+psycopg://{user}@{server.host}:{server.port}/{dbname}"  # type: ignore[attr-defined]


@pytest.fixture
def roles_database(postgresql_server: object) -> Iterator[tuple[str, str, str]]:
    """A database owned by `readybed`, migrated by it, with deploy/app-role.sql applied.

    Returns the URLs of the owner, the app role and the superuser on that database.
    """
    dbname = f"readybed_roles_{next(_NUMBERS)}"
    superuser = create_engine(
        _url(postgresql_server, postgresql_server.user, "postgres"),  # type: ignore[attr-defined]
        isolation_level="AUTOCOMMIT",
    )
    with superuser.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = 'readybed'")
        ).first()
        if exists is None:
            connection.execute(text("CREATE ROLE readybed LOGIN"))
        connection.execute(text(f"CREATE DATABASE {dbname} OWNER readybed"))
    owner_url = _url(postgresql_server, "readybed", dbname)
    admin_url = _url(postgresql_server, postgresql_server.user, dbname)  # type: ignore[attr-defined]
    try:
        open_engine(owner_url).dispose()  # `team migrate`, as the owner
        _apply_as_compose_does(postgresql_server, dbname)
        yield owner_url, _url(postgresql_server, "readybed_app", dbname), admin_url
    finally:
        with superuser.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)"))
        superuser.dispose()


def _apply_as_compose_does(server: object, dbname: str) -> None:
    """Run compose's `app-role` command (psql, app-role.sql, the password) on ``dbname``."""
    yaml = pytest.importorskip("yaml")
    psql = shutil.which("psql") or shutil.which("psql", path=PSQL_DIR)
    if psql is None:
        pytest.skip("psql is not installed here")
    compose = yaml.safe_load((SQL.parent / "compose.yaml").read_text("utf-8"))
    command = compose["services"]["app-role"]["command"][2]
    command = command.replace("$$", "$").replace("/app-role.sql", str(SQL))
    env = {
        "PATH": f"{Path(psql).parent}:/usr/bin:/bin",
        "PGHOST": server.host,  # type: ignore[attr-defined]
        "PGPORT": str(server.port),  # type: ignore[attr-defined]
        "PGUSER": server.user,  # type: ignore[attr-defined]
        "PGDATABASE": dbname,
        "APP_PASSWORD": "apppassword0123",
    }
    done = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _refused(engine, statement: str) -> str:
    with pytest.raises(DBAPIError) as caught, engine.begin() as connection:
        connection.execute(text(statement))
    return str(caught.value.orig)


def test_the_app_role_cannot_delete_truncate_or_drop_the_audit_log(roles_database) -> None:
    _owner_url, app_url, admin_url = roles_database
    key = sealing.generate_key()
    # At head, the app role opens the store, and the unit's `team migrate`, without any DDL.
    from matching.cli.main import main

    assert main(["team", "migrate", "--db", app_url]) == 0
    app = open_engine(app_url)
    try:
        sealing.bind_keys(app, [key])
        lead = team.sign_in(app, email="pat@example.org", issuer="https://idp", subject="pat")
        kept = case_records.create_case(app, ready_case(NOW), actor=lead)
        gone = case_records.create_case(app, replace(ready_case(NOW), title="Gone"), actor=lead)
        assert kept.id is not None and gone.id is not None
        case_records.save_case(
            app, replace(kept, title="Renamed"), expected_version=kept.version, now=NOW, actor=lead
        )
        # Deleting a case takes its audit rows with it, and the organisation log records it.
        assert case_records.delete_case(app, gone.id, now=NOW, actor=lead) >= 1
        with app.connect() as connection:
            before = connection.execute(select(func.count()).select_from(audit_log)).scalar_one()
            org_rows = connection.execute(select(func.count()).select_from(org_log)).scalar_one()
        assert before >= 1 and org_rows == 1

        refusals = {
            statement: _refused(app, statement)
            for statement in (
                "DELETE FROM audit_log",
                "TRUNCATE audit_log",
                "TRUNCATE org_log",
                "UPDATE audit_log SET action = 'nothing happened'",
                "DELETE FROM org_log",
                "DROP TRIGGER audit_log_keep ON audit_log",
                "DROP TRIGGER audit_log_append_only ON audit_log",
                "ALTER TABLE audit_log DISABLE TRIGGER ALL",
                "DROP TABLE audit_log",
                "UPDATE alembic_version SET version_num = '0001'",
                "CREATE TABLE scratch (id integer)",
            )
        }
        # The DELETE reaches the trigger (the app deletes a case's rows with the case); the rest
        # are refused by the privileges themselves, before any trigger.
        assert "deleted only with their case" in refusals.pop("DELETE FROM audit_log")
        for statement, reason in refusals.items():
            assert "permission denied" in reason or "must be owner" in reason, (statement, reason)
        with app.connect() as connection:
            after = connection.execute(select(func.count()).select_from(audit_log)).scalar_one()
            owner = connection.execute(
                text("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log'")
            ).scalar_one()
        assert (after, owner) == (before, "readybed")
    finally:
        app.dispose()
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            has_password = connection.execute(
                text("SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = 'readybed_app'")
            ).scalar_one()
        assert has_password  # compose gave the role its password
    finally:
        admin.dispose()


def test_the_app_role_cannot_migrate_and_says_who_can(roles_database, capsys) -> None:
    """A schema behind the code: the app role's `team migrate` and the app's open say to run
    it as the tables' owner (a sentence, exit 2), and change nothing."""
    from matching.cli.main import main
    from matching.errors import StoreError

    owner_url, app_url, _admin_url = roles_database
    owner = create_engine(owner_url)
    with owner.begin() as connection:  # as if the code had moved on by one revision
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        connection.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    owner.dispose()
    assert main(["team", "migrate", "--db", app_url]) == 2
    said = capsys.readouterr().err
    assert "may not change it" in said and "team migrate --db" in said, said
    with pytest.raises(StoreError, match="the tables' owner's URL"):
        open_engine(app_url)
    owner = create_engine(owner_url)
    with owner.connect() as connection:  # nothing changed: still the revision left behind
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == (
            "0003"
        )
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
        connection.commit()
    owner.dispose()
    assert main(["team", "migrate", "--db", app_url]) == 0  # at head: nothing to do
