"""The directory library: imported listings are saved, chosen and survive a restart."""

from __future__ import annotations

import stat

import pytest
from search_frames import directory, facility

from matching.errors import StoreError
from matching.records.library import (
    DEFAULT_KEY,
    DEMO_KEY,
    active_entry,
    delete_directory,
    list_directories,
    load_entry,
    save_import,
    set_active,
)
from matching.records.store import open_engine
from matching.records.team import LOCAL

TABLE = directory(facility(1), facility(2))


def test_demo_is_active_in_a_new_store(engine) -> None:
    assert active_entry(engine, actor=LOCAL).key == DEMO_KEY


def test_without_demo_mode_the_shipped_national_directory_is_active(
    engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("READYBED_DEMO")
    entry = active_entry(engine, actor=LOCAL)
    assert entry.key == DEFAULT_KEY and not entry.is_demo and entry.is_builtin
    assert "National Directory 2023" in entry.name
    frame = load_entry(entry)
    assert len(frame) == 12_744 and frame["source"].eq("SAMHSA National Directory 2023").all()
    assert [e.key for e in list_directories(engine, actor=LOCAL)][:2] == [DEFAULT_KEY, DEMO_KEY]


def test_built_in_directories_cannot_be_deleted(engine) -> None:
    for key in (DEMO_KEY, DEFAULT_KEY):
        with pytest.raises(StoreError, match="built in"):
            delete_directory(engine, key, actor=LOCAL)


def test_saved_import_is_listed_and_reads_back_equal(engine) -> None:
    entry = save_import(engine, TABLE, name="NY listing.csv", format="generic-csv", actor=LOCAL)
    assert [e.key for e in list_directories(engine, actor=LOCAL)] == [
        DEMO_KEY,
        DEFAULT_KEY,
        entry.key,
    ]
    assert load_entry(entry)["facility_id"].tolist() == ["f001", "f002"]
    assert stat.S_IMODE(entry.path.stat().st_mode) == 0o600


def test_active_choice_survives_reopening_the_store(store_url: str) -> None:
    first = open_engine(store_url)
    entry = save_import(first, TABLE, name="listing", format="generic-csv", actor=LOCAL)
    set_active(first, entry.key, actor=LOCAL)
    first.dispose()
    assert active_entry(open_engine(store_url), actor=LOCAL).key == entry.key


def test_active_falls_back_to_demo_when_its_file_is_gone(engine) -> None:
    entry = save_import(engine, TABLE, name="listing", format="generic-csv", actor=LOCAL)
    set_active(engine, entry.key, actor=LOCAL)
    entry.path.unlink()
    assert active_entry(engine, actor=LOCAL).key == DEMO_KEY


def test_deleting_the_active_listing_makes_demo_active(engine) -> None:
    entry = save_import(engine, TABLE, name="listing", format="generic-csv", actor=LOCAL)
    set_active(engine, entry.key, actor=LOCAL)
    delete_directory(engine, entry.key, actor=LOCAL)
    assert active_entry(engine, actor=LOCAL).key == DEMO_KEY
    assert not entry.path.exists()


def test_unknown_directory_cannot_be_made_active(engine) -> None:
    with pytest.raises(StoreError, match="not in the store"):
        set_active(engine, "42", actor=LOCAL)
