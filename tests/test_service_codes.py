"""The one mapping file: codes and names -> canonical columns, tolerant name matching."""

from __future__ import annotations

import pytest

from matching.directory import columns as col
from matching.directory.service_codes import (
    MAPPABLE_COLUMNS,
    load_mapping,
    normalize_name,
    parse_mapping,
)
from matching.errors import FacilityDataError


def test_every_mapped_column_is_canonical():
    mapping = load_mapping()
    used = {c for cols in (*mapping.codes.values(), *mapping.names.values()) for c in cols}
    assert used <= set(MAPPABLE_COLUMNS)


def test_every_service_column_is_fed_by_some_code():
    used = {c for cols in load_mapping().codes.values() for c in cols}
    assert set(col.SERVICE_COLUMNS) <= used


@pytest.mark.parametrize(
    ("code", "columns"),
    [
        ("HID", {"detox_hospital", "detox_any"}),
        ("RD", {"detox_residential", "detox_any"}),
        ("DM", {"methadone", "detox_any", "detox_opioid"}),
        # Lofexidine/clonidine detox is opioid withdrawal management: DLC in 2023, ULC in 2022.
        ("DLC", {"detox_opioid", "detox_any"}),
        ("ULC", {"detox_opioid", "detox_any"}),
        ("SF", {"pay_self"}),
        ("CASH", {"pay_self"}),
        ("SS", {"sliding_fee"}),
        ("TRICARE", {"pay_military"}),
        ("MI", {"pay_military"}),
        ("bwn", {"buprenorphine"}),
        ("VTRL", {"naltrexone"}),
        ("MOA", {"accepts_moud_clients"}),
        ("JC", {"accredited", "accreditations"}),
        ("PW", {"program_pregnant_postpartum"}),
        ("OTP", {"methadone", "otp_certified"}),
        ("F47", {"languages"}),
    ],
)
def test_code_sets_the_domain_columns(code, columns):
    assert set(load_mapping().columns_for_code(code) or ()) == columns


def test_known_code_without_column_differs_from_unmapped_code():
    mapping = load_mapping()
    assert mapping.columns_for_code("SA") == ()
    assert mapping.columns_for_code("ZZQ") is None


@pytest.mark.parametrize(
    ("old", "column"),
    [
        ("Military insurance (e.g., TRICARE)", "pay_military"),
        ("FEDERAL MILITARY INSURANCE (E.G., TRICARE)", "pay_military"),
        ("Relapse prevention from naltrexone", "naltrexone"),
        ("Prescribes/administers buprenorphine", "buprenorphine"),
        ("Buprenorphine with naloxone  (Suboxone\u00ae)", "buprenorphine"),
        ("Extended-release, injectable Naltrexone (Vivitrol\u00ae)", "naltrexone"),
        ("Hospital inpatient detoxification", "detox_hospital"),
        ("Hospital inpatient/24-hour hospital inpatient", "hospital_inpatient"),
    ],
)
def test_name_matching_forgives_wording_changes(old, column):
    assert column in (load_mapping().columns_for_name(old) or ())


def test_normalize_name_unifies_substance_abuse_and_marks():
    assert normalize_name("Substance Abuse Treatment\u00ae") == normalize_name(
        "substance use treatment"
    )


def test_unknown_service_name_is_unmapped():
    assert load_mapping().columns_for_name("Teleportation detox") is None


def test_mapping_file_with_unknown_column_lists_the_row():
    text = "kind,key,column,label\ncode,HID,detox_hospital,x\ncode,XX,beds_total,y\n"
    with pytest.raises(FacilityDataError, match=r"row 2, column 'column'.*beds_total"):
        parse_mapping(text)


def test_mapping_file_with_bad_kind_is_rejected():
    with pytest.raises(FacilityDataError, match="kind must be 'code' or 'name'"):
        parse_mapping("kind,key,column,label\ncolour,HID,detox_hospital,x\n")
