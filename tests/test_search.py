"""search(): hard filters, unknowns, ranking, reasons and the shape of the result."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from search_frames import NOW, ORIGIN, directory, facility

from matching.directory import columns as col
from matching.errors import QueryError
from matching.search.engine import RESULT_COLUMNS, search
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery
from matching.search.scoring import COMPONENTS, PRESETS, Weights


def run(*rows: dict, **query: object) -> pd.DataFrame:
    top = query.pop("top", None)
    weights = query.pop("weights", None)
    return search(
        FacilityIndex(directory(*rows)),
        SearchQuery(origin=ORIGIN, **query),  # type: ignore[arg-type]
        now=NOW,
        top=top,  # type: ignore[arg-type]
        weights=weights,  # type: ignore[arg-type]
    )


def ids(result: pd.DataFrame) -> list[str]:
    return result[col.FACILITY_ID].tolist()


def test_result_has_every_directory_column_plus_scores_and_reasons() -> None:
    result = run(facility(1))
    assert list(result.columns) == [*directory(facility(1)).columns, *RESULT_COLUMNS]
    assert {f"score_{name}" for name in COMPONENTS} <= set(result.columns)


def test_facilities_beyond_the_radius_are_left_out() -> None:
    assert ids(run(facility(1, miles=10), facility(2, miles=60), radius_miles=50)) == ["f001"]


def test_payer_filter_excludes_a_known_no() -> None:
    result = run(
        facility(1, pay_medicaid=True), facility(2, pay_medicaid=False), payers=("medicaid",)
    )
    assert ids(result) == ["f001"]


def test_unknown_payer_is_left_out_by_default() -> None:
    result = run(
        facility(1, pay_medicaid=True), facility(2, pay_medicaid=None), payers=("medicaid",)
    )
    assert ids(result) == ["f001"]


def test_unknown_payer_is_kept_as_unverified_on_request() -> None:
    result = run(
        facility(1, pay_medicaid=True, miles=20),
        facility(2, pay_medicaid=None, miles=1),
        payers=("medicaid",),
        include_unverified=True,
    )
    assert ids(result) == ["f001", "f002"]  # closer, but unverified ranks lower here
    assert result.unverified.tolist() == [False, True]
    assert "unverified: payment unknown" in result.reasons.iloc[1]
    assert result.score_payer.iloc[1] == 0


def test_any_of_several_payers_is_enough() -> None:
    result = run(
        facility(1, pay_private=True), facility(2, pay_medicaid=True), facility(3),
        payers=("medicaid", "private"),
    )  # fmt: skip
    assert sorted(ids(result)) == ["f001", "f002"]


def test_detox_level_is_a_hard_filter() -> None:
    result = run(
        facility(1, detox_any=True, detox_hospital=True),
        facility(2, detox_any=True, detox_outpatient=True),
        detox="hospital",
    )
    assert ids(result) == ["f001"]


def test_any_detox_accepts_a_specific_level_even_if_the_summary_flag_is_unknown() -> None:
    assert ids(run(facility(1, detox_any=None, detox_residential=True), detox="any")) == ["f001"]


def test_moud_filter_accepts_any_listed_medication() -> None:
    result = run(
        facility(1, buprenorphine=True), facility(2, methadone=True), facility(3, naltrexone=True),
        moud=("buprenorphine", "methadone"),
    )  # fmt: skip
    assert sorted(ids(result)) == ["f001", "f002"]


def test_after_care_is_a_hard_filter() -> None:
    result = run(facility(1, residential=True), facility(2), after_care="residential")
    assert ids(result) == ["f001"]


def test_min_beds_needs_a_known_recent_count_of_detox_beds() -> None:
    reported = NOW - timedelta(hours=2)
    result = run(
        facility(1, beds_open_detox=2, availability_reported_at=reported, detox_any=True),
        facility(2, beds_open_detox=0, availability_reported_at=reported, detox_any=True),
        facility(3, beds_open_residential=5, availability_reported_at=reported, detox_any=True),
        detox="any",
        min_beds=1,
    )
    assert ids(result) == ["f001"]


def test_availability_older_than_the_maximum_age_counts_as_unknown() -> None:
    rows = (
        facility(1, beds_open_detox=3, availability_reported_at=NOW - timedelta(hours=100),
                 detox_any=True),
        facility(2, beds_open_detox=1, availability_reported_at=NOW - timedelta(hours=1),
                 detox_any=True),
    )  # fmt: skip
    strict = run(*rows, detox="any", min_beds=1, max_age_hours=72)
    assert ids(strict) == ["f002"]
    loose = run(*rows, detox="any", min_beds=1, max_age_hours=72, include_unverified=True)
    assert ids(loose) == ["f002", "f001"]
    assert "open beds unknown" in loose.reasons.iloc[1]


def test_unverified_rows_are_marked_only_when_included_on_request() -> None:
    assert not run(facility(1), facility(2)).unverified.any()


def test_closer_ranks_first_all_else_equal() -> None:
    assert ids(run(facility(1, miles=30), facility(2, miles=3))) == ["f002", "f001"]


def test_ties_break_by_facility_id() -> None:
    result = run(facility(2, miles=5), facility(1, miles=5))
    assert ids(result) == ["f001", "f002"]


def test_top_limits_the_results_and_zero_means_all() -> None:
    rows = [facility(n, miles=n) for n in range(1, 6)]
    assert ids(run(*rows, top=2)) == ["f001", "f002"]
    assert len(run(*rows, top=0)) == 5


def test_negative_top_is_refused() -> None:
    with pytest.raises(QueryError, match="top"):
        run(facility(1), top=-1)


def test_naive_now_is_refused() -> None:
    index = FacilityIndex(directory(facility(1)))
    with pytest.raises(QueryError, match="timezone-aware"):
        search(index, SearchQuery(origin=ORIGIN), now=NOW.replace(tzinfo=None))


def test_scores_are_the_sum_of_components_within_0_and_100() -> None:
    result = run(
        facility(1, detox_any=True, detox_residential=True, residential=True, methadone=True,
                 detox_opioid=True, accepts_moud_clients=True,
                 beds_open_residential=5, availability_status="openings",
                 availability_reported_at=NOW, accredited=True, pay_medicaid=True,
                 sliding_fee=True, miles=0.0),
        facility(2, miles=49),
    )  # fmt: skip
    parts = result[[f"score_{name}" for name in COMPONENTS]].sum(axis=1)
    assert result.score.tolist() == pytest.approx(parts.tolist())
    assert result.score.between(0, 100).all()
    assert result.score.iloc[0] == pytest.approx(100.0, abs=0.01)


def test_presets_change_the_order() -> None:
    near_no_beds = facility(1, miles=2, pay_medicaid=True, sliding_fee=True)
    far_fresh_beds = facility(
        2, miles=35, beds_open_residential=4, availability_status="openings",
        availability_reported_at=NOW - timedelta(hours=1),
    )  # fmt: skip
    assert ids(run(near_no_beds, far_fresh_beds, preset="family")) == ["f001", "f002"]
    assert ids(run(near_no_beds, far_fresh_beds, preset="interventionist")) == ["f002", "f001"]


def test_custom_weights_override_the_preset() -> None:
    only_beds = Weights(distance=0, availability=1, freshness=0, detox_fit=0, moud=0,
                        continuity=0, payer=0, accreditation=0)  # fmt: skip
    result = run(
        facility(1, miles=1),
        facility(2, miles=40, beds_open_residential=2, availability_reported_at=NOW),
        weights=only_beds,
    )
    assert ids(result) == ["f002", "f001"]
    assert result.score.iloc[0] == pytest.approx(100 * 0.76)


def test_reasons_read_like_the_example() -> None:
    row = facility(
        1, miles=12, detox_any=True, detox_residential=True, buprenorphine=True,
        pay_medicaid=True, beds_open_detox=2, availability_status="openings",
        availability_reported_at=NOW - timedelta(hours=3),
    )  # fmt: skip
    reasons = run(row, detox="any", payers=("medicaid",)).reasons.iloc[0]
    assert reasons.startswith("12 mi · 2 detox beds open, reported 3 h ago · takes Medicaid")
    assert "buprenorphine" in reasons


def test_detox_without_moud_carries_a_warning() -> None:
    reasons = run(facility(1, detox_any=True, detox_residential=True)).reasons.iloc[0]
    assert "⚠ detox without MOUD" in reasons


def test_unknown_moud_is_not_called_detox_without_moud() -> None:
    row = facility(1, detox_any=True, methadone=None, buprenorphine=None, naltrexone=None,
                   accepts_moud_clients=None)  # fmt: skip
    assert "without MOUD" not in run(row).reasons.iloc[0]


def test_freshness_and_age_columns() -> None:
    result = run(
        facility(1, availability_reported_at=NOW - timedelta(hours=30), miles=1),
        facility(2, miles=2),
    )
    assert result.availability_age_hours.iloc[0] == pytest.approx(30.0)
    assert pd.isna(result.availability_age_hours.iloc[1])
    assert result.freshness.tolist() == ["aging", "unknown"]


def test_stale_report_is_labelled_in_the_reasons() -> None:
    row = facility(1, beds_open_residential=1, availability_status="openings",
                   availability_reported_at=NOW - timedelta(days=5))  # fmt: skip
    assert "reported 5 d ago (stale)" in run(row).reasons.iloc[0]


def test_search_does_not_modify_the_directory() -> None:
    frame = directory(facility(1), facility(2))
    before = frame.copy()
    search(FacilityIndex(frame), SearchQuery(origin=ORIGIN), now=NOW)
    pd.testing.assert_frame_equal(frame, before)


def test_no_match_gives_an_empty_frame_with_all_columns() -> None:
    result = run(facility(1, miles=80), radius_miles=10)
    assert result.empty
    assert set(RESULT_COLUMNS) <= set(result.columns)


def test_searching_saved_results_replaces_their_old_scores() -> None:
    first = run(facility(1, miles=5))
    again = search(FacilityIndex(first), SearchQuery(origin=ORIGIN, radius_miles=3), now=NOW)
    assert again.empty
    assert list(again.columns).count("score") == 1


def test_weights_must_be_weights() -> None:
    with pytest.raises(QueryError, match="weights must be"):
        run(facility(1), weights={"distance": 1})


def test_every_preset_runs() -> None:
    for preset in PRESETS:
        assert len(run(facility(1), preset=preset)) == 1
