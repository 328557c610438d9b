"""How many facilities each active filter excludes, for the empty-result message.

Within the radius, the search is run with every filter dropped (the facilities in reach), then
with each filter alone: what that filter keeps out on its own is its exclusion count. So the
message can name each filter that excluded facilities, and how many ("Insurance: Medicaid
excluded 31 of 40 facilities within 25 miles"), not only say that nothing fits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from matching.search.engine import search
from matching.search.explain import Overrides, filter_options
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery

# The filter each relaxation of ``filter_options`` drops, by the first field it changes.
FILTER_NAMES: Final[dict[str, str]] = {
    "payers": "Insurance or payment",
    "detox": "Detox needed",
    "moud": "Medication (MOUD)",
    "after_care": "Care after detox",
    "min_beds": "Open beds needed now",
    "max_age_hours": "Age of bed reports",
    "age_group": "Age group",
    "sex": "Sex accepted",
    "pregnant": "Program for pregnant women",
    "language": "Language",
    "veteran": "Veterans program",
    "co_occurring": "Co-occurring program",
    "include_unverified": "Listings that do not say are left out (call to confirm them)",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class Exclusion:
    """One active filter: its name and how many facilities in reach it alone excludes."""

    name: str
    excluded: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ExclusionReport:
    """The facilities in reach (every filter dropped) and each filter's exclusion count."""

    in_radius: int
    filters: tuple[Exclusion, ...]

    def excluding(self) -> tuple[Exclusion, ...]:
        """Return the filters that excluded at least one facility, most first."""
        return tuple(sorted((f for f in self.filters if f.excluded), key=lambda f: -f.excluded))


def filter_exclusions(
    index: FacilityIndex, query: SearchQuery, *, now: datetime | None = None
) -> ExclusionReport:
    """Return how many facilities within the radius each active filter excludes on its own."""
    options = filter_options(query)
    everything: Overrides = {}
    for _, fields in options:
        everything.update(fields)
    in_radius = len(search(index, replace(query, **everything), now=now))
    filters = []
    for _, fields in options:
        if "include_unverified" in fields:
            # Unknown is not no: these are the facilities whose listings do not say, which
            # would fit every other filter; a call can confirm them.
            excluded = len(search(index, replace(query, **fields), now=now)) if in_radius else 0
        else:
            others = {name: value for name, value in everything.items() if name not in fields}
            kept = len(search(index, replace(query, **others), now=now)) if in_radius else 0
            excluded = in_radius - kept
        filters.append(Exclusion(name=FILTER_NAMES[next(iter(fields))], excluded=excluded))
    return ExclusionReport(in_radius=in_radius, filters=tuple(filters))
