"""A spatial index over a facility directory, built once and reused for every search.

Radius queries run in two steps:

1. A :class:`~matching.search.grid.CellGrid` (haversine on the sphere of the WGS84 mean
   radius) returns the candidates within ``radius * (1 + SPHERE_ERROR)``: a spherical distance
   differs from the WGS84 geodesic by at most SPHERE_ERROR (0.6 %; measured maximum 0.56 %),
   so no facility within the radius is missed.
2. Distances to the candidates are computed on the WGS84 ellipsoid with Lambert's formula,
   vectorised: it agrees with geopy's ``geodesic`` (Karney's algorithm, via geographiclib) to
   within LAMBERT_ERROR_MILES (measured maximum 0.0041 mi, about 7 m, over 20,000 random
   pairs up to 3,000 mi apart; under 2 m below 500 mi). Candidates whose Lambert distance is
   that close to the radius are settled with geographiclib's exact geodesic.

So membership is exactly "geodesic distance <= radius", and every reported distance is within
a few metres of the geodesic, at numpy speed instead of ~25 microseconds per pair.

Besides the grid, the index keeps the columns search reads as plain numpy arrays, so a query
only touches its candidates and never copies the directory.
"""

from __future__ import annotations

import copy
from typing import Final

import numpy as np
import pandas as pd
from geographiclib.geodesic import Geodesic

from matching.directory import columns as col
from matching.directory.schema import has_location
from matching.errors import FacilityDataError, Problem
from matching.search.beds import bed_arrays
from matching.search.grid import CellGrid

# IUGG mean Earth radius R1 = (2a + b) / 3 of WGS84: 6371.0088 km.
EARTH_RADIUS_MILES: Final = 6371.0088 / 1.609344
# Largest relative difference between a spherical distance (radius above) and the WGS84
# geodesic: about 0.56 % for meridional arcs near the poles/equator; rounded up for safety.
SPHERE_ERROR: Final = 0.006
# Largest difference between Lambert's formula and the geodesic for distances up to 3,000 mi
# (measured 0.0041 mi); rows this close to the radius get the exact geodesic.
LAMBERT_ERROR_MILES: Final = 0.005
_METERS_PER_MILE: Final = 1609.344
_WGS84 = Geodesic.WGS84


