"""Turn facility rows into the words and links people read: availability, address, phone link.

Shared by the app's tables and every export, so a facility reads the same on screen, in a
spreadsheet and on paper.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.search.query import AFTER_CARE, DETOX_NEEDS, MOUD_NEEDS, PAYERS
from matching.search.scoring import freshness

_EXTENSION_RE: Final = re.compile(r"\s*(?:x|ext\.?|extension)\s*\d+\s*$", re.IGNORECASE)

# Services worth printing on a shortlist (the rest are on the detail view).
KEY_SERVICES: Final = (
    "detox_hospital",
    "detox_residential",
    "detox_outpatient",
    "detox_opioid",
    "residential",
    "methadone",
    "buprenorphine",
    "naltrexone",
    "accepts_moud_clients",
    "pay_medicaid",
    "pay_medicare",
    "pay_private",
    "pay_self",
)


def tel_link(phone: str) -> str:
    """Return a ``tel:`` link for a US phone number ("" when it has no usable number).

    An extension ("x123") is dropped: a dialler cannot use it and the caller is told by voice.
    """
    digits = re.sub(r"\D", "", _EXTENSION_RE.sub("", str(phone)))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        return f"tel:+1{digits}"
    if len(digits) == 3:  # 988, 911
        return f"tel:{digits}"
    return ""


def address_text(frame: pd.DataFrame) -> pd.Series:
    """Return "street, city, ST 12345" for each row (parts that are empty are left out)."""
    street = frame[col.STREET].fillna("").astype("str").str.strip()
    city = frame[col.CITY].fillna("").astype("str").str.strip()
    state_zip = (
        frame[col.STATE].fillna("").astype("str") + " " + frame[col.ZIP].fillna("").astype("str")
    ).str.strip()
    text = street.where(street == "", street + ", ") + city.where(city == "", city + ", ")
    return (text + state_zip).str.strip().str.rstrip(",").astype("str")


def age_hours(reported_at: pd.Series, now: datetime) -> pd.Series:
    """Return hours since each report (NaN where unknown)."""
    stamps = pd.to_datetime(reported_at, utc=True)
    hours = (pd.Timestamp(now).tz_convert("UTC") - stamps).dt.total_seconds() / 3600
    return hours.astype("float64")


def age_text(hours: float) -> str:
    """Return an age such as "35 min ago", "5 h ago" or "4 d ago"."""
    if not np.isfinite(hours):
        return "never reported"
    if hours < 1:
        return f"{max(int(hours * 60), 1)} min ago"
    if hours < 72:
        return f"{hours:.0f} h ago"
    return f"{hours / 24:.0f} d ago"


def availability_text(
    frame: pd.DataFrame,
    *,
    now: datetime | None = None,
    tz: str | None = None,
    relative: bool = True,
) -> pd.Series:
    """Return what is known about open beds, with when it was reported and how fresh that is.

    E.g. "Openings: 2 detox + 1 residential beds open - reported Nov 26 14:05 EST, 3 h ago
    (fresh)". ``tz`` is the reader's IANA time zone for the report time (default UTC).
    ``relative=False`` leaves out the age and freshness ("3 h ago (fresh)"): a downloaded or
    printed copy keeps only the report time, since it is read long after it was made.
    """
    now = now or datetime.now(UTC)
    zone = ZoneInfo(tz) if tz else UTC
    hours = age_hours(frame[col.AVAILABILITY_REPORTED_AT], now)
    labels = freshness(hours)
    stamps = pd.to_datetime(frame[col.AVAILABILITY_REPORTED_AT], utc=True)
    texts = []
    for position in range(len(frame)):
        status = str(frame[col.AVAILABILITY_STATUS].iloc[position] or "unknown")
        beds = _beds_text(
            frame[col.BEDS_OPEN_DETOX].iloc[position],
            frame[col.BEDS_OPEN_RESIDENTIAL].iloc[position],
        )
        stamp = stamps.iloc[position]
        if status == "unknown" and not beds:
            texts.append("Not reported - call to check")
            continue
        head = col.STATUS_LABELS.get(status, status)
        if beds:
            head += f": {beds}"
        if pd.isna(stamp):
            texts.append(f"{head} - time of report unknown")
            continue
        when = stamp.to_pydatetime().astimezone(zone).strftime("%b %d %H:%M %Z")
        if not relative:
            texts.append(f"{head} - reported {when}")
            continue
        age = age_text(float(hours.iloc[position]))
        texts.append(f"{head} - reported {when}, {age} ({labels.iloc[position]})")
    return pd.Series(texts, index=frame.index, dtype="str")


def services_text(row: pd.Series, names: tuple[str, ...] = KEY_SERVICES) -> str:
    """Return the offered services among ``names`` in plain words, joined by "; "."""
    offered = [col.SERVICE_LABELS[name] for name in names if _is_yes(row.get(name))]
    return "; ".join(offered)


def service_lists(row: pd.Series) -> dict[str, list[str]]:
    """Return the facility's services in plain words: "offered", "not offered", "unknown"."""
    out: dict[str, list[str]] = {"offered": [], "not offered": [], "unknown": []}
    for name in col.SERVICE_COLUMNS:
        value = row.get(name)
        key = (
            "unknown"
            if value is None or pd.isna(value)
            else ("offered" if value else "not offered")
        )
        out[key].append(col.SERVICE_LABELS[name])
    return out


