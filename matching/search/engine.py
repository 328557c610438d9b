"""Find the facilities that fit a query and rank them, each with its reasons in plain words.

A search runs in three steps over numpy arrays the index prepared, touching only candidates:

1. **Radius**: the spatial grid returns the facilities whose geodesic distance is within the
   radius. A row located only at its ZIP's centre (``location_precision`` ``zip_centroid``) is
   kept within the radius plus :data:`~matching.search.person.ZIP_CENTROID_TOLERANCE_MILES`
   (5 mi) and its distance is worded "about N mi (ZIP centre)" (see
   :mod:`matching.search.person`).
2. **Hard filters**: each requirement of the query (payer, detox level, medication, after-care,
   open beds and report age, and who the person is: age group, sex, pregnancy, language,
   veteran, co-occurring illness - see :mod:`matching.search.person`) is yes, no or unknown
   per facility. A "no" excludes; an unknown excludes too, unless ``include_unverified`` - then
   the facility stays, is marked ``unverified``, and earns nothing from the component that
   requirement feeds (a trait of the person feeds none: such rows are ranked last instead).
3. **Ranking**: a 0-100 score summed from named components (see :mod:`matching.search.scoring`),
   ties broken by distance, then facility_id, so the same query always gives the same order.
   One tier comes before the score: for a pregnant woman, programs for pregnant women with
   methadone or buprenorphine first; rows unverified on a trait of the person last.

Only the rows returned are then copied out of the directory, with their distances (WGS84, within
a few metres of geopy's geodesic; see :mod:`matching.search.index`) and a reasons string, built
for those rows only. ``frame.attrs["total_matches"]`` says how many matched before ``top``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.errors import QueryError
from matching.search.beds import NEED_COLUMNS, need_labels, needed_beds, status_for_need
from matching.search.index import FacilityIndex
from matching.search.licensing import license_notes
from matching.search.person import (
    NO,
    PERSON_WORDS,
    UNKNOWN,
    YES,
    merge_person_reasons,
    person_priority,
    person_reasons,
    person_states,
    within_radius,
)
from matching.search.query import SearchQuery
from matching.search.scoring import (
    COMPONENTS,
    FRESH_HOURS,
    PRESETS,
    STALE_HOURS,
    Weights,
    accreditation_fraction,
    availability_fraction,
    continuity_fraction,
    detox_fraction,
    distance_fraction,
    freshness_fraction,
    freshness_labels,
    moud_fraction,
    payer_fraction,
)

RESULT_COLUMNS = (
    "distance_miles",
    "score",
    *(f"score_{name}" for name in COMPONENTS),
    "reasons",
    "availability_age_hours",
    "freshness",
    "unverified",
    *NEED_COLUMNS,
    "licence_note",
)
# Which score component a requirement feeds: an unknown requirement earns none of it.
_REQUIREMENT_COMPONENT = {
    "payer": "payer",
    "detox": "detox_fit",
    "moud": "moud",
    "after_care": "continuity",
    "beds": "availability",
}
_REQUIREMENT_WORDS = {
    "payer": "payment",
    "detox": "detox level",
    "moud": "medication (MOUD)",
    "after_care": "after-care",
    "beds": "open beds",
    **PERSON_WORDS,
}
_PAYER_WORDS = {
    "self": "self-pay",
    "medicaid": "Medicaid",
    "medicare": "Medicare",
    "private": "private insurance",
    "military": "TRICARE",
    "state": "state insurance",
    "ihs": "IHS/Tribal funds",
}


def search(
    index: FacilityIndex,
    query: SearchQuery,
    *,
    now: datetime | None = None,
    top: int | None = None,
    weights: Weights | None = None,
    fresh_hours: float = FRESH_HOURS,
    stale_hours: float = STALE_HOURS,
) -> pd.DataFrame:
    """Return the facilities matching ``query``, best first, with scores and reasons.

    Exported as ``matching.search_facilities``. A requirement the listing does not state is
    unknown, not "no": such facilities are dropped unless ``query.include_unverified``, and
    then rank lower and are marked ``unverified`` (docs/facility-table.md, "Unknown is not no").

    Parameters
    ----------
    index : FacilityIndex
        The directory to search, indexed once and reused for every query.
    query : SearchQuery
        Where the person is, how far they can go and what they need.
    now : datetime, optional
        Timezone-aware time that availability ages are measured against (default: now).
    top : int, optional
        Return at most this many rows; None or 0 returns every match.
    weights : Weights, optional
        Scoring weights; overrides the query's preset.
    fresh_hours, stale_hours : float
        Report ages (hours) below which availability is "fresh", and above which "stale".

    Returns
    -------
    pandas.DataFrame
        Every directory column plus RESULT_COLUMNS: ``distance_miles``, ``score`` (0-100),
        ``score_<component>`` (the points that component contributed), ``reasons`` (one line
        a person can read), ``availability_age_hours``, ``freshness`` and ``unverified``.
        Empty (same columns) when nothing fits; see :mod:`matching.search.explain` for why.

    Raises
    ------
    QueryError
        ``now`` is naive, ``top`` is negative or ``weights`` is not a Weights.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from matching import FacilityIndex, SearchQuery, load_demo_directory, resolve_location
    >>> from matching import search_facilities
    >>> now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    >>> index = FacilityIndex(load_demo_directory(now=now))
    >>> query = SearchQuery(origin=resolve_location("10001"), radius_miles=25, detox="opioid")
    >>> ranked = search_facilities(index, query, now=now, top=3)
    >>> len(ranked)
    3
    >>> bool(ranked["distance_miles"].le(25).all()), ranked["score"].is_monotonic_decreasing
    (True, True)
    >>> bool(ranked["detox_opioid"].all())  # only facilities that say they detox opioids
    True
    """
    now = _check_now(now)
    top = _check_top(top)
    weights = weights if weights is not None else PRESETS[query.preset]
    if not isinstance(weights, Weights):
        raise QueryError(
            f"weights must be a matching.scoring.Weights, got {type(weights).__name__}"
        )
    positions, miles = within_radius(index, query)
    age_hours = _age_hours(index, positions, now)
    states = _requirement_states(index, query, positions, age_hours)
    states |= person_states(index, query, positions)
    kept, unverified_by = _apply_filters(states, positions, query.include_unverified)
    positions, miles, age_hours = positions[kept], miles[kept], age_hours[kept]
    unverified_by = {name: unknown[kept] for name, unknown in unverified_by.items()}

    labels = freshness_labels(age_hours, fresh_hours=fresh_hours, stale_hours=stale_hours)
    fractions = _fractions(index, query, positions, miles, age_hours, labels)
    points, score = _points(fractions, unverified_by, weights, len(positions))

    tier = person_priority(index, query, positions, unverified_by)
    # A fresh "no openings" for the bed needed goes below every other row, those not reported
    # included, until the report is no longer fresh.
    closed = _closed_lately(index, query, positions, labels)
    order = np.lexsort((index.id_rank[positions], miles, -score, -tier, closed))
    if top:
        order = order[:top]
    ranked = _Ranked(
        positions=positions[order],
        miles=miles[order],
        age_hours=age_hours[order],
        labels=labels[order],
        score=score[order],
        points={name: values[order] for name, values in points.items()},
        unknown={name: unknown[order] for name, unknown in unverified_by.items()},
    )
    return _result_frame(index, query, ranked, total=len(positions), now=now)


def _closed_lately(
    index: FacilityIndex, query: SearchQuery, positions: np.ndarray, labels: np.ndarray
) -> np.ndarray:
    """Return which rows have a fresh report of no open bed of the kind needed."""
    status = status_for_need(index.beds, query, positions, index.status[positions])
    return (status == "no_openings") & (labels == "fresh")


@dataclass(frozen=True, kw_only=True, slots=True)
class _Ranked:
    """The rows a search returns, in rank order, with what the result frame shows of each."""

    positions: np.ndarray
    miles: np.ndarray
    age_hours: np.ndarray
    labels: np.ndarray
    score: np.ndarray
    points: dict[str, np.ndarray]
    unknown: dict[str, np.ndarray]  # per unverified requirement: unknown for this row


def _points(
    fractions: dict[str, np.ndarray],
    unverified_by: dict[str, np.ndarray],
    weights: Weights,
    count: int,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Return each component's points and the total score (unknown requirements earn none)."""
    for requirement, unknown in unverified_by.items():
        component = _REQUIREMENT_COMPONENT.get(requirement)
        if component is None:  # a trait of the person feeds no component: ranked by tier
            continue
        fractions[component] = np.where(unknown, 0.0, fractions[component])
        if component == "availability":
            fractions["freshness"] = np.where(unknown, 0.0, fractions["freshness"])
    points = {name: fractions[name] * share for name, share in weights.points().items()}
    score = np.sum([points[name] for name in COMPONENTS], axis=0) if count else points["distance"]
    return points, score


