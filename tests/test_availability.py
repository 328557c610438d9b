"""Availability feed: validation, matching by id or name+ZIP, latest report wins."""

from __future__ import annotations

import pandas as pd
import pytest

from matching.directory import columns as col
from matching.directory.schema import coerce_directory
from matching.errors import FacilityDataError
from matching.ingest.availability import apply_reports, merge_feed_file, read_feed

FEED_HEADER = (
    "facility_id,name,zip,beds_open_detox,beds_open_residential,availability_status,"
    "availability_reported_at,availability_source\n"
)


def _directory() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            col.FACILITY_ID: ["F-1", "F-2", "F-3", "F-4"],
            col.NAME: ["Harbor Detox", "Lakeside Detox", "Twin House", "Twin House"],
            col.STATE: ["MA", "MA", "MA", "MA"],
            col.ZIP: ["02108", "01234", "02110", "02110"],
            col.LAT: [42.35, 42.1, 42.36, 42.37],
            col.LON: [-71.06, -71.2, -71.05, -71.04],
        }
    )
    return coerce_directory(frame)


def _reports(*rows: str) -> pd.DataFrame:
    return read_feed((FEED_HEADER + "\n".join(rows) + "\n").encode())


def test_read_feed_parses_types(fixtures):
    feed = read_feed(fixtures / "feed_reports.csv")
    assert feed[col.BEDS_OPEN_DETOX].dtype == "Int64"
    assert feed[col.AVAILABILITY_STATUS].tolist()[:3] == ["openings", "no_openings", "waitlist"]
    assert str(feed[col.AVAILABILITY_REPORTED_AT].iloc[2]) == "2026-11-25 20:00:00+00:00"


def test_feed_file_merge_report(fixtures):
    result = merge_feed_file(_directory(), fixtures / "feed_reports.csv")
    report = result.report
    assert (report.rows_read, report.matched, report.applied) == (5, 3, 2)
    assert report.ignored_older == 1
    assert report.unmatched == [
        (4, "no facility has facility_id 'F-404'"),
        (5, "no facility named 'Unknown Place' in ZIP '99999'"),
    ]


def test_latest_report_in_a_batch_wins(fixtures):
    frame = merge_feed_file(_directory(), fixtures / "feed_reports.csv").frame.set_index(
        col.FACILITY_ID
    )
    assert frame.loc["F-1", col.BEDS_OPEN_DETOX] == 2
    assert frame.loc["F-1", col.AVAILABILITY_STATUS] == "openings"
    assert frame.loc["F-1", col.AVAILABILITY_SOURCE] == "state registry"


def test_name_and_zip_match_when_no_id(fixtures):
    frame = merge_feed_file(_directory(), fixtures / "feed_reports.csv").frame.set_index(
        col.FACILITY_ID
    )
    assert frame.loc["F-2", col.AVAILABILITY_STATUS] == "waitlist"
    assert pd.isna(frame.loc["F-2", col.BEDS_OPEN_DETOX])
    assert frame.loc["F-2", col.BEDS_OPEN_RESIDENTIAL] == 3


def test_older_report_never_overwrites_newer():
    newer = apply_reports(_directory(), _reports("F-1,,,4,,openings,2026-11-26T10:00Z,call")).frame
    older = apply_reports(newer, _reports("F-1,,,0,,no_openings,2026-11-26T09:00Z,feed"))
    row = older.frame.set_index(col.FACILITY_ID).loc["F-1"]
    assert (row[col.BEDS_OPEN_DETOX], row[col.AVAILABILITY_STATUS]) == (4, "openings")
    assert (older.report.applied, older.report.ignored_older) == (0, 1)


def test_ambiguous_name_and_zip_is_unmatched():
    result = apply_reports(
        _directory(), _reports(",Twin House,02110,1,,openings,2026-11-26T10:00Z,x")
    )
    assert result.report.unmatched == [
        (1, "2 facilities share the name and ZIP 'Twin House' '02110'; give a facility_id")
    ]


def test_apply_reports_does_not_modify_its_input():
    directory = _directory()
    apply_reports(directory, _reports("F-1,,,4,,openings,2026-11-26T10:00Z,call"))
    assert directory[col.AVAILABILITY_STATUS].eq("unknown").all()


