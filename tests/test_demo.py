"""The embedded synthetic demo directory: fictional, national in shape, current on any day."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import zipcodes
from geopy.distance import great_circle
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.directory import columns as col
from matching.directory.demo import (
    AGE_HOURS,
    DEMO_CSV,
    MIN_PER_STATE,
    PROFILE_COUNTS_2015,
    PROFILE_RATES_2015,
    STATE_COUNTS_2015,
    derive_profile_rates,
    generate_demo,
    is_demo_directory,
    load_demo_directory,
    state_allocation,
    write_demo_csv,
)
from matching.directory.schema import validate_directory
from matching.errors import FacilityDataError

ROOT = Path(__file__).resolve().parents[1]

STATES_AND_DC = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY",
}  # fmt: skip

# Code counts of the 2015 national directory (shared/data/real/SOURCES.md), 11,928 rows.
NATIONAL_2015 = 11_928
NATIONAL_COUNTS_2015 = {
    "detox_any": 2_418,
    "detox_hospital": 514,
    "detox_residential": 783,
    "detox_outpatient": 1_240,
    "hospital_inpatient": 431,
    "intensive_outpatient": 5_577,
    "partial_hospitalization": 1_478,
    "buprenorphine": 2_784,
    "pay_self": 10_773,
    "pay_medicaid": 7_107,
    "pay_medicare": 3_800,
    "pay_private": 7_944,
    "pay_military": 3_876,
    "pay_state": 5_254,
    "pay_ihs": 548,
    "sliding_fee": 4_723,
    "payment_assistance": 2_640,
}
NOW = datetime(2031, 3, 9, 15, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return generate_demo()


@pytest.fixture(scope="module")
def loaded() -> pd.DataFrame:
    return load_demo_directory(now=NOW)


def test_demo_has_at_least_3000_facilities(demo: pd.DataFrame) -> None:
    assert len(demo) >= 3_000


def test_demo_covers_all_50_states_and_dc(demo: pd.DataFrame) -> None:
    assert set(demo[col.STATE]) == STATES_AND_DC


def test_every_state_has_at_least_a_handful(demo: pd.DataFrame) -> None:
    assert demo[col.STATE].value_counts().min() >= MIN_PER_STATE


def test_demo_passes_directory_validation(demo: pd.DataFrame) -> None:
    validate_directory(demo)


def test_every_name_says_it_is_fictional(demo: pd.DataFrame) -> None:
    names = demo[col.NAME]
    assert (names.str.startswith("Fictional ") & names.str.endswith("(demo)")).all()


def test_phones_are_reserved_fiction_numbers(demo: pd.DataFrame) -> None:
    phones = pd.concat([demo[col.PHONE], demo[col.INTAKE_PHONE].replace("", pd.NA).dropna()])
    assert phones.str.fullmatch(r"\(\d{3}\) 555-01\d\d").all()


def test_websites_are_empty_or_example_org(demo: pd.DataFrame) -> None:
    websites = demo[col.WEBSITE]
    assert ((websites == "") | websites.str.startswith("https://example.org/")).all()


def test_every_row_is_sourced_as_demo(demo: pd.DataFrame) -> None:
    assert (demo[col.SOURCE] == col.DEMO_SOURCE).all()


def test_every_availability_row_is_labelled_synthetic(demo: pd.DataFrame) -> None:
    given_availability = (
        demo[col.BEDS_OPEN_DETOX].notna()
        | demo[col.BEDS_OPEN_RESIDENTIAL].notna()
        | (demo[col.AVAILABILITY_STATUS] != "unknown")
        | demo[AGE_HOURS].notna()
    )
    assert given_availability.sum() > 0
    assert (demo.loc[given_availability, col.AVAILABILITY_SOURCE] == col.DEMO_SOURCE).all()
    assert demo.loc[given_availability, AGE_HOURS].notna().all()


def test_only_part_of_the_facilities_have_availability(demo: pd.DataFrame) -> None:
    share = (demo[col.AVAILABILITY_STATUS] != "unknown").mean()
    assert 0.05 < share < 0.5


def test_status_says_openings_exactly_when_a_bed_is_open(demo: pd.DataFrame) -> None:
    reported = demo[demo[col.AVAILABILITY_STATUS] != "unknown"]
    any_open = (reported[col.BEDS_OPEN_DETOX].fillna(0) > 0) | (
        reported[col.BEDS_OPEN_RESIDENTIAL].fillna(0) > 0
    )
    assert ((reported[col.AVAILABILITY_STATUS] == "openings") == any_open).all()


def test_detox_beds_only_where_inpatient_detox_is_offered(demo: pd.DataFrame) -> None:
    with_beds = demo[demo[col.BEDS_OPEN_DETOX].notna()]
    assert (with_beds["detox_hospital"] | with_beds["detox_residential"]).all()


def test_ages_are_spread_over_fresh_aging_and_stale(demo: pd.DataFrame) -> None:
    ages = demo[AGE_HOURS].dropna()
    assert (ages < 24).sum() > 0
    assert ages.between(24, 72).sum() > 0
    assert (ages > 72).sum() > 0


def test_committed_csv_stores_ages_not_timestamps() -> None:
    raw = pd.read_csv(DEMO_CSV, dtype="str", keep_default_na=False)
    assert (raw[col.AVAILABILITY_REPORTED_AT] == "").all()
    assert (raw[AGE_HOURS] != "").any()


def test_loading_reports_availability_age_before_now(loaded: pd.DataFrame) -> None:
    raw = pd.read_csv(DEMO_CSV, dtype="str", keep_default_na=False)
    ages = pd.to_numeric(raw[AGE_HOURS].replace("", pd.NA))
    reported = loaded[col.AVAILABILITY_REPORTED_AT]
    expected_age = (pd.Timestamp(NOW) - reported).dt.total_seconds() / 3600
    assert reported.notna().equals(ages.notna())
    assert (expected_age[ages.notna()] - ages[ages.notna()]).abs().max() < 1 / 3600 * 1.01


@pytest.mark.parametrize("now", [datetime(2026, 1, 1, tzinfo=UTC), NOW])
def test_demo_availability_looks_current_on_any_day(now: datetime) -> None:
    reported = load_demo_directory(now=now)[col.AVAILABILITY_REPORTED_AT].dropna()
    assert (reported <= pd.Timestamp(now)).all()
    assert (reported > pd.Timestamp(now - timedelta(hours=24))).any()


def test_loaded_demo_has_no_age_column_and_is_canonical(loaded: pd.DataFrame) -> None:
    assert AGE_HOURS not in loaded.columns
    assert str(loaded[col.AVAILABILITY_REPORTED_AT].dtype) == "datetime64[ns, UTC]"


def test_loading_needs_a_timezone_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        load_demo_directory(now=datetime(2026, 11, 26, 12, 0))


def test_loading_a_missing_file_says_how_to_regenerate(tmp_path: Path) -> None:
    with pytest.raises(FacilityDataError, match="demo-data"):
        load_demo_directory(path=tmp_path / "absent.csv")


def test_loading_a_csv_without_ages_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("facility_id,name\nx-1,Somewhere\n", encoding="utf-8")
    with pytest.raises(FacilityDataError, match=AGE_HOURS):
        load_demo_directory(path=other)


def test_is_demo_directory_recognizes_the_demo(loaded: pd.DataFrame) -> None:
    assert is_demo_directory(loaded)


def test_is_demo_directory_rejects_other_sources() -> None:
    frame = pd.DataFrame({col.SOURCE: ["findtreatment export (csv)", "2015 directory"]})
    assert not is_demo_directory(frame)


def test_is_demo_directory_flags_a_mix_containing_demo_rows() -> None:
    frame = pd.DataFrame({col.SOURCE: ["findtreatment export (csv)", col.DEMO_SOURCE]})
    assert is_demo_directory(frame)


def test_generation_is_deterministic() -> None:
    first = generate_demo(seed=7, count=300)
    assert first.equals(generate_demo(seed=7, count=300))
    assert not first.equals(generate_demo(seed=8, count=300))


def test_committed_csv_matches_the_generator(tmp_path: Path) -> None:
    out = tmp_path / "demo.csv"
    rows = write_demo_csv(out)
    assert rows >= 3_000
    assert out.read_bytes() == DEMO_CSV.read_bytes(), (
        "data/demo_facilities.csv is out of date: run "
        "`python -m matching demo-data --out data/demo_facilities.csv`"
    )


def test_cli_regenerates_the_same_file(tmp_path: Path) -> None:
    out = tmp_path / "tmp.csv"
    done = subprocess.run(
        [sys.executable, "-m", "matching", "demo-data", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == DEMO_CSV.read_bytes()


def test_too_small_a_count_is_refused() -> None:
    with pytest.raises(ValueError, match="per state"):
        generate_demo(count=50)


@pytest.mark.parametrize("column", sorted(NATIONAL_COUNTS_2015))
def test_service_and_payer_shares_match_the_2015_directory(demo: pd.DataFrame, column: str) -> None:
    national = NATIONAL_COUNTS_2015[column] / NATIONAL_2015
    assert demo[column].mean() == pytest.approx(national, abs=0.04)


def test_hospital_detox_mostly_comes_with_hospital_inpatient(demo: pd.DataFrame) -> None:
    hospital_detox = demo[demo["detox_hospital"]]
    assert hospital_detox["hospital_inpatient"].mean() > 0.5
    assert demo["hospital_inpatient"].mean() < 0.1


def test_methadone_mostly_at_outpatient_programs(demo: pd.DataFrame) -> None:
    methadone = demo[demo["methadone"]]
    assert methadone["outpatient"].mean() > 0.8
    assert methadone["residential"].mean() < 0.15


def test_every_detox_subtype_implies_detox(demo: pd.DataFrame) -> None:
    subtype = demo["detox_hospital"] | demo["detox_residential"] | demo["detox_outpatient"]
    assert demo.loc[subtype, "detox_any"].all()
    assert not demo.loc[~demo["detox_any"], "detox_opioid"].any()


def test_moud_providers_accept_clients_on_moud(demo: pd.DataFrame) -> None:
    moud = demo["methadone"] | demo["buprenorphine"] | demo["naltrexone"]
    assert demo.loc[moud, "accepts_moud_clients"].all()


def test_facilities_sit_near_but_not_on_their_zip_centroid(demo: pd.DataFrame) -> None:
    centroids = {z["zip_code"]: z for z in zipcodes.list_all()}
    miles = [
        great_circle(
            (lat, lon), (float(centroids[code]["lat"]), float(centroids[code]["long"]))
        ).miles
        for lat, lon, code in zip(demo[col.LAT], demo[col.LON], demo[col.ZIP], strict=True)
    ]
    assert max(miles) < 25
    assert sum(m > 0.01 for m in miles) > 0.9 * len(miles)


def test_city_state_and_zip_come_from_the_same_zip_record(demo: pd.DataFrame) -> None:
    centroids = {z["zip_code"]: z for z in zipcodes.list_all()}
    for city, state, code in zip(demo[col.CITY], demo[col.STATE], demo[col.ZIP], strict=True):
        assert (centroids[code]["city"], centroids[code]["state"]) == (city, state)


def test_most_facilities_are_in_multi_zip_cities(demo: pd.DataFrame) -> None:
    # A population proxy: cities with several STANDARD ZIPs hold most facilities.
    standard = [z for z in zipcodes.list_all() if z["zip_code_type"] == "STANDARD"]
    zips_per_city = pd.Series([(z["state"], z["city"]) for z in standard]).value_counts()
    keys = list(zip(demo[col.STATE], demo[col.CITY], strict=True))
    city_size = zips_per_city.reindex(pd.Index(keys)).to_numpy()
    assert (city_size >= 3).mean() > 0.5


@settings(max_examples=50, deadline=None)
@given(count=st.integers(min_value=MIN_PER_STATE * 51, max_value=20_000))
def test_state_allocation_adds_up_and_keeps_the_minimum(count: int) -> None:
    allocation = state_allocation(count)
    assert sum(allocation.values()) == count
    assert set(allocation) == STATES_AND_DC
    assert min(allocation.values()) >= MIN_PER_STATE


def test_profile_rates_are_derived_from_service_codes() -> None:
    national = pd.DataFrame({"Keys": ["SA/HID/HIT/MD/", "SA/OP/SF/", "OP/MM/BU/SS/"]})
    counts, rates = derive_profile_rates(national)
    assert counts["hospital_detox"] == 1
    assert counts["outpatient"] == 1
    assert counts["opioid_treatment_program"] == 1
    hospital = list(counts).index("hospital_detox")
    assert rates["pay_medicaid"][hospital] == 1.0
    assert rates["pay_self"][hospital] == 0.0


@pytest.mark.realdata
def test_recorded_profiles_agree_with_the_2015_directory(real_data: Path) -> None:
    national = pd.read_csv(
        real_data / "GeoDaCenter_opioid-policy-scan" / "2015_g.csv",
        dtype="str",
        keep_default_na=False,
    )
    counts, rates = derive_profile_rates(national)
    assert counts == PROFILE_COUNTS_2015
    for column, recorded in PROFILE_RATES_2015.items():
        assert rates[column] == pytest.approx(recorded, abs=0.005), column


@pytest.mark.realdata
def test_recorded_state_counts_agree_with_the_2015_directory(real_data: Path) -> None:
    national = pd.read_csv(
        real_data / "GeoDaCenter_opioid-policy-scan" / "2015_g.csv",
        dtype="str",
        keep_default_na=False,
    )
    counts = national["State"].value_counts()
    assert {state: int(counts[state]) for state in STATES_AND_DC} == STATE_COUNTS_2015
