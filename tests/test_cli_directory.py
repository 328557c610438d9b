"""`python -m matching import|availability` as a user runs it: exit codes, stderr, files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from matching.directory import columns as col

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "matching", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_writes_canonical_csv_and_prints_report(tmp_path, fixtures):
    out = tmp_path / "directory.csv"
    done = _run("import", str(fixtures / "import_directory2015.csv"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert (
        "Imported 3 of 3 rows from import_directory2015.csv (format directory-2015)" in done.stdout
    )
    written = pd.read_csv(out, dtype="str", keep_default_na=False)
    assert list(written.columns[: len(col.CANONICAL_COLUMNS)]) == list(col.CANONICAL_COLUMNS)
    assert written[col.ZIP].tolist() == ["03101", "03301", "03301"]


def test_import_failure_exits_2_with_one_line_and_keeps_out(tmp_path):
    out = tmp_path / "directory.csv"
    out.write_text("precious\n")
    bad = tmp_path / "broken.json"
    bad.write_text('{"rows": [{"frid": "x", ')
    done = _run("import", str(bad), "--out", str(out))
    assert done.returncode == 2
    assert done.stderr.startswith("error: broken.json is not valid JSON")
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert out.read_text() == "precious\n"


def test_import_forced_wrong_format_exits_2(tmp_path, fixtures):
    done = _run(
        "import",
        str(fixtures / "import_generic.csv"),
        "--out",
        str(tmp_path / "o.csv"),
        "--format",
        "findtreatment-csv",
    )
    assert done.returncode == 2
    assert "--format findtreatment-csv expects the columns name1, latitude and longitude" in (
        done.stderr
    )
    assert not (tmp_path / "o.csv").exists()


def test_import_missing_source_exits_2(tmp_path):
    done = _run("import", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o.csv"))
    assert done.returncode == 2
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_availability_merges_feed(tmp_path, fixtures):
    data = tmp_path / "directory.csv"
    assert _run("import", str(fixtures / "import_generic.csv"), "--out", str(data)).returncode == 0
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "facility_id,beds_open_detox,availability_status,availability_reported_at,"
        "availability_source\nG-1,3,openings,2026-11-26T08:00:00Z,registry\n"
        "G-9,1,openings,2026-11-26T08:00:00Z,registry\n"
    )
    out = tmp_path / "merged.csv"
    done = _run("availability", str(feed), "--data", str(data), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "1 applied" in done.stdout and "unmatched row 2: no facility has facility_id 'G-9'" in (
        done.stdout
    )
    merged = pd.read_csv(out, dtype="str", keep_default_na=False).set_index(col.FACILITY_ID)
    assert merged.loc["G-1", col.BEDS_OPEN_DETOX] == "3"
    assert merged.loc["G-1", col.AVAILABILITY_REPORTED_AT] == "2026-11-26T08:00:00Z"


def test_availability_bad_feed_exits_2_and_keeps_out(tmp_path, fixtures):
    data = tmp_path / "directory.csv"
    _run("import", str(fixtures / "import_generic.csv"), "--out", str(data))
    feed = tmp_path / "feed.csv"
    feed.write_text("facility_id,availability_reported_at\nG-1,not a date\n")
    out = tmp_path / "merged.csv"
    out.write_text("keep me\n")
    done = _run("availability", str(feed), "--data", str(data), "--out", str(out))
    assert done.returncode == 2
    assert "row 1, column 'availability_reported_at'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert out.read_text() == "keep me\n"


def test_usage_errors_name_the_command_that_was_run() -> None:
    top = _run()
    assert top.returncode == 2
    assert "see `python -m matching -h`" in top.stderr
    sub = _run("import")
    assert sub.returncode == 2
    assert "see `python -m matching import -h`" in sub.stderr
    assert "matching matching" not in top.stderr + sub.stderr
