"""Importers of each format on small fictional fixtures: flags, ids, addresses, reports."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.directory import columns as col
from matching.ingest import detect_format, import_bytes, import_file
from matching.ingest.importers import Locating


def _row(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame.loc[frame[col.NAME] == name].iloc[0]


# --- FindTreatment.gov locator export (CSV / XLSX)


@pytest.fixture
def export(fixtures):
    return import_file(fixtures / "import_findtreatment.csv")


def test_export_detects_format_and_imports_every_row(export):
    assert export.report.format == "findtreatment-csv"
    assert (export.report.rows_read, export.report.rows_imported) == (3, 3)


def test_export_flags_follow_the_code_columns(export):
    harbor = _row(export.frame, "Harbor Light Recovery")
    assert harbor["detox_hospital"] and harbor["detox_any"] and harbor["buprenorphine"]
    assert harbor["pay_military"] and harbor["accredited"] and harbor["accepts_moud_clients"]
    assert not harbor["detox_residential"] and not harbor["methadone"]
    assert harbor["pay_private"] and not harbor["pay_medicare"]
    # It lists no payment-assistance code, so it says nothing about a sliding fee (issue 20).
    assert pd.isna(harbor["sliding_fee"])


def test_export_blank_cell_is_false_not_unknown(export):
    maple = _row(export.frame, "Maple Grove Outpatient")
    assert not pd.isna(maple["detox_any"]) and not maple["detox_any"]
    assert maple["methadone"] and maple["naltrexone"] and maple["outpatient"]


def test_export_unmapped_code_is_counted(export):
    assert export.report.unmapped == {"ZZQ": 1}


def test_export_zip_keeps_leading_zero_and_drops_plus4(export):
    assert _row(export.frame, "Harbor Light Recovery")[col.ZIP] == "02108"
    assert _row(export.frame, "Cedar Ridge House")[col.ZIP] == "78701"


def test_export_state_is_upper_case_and_streets_joined(export):
    cedar = _row(export.frame, "Cedar Ridge House")
    assert cedar[col.STATE] == "TX"
    assert _row(export.frame, "Harbor Light Recovery")[col.STREET] == "12 Pier Road, Suite 4"


def test_export_formula_cell_is_kept_as_text(export):
    assert _row(export.frame, "Maple Grove Outpatient")[col.NAME2] == "=1+2"


def test_export_services_text_lists_offered_services(export):
    services = _row(export.frame, "Cedar Ridge House")[col.SERVICES]
    assert services == "Detox (withdrawal management); Residential detox; Residential treatment"


def test_export_source_and_default_availability(export):
    row = _row(export.frame, "Harbor Light Recovery")
    assert row[col.SOURCE] == "findtreatment-csv:import_findtreatment.csv"
    assert row[col.AVAILABILITY_STATUS] == "unknown"
    assert pd.isna(row[col.BEDS_OPEN_DETOX])


def test_same_file_yields_same_ids(fixtures, export):
    again = import_file(fixtures / "import_findtreatment.csv")
    assert again.frame[col.FACILITY_ID].tolist() == export.frame[col.FACILITY_ID].tolist()
    assert export.frame[col.FACILITY_ID].str.fullmatch(r"[0-9a-f]{16}").all()


def test_xlsx_export_gives_the_same_flags_as_csv(fixtures, tmp_path, export):
    sheet = pd.read_csv(fixtures / "import_findtreatment.csv", dtype="str", keep_default_na=False)
    path = tmp_path / "listing.xlsx"
    sheet.to_excel(path, index=False)
    result = import_file(path)
    assert result.report.format == "findtreatment-xlsx"
    pd.testing.assert_frame_equal(
        result.frame[list(col.SERVICE_COLUMNS)], export.frame[list(col.SERVICE_COLUMNS)]
    )
    assert result.frame[col.ZIP].tolist() == export.frame[col.ZIP].tolist()


# --- FindTreatment.gov API JSON


@pytest.fixture
def api(fixtures):
    return import_file(fixtures / "import_api.json")


def test_api_uses_frid_as_id(api):
    assert api.frame[col.FACILITY_ID].tolist() == ["ft-0001", "ft-0002"]


def test_api_names_set_flags_across_renamings(api):
    spruce = _row(api.frame, "Blue Spruce Treatment Center")
    assert spruce["detox_hospital"] and spruce["detox_any"] and spruce["residential"]
    assert spruce["buprenorphine"] and spruce["naltrexone"] and spruce["pay_military"]
    assert spruce["accredited"] and not spruce["methadone"]
    creek = _row(api.frame, "Quiet Creek Clinic")
    assert creek["buprenorphine"] and creek["naltrexone"] and creek["accepts_moud_clients"]
    assert creek["sliding_fee"]
    # It lists settings (outpatient), so detox is a no; no payment is listed: unknown (issue 20).
    assert creek["detox_any"] == False and pd.isna(creek["pay_self"])  # noqa: E712


def test_api_unmapped_placement_name_is_reported_and_others_counted(api):
    assert api.report.unmapped == {"Teleportation detox": 1}
    assert any("2 other service names (2 mentions" in note for note in api.report.notes)


def test_api_null_intake_is_empty_text(api):
    assert _row(api.frame, "Quiet Creek Clinic")[col.INTAKE_PHONE] == ""


# --- 2015 National Directory


@pytest.fixture
def directory(fixtures):
    return import_file(fixtures / "import_directory2015.csv")


def test_directory_keys_set_flags(directory):
    granite = _row(directory.frame, "Granite Peak Recovery")
    for flag in (
        "detox_any",
        "detox_hospital",
        "detox_residential",
        "detox_opioid",
        "methadone",
        "buprenorphine",
        "pay_medicaid",
        "pay_private",
        "pay_self",
        "sliding_fee",
        "pay_military",
        "pay_ihs",
        "accredited",
    ):
        assert granite[flag], flag
    assert not granite["detox_outpatient"] and not granite["naltrexone"]


def test_directory_sf_is_self_pay_and_ss_is_sliding_fee(directory):
    first = directory.frame.iloc[1]
    assert first["pay_self"] and pd.isna(first["sliding_fee"])  # no assistance code listed


def test_directory_contact_is_split_into_phone_and_intake(directory):
    granite = _row(directory.frame, "Granite Peak Recovery")
    assert (granite[col.PHONE], granite[col.INTAKE_PHONE]) == ("(603)555-0101", "(603)555-0102")


def test_directory_four_digit_zip_is_padded(directory):
    assert _row(directory.frame, "Granite Peak Recovery")[col.ZIP] == "03101"


def test_directory_repeated_name_address_zip_get_suffixed_ids(directory):
    ids = directory.frame[col.FACILITY_ID].tolist()
    assert ids[2] == ids[1] + "-2"
    assert any("1 row(s) repeat the name" in note for note in directory.report.notes)


def test_directory_junk_token_is_counted(directory):
    assert directory.report.unmapped == {"Methadone": 1}


# --- generic CSV


@pytest.fixture
def generic(fixtures):
    return import_file(fixtures / "import_generic.csv")


def test_generic_aliases_are_recognized(generic):
    river = _row(generic.frame, "Riverbend Recovery")
    assert river[col.FACILITY_ID] == "G-1"
    assert (river[col.LAT], river[col.LON]) == (45.5152, -122.6784)
    assert river[col.STREET] == "100 River Road"
    assert _row(generic.frame, "Hilltop Clinic")[col.ZIP] == "97401"


def test_generic_location_only_source_leaves_services_unknown(generic):
    assert generic.frame[list(col.SERVICE_COLUMNS)].isna().all().all()
    assert generic.frame[col.ACCREDITED].isna().all()


def test_generic_bad_rows_are_rejected_with_reasons(generic):
    assert generic.report.rows_read == 5
    assert generic.report.rows_imported == 2
    assert generic.report.rejected == [
        (3, "lat 'north' is not a number"),
        (4, "facility_id 'G-1' repeats an earlier row; later copies are left out"),
        (5, "lat '95.0' is outside -90..90"),
    ]


def test_summary_text_names_rejected_rows(generic):
    text = generic.report.summary_text()
    assert text.startswith("Imported 2 of 5 rows from import_generic.csv (format generic-csv)")
    assert "rejected row 3: lat 'north' is not a number" in text


def test_generic_cp1252_file_is_decoded(tmp_path):
    text = "Name,State,Zip,Latitude,Longitude\nCaf\u00e9 Sobri\u00e9t\u00e9,VT,05401,44.47,-73.21\n"
    path = tmp_path / "latin.csv"
    path.write_bytes(text.encode("cp1252"))
    assert import_file(path).frame[col.NAME].tolist() == ["Caf\u00e9 Sobri\u00e9t\u00e9"]


def test_generic_utf8_bom_header_is_recognized(tmp_path):
    text = "Name,State,Zip,Latitude,Longitude\nBOM House,VT,05401,44.47,-73.21\n"
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert import_file(path).frame[col.NAME].tolist() == ["BOM House"]


def test_generic_empty_coordinates_mean_unknown_location(tmp_path):
    path = tmp_path / "noloc.csv"
    path.write_text("name,state,zip,lat,lon\nSomewhere,VT,05401,,\n")
    result = import_file(path, locating=Locating(enabled=False))
    assert (result.frame[col.LAT].iloc[0], result.frame[col.LON].iloc[0]) == (0.0, 0.0)
    assert result.frame[col.LOCATION_PRECISION].iloc[0] == "none"
    assert "1 imported row(s) have no coordinates (0,0)" in result.report.notes


def test_generic_empty_coordinates_are_placed_at_the_zip_center(tmp_path):
    path = tmp_path / "noloc.csv"
    path.write_text("name,state,zip,lat,lon\nSomewhere,VT,05401,,\n")
    row = import_file(path, locating=Locating(references=())).frame.iloc[0]
    assert row[col.LOCATION_PRECISION] == "zip_centroid"
    assert abs(row[col.LAT] - 44.48) < 0.05 and abs(row[col.LON] + 73.22) < 0.05


# --- detection and entry points


def test_detect_format_by_content():
    assert detect_format(b"Name1,Keys,Latitude\n", "a.csv") == "directory-2015"
    assert detect_format(b"name1,zip,latitude,longitude,hid\n", "a.csv") == "findtreatment-csv"
    assert detect_format(b'{"rows": []}', "a.txt") == "findtreatment-json"
    assert detect_format(b"PK\x03\x04rest", "a.bin") == "findtreatment-xlsx"
    assert detect_format(b"LAT,LON,Name\n", "a.csv") == "generic-csv"


def test_forced_generic_format_overrides_detection(fixtures):
    data = (fixtures / "import_findtreatment.csv").read_bytes()
    result = import_bytes(data, "export.csv", fmt="generic-csv")
    assert result.report.format == "generic-csv"
    assert result.frame["detox_any"].isna().all()


def test_import_bytes_reports_progress(fixtures):
    calls = []
    import_bytes(
        (fixtures / "import_api.json").read_bytes(),
        "api.json",
        progress=lambda f, m: calls.append(f),
    )
    assert calls[0] < calls[-1] == 1.0
    assert calls == sorted(calls)


def test_semicolon_separated_generic_csv(tmp_path):
    path = tmp_path / "excel-eu.csv"
    path.write_text("Name;State;Zip;Latitude;Longitude\nEuro House;VT;05401;44.47;-73.21\n")
    assert import_file(path).frame[col.NAME].tolist() == ["Euro House"]


@settings(max_examples=50, deadline=None)
@given(zip_code=st.integers(min_value=100, max_value=99_999), plus4=st.booleans())
def test_any_3_to_5_digit_zip_becomes_5_digit_text(zip_code, plus4):
    raw = str(zip_code) + ("-1234" if plus4 else "")
    data = f"name,state,zip,lat,lon\nA,VT,{raw},44.0,-73.0\n".encode()
    assert import_bytes(data, "z.csv").frame[col.ZIP].tolist() == [f"{zip_code:05d}"]


def test_nine_digit_zip_is_cut_to_five(tmp_path):
    path = tmp_path / "zip9.csv"
    path.write_text("name,state,zip,lat,lon\nNine,VT,054011234,44.47,-73.21\n")
    assert import_file(path).frame[col.ZIP].tolist() == ["05401"]


def test_generic_csv_carrying_canonical_columns_keeps_them(tmp_path):
    path = tmp_path / "readybed.csv"
    path.write_text(
        "facility_id,name,state,zip,lat,lon,detox_any,beds_open_detox,availability_status\n"
        "R-1,Carried,VT,05401,44.47,-73.21,true,2,openings\n"
        "R-2,Blank Status,VT,05401,44.48,-73.22,,,\n"
    )
    frame = import_file(path).frame.set_index(col.FACILITY_ID)
    assert frame.loc["R-1", "detox_any"] and frame.loc["R-1", col.BEDS_OPEN_DETOX] == 2
    assert frame.loc["R-1", col.AVAILABILITY_STATUS] == "openings"
    assert pd.isna(frame.loc["R-2", "detox_any"])
    assert frame.loc["R-2", col.AVAILABILITY_STATUS] == "unknown"


def test_export_with_category_name_columns_maps_names(tmp_path):
    path = tmp_path / "flat.csv"
    path.write_text(
        "frid,name1,state,zip,latitude,longitude,svc_SET,svc_PAY,svc_TAP\n"
        'f-9,Flat House,VT,05401,44.47,-73.21,"Residential detoxification; Outpatient",'
        "Medicaid,Yoga; Art therapy\n"
    )
    result = import_file(path)
    row = result.frame.iloc[0]
    assert row["detox_residential"] and row["outpatient"] and row["pay_medicaid"]
    assert not row["pay_self"]  # it lists a payment (Medicaid): the others are a no
    assert pd.isna(row["methadone"])  # it lists no medication at all: unknown
    assert result.report.unmapped == {}
    assert any("2 other service names (2 mentions" in note for note in result.report.notes)


def test_generic_row_with_future_report_time_is_rejected(tmp_path):
    path = tmp_path / "times.csv"
    path.write_text(
        "name,state,zip,lat,lon,availability_reported_at\n"
        "Now,VT,05401,44.47,-73.21,2026-11-20T10:00Z\n"
        "Later,VT,05401,44.48,-73.21,2099-01-01T10:00Z\n"
    )
    result = import_file(path)
    assert result.frame[col.NAME].tolist() == ["Now"]
    assert result.report.rejected == [
        (
            2,
            "availability_reported_at '2099-01-01T10:00Z' is in the future; "
            "check the date and the time zone (a report may be at most 5 minutes after "
            "this computer's clock)",
        )
    ]


def test_map_names_a_yes_no_column_and_unreadable_answers_stay_unknown(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text(
        "Name,Zip,State,MAT,Medicaid\nA,10001,NY,yes,1\nB,10001,NY,No,0\nC,10001,NY,maybe,\n"
    )
    result = import_file(path, column_map={"methadone": "MAT", "pay_medicaid": "Medicaid"})
    frame = result.frame.set_index("name")
    assert frame.loc["A", "methadone"] and frame.loc["A", "pay_medicaid"]
    assert frame.loc["B", "methadone"] == False and frame.loc["B", "pay_medicaid"] == False  # noqa: E712
    assert pd.isna(frame.loc["C", "methadone"]) and pd.isna(frame.loc["C", "pay_medicaid"])
    assert pd.isna(frame.loc["A", "buprenorphine"])  # a column nobody named: unknown
    assert any("1 cell(s) of 'MAT'" in note for note in result.report.notes)
