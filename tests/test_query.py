"""SearchQuery validates every field and is a usable cache key."""

from __future__ import annotations

from datetime import datetime

import pytest
from search_frames import NOW, ORIGIN

from matching.errors import QueryError
from matching.search.query import SearchQuery


def test_defaults_are_a_valid_query() -> None:
    query = SearchQuery(origin=ORIGIN)
    assert (query.radius_miles, query.preset, query.include_unverified) == (50.0, "family", False)


def test_equal_requests_are_equal_and_hash_alike() -> None:
    first = SearchQuery(origin=ORIGIN, payers=["private", "medicaid", "medicaid"])  # type: ignore[arg-type]
    second = SearchQuery(origin=ORIGIN, payers=("medicaid", "private"))
    assert first == second
    assert {first: "cached"}[second] == "cached"


def test_single_payer_string_is_one_payer() -> None:
    assert SearchQuery(origin=ORIGIN, payers="medicaid").payers == ("medicaid",)  # type: ignore[arg-type]


def test_query_is_frozen() -> None:
    query = SearchQuery(origin=ORIGIN)
    with pytest.raises(AttributeError):
        query.radius_miles = 5  # type: ignore[misc]


def test_positional_arguments_are_refused() -> None:
    with pytest.raises(TypeError):
        SearchQuery(ORIGIN)  # type: ignore[call-arg]  # the refusal under test


@pytest.mark.parametrize("radius", [0, -5, 5000, float("nan"), "50"])
def test_bad_radius_names_the_field_and_value(radius: object) -> None:
    with pytest.raises(QueryError, match="radius_miles"):
        SearchQuery(origin=ORIGIN, radius_miles=radius)  # type: ignore[arg-type]


def test_unknown_payer_lists_the_allowed_ones() -> None:
    with pytest.raises(QueryError, match=r"payers 'cash' is not allowed.*medicaid"):
        SearchQuery(origin=ORIGIN, payers=("cash",))  # type: ignore[arg-type]  # the bad value under test


def test_unknown_detox_need_lists_the_allowed_ones() -> None:
    with pytest.raises(QueryError, match=r"detox 'inpatient'.*hospital, residential"):
        SearchQuery(origin=ORIGIN, detox="inpatient")  # type: ignore[arg-type]  # the bad value under test


def test_unknown_moud_is_refused() -> None:
    with pytest.raises(QueryError, match="moud 'suboxone'"):
        SearchQuery(origin=ORIGIN, moud=("suboxone",))  # type: ignore[arg-type]  # the bad value under test


def test_unknown_after_care_is_refused() -> None:
    with pytest.raises(QueryError, match="after_care 'sober living'"):
        SearchQuery(origin=ORIGIN, after_care="sober living")  # type: ignore[arg-type]  # the bad value under test


@pytest.mark.parametrize("beds", [-1, 1.5, True, 10_000])
def test_bad_min_beds_is_refused(beds: object) -> None:
    with pytest.raises(QueryError, match="min_beds"):
        SearchQuery(origin=ORIGIN, min_beds=beds)  # type: ignore[arg-type]


def test_zero_max_age_is_refused() -> None:
    with pytest.raises(QueryError, match="max_age_hours must be above 0"):
        SearchQuery(origin=ORIGIN, max_age_hours=0)


def test_naive_intervention_time_is_refused() -> None:
    with pytest.raises(QueryError, match="timezone-aware"):
        SearchQuery(origin=ORIGIN, intervention_at=datetime(2026, 12, 1, 9))


def test_aware_intervention_time_is_kept() -> None:
    assert SearchQuery(origin=ORIGIN, intervention_at=NOW).intervention_at == NOW


def test_unknown_preset_lists_the_presets() -> None:
    with pytest.raises(QueryError, match="preset 'fast'.*family, interventionist"):
        SearchQuery(origin=ORIGIN, preset="fast")


def test_origin_must_be_a_location() -> None:
    with pytest.raises(QueryError, match="origin must be a Location"):
        SearchQuery(origin="10001")  # type: ignore[arg-type]


def test_min_beds_counts_detox_beds_when_detox_is_needed() -> None:
    assert SearchQuery(origin=ORIGIN, detox="any").bed_column == "beds_open_detox"
    assert SearchQuery(origin=ORIGIN).bed_column == "beds_open_residential"
