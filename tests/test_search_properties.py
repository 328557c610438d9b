"""Rules that must hold for every directory and query (hypothesis)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from search_frames import NOW, ORIGIN, directory, facility

from matching.directory import columns as col
from matching.search.engine import search
from matching.search.index import FacilityIndex
from matching.search.query import AFTER_CARE, DETOX_NEEDS, MOUD_NEEDS, PAYERS, SearchQuery

SETTINGS = settings(max_examples=50, deadline=None)
tri = st.sampled_from([True, False, None])
beds = st.one_of(st.none(), st.integers(0, 8))
statuses = st.sampled_from(col.AVAILABILITY_STATUSES)
ages = st.one_of(st.none(), st.floats(0, 200))


@st.composite
def facilities(draw: st.DrawFn, number: int) -> dict[str, Any]:
    age = draw(ages)
    return facility(
        number,
        miles=draw(st.floats(0, 60)),
        **{name: draw(tri) for name in col.SERVICE_COLUMNS},
        accredited=draw(tri),
        beds_open_detox=draw(beds),
        beds_open_residential=draw(beds),
        availability_status=draw(statuses),
        availability_reported_at=pd.NaT if age is None else NOW - timedelta(hours=age),
    )


@st.composite
def directories(draw: st.DrawFn) -> pd.DataFrame:
    count = draw(st.integers(1, 8))
    return directory(*(draw(facilities(number)) for number in range(count)))


queries = st.builds(
    SearchQuery,
    origin=st.just(ORIGIN),
    radius_miles=st.sampled_from([10.0, 30.0, 50.0]),
    payers=st.lists(st.sampled_from(PAYERS), max_size=2).map(tuple),
    detox=st.one_of(st.none(), st.sampled_from(DETOX_NEEDS)),
    moud=st.lists(st.sampled_from(MOUD_NEEDS), max_size=2).map(tuple),
    after_care=st.one_of(st.none(), st.sampled_from(AFTER_CARE)),
    min_beds=st.integers(0, 3),
    max_age_hours=st.one_of(st.none(), st.sampled_from([24.0, 72.0])),
    include_unverified=st.booleans(),
    preset=st.sampled_from(["family", "interventionist"]),
)


def _answers(row: pd.Series, columns: list[str]) -> list[object]:
    return [row[name] for name in columns]


def _requirement_met(answers: list[object]) -> bool | None:
    if any(value is True for value in answers):
        return True
    if any(value is pd.NA for value in answers):
        return None
    return False


@SETTINGS
@given(directories(), queries)
def test_no_result_violates_a_hard_filter(frame: pd.DataFrame, query: SearchQuery) -> None:
    result = search(FacilityIndex(frame), query, now=NOW)
    for _, row in result.iterrows():
        checks: list[list[str]] = []
        if query.payers:
            checks.append([f"pay_{payer}" for payer in query.payers])
        if query.detox == "any":
            checks.append(list(col.DETOX_COLUMNS))
        elif query.detox:
            checks.append([f"detox_{query.detox}"])
        if query.moud:
            checks.append(list(query.moud))
        if query.after_care:
            checks.append([query.after_care])
        for columns in checks:
            met = _requirement_met(_answers(row, columns))
            assert met is not False
            if met is None:
                assert query.include_unverified and row["unverified"]
        assert row["distance_miles"] <= query.radius_miles
        count = row[query.bed_column]
        if query.min_beds and not row["unverified"]:
            assert count is not pd.NA and count >= query.min_beds
        if query.max_age_hours is not None and not row["unverified"]:
            assert row["availability_age_hours"] <= query.max_age_hours


def _rank(result: pd.DataFrame, facility_id: str) -> int | None:
    matches = result.index[result[col.FACILITY_ID] == facility_id].tolist()
    return matches[0] if matches else None


def _assert_change_never_lowers_rank(
    frame: pd.DataFrame, query: SearchQuery, position: int, changes: dict[str, object]
) -> None:
    target = frame[col.FACILITY_ID].iloc[position]
    before = _rank(search(FacilityIndex(frame), query, now=NOW), target)
    changed = frame.copy()
    for name, value in changes.items():
        changed.loc[changed.index[position], name] = value
    after = _rank(
        search(FacilityIndex(directory(*changed.to_dict("records"))), query, now=NOW), target
    )
    if before is not None:
        assert after is not None and after <= before


@SETTINGS
@given(directories(), queries, st.data())
def test_moving_closer_never_lowers_rank(
    frame: pd.DataFrame, query: SearchQuery, data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, len(frame) - 1))
    lat = frame[col.LAT].iloc[position]
    closer = ORIGIN.lat + (lat - ORIGIN.lat) * data.draw(st.floats(0, 1))
    _assert_change_never_lowers_rank(frame, query, position, {col.LAT: closer})


@SETTINGS
@given(directories(), queries, st.data())
def test_more_open_beds_never_lower_rank(
    frame: pd.DataFrame, query: SearchQuery, data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, len(frame) - 1))
    current = frame[query.bed_column].iloc[position]
    # From unknown, "more" starts at the query's minimum: a known count below it is fewer beds
    # than the family needs, and rightly drops a facility kept as unverified.
    base = query.min_beds if current is pd.NA else int(current)
    more = base + data.draw(st.integers(1, 5))
    _assert_change_never_lowers_rank(frame, query, position, {query.bed_column: more})


@SETTINGS
@given(directories(), queries, st.data())
def test_fresher_availability_never_lowers_rank(
    frame: pd.DataFrame, query: SearchQuery, data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, len(frame) - 1))
    current = frame[col.AVAILABILITY_REPORTED_AT].iloc[position]
    if pd.isna(current):
        current = NOW - timedelta(hours=500)
    fresher = current + (NOW - current) * data.draw(st.floats(0, 1))
    beds = frame[query.bed_column].iloc[position]
    age_hours = (NOW - fresher).total_seconds() / 3600
    if (
        query.min_beds
        and beds is not pd.NA
        and beds < query.min_beds
        and (query.max_age_hours is None or age_hours <= query.max_age_hours)
    ):
        # A fresh report of too few beds is a known "no": the facility must drop out.
        changed = frame.copy()
        changed.loc[changed.index[position], col.AVAILABILITY_REPORTED_AT] = fresher
        result = search(FacilityIndex(directory(*changed.to_dict("records"))), query, now=NOW)
        assert _rank(result, frame[col.FACILITY_ID].iloc[position]) is None
        return
    _assert_change_never_lowers_rank(
        frame, query, position, {col.AVAILABILITY_REPORTED_AT: fresher}
    )


@SETTINGS
@given(directories(), queries, st.randoms())
def test_same_query_same_order_whatever_the_row_order(
    frame: pd.DataFrame, query: SearchQuery, rng: Any
) -> None:
    first = search(FacilityIndex(frame), query, now=NOW)[col.FACILITY_ID].tolist()
    again = search(FacilityIndex(frame), query, now=NOW)[col.FACILITY_ID].tolist()
    order = list(range(len(frame)))
    rng.shuffle(order)
    shuffled = frame.iloc[order].reset_index(drop=True)
    moved = search(FacilityIndex(shuffled), query, now=NOW)[col.FACILITY_ID].tolist()
    assert first == again == moved
