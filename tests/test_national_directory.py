"""SAMHSA's National Directory workbook (2022-2025): small in-test workbooks and bad input."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from matching.directory import columns as col
from matching.errors import FacilityDataError, ImportFormatError
from matching.ingest import detect_format, import_file
from matching.ingest.importers import Locating

ROOT = Path(__file__).resolve().parents[1]
HEADER_2023 = [
    "Name1", "Name2", "Street1", "Street2", "City", "State", "Zip", "Phone",
    "Intake1", "Intake2", "Intake1a", "Intake2a", "Service_code_info",
]  # fmt: skip
REFERENCE_HEADER = [
    "category_code", "category_name", "service_code", "service_name", "service_description",
]  # fmt: skip
# A slice of the real reference: detox, opioid treatment, payment, ages, sex, programs, language.
REFERENCE = [
    ("TC", "Type of Care", "SA", "Substance use treatment", ""),
    ("TC", "Type of Care", "DT", "Detoxification", ""),
    ("SET", "Service Setting", "RES", "Residential/24-hour residential", ""),
    ("SET", "Service Setting", "OP", "Outpatient", ""),
    ("OT", "Type of Opioid Treatment", "DM", "Methadone detoxification", ""),
    ("OT", "Type of Opioid Treatment", "MOA", "Accepts clients using MAT", ""),
    ("DETOX", "Detoxification", "ODTX", "Opioids detoxification", ""),
    ("PAY", "Payment", "MD", "Medicaid", ""),
    ("PAY", "Payment", "SF", "Cash or self-payment", ""),
    ("AGE", "Age Groups Accepted", "ADLT", "Adults", ""),
    ("GN", "Gender Accepted", "FEM", "Female", ""),
    ("GN", "Gender Accepted", "MALE", "Male", ""),
    ("SG", "Special Programs", "PW", "Pregnant/postpartum women", ""),
    ("SL", "Language Services", "SP", "Spanish", ""),
    ("OL", "Other Languages", "F47", "Korean", ""),
    ("LCA", "Licensing", "JC", "The Joint Commission", ""),
]
ROWS = [
    ["Cedar House", "", "1 Main Street", "", "Burlington", "VT", "05401", "802-555-0100",
     "", "", "", "", "SA DT * RES * ODTX * MD * ADLT * FEM * PW * SP * F47 * JC"],
    ["Pine Clinic", "Outpatient", "2 Oak Avenue", "Suite 4", "Denver", "CO", "80218", "",
     "303-555-0101", "", "", "", "SA * OP * DM * SF SS * ADLT * FEM MALE"],
]  # fmt: skip


def write_workbook(
    path: Path,
    rows: list[list[str]] | None = None,
    *,
    header: list[str] | None = None,
    reference: Sequence[tuple[str, ...]] | None = None,
    sheets: tuple[str, str] = ("Facilities List", "Service Code Reference"),
    title: str | None = "2023 SU Facilities for All Cities",
) -> Path:
    """Write a National Directory-shaped workbook (openpyxl) and return its path."""
    book = openpyxl.Workbook()
    facilities = book.active
    facilities.title = sheets[0]
    facilities.append(header or HEADER_2023)
    for row in ROWS if rows is None else rows:
        facilities.append(row)
    if sheets[1]:
        codes = book.create_sheet(sheets[1])
        codes.append(REFERENCE_HEADER)
        for entry in REFERENCE if reference is None else reference:
            codes.append(list(entry))
    book.properties.title = title
    book.save(path)
    return path


def no_locating() -> Locating:
    return Locating(references=())


def test_workbook_is_detected_and_imported(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "directory.xlsx")
    assert detect_format(path.read_bytes(), path.name) == "national-directory"
    result = import_file(path, locating=no_locating())
    frame = result.frame.set_index(col.NAME)
    assert result.report.format == "national-directory" and result.report.rows_imported == 2
    cedar, pine = frame.loc["Cedar House"], frame.loc["Pine Clinic"]
    assert cedar["detox_opioid"] and cedar["residential"] and cedar["pay_medicaid"]
    assert cedar["program_pregnant_postpartum"] and cedar["lang_spanish"]
    assert cedar["accepts_female"] and not cedar["accepts_male"]
    assert cedar[col.LANGUAGES] == "Korean" and cedar[col.ACCREDITATIONS] == "The Joint Commission"
    assert pine["detox_opioid"] and pine["methadone"] and not pine["pay_medicaid"]
    assert pine[col.STREET] == "2 Oak Avenue, Suite 4" and pine[col.INTAKE_PHONE] == "303-555-0101"
    assert (frame[col.SOURCE] == "SAMHSA National Directory 2023").all()
    assert (frame[col.LISTED_AT] == pd.Timestamp("2023-01-01", tz="UTC")).all()


def test_the_reference_sheet_is_the_vocabulary(tmp_path: Path) -> None:
    """Without ODTX, MOA and SNR in the reference, those columns cannot be "no"."""
    reference = [entry for entry in REFERENCE if entry[2] not in ("ODTX", "MOA")]
    rows = [ROWS[0][:-1] + ["SA DT * RES * MD * ADLT * FEM"], ROWS[1]]
    frame = import_file(
        write_workbook(tmp_path / "d.xlsx", rows, reference=reference), locating=no_locating()
    ).frame.set_index(col.NAME)
    assert pd.isna(frame.loc["Cedar House", "detox_opioid"])  # could not say
    assert frame.loc["Pine Clinic", "detox_opioid"]  # DM says yes all the same
    assert frame["accepts_moud_clients"].isna().all()
    assert frame["accepts_seniors"].isna().all()  # SNR is not in this reference
    assert not frame.loc["Cedar House", "pay_self"]  # SF is: the source could have said yes


def test_a_row_that_lists_no_sex_or_age_did_not_answer(tmp_path: Path) -> None:
    rows = [ROWS[0][:-1] + ["SA DT * RES * MD"], ROWS[1]]
    frame = import_file(
        write_workbook(tmp_path / "d.xlsx", rows), locating=no_locating()
    ).frame.set_index(col.NAME)
    cedar = frame.loc["Cedar House"]
    assert pd.isna(cedar["accepts_female"]) and pd.isna(cedar["accepts_male"])
    assert pd.isna(cedar["accepts_adults"])
    # It lists no special program at all: that says nothing about any (issue 20).
    assert pd.isna(cedar["program_pregnant_postpartum"])
    assert frame.loc["Pine Clinic", "accepts_male"]


def test_lower_case_2022_headers(tmp_path: Path) -> None:
    header = [name.lower() for name in HEADER_2023]
    path = write_workbook(tmp_path / "national-directory-2022.xlsx", header=header, title=None)
    frame = import_file(path, locating=no_locating()).frame
    assert len(frame) == 2 and (frame[col.SOURCE] == "SAMHSA National Directory 2022").all()


def test_missing_sheet_is_named(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "d.xlsx", sheets=("Facilities List", ""))
    with pytest.raises(ImportFormatError, match="no sheet 'Service Code Reference'"):
        import_file(path, fmt="national-directory")


def test_renamed_columns_are_named(tmp_path: Path) -> None:
    header = [("Codes" if name == "Service_code_info" else name) for name in HEADER_2023]
    path = write_workbook(tmp_path / "d.xlsx", header=header)
    with pytest.raises(ImportFormatError, match="missing the column.s. service_code_info"):
        import_file(path, fmt="national-directory")


def test_unknown_codes_are_counted_not_dropped(tmp_path: Path) -> None:
    rows = [ROWS[0][:-1] + ["SA DT * ZZNEW * MD"], ROWS[1]]
    result = import_file(write_workbook(tmp_path / "d.xlsx", rows), locating=no_locating())
    assert result.report.unmapped == {"ZZNEW": 1} and result.report.rows_imported == 2


def test_blank_and_malformed_zips_are_rejected_with_reasons(tmp_path: Path) -> None:
    rows = [ROWS[0][:6] + [""] + ROWS[0][7:], ROWS[1][:6] + ["8O218"] + ROWS[1][7:], ROWS[1]]
    rows[2] = rows[2][:0] + ["Third"] + rows[2][1:]
    result = import_file(write_workbook(tmp_path / "d.xlsx", rows), locating=no_locating())
    assert result.frame[col.NAME].tolist() == ["Third"]
    assert [row for row, _ in result.report.rejected] == [1, 2]
    assert all("is not 5 digits" in reason for _, reason in result.report.rejected)


def test_repeated_rows_are_left_out_with_the_row_they_repeat(tmp_path: Path) -> None:
    rows = [ROWS[0], ROWS[1], list(ROWS[0])]
    result = import_file(write_workbook(tmp_path / "d.xlsx", rows), locating=no_locating())
    assert result.report.rows_imported == 2
    assert result.report.rejected == [(3, "repeats row 1 cell for cell; left out")]


def test_zip_without_a_center_stays_unlocated_never_at_a_place(tmp_path: Path) -> None:
    rows = [ROWS[0][:6] + ["00000"] + ROWS[0][7:], ROWS[1]]
    result = import_file(write_workbook(tmp_path / "d.xlsx", rows), locating=no_locating())
    frame = result.frame.set_index(col.NAME)
    assert frame.loc["Cedar House", col.LOCATION_PRECISION] == "none"
    assert (frame.loc["Cedar House", col.LAT], frame.loc["Cedar House", col.LON]) == (0.0, 0.0)
    assert frame.loc["Pine Clinic", col.LOCATION_PRECISION] == "zip_centroid"
    counts = result.report.locate_counts
    assert counts is not None and (counts.zip_centroid, counts.unlocated) == (1, 1)
    assert any("1 not located" in note for note in result.report.notes)


def test_address_match_copies_a_reference_location(tmp_path: Path) -> None:
    reference = pd.DataFrame(
        {
            col.NAME: ["Some Other Name", "Pine Clinic"],
            col.STREET: ["1 Main St.", "99 Elsewhere Rd"],
            col.ZIP: ["05401", "80218"],
            col.LAT: [44.4759, 39.7401],
            col.LON: [-73.2121, -104.9700],
        }
    )
    path = write_workbook(tmp_path / "d.xlsx")
    frame = import_file(path, locating=Locating(references=(reference,))).frame
    by_name = frame.set_index(col.NAME)
    cedar, pine = by_name.loc["Cedar House"], by_name.loc["Pine Clinic"]
    # Street + ZIP ("1 Main Street" = "1 Main St."), then name + ZIP.
    assert (cedar[col.LAT], cedar[col.LOCATION_PRECISION]) == (44.4759, "address_match")
    assert (pine[col.LON], pine[col.LOCATION_PRECISION]) == (-104.97, "address_match")


def test_cli_bad_workbook_exits_2_with_one_line_and_keeps_the_old_output(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "d.xlsx", sheets=("Facilities List", ""))
    out = tmp_path / "out.csv"
    out.write_text("previous contents\n")
    done = subprocess.run(
        [sys.executable, "-m", "matching", "import", str(path), "--format",
         "national-directory", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Service Code Reference" in done.stderr
    assert out.read_text() == "previous contents\n"


def test_no_usable_row_fails_the_import(tmp_path: Path) -> None:
    rows = [ROWS[0][:5] + ["Vermont"] + ROWS[0][6:]]
    with pytest.raises(FacilityDataError, match="No row"):
        import_file(write_workbook(tmp_path / "d.xlsx", rows), locating=no_locating())
