"""The one facility schema: check_rows finds every problem with a code, and both the importers
and validate_directory apply it (half-empty coordinate pairs, absurd bed counts, ...)."""

from __future__ import annotations

import pandas as pd
import pytest
from search_frames import facility

from matching.directory import columns as col
from matching.directory.schema import FIELDS, MAX_BEDS, SCHEMA, check_rows, validate_directory
from matching.errors import FacilityDataError
from matching.ingest import import_bytes
from matching.ingest.availability import read_feed

HEADER = "name,state,zip,lat,lon,beds_open_detox\n"


def _import(*rows: str):
    return import_bytes((HEADER + "\n".join(rows) + "\n").encode(), "listing.csv")


def test_every_canonical_column_is_in_the_schema_with_its_dtype_and_a_label():
    assert [field.name for field in FIELDS] == list(col.ALL_COLUMNS)
    assert all(field.dtype == col.DTYPES[field.name] and field.label for field in FIELDS)
    assert {field.name for field in FIELDS if field.required} == set(col.CANONICAL_COLUMNS)
    assert SCHEMA["detox_any"].label == col.SERVICE_LABELS["detox_any"]


def test_check_rows_returns_every_problem_with_a_code_in_row_order():
    frame = pd.DataFrame(
        {
            col.FACILITY_ID: ["a", "a", "", "c"],
            col.NAME: ["One", "Two", "", "Four"],
            col.STATE: ["VT", "VT", "Vermont", "VT"],
            col.ZIP: ["05401", "05401", "5401", "05401"],
            col.LAT: ["44.5", "44.5", "95", ""],
            col.LON: ["-73.2", "-73.2", "x", "-73.2"],
        }
    )
    found = [(problem.row, problem.code) for problem in check_rows(frame)]
    assert found == [
        (2, "facility_id_duplicate"),
        (3, "facility_id_empty"),
        (3, "name_empty"),
        (3, "state_pattern"),
        (3, "zip_pattern"),
        (3, "lat_range"),
        (3, "lon_type"),
        (4, "lat_unpaired"),
    ]


def test_half_empty_coordinate_pair_is_rejected_per_row_not_read_as_zero():
    result = _import("Good,VT,05401,44.47,-73.21,", "Half,VT,05401,42.1,,", "Unknown,VT,05401,,,")
    assert result.frame[col.NAME].tolist() == ["Good", "Unknown"]
    assert result.report.rejected == [(2, "lon is empty but lat is given; give both coordinates")]
    # An empty pair means "not given": the row is placed at its ZIP's centre, and says so.
    unknown = result.frame[result.frame[col.NAME] == "Unknown"].iloc[0]
    assert unknown[col.LOCATION_PRECISION] == "zip_centroid"


def test_absurd_bed_count_is_rejected_per_row_on_import():
    result = _import("Good,VT,05401,44.47,-73.21,3", "Huge,VT,05401,44.47,-73.21,1e30")
    assert result.frame[col.NAME].tolist() == ["Good"]
    assert result.frame[col.BEDS_OPEN_DETOX].tolist() == [3]
    assert result.report.rejected == [(2, f"beds_open_detox '1e30' is outside 0..{MAX_BEDS}")]


def test_negative_or_fractional_bed_count_is_rejected_per_row_on_import():
    result = _import(
        "Good,VT,05401,44.47,-73.21,", "Minus,VT,05401,44.47,-73.21,-2", "Half,VT,05401,44,-73,1.5"
    )
    assert result.frame[col.NAME].tolist() == ["Good"]
    assert [reason for _, reason in result.report.rejected] == [
        f"beds_open_detox '-2' is outside 0..{MAX_BEDS}",
        "beds_open_detox '1.5' is not a whole number",
    ]


def test_absurd_bed_count_in_a_feed_is_listed_not_a_traceback():
    text = (
        "facility_id,beds_open_detox,beds_open_residential,availability_reported_at\n"
        "F-1,1e30,2,2026-11-26T10:00Z\n"
        "F-2,1,20000,2026-11-26T10:00Z\n"
    )
    with pytest.raises(FacilityDataError) as info:
        read_feed(text.encode())
    found = [(p.row, p.column, p.code) for p in info.value.problems]
    assert found == [
        (1, col.BEDS_OPEN_DETOX, "beds_open_detox_range"),
        (2, col.BEDS_OPEN_RESIDENTIAL, "beds_open_residential_range"),
    ]


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({col.BEDS_OPEN_DETOX: 1e30}, "beds_open_detox_type"),
        ({col.LICENSED_BEDS: 50_000}, "licensed_beds_range"),
        ({col.BEDS_OPEN_RESIDENTIAL_FEMALE: -1}, "beds_open_residential_female_range"),
        ({col.LON: float("nan")}, "lon_unpaired"),
        ({col.LAT: float("nan"), col.LON: float("nan")}, "lat_empty"),
        ({col.AVAILABILITY_STATUS: "maybe"}, "availability_status_allowed"),
    ],
)
def test_validate_directory_raises_the_schema_problem(values, code):
    with pytest.raises(FacilityDataError) as info:
        validate_directory(pd.DataFrame([facility(1, **values)]))
    assert code in [problem.code for problem in info.value.problems]


def test_validate_directory_names_the_column_in_each_message():
    with pytest.raises(FacilityDataError) as info:
        validate_directory(pd.DataFrame([facility(1, zip="5401", lat=91.0)]))
    text = str(info.value)
    assert "row 1, column 'zip': ZIP is not 5 digits (value '5401')" in text
    assert "row 1, column 'lat': lat is outside -90..90 (value '91.0')" in text