def _result_frame(
    index: FacilityIndex, query: SearchQuery, ranked: _Ranked, *, total: int, now: datetime
) -> pd.DataFrame:
    """Return the directory rows of ``ranked`` with the result columns, in one construction."""
    unverified = np.zeros(len(ranked.positions), dtype=bool)
    for unknown in ranked.unknown.values():
        unverified |= unknown
    reasons = _reasons(
        index, query, ranked.positions, ranked.miles, ranked.age_hours, ranked.labels,
        ranked.unknown,
    )  # fmt: skip
    added: dict[str, object] = {"distance_miles": ranked.miles, "score": ranked.score}
    added |= {f"score_{name}": ranked.points[name] for name in COMPONENTS}
    added |= {
        "reasons": pd.array(reasons, dtype="str"),
        "availability_age_hours": ranked.age_hours,
        "freshness": pd.array(ranked.labels, dtype="str"),
        "unverified": unverified,
    }
    added |= _need_columns(index, query, ranked.positions)
    added |= _license_columns(index, ranked.positions, now, added["reasons"])
    # Each column taken on its own and the frame built once: DataFrame.take + concat cost 5x
    # more, most of a search. A directory saved from earlier results carries old scores:
    # replace them, never duplicate.
    columns = {
        name: values.take(ranked.positions)
        for name, values in index.column_arrays.items()
        if name not in added
    }
    frame = pd.DataFrame(columns | added, index=pd.RangeIndex(len(ranked.positions)), copy=False)
    frame.attrs["total_matches"] = total
    return frame


