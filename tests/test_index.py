"""FacilityIndex: radius queries that agree with geopy's geodesic, built once and reused."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from geopy.distance import geodesic
from search_frames import ORIGIN, directory, facility

from matching.errors import FacilityDataError
from matching.search.index import (
    LAMBERT_ERROR_MILES,
    SPHERE_ERROR,
    FacilityIndex,
    ellipsoidal_miles,
    haversine_miles,
)

BOUNDARY_MILES = 1e-6  # float noise only: membership is decided by the geodesic near the edge


def brute_force(frame: pd.DataFrame, lat: float, lon: float, radius: float) -> tuple[set, set]:
    """Return ids surely within and surely beyond ``radius`` by geopy's geodesic."""
    miles = np.array(
        [geodesic((lat, lon), (a, b)).miles for a, b in zip(frame.lat, frame.lon, strict=True)]
    )
    ids = frame.facility_id.to_numpy()
    located = ~((frame.lat == 0) & (frame.lon == 0)).to_numpy()
    inside = set(ids[located & (miles <= radius - BOUNDARY_MILES)])
    outside = set(ids[~located | (miles > radius + BOUNDARY_MILES)])
    return inside, outside


def assert_matches_brute_force(index: FacilityIndex, lat: float, lon: float, radius: float) -> None:
    positions, _ = index.within(lat, lon, radius)
    found = set(index.directory.facility_id.to_numpy()[positions])
    inside, outside = brute_force(index.directory, lat, lon, radius)
    assert inside <= found
    assert not (found & outside)


def test_radius_query_equals_brute_force_geodesic_on_demo_data() -> None:
    from matching.directory.demo import load_demo_directory

    index = FacilityIndex(load_demo_directory())
    for lat, lon in [(40.7484, -73.9967), (34.05, -118.24), (61.2, -149.9), (29.76, -95.37)]:
        for radius in (10.0, 50.0, 150.0):
            assert_matches_brute_force(index, lat, lon, radius)


def test_facilities_just_inside_and_outside_the_edge_are_decided_by_geodesic() -> None:
    # Due north of ORIGIN the sphere overstates the distance, so a facility 49.99 geodesic
    # miles away looks ~50.1 on the sphere; it must still be found.
    rows = []
    for number, bearing in enumerate((0, 45, 90, 135, 180, 225, 270, 315)):
        for offset, sign in ((0.01, -1), (0.01, 1)):
            point = geodesic(miles=50 + sign * offset).destination(
                (ORIGIN.lat, ORIGIN.lon), bearing
            )
            rows.append(facility(number * 2 + (sign > 0), lat=point.latitude, lon=point.longitude))
    index = FacilityIndex(directory(*rows))
    positions, miles = index.within(ORIGIN.lat, ORIGIN.lon, 50.0)
    assert len(positions) == 8
    assert np.all(miles < 50.0)


def test_distances_agree_with_geopy_geodesic() -> None:
    index = FacilityIndex(directory(facility(1, miles=12.0), facility(2, miles=30.0)))
    positions, miles = index.within(ORIGIN.lat, ORIGIN.lon, 50.0)
    expected = [
        geodesic((ORIGIN.lat, ORIGIN.lon), (lat, lon)).miles
        for lat, lon in zip(index.lat[positions], index.lon[positions], strict=True)
    ]
    assert miles == pytest.approx(expected, abs=LAMBERT_ERROR_MILES)


def test_lambert_distance_bound_holds_up_to_the_largest_radius() -> None:
    rng = np.random.default_rng(11)
    for _ in range(400):
        lat, lon = rng.uniform(-70, 72), rng.uniform(-180, 180)
        start = (lat, lon)
        end = geodesic(miles=rng.uniform(0, 3020)).destination(start, rng.uniform(0, 360))
        exact = geodesic(start, (end.latitude, end.longitude)).miles
        lambert = ellipsoidal_miles(lat, lon, np.array([end.latitude]), np.array([end.longitude]))
        assert abs(lambert[0] - exact) <= LAMBERT_ERROR_MILES


def test_distance_to_the_origin_itself_is_zero() -> None:
    assert ellipsoidal_miles(40.0, -74.0, np.array([40.0]), np.array([-74.0])).tolist() == [0.0]


def test_sphere_error_bound_holds_for_random_pairs() -> None:
    rng = np.random.default_rng(7)
    lat1, lat2 = rng.uniform(-89, 89, 400), rng.uniform(-89, 89, 400)
    lon1, lon2 = rng.uniform(-180, 180, 400), rng.uniform(-180, 180, 400)
    for a, b, c, d in zip(lat1, lon1, lat2, lon2, strict=True):
        exact = geodesic((a, b), (c, d)).miles
        sphere = haversine_miles(a, b, np.array([c]), np.array([d]))[0]
        assert abs(sphere - exact) <= SPHERE_ERROR * exact