def _beds_text(detox: object, residential: object) -> str:
    counts = [
        (int(value), kind)  # type: ignore[call-overload]
        for value, kind in ((detox, "detox"), (residential, "residential"))
        if value is not None and not pd.isna(value)  # type: ignore[call-overload]
    ]
    if not counts:
        return ""
    open_parts = [f"{count} {kind}" for count, kind in counts if count > 0]
    if not open_parts:
        return "no " + " or ".join(kind for _, kind in counts) + " beds open"
    total = sum(count for count, _ in counts)
    text = " + ".join(open_parts) + (" bed open" if total == 1 else " beds open")
    closed = [kind for count, kind in counts if count == 0]
    return text + (f", no {closed[0]}" if closed else "")


def _is_yes(value: object) -> bool:
    return value is not None and not pd.isna(value) and bool(value)  # type: ignore[call-overload]


# ----------------------------------------------------------------------------- search choices

PAYER_LABELS: Final[dict[str, str]] = {
    payer: col.SERVICE_LABELS[f"pay_{payer}"] for payer in PAYERS
}
DETOX_LABELS: Final[dict[str, str]] = {
    "any": "Any detox (withdrawal management)",
    **{need: col.SERVICE_LABELS[f"detox_{need}"] for need in DETOX_NEEDS if need != "any"},
}
MOUD_LABELS: Final[dict[str, str]] = {need: col.SERVICE_LABELS[need] for need in MOUD_NEEDS}
AFTER_CARE_LABELS: Final[dict[str, str]] = {care: col.SERVICE_LABELS[care] for care in AFTER_CARE}

# Result table columns (labels people read).
RESULT_FACILITY: Final = "Facility"
RESULT_CALL: Final = "Call"
RESULT_PHONE: Final = "Phone"
RESULT_AVAILABILITY: Final = "Availability"
RESULT_FRESHNESS: Final = "Freshness"
RESULT_DISTANCE: Final = "Distance"
RESULT_SCORE: Final = "Score"
RESULT_WHY: Final = "Why it ranks here"
RESULT_ADDRESS: Final = "Address"
RESULT_WEBSITE: Final = "Website"


