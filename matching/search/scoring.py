"""How search ranks facilities: the named score components, their weights and presets.

This module is the one place for the weights and the freshness thresholds. A facility's score
is a sum of components; each component is a fraction in [0, 1] (computed below from the
facility's columns) times its share of 100 points, so the total is 0-100 and each component's
contribution can be shown to the user. Unknown (NA) facts earn no points: a facility whose
services are unknown can only be included on request and then ranks below a known match.

Service flags arrive as tri-state ``int8`` arrays: 1 = yes, 0 = no, -1 = unknown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Final, overload

import numpy as np
import pandas as pd

from matching.errors import QueryError

# docs/availability.md: availability older than 24 h is "aging", older than 72 h "stale". These are
# defaults; search() and freshness() take other thresholds as parameters.
FRESH_HOURS: Final = 24.0
STALE_HOURS: Final = 72.0

FRESHNESS_LABELS: Final = ("fresh", "aging", "stale", "unknown")
# Share of the freshness component earned by each band.
FRESHNESS_FRACTION: Final[dict[str, float]] = {
    "fresh": 1.0,
    "aging": 0.5,
    "stale": 0.15,
    "unknown": 0.0,
}

# Beds at or above this count earn the whole availability component; fewer earn part of it.
FULL_BEDS: Final = 5

# How far an availability report is trusted, by its freshness: a bed reported a week ago is a
# lead to phone, not a placement. A count with no report time ("unknown") is trusted no more
# than a stale one, so adding a time never lowers a rank.
AVAILABILITY_TRUST: Final[dict[str, float]] = {
    "fresh": 1.0,
    "aging": 0.7,
    "stale": 0.25,
    "unknown": 0.25,
}

# Availability component when no usable bed count says otherwise, by reported status.
STATUS_FRACTION: Final[dict[str, float]] = {
    "openings": 0.6,
    "accepting_assessments": 0.3,
    "waitlist": 0.1,
    "no_openings": 0.0,
    "unknown": 0.0,
}

# Availability component of a facility with no report of its own whose state listing says it
# is accepting new patients: above "not reported" (0), below any usable report of an open bed
# (the least of which, "openings" in a stale report, earns 0.6 x 0.25 = 0.15).
ACCEPTING_NEW_PATIENTS_FRACTION: Final = 0.1

COMPONENTS: Final = (
    "distance",
    "availability",
    "freshness",
    "detox_fit",
    "moud",
    "continuity",
    "payer",
    "accreditation",
)


@dataclass(frozen=True, kw_only=True)
class Weights:
    """Relative importance of each score component.

    Any non-negative numbers with a positive sum; they are scaled to add up to 100 points, so a
    weight of 30 in a set summing to 100 is worth exactly 30 points.

    distance: closer to the family (relative to the search radius).
    availability: open beds of the needed type, or the reported status when no count is known.
    freshness: how recently openings were reported (a fresh "no openings" earns nothing).
    detox_fit: withdrawal management suited to heroin/opioids: hospital or residential over
        outpatient, plus opioid-specific detox.
    moud: methadone or buprenorphine offered, or clients on them accepted (docs/clinical.md).
    continuity: detox and the after-care (residential by default) at the same facility.
    payer: takes the chosen payer(s); sliding fee or payment assistance for self-pay.
    accreditation: accredited, where the source says so.
    """

    distance: float = 30.0
    availability: float = 15.0
    freshness: float = 5.0
    detox_fit: float = 10.0
    moud: float = 12.0
    continuity: float = 8.0
    payer: float = 15.0
    accreditation: float = 5.0

    def __post_init__(self) -> None:
        for name, value in self.as_dict().items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise QueryError(f"Weight {name!r} must be a number, not {value!r}")
            if not math.isfinite(value) or value < 0:
                raise QueryError(f"Weight {name!r} must be zero or more, got {value!r}")
        if sum(self.as_dict().values()) <= 0:
            raise QueryError("At least one weight must be above zero")

    def as_dict(self) -> dict[str, float]:
        """Return the weights by component name, in COMPONENTS order."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    def points(self) -> dict[str, float]:
        """Return each component's maximum points, scaled so they add up to 100."""
        raw = self.as_dict()
        total = sum(raw.values())
        return {name: 100.0 * value / total for name, value in raw.items()}


