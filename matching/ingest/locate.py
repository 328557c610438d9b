"""Locate facilities that have an address but no coordinates.

The rule, in order, recorded in ``location_precision``:

1. ``address_match``: the row's normalised street + ZIP, else its normalised name + ZIP, equals
   a row of a *reference* directory that has street-level coordinates (``exact``, ``geocoded``
   or itself ``address_match``); the reference's coordinates are copied. A key that several
   reference rows share is used only if they agree within :data:`SAME_PLACE_DEGREES`.
2. ``zip_centroid``: the center of the row's ZIP (offline, :mod:`matching.directory.zip_centroids`);
   distances to such a row are approximate (median 1.2 miles from the facility, p90 3.4).
3. otherwise the row stays unlocated (0,0, ``none``) and is counted: never 0,0 as a place.

An address match is checked against the row's own ZIP: a match farther from the ZIP's center
than the ZIP can reach (:func:`far_from_zip`: three times the distance to the nearest other
ZIP's center, at least :data:`MIN_REACH_MILES`) is the wrong place (a reference row at another
site of the same name, a geocoder's guess), so the row falls back to its ZIP's center and the
import report lists it. A match that lies on the ZIP's center itself was placed there by the
reference's own geocoder: it is labelled ``zip_centroid``, what it is.

Rows that already have coordinates are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.directory.schema import has_location
from matching.directory.zip_centroids import zip_centroids

# Reference rows whose coordinates are street-level, so copying them is an address match.
STREET_LEVEL: Final = ("exact", "geocoded", "address_match")
# Rows sharing a key must lie this close (about 0.7 miles) to count as one place.
SAME_PLACE_DEGREES: Final = 0.01
# How far from its center a ZIP can reach: REACH_FACTOR times the distance to the nearest other
# ZIP center (small in a city, large in the country), never less than MIN_REACH_MILES.
REACH_FACTOR: Final = 3.0
MIN_REACH_MILES: Final = 5.0
# A match this close to the ZIP's center (about 50 m) was placed there, not at the door.
ON_CENTER_DEGREES: Final = 0.0005

# USPS standard abbreviations (Publication 28) for the words that vary most between listings.
_STREET_WORDS: Final[dict[str, str]] = {
    "street": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "drive": "dr",
    "boulevard": "blvd",
    "highway": "hwy",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "parkway": "pkwy",
    "circle": "cir",
    "terrace": "ter",
    "square": "sq",
    "suite": "ste",
    "building": "bldg",
    "floor": "fl",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
    "mount": "mt",
    "saint": "st",
    "fort": "ft",
    "route": "rte",
}
_NON_WORD = re.compile(r"[^0-9a-z]+")
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")


@dataclass(frozen=True, kw_only=True)
class LocateCounts:
    """How the rows of an import got their location."""

    exact: int = 0
    address_match: int = 0
    zip_centroid: int = 0
    unlocated: int = 0
    # Address matches that were too far from their own ZIP, placed at its center instead.
    too_far: tuple[str, ...] = ()

    def note(self) -> str:
        """Return the counts as one sentence for the import report."""
        total = self.exact + self.address_match + self.zip_centroid + self.unlocated
        share = (lambda n: f"{100 * n / total:.1f} %") if total else (lambda n: "0 %")
        return (
            f"located {total} row(s): {self.exact} with the source's coordinates "
            f"({share(self.exact)}), {self.address_match} by address match "
            f"({share(self.address_match)}), {self.zip_centroid} at the ZIP center "
            f"({share(self.zip_centroid)}), {self.unlocated} not located "
            f"({share(self.unlocated)}: no match and no center for the ZIP)"
        ) + (
            f"; {len(self.too_far)} address match(es) lay farther from their own ZIP than it "
            f"reaches and were placed at the ZIP center instead: {'; '.join(self.too_far)}"
            if self.too_far
            else ""
        )


def normalize_street(street: pd.Series) -> pd.Series:
    """Return the matching key of street lines: first line only, USPS words, no punctuation."""
    first_line = street.astype("str").str.split(",", n=1).str[0].str.casefold()
    words = first_line.str.replace(_NON_WORD, " ", regex=True).str.split()
    return words.map(lambda tokens: " ".join(_STREET_WORDS.get(t, t) for t in tokens)).str.replace(
        _ORDINAL, r"\1", regex=True
    )


def normalize_facility_name(name: pd.Series) -> pd.Series:
    """Return the matching key of facility names: case, punctuation and "&" forgiven."""
    text = name.astype("str").str.casefold().str.replace("&", " and ", regex=False)
    return text.str.replace(_NON_WORD, " ", regex=True).str.split().str.join(" ")


def locate(
    table: pd.DataFrame, references: Sequence[pd.DataFrame], *, zip_centers: bool = True
) -> tuple[pd.DataFrame, LocateCounts]:
    """Return ``table`` with unlocated rows placed by address match or ZIP center, and counts."""
    located = has_location(table)
    out = table.copy()
    if col.LOCATION_PRECISION not in out.columns:
        out[col.LOCATION_PRECISION] = ""
    out[col.LOCATION_PRECISION] = out[col.LOCATION_PRECISION].astype("str").where(located, "none")
    need = ~located
    matched = pd.Series(False, index=out.index)
    if need.any() and references:
        coords = _reference_coordinates(references)
        for key in (_street_key(out), _name_key(out)):
            hits = key.where(need & (key != "")).map(coords)
            found = hits.notna()
            _place(out, hits[found], "address_match")
            matched |= found
            need &= ~found
    too_far, on_center = _check_against_zip(out, matched)
    need |= too_far | on_center
    centers = out[col.ZIP].where(need).map(zip_centroids() if zip_centers else {})
    centered = centers.notna()
    _place(out, centers[centered], "zip_centroid")
    counts = LocateCounts(
        exact=int(located.sum()),
        address_match=int((out[col.LOCATION_PRECISION] == "address_match").sum()),
        zip_centroid=int((out[col.LOCATION_PRECISION] == "zip_centroid").sum()),
        unlocated=int((need & ~centered).sum()),
        too_far=tuple(
            f"{name} ({zip_code})"
            for name, zip_code in zip(
                out.loc[too_far, col.NAME], out.loc[too_far, col.ZIP], strict=True
            )
        ),  # fmt: skip
    )
    return out, counts


def _check_against_zip(out: pd.DataFrame, matched: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return the address matches too far from their own ZIP, and those lying on its center:
    both are placed at the ZIP's center, as what they are (``zip_centroid``)."""
    rows = out.index[matched.to_numpy()]
    too_far = pd.Series(False, index=out.index)
    on = pd.Series(False, index=out.index)
    if rows.empty:
        return too_far, on
    centers = zip_centroids()
    known = [row for row in rows if out.at[row, col.ZIP] in centers]
    lat = out.loc[known, col.LAT].astype("float64").to_numpy()
    lon = out.loc[known, col.LON].astype("float64").to_numpy()
    center = np.array([centers[out.at[row, col.ZIP]] for row in known]).reshape(-1, 2)
    on_center = (np.abs(lat - center[:, 0]) < ON_CENTER_DEGREES) & (
        np.abs(lon - center[:, 1]) < ON_CENTER_DEGREES
    )
    on.loc[np.array(known)[on_center]] = True
    far = far_from_zip(lat, lon, out.loc[known, col.ZIP].to_numpy())
    too_far.loc[np.array(known)[far & ~on_center]] = True
    return too_far, on


