"""Locate facilities that have an address but no coordinates.

The rule, in order, recorded in ``location_precision``:

1. ``address_match``: the row's normalised street + ZIP, else its normalised name + ZIP, equals
   a row of a *reference* directory that has street-level coordinates (``exact``, ``geocoded``
   or itself ``address_match``); the reference's coordinates are copied. A key that several
   reference rows share is used only if they agree within :data:`SAME_PLACE_DEGREES`.
2. ``zip_centroid``: the centre of the row's ZIP (offline, :mod:`matching.directory.zip_centroids`);
   distances to such a row are approximate (median 1.2 miles from the facility, p90 3.4).
3. otherwise the row stays unlocated (0,0, ``none``) and is counted: never 0,0 as a place.

Rows that already have coordinates are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from matching.directory import columns as col
from matching.directory.schema import has_location
from matching.directory.zip_centroids import zip_centroids

# Reference rows whose coordinates are street-level, so copying them is an address match.
STREET_LEVEL: Final = ("exact", "geocoded", "address_match")
# Rows sharing a key must lie this close (about 0.7 miles) to count as one place.
SAME_PLACE_DEGREES: Final = 0.01

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

    def note(self) -> str:
        """Return the counts as one sentence for the import report."""
        total = self.exact + self.address_match + self.zip_centroid + self.unlocated
        share = (lambda n: f"{100 * n / total:.1f} %") if total else (lambda n: "0 %")
        return (
            f"located {total} row(s): {self.exact} with the source's coordinates "
            f"({share(self.exact)}), {self.address_match} by address match "
            f"({share(self.address_match)}), {self.zip_centroid} at the ZIP centre "
            f"({share(self.zip_centroid)}), {self.unlocated} not located "
            f"({share(self.unlocated)}: no match and no centre for the ZIP)"
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
    """Return ``table`` with unlocated rows placed by address match or ZIP centre, and counts."""
    located = has_location(table)
    out = table.copy()
    if col.LOCATION_PRECISION not in out.columns:
        out[col.LOCATION_PRECISION] = ""
    out[col.LOCATION_PRECISION] = out[col.LOCATION_PRECISION].astype("str").where(located, "none")
    need = ~located
    matched = 0
    if need.any() and references:
        coords = _reference_coordinates(references)
        for key in (_street_key(out), _name_key(out)):
            hits = key.where(need & (key != "")).map(coords)
            found = hits.notna()
            _place(out, hits[found], "address_match")
            matched += int(found.sum())
            need &= ~found
    centers = out[col.ZIP].where(need).map(zip_centroids() if zip_centers else {})
    centered = centers.notna()
    _place(out, centers[centered], "zip_centroid")
    counts = LocateCounts(
        exact=int(located.sum()),
        address_match=matched,
        zip_centroid=int(centered.sum()),
        unlocated=int((need & ~centered).sum()),
    )
    return out, counts


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
