"""How many facilities each active filter excludes, for the empty-result message.

Within the radius, the search is run with every filter dropped (the facilities in reach), then
with each filter alone: what that filter keeps out on its own is its exclusion count. So the
message can name each filter that excluded facilities, and how many ("Insurance or payment
excluded 31 facilities"), not only say that nothing fits. Facilities whose listing does not say
are counted apart: unknown is not no.
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
}


@dataclass(frozen=True, kw_only=True, slots=True)
class Exclusion:
    """One active filter and the facilities in reach it alone keeps out: ``excluded`` whose
    listing says no, and ``unstated`` whose listing does not say (unknown is not no: a call
    can confirm them; they are kept when unconfirmed listings are included)."""

    name: str
    excluded: int
    unstated: int = 0


@dataclass(frozen=True, kw_only=True, slots=True)
class ExclusionReport:
    """The facilities in reach (every filter dropped) and each filter's exclusion counts."""

    in_radius: int
    filters: tuple[Exclusion, ...]

    def excluding(self) -> tuple[Exclusion, ...]:
        """Return the filters that kept at least one facility out, most first."""
        kept_out = [f for f in self.filters if f.excluded + f.unstated]
        return tuple(sorted(kept_out, key=lambda f: -(f.excluded + f.unstated)))


def filter_exclusions(
    index: FacilityIndex, query: SearchQuery, *, now: datetime | None = None
) -> ExclusionReport:
    """Return how many facilities within the radius each active filter keeps out on its own."""
    options = [fields for _, fields in filter_options(query) if "include_unverified" not in fields]
    everything: Overrides = {"include_unverified": True}
    for fields in options:
        everything.update(fields)
    in_radius = len(search(index, replace(query, **everything), now=now))
    filters = []
    for fields in options:
        alone = {name: value for name, value in everything.items() if name not in fields}
        lenient = len(search(index, replace(query, **alone), now=now)) if in_radius else 0
        alone["include_unverified"] = query.include_unverified
        strict = len(search(index, replace(query, **alone), now=now)) if in_radius else 0
        filters.append(
            Exclusion(
                name=FILTER_NAMES[next(iter(fields))],
                excluded=in_radius - lenient,
                unstated=lenient - strict,
            )
        )
    return ExclusionReport(in_radius=in_radius, filters=tuple(filters))
