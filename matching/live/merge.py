"""Merge freshly fetched listings into a directory: same facility updated, new ones added.

A fetched row is the same facility as a directory row when their ``facility_id`` is equal
(FindTreatment's ``frid``), or else when their folded name, street and ZIP are equal and
unique in the directory (a directory built from a CSV export has hashed ids). A matched row
keeps its id - calls logged against it stay attached - and its availability, licensing and
bed columns; its listing columns take the fetched values, except where the fetch does not say
(NA or empty), since unknown is not no. Rows the fetch does not mention are left as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.directory.schema import validate_directory

# What a listing says about a facility; everything else (availability, capacity) is kept.
LISTING_COLUMNS: Final[tuple[str, ...]] = (
    (col.NAME, col.NAME2, col.STREET, col.CITY, col.STATE, col.ZIP, col.PHONE, col.INTAKE_PHONE)
    + (col.WEBSITE, col.LAT, col.LON, col.FACILITY_TYPE, col.LOCATION_PRECISION)
    + col.SERVICE_COLUMNS
    + col.PROFILE_COLUMNS
    + (col.LANGUAGES, col.ACCREDITATIONS, col.COUNTY, col.ACCREDITED, col.SERVICES)
)
_COORDINATE_DECIMALS: Final = 5  # about a metre: finer differences are float noise


@dataclass(frozen=True)
class ListingMerge:
    """The merged directory and how many fetched rows were added, updated or unchanged."""

    frame: pd.DataFrame
    added: int
    updated: int
    unchanged: int

    def summary_text(self) -> str:
        """Return the counts as one sentence."""
        return (
            f"Merged {self.added + self.updated + self.unchanged:,} fetched facilities: "
            f"{self.added:,} added, {self.updated:,} updated, {self.unchanged:,} unchanged; "
            f"the directory now has {len(self.frame):,} facilities."
        )


def merge_listings(directory: pd.DataFrame, fetched: pd.DataFrame) -> ListingMerge:
    """Return ``directory`` with ``fetched`` merged in (neither input is modified)."""
    directory = directory.reset_index(drop=True)
    fetched = fetched.reset_index(drop=True)
    target = _match(directory, fetched)
    matched = target.notna().to_numpy()
    positions = target[matched].astype(int).to_numpy()
    incoming = fetched[matched]
    out = directory.copy()
    changed = np.zeros(len(positions), dtype=bool)
    for name in LISTING_COLUMNS:
        if name not in fetched.columns or name not in out.columns:
            continue
        new = incoming[name].reset_index(drop=True)
        old = out[name].iloc[positions].reset_index(drop=True)
        says = new.notna() & (new.astype("str") != "")
        chosen = new.where(says, old)
        differs = ~_same(chosen, old, name)
        if differs.any():  # most refreshed listings are unchanged: write only what differs
            changed |= differs
            rows = out.index[positions[differs]]
            out.loc[rows, name] = chosen[differs].astype(out[name].dtype).to_numpy()
    for name in (col.SOURCE, col.LISTED_AT):
        out.loc[out.index[positions], name] = incoming[name].astype(out[name].dtype).to_numpy()
    added = fetched[~matched]
    merged = pd.concat([out, added], ignore_index=True) if len(added) else out
    return ListingMerge(
        frame=validate_directory(merged),
        added=len(added),
        updated=int(changed.sum()),
        unchanged=int((~changed).sum()),
    )


def _same(new: pd.Series, old: pd.Series, name: str) -> np.ndarray:
    if name in (col.LAT, col.LON):
        return np.isclose(
            new.astype("float64").round(_COORDINATE_DECIMALS),
            old.astype("float64").round(_COORDINATE_DECIMALS),
            equal_nan=True,
        )
    both_unknown = new.isna().to_numpy() & old.isna().to_numpy()
    equal = (new == old).fillna(False).to_numpy(dtype=bool)
    return equal | both_unknown


def _match(directory: pd.DataFrame, fetched: pd.DataFrame) -> pd.Series:
    """Return the directory position of each fetched row (NA when it is new)."""
    ids = pd.Series(np.arange(len(directory)), index=directory[col.FACILITY_ID].to_numpy())
    ids = ids[~ids.index.duplicated(keep="first")]
    by_id = fetched[col.FACILITY_ID].map(ids)
    keys = _key(directory)
    unique = pd.Series(np.arange(len(directory)), index=keys.to_numpy())[
        ~keys.duplicated(keep=False).to_numpy()
    ]
    by_key = _key(fetched).map(unique)
    target = by_id.where(by_id.notna(), by_key)
    # Two fetched rows must not claim one directory row: the later ones are added instead.
    return target.where(~target.duplicated(keep="first") | target.isna())


def _key(frame: pd.DataFrame) -> pd.Series:
    def fold(name: str) -> pd.Series:
        text = frame[name].astype("str").fillna("").str.casefold()
        return text.str.replace(r"[\W_]+", " ", regex=True).str.strip()

    return fold(col.NAME) + "|" + fold(col.STREET) + "|" + frame[col.ZIP].astype("str")
