"""`python -m matching team new-key|migrate|status` on a real SQLite file, as an operator would."""

from __future__ import annotations

import socket
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, insert, select

from matching.case import Case, TeamMember
from matching.cli.main import main
from matching.errors import StoreError
from matching.records import sealing
from matching.records.calllog import CallReport, log_call
from matching.records.cases import create_case, load_case
from matching.records.store import call_log, cases, open_engine, orgs, users
from matching.records.team import LOCAL, sign_in

ROOT = Path(__file__).resolve().parents[1]
STAMP = datetime(2026, 11, 30, 12, 0)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "matching", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(autouse=True)
def _no_configured_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("READYBED_DB_URL", raising=False)


def test_new_key_prints_a_fresh_key_that_seals_and_opens(capsys):
    assert main(["team", "new-key"]) == 0
    first = capsys.readouterr().out
    assert main(["team", "new-key"]) == 0
    second = capsys.readouterr().out
    assert first.count("\n") == 1 and first != second
    engine = open_engine("sqlite://")
    sealing.bind_keys(engine, [first.strip()])
    stored = sealing.seal(engine, "Dear Sam, we love you.")
    assert "Sam" not in stored
    assert sealing.unseal(engine, stored) == "Dear Sam, we love you."


def test_migrate_creates_a_private_store_and_says_from_which_revision(tmp_path, capsys):
    path = tmp_path / "server" / "readybed.sqlite3"
    url = f"sqlite:///{path}"
    assert main(["team", "migrate", "--db", url]) == 0
    out = capsys.readouterr().out
    assert f"Store {url}:" in out
    assert "migrated from revision none (empty store) to " in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    assert main(["team", "migrate", "--db", url]) == 0
    again = capsys.readouterr().out
    assert "nothing to do" in again and "migrated" not in again


def test_migrate_keeps_every_row_of_an_existing_store(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'readybed.sqlite3'}"
    engine = open_engine(url)
    team = (TeamMember(name="Ana", letter="Dear Sam, I remember the lake."),)
    saved = create_case(engine, Case(title="Sam", loved_one_alias="Sam", team=team), actor=LOCAL)
    log_call(engine, CallReport(facility_id="F1", availability_status="openings"), actor=LOCAL)
    engine.dispose()

    assert main(["team", "migrate", "--db", url]) == 0
    capsys.readouterr()
    engine = open_engine(url)
    try:
        assert saved.id is not None
        assert (
            load_case(engine, saved.id, actor=LOCAL).team[0].letter
            == "Dear Sam, I remember the lake."
        )
        with engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(call_log)).scalar() == 1
    finally:
        engine.dispose()


