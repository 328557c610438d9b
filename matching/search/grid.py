"""A spatial index of points on the sphere: sorted quarter-degree cells, pure numpy.

Points are sorted by the cell (0.25 degrees of latitude by 0.25 of longitude) they fall in. A
radius query reads only the cells of the cap's latitude/longitude bounding box - a few
contiguous runs of the sorted arrays - and keeps the points whose great-circle angle is within
the radius by the haversine formula, the same test a haversine BallTree applies. So the answer
is exactly the set of points within the angle, from a few thousand distance evaluations
instead of one per row.

Why not scikit-learn's BallTree or scipy's cKDTree: importing either costs 0.4-1.1 s, more
than a whole cold search, while this grid builds a million points in well under a second and
answers a 50-mile query over them in a few milliseconds.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

CELL_DEGREES: Final = 0.25
_ROWS: Final = int(180 / CELL_DEGREES)
_COLUMNS: Final = int(360 / CELL_DEGREES)


class CellGrid:
    """Points (degrees) and the positions they stand for, sorted by cell for radius queries."""

    def __init__(self, lat: np.ndarray, lon: np.ndarray, positions: np.ndarray) -> None:
        cells = _row(lat) * _COLUMNS + _column(lon)
        order = np.argsort(cells, kind="stable")
        self._cells = cells[order]
        self._positions = np.asarray(positions)[order]
        self._lat = np.radians(lat[order])
        self._lon = np.radians(lon[order])
        self._cos_lat = np.cos(self._lat)

    def __len__(self) -> int:
        return len(self._positions)

    def query(self, lat: float, lon: float, angle: float) -> np.ndarray:
        """Return the positions of the points within ``angle`` radians of lat, lon, ascending."""
        if angle >= math.pi:
            return np.sort(self._positions)
        starts, ends = self._runs(lat, lon, angle)
        lengths = ends - starts
        # Concatenate the runs start..end without a Python loop: each run's offset, repeated.
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        rows = np.arange(int(lengths.sum())) + offsets
        lat1, lon1 = math.radians(lat), math.radians(lon)
        h = (
            np.sin((self._lat[rows] - lat1) / 2) ** 2
            + math.cos(lat1) * self._cos_lat[rows] * np.sin((self._lon[rows] - lon1) / 2) ** 2
        )
        return np.sort(self._positions[rows[h <= math.sin(angle / 2) ** 2]])

    @property
    def nbytes(self) -> int:
        """Memory held by the sorted arrays."""
        arrays = (self._cells, self._positions, self._lat, self._lon, self._cos_lat)
        return sum(a.nbytes for a in arrays)

    def _runs(self, lat: float, lon: float, angle: float) -> tuple[np.ndarray, np.ndarray]:
        """Return start and end indexes of the sorted runs covering the cap's bounding box."""
        degrees = math.degrees(angle)
        low_row, high_row = _row(np.array([lat - degrees, lat + degrees]))
        if lat + degrees >= 90 or lat - degrees <= -90:
            spans = [(0, _COLUMNS - 1)]  # the cap holds a pole: every longitude
        else:
            # Widest longitude offset of a cap not holding a pole (the tangent meridians).
            ratio = min(math.sin(angle) / math.cos(math.radians(lat)), 1.0)
            spans = _column_spans(lon, math.degrees(math.asin(ratio)))
        if spans == [(0, _COLUMNS - 1)]:
            low = np.array([low_row * _COLUMNS])
            high = np.array([high_row * _COLUMNS + _COLUMNS - 1])
        else:
            rows = np.arange(low_row, high_row + 1) * _COLUMNS
            low = np.concatenate([rows + first for first, _ in spans])
            high = np.concatenate([rows + last for _, last in spans])
        return (
            np.searchsorted(self._cells, low, side="left"),
            np.searchsorted(self._cells, high, side="right"),
        )


def _row(lat: np.ndarray) -> np.ndarray:
    return np.clip(np.floor((lat + 90) / CELL_DEGREES), 0, _ROWS - 1).astype("int64")


def _column(lon: np.ndarray) -> np.ndarray:
    return np.clip(np.floor((lon + 180) / CELL_DEGREES), 0, _COLUMNS - 1).astype("int64")


def _column_spans(lon: float, half_width: float) -> list[tuple[int, int]]:
    """Return the column ranges of longitudes lon +- half_width, split at the antimeridian."""
    if half_width >= 180:
        return [(0, _COLUMNS - 1)]
    west, east = lon - half_width, lon + half_width
    if west < -180:
        parts = [(west + 360, 180.0), (-180.0, east)]
    elif east > 180:
        parts = [(west, 180.0), (-180.0, east - 360)]
    else:
        parts = [(west, east)]
    return [(int(_column(np.array(a))), int(_column(np.array(b)))) for a, b in parts]