PRESETS: Final[dict[str, Weights]] = {
    # A family searching on its own: a place they can reach and afford, that treats opioid
    # use disorder properly. Availability matters but they will phone to confirm anyway.
    "family": Weights(
        distance=30,
        availability=15,
        freshness=5,
        detox_fit=10,
        moud=12,
        continuity=8,
        payer=15,
        accreditation=5,
    ),
    # An interventionist with a date set: the fastest bed that can actually be secured -
    # confirmed open beds and a recent report dominate; travel and price matter less.
    "interventionist": Weights(
        distance=10,
        availability=35,
        freshness=20,
        detox_fit=12,
        moud=10,
        continuity=8,
        payer=3,
        accreditation=2,
    ),
}
PRESET_DESCRIPTIONS: Final[dict[str, str]] = {
    "family": "close and affordable, with medication for opioid use disorder",
    "interventionist": "fastest secure placement: open beds reported recently come first",
}


@overload
def freshness(
    age_hours: float | None, *, fresh_hours: float = ..., stale_hours: float = ...
) -> str: ...
@overload
def freshness(
    age_hours: pd.Series, *, fresh_hours: float = ..., stale_hours: float = ...
) -> pd.Series: ...
def freshness(
    age_hours: float | None | pd.Series,
    *,
    fresh_hours: float = FRESH_HOURS,
    stale_hours: float = STALE_HOURS,
) -> str | pd.Series:
    """Label an availability report's age: "fresh", "aging", "stale" or "unknown" (no age).

    Fresh is younger than ``fresh_hours``, aging younger than ``stale_hours``, stale after.
    Takes one age (float/None) or a Series of ages (NaN = unknown) and returns the same shape.
    """
    if isinstance(age_hours, pd.Series):
        labels = freshness_labels(
            age_hours.to_numpy(dtype="float64", na_value=np.nan),
            fresh_hours=fresh_hours,
            stale_hours=stale_hours,
        )
        return pd.Series(labels, index=age_hours.index, dtype="str", name=age_hours.name)
    if age_hours is None or not math.isfinite(age_hours):
        return "unknown"
    return str(
        freshness_labels(
            np.array([age_hours], dtype="float64"),
            fresh_hours=fresh_hours,
            stale_hours=stale_hours,
        )[0]
    )


def freshness_labels(
    age_hours: np.ndarray, *, fresh_hours: float = FRESH_HOURS, stale_hours: float = STALE_HOURS
) -> np.ndarray:
    """Vectorised :func:`freshness` over a float array (NaN = unknown)."""
    if not 0 < fresh_hours <= stale_hours:
        raise QueryError(
            f"Freshness thresholds must satisfy 0 < fresh_hours <= stale_hours "
            f"(got {fresh_hours} and {stale_hours})"
        )
    conditions = [age_hours < fresh_hours, age_hours < stale_hours, np.isfinite(age_hours)]
    return np.select(conditions, ["fresh", "aging", "stale"], default="unknown")


# ----------------------------------------------------------------------------- components


def _yes(flags: np.ndarray) -> np.ndarray:
    return flags == 1


def distance_fraction(distance_miles: np.ndarray, radius_miles: float) -> np.ndarray:
    """Return 1 at the origin falling linearly to 0 at the edge of the search radius."""
    return np.clip(1.0 - distance_miles / radius_miles, 0.0, 1.0)