def _need_columns(index: FacilityIndex, query: SearchQuery, chosen: np.ndarray) -> dict:
    """Return the open beds of the needed kind (for the person's sex), what they are, status."""
    beds, by_sex = needed_beds(index.beds, query, chosen)
    return {
        "beds_needed": beds,
        "beds_needed_kind": pd.array(need_labels(query, by_sex), dtype="str"),
        "availability_for_need": pd.array(
            status_for_need(index.beds, query, chosen, index.status[chosen]), dtype="str"
        ),
    }


def _license_columns(
    index: FacilityIndex, chosen: np.ndarray, now: datetime, reasons: Any
) -> dict[str, object]:
    """Return the licensing note per result, also appended to its reasons."""
    notes = license_notes(index.directory, chosen, now)
    joined = [
        f"{text} · {note}" if note else text for text, note in zip(reasons, notes, strict=True)
    ]
    return {"reasons": pd.array(joined, dtype="str"), "licence_note": pd.array(notes, dtype="str")}


def _check_now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise QueryError(f"now must be a timezone-aware date and time, got {now!r}")
    return now


def _check_top(top: int | None) -> int | None:
    if top is None:
        return None
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 0:
        raise QueryError(f"top must be a whole number of results, 0 or more (0 = all), got {top!r}")
    return int(top) or None


def _age_hours(index: FacilityIndex, positions: np.ndarray, now: datetime) -> np.ndarray:
    # A report stamped slightly in the future (a clock ahead) counts as just made.
    return np.maximum((now.timestamp() - index.reported_at_s[positions]) / 3600.0, 0.0)


def any_of(flags: list[np.ndarray]) -> np.ndarray:
    """Combine tri-state flags with "or" where unknown stays unknown unless some flag is yes."""
    if not flags:
        raise ValueError("any_of needs at least one flag array")
    stacked = np.stack(flags)
    return np.where(
        (stacked == YES).any(axis=0), YES, np.where((stacked == UNKNOWN).any(axis=0), UNKNOWN, NO)
    ).astype("int8")


def _detox_state(index: FacilityIndex, need: str, positions: np.ndarray) -> np.ndarray:
    if need == "any":
        return any_of([index.flags[name][positions] for name in col.DETOX_COLUMNS])
    return index.flags[f"detox_{need}"][positions]


def _requirement_states(
    index: FacilityIndex, query: SearchQuery, positions: np.ndarray, age_hours: np.ndarray
) -> dict[str, np.ndarray]:
    """Return, per hard requirement of the query, a tri-state answer for each candidate."""
    states: dict[str, np.ndarray] = {}
    if query.payers:
        states["payer"] = any_of([index.flags[f"pay_{p}"][positions] for p in query.payers])
    if query.detox is not None:
        states["detox"] = _detox_state(index, query.detox, positions)
    if query.moud:
        states["moud"] = any_of([index.flags[name][positions] for name in query.moud])
    if query.after_care is not None:
        states["after_care"] = index.flags[query.after_care][positions]
    if query.min_beds > 0 or query.max_age_hours is not None:
        states["beds"] = _beds_state(index, query, positions, age_hours)
    return states


