"""The store (SQLite and PostgreSQL): the app's tables, survives reopening; SQLite owner-only."""

from __future__ import annotations

import stat
from pathlib import Path

from search_frames import directory, facility
from sqlalchemy import inspect

from matching.records.shortlist import add_facilities, default_shortlist, shortlist_items_frame
from matching.records.store import default_url, open_engine, schema_version
from matching.records.team import LOCAL


def test_store_url_comes_from_the_environment(db_url: str) -> None:
    assert default_url() == db_url


def test_new_store_file_and_folder_are_owner_only(store_url: str, tmp_path: Path) -> None:
    open_engine(store_url).dispose()
    database = tmp_path / "store" / "readybed.sqlite3"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700


def test_empty_store_gets_the_app_tables_and_a_schema_version(db_engine) -> None:
    tables = set(inspect(db_engine).get_table_names())
    assert {"call_log", "shortlists", "shortlist_items", "directories", "app_settings"} <= tables
    assert schema_version(db_engine) >= 1


def test_shortlist_survives_closing_and_reopening_the_store(db_url: str) -> None:
    first = open_engine(db_url)
    shortlist = default_shortlist(first, actor=LOCAL)
    add_facilities(first, shortlist.id, directory(facility(1), facility(2)), actor=LOCAL)
    first.dispose()

    reopened = open_engine(db_url)
    items = shortlist_items_frame(
        reopened, default_shortlist(reopened, actor=LOCAL).id, actor=LOCAL
    )
    reopened.dispose()
    assert items["facility_id"].tolist() == ["f001", "f002"]
