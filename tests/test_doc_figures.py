"""The figures data/README.md and docs/sources.md give about the shipped directory are
recomputed from data/national_directory_2023.csv, so a rebuild that changes them fails here
until the documents say the new ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matching.directory import columns as col
from matching.directory.default import load_default_directory
from matching.directory.zip_centroids import zip_centroids

ROOT = Path(__file__).resolve().parents[1]
DATA_README = (ROOT / "data" / "README.md").read_text("utf-8")
SOURCES = (ROOT / "docs" / "sources.md").read_text("utf-8")
STATES = {"AZ": "Arizona", "AK": "Alaska", "MT": "Montana", "NM": "New Mexico", "NV": "Nevada"}


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_default_directory()


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f} %"


def test_location_figures(shipped: pd.DataFrame) -> None:
    total = len(shipped)
    for precision in ("address_match", "zip_centroid"):
        count = int((shipped[col.LOCATION_PRECISION] == precision).sum())
        assert f"| `{precision}` " in DATA_README
        assert f"| {count:,} | {_share(count, total)} |" in DATA_README, precision
    matched = int((shipped[col.LOCATION_PRECISION] == "address_match").sum())
    assert (
        f"matches {_share(matched, total)} of the\n2023 rows, {matched:,} of {total:,}" in SOURCES
    )


def test_distance_from_the_zip_center(shipped: pd.DataFrame) -> None:
    rows = shipped[shipped[col.LOCATION_PRECISION] == "address_match"]
    centers = rows[col.ZIP].map(zip_centroids())
    rows, centers = rows[centers.notna()], centers[centers.notna()]
    lat0 = np.radians([point[0] for point in centers])
    lon0 = np.radians([point[1] for point in centers])
    lat, lon = np.radians(rows[col.LAT].to_numpy()), np.radians(rows[col.LON].to_numpy())
    a = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
    miles = 2 * 3958.8 * np.arcsin(np.sqrt(a))
    assert f"a median {np.median(miles):.1f} miles from the ZIP centre" in DATA_README
    assert f"(p99 about {np.percentile(miles, 99):.0f} miles" in DATA_README
    far = rows[miles > 25][col.STATE].value_counts()
    assert f"the\n{int(far.sum())} rows more than 25 miles away" in DATA_README
    listed = ", ".join(f"{STATES[state]} {count}" for state, count in far.items())
    assert listed in DATA_README.replace("\n", " ")


def test_categories_a_row_did_not_answer(shipped: pd.DataFrame) -> None:
    text = DATA_README.replace("\n", " ")
    groups = {
        "sex": col.SEX_COLUMNS,
        "age group": col.AGE_COLUMNS,
        "payment": col.DENIAL_GROUPS[2],
        "service setting": col.DENIAL_GROUPS[0],
        "opioid medication": col.DENIAL_GROUPS[1],
        "special program": col.PROGRAM_COLUMNS,
        "language service": col.LANGUAGE_COLUMNS,
    }
    for words, group in groups.items():
        count = int(shipped[list(group)].isna().all(axis=1).sum())
        assert f"{count:,} no {words}" in text or f"{count:,} rows list no {words}" in text, words
