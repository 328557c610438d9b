"""deploy/README.md's backup and restore, run as written against a real PostgreSQL.

`pg_dump -Fc` of a team store, `pg_restore` into a new database: the restored copy opens with
the key and only with it, and the dump holds what families typed only encrypted.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from postgres_support import pg_ctl_path
from sqlalchemy.engine import make_url

from matching.case import Case, TeamMember
from matching.cli.main import main
from matching.errors import StoreError
from matching.records import sealing
from matching.records.calllog import CallReport, log_call
from matching.records.cases import create_case, load_case
from matching.records.store import open_engine
from matching.records.team import Actor, sign_in

LETTER = "Sam, I remember the lake house. We love you and a bed is ready today."
NOTE = "Ask for Maria at intake, she knows the family."


def _client(program: str) -> str:
    """Return a PostgreSQL client program of the same version as the test server."""
    pg_ctl = pg_ctl_path()
    assert pg_ctl is not None
    return str(Path(pg_ctl).resolve().parent / program)


def _pg(server: object, program: str, *args: str) -> subprocess.CompletedProcess[str]:
    where = ["-h", server.host, "-p", str(server.port), "-U", server.user]  # type: ignore[attr-defined]
    return subprocess.run(
        [_client(program), *where, *args], check=True, capture_output=True, text=True, timeout=120
    )


def _team_store(url: str, key: str) -> tuple[int, Actor]:
    engine = open_engine(url)
    sealing.bind_keys(engine, [key])
    lead = sign_in(engine, email="dana@practice.example", display_name="Dana")
    team = (TeamMember(name="Ana", relationship="sister", letter=LETTER),)
    case = create_case(engine, Case(title="Rivera", loved_one_alias="Sam", team=team), actor=lead)
    report = CallReport(facility_id="F1", availability_status="openings", note=NOTE)
    log_call(engine, report, actor=lead)
    engine.dispose()
    return int(case.id or 0), lead


def test_dump_and_restore_as_the_readme_says(
    postgresql_server, postgresql_empty_url, tmp_path, monkeypatch, capsys
):
    key = sealing.generate_key()
    case_id, lead = _team_store(postgresql_empty_url, key)
    source = make_url(postgresql_empty_url)
    dump = tmp_path / "readybed.dump"
    _pg(postgresql_server, "pg_dump", "-Fc", f"--dbname={source.database}", f"--file={dump}")

    # Everything the dump holds, as SQL: the typed text only encrypted, the accounts in clear.
    script = subprocess.run(
        [_client("pg_restore"), "--file=-", str(dump)], check=True, capture_output=True, text=True
    ).stdout
    assert sealing.PREFIX in script and "dana@practice.example" in script
    assert "lake house" not in script and "Maria" not in script

    restored = f"{source.database}_restore"
    _pg(postgresql_server, "createdb", restored)
    try:
        _pg(postgresql_server, "pg_restore", "--no-owner", f"--dbname={restored}", str(dump))
        url = source.set(database=restored).render_as_string(hide_password=False)
        engine = open_engine(url)
        try:
            with pytest.raises(StoreError, match="no encryption key is configured"):
                load_case(engine, case_id, actor=lead)
            sealing.bind_keys(engine, [key])
            assert load_case(engine, case_id, actor=lead).team[0].letter == LETTER
        finally:
            engine.dispose()

        (tmp_path / ".streamlit").mkdir()
        (tmp_path / ".streamlit" / "secrets.toml").write_text(
            f'[readybed]\nencryption_keys = ["{key}"]\n'
        )
        monkeypatch.chdir(tmp_path)
        assert main(["team", "status", "--db", url]) == 0
        out = capsys.readouterr().out
        assert "1 organisation(s), 1 person(s) who signed in, 1 case(s) (0 of them local)" in out
        assert "open with the configured keys" in out and "Rivera" not in out
    finally:
        _pg(postgresql_server, "dropdb", "--force", "--if-exists", restored)
