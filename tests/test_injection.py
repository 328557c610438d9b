"""Nothing hostile in listing data reaches a spreadsheet as a formula or a terminal as a command."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from search_frames import directory, facility

from matching.cli.main import main
from matching.directory.io import write_directory
from matching.directory.text_safety import neutralize_formulas, terminal_text
from matching.render import exports

HOSTILE = {
    "facility_id": "=cmd3",
    "phone": "=1+2",
    "intake_phone": "@SUM(A1)",
    "name": ' =HYPERLINK("http://evil.example")',
    "city": "+city",
}


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    path = tmp_path / "directory.csv"
    name = "Evil\x1b]0;owned\x07 Clinic \x1b[2J\x1b[31mred\x1b[0m\u202eevil\x00\x08"
    write_directory(
        directory(facility(1, miles=2, **HOSTILE), facility(2, miles=3, name=name)), path
    )
    return path


def test_search_csv_neutralizes_every_text_cell(
    hostile_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "--data", str(hostile_file), "--near", "10001", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    first = rows[0]
    for column, value in HOSTILE.items():
        assert first[column] == "'" + value, column
    assert float(rows[0]["distance_miles"]) > 0  # numbers stay numbers


def test_one_neutralizer_for_every_csv_export() -> None:
    frame = pd.DataFrame({"text": ["=1+2", "-2", "  @x", "fine"], "number": [-1.5, 2.0, 3.0, 4.0]})
    out = neutralize_formulas(frame)
    assert out["text"].tolist() == ["'=1+2", "'-2", "'  @x", "fine"]
    assert out["number"].tolist() == [-1.5, 2.0, 3.0, 4.0]
    assert exports.neutralize_formulas is neutralize_formulas
    back = pd.read_csv(io.BytesIO(exports.csv_bytes(frame)), encoding="utf-8-sig", dtype="str")
    assert back["text"].tolist()[0] == "'=1+2"


def test_table_output_strips_terminal_escapes(
    hostile_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "--data", str(hostile_file), "--near", "10001"]) == 0
    out = capsys.readouterr().out
    assert "Evil Clinic red" in out and "evil" in out
    assert not any(ch in out for ch in "\x1b\x07\x00\x08\u202e")


def test_import_report_strips_terminal_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "listing.csv"
    source.write_text(
        "name,street,city,state,zip,lat,lon\n"
        "Good Clinic,1 Main St,Boston,MA,02108,42.36,-71.06\n"
        "Bad Clinic,2 Main St,Boston,M\x1b[2JA,02108,42.36,-71.06\n",
        encoding="utf-8",
    )
    assert main(["import", str(source), "--out", str(tmp_path / "out.csv")]) == 0
    out = capsys.readouterr().out
    assert "rejected row 2: state 'M[2JA'" not in out
    assert "rejected row 2: state 'MA'" in out
    assert "\x1b" not in out


def test_terminal_text_keeps_ordinary_text() -> None:
    assert terminal_text("Zoë's Place\tBed 1\nline 2") == "Zoë's Place\tBed 1\nline 2"
    assert terminal_text("a\x1b[1;31mb\x1b[0mc\x9bd") == "abcd"
