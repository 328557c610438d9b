"""Time importing the 2015 National Directory (11,928 rows); goal: under 1 s (issue 12).

Run: ``python benchmarks/bench_import.py [runs]``. Prints each run, the median and the ratio
to the goal. Also times merging 12,000 availability reports (the app merges the call log on
every logged call). Needs ../shared/data/real beside the checkout.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.directory import columns as col  # noqa: E402
from matching.ingest import import_file  # noqa: E402
from matching.ingest.availability import apply_reports  # noqa: E402

DIRECTORY_2015 = (
    ROOT.parent / "shared" / "data" / "real" / "GeoDaCenter_opioid-policy-scan" / "2015_g.csv"
)
GOAL_SECONDS = 1.0  # issue 12: keep the 2015 import under 1 s


def _median_seconds(action, runs: int) -> tuple[float, list[float], float]:
    """Return the median wall time, every wall time and the median CPU time of ``action``."""
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), times, statistics.median(cpu)


def main(runs: int = 5) -> None:
    if not DIRECTORY_2015.is_file():
        print(f"skipped: {DIRECTORY_2015} is not present")
        return
    result = import_file(DIRECTORY_2015)
    median, times, cpu = _median_seconds(lambda: import_file(DIRECTORY_2015), runs)
    print(f"import 2015 directory: {result.report.rows_imported} rows")
    print("  runs (s): " + ", ".join(f"{t:.3f}" for t in times))
    print(
        f"  median {median:.3f} s (CPU {cpu:.3f} s); goal {GOAL_SECONDS:.1f} s; "
        f"ratio {median / GOAL_SECONDS:.2f} (CPU {cpu / GOAL_SECONDS:.2f}); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )

    frame = result.frame
    reports = pd.DataFrame(
        {
            col.FACILITY_ID: frame[col.FACILITY_ID],
            col.BEDS_OPEN_DETOX: pd.array([1] * len(frame), dtype="Int64"),
            col.BEDS_OPEN_RESIDENTIAL: pd.array([None] * len(frame), dtype="Int64"),
            col.AVAILABILITY_STATUS: "openings",
            col.AVAILABILITY_REPORTED_AT: pd.Timestamp("2026-11-26T10:00Z"),
            col.AVAILABILITY_SOURCE: "benchmark",
        }
    )
    median, _, _ = _median_seconds(lambda: apply_reports(frame, reports), runs)
    print(
        f"apply_reports, {len(reports)} reports onto {len(frame)} facilities: median {median:.3f} s"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