def results_table(
    results: pd.DataFrame, *, now: datetime | None = None, tz: str | None = None
) -> pd.DataFrame:
    """Return search results as the columns the results table shows (same order, same index)."""
    phone = results[col.INTAKE_PHONE].where(results[col.INTAKE_PHONE] != "", results[col.PHONE])
    website = results[col.WEBSITE].astype("str").str.strip()
    has_scheme = website.str.lower().str.startswith(("http://", "https://"))
    return pd.DataFrame(
        {
            col.FACILITY_ID: results[col.FACILITY_ID],
            RESULT_FACILITY: results[col.NAME],
            RESULT_CALL: phone.map(tel_link).astype("str"),
            RESULT_PHONE: phone.astype("str"),
            RESULT_AVAILABILITY: availability_text(results, now=now, tz=tz),
            RESULT_FRESHNESS: results["freshness"],
            RESULT_DISTANCE: results["distance_miles"],
            RESULT_SCORE: results["score"],
            RESULT_WHY: results["reasons"],
            RESULT_ADDRESS: address_text(results),
            RESULT_WEBSITE: website.where(has_scheme | (website == ""), "https://" + website),
        },
        index=results.index,
    )


# Map colours (RGBA hex): the family's place, then facilities by what is known about beds.
ORIGIN_COLOR: Final = "#1f4e79ff"
AVAILABILITY_COLORS: Final[dict[str, str]] = {
    "open, fresh": "#2e7d32dd",
    "open, older report": "#f9a825dd",
    "no openings or waitlist": "#c62828cc",
    "not reported": "#9e9e9ecc",
}


def availability_band(results: pd.DataFrame) -> pd.Series:
    """Return each result's map band: a key of AVAILABILITY_COLORS."""
    beds = results[list(col.BED_COLUMNS)].astype("Float64").fillna(0).max(axis=1) > 0
    status = results[col.AVAILABILITY_STATUS]
    open_now = beds | status.isin(["openings", "accepting_assessments"])
    closed = status.isin(["no_openings", "waitlist"]) & ~beds
    fresh = results["freshness"].eq("fresh")
    band = np.select(
        [open_now & fresh, open_now, closed],
        ["open, fresh", "open, older report", "no openings or waitlist"],
        default="not reported",
    )
    return pd.Series(band, index=results.index, dtype="str")


def map_points(
    results: pd.DataFrame,
    origin_lat: float,
    origin_lon: float,
    *,
    origin_label: str = "the place you entered",
) -> pd.DataFrame:
    """Return lat, lon, color and size (metres) for the origin and every result, with the
    name, distance and beds a map tooltip shows."""
    band = availability_band(results)
    beds = availability_text(results).str.split(" - ").str[0]
    facilities = pd.DataFrame(
        {
            "lat": results[col.LAT].astype("float64"),
            "lon": results[col.LON].astype("float64"),
            "color": band.map(AVAILABILITY_COLORS),
            "size": 250.0,
            "name": results[col.NAME].astype("str"),
            "distance": results["distance_miles"].map(lambda miles: f"{miles:.1f} miles"),
            "beds": beds,
        }
    )
    origin = pd.DataFrame(
        {
            "lat": [origin_lat],
            "lon": [origin_lon],
            "color": [ORIGIN_COLOR],
            "size": [600.0],
            "name": [f"You entered: {origin_label}"],
            "distance": [""],
            "beds": [""],
        }
    )
    return pd.concat([origin, facilities], ignore_index=True)


def history_table(history: pd.DataFrame, *, tz: str | None = None) -> pd.DataFrame:
    """Return call-log rows (:func:`matching.calllog.call_history`) as labelled columns."""
    zone = ZoneInfo(tz) if tz else UTC
    return pd.DataFrame(
        {
            "Reported": history["reported_at"].dt.tz_convert(zone).dt.strftime("%b %d %H:%M %Z"),
            "Status": history[col.AVAILABILITY_STATUS].map(col.STATUS_LABELS),
            "Detox beds": history[col.BEDS_OPEN_DETOX],
            "Residential beds": history[col.BEDS_OPEN_RESIDENTIAL],
            "Answered by": history["answered_by"],
            "Source": history["source"],
            "Note": history["note"],
        }
    )
