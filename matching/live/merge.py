"""Merge freshly fetched listings into a directory: same facility updated, new ones added.

A fetched row is the same facility as a directory row when their ``facility_id`` is equal
(FindTreatment's ``frid``), or else when the one facility matcher
(:mod:`matching.directory.matcher`: name, street and phone in the same ZIP or within half a
mile) says so; a row it finds ambiguous is left out and counted, never guessed. The same merge
puts a state file into a directory (``python -m matching import FILE --into DIRECTORY``). A
matched row
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
from matching.directory.matcher import match_facilities
from matching.directory.schema import validate_directory

# What a listing says about a facility; everything else (availability, capacity) is kept.
LISTING_COLUMNS: Final[tuple[str, ...]] = (
    (col.NAME, col.NAME2, col.STREET, col.CITY, col.STATE, col.ZIP, col.PHONE, col.INTAKE_PHONE)
    + (col.WEBSITE, col.LAT, col.LON, col.FACILITY_TYPE, col.LOCATION_PRECISION)
    + col.SERVICE_COLUMNS
    + col.PROFILE_COLUMNS
    + (col.LANGUAGES, col.ACCREDITATIONS, col.COUNTY, col.ACCREDITED, col.SERVICES)
    # What a state listing adds: licensed capacity and licence, and its own availability signal.
    + (col.LICENSED_BEDS, col.LICENSE_EXPIRES, col.LICENSE_EXPIRED, col.ACCEPTING_NEW_PATIENTS)
)
_COORDINATE_DECIMALS: Final = 5  # about a metre: finer differences are float noise


@dataclass(frozen=True)
class ListingMerge:
    """The merged directory and how many fetched rows were added, updated or unchanged, and
    which were left out as ambiguous (each could be more than one facility of the directory)."""

    frame: pd.DataFrame
    added: int
    updated: int
    unchanged: int
    ambiguous: tuple[str, ...] = ()

    def summary_text(self) -> str:
        """Return the counts as one sentence."""
        left_out = (
            f"; {len(self.ambiguous):,} left out, each alike more than one facility "
            f"(e.g. {self.ambiguous[0]})"
            if self.ambiguous
            else ""
        )
        return (
            f"Merged {self.added + self.updated + self.unchanged:,} facilities: "
            f"{self.added:,} added, {self.updated:,} updated, {self.unchanged:,} unchanged"
            f"{left_out}; the directory now has {len(self.frame):,} facilities."
        )


def merge_listings(directory: pd.DataFrame, fetched: pd.DataFrame) -> ListingMerge:
    """Return ``directory`` with ``fetched`` merged in (neither input is modified)."""
    directory = directory.reset_index(drop=True)
    fetched = fetched.reset_index(drop=True)
    found = match_facilities(directory, fetched)
    target = pd.Series(found.target, dtype="Int64").where(found.target >= 0)
    matched = target.notna().to_numpy()
    ambiguous = found.status == "ambiguous"
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
    added = fetched[~matched & ~ambiguous]
    merged = pd.concat([out, added], ignore_index=True) if len(added) else out
    left_out = fetched[ambiguous]
    return ListingMerge(
        frame=validate_directory(merged),
        added=len(added),
        updated=int(changed.sum()),
        unchanged=int((~changed).sum()),
        ambiguous=tuple(
            f"{name}, {street} {zip_code}"
            for name, street, zip_code in zip(
                left_out[col.NAME], left_out[col.STREET], left_out[col.ZIP], strict=True
            )
        ),
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
