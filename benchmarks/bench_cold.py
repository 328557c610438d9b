"""Time cold processes: a CLI search from nothing, against the floor ``python -c "import pandas"``.

Run from the repository root:  python benchmarks/bench_cold.py [runs]   (default 7)

Each case is a fresh ``python`` process, timed from spawn to exit (wall clock); the cases run
round-robin, one run of each in turn, so a burst of load elsewhere on the machine hits them
alike. Printed per case: min / median / max wall time over ``runs``, the ratio of its median to
the floor's median measured in the same run, and the median CPU time of the process (user +
system) with its ratio - on a shared machine the CPU time is what the process itself costs,
while the wall time also holds its waits for a free core. Cases:

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
import resource
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


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Return (wall seconds, CPU seconds of the child) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
    first_default = _run(cases['CLI search --near "Columbus, OH" (default)'], env)[0]
    first_big = _run(cases['CLI search --near "Columbus, OH" --data <12k>'], env)[0]
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, command in cases.items():
            times[name].append(_run(command, env))
    floor = _medians(times['floor: python -c "import pandas"'])
    print(f"{'case':48s} {'min':>6s} {'median':>6s} {'max':>6s}  ratio   CPU median, ratio")
    for name, values in times.items():
        wall, cpu = _medians(values)
        walls = [value[0] for value in values]
        print(
            f"{name:48s} {min(walls):5.2f}s {wall:5.2f}s {max(walls):5.2f}s"
            f"  {wall / floor[0]:5.2f}x  {cpu:5.2f}s {cpu / floor[1]:5.2f}x"
        )
    print(f"\nfirst run, cache cold: default {first_default:.2f} s, 12k {first_big:.2f} s")
    print(f"load average after: {os.getloadavg()[0]:.1f}\n\nGoals (wall; CPU in brackets)")
    for name in [n for n in cases if n.startswith("CLI")]:
        wall, cpu = _medians(times[name])
        met = wall < GOAL_SECONDS and wall / floor[0] <= GOAL_RATIO
        print(
            f"  [{'met' if met else 'NOT MET'}] {name.strip()}: {wall:.2f} s median [{cpu:.2f} s] "
            f"(goal < {GOAL_SECONDS:.1f} s), {wall / floor[0]:.2f}x floor [{cpu / floor[1]:.2f}x] "
            f"(goal <= {GOAL_RATIO}x)"
        )


def _medians(values: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(v[0] for v in values), statistics.median(v[1] for v in values)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