def geodesic_miles(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Return WGS84 geodesic distances (the same as geopy's ``geodesic``) from one point."""
    out = np.empty(len(lats), dtype="float64")
    for i, (other_lat, other_lon) in enumerate(zip(lats.tolist(), lons.tolist(), strict=True)):
        out[i] = _WGS84.Inverse(lat, lon, other_lat, other_lon, Geodesic.DISTANCE)["s12"]
    return out / _METERS_PER_MILE


def ellipsoidal_miles(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Return WGS84 distances by Lambert's formula (vectorised), within LAMBERT_ERROR_MILES.

    Valid up to a few thousand miles (it degrades towards antipodal points, which a search
    radius of at most 3,000 mi never reaches).
    """
    flattening = _WGS84.f
    beta1 = np.arctan((1 - flattening) * np.tan(np.radians(lat)))
    beta2 = np.arctan((1 - flattening) * np.tan(np.radians(lats)))
    half_dlon = np.radians(np.asarray(lons) - lon) / 2
    h = np.sin((beta2 - beta1) / 2) ** 2 + np.cos(beta1) * np.cos(beta2) * np.sin(half_dlon) ** 2
    sigma = 2 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    p, q = (beta1 + beta2) / 2, (beta2 - beta1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (sigma - np.sin(sigma)) * np.sin(p) ** 2 * np.cos(q) ** 2 / np.cos(sigma / 2) ** 2
        y = (sigma + np.sin(sigma)) * np.cos(p) ** 2 * np.sin(q) ** 2 / np.sin(sigma / 2) ** 2
        meters = _WGS84.a * (sigma - flattening / 2 * (x + y))
    return np.where(sigma > 0, meters, 0.0) / _METERS_PER_MILE


def haversine_miles(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Return great-circle distances on the mean-radius sphere from one point (vectorised)."""
    lat1, lon1 = np.radians(lat), np.radians(lon)
    lat2, lon2 = np.radians(lats), np.radians(lons)
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def tri_state(series: pd.Series) -> np.ndarray:
    """Return a nullable boolean column as int8: 1 yes, 0 no, -1 unknown."""
    values = series.astype("boolean")
    out = np.full(len(values), -1, dtype="int8")
    known = values.notna().to_numpy()
    out[known] = values[known].to_numpy(dtype="bool").astype("int8")
    return out


# A facility of the Department of Veterans Affairs, by its name (the directory's VAMC code is
# not kept per row): "Phoenix VA Healthcare System", "VA Medical Center", "Veterans Affairs".
VA_NAME: Final = r"(?:^|[\s/(-])VA(?:$|[\s/),-])|Veterans Affairs|\bVAMC\b|Veterans Admin"


class FacilityIndex:
    """A directory plus a spatial grid over its located rows, for fast radius searches.

    Build it once per directory and pass it to every :func:`matching.search_facilities` call;
    after availability changes, :meth:`with_directory` reuses the tree.

    Parameters
    ----------
    directory : pandas.DataFrame
        A validated canonical table (:func:`matching.directory.validate_directory`,
        docs/facility-table.md). Rows without a location (0,0 or NaN) are not indexed;
        ``unlocated_count`` says how many, so the app can tell the user.

    Raises
    ------
    FacilityDataError
        A canonical column is missing.

    Examples
    --------
    >>> from matching import FacilityIndex, load_demo_directory
    >>> index = FacilityIndex(load_demo_directory())
    >>> len(index) == len(index.directory), index.unlocated_count
    (True, 0)
    >>> positions, miles = index.within(40.7484, -73.9967, radius_miles=5)
    >>> len(positions) > 0, bool((miles <= 5).all())
    (True, True)
    """

    def __init__(
        self,
        directory: pd.DataFrame,
        *,
        _tree: CellGrid | None = None,
        _previous: FacilityIndex | None = None,
    ) -> None:
        # ``_tree`` and ``_previous`` are private: with_directory passes the grid it may share
        # and the index whose unchanged columns it may reuse.
        _check_columns(directory)
        # A shallow copy is cheap and, with copy-on-write, shields the index from later edits
        # of the caller's frame.
        self._directory = directory.copy(deep=False)
        located = has_location(directory).to_numpy(dtype="bool")
        self._located_positions = np.flatnonzero(located)
        self.unlocated_count = int(len(directory) - len(self._located_positions))
        self.lat = directory[col.LAT].to_numpy(dtype="float64", na_value=np.nan)
        self.lon = directory[col.LON].to_numpy(dtype="float64", na_value=np.nan)
        if _tree is None and len(self._located_positions):
            located_at = self._located_positions
            _tree = CellGrid(self.lat[located_at], self.lon[located_at], located_at)
        self._tree = _tree
        self._load_columns(directory, _previous)

    def _load_columns(self, directory: pd.DataFrame, previous: FacilityIndex | None) -> None:
        # The directory's columns as arrays: a result takes its rows from each directly.
        self.column_arrays: dict[str, pd.api.extensions.ExtensionArray] = {
            str(name): directory[name].array for name in directory.columns
        }
        self.flags: dict[str, np.ndarray] = {
            name: _tri_state_of(directory, name, previous) for name in col.SERVICE_COLUMNS
        }
        for name in (col.ACCREDITED, col.ACCEPTING_NEW_PATIENTS):
            self.flags[name] = (
                _tri_state_of(directory, name, previous)
                if name in directory.columns
                else np.full(len(directory), -1, dtype="int8")
            )
        self._load_availability(directory)
        if previous is not None and _same_columns(directory, previous.directory, _PERSON_SOURCES):
            # A logged call changes availability only: who is accepted stays as it was.
            self.flags.update({name: previous.flags[name] for name in col.PROFILE_COLUMNS})
            self.veterans_only: np.ndarray = previous.veterans_only
            self.languages: np.ndarray = previous.languages
            self.zip_centroid: np.ndarray = previous.zip_centroid
        else:
            self._load_person_columns(directory)
        self.id_rank = _id_rank(directory, previous)

    def _load_availability(self, directory: pd.DataFrame) -> None:
        self.beds: dict[str, np.ndarray] = bed_arrays(directory)
        self.status = directory[col.AVAILABILITY_STATUS].to_numpy(dtype="str", na_value="unknown")
        stamps = pd.to_datetime(directory[col.AVAILABILITY_REPORTED_AT], utc=True)
        self.reported_at_s = (
            (stamps - pd.Timestamp(0, tz="UTC"))
            .dt.total_seconds()
            .to_numpy(dtype="float64", na_value=np.nan)
        )

    def _load_person_columns(self, directory: pd.DataFrame) -> None:
        """Load who each facility accepts, its languages and how exactly it is located.

        A table that predates these columns (§1b) reads as unknown throughout.
        """
        unknown = np.full(len(directory), -1, dtype="int8")
        for name in col.PROFILE_COLUMNS:
            values = directory.get(name)
            self.flags[name] = tri_state(values) if values is not None else unknown
        names = directory[col.NAME].fillna("").astype("str")
        if col.NAME2 in directory.columns:
            names = names + " / " + directory[col.NAME2].fillna("").astype("str")
        self.veterans_only = names.str.contains(VA_NAME, regex=True).to_numpy(dtype=bool)
        languages = directory.get(col.LANGUAGES)
        # Case-folded once here, so a language search is a plain substring test per row.
        self.languages = (
            languages.fillna("").astype("str").str.casefold().to_numpy(dtype="str")
            if languages is not None
            else np.full(len(directory), "", dtype="str")
        )
        precision = directory.get(col.LOCATION_PRECISION)
        self.zip_centroid = (
            precision.eq("zip_centroid").to_numpy(dtype="bool", na_value=False)
            if precision is not None
            else np.zeros(len(directory), dtype="bool")
        )

    @property
    def directory(self) -> pd.DataFrame:
        """The directory this index was built from (do not modify; build a new index)."""
        return self._directory

    def __len__(self) -> int:
        return len(self._directory)

    def with_directory(self, directory: pd.DataFrame) -> FacilityIndex:
        """Return an index over ``directory``, reusing the grid when the locations are unchanged.

        Logging a call only changes availability columns, so the grid (the costly part) is
        shared whenever the facility ids, their order and their coordinates are the same.
        """
        same_places = (
            len(directory) == len(self._directory)
            and directory[col.FACILITY_ID].equals(self._directory[col.FACILITY_ID])
            and np.array_equal(
                directory[col.LAT].to_numpy(dtype="float64", na_value=np.nan),
                self.lat,
                equal_nan=True,
            )
            and np.array_equal(
                directory[col.LON].to_numpy(dtype="float64", na_value=np.nan),
                self.lon,
                equal_nan=True,
            )
        )
        return FacilityIndex(directory, _tree=self._tree if same_places else None, _previous=self)

    def with_availability(self, directory: pd.DataFrame) -> FacilityIndex:
        """Return an index over ``directory``, in which only availability differs from this
        index's directory (a call logged: ``col.AVAILABILITY_COLUMNS``, beds by sex and youth,
        the MOUD answer columns), sharing everything else with this index.

        Only the bed, status and report-time arrays are read again, not the services, people
        and places of 12k rows: what a logged call costs the search index. A directory with
        other rows or columns gets :meth:`with_directory`.
        """
        if len(directory) != len(self._directory) or list(directory.columns) != list(
            self._directory.columns
        ):
            return self.with_directory(directory)
        index = copy.copy(self)
        index._directory = directory.copy(deep=False)
        index.column_arrays = {str(name): directory[name].array for name in directory.columns}
        index._load_availability(directory)
        return index

    def shares_tree_with(self, other: FacilityIndex) -> bool:
        """Return whether both indexes use the same spatial grid object."""
        return self._tree is other._tree

    def within(self, lat: float, lon: float, radius_miles: float) -> tuple[np.ndarray, np.ndarray]:
        """Return positions into ``directory`` within ``radius_miles`` (geodesic), and miles.

        Positions come in ascending order. Distances are within LAMBERT_ERROR_MILES of geopy's
        ``geodesic`` (exact for rows that close to the radius).
        """
        if self._tree is None:
            return np.empty(0, dtype="int64"), np.empty(0, dtype="float64")
        reach = radius_miles * (1 + SPHERE_ERROR) / EARTH_RADIUS_MILES
        positions = self._tree.query(lat, lon, reach)
        miles = ellipsoidal_miles(lat, lon, self.lat[positions], self.lon[positions])
        near_edge = np.flatnonzero(np.abs(miles - radius_miles) <= LAMBERT_ERROR_MILES)
        if len(near_edge):
            rows = positions[near_edge]
            miles[near_edge] = geodesic_miles(lat, lon, self.lat[rows], self.lon[rows])
        keep = miles <= radius_miles
        return positions[keep], miles[keep]

    @property
    def nbytes(self) -> int:
        """Approximate memory held by the grid and the column arrays (not the directory)."""
        arrays = [self.lat, self.lon, self.status, self.reported_at_s, self.id_rank]
        arrays += [*self.flags.values(), *self.beds.values(), self._located_positions]
        grid = self._tree.nbytes if self._tree is not None else 0
        return grid + sum(a.nbytes for a in arrays)


def _id_rank(directory: pd.DataFrame, previous: FacilityIndex | None) -> np.ndarray:
    """Return each id's rank in sorted order: a numeric tie-breaker for np.lexsort."""
    if previous is not None and directory[col.FACILITY_ID].equals(
        previous.directory[col.FACILITY_ID]
    ):
        return previous.id_rank
    ids = directory[col.FACILITY_ID].to_numpy(dtype="str")
    rank = np.empty(len(ids), dtype="int64")
    rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    return rank


# The columns :meth:`FacilityIndex._load_person_columns` reads.
_PERSON_SOURCES: Final = (
    *col.PROFILE_COLUMNS,
    col.NAME,
    col.NAME2,
    col.LANGUAGES,
    col.LOCATION_PRECISION,
)


def _same_columns(directory: pd.DataFrame, other: pd.DataFrame, names: tuple[str, ...]) -> bool:
    """Return whether both frames have the same rows and, of ``names``, the same columns."""
    if len(directory) != len(other):
        return False
    for name in names:
        here, there = name in directory.columns, name in other.columns
        if here != there or (here and not directory[name].equals(other[name])):
            return False
    return True


def _tri_state_of(directory: pd.DataFrame, name: str, previous: FacilityIndex | None) -> np.ndarray:
    """Return ``tri_state`` of a column, reusing ``previous``'s array when the column is equal."""
    # Comparing costs a fifth of converting: after a logged call only availability changed.
    if (
        previous is not None
        and name in previous.flags
        and name in previous.directory.columns
        and directory[name].equals(previous.directory[name])
    ):
        return previous.flags[name]
    return tri_state(directory[name])


def _check_columns(directory: pd.DataFrame) -> None:
    missing = [name for name in col.CANONICAL_COLUMNS if name not in directory.columns]
    if missing:
        raise FacilityDataError(
            "The facility table is missing required columns (validate it first)",
            [Problem(None, name, None, "column is missing") for name in missing],
        )
