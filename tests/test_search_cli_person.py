"""`python -m matching search` with the person's profile flags."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from search_frames import directory, facility

from matching.cli.main import main
from matching.directory.io import write_directory


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "directory.csv"
    write_directory(
        directory(
            facility(
                1,
                miles=2,
                accepts_female=True,
                accepts_male=False,
                lang_spanish=True,
                program_pregnant_postpartum=True,
                methadone=True,
            ),
            facility(
                2,
                miles=3,
                accepts_female=False,
                accepts_male=True,
                lang_spanish=False,
                program_veterans=True,
                program_co_occurring=True,
                accepts_adults=True,
            ),
            facility(
                3,
                miles=4,
                accepts_adolescents=True,
                accepts_female=True,
                accepts_male=True,
                languages="Vietnamese; Arabic",
                lang_spanish=False,
            ),
        ),  # fmt: skip
        path,
    )
    return path


def _ids(capsys: pytest.CaptureFixture[str], data: Path, *flags: str) -> list[str]:
    code = main(["search", "--data", str(data), "--near", "10001", "--format", "csv", *flags])
    out = capsys.readouterr().out
    assert code == 0
    return [row["facility_id"] for row in csv.DictReader(io.StringIO(out))]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        # No age given: an adult is assumed, so the one that says it takes adults comes first.
        ((), ["f002", "f001", "f003"]),
        (("--sex", "female"), ["f001", "f003"]),
        (("--sex", "male"), ["f002", "f003"]),
        (("--pregnant",), ["f001"]),
        (("--language", "spanish"), ["f001"]),
        (("--language", "VIETNAMESE"), ["f003"]),
        (("--age", "adolescent"), ["f003"]),
        (("--age", "adult"), ["f002"]),
        (("--veteran",), ["f002"]),
        (("--co-occurring",), ["f002"]),
        (("--veteran", "--sex", "female"), []),
    ],
)
def test_each_person_flag_filters(
    data_file: Path, capsys: pytest.CaptureFixture[str], flags: tuple[str, ...], expected: list[str]
) -> None:
    assert _ids(capsys, data_file, *flags) == expected


def test_the_table_says_who_the_search_is_for(
    data_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["search", "--data", str(data_file), "--near", "10001", "--pregnant",
                 "--language", "spanish"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "For: an adult (assumed: no age given), pregnant or postpartum woman, in Spanish" in out
    assert "program for pregnant women with methadone or buprenorphine - listed first" in out


def test_an_empty_result_says_which_person_flag_to_drop(
    data_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["search", "--data", str(data_file), "--near", "10001", "--veteran",
                 "--sex", "female"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "No facilities match" in out
    assert "  - Drop the veterans-program requirement: 2 found" in out


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--age", "child"), "argument --age: invalid choice: 'child'"),
        (("--sex", "x"), "argument --sex: invalid choice: 'x'"),
        (("--pregnant", "--sex", "male"), "pregnant and sex 'male' contradict each other"),
        (("--language", "=1+1"), "language '=1+1' is not a language name"),
    ],
)
def test_bad_person_flags_exit_2_with_one_line(
    data_file: Path, capsys: pytest.CaptureFixture[str], flags: tuple[str, ...], message: str
) -> None:
    try:
        status = main(["search", "--data", str(data_file), "--near", "10001", *flags])
    except SystemExit as exc:  # argparse usage errors exit from inside main
        status = int(str(exc.code))
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_each_listing_says_where_it_comes_from_and_how_old_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.csv"
    write_directory(
        directory(
            facility(
                1,
                source="SAMHSA National Directory 2023",
                listed_at=pd.Timestamp("2023-03-31", tz="UTC"),
            ),
        ),  # fmt: skip
        path,
    )
    code = main(["search", "--data", str(path), "--near", "10001"])
    out = capsys.readouterr().out
    assert code == 0
    assert "     SAMHSA National Directory 2023 (2022 survey) — call to confirm" in out
    assert "All results come from a directory listed more than 18 months ago" in out
