"""Time cold processes: a CLI search from nothing, against the floor ``python -c "import pandas"``.

Run from the repository root:  python benchmarks/bench_cold.py [runs]   (default 7)

Each case is a fresh ``python`` process, timed from spawn to exit (wall clock); the cases run
round-robin, one run of each in turn, so a burst of load elsewhere on the machine hits them
alike. Printed per case: min / median / max over ``runs`` and the ratio of its median to the
floor's median measured in the same run. Cases:

* floor - ``python -c "import pandas"``: every search needs pandas, so no search can start
  faster than this;
* ``import matching`` - the package alone (its public names load lazily);
* CLI search, default directory, top 10: near a ZIP (``43215``) and near a city
  (``"Columbus, OH"``);
* CLI search of a 12k-facility directory (``--data``): the 2015 National Directory imported
  to a canonical CSV when ../shared/data/real is present, else the demo set scaled up.

The directory cache (:mod:`matching.directory.cache`) lives in a throwaway folder
(``READYBED_CACHE_DIR``); one untimed run per directory fills it first, and that first run is
printed on its own ("cache cold"), since the cache is built once per file and reused after.
Goal (issue 12): CLI search under 1.0 s median, within 2.5x of the floor.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIRECTORY_2015 = (
    ROOT.parent / "shared" / "data" / "real" / "GeoDaCenter_opioid-policy-scan" / "2015_g.csv"
)
GOAL_SECONDS = 1.0
GOAL_RATIO = 2.5
TARGET_ROWS = 12_000


def _directory_12k(folder: Path) -> tuple[Path, str]:
    """Write a 12k-facility canonical CSV into ``folder`` and say what it is."""
    sys.path.insert(0, str(ROOT))
    import pandas as pd

    from matching.directory import columns as col
    from matching.directory.demo import load_demo_directory
    from matching.directory.io import write_directory
    from matching.ingest import import_file

    path = folder / "directory_12k.csv"
    if DIRECTORY_2015.is_file():
        write_directory(import_file(DIRECTORY_2015).frame, path)
        return path, "2015 National Directory (11,928 rows)"
    demo = load_demo_directory()
    copies = [
        demo.assign(**{col.FACILITY_ID: demo[col.FACILITY_ID] + f"-{copy}"})
        for copy in range(-(-TARGET_ROWS // len(demo)))
    ]
    write_directory(pd.concat(copies, ignore_index=True).head(TARGET_ROWS), path)
    return path, f"demo set scaled up ({TARGET_ROWS:,} rows)"


def _run(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(runs: int = 7) -> None:
    folder = Path(tempfile.mkdtemp(prefix="readybed-cold-"))
    env = dict(os.environ, READYBED_CACHE_DIR=str(folder / "cache"))
    big, label = _directory_12k(folder)
    search = [sys.executable, "-m", "matching", "search", "--top", "10"]
    cases = {
        'floor: python -c "import pandas"': [sys.executable, "-c", "import pandas"],
        "python -c 'import matching'": [sys.executable, "-c", "import matching"],
        "CLI search --near 43215 (default directory)": [*search, "--near", "43215"],
        'CLI search --near "Columbus, OH" (default)': [*search, "--near", "Columbus, OH"],
        "CLI search --near 43215 --data <12k> ": [*search, "--near", "43215", "--data", str(big)],
        'CLI search --near "Columbus, OH" --data <12k>': [
            *search, "--near", "Columbus, OH", "--data", str(big),
        ],
    }  # fmt: skip
    print(f"Cold processes, {runs} runs each, round-robin; 12k directory: {label}")
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}\n"
    )
    first_default = _run(cases['CLI search --near "Columbus, OH" (default)'], env)
    first_big = _run(cases['CLI search --near "Columbus, OH" --data <12k>'], env)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, command in cases.items():
            times[name].append(_run(command, env))
    floor = statistics.median(times['floor: python -c "import pandas"'])
    print(f"{'case':48s} {'min':>7s} {'median':>7s} {'max':>7s}  ratio to floor")
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"{name:48s} {min(values):6.2f}s {median:6.2f}s {max(values):6.2f}s  "
            f"{median / floor:5.2f}x"
        )
    print(f"\nfirst run, cache cold: default {first_default:.2f} s, 12k {first_big:.2f} s")
    print(f"load average after: {os.getloadavg()[0]:.1f}\n\nGoals")
    for name in [n for n in cases if n.startswith("CLI")]:
        median = statistics.median(times[name])
        met = median < GOAL_SECONDS and median / floor <= GOAL_RATIO
        print(
            f"  [{'met' if met else 'NOT MET'}] {name.strip()}: {median:.2f} s median "
            f"(goal < {GOAL_SECONDS:.1f} s), {median / floor:.2f}x floor (goal <= {GOAL_RATIO}x)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