def far_from_zip(lat: np.ndarray, lon: np.ndarray, zips: np.ndarray) -> np.ndarray:
    """Return which points lie farther from their ZIP's center than the ZIP reaches."""
    centers = zip_centroids()
    grid = _center_grid()
    out = np.zeros(len(zips), dtype=bool)
    for position, zip_code in enumerate(zips):
        center = centers.get(zip_code)
        if center is None:
            continue
        miles = _miles(lat[position], lon[position], np.array([center[0]]), np.array([center[1]]))
        reach = max(REACH_FACTOR * grid.nearest_other(zip_code), MIN_REACH_MILES)
        out[position] = miles[0] > reach
    return out


@cache
def _center_grid() -> _CenterGrid:
    return _CenterGrid.of(zip_centroids())


@dataclass(frozen=True)
class _CenterGrid:
    """Every ZIP center, sorted by latitude, to find a ZIP's nearest neighbour quickly."""

    positions: dict[str, int]
    lats: np.ndarray
    lons: np.ndarray

    @classmethod
    def of(cls, centers: dict[str, tuple[float, float]]) -> _CenterGrid:
        items = sorted(centers.items(), key=lambda item: item[1][0])
        return cls(
            positions={code: position for position, (code, _) in enumerate(items)},
            lats=np.array([point[0] for _, point in items]),
            lons=np.array([point[1] for _, point in items]),
        )

    def nearest_other(self, code: str) -> float:
        """Return the miles from ``code``'s center to the nearest other ZIP center."""
        position = self.positions[code]
        low = np.searchsorted(self.lats, self.lats[position] - 1.0)
        high = np.searchsorted(self.lats, self.lats[position] + 1.0)
        window = np.r_[low:position, position + 1 : high]
        miles = _miles(
            self.lats[position], self.lons[position], self.lats[window], self.lons[window]
        )
        return float(miles.min()) if len(miles) else 50.0


def _miles(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    phi1, phi2 = np.radians(lat), np.radians(lats)
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lons - lon) / 2) ** 2
    )
    return 2 * 3958.8 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _place(table: pd.DataFrame, points: pd.Series, precision: str) -> None:
    """Set the (lat, lon) pairs of ``points`` (indexed like ``table``) and their precision."""
    if points.empty:
        return
    table.loc[points.index, col.LAT] = [lat for lat, _ in points]
    table.loc[points.index, col.LON] = [lon for _, lon in points]
    table.loc[points.index, col.LOCATION_PRECISION] = precision


def _street_key(table: pd.DataFrame) -> pd.Series:
    street = normalize_street(table[col.STREET])
    return ("s|" + street + "|" + table[col.ZIP]).where(street != "", "")


def _name_key(table: pd.DataFrame) -> pd.Series:
    name = normalize_facility_name(table[col.NAME])
    return ("n|" + name + "|" + table[col.ZIP]).where(name != "", "")


def _reference_coordinates(references: Sequence[pd.DataFrame]) -> dict[str, tuple[float, float]]:
    """Return key -> (lat, lon) over the street-level rows of every reference, unambiguous only."""
    frames = []
    for reference in references:
        usable = has_location(reference)
        if col.LOCATION_PRECISION in reference.columns:
            usable &= reference[col.LOCATION_PRECISION].isin(STREET_LEVEL)
        rows = reference[usable]
        for key in (_street_key(rows), _name_key(rows)):
            frames.append(pd.DataFrame({"key": key, "lat": rows[col.LAT], "lon": rows[col.LON]}))
    if not frames:
        return {}
    keyed = pd.concat(frames, ignore_index=True)
    keyed = keyed[keyed["key"] != ""]
    groups = keyed.groupby("key", sort=False)[["lat", "lon"]]
    first, spread = groups.first(), groups.max() - groups.min()
    agreed = first[(spread["lat"] <= SAME_PLACE_DEGREES) & (spread["lon"] <= SAME_PLACE_DEGREES)]
    return dict(zip(agreed.index, zip(agreed["lat"], agreed["lon"], strict=True), strict=True))
