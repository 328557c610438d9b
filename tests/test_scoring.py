"""Score components, weights and presets: the rules a family would expect."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from matching.errors import QueryError
from matching.search.scoring import (
    COMPONENTS,
    FRESH_HOURS,
    PRESETS,
    STALE_HOURS,
    Weights,
    availability_fraction,
    detox_fraction,
    distance_fraction,
    freshness,
    freshness_fraction,
    moud_fraction,
    payer_fraction,
)

YES, NO, UNKNOWN = 1, 0, -1


def flags(*values: int) -> np.ndarray:
    return np.array(values, dtype="int8")


def test_default_bands_follow_the_domain_notes() -> None:
    """A report is fresh for a day, aging up to three days, then stale (the domain notes)."""
    day, three_days = (
        timedelta(days=1).total_seconds() / 3600,
        timedelta(days=3).total_seconds() / 3600,
    )
    ages = [0.0, day - 0.01, day, three_days - 0.01, three_days, 10 * three_days]
    assert [freshness(age) for age in ages] == [
        "fresh",
        "fresh",
        "aging",
        "aging",
        "stale",
        "stale",
    ]
    # The configurable thresholds default to those bands: passing them changes nothing.
    assert [freshness(age, fresh_hours=FRESH_HOURS, stale_hours=STALE_HOURS) for age in ages] == [
        freshness(age) for age in ages
    ]


@pytest.mark.parametrize(
    ("age", "label"),
    [(0.0, "fresh"), (23.9, "fresh"), (24.0, "aging"), (71.9, "aging"), (72.0, "stale"),
     (None, "unknown"), (math.nan, "unknown")],
)  # fmt: skip
def test_freshness_bands(age: float | None, label: str) -> None:
    assert freshness(age) == label


def test_freshness_thresholds_are_configurable() -> None:
    assert freshness(10.0, fresh_hours=6, stale_hours=12) == "aging"


def test_freshness_of_a_series_keeps_its_index() -> None:
    ages = pd.Series([1.0, None, 100.0], index=["a", "b", "c"])
    assert freshness(ages).to_dict() == {"a": "fresh", "b": "unknown", "c": "stale"}


def test_inverted_freshness_thresholds_are_refused() -> None:
    with pytest.raises(QueryError, match="fresh_hours <= stale_hours"):
        freshness(1.0, fresh_hours=80, stale_hours=72)


def test_presets_add_up_to_100_points() -> None:
    for weights in PRESETS.values():
        assert sum(weights.points().values()) == pytest.approx(100.0)
        assert tuple(weights.as_dict()) == COMPONENTS


def test_family_weighs_distance_and_payment_over_availability() -> None:
    family, interventionist = PRESETS["family"], PRESETS["interventionist"]
    assert family.distance + family.payer > interventionist.distance + interventionist.payer
    assert interventionist.availability + interventionist.freshness > (
        family.availability + family.freshness
    )


def test_custom_weights_are_scaled_to_100() -> None:
    weights = Weights(distance=1, availability=1, freshness=0, detox_fit=0, moud=0,
                      continuity=0, payer=0, accreditation=0)  # fmt: skip
    assert weights.points()["distance"] == pytest.approx(50.0)


def test_negative_weight_is_refused() -> None:
    with pytest.raises(QueryError, match="Weight 'distance' must be zero or more"):
        Weights(distance=-1)


def test_all_zero_weights_are_refused() -> None:
    zero = dict.fromkeys(COMPONENTS, 0.0)
    with pytest.raises(QueryError, match="At least one weight"):
        Weights(**zero)


def test_distance_fraction_falls_from_one_to_zero_across_the_radius() -> None:
    assert distance_fraction(np.array([0.0, 25.0, 50.0]), 50.0).tolist() == [1.0, 0.5, 0.0]


def test_more_open_beds_never_score_less() -> None:
    beds = np.array([np.nan, 0, 1, 2, 5, 9], dtype="float64")
    status = np.array(["unknown", "no_openings", "openings", "openings", "openings", "openings"])
    scores = availability_fraction(beds, status, np.ones(6, dtype=bool), np.full(6, "fresh"))
    assert np.all(np.diff(scores) >= 0)
    assert scores[-1] == 1.0


def test_status_counts_when_no_bed_count_is_known() -> None:
    status = np.array(["openings", "accepting_assessments", "waitlist", "no_openings"])
    scores = availability_fraction(
        np.full(4, np.nan), status, np.ones(4, dtype=bool), np.full(4, "fresh")
    )
    assert scores.tolist() == [0.6, 0.3, 0.1, 0.0]


def test_a_zero_count_overrides_an_openings_status() -> None:
    scores = availability_fraction(
        np.array([0.0]), np.array(["openings"]), np.array([True]), np.array(["fresh"])
    )
    assert scores.tolist() == [0.0]


def test_reports_too_old_to_use_earn_no_availability() -> None:
    scores = availability_fraction(
        np.array([3.0]), np.array(["openings"]), np.array([False]), np.array(["fresh"])
    )
    assert scores.tolist() == [0.0]


def test_older_reports_of_the_same_beds_earn_less() -> None:
    labels = np.array(["fresh", "aging", "stale"])
    scores = availability_fraction(
        np.full(3, 5.0), np.full(3, "openings"), np.ones(3, dtype=bool), labels
    )
    assert scores.tolist() == [1.0, 0.7, 0.25]


def test_a_fresh_no_openings_report_earns_no_freshness() -> None:
    labels = np.array(["fresh", "fresh", "aging", "stale", "unknown"])
    scores = freshness_fraction(labels, np.array([0.0, 1.0, 1.0, 1.0, 1.0]))
    assert scores.tolist() == [0.0, 1.0, 0.5, 0.15, 0.0]


def test_inpatient_detox_fits_opioid_withdrawal_better_than_outpatient() -> None:
    scores = detox_fraction(
        hospital=flags(YES, NO, NO, UNKNOWN),
        residential=flags(NO, YES, NO, UNKNOWN),
        outpatient=flags(NO, NO, YES, UNKNOWN),
        any_level=flags(YES, YES, YES, UNKNOWN),
        opioid=flags(NO, YES, NO, UNKNOWN),
    )
    assert scores.tolist() == [0.8, 1.0, 0.4, 0.0]


def test_moud_rewards_agonists_and_accepting_clients_on_medication() -> None:
    scores = moud_fraction(
        methadone=flags(YES, NO, NO, NO, NO),
        buprenorphine=flags(NO, YES, NO, NO, UNKNOWN),
        naltrexone=flags(NO, NO, NO, YES, UNKNOWN),
        accepts=flags(YES, NO, YES, NO, UNKNOWN),
    )
    assert scores.tolist() == [1.0, 0.8, 0.6, 0.3, 0.0]


def test_self_pay_prefers_a_sliding_fee() -> None:
    scores = payer_fraction(
        accepts_chosen=flags(YES, YES),
        self_pay_chosen=True,
        affordable=flags(YES, NO),
        any_insurance=flags(NO, NO),
        payers_chosen=True,
    )
    assert scores.tolist() == [1.0, 0.7]


def test_unknown_payer_earns_no_payer_points() -> None:
    scores = payer_fraction(
        accepts_chosen=flags(UNKNOWN),
        self_pay_chosen=False,
        affordable=flags(YES),
        any_insurance=flags(YES),
        payers_chosen=True,
    )
    assert scores.tolist() == [0.0]
