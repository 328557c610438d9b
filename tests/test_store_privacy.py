"""What delete guarantees in the store file, and who may read the store's folder."""

from __future__ import annotations

import sqlite3
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from case_factory import ready_case, team
from sqlalchemy import text

from matching.records import cases as case_records
from matching.records.calllog import CallReport, clear_call_log, log_call
from matching.records.store import open_engine
from matching.records.team import LOCAL

MARKER = "Zanzibar-7731 I love you and I was scared at the wedding"


@pytest.fixture(autouse=True)
def upstream_sqlite_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Behave like SQLite as upstream builds it (secure_delete off), whatever this build says.

    Debian compiles SQLite with SECURE_DELETE on, many others (macOS, python.org, conda) do
    not; the store must not depend on which one the user has.
    """
    connect = sqlite3.connect

    def connect_insecurely(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect_insecurely)
    monkeypatch.setattr(sqlite3.dbapi2, "connect", connect_insecurely)


def test_every_connection_overwrites_deleted_rows(engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar_one() == 1


def test_a_deleted_case_letter_does_not_stay_in_the_file(store_url: str, tmp_path: Path) -> None:
    engine = open_engine(store_url)
    members = tuple(replace(member, letter=MARKER * 20) for member in team())
    stored = case_records.create_case(engine, replace(ready_case(), team=members), actor=LOCAL)
    log_call(
        engine,
        CallReport(facility_id="F1", availability_status="waitlist", note=MARKER),
        actor=LOCAL,
    )
    database = tmp_path / "store" / "readybed.sqlite3"
    engine.dispose()
    assert MARKER.encode() in database.read_bytes()  # the test can see it while it exists

    engine = open_engine(store_url)
    assert stored.id is not None
    case_records.delete_case(engine, stored.id, actor=LOCAL)
    clear_call_log(engine, actor=LOCAL)
    engine.dispose()
    assert MARKER.encode() not in database.read_bytes()


def test_an_existing_readybed_folder_is_tightened_to_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / ".readybed"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    open_engine(f"sqlite:///{folder / 'readybed.sqlite3'}").dispose()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "readybed.sqlite3").stat().st_mode) == 0o600


def test_a_folder_of_the_users_choosing_is_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "shared-drive"
    folder.mkdir()
    folder.chmod(0o755)
    open_engine(f"sqlite:///{folder / 'team.sqlite3'}").dispose()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