def test_rows_without_a_location_are_counted_not_indexed() -> None:
    index = FacilityIndex(directory(facility(1), facility(2, lat=0.0, lon=0.0)))
    positions, _ = index.within(ORIGIN.lat, ORIGIN.lon, 3000.0)
    assert index.unlocated_count == 1
    assert index.directory.facility_id.iloc[positions].tolist() == ["f001"]


def test_empty_directory_finds_nothing() -> None:
    index = FacilityIndex(directory(facility(1)).iloc[0:0])
    positions, miles = index.within(ORIGIN.lat, ORIGIN.lon, 50.0)
    assert len(positions) == len(miles) == 0


def test_availability_update_reuses_the_tree() -> None:
    index = FacilityIndex(directory(facility(1), facility(2)))
    updated = index.directory.assign(beds_open_detox=pd.array([3, 1], dtype="Int64"))
    again = index.with_directory(updated)
    assert again.shares_tree_with(index)
    assert again.beds["beds_open_detox"].tolist() == [3.0, 1.0]


def test_moved_facility_rebuilds_the_tree() -> None:
    index = FacilityIndex(directory(facility(1), facility(2)))
    moved = index.directory.assign(lat=[ORIGIN.lat + 1, ORIGIN.lat + 2])
    again = index.with_directory(moved)
    assert not again.shares_tree_with(index)
    assert len(again.within(ORIGIN.lat, ORIGIN.lon, 30.0)[0]) == 0


def test_later_edits_of_the_callers_frame_do_not_reach_the_index() -> None:
    frame = directory(facility(1))
    index = FacilityIndex(frame)
    frame.loc[0, "name"] = "Changed"
    assert index.directory.loc[0, "name"] == "Facility 1"


def test_table_missing_columns_is_refused() -> None:
    with pytest.raises(FacilityDataError, match="missing required columns"):
        FacilityIndex(pd.DataFrame({"facility_id": ["a"], "lat": [1.0], "lon": [2.0]}))


def test_index_rebuilt_after_a_call_equals_a_fresh_index() -> None:
    index = FacilityIndex(directory(facility(1), facility(2, detox_any=None), facility(3)))
    updated = index.directory.assign(beds_open_detox=pd.array([3, None, 1], dtype="Int64"))
    again, fresh = index.with_directory(updated), FacilityIndex(updated)
    assert again.flags.keys() == fresh.flags.keys()
    for name, values in fresh.flags.items():
        assert np.array_equal(again.flags[name], values), name
    assert np.array_equal(again.id_rank, fresh.id_rank)
    assert np.array_equal(
        again.beds["beds_open_detox"], fresh.beds["beds_open_detox"], equal_nan=True
    )


def test_changed_services_are_not_taken_from_the_old_index() -> None:
    index = FacilityIndex(directory(facility(1), facility(2)))
    changed = index.directory.assign(detox_any=pd.array([False, None], dtype="boolean"))
    assert index.with_directory(changed).flags["detox_any"].tolist() == [0, -1]


def test_index_with_new_availability_equals_a_fresh_index() -> None:
    """After a logged call the index reads only the availability again, and answers the same
    searches as an index built anew."""
    index = FacilityIndex(directory(facility(1), facility(2, detox_any=None), facility(3)))
    called = datetime(2026, 12, 5, 14, 0, tzinfo=UTC)
    updated = index.directory.assign(
        beds_open_detox=pd.array([3, None, 1], dtype="Int64"),
        availability_status=["openings", "unknown", "no_openings"],
        availability_reported_at=pd.to_datetime([called, None, called], utc=True),
    )
    again, fresh = index.with_availability(updated), FacilityIndex(updated)
    assert again.shares_tree_with(index)
    assert again.status.tolist() == ["openings", "unknown", "no_openings"]
    assert np.array_equal(again.reported_at_s, fresh.reported_at_s, equal_nan=True)
    assert np.array_equal(
        again.beds["beds_open_detox"], fresh.beds["beds_open_detox"], equal_nan=True
    )
    assert again.column_arrays.keys() == fresh.column_arrays.keys()
    assert again.column_arrays["beds_open_detox"].tolist() == [3, pd.NA, 1]
    for name, values in fresh.flags.items():
        assert np.array_equal(again.flags[name], values), name
    assert index.status.tolist() == ["unknown"] * 3  # the earlier index is unchanged


def test_index_with_other_columns_is_built_from_the_directory() -> None:
    index = FacilityIndex(directory(facility(1), facility(2)))
    changed = index.directory.assign(detox_any=pd.array([False, None], dtype="boolean"))
    assert index.with_availability(changed.iloc[:1]).flags["detox_any"].tolist() == [0]
    assert (
        len(index.with_availability(changed.assign(extra=1)).directory.columns)
        == len(changed.columns) + 1
    )
