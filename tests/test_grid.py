"""CellGrid: a radius query returns exactly the points a haversine scan of every row keeps."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matching.search.grid import CellGrid


def scan(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float, angle: float) -> np.ndarray:
    """Return the rows within ``angle`` radians of lat0, lon0 by haversine, checking every row."""
    h = (
        np.sin(np.radians(lat - lat0) / 2) ** 2
        + math.cos(math.radians(lat0))
        * np.cos(np.radians(lat))
        * np.sin(np.radians(lon - lon0) / 2) ** 2
    )
    return np.flatnonzero(2 * np.arcsin(np.sqrt(np.minimum(h, 1.0))) <= angle)


def world(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    # Uniform on the sphere, plus points on the poles, the antimeridian and cell edges.
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, count)))
    lon = rng.uniform(-180, 180, count)
    edges_lat = np.array([90.0, -90.0, 0.0, 0.25, 45.0, 64.75, 89.99, -89.99, 10.0, 10.0])
    edges_lon = np.array([0.0, 0.0, 180.0, -180.0, 179.99, -179.99, 0.25, 90.0, 180.0, -180.0])
    return np.concatenate([lat, edges_lat]), np.concatenate([lon, edges_lon])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_query_equals_a_full_haversine_scan(seed: int) -> None:
    lat, lon = world(20_000, seed)
    grid = CellGrid(lat, lon, np.arange(len(lat)))
    rng = np.random.default_rng(seed + 100)
    origins = [(float(a), float(b)) for a, b in zip(*world(60, seed + 200), strict=True)]
    origins += [(89.9, 10.0), (-89.9, -170.0), (0.0, 179.9), (52.0, -179.95), (71.3, -156.8)]
    for lat0, lon0 in origins:
        for angle in (1e-4, 0.002, 0.0125, 0.05, float(rng.uniform(0, 0.8)), 1.6, 3.2):
            found = grid.query(lat0, lon0, angle)
            assert np.array_equal(found, scan(lat, lon, lat0, lon0, angle)), (lat0, lon0, angle)


def test_positions_are_returned_ascending_as_given() -> None:
    lat = np.array([40.0, 40.01, 10.0, 40.02])
    lon = np.array([-74.0, -74.0, 10.0, -74.01])
    grid = CellGrid(lat, lon, np.array([7, 3, 5, 11]))
    assert grid.query(40.0, -74.0, 0.001).tolist() == [3, 7, 11]
    assert len(grid) == 4 and grid.nbytes > 0


def test_empty_grid_finds_nothing() -> None:
    grid = CellGrid(np.empty(0), np.empty(0), np.empty(0, dtype="int64"))
    assert grid.query(40.0, -74.0, 0.1).tolist() == []


def test_query_agrees_with_scikit_learns_balltree() -> None:
    # An independent implementation of the same radius query (the index ReadyBed used before
    # the grid): the two must keep the same points, up to points on the rim within rounding.
    from sklearn.neighbors import BallTree

    lat, lon = world(5_000, 7)
    grid = CellGrid(lat, lon, np.arange(len(lat)))
    tree = BallTree(np.radians(np.column_stack([lat, lon])), metric="haversine")
    for lat0, lon0 in [(40.7, -74.0), (64.8, -147.7), (-33.9, 151.2), (0.0, 179.9)]:
        for angle in (0.005, 0.05, 0.4):
            mine = set(grid.query(lat0, lon0, angle).tolist())
            theirs = set(tree.query_radius(np.radians([[lat0, lon0]]), r=angle)[0].tolist())
            differing = np.array(sorted(mine ^ theirs), dtype=int)
            rim = scan(lat, lon, lat0, lon0, angle + 1e-12)
            inside = scan(lat, lon, lat0, lon0, angle - 1e-12)
            assert set(differing.tolist()) <= set(rim.tolist()) - set(inside.tolist())