def test_status_counts_without_naming_anyone(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'readybed.sqlite3'}"
    engine = open_engine(url)
    with engine.begin() as connection:
        created = connection.execute(
            insert(orgs).values(name="Harbor Interventions", created_at=STAMP)
        ).inserted_primary_key
        assert created is not None
        org_id = created[0]
        for email in ("dana@harbor.example", "ana@family.example"):
            connection.execute(
                insert(users).values(email=email, display_name="Dana Reyes", created_at=STAMP)
            )
    create_case(engine, Case(title="Local family"), actor=LOCAL)
    team_case = create_case(
        engine, Case(title="The Rivera family", loved_one_alias="Sam"), actor=LOCAL
    )
    with engine.begin() as connection:
        connection.execute(cases.update().where(cases.c.id == team_case.id).values(org_id=org_id))
    engine.dispose()

    assert main(["team", "status", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "schema at revision " in out
    assert "1 organisation(s), 2 person(s) who signed in, 2 case(s) (1 of them local)" in out
    for personal in ("Harbor", "dana@", "ana@", "Dana", "Rivera", "Sam", "Local family"):
        assert personal not in out


def test_status_of_a_missing_store_exits_2_and_creates_nothing(tmp_path):
    path = tmp_path / "nowhere" / "readybed.sqlite3"
    done = _run("team", "status", "--db", f"sqlite:///{path}")
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: There is no store at {path}")
    assert "team migrate" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not path.parent.exists()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_server_exits_2_in_one_line_without_the_password():
    url = f"postgresql+psycopg://readybed:hunter2@127.0.0.1:{_closed_port()}/readybed"
    done = _run("team", "migrate", "--db", url)
    assert done.returncode == 2
    assert done.stderr.startswith("error: Could not use the store postgresql+psycopg://readybed:")
    assert "hunter2" not in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("url", ["not a url", "nosuchdb://host/db"])
def test_a_url_that_is_no_database_exits_2(url, capsys):
    assert main(["team", "status", "--db", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: The database URL is not one ReadyBed can open")


def test_without_db_the_server_secrets_name_the_store(tmp_path, monkeypatch, capsys):
    path = tmp_path / "from-secrets.sqlite3"
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        f'[readybed]\ndatabase_url = "sqlite:///{path}"\n'
    )
    monkeypatch.chdir(tmp_path)
    assert main(["team", "migrate"]) == 0
    assert f"Store sqlite:///{path}:" in capsys.readouterr().out
    assert path.is_file()

    # The environment variable wins over the file, as for the app.
    other = tmp_path / "from-env.sqlite3"
    monkeypatch.setenv("READYBED_DB_URL", f"sqlite:///{other}")
    assert main(["team", "migrate"]) == 0
    assert other.is_file()


def test_broken_secrets_file_exits_2_naming_it(tmp_path, monkeypatch, capsys):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text("[readybed\n")
    monkeypatch.chdir(tmp_path)
    assert main(["team", "status"]) == 2
    assert "secrets.toml is not valid TOML" in capsys.readouterr().err


def _server_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: list[str]) -> None:
    """Work in a server's app folder whose secrets hold ``keys``."""
    (tmp_path / ".streamlit").mkdir(exist_ok=True)
    listed = ", ".join(f'"{key}"' for key in keys)
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        f"[readybed]\nencryption_keys = [{listed}]\n"
    )
    monkeypatch.chdir(tmp_path)


def _store_with_sealed_notes(url: str, key: str, notes: int) -> None:
    engine = open_engine(url)
    sealing.bind_keys(engine, [key])
    for number in range(notes):
        report = CallReport(
            facility_id=f"F{number}", availability_status="openings", note="Ask for Maria."
        )
        log_call(engine, report, actor=LOCAL)
    engine.dispose()


def _notes(url: str, keys: list[str]) -> list[str]:
    engine = open_engine(url)
    sealing.bind_keys(engine, keys)
    try:
        with engine.connect() as connection:
            stored = connection.execute(select(call_log.c.note)).scalars().all()
        assert all(note.startswith(sealing.PREFIX) for note in stored), "stored in the clear"
        return [sealing.unseal(engine, note) for note in stored]
    finally:
        engine.dispose()


def test_status_checks_every_encrypted_value_opens_with_the_keys(
    db_url, tmp_path, monkeypatch, capsys
):
    url = db_url  # SQLite, then a real PostgreSQL
    old = sealing.generate_key()
    _store_with_sealed_notes(url, old, notes=3)

    _server_folder(tmp_path, monkeypatch, [sealing.generate_key(), old])
    assert main(["team", "status", "--db", url]) == 0
    assert "3 encrypted value(s); 3 open with the configured keys." in capsys.readouterr().out

    # A restored backup checked with the wrong keys: said plainly, exit 2.
    _server_folder(tmp_path, monkeypatch, [sealing.generate_key()])
    assert main(["team", "status", "--db", url]) == 2
    captured = capsys.readouterr()
    assert "3 encrypted value(s); 0 open with the configured keys." in captured.out
    assert captured.err.startswith("error: 3 of 3 encrypted values do not open with the keys")
    assert "Maria" not in captured.out + captured.err


def test_reseal_moves_everything_to_the_first_key(db_url, tmp_path, monkeypatch, capsys):
    url = db_url  # SQLite, then a real PostgreSQL
    old, new = sealing.generate_key(), sealing.generate_key()
    _store_with_sealed_notes(url, old, notes=4)
    with pytest.raises(StoreError, match="could not be opened"):
        _notes(url, [new])

    _server_folder(tmp_path, monkeypatch, [new, old])
    assert main(["team", "reseal", "--db", url]) == 0
    assert "re-encrypted 4 value(s) in 1 table(s) with the first key" in capsys.readouterr().out
    # The old key can now be retired: the new one alone opens everything, nothing changed.
    assert _notes(url, [new]) == ["Ask for Maria."] * 4


def test_reseal_changes_nothing_when_a_value_does_not_open(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'readybed.sqlite3'}"
    old = sealing.generate_key()
    _store_with_sealed_notes(url, old, notes=2)
    engine = open_engine(url)
    with engine.begin() as connection:
        before = connection.execute(select(call_log.c.note)).scalars().all()
    engine.dispose()

    _server_folder(tmp_path, monkeypatch, [sealing.generate_key()])  # the old key was dropped
    assert main(["team", "reseal", "--db", url]) == 2
    assert "could not be opened with the configured keys" in capsys.readouterr().err
    assert _notes(url, [old]) == ["Ask for Maria."] * 2
    engine = open_engine(url)
    with engine.begin() as connection:
        assert connection.execute(select(call_log.c.note)).scalars().all() == before
    engine.dispose()


def test_reseal_without_keys_here_exits_2(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'readybed.sqlite3'}"
    open_engine(url).dispose()
    monkeypatch.chdir(tmp_path)
    assert main(["team", "reseal", "--db", url]) == 2
    assert "No [readybed] encryption_keys in .streamlit/secrets.toml" in capsys.readouterr().err


def test_migrate_and_status_on_an_empty_postgresql_database(postgresql_empty_url, capsys):
    from matching.records.migrate import head

    assert main(["team", "migrate", "--db", postgresql_empty_url]) == 0
    out = capsys.readouterr().out
    assert f"migrated from revision none (empty store) to {head()}." in out
    assert main(["team", "migrate", "--db", postgresql_empty_url]) == 0
    assert "nothing to do" in capsys.readouterr().out

    engine = open_engine(postgresql_empty_url)
    sign_in(engine, email="dana@practice.example", display_name="Dana")
    engine.dispose()
    assert main(["team", "status", "--db", postgresql_empty_url]) == 0
    out = capsys.readouterr().out
    assert f"schema at revision {head()} (up to date)" in out
    assert "1 organisation(s), 1 person(s) who signed in, 0 case(s)" in out
    assert "dana" not in out.lower()


def test_status_says_when_a_store_needs_migrating(tmp_path, capsys):
    from matching.records.migrate import head, upgrade

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    upgrade(engine, to="0001")
    engine.dispose()
    assert main(["team", "status", "--db", url]) == 0
    out = capsys.readouterr().out
    behind = f"(behind: run `python -m matching team migrate` to reach {head()})"
    assert f"schema at revision 0001 {behind}" in out

    assert main(["team", "migrate", "--db", url]) == 0
    assert f"migrated from revision 0001 to {head()}." in capsys.readouterr().out


def test_reseal_refuses_a_store_that_needs_migrating(tmp_path, monkeypatch, capsys):
    from matching.records.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    upgrade(engine, to="0001")
    engine.dispose()
    _server_folder(tmp_path, monkeypatch, [sealing.generate_key()])
    assert main(["team", "reseal", "--db", url]) == 2
    err = capsys.readouterr().err
    assert "is at revision 0001 (behind: run `python -m matching team migrate`" in err
    assert len(err.strip().splitlines()) == 1
