"""Open beds that fit the person: the level of care needed, and their sex where it is reported.

A search needs detox beds when detox is required, else residential beds. Where a source
reports beds by sex (a registry such as LA County's SBAT), the person's sex picks the count;
where it reports only a total, the total is used and the wording says so. A facility with no
open bed of the needed kind is "no openings" *for this search* whatever else it has open, and
a status reported alongside counts of the other kind only ("openings", with 4 residential
beds) says nothing about the needed kind: it is "not reported" here. So such a facility never
shows green or ranks above one that reported nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from matching.directory import columns as col

if TYPE_CHECKING:  # the index uses bed_arrays without needing the query module
    from matching.search.query import SearchQuery

# (kind, sex) -> the column reporting those beds.
BY_SEX: Final[dict[tuple[str, str], str]] = {
    ("detox", "female"): col.BEDS_OPEN_DETOX_FEMALE,
    ("detox", "male"): col.BEDS_OPEN_DETOX_MALE,
    ("residential", "female"): col.BEDS_OPEN_RESIDENTIAL_FEMALE,
    ("residential", "male"): col.BEDS_OPEN_RESIDENTIAL_MALE,
}
TOTALS: Final[dict[str, str]] = {
    "detox": col.BEDS_OPEN_DETOX,
    "residential": col.BEDS_OPEN_RESIDENTIAL,
}
SEX_WORDS: Final[dict[str, str]] = {"female": "women", "male": "men"}
NEED_COLUMNS: Final = ("beds_needed", "beds_needed_kind", "availability_for_need")


def bed_arrays(directory: pd.DataFrame) -> dict[str, np.ndarray]:
    """Return every bed-count column as float arrays (NaN = unknown; absent column = unknown)."""
    out = {}
    for name in (*col.BED_COLUMNS, *col.BEDS_BY_SEX_COLUMNS):
        values = directory.get(name)
        out[name] = (
            values.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
            if values is not None
            else np.full(len(directory), np.nan)
        )
    return out


def needed_kind(query: SearchQuery) -> str:
    """Return "detox" when the query requires detox, else "residential"."""
    return "detox" if query.detox is not None else "residential"


def needed_beds(
    beds: dict[str, np.ndarray], query: SearchQuery, positions: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the open beds of the needed kind for the person, and where it was by sex."""
    kind = needed_kind(query)
    total = beds[TOTALS[kind]][positions]
    if query.sex is None:
        return total, np.zeros(len(positions), dtype=bool)
    by_sex = beds[BY_SEX[(kind, query.sex)]][positions]
    reported = np.isfinite(by_sex)
    return np.where(reported, by_sex, total), reported


def status_for_need(
    beds: dict[str, np.ndarray], query: SearchQuery, positions: np.ndarray, status: np.ndarray
) -> np.ndarray:
    """Return each facility's availability status for the needed kind of bed."""
    kind = needed_kind(query)
    needed, _ = needed_beds(beds, query, positions)
    other = beds[TOTALS["residential" if kind == "detox" else "detox"]][positions]
    known = np.isfinite(needed)
    return np.select(
        [known & (needed > 0), known, np.isfinite(other)],
        ["openings", "no_openings", "unknown"],
        default=status,
    ).astype("str")


def need_label(query: SearchQuery, *, by_sex: bool = True) -> str:
    """Return the needed beds in words: "detox beds", "residential beds for women"."""
    text = f"{needed_kind(query)} beds"
    if query.sex is not None and by_sex:
        text += f" for {SEX_WORDS[query.sex]}"
    return text


def need_labels(query: SearchQuery, reported_by_sex: np.ndarray) -> np.ndarray:
    """Return per facility what its figure is about (by sex only where the source said)."""
    plain = need_label(query, by_sex=False)
    if query.sex is None:
        return np.full(len(reported_by_sex), plain, dtype=object)
    return np.where(reported_by_sex, need_label(query), f"{plain} (not reported by sex)").astype(
        object
    )
