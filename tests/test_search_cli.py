"""`python -m matching search`: the command-line contract."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from search_frames import directory, facility

from matching.cli.main import main
from matching.directory.io import write_directory

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "directory.csv"
    write_directory(
        directory(
            facility(
                1,
                miles=3,
                name='=HYPERLINK("x")',
                pay_medicaid=True,
                detox_any=True,
                beds_open_detox=2,
                availability_status="openings",
                # The CLI judges freshness against the real clock, so the report is 3 h old *now*.
                availability_reported_at=datetime.now(UTC) - timedelta(hours=3),
            ),
            facility(2, miles=10, pay_medicaid=False, detox_any=True),
            facility(3, miles=200, pay_medicaid=True),
        ),  # fmt: skip
        path,
    )
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["search", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_csv_has_the_contract_columns(data_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--data", str(data_file), "--near", "10001", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert {"facility_id", "name", "city", "state", "phone", "distance_miles", "score",
            "reasons", "beds_open_detox", "availability_status",
            "availability_reported_at"} <= set(rows[0])  # fmt: skip
    assert [row["facility_id"] for row in rows] == ["f001", "f002"]


def test_csv_neutralizes_spreadsheet_formulas(
    data_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "--data", str(data_file), "--near", "10001", "--format", "csv")
    assert list(csv.DictReader(io.StringIO(out)))[0]["name"].startswith("'=")


def test_filters_apply_from_the_command_line(
    data_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(
        capsys, "--data", str(data_file), "--near", "10001", "--payer", "medicaid",
        "--detox", "any", "--min-beds", "1", "--max-age-hours", "72", "--format", "json",
    )  # fmt: skip
    results = json.loads(out)
    assert [row["facility_id"] for row in results] == ["f001"]
    assert results[0]["beds_open_detox"] == 2
    assert results[0]["freshness"] == "fresh"


def test_top_zero_means_all_matches(data_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(
        capsys, "--data", str(data_file), "--near", "10001", "--radius-miles", "500",
        "--top", "0", "--format", "json",
    )  # fmt: skip
    assert len(json.loads(out)) == 3


def test_top_limits_the_output(data_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--data", str(data_file), "--near", "10001", "--top", "1",
                    "--format", "json")  # fmt: skip
    assert len(json.loads(out)) == 1


def test_table_is_readable_and_shows_crisis_lines(
    data_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "--data", str(data_file), "--near", "10001")
    assert "showing 2 of 2 matches" in out
    assert "  1. " in out and "988" in out


def test_unknown_place_exits_2_with_one_line(
    data_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--data", str(data_file), "--near", "Bostn, MA")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Did you mean Boston, MA" in err


def test_bad_preset_exits_2(data_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--data", str(data_file), "--near", "10001", "--preset", "x")
    assert code == 2 and "preset 'x'" in err


def test_negative_top_exits_2(data_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--data", str(data_file), "--near", "10001", "--top", "-1")
    assert code == 2 and "--top" in err


def test_missing_data_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--data", str(tmp_path / "nope.csv"), "--near", "10001")
    assert code == 2 and "does not exist" in err


def test_demo_flag_searches_the_demo_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--demo", "--near", "10001", "--format", "csv", "--top", "5")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 5
    assert all(row["availability_source"] == "demo (synthetic)" or row["availability_source"] == ""
               for row in rows)  # fmt: skip


def test_without_data_searches_the_shipped_national_directory(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "--near", "80218", "--format", "csv", "--top", "0")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) > 20
    assert not any("Fictional" in row["name"] for row in rows)
    assert {row["state"] for row in rows} == {"CO"}


def test_data_and_demo_together_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(capsys, "--demo", "--data", "x.csv", "--near", "10001")
    assert stopped.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_real_process_exits_2_without_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "matching", "search", "--near", "00000"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ZIP 00000 does not exist")
