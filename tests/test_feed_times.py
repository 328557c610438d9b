"""A feed cannot outrank real calls by dating its reports in the future or saying "now"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from matching.directory import columns as col
from matching.errors import FacilityDataError
from matching.ingest.availability import read_feed
from matching.ingest.text import parse_report_times
from matching.records.calllog import CallReport, call_history, log_call, log_feed
from matching.records.team import LOCAL

HEADER = "facility_id,availability_status,availability_reported_at,availability_source\n"


def stamp(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_report_23_hours_50_minutes_ahead_is_refused_on_its_row() -> None:
    feed = (
        HEADER
        + f"F-1,openings,{stamp(-timedelta(hours=1))},registry\n"
        + f"F-2,openings,{stamp(timedelta(hours=23, minutes=50))},registry\n"
    )
    with pytest.raises(FacilityDataError) as raised:
        read_feed(feed.encode())
    assert [(p.row, p.column) for p in raised.value.problems] == [(2, col.AVAILABILITY_REPORTED_AT)]
    assert "is in the future" in raised.value.problems[0].message


@pytest.mark.parametrize("word", ["now", "today", "Today", "tomorrow", "yesterday"])
def test_words_for_times_are_refused(word: str) -> None:
    times = parse_report_times(pd.Series([word]))
    assert times["stamp"].isna().all()
    assert "is a word, not a date and time" in times["problem"].iloc[0]


def test_a_clock_a_little_ahead_is_still_accepted() -> None:
    now = pd.Timestamp("2026-11-26T12:00Z")
    times = parse_report_times(pd.Series(["2026-11-26T12:04Z", "2026-11-26T12:06Z"]), now=now)
    assert times["problem"].tolist()[0] == ""
    assert times["problem"].tolist()[1].startswith("is in the future")


def test_a_call_logged_now_is_not_overridden_by_a_future_feed(engine) -> None:
    directory = pd.DataFrame(
        {
            col.FACILITY_ID: ["F-1"],
            col.NAME: ["Harbor Detox"],
            col.STATE: ["MA"],
            col.ZIP: ["02108"],
            col.LAT: [42.35],
            col.LON: [-71.06],
        }
    )
    from matching.directory.schema import coerce_directory

    directory = coerce_directory(directory)
    log_call(
        engine,
        CallReport(facility_id="F-1", availability_status="no_openings", answered_by="nurse"),
        actor=LOCAL,
    )
    future = HEADER + f"F-1,openings,{stamp(timedelta(hours=23, minutes=50))},registry\n"
    with pytest.raises(FacilityDataError):
        log_feed(engine, directory, read_feed(future.encode()), actor=LOCAL)
    history = call_history(engine, "F-1", actor=LOCAL)
    assert history[col.AVAILABILITY_STATUS].tolist() == ["no_openings"]


def test_an_uploaded_feed_has_the_same_size_limit_as_a_file() -> None:
    from matching.ingest.availability import MAX_FEED_BYTES

    huge = HEADER.encode() + b"x" * (MAX_FEED_BYTES + 1)
    with pytest.raises(FacilityDataError, match="is over 50 MB"):
        read_feed(huge)