def availability_fraction(
    beds: np.ndarray,
    status: np.ndarray,
    usable: np.ndarray,
    labels: np.ndarray,
    accepting: np.ndarray | None = None,
) -> np.ndarray:
    """Score open beds of the needed type (NaN = unknown) and the reported status.

    ``usable`` marks reports recent enough to count (see search's max age); others earn
    nothing. One open bed earns 0.68, rising to 1 at FULL_BEDS; with no count (or a count of
    0) the status earns its STATUS_FRACTION share (openings 0.6, accepting assessments 0.3,
    waitlist 0.1). The result is scaled by AVAILABILITY_TRUST of the report's freshness
    ``labels``. A facility with nothing reported (no count, status unknown) whose state
    listing says it is ``accepting`` new patients (1; 0/-1 otherwise) earns
    ACCEPTING_NEW_PATIENTS_FRACTION: above "not reported", below any reported open bed, and
    never above a report of no openings or a waitlist.
    """
    by_status = np.zeros(len(status), dtype="float64")
    for label, share in STATUS_FRACTION.items():
        by_status[status == label] = share
    counted = np.nan_to_num(beds, nan=0.0)
    by_count = np.where(counted > 0, 0.6 + 0.4 * np.minimum(counted, FULL_BEDS) / FULL_BEDS, 0.0)
    # A known count of zero overrides an "openings" status; waitlist/assessment still count.
    by_status = np.where(counted == 0, by_status, 0.0)
    by_status = np.where(np.isfinite(beds) & (beds == 0) & (status == "openings"), 0.0, by_status)
    trust = np.zeros(len(labels), dtype="float64")
    for label, share in AVAILABILITY_TRUST.items():
        trust[labels == label] = share
    reported = np.where(usable, np.maximum(by_count, by_status) * trust, 0.0)
    if accepting is None:
        return reported
    not_reported = ~np.isfinite(beds) & (status == "unknown")
    signal = np.where((accepting == 1) & not_reported, ACCEPTING_NEW_PATIENTS_FRACTION, 0.0)
    return np.maximum(reported, signal)


def freshness_fraction(labels: np.ndarray, availability: np.ndarray) -> np.ndarray:
    """Score how recent a report of openings is; a report with nothing open earns nothing."""
    shares = np.zeros(len(labels), dtype="float64")
    for label, share in FRESHNESS_FRACTION.items():
        shares[labels == label] = share
    return np.where(availability > 0, shares, 0.0)


def detox_fraction(
    *, hospital: np.ndarray, residential: np.ndarray, outpatient: np.ndarray,
    any_level: np.ndarray, opioid: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Score withdrawal management for opioids: inpatient levels 0.8, outpatient or level
    unknown 0.4, plus 0.2 for opioid-specific detox (docs/clinical.md: daily heroin use rarely
    suits outpatient withdrawal management)."""
    level = np.where(
        _yes(hospital) | _yes(residential),
        0.8,
        np.where(_yes(outpatient) | _yes(any_level) | _yes(opioid), 0.4, 0.0),
    )
    return np.minimum(level + np.where(_yes(opioid), 0.2, 0.0), 1.0)


def moud_fraction(
    *, methadone: np.ndarray, buprenorphine: np.ndarray, naltrexone: np.ndarray,
    accepts: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """Score medication for opioid use disorder: methadone or buprenorphine 0.8, 1 when the
    facility also accepts clients already on medication; accepting only 0.6; naltrexone only
    (usable after withdrawal) 0.3."""
    agonist = _yes(methadone) | _yes(buprenorphine)
    return np.select(
        [agonist & _yes(accepts), agonist, _yes(accepts), _yes(naltrexone)],
        [1.0, 0.8, 0.6, 0.3],
        default=0.0,
    )


def continuity_fraction(*, detox: np.ndarray, after_care: np.ndarray) -> np.ndarray:
    """Score detox and the after-care level offered at the same facility (no hand-off)."""
    return np.where(_yes(detox) & _yes(after_care), 1.0, 0.0)


def payer_fraction(
    *, accepts_chosen: np.ndarray, self_pay_chosen: bool, affordable: np.ndarray,
    any_insurance: np.ndarray, payers_chosen: bool,
) -> np.ndarray:  # fmt: skip
    """Score payment: with payers chosen, 0.7 for taking one of them and 0.3 more for a sliding
    fee or payment assistance when self-pay is among them. With none chosen, half for taking
    any insurance and half for a sliding fee or payment assistance."""
    if payers_chosen:
        extra = _yes(affordable) if self_pay_chosen else np.zeros(len(affordable), dtype=bool)
        base = np.where(_yes(accepts_chosen), 0.7, 0.0)
        full = np.where(_yes(accepts_chosen), 1.0, 0.0)
        return np.where(extra, full, base) if self_pay_chosen else full
    return 0.5 * _yes(any_insurance) + 0.5 * _yes(affordable)


def accreditation_fraction(accredited: np.ndarray) -> np.ndarray:
    """Score accreditation where the source reports it."""
    return np.where(_yes(accredited), 1.0, 0.0)
