"""Time importing the 2015 National Directory (11,928 rows); goal: under 1 s (issue 12).

Run: ``python benchmarks/bench_import.py [runs]``. Prints each run, the median and the ratio
to the goal. Also times merging 12,000 availability reports (the app merges the call log on
every logged call), importing the 2023 National Directory xlsx (12,744 rows) including
locating it against the 2021 locator (goal: under 5 s), and loading the shipped default
directory plus building its search index (goal: under 0.5 s). Needs ../shared/data/real
beside the checkout (the last figure does not).
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
from matching.ingest.importers import Locating  # noqa: E402

DIRECTORY_2015 = (
    ROOT.parent / "shared" / "data" / "real" / "GeoDaCenter_opioid-policy-scan" / "2015_g.csv"
)
GOAL_SECONDS = 1.0  # issue 12: keep the 2015 import under 1 s
REAL = ROOT.parent / "shared" / "data" / "real"
DIRECTORY_2023 = (
    REAL
    / "gauravshetty98_Analyzing-Statewise-Substance-Abuse"
    / "national-directory-su-facilities-2023.xlsx"
)
LOCATOR_2021 = REAL / "GeoDaCenter_opioid-policy-scan" / "SubstanceUseTreatment_Geocoded.csv"
GOAL_2023_SECONDS = 5.0
GOAL_DEFAULT_SECONDS = 0.5


def _median_seconds(action, runs: int) -> tuple[float, list[float], float]:
    """Return the median wall time, every wall time and the median CPU time of ``action``."""
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), times, statistics.median(cpu)


def _median_wall_and_cpu(action, runs: int) -> tuple[float, float, list[float]]:
    """Return median wall and CPU seconds (CPU shows the cost on a machine shared by others)."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), walls


def bench_national_directory(runs: int) -> None:
    """Time the 2023 xlsx import with locating (address match against the 2021 locator)."""
    if not (DIRECTORY_2023.is_file() and LOCATOR_2021.is_file()):
        print(f"skipped: {DIRECTORY_2023.name} or {LOCATOR_2021.name} is not present")
        return
    locating = Locating(references=(LOCATOR_2021,))

    def run() -> None:
        import_file(DIRECTORY_2023, locating=locating)

    median, cpu, times = _median_wall_and_cpu(run, runs)
    print("import 2023 National Directory xlsx + locating: 12,744 rows")
    print("  runs (s): " + ", ".join(f"{t:.3f}" for t in times))
    print(
        f"  median {median:.3f} s (CPU {cpu:.3f} s); goal {GOAL_2023_SECONDS:.1f} s; "
        f"ratio {median / GOAL_2023_SECONDS:.2f} (CPU {cpu / GOAL_2023_SECONDS:.2f})"
    )


def bench_default_directory(runs: int) -> None:
    """Time reading the shipped directory and building its search index (the app's start)."""
    from matching.directory.default import load_default_directory
    from matching.search.index import FacilityIndex

    median, cpu, times = _median_wall_and_cpu(lambda: FacilityIndex(load_default_directory()), runs)
    print("load shipped default directory + build index")
    print("  runs (s): " + ", ".join(f"{t:.3f}" for t in times))
    print(
        f"  median {median:.3f} s (CPU {cpu:.3f} s); goal {GOAL_DEFAULT_SECONDS:.1f} s; "
        f"ratio {median / GOAL_DEFAULT_SECONDS:.2f} (CPU {cpu / GOAL_DEFAULT_SECONDS:.2f})"
    )


def main(runs: int = 5) -> None:
    bench_default_directory(runs)
    bench_national_directory(runs)
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
