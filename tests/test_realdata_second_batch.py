"""Real files of the second batch (National Directory 2023, 2021 locator, California DHCS) and
"unknown is not no" on every real source; read in place from ../shared/data/real, skipped when
absent."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from matching.directory import columns as col
from matching.directory.default import DEFAULT_CSV
from matching.directory.io import read_directory, to_csv_text
from matching.directory.zip_centroids import zip_centroids
from matching.ingest import import_file
from matching.ingest.importers import Locating

pytestmark = pytest.mark.realdata

ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
DIRECTORY_2023 = (
    REAL_DATA
    / "gauravshetty98_Analyzing-Statewise-Substance-Abuse"
    / "national-directory-su-facilities-2023.xlsx"
)
LOCATOR_2021 = REAL_DATA / "GeoDaCenter_opioid-policy-scan" / "SubstanceUseTreatment_Geocoded.csv"
DIRECTORY_2015 = REAL_DATA / "GeoDaCenter_opioid-policy-scan" / "2015_g.csv"
CA_DHCS = REAL_DATA / "bestrehabs_california-treatment-facility-licenses" / "facilities.csv"


def _need(path: Path) -> Path:
    if not path.is_file():
        pytest.skip("../shared/data/real is not present beside this checkout")
    return path


@pytest.fixture(scope="module")
def directory_2023():
    result = import_file(
        _need(DIRECTORY_2023), locating=Locating(references=(_need(LOCATOR_2021),))
    )
    return result


@pytest.fixture(scope="module")
def raw_codes_2023() -> list[set[str]]:
    """Each row's codes, read straight from Service_code_info (no ReadyBed code involved)."""
    book = openpyxl.load_workbook(_need(DIRECTORY_2023), read_only=True)
    rows = book["Facilities List"].iter_rows(values_only=True)
    header = list(next(rows))
    at = header.index("Service_code_info")
    codes = [set(str(row[at] or "").replace("*", " ").split()) for row in rows]
    book.close()
    return codes


def _count(codes: list[set[str]], *wanted: str) -> int:
    return sum(1 for row in codes if row & set(wanted))


def _codes_of_group(column: str) -> set[str]:
    """Return the codes that set any column of ``column``'s category (data/service_codes.csv)."""
    [group] = [group for group in col.DENIAL_GROUPS if column in group]
    mapping = pd.read_csv(ROOT / "data" / "service_codes.csv", dtype="str")
    codes = mapping[(mapping["kind"] == "code") & mapping["column"].isin(group)]
    return set(codes["key"])


def test_2023_imports_every_row(directory_2023) -> None:
    assert directory_2023.report.rows_read == 12_744
    assert directory_2023.report.rows_imported == 12_744
    assert directory_2023.report.unmapped == {}  # every code of the reference is mapped


@pytest.mark.parametrize(
    ("column", "codes"),
    [
        ("pay_medicaid", ("MD",)),
        ("accepts_female", ("FEM",)),
        ("program_pregnant_postpartum", ("PW",)),
        ("lang_spanish", ("SP",)),
        ("detox_opioid", ("ODTX", "DM", "DB", "DLC")),
        ("otp_certified", ("OTP", "SOTP")),
        ("accepts_adolescents", ("CHLD",)),
        ("program_veterans", ("VET",)),
        ("telehealth", ("TELE",)),
        ("state_licensed", ("STAG", "STMH", "STDH")),
        ("accepts_moud_clients", ("MOA",)),
    ],
)
def test_2023_flag_counts_agree_with_the_raw_codes(
    directory_2023, raw_codes_2023, column: str, codes: tuple[str, ...]
) -> None:
    frame = directory_2023.frame
    assert int(frame[column].sum()) == _count(raw_codes_2023, *codes)
    # "Not listed" is a "no" only on rows that list some code of the column's category (issue
    # 20): a row listing only its ownership and smoking policy says nothing about detox.
    category = _codes_of_group(column)
    unanswered = sum(1 for row in raw_codes_2023 if not row & category)
    assert int(frame[column].isna().sum()) == unanswered
    assert int(frame[column].eq(False).sum()) == len(raw_codes_2023) - unanswered - int(
        frame[column].sum()
    )


def test_2023_rows_with_odtx_are_opioid_detox(directory_2023, raw_codes_2023) -> None:
    with_odtx = [i for i, row in enumerate(raw_codes_2023) if "ODTX" in row]
    assert len(with_odtx) > 1_000
    assert directory_2023.frame["detox_opioid"].iloc[with_odtx].all()


def test_2023_languages_by_name(directory_2023, raw_codes_2023) -> None:
    korean = directory_2023.frame[col.LANGUAGES].str.contains("Korean")
    assert int(korean.sum()) == _count(raw_codes_2023, "F47")


def test_2023_is_located_by_address_then_zip_center(directory_2023) -> None:
    frame = directory_2023.frame
    counts = directory_2023.report.locate_counts
    assert counts is not None
    assert counts.address_match + counts.zip_centroid + counts.unlocated == 12_744
    assert counts.address_match / 12_744 > 0.72  # SOURCES.md: 72 % by street or name + ZIP
    assert (frame[col.LOCATION_PRECISION] == "address_match").sum() == counts.address_match
    centered = frame[frame[col.LOCATION_PRECISION] == "zip_centroid"]
    centers = zip_centroids()
    assert all(
        (lat, lon) == centers[zip_code]
        for lat, lon, zip_code in zip(
            centered[col.LAT], centered[col.LON], centered[col.ZIP], strict=True
        )
    )
    unlocated = frame[frame[col.LOCATION_PRECISION] == "none"]
    assert ((unlocated[col.LAT] == 0) & (unlocated[col.LON] == 0)).all()


