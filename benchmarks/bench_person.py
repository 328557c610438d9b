"""Benchmark what the person's profile adds to a search: filters, language text, ZIP centres.

Run from the repository root:  python benchmarks/bench_person.py

Directory: 13,460 synthetic facilities (the 2025 National Directory's size) around real ZIP
centroids, with every service and §1b flag random (10 % unknown),
a ``languages`` text on a third of the rows and 30 % of rows located at their ZIP's centre.
Printed: index build time, and the median full search time (query + search, top 50) over 20
origins for a plain query and the same query with the person's profile, with their ratio.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_search import NOW, ORIGINS, median_ms, query_for  # noqa: E402

from matching.directory import columns as col  # noqa: E402
from matching.directory.schema import coerce_directory  # noqa: E402
from matching.search.engine import search  # noqa: E402
from matching.search.geo import _zip_table  # noqa: E402
from matching.search.index import FacilityIndex  # noqa: E402

COUNT = 13_460
LANGUAGE_TEXTS = ("Vietnamese", "Arabic; Chinese", "Russian; Ukrainian", "Korean")


def person_directory(count: int, seed: int = 9) -> pd.DataFrame:
    """Return the synthetic directory with random §1b columns."""
    rng = np.random.default_rng(seed)
    centroids = np.array([(z.lat, z.lon) for z in _zip_table().values() if z.located])
    picked = centroids[rng.integers(0, len(centroids), count)]
    frame = pd.DataFrame(
        {
            col.FACILITY_ID: [f"syn-{i:06d}" for i in range(count)],
            col.NAME: [f"Synthetic facility {i}" for i in range(count)],
            col.STATE: "NY",
            col.ZIP: "10001",
            col.LAT: picked[:, 0] + rng.normal(0, 0.03, count),
            col.LON: picked[:, 1] + rng.normal(0, 0.04, count),
        }
    )
    for name in (*col.SERVICE_COLUMNS, *col.PROFILE_COLUMNS):
        frame[name] = pd.arrays.BooleanArray(rng.random(count) < 0.5, rng.random(count) < 0.1)
    texts = rng.choice(LANGUAGE_TEXTS, count)
    frame[col.LANGUAGES] = pd.array(np.where(rng.random(count) < 0.33, texts, ""), dtype="str")
    frame[col.LOCATION_PRECISION] = pd.array(
        np.where(rng.random(count) < 0.3, "zip_centroid", "exact"), dtype="str"
    )
    return coerce_directory(frame)


def main() -> None:
    frame = person_directory(COUNT)
    started = time.perf_counter()
    index = FacilityIndex(frame)
    build = (time.perf_counter() - started) * 1000
    queries = [query_for(zip_code) for zip_code in ORIGINS]
    profiles = {
        "plain": lambda q: q,
        "pregnant + Spanish": lambda q: replace(q, pregnant=True, language="spanish"),
        "adolescent male, Vietnamese, veteran, co-occurring": lambda q: replace(
            q, age_group="adolescent", sex="male", language="vietnamese", veteran=True,
            co_occurring=True, include_unverified=True,
        ),
    }  # fmt: skip
    print(f"{COUNT} facilities, index build {build:.0f} ms")
    base = None
    for label, change in profiles.items():
        chosen = [change(q) for q in queries]
        ms = median_ms(lambda run, c=chosen: search(index, c[run % len(c)], now=NOW, top=50), 40)
        base = base or ms
        print(f"  {label:<52} median {ms:6.2f} ms  ({ms / base:.2f}x plain)")


if __name__ == "__main__":
    main()
