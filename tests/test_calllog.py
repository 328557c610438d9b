"""The call log: logged calls persist, become availability history, and win over older data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from search_frames import directory, facility

from matching.directory import columns as col
from matching.errors import QueryError
from matching.records.calllog import (
    CallReport,
    call_history,
    clear_call_log,
    latest_reports,
    log_call,
    log_feed,
    overlay_call_log,
    overlay_log,
    revision,
)
from matching.records.store import open_engine
from matching.records.team import LOCAL

NOW = datetime.now(UTC).replace(microsecond=0)  # set again at each test's start (below)


@pytest.fixture(autouse=True)
def _now_is_the_tests_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """NOW is the time the test starts, not the time the module was collected (minutes ago)."""
    monkeypatch.setitem(globals(), "NOW", datetime.now(UTC).replace(microsecond=0))


def _call(facility_id: str = "f001", **values) -> CallReport:
    base: dict[str, Any] = {
        "facility_id": facility_id,
        "availability_status": "openings",
        "beds_open_detox": 2,
        "reported_at": NOW - timedelta(hours=1),
    }
    return CallReport(**(base | values))


def test_logged_call_is_kept_after_reopening_the_store(db_url: str) -> None:
    first = open_engine(db_url)
    log_call(first, _call(answered_by="intake nurse", note="call back at 6"), actor=LOCAL)
    first.dispose()

    reopened = open_engine(db_url)
    history = call_history(reopened, "f001", actor=LOCAL)
    reopened.dispose()
    assert history[["answered_by", "note"]].iloc[0].tolist() == ["intake nurse", "call back at 6"]
    assert history["reported_at"].iloc[0] == pd.Timestamp(NOW - timedelta(hours=1))


def test_call_source_names_who_logged_it(db_engine) -> None:
    log_call(db_engine, _call(logged_by="Dana"), actor=LOCAL)
    log_call(db_engine, _call("f002"), actor=LOCAL)
    sources = dict(
        zip(
            *[call_history(db_engine, actor=LOCAL)[c] for c in ("facility_id", "source")],
            strict=True,
        )
    )
    assert sources == {"f001": "phone call logged by Dana", "f002": "phone call logged by you"}


def test_history_lists_newest_report_first(db_engine) -> None:
    log_call(
        db_engine,
        _call(reported_at=NOW - timedelta(hours=5), availability_status="waitlist"),
        actor=LOCAL,
    )
    log_call(db_engine, _call(reported_at=NOW - timedelta(hours=1)), actor=LOCAL)
    log_call(
        db_engine,
        _call(reported_at=NOW - timedelta(hours=3), availability_status="no_openings"),
        actor=LOCAL,
    )
    statuses = call_history(db_engine, "f001", actor=LOCAL)["availability_status"].tolist()
    assert statuses == ["openings", "no_openings", "waitlist"]


def test_latest_report_per_facility_is_the_newest_not_the_last_logged(db_engine) -> None:
    log_call(db_engine, _call(reported_at=NOW - timedelta(hours=1), beds_open_detox=4), actor=LOCAL)
    log_call(db_engine, _call(reported_at=NOW - timedelta(hours=9), beds_open_detox=0), actor=LOCAL)
    latest = latest_reports(db_engine, actor=LOCAL)
    assert len(latest) == 1
    assert latest[col.BEDS_OPEN_DETOX].iloc[0] == 4


def test_overlay_shows_the_logged_call_in_the_directory(db_engine) -> None:
    table = directory(facility(1), facility(2))
    log_call(db_engine, _call(beds_open_detox=3), actor=LOCAL)
    overlaid = overlay_call_log(table, db_engine, actor=LOCAL)
    row = overlaid.set_index(col.FACILITY_ID).loc["f001"]
    assert (row[col.BEDS_OPEN_DETOX], row[col.AVAILABILITY_STATUS]) == (3, "openings")
    assert row[col.AVAILABILITY_SOURCE] == "phone call logged by you"
    assert table[col.AVAILABILITY_STATUS].eq("unknown").all()  # input untouched


def test_overlay_never_replaces_newer_directory_availability(db_engine) -> None:
    newer = facility(
        1,
        availability_status="no_openings",
        availability_reported_at=NOW,
        beds_open_detox=0,
        availability_source="state registry",
    )
    log_call(db_engine, _call(reported_at=NOW - timedelta(hours=2), beds_open_detox=5), actor=LOCAL)
    overlaid = overlay_call_log(directory(newer), db_engine, actor=LOCAL)
    assert overlaid[col.AVAILABILITY_STATUS].iloc[0] == "no_openings"


def test_revision_changes_when_a_call_is_logged(db_engine) -> None:
    before = revision(db_engine, actor=LOCAL)
    log_call(db_engine, _call(), actor=LOCAL)
    assert revision(db_engine, actor=LOCAL) != before


def test_feed_rows_matched_by_name_and_zip_are_logged(db_engine) -> None:
    table = directory(facility(1), facility(2))
    feed = pd.DataFrame(
        {
            col.NAME: ["Facility 2", "Nowhere Clinic"],
            col.ZIP: ["10001", "10001"],
            col.BEDS_OPEN_DETOX: [1, 2],
            col.BEDS_OPEN_RESIDENTIAL: [pd.NA, pd.NA],
            col.AVAILABILITY_STATUS: ["openings", "openings"],
            col.AVAILABILITY_REPORTED_AT: [pd.Timestamp(NOW)] * 2,
            col.AVAILABILITY_SOURCE: ["county feed", "county feed"],
        }
    )
    report = log_feed(db_engine, table, feed, actor=LOCAL)
    assert len(report.unmatched) == 1
    assert call_history(db_engine, actor=LOCAL)[["facility_id", "source"]].values.tolist() == [
        ["f002", "county feed"]
    ]


@pytest.mark.parametrize(
    "values, words",
    [
        ({"availability_status": "open"}, "not one of"),
        ({"beds_open_detox": -1}, "between 0"),
        ({"reported_at": datetime(2026, 11, 26, 9, 0)}, "time zone"),
        ({"reported_at": NOW + timedelta(days=1)}, "future"),
        ({"facility_id": " "}, "name the facility"),
    ],
)
def test_bad_call_is_refused_with_a_sentence(values: dict, words: str) -> None:
    with pytest.raises(QueryError, match=words):
        _call(**values)


def test_clearing_the_log_deletes_every_report(db_engine) -> None:
    log_call(db_engine, _call(), actor=LOCAL)
    log_call(db_engine, _call("f002"), actor=LOCAL)
    assert clear_call_log(db_engine, actor=LOCAL) == 2
    assert call_history(db_engine, actor=LOCAL).empty


def test_revision_differs_after_clearing_and_logging_again(db_engine) -> None:
    log_call(db_engine, _call(), now=NOW - timedelta(minutes=5), actor=LOCAL)
    first = revision(db_engine, actor=LOCAL)
    clear_call_log(db_engine, actor=LOCAL)
    assert revision(db_engine, actor=LOCAL) == ""
    log_call(db_engine, _call("f002"), now=NOW, actor=LOCAL)
    assert revision(db_engine, actor=LOCAL) not in ("", first)


# --- Extending an overlay by the calls logged since (issue 23: a call save re-reads one
# facility's reports, not the whole log) ---------------------------------------------------


def _same_overlay(extended: pd.DataFrame, anew: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(extended.reset_index(drop=True), anew.reset_index(drop=True))


def test_extended_overlay_equals_the_log_applied_anew(db_engine) -> None:
    """Calls after the first overlay (a newer one, a backdated one, an MOUD answer, a call
    that says nothing new) give what reading the whole log again gives."""
    newer = facility(
        3,
        availability_status="no_openings",
        availability_reported_at=NOW,
        beds_open_detox=0,
        availability_source="state registry",
    )
    table = directory(facility(1), facility(2), newer, facility(4))
    log_call(db_engine, _call(beds_open_detox=1, moud_continues="yes"), actor=LOCAL)
    log_call(db_engine, _call("f002", reported_at=NOW - timedelta(hours=2)), actor=LOCAL)
    first = overlay_log(table, db_engine, actor=LOCAL)
    assert (first.calls, first.extended) == (2, False)

    later = [
        _call(beds_open_detox=4, reported_at=NOW - timedelta(minutes=5)),  # newer: wins
        _call("f002", beds_open_detox=7, reported_at=NOW - timedelta(hours=5)),  # backdated
        _call("f003", beds_open_detox=9, reported_at=NOW - timedelta(hours=1)),  # registry newer
        _call("f004", availability_status="no_openings", moud_continues="no"),
        _call("no-such-facility"),  # a facility of another directory: read, applied nowhere
    ]
    for report in later:
        log_call(db_engine, report, actor=LOCAL)
    extended = overlay_log(table, db_engine, actor=LOCAL, since=first)

    assert (extended.calls, extended.extended) == (7, True)
    _same_overlay(extended.frame, overlay_call_log(table, db_engine, actor=LOCAL))
    rows = extended.frame.set_index(col.FACILITY_ID)
    assert rows.loc["f001", col.BEDS_OPEN_DETOX] == 4
    assert rows.loc["f001", "moud_continues"] == "yes"  # the older call's answer still holds
    assert rows.loc["f002", col.AVAILABILITY_STATUS] == "openings"  # the newer call kept
    assert rows.loc["f003", col.AVAILABILITY_SOURCE] == "state registry"
    assert rows.loc["f004", "moud_continues"] == "no"
    assert first.frame.set_index(col.FACILITY_ID).loc["f001", col.BEDS_OPEN_DETOX] == 1


def test_overlay_with_no_new_call_is_the_same_overlay(db_engine) -> None:
    table = directory(facility(1))
    log_call(db_engine, _call(), actor=LOCAL)
    first = overlay_log(table, db_engine, actor=LOCAL)
    assert overlay_log(table, db_engine, actor=LOCAL, since=first) is first


def test_overlay_after_the_log_was_cleared_is_read_anew(db_engine) -> None:
    """A cleared log, even one refilled to the same number of calls, is never extended: the
    cleared calls would otherwise stay in the results."""
    table = directory(facility(1), facility(2))
    log_call(db_engine, _call(beds_open_detox=5), now=NOW - timedelta(minutes=9), actor=LOCAL)
    first = overlay_log(table, db_engine, actor=LOCAL)
    clear_call_log(db_engine, actor=LOCAL)
    log_call(db_engine, _call("f002", beds_open_detox=1), now=NOW, actor=LOCAL)
    again = overlay_log(table, db_engine, actor=LOCAL, since=first)

    assert not again.extended
    rows = again.frame.set_index(col.FACILITY_ID)
    assert rows.loc["f001", col.AVAILABILITY_STATUS] == "unknown"
    assert rows.loc["f002", col.BEDS_OPEN_DETOX] == 1
