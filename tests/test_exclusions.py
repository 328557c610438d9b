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
    counts = {item.name: (item.excluded, item.unstated) for item in report.filters}
    assert report.in_radius == 4
    # Facility 1 says no to Medicaid; facility 4 does not say: counted apart, not as a no.
    assert counts["Insurance or payment"] == (1, 1)
    assert counts["Language"] == (2, 0)  # facilities 2 and 3
    assert {item.name for item in report.excluding()} == {"Insurance or payment", "Language"}


def test_a_filter_that_excludes_nothing_is_not_listed_as_excluding() -> None:
    query = SearchQuery(origin=ORIGIN, radius_miles=50, payers=("private",))
    report = filter_exclusions(INDEX, query, now=NOW)
    assert report.in_radius == 4
    names = {item.name: (item.excluded, item.unstated) for item in report.excluding()}
    assert names == {"Insurance or payment": (3, 0)}  # 2, 3 and 4 say no to private insurance


def test_nothing_in_reach_excludes_nothing() -> None:
    query = SearchQuery(origin=ORIGIN, radius_miles=1, payers=("medicaid",))
    report = filter_exclusions(INDEX, query, now=NOW)
    assert report.in_radius == 0 and report.excluding() == ()
