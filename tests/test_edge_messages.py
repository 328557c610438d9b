"""Edge messages (issue 23, point 9): ZIP suggestions stay near what was typed; filters that
exclude everything in reach say which to loosen, never "the nearest facility is 0 miles away"."""

from __future__ import annotations

import pytest
from search_frames import NOW, ORIGIN, directory, facility

from matching.search.engine import search
from matching.search.explain import filters_exclude_all, loosen_suggestions, no_single_change
from matching.search.geo import LocationError, resolve_location
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery


def test_zip_99999_suggests_no_far_away_zip_and_says_so():
    with pytest.raises(LocationError) as raised:
        resolve_location("99999")
    message = str(raised.value)
    assert message.startswith("ZIP 99999 does not exist.")
    assert "Nearby valid ZIPs" not in message
    assert "No valid ZIP is close to it (ZIPs starting with 999 are in Alaska)" in message


def test_a_typo_next_to_real_zips_still_gets_them():
    with pytest.raises(LocationError, match=r"Nearby valid ZIPs: 10001, 10002, 10003\."):
        resolve_location("10000")


# One facility 2 miles away that takes neither Medicaid nor offers methadone: dropping either
# requirement alone finds nothing, dropping both finds it; nothing else is within 300 miles.
INDEX = FacilityIndex(
    directory(
        facility(1, miles=2, pay_medicaid=False, methadone=False),
        facility(2, miles=300, pay_medicaid=False, methadone=False),
    )
)
QUERY = SearchQuery(
    origin=ORIGIN,
    radius_miles=5,
    payers=("medicaid",),
    moud=("methadone",),
    include_unverified=True,
)


def test_when_no_single_change_helps_the_two_filters_to_drop_are_named():
    assert len(search(INDEX, QUERY, now=NOW)) == 0
    assert all(s.count == 0 for s in loosen_suggestions(INDEX, QUERY, now=NOW))
    report = filters_exclude_all(INDEX, QUERY, now=NOW)
    assert report is not None and report.in_radius == 1
    assert [(p.change, p.count) for p in report.pairs] == [
        (
            "Drop the insurance / payment requirement and drop the medication (MOUD) requirement",
            1,
        )
    ]
    message = no_single_change(INDEX, QUERY, now=NOW)
    assert message.startswith("1 facility within 5 miles, but your filters together exclude")
    assert "Drop the insurance / payment requirement and drop the medication" in message
    assert "0 miles" not in message and "nearest" not in message


def test_nothing_within_the_radius_says_how_far_the_nearest_is():
    far = FacilityIndex(directory(facility(1, miles=300, pay_medicaid=False)))
    query = SearchQuery(
        origin=ORIGIN, radius_miles=5, payers=("medicaid",), include_unverified=True
    )
    assert filters_exclude_all(far, query, now=NOW) is None
    message = no_single_change(far, query, now=NOW)
    assert "300 miles away, beyond the 5 miles searched" in message
