"""Cases in the store (a real SQLite file, a real PostgreSQL): round trips, versions, conflicts."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from case_factory import NOW, ready_case
from sqlalchemy import inspect, text

from matching.case import CaseFormatError, case_to_json
from matching.errors import ConflictError, StoreError
from matching.records import cases as case_records
from matching.records.store import SCHEMA_VERSION, open_engine, schema_version
from matching.records.team import LOCAL


def test_schema_is_created_on_an_empty_file(tmp_path):
    engine = open_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    tables = set(inspect(engine).get_table_names())
    assert {"cases", "case_placements", "case_contact_log"} <= tables
    assert schema_version(engine) == SCHEMA_VERSION
    engine.dispose()


def test_created_case_round_trips_through_the_store(db_engine):
    created = case_records.create_case(db_engine, ready_case(), now=NOW, actor=LOCAL)
    assert (created.id is not None, created.version) == (True, 1)
    assert created.id is not None
    assert case_records.load_case(db_engine, created.id, actor=LOCAL) == created


def test_round_trip_survives_reopening_the_store(db_url):
    url = db_url
    first = open_engine(url)
    created = case_records.create_case(first, ready_case(), now=NOW, actor=LOCAL)
    first.dispose()
    second = open_engine(url)
    assert created.id is not None
    assert case_records.load_case(second, created.id, actor=LOCAL) == created
    second.dispose()


def test_save_bumps_the_version(db_engine):
    created = case_records.create_case(db_engine, ready_case(), now=NOW, actor=LOCAL)
    saved = case_records.save_case(
        db_engine, replace(created, title="Renamed"), now=NOW, actor=LOCAL
    )
    assert saved.version == 2
    assert created.id is not None
    assert case_records.load_case(db_engine, created.id, actor=LOCAL).title == "Renamed"


def test_two_writers_on_one_case_lose_no_update(db_engine):
    created = case_records.create_case(db_engine, ready_case(), now=NOW, actor=LOCAL)
    assert created.id is not None
    window_a = case_records.load_case(db_engine, created.id, actor=LOCAL)
    assert created.id is not None
    window_b = case_records.load_case(db_engine, created.id, actor=LOCAL)
    case_records.save_case(db_engine, replace(window_a, title="A's title"), now=NOW, actor=LOCAL)
    with pytest.raises(ConflictError, match="changed in another window"):
        case_records.save_case(
            db_engine, replace(window_b, title="B's title"), now=NOW, actor=LOCAL
        )
    assert created.id is not None
    assert case_records.load_case(db_engine, created.id, actor=LOCAL).title == "A's title"


def test_writer_who_reloads_after_a_conflict_can_save(db_engine):
    created = case_records.create_case(db_engine, ready_case(), now=NOW, actor=LOCAL)
    case_records.save_case(db_engine, replace(created, title="A"), now=NOW, actor=LOCAL)
    assert created.id is not None
    fresh = case_records.load_case(db_engine, created.id, actor=LOCAL)
    saved = case_records.save_case(
        db_engine, replace(fresh, loved_one_alias="Jay"), now=NOW, actor=LOCAL
    )
    assert created.id is not None
    assert (saved.version, case_records.load_case(db_engine, created.id, actor=LOCAL).title) == (
        3,
        "A",
    )


def test_saving_a_deleted_case_says_so(db_engine):
    created = case_records.create_case(db_engine, ready_case(), now=NOW, actor=LOCAL)
    assert created.id is not None
    case_records.delete_case(db_engine, created.id, actor=LOCAL)
    with pytest.raises(StoreError, match="deleted"):
        case_records.save_case(db_engine, created, now=NOW, actor=LOCAL)


def count_rows(db_engine, case_id):
    with db_engine.connect() as connection:
        return {
            table: connection.execute(
                text(f"SELECT COUNT(*) FROM {table} WHERE {column} = :id"), {"id": case_id}
            ).scalar_one()
            for table, column in (
                ("cases", "id"),
                ("case_placements", "case_id"),
                ("case_contact_log", "case_id"),
            )
        }


def test_delete_really_deletes_every_row(db_engine):
    kept = case_records.create_case(db_engine, ready_case(), now=NOW, actor=LOCAL)
    doomed = case_records.create_case(db_engine, ready_case(), now=NOW, actor=LOCAL)
    assert count_rows(db_engine, doomed.id)["case_contact_log"] > 0
    assert doomed.id is not None
    case_records.delete_case(db_engine, doomed.id, actor=LOCAL)
    assert count_rows(db_engine, doomed.id) == {
        "cases": 0,
        "case_placements": 0,
        "case_contact_log": 0,
    }
    assert kept.id is not None
    assert case_records.load_case(db_engine, kept.id, actor=LOCAL) == kept


def test_contact_log_is_stored_in_its_own_table_with_times(db_engine):
    created = case_records.create_case(db_engine, ready_case(), now=NOW, actor=LOCAL)
    with db_engine.connect() as connection:
        rows = connection.execute(
            text("SELECT stage, at FROM case_contact_log WHERE case_id = :id ORDER BY id"),
            {"id": created.id},
        ).all()
    assert [row.stage for row in rows[:3]] == ["shortlisted", "called", "availability_confirmed"]


def test_list_cases_shows_every_case(db_engine):
    first = case_records.create_case(
        db_engine, replace(ready_case(), title="Family A"), now=NOW, actor=LOCAL
    )
    second = case_records.create_case(
        db_engine, replace(ready_case(), title="Family B"), now=NOW, actor=LOCAL
    )
    listed = {
        summary.id: summary.title for summary in case_records.list_cases(db_engine, actor=LOCAL)
    }
    assert listed == {first.id: "Family A", second.id: "Family B"}


def test_import_creates_a_new_case(db_engine):
    original = case_records.create_case(db_engine, ready_case(), now=NOW, actor=LOCAL)
    imported = case_records.import_case(
        db_engine, case_to_json(original, now=NOW), now=NOW, actor=LOCAL
    )
    assert imported.id != original.id
    assert replace(imported, id=original.id) == original


def test_bad_import_changes_nothing_in_the_store(db_engine):
    case_records.create_case(db_engine, ready_case(), now=NOW, actor=LOCAL)
    document = json.loads(case_to_json(ready_case(), now=NOW))
    document["case"]["team"] = "everyone"
    before = count_rows(db_engine, 1), case_records.count_cases(db_engine, actor=LOCAL)
    with pytest.raises(CaseFormatError, match="team: expected a list"):
        case_records.import_case(db_engine, json.dumps(document), now=NOW, actor=LOCAL)
    assert (count_rows(db_engine, 1), case_records.count_cases(db_engine, actor=LOCAL)) == before


def test_loading_a_missing_case_is_a_clear_error(db_engine):
    with pytest.raises(StoreError, match="Case 42 does not exist"):
        case_records.load_case(db_engine, 42, actor=LOCAL)


def test_concurrent_saves_of_one_version_let_exactly_one_win(db_engine):
    created = case_records.create_case(db_engine, ready_case(), now=NOW, actor=LOCAL)

    def attempt(title):
        try:
            case_records.save_case(db_engine, replace(created, title=title), now=NOW, actor=LOCAL)
        except ConflictError:
            return None
        return title

    with ThreadPoolExecutor(max_workers=4) as pool:
        winners = [t for t in pool.map(attempt, [f"writer {i}" for i in range(4)]) if t]
    assert len(winners) == 1
    assert created.id is not None
    stored = case_records.load_case(db_engine, created.id, actor=LOCAL)
    assert (stored.title, stored.version) == (winners[0], 2)
