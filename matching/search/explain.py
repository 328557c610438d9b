"""Say which filter to loosen when a search finds nothing.

Each requirement of the query is relaxed on its own and the search re-run, so the user sees
e.g. "Without the Medicaid requirement: 7 facilities". Searches are cheap (an index lookup
and array filters), so running one per filter is fine on an empty result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from matching.search.engine import search
from matching.search.index import FacilityIndex
from matching.search.person import AGE_WORDS
from matching.search.query import MAX_RADIUS_MILES, SearchQuery

RADIUS_STEP_MILES: Final = 5


@dataclass(frozen=True, kw_only=True, slots=True)
class Loosening:
    """One filter relaxed: what to change, and how many facilities that would find."""

    change: str
    count: int


def loosen_suggestions(
    index: FacilityIndex, query: SearchQuery, *, now: datetime | None = None
) -> list[Loosening]:
    """Return, for each active requirement, how many facilities its removal would find.

    Suggestions that find something come first, most results first. The radius is widened,
    not removed: doubled, or further when the nearest facility is further still.
    """
    options: list[tuple[str, SearchQuery]] = []
    if query.radius_miles < MAX_RADIUS_MILES:
        nearest = nearest_miles(index, query.origin.lat, query.origin.lon) or 0.0
        reach = math.ceil(nearest / RADIUS_STEP_MILES) * RADIUS_STEP_MILES
        wider = min(max(query.radius_miles * 2, reach), MAX_RADIUS_MILES)
        options.append(
            (f"Widen the distance to {wider:g} miles", replace(query, radius_miles=wider))
        )
    if query.payers:
        options.append(("Drop the insurance / payment requirement", replace(query, payers=())))
    if query.detox is not None:
        options.append(("Drop the detox-level requirement", replace(query, detox=None)))
    if query.moud:
        options.append(("Drop the medication (MOUD) requirement", replace(query, moud=())))
    if query.after_care is not None:
        options.append(("Drop the care-after-detox requirement", replace(query, after_care=None)))
    if query.min_beds > 0:
        options.append(("Drop the open-beds requirement", replace(query, min_beds=0)))
    if query.max_age_hours is not None:
        options.append(
            ("Accept availability reports of any age", replace(query, max_age_hours=None))
        )
    options += _person_options(query)
    if not query.include_unverified:
        options.append(
            (
                "Include facilities whose listing does not say (call to confirm)",
                replace(query, include_unverified=True),
            )
        )
    found = [
        Loosening(change=change, count=len(search(index, relaxed, now=now)))
        for change, relaxed in options
    ]
    return sorted(found, key=lambda item: -item.count)


def _person_options(query: SearchQuery) -> list[tuple[str, SearchQuery]]:
    """Return one relaxed query per trait of the person the query gives."""
    options: list[tuple[str, SearchQuery]] = []
    if query.age_group is not None:
        words = AGE_WORDS[query.age_group]
        options.append(
            (f"Drop the age requirement (accepts {words})", replace(query, age_group=None))
        )
    if query.sex is not None and not query.pregnant:
        options.append(("Drop the requirement on the sex accepted", replace(query, sex=None)))
    if query.pregnant:
        # She is still a woman: only the pregnancy program is dropped.
        options.append(
            (
                "Drop the program-for-pregnant-women requirement (still women accepted)",
                replace(query, pregnant=False, sex="female"),
            )
        )
    if query.language is not None:
        options.append(
            (f"Drop the language requirement ({query.language})", replace(query, language=None))
        )
    if query.veteran:
        options.append(("Drop the veterans-program requirement", replace(query, veteran=False)))
    if query.co_occurring:
        options.append(
            ("Drop the co-occurring-program requirement", replace(query, co_occurring=False))
        )
    return options


def nearest_miles(index: FacilityIndex, lat: float, lon: float) -> float | None:
    """Return the distance to the nearest located facility (None when none is in reach)."""
    _, miles = index.within(lat, lon, MAX_RADIUS_MILES)
    return float(miles.min()) if len(miles) else None
