"""Search on the real 2015 national directory (read in place; skipped when absent)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import REAL_DATA
from geopy.distance import geodesic

from matching.directory import columns as col
from matching.search.engine import search
from matching.search.geo import resolve_location
from matching.search.index import LAMBERT_ERROR_MILES, FacilityIndex
from matching.search.query import SearchQuery

pytestmark = pytest.mark.realdata
BOUNDARY_MILES = 1e-6


@pytest.fixture(scope="module")
def national() -> FacilityIndex:
    # Module-scoped (imported once for every test here), so it skips by itself like real_data.
    if not REAL_DATA.is_dir():
        pytest.skip("../shared/data/real is not present beside this checkout")
    from matching.ingest import import_file

    path = REAL_DATA / "GeoDaCenter_opioid-policy-scan" / "2015_g.csv"
    return FacilityIndex(import_file(path, fmt="directory-2015").frame)


@pytest.mark.parametrize(
    ("place", "radii"),
    [("10001", (5.0, 25.0)), ("Chicago, IL", (20.0, 60.0)), ("59601", (100.0,)),
     ("21.3069, -157.8583", (30.0,))],
)  # fmt: skip
def test_radius_matches_brute_force_geodesic(
    national: FacilityIndex, place: str, radii: tuple[float, ...]
) -> None:
    origin = resolve_location(place)
    frame = national.directory
    miles = np.array(
        [
            geodesic((origin.lat, origin.lon), (lat, lon)).miles
            for lat, lon in zip(frame[col.LAT], frame[col.LON], strict=True)
        ]
    )
    ids = frame[col.FACILITY_ID].to_numpy()
    for radius in radii:
        positions, distances = national.within(origin.lat, origin.lon, radius)
        found = set(ids[positions])
        assert set(ids[miles <= radius - BOUNDARY_MILES]) <= found
        assert not found & set(ids[miles > radius + BOUNDARY_MILES])
        assert distances == pytest.approx(miles[positions], abs=LAMBERT_ERROR_MILES)


def test_real_search_respects_filters_and_explains_itself(national: FacilityIndex) -> None:
    query = SearchQuery(
        origin=resolve_location("Baltimore, MD"),
        radius_miles=40,
        payers=("medicaid",),
        detox="any",
        moud=("buprenorphine", "methadone"),
    )
    result = search(national, query, top=20)
    assert 0 < len(result) <= 20
    assert result[col.FACILITY_ID].is_unique
    assert result["pay_medicaid"].eq(True).all()
    assert (result["methadone"].eq(True) | result["buprenorphine"].eq(True)).all()
    assert result["score"].is_monotonic_decreasing
    assert result["reasons"].str.contains("takes Medicaid").all()


def test_real_directory_without_bed_data_needs_include_unverified_for_min_beds(
    national: FacilityIndex,
) -> None:
    query = SearchQuery(origin=resolve_location("10001"), detox="any", min_beds=1)
    assert search(national, query).empty
    unverified = search(national, dataclasses.replace(query, include_unverified=True))
    assert len(unverified) > 0
    assert unverified["unverified"].all()
    assert pd.isna(unverified["availability_age_hours"]).all()
