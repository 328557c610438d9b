"""Shortlists: named, ordered, annotated, and joined with today's directory for export."""

from __future__ import annotations

import pandas as pd
import pytest
from search_frames import directory, facility

from matching.directory import columns as col
from matching.errors import QueryError
from matching.records.shortlist import (
    DEFAULT_SHORTLIST_NAME,
    add_facilities,
    create_shortlist,
    default_shortlist,
    delete_shortlist,
    list_shortlists,
    move_facility,
    remove_facility,
    set_note,
    shortlist_items_frame,
    shortlist_view,
)
from matching.records.team import LOCAL

TABLE = directory(facility(1), facility(2), facility(3), facility(4))


def _ids(engine, shortlist_id: int) -> list[str]:
    return shortlist_items_frame(engine, shortlist_id, actor=LOCAL)["facility_id"].tolist()


def test_a_default_shortlist_exists_in_a_new_store(engine) -> None:
    assert [s.name for s in list_shortlists(engine, actor=LOCAL)] == [DEFAULT_SHORTLIST_NAME]


def test_adding_keeps_order_and_skips_facilities_already_listed(engine) -> None:
    shortlist = default_shortlist(engine, actor=LOCAL)
    assert add_facilities(engine, shortlist.id, TABLE.iloc[[2, 0]], actor=LOCAL) == 2
    assert add_facilities(engine, shortlist.id, TABLE.iloc[[0, 1]], actor=LOCAL) == 1
    assert _ids(engine, shortlist.id) == ["f003", "f001", "f002"]


def test_move_up_and_down_stops_at_the_ends(engine) -> None:
    shortlist = default_shortlist(engine, actor=LOCAL)
    add_facilities(engine, shortlist.id, TABLE, actor=LOCAL)
    move_facility(engine, shortlist.id, "f003", -1, actor=LOCAL)
    assert _ids(engine, shortlist.id) == ["f001", "f003", "f002", "f004"]
    move_facility(engine, shortlist.id, "f001", -1, actor=LOCAL)
    move_facility(engine, shortlist.id, "f002", +5, actor=LOCAL)
    assert _ids(engine, shortlist.id) == ["f001", "f003", "f004", "f002"]


def test_remove_closes_the_gap_in_positions(engine) -> None:
    shortlist = default_shortlist(engine, actor=LOCAL)
    add_facilities(engine, shortlist.id, TABLE, actor=LOCAL)
    remove_facility(engine, shortlist.id, "f002", actor=LOCAL)
    items = shortlist_items_frame(engine, shortlist.id, actor=LOCAL)
    assert items["position"].tolist() == [1, 2, 3]
    assert items["facility_id"].tolist() == ["f001", "f003", "f004"]


def test_note_is_saved(engine) -> None:
    shortlist = default_shortlist(engine, actor=LOCAL)
    add_facilities(engine, shortlist.id, TABLE.head(1), actor=LOCAL)
    set_note(engine, shortlist.id, "f001", "  asked for Maria in intake ", actor=LOCAL)
    assert shortlist_items_frame(engine, shortlist.id, actor=LOCAL)["note"].tolist() == [
        "asked for Maria in intake"
    ]


def test_shortlists_are_separate_and_names_unique(engine) -> None:
    first = default_shortlist(engine, actor=LOCAL)
    second = create_shortlist(engine, "For Sam", actor=LOCAL)
    add_facilities(engine, second.id, TABLE.head(1), actor=LOCAL)
    assert _ids(engine, first.id) == []
    with pytest.raises(QueryError, match="already exists"):
        create_shortlist(engine, " For  Sam ", actor=LOCAL)


def test_deleting_a_shortlist_deletes_its_items(engine) -> None:
    shortlist = create_shortlist(engine, "Temporary", actor=LOCAL)
    add_facilities(engine, shortlist.id, TABLE, actor=LOCAL)
    delete_shortlist(engine, shortlist.id, actor=LOCAL)
    assert "Temporary" not in [s.name for s in list_shortlists(engine, actor=LOCAL)]
    assert _ids(engine, shortlist.id) == []


def test_view_uses_current_availability_and_keeps_delisted_snapshots(engine) -> None:
    shortlist = default_shortlist(engine, actor=LOCAL)
    with_distance = TABLE.head(2).assign(distance_miles=[1.25, 2.5])
    add_facilities(engine, shortlist.id, with_distance, origin_label="10001", actor=LOCAL)
    today = directory(facility(1, availability_status="openings", beds_open_detox=2))
    view = shortlist_view(shortlist_items_frame(engine, shortlist.id, actor=LOCAL), today)
    assert view["listed"].tolist() == [True, False]
    assert view[col.AVAILABILITY_STATUS].tolist() == ["openings", "unknown"]
    assert view[col.NAME].tolist() == ["Facility 1", "Facility 2"]
    assert view["distance_miles"].tolist() == [1.25, 2.5]
    assert pd.isna(view[col.BEDS_OPEN_DETOX].iloc[1])
