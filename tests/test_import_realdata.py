"""Real SAMHSA files read in place from ../shared/data/real (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matching.directory import columns as col
from matching.ingest import import_file

pytestmark = pytest.mark.realdata

REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


@pytest.fixture(scope="module")
def directory_2015():
    path = REAL_DATA / "GeoDaCenter_opioid-policy-scan" / "2015_g.csv"
    if not path.is_file():
        pytest.skip("../shared/data/real is not present beside this checkout")
    return import_file(path)


def test_2015_directory_imports_every_row(directory_2015):
    assert directory_2015.report.rows_imported == 11_928
    assert directory_2015.report.rejected == []


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("pay_medicaid", 7_107),  # MD
        ("pay_private", 7_944),  # PI
        ("pay_self", 10_773),  # SF
        ("sliding_fee", 4_723),  # SS
        ("pay_military", 3_876),  # MI
        ("detox_hospital", 514),  # HID
        ("detox_residential", 783),  # RD
        ("detox_outpatient", 1_240),  # OD
        ("buprenorphine", 2_784),  # BU
        ("detox_any", 2_418),  # DT/HID/RD/OD/DM
    ],
)
def test_2015_flag_counts_agree_with_sources_md(directory_2015, column, expected):
    assert int(directory_2015.frame[column].sum()) == expected


def test_2015_hospital_or_residential_detox(directory_2015):
    frame = directory_2015.frame
    assert int((frame["detox_hospital"] | frame["detox_residential"]).sum()) == 1_208


def test_2015_ids_are_unique_and_repeats_reported(directory_2015):
    assert directory_2015.frame[col.FACILITY_ID].is_unique
    assert any("repeat the name, street and ZIP" in n for n in directory_2015.report.notes)


def test_2015_only_foreign_language_and_junk_tokens_are_unmapped(directory_2015):
    unmapped = set(directory_2015.report.unmapped)
    assert {"F10", "Methadone", "and"} <= unmapped
    assert not unmapped & {"HID", "RD", "MD", "SF", "SS", "BU"}


def test_2022_export_imports_168_rows_with_their_flags(real_data):
    path = (
        real_data / "ilenapeng_residential-eating-disorder-treatment" / "samhsa-treatment-data.csv"
    )
    result = import_file(path)
    frame = result.frame
    assert result.report.rows_imported == 168
    hillside = frame[frame[col.NAME] == "Hillside Inc"].iloc[0]
    assert hillside[col.ZIP] == "30306" and hillside[col.STATE] == "GA"
    assert hillside["residential"] and hillside["partial_hospitalization"]
    assert hillside["pay_self"] and hillside["pay_medicaid"] and hillside["pay_private"]
    assert not hillside["pay_medicare"]
    # A mental-health export has no detox column: it cannot say "no detox".
    assert pd.isna(hillside["detox_any"])
    csb = frame[frame[col.NAME] == "CSB of Middle Georgia"].iloc[0]
    assert csb["pay_medicare"] and csb["residential"] and not csb["outpatient"]
    assert csb[col.INTAKE_PHONE] == "478-275-6810"


def test_2019_api_sample_imports_30_rows_with_their_flags(real_data):
    path = real_data / "CBHSQ_findtreatment" / "findtreatment_api_sample_2019-05.json"
    result = import_file(path)
    frame = result.frame.set_index(col.FACILITY_ID)
    assert result.report.rows_imported == 30
    assert result.report.unmapped == {}
    mohr = frame.loc["811a908f82269778a2fe2a8bc603afa08df868f3e2fa56aa62e214d03997dea1"]
    assert mohr[col.NAME2] == "Mohr Center"
    assert mohr["residential"] and mohr["accepts_moud_clients"] and mohr["sliding_fee"]
    assert mohr["pay_self"] and mohr["pay_medicaid"] and mohr["pay_private"]
    assert not mohr["pay_medicare"] and not mohr["methadone"] and not mohr["outpatient"]
    assert frame["methadone"].sum() >= 1 and frame["buprenorphine"].sum() >= 1


def test_2019_api_opioid_treatment_program_flags(real_data):
    path = real_data / "CBHSQ_findtreatment" / "findtreatment_api_sample_2019-05.json"
    frame = import_file(path).frame
    otp = frame[frame[col.FACILITY_ID].str.startswith("708bf1891fff1534")].iloc[0]
    assert otp[col.NAME] == "Addiction Recovery Systems LLC"
    assert otp["methadone"] and otp["buprenorphine"] and otp["outpatient"] and otp["accredited"]
    assert otp["pay_medicaid"] and otp["pay_private"] and otp["pay_self"]
    assert not otp["naltrexone"] and not otp["pay_medicare"] and not otp["detox_any"]


def test_2019_flattened_api_csv_gives_the_same_flags_as_the_json(real_data):
    folder = real_data / "CBHSQ_findtreatment"
    from_json = import_file(folder / "findtreatment_api_sample_2019-05.json").frame
    from_csv = import_file(folder / "findtreatment_api_sample_2019-05.csv").frame
    compared = [col.FACILITY_ID, *col.SERVICE_COLUMNS, col.ACCREDITED]
    assert from_csv[compared].equals(from_json[compared])
