"""Hostile files are refused in seconds with bounded memory: workbook and zip bombs, deep JSON.

Each hostile file is built here. The import runs in a child process that reports its own peak
memory growth (``resource.getrusage``) and the message it was refused with; the generous
timeout is only a guard against a hang, never a speed assertion.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from matching.errors import ImportFormatError
from matching.ingest import import_bytes
from matching.ingest.safe_json import json_nesting_depth
from matching.ingest.workbook import WorkbookLimits, read_sheet_frame

ROOT = Path(__file__).resolve().parents[1]
GUARD_SECONDS = 180
# Importing pandas and openpyxl costs the child ~100 MB before the file is touched; a bomb that
# got through would cost gigabytes (1.3 GB for the 18 KB row bomb before this check).
MAX_GROWTH_MB = 150

_HEADER = ("name1", "state", "zip", "latitude", "longitude")


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def write_workbook(path: Path, sheet_rows: list[str] | bytes, dimension: str | None) -> Path:
    """Write a minimal .xlsx whose only sheet holds ``sheet_rows`` (XML <row> elements)."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + "<sheetData>"
    )
    # Every other part comes from a real (empty) workbook, so only the sheet is hostile.
    blank = io.BytesIO()
    Workbook().save(blank)
    template = zipfile.ZipFile(blank)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in template.namelist():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, template.read(name))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head.encode())
            if isinstance(sheet_rows, bytes):
                for _ in range(60):  # 60 x 1 MB of one repeated byte pattern
                    sheet.write(sheet_rows)
            else:
                sheet.write("".join(sheet_rows).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def header_row() -> str:
    cells = "".join(
        _inline(f"{letter}1", name) for letter, name in zip("ABCDE", _HEADER, strict=True)
    )
    return f'<row r="1">{cells}</row>'


def row_bomb(path: Path, dimension: str | None) -> Path:
    """The probe's 18 KB workbook: 2,000 rows that each touch the last column, XFD."""
    rows = [header_row()] + [
        f'<row r="{n}">{_inline(f"XFD{n}", "x")}</row>' for n in range(2, 2002)
    ]
    return write_workbook(path, rows, dimension)


def refuse_in_child(path: Path) -> dict[str, object]:
    """Import ``path`` in a fresh process; return its error message and memory growth."""
    script = f"""
import json, resource, sys
sys.path.insert(0, {str(ROOT)!r})
import pandas, openpyxl
from matching.errors import ReadyBedError
from matching.ingest import import_file
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    import_file({str(path)!r})
    message = None
except ReadyBedError as exc:
    message = str(exc)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"message": message, "growth_mb": (after - before) / 1024}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=GUARD_SECONDS
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_row_bomb_workbook_is_refused_with_flat_memory(tmp_path: Path) -> None:
    path = row_bomb(tmp_path / "rows.xlsx", dimension="A1:XFD2001")
    assert path.stat().st_size < 40_000
    outcome = refuse_in_child(path)
    assert outcome["message"] is not None
    assert "16,384 columns" in str(outcome["message"])
    assert "\n" not in str(outcome["message"])
    assert float(outcome["growth_mb"]) < MAX_GROWTH_MB  # type: ignore[arg-type]


def test_a_row_bomb_that_hides_its_size_is_streamed_and_refused(tmp_path: Path) -> None:
    # No <dimension>: only the streaming read, cut to the header's width, stands in the way.
    outcome = refuse_in_child(row_bomb(tmp_path / "rows.xlsx", dimension=None))
    assert "has a header but no data rows" in str(outcome["message"])
    assert float(outcome["growth_mb"]) < MAX_GROWTH_MB  # type: ignore[arg-type]


def test_a_lying_dimension_does_not_hide_rows(tmp_path: Path) -> None:
    rows = [header_row()] + [
        f'<row r="{n}">'
        + _inline(f"A{n}", f"Clinic {n}")
        + _inline(f"B{n}", "MA")
        + _inline(f"C{n}", "02108")
        + f'<c r="D{n}"><v>42.3</v></c><c r="E{n}"><v>-71.06</v></c></row>'
        for n in range(2, 12)
    ]
    path = write_workbook(tmp_path / "ten.xlsx", rows, dimension="A1:E2")
    frame = read_sheet_frame(path.read_bytes(), path.name)
    assert len(frame) == 10
    assert frame["latitude"].tolist()[:1] == ["42.3"]


def test_a_zip_bomb_sheet_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "bomb.xlsx", b"<row/>" * 174_763, dimension=None)
    assert path.stat().st_size < 1_000_000  # 60 MB of XML in well under 1 MB
    outcome = refuse_in_child(path)
    assert "which only a zip bomb does" in str(outcome["message"])
    assert float(outcome["growth_mb"]) < MAX_GROWTH_MB  # type: ignore[arg-type]


def test_row_and_size_limits_stop_a_long_sheet(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    pd.DataFrame({"name1": [f"Clinic {n}" for n in range(50)]}).to_excel(path, index=False)
    data = path.read_bytes()
    with pytest.raises(ImportFormatError, match="spans 51 rows, over the 10 limit"):
        read_sheet_frame(data, path.name, limits=WorkbookLimits(max_rows=10))
    with pytest.raises(ImportFormatError, match=r"unpacks to \d+ MB"):
        read_sheet_frame(data, path.name, limits=WorkbookLimits(max_uncompressed_bytes=10))
    # Without a declared size the streaming read counts the rows itself.
    rows = [header_row()] + [
        f'<row r="{n}">{_inline(f"A{n}", f"Clinic {n}")}</row>' for n in range(2, 52)
    ]
    hidden = write_workbook(tmp_path / "hidden.xlsx", rows, dimension=None).read_bytes()
    with pytest.raises(ImportFormatError, match="over 10 data rows of 5 columns"):
        read_sheet_frame(hidden, "hidden.xlsx", limits=WorkbookLimits(max_rows=10))
    assert len(read_sheet_frame(hidden, "hidden.xlsx")) == 50


def test_a_slow_sheet_runs_out_of_time(tmp_path: Path) -> None:
    from matching.ingest import workbook

    path = tmp_path / "slow.xlsx"
    pd.DataFrame({"name1": [f"Clinic {n}" for n in range(600)]}).to_excel(path, index=False)
    book = workbook.open_workbook_safely(path.read_bytes(), path.name)
    ticks = iter(range(0, 10_000, 100))  # each look at the clock is 100 s later
    rows = workbook.iter_sheet_rows(
        book.worksheets[0], path.name, WorkbookLimits(), clock=lambda: float(next(ticks))
    )
    with pytest.raises(ImportFormatError, match="reading it took over 120 s"):
        list(rows)
    book.close()


def test_the_upload_path_refuses_the_row_bomb_too(tmp_path: Path) -> None:
    data = row_bomb(tmp_path / "rows.xlsx", dimension="A1:XFD2001").read_bytes()
    with pytest.raises(ImportFormatError, match="16,384 columns"):
        import_bytes(data, "upload.xlsx")


DEEP = b'{"rows": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def test_deep_json_is_refused_with_a_sentence() -> None:
    with pytest.raises(ImportFormatError, match="nests 100,001 levels deep"):
        import_bytes(DEEP, "page.json")


def test_deep_json_exits_2_with_one_line(tmp_path: Path) -> None:
    source = tmp_path / "page.json"
    source.write_bytes(DEEP)
    done = subprocess.run(
        [sys.executable, "-m", "matching", "import", str(source), "--out", str(tmp_path / "o.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=GUARD_SECONDS,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "nests" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "o.csv").exists()


def test_json_depth_ignores_brackets_inside_strings() -> None:
    assert json_nesting_depth(b'{"name1": "[[[[ {{ \\" ]]", "rows": [[1]]}') == 3
    assert json_nesting_depth(b'"\\\\"') == 0
