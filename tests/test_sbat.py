"""LA County SBAT bed registry: beds by level and sex, Pacific times, matching, both uses."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from matching.cli.main import main
from matching.directory import columns as col
from matching.directory.io import read_directory, write_directory
from matching.directory.schema import coerce_directory, validate_directory
from matching.errors import ImportFormatError
from matching.ingest.availability import apply_reports
from matching.ingest.sbat import (
    import_sbat_directory,
    is_sbat,
    merge_sbat,
    pacific_times,
    parse_beds,
    read_sbat,
)

SNAPSHOT = (
    Path(__file__).resolve().parents[2]
    / "shared/data/real/fabriceyhc_SUD-BedWatch/sudhelpla_agencies_20250814_094001.csv"
)
_snapshot_present = pytest.mark.skipif(not SNAPSHOT.exists(), reason="SBAT snapshot not available")


def needs_snapshot(test: Callable[..., None]) -> Callable[..., None]:
    """Mark ``test`` as reading the real SBAT snapshot in ../shared (skipped without it)."""
    return pytest.mark.realdata(_snapshot_present(test))


HEADER = "agency_name,agency_name_secondary,agency_address,available_beds,last_updated\n"


def _export(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode("utf-8")


def _one(beds: str) -> pd.Series:
    data = _export(
        f'A,B,"1 Main Street,Los Angeles, CA 90013",{beds},Last Updated: 8/13/2025 8:42:02 AM'
    )
    return read_sbat(data, "sbat.csv").frame.iloc[0]


def test_levels_and_sexes_are_read_from_the_packed_string() -> None:
    counts = parse_beds(
        "RS(3.1)Adult - M: 0Adult - F: 0RS(3.5)Adult - M: 0R-WMAdult - M: 1Adult - F: 0"
    )
    assert counts == {
        ("RS(3.1)", "Adult", "M"): 0,
        ("RS(3.1)", "Adult", "F"): 0,
        ("RS(3.5)", "Adult", "M"): 0,
        ("R-WM", "Adult", "M"): 1,
        ("R-WM", "Adult", "F"): 0,
    }


def test_residential_is_the_largest_level_not_the_sum() -> None:
    row = _one("RS(3.1)Adult - M: 6RS(3.5)Adult - M: 4R-WMAdult - M: 0")
    assert row[col.BEDS_OPEN_RESIDENTIAL_MALE] == 6
    assert row[col.BEDS_OPEN_RESIDENTIAL] == 6
    # The level lists no women's beds: none open for a woman (0), not unknown.
    assert row[col.BEDS_OPEN_RESIDENTIAL_FEMALE] == 0
    assert row[col.BEDS_OPEN_DETOX] == 0 and row[col.AVAILABILITY_STATUS] == "openings"


def test_housing_is_not_treatment_and_an_unlisted_kind_is_unknown() -> None:
    row = _one("RBHAdult - M: 3RS(3.1)Adult - F: 2")
    assert row[col.BEDS_OPEN_RESIDENTIAL_FEMALE] == 2
    assert pd.isna(row[col.BEDS_OPEN_DETOX]) and pd.isna(row[col.BEDS_OPEN_DETOX_FEMALE])
    housing_only = _one("RBHAdult - M: 3")
    assert pd.isna(housing_only[col.BEDS_OPEN_RESIDENTIAL])
    assert housing_only[col.AVAILABILITY_STATUS] == "unknown"


def test_youth_beds_are_kept_apart_from_adults() -> None:
    row = _one("RS(3.1)Adult - F: 0Youth - F: 3RS(3.5)Youth - F: 2I-WMYouth - M: 1")
    assert row[col.BEDS_OPEN_RESIDENTIAL_FEMALE] == 0
    assert row[col.BEDS_OPEN_YOUTH] == 3 + 1  # largest residential level + detox
    assert row[col.BEDS_OPEN_DETOX] == 0


def test_last_updated_is_pacific_time() -> None:
    stamps = pacific_times(
        pd.Series(["Last Updated: 8/13/2025 8:42:02 AM", "Last Updated: 1/5/2025 11:00:00 PM", ""])
    )
    assert stamps.iloc[0] == pd.Timestamp("2025-08-13 15:42:02", tz="UTC")  # PDT, UTC-7
    assert stamps.iloc[1] == pd.Timestamp("2025-01-06 07:00:00", tz="UTC")  # PST, UTC-8
    assert pd.isna(stamps.iloc[2])


def test_a_file_that_is_not_sbat_is_refused() -> None:
    data = b"name,zip\nA,90013\n"
    assert not is_sbat(data)
    with pytest.raises(ImportFormatError, match="not an LA County SBAT export"):
        read_sbat(data, "other.csv")


def _directory() -> pd.DataFrame:
    rows = [
        # Same address, spelled the way SAMHSA spells it.
        ("f-royal", "Royal Palms Recovery", "", "360 S. Westlake Ave.", "90057"),
        # Another address, but the program's name is the SBAT's secondary name.
        ("f-menlo", "Sadler Healthcare", "Menlo House", "PO Box 12", "90006"),
        ("f-other", "Somewhere Else", "", "1 Other Road", "90210"),
    ]
    frame = pd.DataFrame(
        rows, columns=[col.FACILITY_ID, col.NAME, col.NAME2, col.STREET, col.ZIP]
    ).assign(**{col.CITY: "Los Angeles", col.STATE: "CA", col.LAT: 34.05, col.LON: -118.25})
    return validate_directory(coerce_directory(frame))


@needs_snapshot
def test_the_snapshot_merges_by_address_then_name_and_lists_the_rest() -> None:
    merged = merge_sbat(_directory(), SNAPSHOT.read_bytes(), SNAPSHOT.name)
    frame = merged.frame.set_index(col.FACILITY_ID)
    menlo = frame.loc["f-menlo"]
    assert menlo[col.BEDS_OPEN_RESIDENTIAL_MALE] == 6 and menlo[col.BEDS_OPEN_RESIDENTIAL] == 6
    assert menlo[col.BEDS_OPEN_DETOX_MALE] == 0 and menlo[col.BEDS_OPEN_RESIDENTIAL_FEMALE] == 0
    assert menlo[col.AVAILABILITY_REPORTED_AT] == pd.Timestamp("2025-08-14 16:15:12", tz="UTC")
    assert menlo[col.AVAILABILITY_SOURCE] == "LA County SBAT"
    royal = frame.loc["f-royal"]
    assert royal[col.BEDS_OPEN_RESIDENTIAL] == 0 and royal[col.AVAILABILITY_STATUS] == "no_openings"
    assert frame.loc["f-other", col.AVAILABILITY_STATUS] == "unknown"
    assert merged.report.applied == 2
    assert len(merged.unmatched) == merged.with_beds - merged.report.matched
    assert "unmatched" in merged.summary_text()


@needs_snapshot
def test_a_later_call_with_totals_only_clears_the_older_detail() -> None:
    merged = merge_sbat(_directory(), SNAPSHOT.read_bytes(), SNAPSHOT.name).frame
    call = pd.DataFrame(
        {
            col.FACILITY_ID: ["f-menlo"],
            col.BEDS_OPEN_RESIDENTIAL: pd.array([1], dtype="Int64"),
            col.AVAILABILITY_STATUS: ["openings"],
            col.AVAILABILITY_REPORTED_AT: [pd.Timestamp("2025-08-15 10:00", tz="UTC")],
            col.AVAILABILITY_SOURCE: ["call by Sam"],
        }
    )
    after = apply_reports(merged, call).frame.set_index(col.FACILITY_ID).loc["f-menlo"]
    assert after[col.BEDS_OPEN_RESIDENTIAL] == 1
    assert pd.isna(after[col.BEDS_OPEN_RESIDENTIAL_MALE])


@functools.cache
def _snapshot_directory() -> pd.DataFrame:
    return import_sbat_directory(SNAPSHOT.read_bytes(), SNAPSHOT.name).frame


@needs_snapshot
def test_the_snapshot_imports_as_a_directory_at_zip_centers() -> None:
    frame = _snapshot_directory()
    assert len(frame) > 400
    assert set(frame[col.LOCATION_PRECISION]) == {"zip_centroid"}
    assert (frame[col.SOURCE] == "LA County SBAT").all()
    menlo = frame[frame[col.NAME2] == "Menlo House"].iloc[0]
    assert menlo[col.BEDS_OPEN_RESIDENTIAL_MALE] == 6
    assert bool(menlo["residential"]) and bool(menlo["detox_residential"])
    outpatient = frame[frame[col.BEDS_OPEN_RESIDENTIAL].isna() & frame[col.BEDS_OPEN_DETOX].isna()]
    assert outpatient["residential"].isna().all()  # unknown, not "not offered"


@needs_snapshot
def test_cli_availability_detects_sbat(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "directory.csv"
    write_directory(_directory(), data)
    out = tmp_path / "merged.csv"
    code = main(["availability", str(SNAPSHOT), "--data", str(data), "--out", str(out)])
    assert code == 0
    assert "LA County SBAT" in capsys.readouterr().out
    merged = read_directory(out).set_index(col.FACILITY_ID)
    assert merged.loc["f-menlo", col.BEDS_OPEN_RESIDENTIAL_MALE] == 6


def test_cli_forced_sbat_on_another_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "directory.csv"
    write_directory(_directory(), data)
    feed = tmp_path / "feed.csv"
    feed.write_text("name,zip\nA,90013\n")
    out = tmp_path / "merged.csv"
    out.write_text("previous")
    code = main(["availability", str(feed), "--data", str(data), "--out", str(out),
                 "--format", "la-sbat"])  # fmt: skip
    assert code == 2
    assert "not an LA County SBAT export" in capsys.readouterr().err
    assert out.read_text() == "previous"


@needs_snapshot
def test_cli_import_detects_an_sbat_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "la.csv"
    assert main(["import", str(SNAPSHOT), "--out", str(out)]) == 0
    assert "format la-sbat" in capsys.readouterr().out
    assert set(read_directory(out)[col.LOCATION_PRECISION]) == {"zip_centroid"}


def test_an_unknown_level_is_reported_not_counted() -> None:
    data = _export(
        'A,B,"1 Main Street,Los Angeles, CA 90013",OTPAdult - M: 3,'
        "Last Updated: 8/13/2025 8:42:02 AM"
    )
    table = read_sbat(data, "sbat.csv")
    assert table.unknown_levels == {"OTP": 1}
    assert pd.isna(table.frame.iloc[0][col.BEDS_OPEN_RESIDENTIAL])
    merged = merge_sbat(_directory(), data, "sbat.csv")
    assert "levels not known to ReadyBed (ignored): OTP (1 agencies)" in merged.summary_text()
