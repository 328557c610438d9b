"""One contact history per facility: what Placement confirms reaches Search and the Shortlist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

import pytest
from search_frames import ORIGIN, directory, facility

from matching.case import pipeline
from matching.directory import columns as col
from matching.records import sharing
from matching.records.calllog import call_history, log_call, overlay_call_log
from matching.records.team import LOCAL
from matching.search.engine import search
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery

NOW = datetime.now(UTC).replace(microsecond=0)  # set again at each test's start (below)


@pytest.fixture(autouse=True)
def _now_is_the_tests_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """NOW is the time the test starts, not the time the module was collected (minutes ago)."""
    monkeypatch.setitem(globals(), "NOW", datetime.now(UTC).replace(microsecond=0))


def _placement(facility_id: str) -> pipeline.Placement:
    snapshot = pipeline.FacilitySnapshot(facility_id=facility_id, name=f"Facility {facility_id}")
    return pipeline.new_placement(snapshot, now=NOW - timedelta(hours=2))


def _confirm(
    engine,
    facility_id: str,
    beds: int,
    bed_type: Literal["detox", "residential", "other"] = "detox",
):
    availability = pipeline.Availability(
        beds_open=beds, bed_type=bed_type, confirmed_by="nurse Ana", confirmed_at=NOW
    )
    return sharing.confirm_and_share(
        engine, _placement(facility_id), availability, now=NOW, actor=LOCAL
    )


def test_confirmed_bed_on_placement_reaches_the_call_log(engine) -> None:
    placement = _confirm(engine, "f002", 3)
    assert placement.stage == "availability_confirmed"
    history = call_history(engine, "f002", actor=LOCAL)
    assert history[col.AVAILABILITY_STATUS].tolist() == ["openings"]
    assert history[col.BEDS_OPEN_DETOX].tolist() == [3]
    assert history["answered_by"].tolist() == ["nurse Ana"]
    assert "Placement" in history["note"].iloc[0]


def test_confirmed_bed_ranks_the_facility_first_on_search(engine) -> None:
    detox = {col.DETOX_COLUMNS[0]: True}
    base = directory(facility(1, miles=1.0, **detox), facility(2, miles=3.0, **detox))
    query = SearchQuery(origin=ORIGIN, radius_miles=25.0, min_beds=1, detox="any")
    assert search(FacilityIndex(base), query, now=NOW).empty  # nothing reported yet

    _confirm(engine, "f002", 2)
    shown = overlay_call_log(base, engine, actor=LOCAL)
    results = search(FacilityIndex(shown), query, now=NOW)
    assert results[col.FACILITY_ID].tolist() == ["f002"]
    assert results[col.AVAILABILITY_SOURCE].iloc[0] == "phone call logged by you"


def test_zero_beds_is_reported_as_no_openings(engine) -> None:
    _confirm(engine, "f001", 0, bed_type="residential")
    assert call_history(engine, "f001", actor=LOCAL)[col.AVAILABILITY_STATUS].tolist() == [
        "no_openings"
    ]


def test_waitlist_is_shared_but_a_decline_is_not(engine) -> None:
    sharing.close_and_share(
        engine,
        _placement("f001"),
        stage="waitlisted",
        reason="two weeks out",
        now=NOW,
        actor=LOCAL,
    )
    sharing.close_and_share(
        engine,
        _placement("f002"),
        stage="declined",
        reason="no Medicaid",
        now=NOW,
        actor=LOCAL,
    )
    history = call_history(engine, actor=LOCAL)
    assert history[col.FACILITY_ID].tolist() == ["f001"]
    assert history[col.AVAILABILITY_STATUS].tolist() == ["waitlist"]


def test_a_newer_search_call_wins_over_an_older_placement_confirmation(engine) -> None:
    from matching.records.calllog import CallReport

    _confirm(engine, "f001", 2)
    later = CallReport(
        facility_id="f001",
        availability_status="no_openings",
        reported_at=NOW + timedelta(minutes=5),
    )
    log_call(engine, later, now=NOW + timedelta(minutes=5), actor=LOCAL)
    shown = overlay_call_log(directory(facility(1)), engine, actor=LOCAL)
    assert shown[col.AVAILABILITY_STATUS].tolist() == ["no_openings"]
