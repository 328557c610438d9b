"""Say which filter to loosen when a search finds nothing.

Each requirement of the query is relaxed on its own and the search re-run, so the user sees
e.g. "Without the Medicaid requirement: 7 facilities". Searches are cheap (an index lookup
and array filters), so running one per filter is fine on an empty result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import combinations
from typing import Any, Final

from matching.search.engine import search
from matching.search.index import FacilityIndex
from matching.search.person import AGE_WORDS
from matching.search.query import MAX_RADIUS_MILES, SearchQuery
from matching.wording import count_of

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
    options: list[tuple[str, Overrides]] = []
    if query.radius_miles < MAX_RADIUS_MILES:
        nearest = nearest_miles(index, query.origin.lat, query.origin.lon) or 0.0
        reach = math.ceil(nearest / RADIUS_STEP_MILES) * RADIUS_STEP_MILES
        wider = min(max(query.radius_miles * 2, reach), MAX_RADIUS_MILES)
        options.append((f"Widen the distance to {wider:g} miles", {"radius_miles": wider}))
    options += filter_options(query)
    found = [
        Loosening(change=change, count=len(search(index, replace(query, **fields), now=now)))
        for change, fields in options
    ]
    return sorted(found, key=lambda item: -item.count)


# The fields of a query a relaxation changes, and the values it gives them.
Overrides = dict[str, Any]


def filter_options(query: SearchQuery) -> list[tuple[str, Overrides]]:
    """Return, for each active filter (not the distance), what dropping it means and changes."""
    options: list[tuple[str, Overrides]] = []
    if query.payers:
        options.append(("Drop the insurance / payment requirement", {"payers": ()}))
    if query.detox is not None:
        options.append(("Drop the detox-level requirement", {"detox": None}))
    if query.moud:
        options.append(("Drop the medication (MOUD) requirement", {"moud": ()}))
    if query.after_care is not None:
        options.append(("Drop the care-after-detox requirement", {"after_care": None}))
    if query.min_beds > 0:
        options.append(("Drop the open-beds requirement", {"min_beds": 0}))
    if query.max_age_hours is not None:
        options.append(("Accept availability reports of any age", {"max_age_hours": None}))
    options += _person_options(query)
    if not query.include_unverified:
        options.append(
            (
                "Include facilities whose listing does not say (call to confirm)",
                {"include_unverified": True},
            )
        )
    return options


def _person_options(query: SearchQuery) -> list[tuple[str, Overrides]]:
    """Return one relaxation per trait of the person the query gives."""
    options: list[tuple[str, Overrides]] = []
    if query.age_group is not None:
        words = AGE_WORDS[query.age_group]
        options.append((f"Drop the age requirement (accepts {words})", {"age_group": None}))
    if query.sex is not None and not query.pregnant:
        options.append(("Drop the requirement on the sex accepted", {"sex": None}))
    if query.pregnant:
        # She is still a woman: only the pregnancy program is dropped.
        options.append(
            (
                "Drop the program-for-pregnant-women requirement (still women accepted)",
                {"pregnant": False, "sex": "female"},
            )
        )
    if query.language is not None:
        options.append((f"Drop the language requirement ({query.language})", {"language": None}))
    if query.veteran:
        options.append(("Drop the veterans-program requirement", {"veteran": False}))
    if query.co_occurring:
        options.append(("Drop the co-occurring-program requirement", {"co_occurring": False}))
    return options


@dataclass(frozen=True, kw_only=True, slots=True)
class FilterReport:
    """Why nothing fits although facilities are in reach: the filters exclude them together."""

    in_radius: int
    pairs: tuple[Loosening, ...]


def filters_exclude_all(
    index: FacilityIndex, query: SearchQuery, *, now: datetime | None = None, top: int = 3
) -> FilterReport | None:
    """Return how many facilities the filters exclude inside the radius, and which two to drop.

    None when no facility is within the radius at all (then the distance is what to change).
    Called when no single loosening finds anything: it tries dropping two filters at once.
    """
    options = filter_options(query)
    everything: Overrides = {}
    for _, fields in options:
        everything.update(fields)
    in_radius = len(search(index, replace(query, **everything), now=now))
    if not in_radius:
        return None
    pairs = [
        Loosening(
            change=f"{first} and {second[0].lower()}{second[1:]}",
            count=len(search(index, replace(query, **first_fields, **second_fields), now=now)),
        )
        for (first, first_fields), (second, second_fields) in combinations(options, 2)
        if not set(first_fields) & set(second_fields)
    ]
    found = sorted((pair for pair in pairs if pair.count), key=lambda item: -item.count)
    return FilterReport(in_radius=in_radius, pairs=tuple(found[:top]))


def no_single_change(index: FacilityIndex, query: SearchQuery, *, now: datetime) -> str:
    """Say what to loosen when no one change finds a facility (never "0 miles away")."""
    report = filters_exclude_all(index, query, now=now)
    if report is not None:
        lead = (
            f"{count_of(report.in_radius, 'facility')} within {query.radius_miles:g} miles, but "
            "your filters together exclude every one, and no single change is enough."
        )
        if not report.pairs:
            return lead + " Even dropping two filters finds none: start a new search with fewer."
        pairs = "\n".join(
            f"- {pair.change}: **{count_of(pair.count, 'facility')}**" for pair in report.pairs
        )
        return f"{lead} Loosen two together:\n\n{pairs}"
    nearest = nearest_miles(index, query.origin.lat, query.origin.lon)
    if nearest is None:
        return "No facility in this directory is in reach."
    return (
        f"The nearest facility in this directory is {nearest:.0f} miles away, beyond the "
        f"{query.radius_miles:g} miles searched, and widening the distance alone finds none "
        "that meets your filters."
    )


def nearest_miles(index: FacilityIndex, lat: float, lon: float) -> float | None:
    """Return the distance to the nearest located facility (None when none is in reach)."""
    _, miles = index.within(lat, lon, MAX_RADIUS_MILES)
    return float(miles.min()) if len(miles) else None