def test_shipped_default_is_the_reproducible_build(directory_2023) -> None:
    """data/national_directory_2023.csv is exactly what the documented command writes."""
    # Compared by digest: a failing comparison of two 9 MB strings would take pytest ages.
    built = hashlib.sha256(to_csv_text(directory_2023.frame).encode("utf-8")).hexdigest()
    assert hashlib.sha256(DEFAULT_CSV.read_bytes()).hexdigest() == built, (
        "data/national_directory_2023.csv is stale: rebuild it with the command in data/README.md"
    )


def test_shipped_default_reads_back_valid_and_labelled() -> None:
    frame = read_directory(DEFAULT_CSV)
    assert len(frame) == 12_744
    assert (frame[col.SOURCE] == "SAMHSA National Directory 2023").all()
    assert set(frame[col.LOCATION_PRECISION]) <= {"address_match", "zip_centroid", "none"}


# --- unknown is not no on the older sources ------------------------------------------------


@pytest.fixture(scope="module")
def directory_2015() -> pd.DataFrame:
    return import_file(_need(DIRECTORY_2015)).frame


def test_2015_cannot_deny_opioid_detox_or_moud_clients(directory_2015) -> None:
    frame = directory_2015
    # DM (methadone detox) says yes where it appears; nowhere does the 2015 edition say no.
    assert int(frame["detox_opioid"].sum()) == 725
    assert not frame["detox_opioid"].eq(False).any()
    assert frame["accepts_moud_clients"].isna().all()
    for column in ("accredited", "accepts_seniors", "program_young_adults", "telehealth"):
        assert frame[column].isna().all(), column


def test_2015_says_no_where_its_codes_could_say_yes(directory_2015) -> None:
    frame = directory_2015
    assert int(frame["program_pregnant_postpartum"].sum()) == 2_457  # PW
    # A "no" exactly where the row lists some special program but not PW, or some payment but
    # not MD (counted from the raw Keys with the mapping file, not by the importer).
    keys = [set(text.strip("/").split("/")) for text in pd.read_csv(DIRECTORY_2015, dtype="str",
            keep_default_na=False)["Keys"]]  # fmt: skip
    for column, code in (("program_pregnant_postpartum", "PW"), ("pay_medicaid", "MD")):
        answered = sum(1 for row in keys if row & _codes_of_group(column) and code not in row)
        assert int(frame[column].eq(False).sum()) == answered, column
    assert frame["accepts_adolescents"].sum() == 5_017  # CHLD


def test_2021_locator_says_nothing_about_services(tmp_path: Path) -> None:
    result = import_file(_need(LOCATOR_2021))
    frame = result.frame
    assert len(frame) == 14_034
    for column in (*col.SERVICE_COLUMNS, *col.PROFILE_COLUMNS):
        assert frame[column].isna().all(), column
    assert (frame[col.LOCATION_PRECISION] == "exact").all()


# --- California DHCS licensing list --------------------------------------------------------


@pytest.fixture(scope="module")
def ca_dhcs():
    return import_file(_need(CA_DHCS))


def test_ca_dhcs_is_detected_and_keeps_capacity_and_expiry(ca_dhcs) -> None:
    raw = pd.read_csv(CA_DHCS, dtype="str", keep_default_na=False)
    frame = ca_dhcs.frame
    assert ca_dhcs.report.format == "ca-dhcs-licensing"
    assert ca_dhcs.report.rows_imported == 2_265  # the row without address or ZIP is rejected
    kept = raw[raw["license_number"].isin(frame[col.FACILITY_ID].str.removeprefix("CA-DHCS-"))]
    assert int(frame[col.LICENSED_BEDS].sum()) == pd.to_numeric(kept["treatment_capacity"]).sum()
    assert int(frame[col.LICENSE_EXPIRED].sum()) == (kept["license_expired"] == "true").sum()
    assert any("expired licence" in note for note in ca_dhcs.report.notes)
    first = frame.set_index(col.FACILITY_ID).loc["CA-DHCS-010001AN"]
    assert first[col.LICENSE_EXPIRES] == pd.Timestamp("2027-10-31", tz="UTC")


def test_ca_dhcs_setting_detox_and_population(ca_dhcs) -> None:
    frame = ca_dhcs.frame
    raw = pd.read_csv(CA_DHCS, dtype="str", keep_default_na=False).set_index("license_number")
    ids = frame[col.FACILITY_ID].str.removeprefix("CA-DHCS-")
    setting = raw.loc[ids, "setting_code"].to_numpy()
    population = raw.loc[ids, "target_population"].to_numpy()
    residential = frame["residential"]
    assert residential[setting == "RES"].all() and not residential[setting == "NON"].any()
    assert residential[(setting != "RES") & (setting != "NON")].isna().all()
    women = population == "WOMEN ONLY"
    assert frame["accepts_female"][women].all() and not frame["accepts_male"][women].any()
    men = population == "MEN ONLY"
    assert frame["accepts_male"][men].all() and not frame["accepts_female"][men].any()
    assert frame["accepts_adolescents"][population == "YOUTH/ADOLESCENT"].all()
    assert frame["detox_any"].notna().all()
    # The list says nothing about payment or medication: unknown, not "no".
    for column in ("pay_medicaid", "methadone", "buprenorphine", "detox_opioid"):
        assert frame[column].isna().all(), column


def test_api_rows_without_a_sex_category_did_not_answer() -> None:
    path = _need(REAL_DATA / "CBHSQ_findtreatment" / "findtreatment_api_sample_2019-05.json")
    frame = import_file(path).frame
    mental_health = frame[col.FACILITY_TYPE] == "MH"
    assert mental_health.sum() == 16  # these rows list no "Gender accepted" names at all
    assert frame.loc[mental_health, "accepts_female"].isna().all()
    assert frame.loc[~mental_health, "accepts_male"].all()
