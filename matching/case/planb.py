"""Plan B: where to go the same day when the calls found no bed (issue 22, part 3).

When the intervention is less than 48 hours away and no primary holds a bed, the family still
needs somewhere to take the person that day: an opioid treatment program (methadone and
buprenorphine), an outpatient buprenorphine prescriber, or a hospital emergency department
that can start buprenorphine (docs/clinical.md, "A plan when no bed is found").

This module only chooses from the directory (nearest first, with the distance); the words,
crisis lines and the PDF are :mod:`matching.render.planb`. Unknown is not no: a listing that
does not say whether it offers buprenorphine is not listed as a prescriber, and the directory
says nothing about emergency departments, so Plan B says what to ask and where instead of
naming hospitals it cannot vouch for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import numpy as np
import pandas as pd

from matching.case.model import Case, CaseError
from matching.case.readiness import ADMIT_WITHIN, intervention_start
from matching.directory import columns as col

# How far a same-day visit can reasonably be (miles, straight line) and how many of each kind.
PLAN_B_RADIUS_MILES: Final = 60.0
PLAN_B_LIMIT: Final = 5
_EARTH_MILES: Final = 3958.8


@dataclass(frozen=True, kw_only=True, slots=True)
class PlanBPlace:
    """One program of Plan B, with its phone and its distance from the intervention place."""

    facility_id: str
    name: str
    phone: str
    address: str
    miles: float
    offers: str


@dataclass(frozen=True, kw_only=True, slots=True)
class PlanB:
    """What to do the same day: the reason it is shown and the places near the case."""

    reason: str
    located: bool
    programs: tuple[PlanBPlace, ...]
    prescribers: tuple[PlanBPlace, ...]
    pregnant: bool
    on_moud: str


def plan_b_reason(case: Case, now: datetime) -> str | None:
    """Return why Plan B is needed now, None when it is not (no start, far off, a bed held).

    Plan B shows when the intervention starts within 48 h (or has started) and the primary
    does not hold a bed that lasts past the start (docs/clinical.md).
    """
    try:
        start = intervention_start(case)
    except CaseError:
        return None
    if start is None or start.earliest - now > ADMIT_WITHIN:
        return None
    primary = case.primary()
    if primary is not None and not primary.closed:
        if primary.stage == "admitted":
            return None
        if primary.hold is not None and primary.hold.expires_at > start.latest:
            return None
    hours = max(0.0, (start.earliest - now) / timedelta(hours=1))
    when = f"in {hours:.0f} h" if hours >= 1 else "now"
    whose = (
        "No primary facility holds a bed"
        if primary is None
        else (f"{primary.facility.name} does not hold a bed past the start")
    )
    return f"The intervention is {when} and no bed is held: {whose}. Here is Plan B."


def build_plan_b(
    case: Case,
    directory: pd.DataFrame,
    *,
    reason: str = "",
    radius_miles: float = PLAN_B_RADIUS_MILES,
    limit: int = PLAN_B_LIMIT,
) -> PlanB:
    """Return the opioid treatment programs and buprenorphine prescribers near the case.

    Programs are listed as federally certified opioid treatment programs (``otp_certified``)
    or as offering methadone; prescribers offer buprenorphine with outpatient care. A program
    is listed once (as a program). Nearest first, within ``radius_miles`` of the place.
    """
    care = case.care
    origin = case.intervention.location
    pregnant = bool(care and care.pregnant)
    on_moud = care.moud if care is not None and care.moud in ("methadone", "buprenorphine") else ""
    if origin is None:
        return PlanB(
            reason=reason,
            located=False,
            programs=(),
            prescribers=(),
            pregnant=pregnant,
            on_moud=on_moud,
        )
    near = _within(directory, origin, radius_miles)
    programs_mask = _yes(near, "otp_certified") | _yes(near, "methadone")
    prescribers_mask = ~programs_mask & _yes(near, "buprenorphine") & _yes(near, "outpatient")
    return PlanB(
        reason=reason,
        located=True,
        programs=_places(near[programs_mask], limit, "opioid treatment program"),
        prescribers=_places(near[prescribers_mask], limit, "buprenorphine, outpatient"),
        pregnant=pregnant,
        on_moud=on_moud,
    )


def _yes(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[name].astype("boolean").fillna(False).astype(bool)


def _within(directory: pd.DataFrame, origin: tuple[float, float], radius: float) -> pd.DataFrame:
    """Return the located rows within ``radius`` miles of ``origin`` with a ``_miles`` column."""
    lat = pd.to_numeric(directory[col.LAT], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(directory[col.LON], errors="coerce").to_numpy(dtype=float)
    lat0, lon0 = np.radians(origin[0]), np.radians(origin[1])
    phi, lam = np.radians(lat), np.radians(lon)
    haversine = (
        np.sin((phi - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(phi) * np.sin((lam - lon0) / 2) ** 2
    )
    miles = 2 * _EARTH_MILES * np.arcsin(np.sqrt(np.clip(haversine, 0, 1)))
    located = ~np.isnan(miles) & ~((lat == 0) & (lon == 0))
    keep = located & (miles <= radius)
    near = directory[keep].copy()
    near["_miles"] = miles[keep]
    return near.sort_values("_miles", kind="stable")


def _places(rows: pd.DataFrame, limit: int, offers: str) -> tuple[PlanBPlace, ...]:
    places = []
    for _, row in rows.head(limit).iterrows():
        address = ", ".join(
            str(row[name]) for name in (col.STREET, col.CITY, col.STATE) if _text(row.get(name))
        )
        phone = _text(row.get(col.INTAKE_PHONE)) or _text(row.get(col.PHONE))
        places.append(
            PlanBPlace(
                facility_id=str(row[col.FACILITY_ID]),
                name=str(row[col.NAME]),
                phone=phone,
                address=address,
                miles=float(row["_miles"]),
                offers=offers,
            )
        )
    return tuple(places)


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()