def _beds_state(
    index: FacilityIndex, query: SearchQuery, positions: np.ndarray, age_hours: np.ndarray
) -> np.ndarray:
    # A report older than max_age_hours says nothing about today: unknown, not "no".
    recent = (
        age_hours <= query.max_age_hours
        if query.max_age_hours is not None
        else np.ones(len(positions), dtype=bool)
    )
    beds, _ = needed_beds(index.beds, query, positions)
    if query.min_beds == 0:
        return np.where(recent, YES, UNKNOWN).astype("int8")
    enough = beds >= query.min_beds
    known = np.isfinite(beds)
    return np.select(
        [known & enough & recent, known & ~enough & recent], [YES, NO], default=UNKNOWN
    ).astype("int8")


def _apply_filters(
    states: dict[str, np.ndarray], positions: np.ndarray, include_unverified: bool
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    kept = np.ones(len(positions), dtype=bool)
    any_unknown = np.zeros(len(positions), dtype=bool)
    for state in states.values():
        kept &= state != NO
        any_unknown |= state == UNKNOWN
    if not include_unverified:
        kept &= ~any_unknown
        return kept, {}
    return kept, {name: state == UNKNOWN for name, state in states.items()}


def _fractions(
    index: FacilityIndex,
    query: SearchQuery,
    positions: np.ndarray,
    miles: np.ndarray,
    age_hours: np.ndarray,
    labels: np.ndarray,
) -> dict[str, np.ndarray]:
    flags = {name: values[positions] for name, values in index.flags.items()}
    usable = (
        age_hours <= query.max_age_hours
        if query.max_age_hours is not None
        else np.ones(len(positions), dtype=bool)
    )
    availability = availability_fraction(
        needed_beds(index.beds, query, positions)[0],
        status_for_need(index.beds, query, positions, index.status[positions]),
        usable,
        labels,
        flags[col.ACCEPTING_NEW_PATIENTS],
    )
    detox_any = any_of([flags[name] for name in col.DETOX_COLUMNS])
    payers_chosen = bool(query.payers)
    accepts = (
        any_of([flags[f"pay_{p}"] for p in query.payers])
        if payers_chosen
        else np.zeros(len(positions), dtype="int8")
    )
    return {
        "distance": distance_fraction(miles, query.radius_miles),
        "availability": availability,
        "freshness": freshness_fraction(labels, availability),
        "detox_fit": detox_fraction(
            hospital=flags["detox_hospital"],
            residential=flags["detox_residential"],
            outpatient=flags["detox_outpatient"],
            any_level=flags["detox_any"],
            opioid=flags["detox_opioid"],
        ),
        "moud": moud_fraction(
            methadone=flags["methadone"],
            buprenorphine=flags["buprenorphine"],
            naltrexone=flags["naltrexone"],
            accepts=flags["accepts_moud_clients"],
        ),
        "continuity": continuity_fraction(
            detox=detox_any, after_care=flags[query.after_care or "residential"]
        ),
        "payer": payer_fraction(
            accepts_chosen=accepts,
            self_pay_chosen="self" in query.payers,
            affordable=any_of([flags["sliding_fee"], flags["payment_assistance"]]),
            any_insurance=any_of([flags[name] for name in col.INSURANCE_COLUMNS]),
            payers_chosen=payers_chosen,
        ),
        "accreditation": accreditation_fraction(flags[col.ACCREDITED]),
    }


# ----------------------------------------------------------------------------- reasons


_REASON_FLAGS = (*col.SERVICE_COLUMNS, col.ACCREDITED)


def _reasons(
    index: FacilityIndex,
    query: SearchQuery,
    chosen: np.ndarray,
    distance_miles: np.ndarray,
    age_hours: np.ndarray,
    labels: np.ndarray,
    unknown: dict[str, np.ndarray],
) -> list[str]:
    # Read the index's arrays rather than the result frame: per-row pandas access would cost
    # more than the whole search.
    columns: dict[str, list[Any]] = {
        name: index.flags[name][chosen].tolist() for name in _REASON_FLAGS
    }
    columns |= {
        "beds": needed_beds(index.beds, query, chosen)[0].tolist(),
        "kind": need_labels(query, needed_beds(index.beds, query, chosen)[1]).tolist(),
        "status": status_for_need(index.beds, query, chosen, index.status[chosen]).tolist(),
        "distance_miles": distance_miles.tolist(),
        "age": age_hours.tolist(),
        "freshness": labels.tolist(),
        "accepting": index.flags[col.ACCEPTING_NEW_PATIENTS][chosen].tolist(),
        "listed": _listed_months(index, chosen),
    }
    person = person_reasons(index, query, chosen, distance_miles)
    out = []
    for i in range(len(chosen)):
        row = {name: values[i] for name, values in columns.items()}
        missing = [_REQUIREMENT_WORDS[name] for name, flags in unknown.items() if flags[i]]
        out.append(" · ".join(merge_person_reasons(_row_reasons(row, query, missing), person[i])))
    return out


def _listed_months(index: FacilityIndex, chosen: np.ndarray) -> list[str]:
    """Return each chosen row's listing month ("Jun 2022"), '' where unknown."""
    listed = index.column_arrays.get(col.LISTED_AT)
    if listed is None:
        return [""] * len(chosen)
    stamps = pd.to_datetime(pd.Series(listed[chosen]), utc=True)
    return stamps.dt.strftime("%b %Y").fillna("").tolist()


def _is(flag: int) -> bool:
    return flag == YES


def _row_reasons(row: dict[str, Any], query: SearchQuery, missing: list[str]) -> list[str]:
    parts = [_miles_text(row["distance_miles"]), _availability_text(row, query)]
    parts += _payment_texts(row, query)
    detox = _detox_text(row)
    if detox:
        parts.append(detox)
    parts += _moud_texts(row, offers_detox=bool(detox))
    after_care = query.after_care or "residential"
    if detox and _is(row[after_care]):
        parts.append(f"detox + {col.SERVICE_LABELS[after_care].lower()} here")
    if _is(row[col.ACCREDITED]):
        parts.append("accredited")
    if missing:
        parts.append(f"unverified: {', '.join(missing)} unknown - call to confirm")
    return parts


def _miles_text(miles: float) -> str:
    return f"{miles:.1f} mi" if miles < 10 else f"{miles:.0f} mi"


def _age_text(hours: float) -> str:
    if hours < 1:
        return f"{max(int(hours * 60), 1)} min ago"
    if hours < 72:
        return f"{hours:.0f} h ago"
    return f"{hours / 24:.0f} d ago"


def _availability_text(row: dict[str, Any], query: SearchQuery) -> str:
    beds, status, age = row["beds"], row["status"], row["age"]
    kind, _, note = row["kind"].partition(" (")
    note = f" ({note}" if note else ""
    if math.isfinite(beds) and beds > 0:
        noun = kind.replace("beds", "bed") if beds == 1 else kind
        text = f"{beds:.0f} {noun} open{note}"
    elif math.isfinite(beds):
        text = f"no {kind} open{note}"
    elif status != "unknown":
        text = col.STATUS_LABELS.get(status, status).lower()
    elif _is(row["accepting"]):
        listed = f", {row['listed']}" if row["listed"] else ""
        return (
            f"{kind} not reported; accepting new patients (state listing{listed}) - call to check"
        )
    else:
        return f"{kind} not reported - call to check"
    if math.isfinite(age):
        label = row["freshness"]
        text += f", reported {_age_text(age)}" + ("" if label == "fresh" else f" ({label})")
        if label == "fresh" and status == "no_openings":
            text += " - listed below the programs not yet reported until this report is older"
    return text


def _payment_texts(row: dict[str, Any], query: SearchQuery) -> list[str]:
    texts = []
    taken = [p for p in query.payers if _is(row[f"pay_{p}"])]
    if taken:
        texts.append("takes " + ", ".join(_PAYER_WORDS[p] for p in taken))
    if (not query.payers or "self" in query.payers) and _is(row["sliding_fee"]):
        texts.append("sliding fee")
    elif (not query.payers or "self" in query.payers) and _is(row["payment_assistance"]):
        texts.append("payment assistance")
    return texts


def _detox_text(row: dict[str, Any]) -> str:
    if _is(row["detox_hospital"]):
        level = "hospital detox"
    elif _is(row["detox_residential"]):
        level = "residential detox"
    elif _is(row["detox_outpatient"]):
        level = "outpatient detox"
    elif _is(row["detox_any"]) or _is(row["detox_opioid"]):
        level = "detox"
    else:
        return ""
    return level + (" (opioid)" if _is(row["detox_opioid"]) else "")


def _moud_texts(row: dict[str, Any], *, offers_detox: bool) -> list[str]:
    offered = [name for name in ("methadone", "buprenorphine", "naltrexone") if _is(row[name])]
    texts = [", ".join(offered)] if offered else []
    if _is(row["accepts_moud_clients"]):
        texts.append("accepts clients on MOUD")
    if offers_detox and all(row[name] == NO for name in col.MOUD_COLUMNS):
        texts.append("⚠ detox without MOUD (higher relapse and overdose risk after discharge)")
    return texts
