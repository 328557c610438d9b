"""Files whose headers no alias can guess: --map FIELD=HEADER and one-line addresses."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.cli.main import main
from matching.directory import columns as col
from matching.directory.io import read_directory
from matching.errors import ImportFormatError
from matching.ingest import import_file
from matching.ingest.address import split_address
from matching.ingest.importers import Locating

FEED = (
    "ID,AccountName,AddressOneLine,Phone\n"
    'A-1,Colfax Recovery,"1245 East Colfax Avenue, Suite 203, Denver, Colorado 80218",'
    "303-555-0100\n"
    "A-2,Nowhere House,somewhere vague,\n"
)


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "state-feed.csv"
    path.write_text(FEED)
    return path


def test_one_line_address_is_split_with_full_state_names() -> None:
    parts, problem = split_address("1245 East Colfax Avenue, Suite 203, Denver, Colorado 80218")
    assert problem == ""
    assert parts == {
        col.STREET: "1245 East Colfax Avenue, Suite 203",
        col.CITY: "Denver",
        col.STATE: "CO",
        col.ZIP: "80218",
    }
    assert split_address("426 San Pedro Street,Los Angeles, CA 90013")[0][col.CITY] == "Los Angeles"


def test_an_address_without_city_state_or_zip_says_so() -> None:
    _, problem = split_address("somewhere vague")
    assert "no recognisable city, state, ZIP" in problem


def test_map_names_the_name_column_and_the_address_is_split(feed: Path) -> None:
    result = import_file(feed, column_map={"name": "AccountName"}, locating=Locating(references=()))
    row = result.frame.set_index(col.FACILITY_ID).loc["A-1"]
    assert (row[col.NAME], row[col.CITY], row[col.STATE], row[col.ZIP]) == (
        "Colfax Recovery", "Denver", "CO", "80218",
    )  # fmt: skip
    assert row[col.LOCATION_PRECISION] == "zip_centroid"
    assert [r for r, _ in result.report.rejected] == [2]
    assert "somewhere vague" in result.report.rejected[0][1]


def test_without_a_map_the_missing_field_is_named(feed: Path) -> None:
    with pytest.raises(ImportFormatError, match=r"missing required field\(s\) name.*--map"):
        import_file(feed)


def test_map_with_a_header_the_file_lacks_lists_its_columns(feed: Path) -> None:
    with pytest.raises(ImportFormatError, match="'Nope' is not a column.*AccountName"):
        import_file(feed, column_map={"name": "Nope"})


def test_map_with_an_unknown_field_is_refused(feed: Path) -> None:
    with pytest.raises(ImportFormatError, match="field 'nom' is not one of"):
        import_file(feed, column_map={"nom": "AccountName"})


def test_cli_map_writes_the_mapped_listing(
    feed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    code = main(["import", str(feed), "--map", "name=AccountName", "--out", str(out)])
    assert code == 0 and "Imported 1 of 2 rows" in capsys.readouterr().out
    assert read_directory(out)[col.NAME].tolist() == ["Colfax Recovery"]


def test_cli_malformed_map_exits_2_and_writes_nothing(
    feed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.csv"
    code = main(["import", str(feed), "--map", "AccountName", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "must look like FIELD=HEADER" in err and len(err.splitlines()) == 1
    assert not out.exists()
