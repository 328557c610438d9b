"""Each active filter's exclusion count, for the empty-result message (issue 23, point 3)."""

from __future__ import annotations

import pandas as pd
from search_frames import NOW, ORIGIN, directory, facility

from matching.search.engine import search
from matching.search.exclusions import filter_exclusions
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery

INDEX = FacilityIndex(
    directory(
        facility(1, miles=2, pay_medicaid=False, pay_private=True, languages="Spanish"),
        facility(2, miles=3, pay_medicaid=True, languages="English", lang_spanish=False),
        facility(3, miles=4, pay_medicaid=True, languages="English", lang_spanish=False),
        facility(4, miles=5, pay_medicaid=pd.NA, languages="Spanish"),  # does not say
        facility(5, miles=90, pay_medicaid=True, languages="Spanish"),  # out of reach
    )
)


def test_each_filter_is_named_with_what_it_alone_excludes() -> None:
    query = SearchQuery(origin=ORIGIN, radius_miles=50, payers=("medicaid",), language="spanish")
    assert search(INDEX, query, now=NOW).empty
    report = filter_exclusions(INDEX, query, now=NOW)
    counts = {item.name: item.excluded for item in report.filters}
    assert report.in_radius == 4
    assert counts["Insurance or payment"] == 1  # facility 1 says no; 4 does not say: not a no
    assert counts["Language"] == 2  # facilities 2 and 3
    # Facility 4 would fit both if its listing said: named as "call to confirm", not as a no.
    assert counts["Listings that do not say are left out (call to confirm them)"] == 1
    assert [item.name for item in report.excluding()][0] == "Language"


def test_a_filter_that_excludes_nothing_is_not_listed_as_excluding() -> None:
    query = SearchQuery(origin=ORIGIN, radius_miles=50, payers=("private",))
    report = filter_exclusions(INDEX, query, now=NOW)
    assert report.in_radius == 4
    names = {item.name: item.excluded for item in report.excluding()}
    assert names.get("Insurance or payment", 0) == 3


def test_nothing_in_reach_excludes_nothing() -> None:
    query = SearchQuery(origin=ORIGIN, radius_miles=1, payers=("medicaid",))
    report = filter_exclusions(INDEX, query, now=NOW)
    assert report.in_radius == 0 and report.excluding() == ()