def test_untouched_facilities_keep_their_values(fixtures):
    frame = merge_feed_file(_directory(), fixtures / "feed_reports.csv").frame
    twin = frame[frame[col.NAME] == "Twin House"]
    assert twin[col.AVAILABILITY_STATUS].eq("unknown").all()
    assert twin[col.AVAILABILITY_REPORTED_AT].isna().all()


def test_bad_feed_rows_are_all_listed():
    text = FEED_HEADER + "F-1,,,-1,,openings,yesterday,x\n,,,1,,maybe,2026-11-26T10:00Z,x\n"
    with pytest.raises(FacilityDataError) as info:
        read_feed(text.encode())
    problems = [(p.row, p.column) for p in info.value.problems]
    assert problems == [
        (1, col.AVAILABILITY_REPORTED_AT),
        (1, col.BEDS_OPEN_DETOX),
        (2, col.FACILITY_ID),
        (2, col.AVAILABILITY_STATUS),
    ]


def test_feed_without_any_key_column_is_refused():
    with pytest.raises(FacilityDataError, match="needs a 'facility_id' column or both"):
        read_feed(b"beds_open_detox,availability_reported_at\n1,2026-11-26T10:00Z\n")


def test_empty_feed_is_refused(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_bytes(b"")
    with pytest.raises(FacilityDataError, match="feed.csv is empty"):
        read_feed(path)


def test_status_labels_are_accepted():
    feed = _reports("F-1,,,,,Accepting assessments,2026-11-26T10:00Z,call")
    assert feed[col.AVAILABILITY_STATUS].tolist() == ["accepting_assessments"]


def test_report_without_time_is_listed_not_applied():
    reports = pd.DataFrame(
        {
            col.FACILITY_ID: ["F-1"],
            col.AVAILABILITY_STATUS: ["openings"],
            col.AVAILABILITY_REPORTED_AT: [pd.NaT],
        }
    )
    result = apply_reports(_directory(), reports)
    assert result.report.applied == 0
    assert result.report.unmatched == [(1, "the report has no time (availability_reported_at)")]


def test_call_log_without_bed_columns_updates_status_only():
    directory = apply_reports(
        _directory(), _reports("F-1,,,4,,openings,2026-11-26T10:00Z,feed")
    ).frame
    call = pd.DataFrame(
        {
            col.FACILITY_ID: ["F-1"],
            col.AVAILABILITY_STATUS: ["waitlist"],
            col.AVAILABILITY_REPORTED_AT: [pd.Timestamp("2026-11-26T12:00Z")],
            col.AVAILABILITY_SOURCE: ["call by Sam"],
        }
    )
    row = apply_reports(directory, call).frame.set_index(col.FACILITY_ID).loc["F-1"]
    assert (row[col.AVAILABILITY_STATUS], row[col.AVAILABILITY_SOURCE]) == (
        "waitlist",
        "call by Sam",
    )
    assert row[col.BEDS_OPEN_DETOX] == 4


def test_reports_without_time_column_are_refused():
    reports = pd.DataFrame({col.FACILITY_ID: ["F-1"], col.AVAILABILITY_STATUS: ["openings"]})
    with pytest.raises(FacilityDataError, match="need an 'availability_reported_at' column"):
        apply_reports(_directory(), reports)


def test_report_without_any_key_is_reported():
    reports = pd.DataFrame(
        {col.FACILITY_ID: [""], col.AVAILABILITY_REPORTED_AT: [pd.Timestamp("2026-11-26T12:00Z")]}
    )
    result = apply_reports(_directory(), reports)
    assert result.report.unmatched == [
        (1, "the report names no facility (give a facility_id, or a name and a ZIP)")
    ]


@pytest.mark.parametrize(
    ("stamp", "message"),
    [
        ("2099-01-01T00:00Z", "is in the future; check the date and the time zone"),
        ("05401", "is in the future"),  # a ZIP in the time column reads as the year 5401
        ("1899-12-31", "is before 1990; check the date"),
        ("", "is empty"),
    ],
)
def test_implausible_report_times_are_refused(stamp, message):
    with pytest.raises(FacilityDataError, match=message):
        read_feed((FEED_HEADER + f"F-1,,,1,,openings,{stamp},x\n").encode())
