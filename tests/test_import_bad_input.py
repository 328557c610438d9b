"""Unusable input gets a specific error naming the problem, and memory stays bounded."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.errors import FacilityDataError, ImportFormatError
from matching.ingest import import_bytes, import_file

GOOD_GENERIC = "name,state,zip,lat,lon\nA Place,VT,05401,44.47,-73.21\n"


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportFormatError, match=r"empty\.csv is empty \(0 bytes\)"):
        import_file(path)


def test_header_only_file(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("name,state,zip,lat,lon\n")
    with pytest.raises(ImportFormatError, match="has a header but no data rows"):
        import_file(path)


def test_zero_byte_xlsx(tmp_path):
    path = tmp_path / "listing.xlsx"
    path.write_bytes(b"")
    with pytest.raises(ImportFormatError, match=r"listing\.xlsx is empty"):
        import_file(path)


def test_corrupt_xlsx_not_a_zip(tmp_path):
    path = tmp_path / "listing.xlsx"
    path.write_bytes(b"this is not a workbook at all")
    with pytest.raises(ImportFormatError, match="is not a valid Excel workbook"):
        import_file(path)


def test_truncated_xlsx(tmp_path, fixtures):
    import pandas as pd

    whole = tmp_path / "whole.xlsx"
    pd.read_csv(fixtures / "import_findtreatment.csv").to_excel(whole, index=False)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(whole.read_bytes()[:400])
    with pytest.raises(ImportFormatError, match="is a damaged Excel workbook"):
        import_file(broken)


def test_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    path = tmp_path / "listing.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<unclosed")
    with pytest.raises(ImportFormatError, match=r"damaged Excel workbook \(ParseError\)"):
        import_file(path)


def test_truncated_json(tmp_path, fixtures):
    path = tmp_path / "page.json"
    path.write_bytes((fixtures / "import_api.json").read_bytes()[:300])
    with pytest.raises(
        ImportFormatError, match=r"not valid JSON \(line \d+, column \d+.*truncated"
    ):
        import_file(path)


def test_json_without_rows(tmp_path):
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"page": 1}))
    with pytest.raises(ImportFormatError, match="has no 'rows' list"):
        import_file(path)


def test_wrong_format_forced_names_the_likely_format(fixtures):
    with pytest.raises(
        ImportFormatError,
        match=r"--format directory-2015 expects a 'Keys' column; this file looks like a "
        r"FindTreatment.gov CSV export — try --format findtreatment-csv",
    ):
        import_file(fixtures / "import_findtreatment.csv", fmt="directory-2015")


def test_json_forced_as_csv(fixtures):
    with pytest.raises(ImportFormatError, match="expects a CSV file.*findtreatment-json"):
        import_file(fixtures / "import_api.json", fmt="generic-csv")


def test_unknown_format_name(fixtures):
    with pytest.raises(ImportFormatError, match="Unknown format 'pdf'"):
        import_file(fixtures / "import_api.json", fmt="pdf")  # type: ignore[arg-type]  # under test


def test_missing_zip_column_is_named(tmp_path):
    path = tmp_path / "nozip.csv"
    path.write_text("Name,State,lat,lon\nA,VT,44.4,-73.2\n")
    with pytest.raises(ImportFormatError, match=r"missing required field\(s\) zip") as info:
        import_file(path)
    assert "zip: zip/zipcode/postal" in str(info.value)


def test_missing_lat_lon_columns_mean_locate_by_address(tmp_path):
    # Coordinates are optional since rows can be located; the row is placed, not refused.
    path = tmp_path / "noloc.csv"
    path.write_text("Name,State,ZIP\nA,VT,05401\n")
    row = import_file(path).frame.iloc[0]
    assert row["location_precision"] == "zip_centroid" and row["lat"] != 0


def test_file_where_no_row_imports_lists_every_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,state,zip,lat,lon\nA,VT,05401,abc,1\nB,VT,05401,1,999\n")
    with pytest.raises(FacilityDataError, match="No row of bad.csv could be imported") as info:
        import_file(path)
    assert [p.row for p in info.value.problems] == [1, 2]
    assert "lon '999' is outside -180..180" in str(info.value)


def test_duplicate_frid_in_json_keeps_first(tmp_path, fixtures):
    page = json.loads((fixtures / "import_api.json").read_text())
    page["rows"][1]["frid"] = "ft-0001"
    path = tmp_path / "dupe.json"
    path.write_text(json.dumps(page))
    result = import_file(path)
    assert result.frame["name"].tolist() == ["Blue Spruce Treatment Center"]
    assert result.report.rejected == [
        (2, "facility_id 'ft-0001' repeats an earlier row; later copies are left out")
    ]


def test_undecodable_bytes_name_the_line(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(GOOD_GENERIC.encode() + b"B \x81\x8d,VT,05401,44,-73\n")
    with pytest.raises(ImportFormatError, match=r"byte 0x81 on line 3 is neither UTF-8 nor"):
        import_file(path)


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x00\x00\x00\rIHDR")
    with pytest.raises(ImportFormatError, match="NUL bytes"):
        import_file(path)


def test_enormous_single_line_is_refused_with_bounded_memory(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:
        stream.write(b"name,state,zip,lat,lon\n")
        for _ in range(50):
            stream.write(b"x" * 1_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(ImportFormatError, match=r"line 2 is longer than 1 MB"):
            import_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000


def test_enormous_line_in_uploaded_bytes_is_refused():
    with pytest.raises(ImportFormatError, match="line 1 is longer than 1 MB"):
        import_bytes(b"y" * 3_000_000, "upload.csv")


HEADERS = [
    b"",
    b"name,state,zip,lat,lon\n",
    b"name1,state,zip,latitude,longitude,hid\n",
    b"Name1,Address1,City,State,ZIP_Code,Keys,Latitude,Longitude\n",
    b'{"rows": [',
    b"PK\x03\x04",
]
CSV_TEXT = st.text(alphabet=',;"\n\r\t01aZ.-=/ {}[]:\u00e9', max_size=200).map(str.encode)


@settings(max_examples=50, deadline=None)
@given(
    head=st.sampled_from(HEADERS),
    body=st.binary(max_size=200) | CSV_TEXT,
    name=st.sampled_from(["a.csv", "a.json", "a.xlsx", "a.txt"]),
)
def test_any_bytes_import_or_raise_a_facility_data_error(head, body, name):
    try:
        result = import_bytes(head + body, name)
    except FacilityDataError:
        return
    assert result.report.rows_imported == len(result.frame) > 0


def test_row_with_more_cells_than_header_is_refused(tmp_path):
    path = tmp_path / "shifted.csv"
    path.write_text("name,state,zip,lat,lon\n1 Main St, Suite 4,VT,05401,44.4,-73.2\n")
    with pytest.raises(ImportFormatError, match="first data row has more cells than the header"):
        import_file(path)


def test_later_row_with_extra_cells_names_the_line(tmp_path):
    path = tmp_path / "shifted.csv"
    path.write_text(GOOD_GENERIC + "B, Inc,VT,05401,44.4,-73.2\n")
    with pytest.raises(ImportFormatError, match=r"Expected 5 fields in line 3, saw 6"):
        import_file(path)


def test_a_file_of_only_bad_rows_counts_them_all_and_keeps_a_few_reasons(tmp_path):
    from matching.ingest.report import MAX_REJECTED_KEPT

    rows = 20_000
    path = tmp_path / "all-bad.csv"
    path.write_text("name,state,zip,lat,lon\n" + "Clinic,Massachusetts,02108,42.3,-71\n" * rows)
    with pytest.raises(FacilityDataError) as info:
        import_file(path)
    assert len(info.value.problems) == MAX_REJECTED_KEPT
    assert f"({rows:,} rows rejected; the first {MAX_REJECTED_KEPT} are listed)" in (
        info.value.one_line()
    )


def test_rejected_rows_are_counted_beyond_the_kept_reasons(tmp_path):
    from matching.ingest.report import MAX_REJECTED_KEPT

    path = tmp_path / "mostly-bad.csv"
    path.write_text(
        "name,state,zip,lat,lon\n"
        + "Good,MA,02108,42.3,-71\n"
        + "Bad,Massachusetts,02108,42.3,-71\n" * 3_000
    )
    report = import_file(path).report
    assert report.rejected_count == 3_000
    assert len(report.rejected) == MAX_REJECTED_KEPT
    assert report.rejected[0] == (2, "state 'MASSACHUSETTS' is not 2 letters")
    assert "1 of 3001 rows" in report.summary_text() and "3000 rejected" in report.summary_text()
