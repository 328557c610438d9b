"""Benchmark the search engine against the naive approach and a bare numpy floor.

Run from the repository root:  python benchmarks/bench_search.py  [--quick]

What is measured (one run, this machine, medians over rotating origins):
* full search = resolve a ZIP + build the SearchQuery + search(top=50): radius query with
  WGS84 distances, filters, scoring, and the result frame with reasons for the 50 best rows;
  at 12k facilities (the real 2015 directory when ../shared/data/real is present, else
  synthetic), 20k, 100k and 1M synthetic facilities;
* (a) naive: pandas ``apply`` of ``geopy.distance.geodesic`` per row, then the same filters
  and a sort by distance, top 50 - run for real at 2k and 20k (no extrapolation needed);
* (b) floor: a bare numpy haversine over every row plus a boolean mask (no filters, no
  ranking, no output frame) - the least any exact-radius scan can do;
* the radius query alone (``FacilityIndex.within``: grid candidates, WGS84 distances) at 100k;
* index build time (FacilityIndex) and memory: peak RSS of a fresh process that builds the
  1M directory and its index, minus its RSS after imports.

Goals (issue 12): the full search at 100k at most half the floor; at 1M under 20 ms and under
1 GB for directory + index.

Synthetic facilities sit around real ZIP centroids (so cities are dense and the West sparse,
as in the real directory), with random services (10 % unknown) and availability.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.directory import columns as col  # noqa: E402
from matching.directory.ziptable import zip_table  # noqa: E402
from matching.search.engine import search  # noqa: E402
from matching.search.geo import resolve_location  # noqa: E402
from matching.search.index import FacilityIndex, haversine_miles  # noqa: E402
from matching.search.query import SearchQuery  # noqa: E402

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
REAL_DATA = ROOT.parent / "shared" / "data" / "real"
REAL_2015 = REAL_DATA / "GeoDaCenter_opioid-policy-scan" / "2015_g.csv"
ORIGINS = (
    "10001", "60614", "90012", "77002", "85004", "19103", "30303", "98101", "80202", "02108",
    "59601", "87501", "57501", "04330", "99501", "96813", "37203", "63101", "55401", "73102",
)  # fmt: skip
RADIUS_MILES = 50.0
TOP = 50


def query_for(zip_code: str) -> SearchQuery:
    return SearchQuery(
        origin=resolve_location(zip_code),
        radius_miles=RADIUS_MILES,
        payers=("medicaid",),
        detox="any",
    )


def synthetic_directory(count: int, seed: int = 2015) -> pd.DataFrame:
    """Return ``count`` canonical rows scattered around real ZIP centroids."""
    rng = np.random.default_rng(seed)
    centroids = np.array(
        [(z.lat, z.lon) for z in zip_table().records() if z.located and z.standard and z.active]
    )
    picked = centroids[rng.integers(0, len(centroids), count)]
    lat = np.clip(picked[:, 0] + rng.normal(0, 0.03, count), -89.9, 89.9)
    lon = np.clip(picked[:, 1] + rng.normal(0, 0.04, count), -179.9, 179.9)

    def flags(rate: float) -> pd.arrays.BooleanArray:
        values = rng.random(count) < rate
        unknown = rng.random(count) < 0.1
        return pd.arrays.BooleanArray(values, unknown)

    def beds() -> pd.arrays.IntegerArray:
        return pd.arrays.IntegerArray(rng.integers(0, 7, count), rng.random(count) < 0.7)

    ids = pd.array([f"syn-{i:07d}" for i in range(count)], dtype="str")
    empty = pd.array([""] * count, dtype="str")
    ages = rng.uniform(0, 120, count) * 3600
    stamps = pd.Series(pd.Timestamp(NOW) - pd.to_timedelta(ages, unit="s"))
    stamps[rng.random(count) < 0.7] = pd.NaT
    data = {name: empty for name in col.TEXT_COLUMNS}
    data |= {
        col.FACILITY_ID: ids,
        col.NAME: pd.array([f"Synthetic facility {i}" for i in range(count)], dtype="str"),
        col.STATE: pd.array(["NY"] * count, dtype="str"),
        col.ZIP: pd.array(["10001"] * count, dtype="str"),
        col.LAT: lat,
        col.LON: lon,
        **{name: flags(0.4) for name in col.SERVICE_COLUMNS},
        col.BEDS_OPEN_DETOX: beds(),
        col.BEDS_OPEN_RESIDENTIAL: beds(),
        col.AVAILABILITY_STATUS: pd.array(
            rng.choice(col.AVAILABILITY_STATUSES, count), dtype="str"
        ),
        col.AVAILABILITY_REPORTED_AT: stamps.astype("datetime64[ns, UTC]").array,
        col.AVAILABILITY_SOURCE: empty,
        col.COUNTY: empty,
        col.ACCREDITED: flags(0.5),
        col.SERVICES: empty,
    }
    # The columns not set here (profile, languages, ...) are unknown: one shared array per
    # dtype, not coerce_directory's per-column copies (they would double the 1M peak memory).
    unknown_flags = pd.arrays.BooleanArray(np.zeros(count, bool), np.ones(count, bool))
    unknown_counts = pd.arrays.IntegerArray(np.zeros(count, "int64"), np.ones(count, bool))
    shared = {"str": empty, "boolean": unknown_flags, "Int64": unknown_counts}
    for name, dtype in col.DTYPES.items():
        if name not in data:
            data[name] = (
                shared[dtype]
                if dtype in shared
                else pd.Series(pd.NaT, index=range(count), dtype=dtype).array
            )
    data[col.LOCATION_PRECISION] = pd.array(["exact"] * count, dtype="str")
    return pd.DataFrame(data)[list(col.ALL_COLUMNS)]


def median_ms(action: Callable[[int], object], runs: int) -> float:
    timings = []
    for run in range(runs):
        start = time.perf_counter()
        action(run)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def median_cpu_ms(action: Callable[[int], object], runs: int) -> float:
    """Return the median CPU time of ``action`` (this thread): on a shared machine the wall
    time also holds waits for a free core."""
    timings = []
    for run in range(runs):
        start = time.thread_time()
        action(run)
        timings.append((time.thread_time() - start) * 1000)
    return statistics.median(timings)


def full_search(index: FacilityIndex, run: int) -> pd.DataFrame:
    return search(index, query_for(ORIGINS[run % len(ORIGINS)]), now=NOW, top=TOP)


def naive_search(frame: pd.DataFrame, run: int) -> pd.DataFrame:
    from geopy.distance import geodesic

    origin = resolve_location(ORIGINS[run % len(ORIGINS)])
    miles = frame.apply(
        lambda row: geodesic((origin.lat, origin.lon), (row["lat"], row["lon"])).miles, axis=1
    )
    hits = frame.assign(distance_miles=miles)
    hits = hits[
        (hits["distance_miles"] <= RADIUS_MILES)
        & hits["pay_medicaid"].fillna(False)
        & hits[list(col.DETOX_COLUMNS)].fillna(False).any(axis=1)
    ]
    return hits.sort_values("distance_miles").head(TOP)


def radius_query(index: FacilityIndex, run: int) -> tuple[np.ndarray, np.ndarray]:
    origin = resolve_location(ORIGINS[run % len(ORIGINS)])
    return index.within(origin.lat, origin.lon, RADIUS_MILES)


def numpy_floor(lat: np.ndarray, lon: np.ndarray, run: int) -> np.ndarray:
    origin = resolve_location(ORIGINS[run % len(ORIGINS)])
    return np.flatnonzero(haversine_miles(origin.lat, origin.lon, lat, lon) <= RADIUS_MILES)


def build_ms(frame: pd.DataFrame, runs: int = 3) -> float:
    return median_ms(lambda _run: FacilityIndex(frame), runs)


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def memory_child(count: int) -> None:
    """Print MB: RSS after imports, peak RSS after building ``count`` rows + index, sizes."""
    zip_table()
    base = rss_mb()
    frame = synthetic_directory(count)
    index = FacilityIndex(frame)
    search(index, query_for("10001"), now=NOW, top=TOP)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = frame.memory_usage(deep=True).sum() / 2**20
    print(f"{base:.0f} {peak:.0f} {table:.0f} {index.nbytes / 2**20:.0f}")


def load_real() -> tuple[pd.DataFrame, str]:
    if REAL_2015.exists():
        from matching.ingest import import_file

        return import_file(REAL_2015, fmt="directory-2015").frame, "real 2015 directory"
    return synthetic_directory(11_928), "synthetic (real file absent)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, skip 1M")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    runs = 20 if args.quick else 60
    zip_table()  # load the ZIP data once, as the app does at start-up
    print(f"Search benchmark: radius {RADIUS_MILES:g} mi, Medicaid + any detox, top {TOP}")
    print(f"medians over {runs} searches rotating {len(ORIGINS)} origins\n")

    real, label = load_real()
    real_index = FacilityIndex(real)
    ms_12k = median_ms(lambda run: full_search(real_index, run), runs)
    print(f"12k ({label}, {len(real):,} rows): full search {ms_12k:.2f} ms")

    frames = {size: synthetic_directory(size) for size in (2_000, 20_000, 100_000)}
    indexes = {size: FacilityIndex(frame) for size, frame in frames.items()}
    ms = {size: median_ms(lambda run, i=index: full_search(i, run), runs)
          for size, index in indexes.items()}  # fmt: skip
    naive_runs = 3
    naive = {size: median_ms(lambda run, f=frames[size]: naive_search(f, run), naive_runs)
             for size in (2_000, 20_000)}  # fmt: skip
    for size in (2_000, 20_000):
        print(
            f"{size // 1000}k synthetic: full search {ms[size]:.2f} ms · naive pandas apply "
            f"geodesic {naive[size]:.0f} ms (median of {naive_runs}) · "
            f"speed-up {naive[size] / ms[size]:.0f}x"
        )
    frame_100k = frames[100_000]
    lat, lon = frame_100k[col.LAT].to_numpy(), frame_100k[col.LON].to_numpy()
    floor = median_ms(lambda run: numpy_floor(lat, lon, run), runs)
    build = build_ms(frame_100k)
    radius_only = median_ms(lambda run: radius_query(indexes[100_000], run), runs)
    print(
        f"100k synthetic: full search {ms[100_000]:.2f} ms · numpy haversine floor "
        f"{floor:.2f} ms · ratio {ms[100_000] / floor:.2f}x · index build {build:.0f} ms"
    )
    cpu_full = median_cpu_ms(lambda run: full_search(indexes[100_000], run), runs)
    cpu_floor = median_cpu_ms(lambda run: numpy_floor(lat, lon, run), runs)
    print(
        f"  CPU time: full search {cpu_full:.2f} ms · floor {cpu_floor:.2f} ms · "
        f"ratio {cpu_full / cpu_floor:.2f}x"
    )
    print(
        f"  of which the radius query (grid + WGS84 distances) {radius_only:.2f} ms, "
        f"{radius_only / floor:.2f}x the floor; the rest is filters, ranking and the result frame"
    )
    print(f"  naive at 100k, extrapolated linearly from 20k: {naive[20_000] * 5 / 1000:.1f} s")

    if not args.quick:
        frame_1m = synthetic_directory(1_000_000)
        index_1m = FacilityIndex(frame_1m)
        ms_1m = median_ms(lambda run: full_search(index_1m, run), runs)
        cpu_1m = median_cpu_ms(lambda run: full_search(index_1m, run), runs)
        build_1m = build_ms(frame_1m, runs=1)
        del frame_1m, index_1m
        child = subprocess.run(
            [sys.executable, __file__, "--memory-child", "1000000"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        base, peak, table, tree = (float(v) for v in child.stdout.split())
        print(
            f"1M synthetic: full search {ms_1m:.2f} ms (CPU {cpu_1m:.2f} ms) · "
            f"index build {build_1m:.0f} ms · "
            f"peak memory of directory + index {peak - base:.0f} MB "
            f"(process peak {peak:.0f} MB, after imports {base:.0f} MB; "
            f"table {table:.0f} MB, index arrays {tree:.0f} MB)"
        )

    print("\nGoals")
    goals = [
        (f"≥300x faster than naive at 20k: {naive[20_000] / ms[20_000]:.0f}x",
         naive[20_000] / ms[20_000] >= 300),
        (f"at most half the numpy floor at 100k: {ms[100_000] / floor:.2f}x "
         f"(CPU {cpu_full / cpu_floor:.2f}x)", ms[100_000] / floor <= 0.5),
        (f"<10 ms median at 100k: {ms[100_000]:.2f} ms", ms[100_000] < 10),
        (f"index build <1 s at 100k: {build:.0f} ms", build < 1000),
    ]  # fmt: skip
    if not args.quick:
        goals.append((f"<20 ms median at 1M: {ms_1m:.2f} ms (CPU {cpu_1m:.2f} ms)", ms_1m < 20))
        goals.append((f"<1 GB at 1M: {peak - base:.0f} MB", peak - base < 1024))
    for text, met in goals:
        print(f"  [{'met' if met else 'NOT MET'}] {text}")


if __name__ == "__main__":
    main()
