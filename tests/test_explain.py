"""Empty results say which filter to loosen, with how many facilities that would find."""

from __future__ import annotations

from search_frames import NOW, ORIGIN, directory, facility

from matching.directory.schema import empty_directory
from matching.search.engine import search
from matching.search.explain import loosen_suggestions, nearest_miles
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery

INDEX = FacilityIndex(
    directory(
        facility(1, miles=3, pay_medicaid=False, pay_private=True),
        facility(2, miles=80, pay_medicaid=True),
    )
)


def test_each_active_filter_is_relaxed_and_counted() -> None:
    query = SearchQuery(origin=ORIGIN, radius_miles=50, payers=("medicaid",))
    assert len(search(INDEX, query, now=NOW)) == 0
    counts = {s.change: s.count for s in loosen_suggestions(INDEX, query, now=NOW)}
    assert counts["Drop the insurance / payment requirement"] == 1
    assert counts["Widen the distance to 100 miles"] == 1


def test_suggestions_that_find_most_come_first() -> None:
    query = SearchQuery(origin=ORIGIN, radius_miles=50, payers=("medicaid",), detox="any")
    suggestions = loosen_suggestions(INDEX, query, now=NOW)
    assert [s.count for s in suggestions] == sorted((s.count for s in suggestions), reverse=True)
    assert suggestions[-1].count == 0


def test_wider_radius_reaches_the_nearest_facility() -> None:
    query = SearchQuery(origin=ORIGIN, radius_miles=10)
    far_only = FacilityIndex(directory(facility(1, miles=78)))
    suggestions = loosen_suggestions(far_only, query, now=NOW)
    assert suggestions[0].change == "Widen the distance to 80 miles"
    assert suggestions[0].count == 1


def test_nearest_miles_is_none_for_an_empty_directory() -> None:
    assert nearest_miles(FacilityIndex(empty_directory()), ORIGIN.lat, ORIGIN.lon) is None
