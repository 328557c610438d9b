"""Time and memory of refusing hostile files, against reading a real workbook of similar scale.

Run: ``python benchmarks/bench_hostile.py``. Each file is imported in a fresh child process,
which reports its wall time and its peak memory growth (``ru_maxrss``) over the baseline of
importing pandas and openpyxl. The probe that found the problem measured 63 s and 1.3 GB for
the 18 KB row bomb; the ratios below are against those figures. The all-bad CSVs show that
what the report keeps (500 reasons) does not grow with the number of bad rows.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_hostile_files import row_bomb, write_workbook  # noqa: E402

REAL_WORKBOOK = (
    ROOT.parent
    / "shared"
    / "data"
    / "real"
    / "gauravshetty98_Analyzing-Statewise-Substance-Abuse"
    / "national-directory-su-facilities-2023.xlsx"
)
PROBE_SECONDS, PROBE_MB = 63.0, 1300.0

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
import pandas, openpyxl
from matching.errors import ReadyBedError
from matching.ingest.workbook import read_sheet_frame
from matching.ingest import import_file
path = {path!r}
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
outcome, kept = "read", None
try:
    if {sheet_only}:
        read_sheet_frame(open(path, "rb").read(), path)
    else:
        kept = len(import_file(path).report.rejected)
except ReadyBedError as exc:
    outcome = "refused: " + str(exc).splitlines()[0][:70]
    kept = len(getattr(exc, "problems", []))
seconds = time.perf_counter() - started
growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps({{"seconds": seconds, "mb": growth, "outcome": outcome, "kept": kept}}))
"""


def measure(path: Path, *, sheet_only: bool = False) -> dict[str, object]:
    code = CHILD.format(root=str(ROOT), path=str(path), sheet_only=sheet_only)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=900, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def all_bad_csv(path: Path, rows: int) -> Path:
    path.write_text("name,state,zip,lat,lon\n" + "Clinic,Massachusetts,02108,42.3,-71\n" * rows)
    return path


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    cases = [
        ("row bomb, declared XFD", row_bomb(folder / "a.xlsx", "A1:XFD2001"), False),
        ("row bomb, no dimension", row_bomb(folder / "b.xlsx", None), False),
        (
            "zip bomb sheet (60 MB)",
            write_workbook(folder / "c.xlsx", b"<row/>" * 174_763, None),
            False,
        ),
        ("all-bad CSV, 20k rows", all_bad_csv(folder / "d.csv", 20_000), False),
        ("all-bad CSV, 200k rows", all_bad_csv(folder / "e.csv", 200_000), False),
    ]
    if REAL_WORKBOOK.exists():
        cases.append(("real 2023 directory xlsx", REAL_WORKBOOK, True))
    print(f"{'file':28} {'size':>9} {'seconds':>8} {'MB':>7}  kept  outcome")
    for label, path, sheet_only in cases:
        result = measure(path, sheet_only=sheet_only)
        size = path.stat().st_size
        print(
            f"{label:28} {size / 1e3:8.0f}K {result['seconds']:8.2f} {result['mb']:7.0f}  "
            f"{str(result['kept']):>4}  {result['outcome']}"
        )
        if label.startswith("row bomb, declared"):
            faster = PROBE_SECONDS / max(float(result["seconds"]), 1e-3)  # type: ignore[arg-type]
            leaner = PROBE_MB / max(float(result["mb"]), 1.0)  # type: ignore[arg-type]
            print(f"{'':28} vs the probe: {faster:,.0f}x faster, {leaner:,.0f}x less memory")


if __name__ == "__main__":
    main()
