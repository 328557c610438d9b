"""Turn facility rows into the words and links people read: availability, address, phone link.

Shared by the app's tables and every export, so a facility reads the same on screen, in a
spreadsheet and on paper.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.ingest.registry import REGISTRY
from matching.render.safe_text import safe_url
from matching.search.query import AFTER_CARE, DETOX_NEEDS, MOUD_NEEDS, PAYERS, SearchQuery
from matching.search.scoring import freshness

_EXTENSION_RE: Final = re.compile(r"\s*(?:x|ext\.?|extension)\s*(\d{1,6})\s*$", re.IGNORECASE)

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

    An extension ("x123") is kept after a comma ("tel:+19372686511,2188"): a phone's dialler
    dials the number, pauses and then dials the extension.
    """
    extension = _EXTENSION_RE.search(str(phone))
    digits = re.sub(r"\D", "", _EXTENSION_RE.sub("", str(phone)))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        return f"tel:+1{digits}" + (f",{extension.group(1)}" if extension else "")
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
    # Plain lists: a pandas .iloc per cell cost ~0.5 ms a row, most of a results render.
    statuses = frame[col.AVAILABILITY_STATUS].tolist()
    detox_beds = frame[col.BEDS_OPEN_DETOX].tolist()
    residential_beds = frame[col.BEDS_OPEN_RESIDENTIAL].tolist()
    stamp_list, hour_list, label_list = stamps.tolist(), hours.tolist(), labels.tolist()
    by_sex = _by_sex_texts(frame)
    accepting = accepting_text(frame).tolist()
    for position in range(len(frame)):
        status = str(statuses[position] or "unknown")
        beds = _beds_text(detox_beds[position], residential_beds[position]) + by_sex[position]
        stamp = stamp_list[position]
        if status == "unknown" and not beds:
            texts.append("Not reported - call to check" + accepting[position])
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
        age = age_text(float(hour_list[position]))
        texts.append(f"{head} - reported {when}, {age} ({label_list[position]})")
    return pd.Series(texts, index=frame.index, dtype="str")


def accepting_text(frame: pd.DataFrame) -> pd.Series:
    """Return "; accepting new patients (state listing: <source>, <month>)" where a state listing
    says so, '' elsewhere (the listing's own signal, as old as the listing; never a "no")."""
    if col.ACCEPTING_NEW_PATIENTS not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    says = frame[col.ACCEPTING_NEW_PATIENTS].astype("boolean").fillna(False).to_numpy(dtype=bool)
    listed = (
        pd.to_datetime(frame.get(col.LISTED_AT, pd.Series(pd.NaT, index=frame.index)), utc=True)
        .dt.strftime(", %b %Y")
        .fillna("")
    )
    sources = frame.get(col.SOURCE, pd.Series("", index=frame.index)).map(source_name)
    text = "; accepting new patients (state listing: " + sources + listed + ")"
    return text.where(says, "").astype("str")


def last_call_text(frame: pd.DataFrame, *, tz: str | None = None) -> pd.Series:
    """Return each row's newest call note with when it was said, e.g. '"bed available, call
    back by 5pm" (Dec 05 14:05 EST)'; '' for rows without one."""
    if "last_call_note" not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    zone = ZoneInfo(tz) if tz else UTC
    notes = frame["last_call_note"].fillna("").astype("str")
    stamps = pd.to_datetime(frame["last_call_at"], utc=True)
    when = [
        stamp.to_pydatetime().astimezone(zone).strftime("%b %d %H:%M %Z") if pd.notna(stamp) else ""
        for stamp in stamps
    ]
    texts = [
        (f'"{note}" ({moment})' if moment else f'"{note}"') if note else ""
        for note, moment in zip(notes, when, strict=True)
    ]
    return pd.Series(texts, index=frame.index, dtype="str")


def services_text(row: pd.Series, names: tuple[str, ...] = KEY_SERVICES) -> str:
    """Return the offered services among ``names`` in plain words, joined by "; "."""
    offered = [col.SERVICE_LABELS[name] for name in names if _is_yes(row.get(name))]
    return "; ".join(offered)


OFFERED: Final = "offered"
NOT_OFFERED: Final = "not offered"
NOT_RECORDED: Final = "not recorded by this source"
CONTRADICTS: Final = "the listing contradicts itself (ask)"
# A "no" beside a "yes" about the same people: "accepts seniors: no", "program for seniors: yes".
CONTRADICTION_PAIRS: Final = (
    ("accepts_adolescents", "program_adolescents", "Adolescents"),
    ("accepts_young_adults", "program_young_adults", "Young adults"),
    ("accepts_seniors", "program_seniors", "Seniors"),
    ("accepts_female", "program_women", "Women"),
    ("accepts_female", "program_pregnant_postpartum", "Pregnant or postpartum women"),
    ("accepts_male", "program_men", "Men"),
)
# Every flag a facility page lists: services, then who is accepted, programs and features.
LIST_LABELS: Final[dict[str, str]] = col.SERVICE_LABELS | col.PROFILE_LABELS


def service_lists(row: pd.Series) -> dict[str, list[str]]:
    """Return the facility's services and §1b flags in plain words, in three lists.

    Keys OFFERED, NOT_OFFERED and NOT_RECORDED ("not recorded by this source": the listing
    cannot say, which is not a "no"). Other languages and accreditations named by the source
    are added to OFFERED.
    """
    out: dict[str, list[str]] = {OFFERED: [], NOT_OFFERED: [], NOT_RECORDED: [], CONTRADICTS: []}
    contradicted: set[str] = set()
    for accepts, program, people in CONTRADICTION_PAIRS:
        if _is_no(row.get(accepts)) and _is_yes(row.get(program)):
            contradicted |= {accepts, program}
            out[CONTRADICTS].append(
                f"{people}: '{LIST_LABELS[accepts].lower()}' says no, "
                f"'{LIST_LABELS[program].lower()}' says yes"
            )
    for name, label in LIST_LABELS.items():
        if name in contradicted:
            continue
        value = row.get(name)
        key = (
            NOT_RECORDED if value is None or pd.isna(value) else (OFFERED if value else NOT_OFFERED)
        )
        out[key].append(label)
    for name, label in ((col.LANGUAGES, "Other languages"), (col.ACCREDITATIONS, "Accredited by")):
        text = row.get(name)
        if isinstance(text, str) and text.strip():
            out[OFFERED].append(f"{label}: {text.strip()}")
    return out


def distance_text(frame: pd.DataFrame) -> pd.Series:
    """Return "2.3 miles", or "about 3 miles (ZIP centre)" for rows located at a ZIP's centre."""
    miles = frame["distance_miles"].astype("float64")
    exact = miles.map(lambda value: f"{value:.1f} miles" if np.isfinite(value) else "")
    about = miles.map(lambda value: f"about {value:.0f} miles (ZIP centre)")
    approximate = _zip_centroid(frame) & miles.notna()
    return exact.where(~approximate, about).astype("str")


def _zip_centroid(frame: pd.DataFrame) -> pd.Series:
    if col.LOCATION_PRECISION not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[col.LOCATION_PRECISION].fillna("").astype("str").eq("zip_centroid")


# A listing older than this may have moved, closed or changed services (issue 9: 18 months).
STALE_LISTING_MONTHS: Final = 18
# How a row's ``source`` prefix (the import format) reads to a person: from the format registry.
SOURCE_NAMES: Final[dict[str, str]] = {entry.name: entry.source_name for entry in REGISTRY}


def source_name(source: str) -> str:
    """Return a row's ``source`` in words: "FindTreatment.gov export (file.csv)"."""
    source = str(source or "").strip()
    if source == col.DEMO_SOURCE:
        return "Demo data (fictional facilities)"
    fmt, _, file_name = source.partition(":")
    if file_name and fmt in SOURCE_NAMES:
        return f"{SOURCE_NAMES[fmt]} ({file_name})"
    return source or "Unnamed source"


def listing_text(source: str, listed_at: object) -> str:
    """Return how old a listing is, plainly: "SAMHSA National Directory 2023 — call to confirm".

    The year or month of ``listed_at`` is added unless the source's name already says it.
    """
    name = survey_named(source_name(source))
    if str(source).strip() == col.DEMO_SOURCE:
        return f"{name} — not a real facility"
    stamp = _timestamp(listed_at)
    if stamp is None:
        return f"{name} — date not given, call to confirm"
    if str(stamp.year) in name:
        return f"{name} — call to confirm"
    return f"{name}, listed {stamp:%B %Y} — call to confirm"


_EDITION = re.compile(r"^(SAMHSA National Directory) (\d{4})\b")


def survey_named(name: str) -> str:
    """Return a National Directory's name with the survey it comes from: an edition publishes
    the previous year's N-SUMHSS ("SAMHSA National Directory 2023 (2022 survey)")."""
    found = _EDITION.match(name)
    if found is None or "survey" in name:
        return name
    edition = int(found.group(2))
    return f"{found.group(0)} ({edition - 1} survey){name[found.end() :]}"


def listing_months(listed_at: object, now: datetime) -> int | None:
    """Return whole calendar months from ``listed_at`` to ``now`` (None when unknown)."""
    stamp = _timestamp(listed_at)
    if stamp is None:
        return None
    current = _timestamp(now) or pd.Timestamp.now(tz="UTC")
    months = (current.year - stamp.year) * 12 + current.month - stamp.month
    # DateOffset clips to the month's end: March 31 + 6 months is September 30.
    return months - 1 if stamp + pd.DateOffset(months=months) > current else months


def listing_age_warning(listed_at: object, *, now: datetime) -> str:
    """Return a warning when a listing is over STALE_LISTING_MONTHS old ("" otherwise)."""
    stamp = _timestamp(listed_at)
    months = listing_months(stamp, now)
    if stamp is None or months is None or months <= STALE_LISTING_MONTHS:
        return ""
    return (
        f"Listed {stamp:%B %Y}, {months} months ago: phone numbers, services and addresses "
        "may have changed since. Call to confirm before you rely on it."
    )


def results_listing_warning(results: pd.DataFrame, *, now: datetime) -> str:
    """Return a warning naming how many results come from listings over 18 months old."""
    if col.LISTED_AT not in results.columns or results.empty:
        return ""
    stale = [
        stamp
        for stamp in results[col.LISTED_AT]
        if (listing_months(stamp, now) or 0) > STALE_LISTING_MONTHS
    ]
    if not stale:
        return ""
    oldest = min(stale)
    share = "All" if len(stale) == len(results) else f"{len(stale)} of {len(results)}"
    return (
        f"{share} results come from a directory listed more than {STALE_LISTING_MONTHS} "
        f"months ago (oldest: {oldest:%B %Y}). Phones, services and addresses may have "
        "changed: call to confirm before you rely on a listing."
    )


def _timestamp(value: object) -> pd.Timestamp | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if pd.isna(stamp):
        return None
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _beds_text(detox: object, residential: object) -> str:
    counts = [
        (int(value), kind)  # type: ignore[call-overload]
        for value, kind in ((detox, "detox"), (residential, "residential"))
        if value is not None and not pd.isna(value)
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


_SEX_DETAIL: Final = (
    ("detox", col.BEDS_OPEN_DETOX_FEMALE, col.BEDS_OPEN_DETOX_MALE),
    ("residential", col.BEDS_OPEN_RESIDENTIAL_FEMALE, col.BEDS_OPEN_RESIDENTIAL_MALE),
)


_BY_SEX_COLUMNS: Final = (*col.BEDS_BY_SEX_COLUMNS, col.BEDS_OPEN_YOUTH)


def by_sex_text(row: pd.Series) -> str:
    """Return the beds a source reported by sex, e.g. " (detox: women 2, men 0)", else ""."""
    parts = []
    for kind, female, male in _SEX_DETAIL:
        counts = [
            f"{word} {int(row[name])}"
            for word, name in (("women", female), ("men", male))
            if name in row.index and not pd.isna(row[name])
        ]
        if counts:
            parts.append(f"{kind}: {', '.join(counts)}")
    youth = row.get(col.BEDS_OPEN_YOUTH)
    if youth is not None and not pd.isna(youth):
        parts.append(f"youth: {int(youth)}")
    return f" ({'; '.join(parts)})" if parts else ""


def _by_sex_texts(frame: pd.DataFrame) -> list[str]:
    """Return :func:`by_sex_text` of every row, reading each column once (not a row each)."""
    names = [name for name in _BY_SEX_COLUMNS if name in frame.columns]
    if not names or not frame[names].notna().to_numpy().any():
        return [""] * len(frame)
    records = frame[names].astype("object").to_dict(orient="records")
    return [by_sex_text(pd.Series(record)) if _any_known(record) else "" for record in records]


def _any_known(record: dict[str, object]) -> bool:
    return any(value is not None and not pd.isna(value) for value in record.values())


def needed_beds_text(results: pd.DataFrame) -> pd.Series:
    """Return the open beds of the kind the search needs, e.g. "2 detox beds for women"."""
    if "beds_needed" not in results.columns:
        return pd.Series("", index=results.index, dtype="str")
    texts = []
    offered = _offers_levels(results, results["beds_needed_kind"])
    for beds, kind, offers in zip(
        results["beds_needed"], results["beds_needed_kind"], offered, strict=True
    ):
        if pd.isna(beds) and not offers:
            texts.append("")  # no bed line for a level the facility does not offer
        elif pd.isna(beds):
            texts.append(f"{kind}: not reported")
        elif beds > 0:
            noun = kind.replace("beds", "bed", 1) if beds == 1 else kind
            texts.append(f"{int(beds)} {noun}")
        else:
            texts.append(f"no {kind}")
    return pd.Series(texts, index=results.index, dtype="str")


def _is_yes(value: object) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def _is_no(value: object) -> bool:
    return value is not None and not pd.isna(value) and not bool(value)


# The column that says whether a facility offers the level of a bed kind ("detox beds ...").
_LEVEL_OF_KIND: Final = {"detox": "detox_any", "residential": "residential"}


def offers_level(row: Mapping[str, object], kind: object) -> bool:
    """Return whether a facility offers (or may offer: not recorded) the level of ``kind``."""
    level = _LEVEL_OF_KIND.get(str(kind).split(" ", 1)[0])
    return level is None or not _is_no(row.get(level))


def _offers_levels(frame: pd.DataFrame, kinds: pd.Series) -> list[bool]:
    """Return :func:`offers_level` for every row, reading the level columns once."""
    names = [level for level in _LEVEL_OF_KIND.values() if level in frame.columns]
    records = frame[names].to_dict(orient="records")
    return [offers_level(record, kind) for record, kind in zip(records, kinds, strict=True)]


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

AGE_GROUP_LABELS: Final[dict[str, str]] = {
    "adolescent": "Adolescent (under 18)",
    "young_adult": "Young adult (18-25)",
    "adult": "Adult (26-64)",
    "senior": "Senior (65 or older)",
}
SEX_LABELS: Final[dict[str, str]] = {"female": "Female", "male": "Male"}
LANGUAGE_LABELS: Final[dict[str, str]] = {"spanish": "Spanish", "sign": "Sign language"}


def person_text(query: SearchQuery) -> str:
    """Return who the search is for in a few words ("" when no trait is given)."""
    parts = []
    if query.age_group is not None:
        parts.append(AGE_GROUP_LABELS[query.age_group].split(" (")[0].lower())
    else:
        parts.append("an adult (assumed: no age given)")
    if query.sex is not None and not query.pregnant:
        parts.append(SEX_LABELS[query.sex].lower())
    if query.pregnant:
        parts.append("pregnant or postpartum woman")
    if query.language is not None:
        parts.append(f"in {LANGUAGE_LABELS.get(query.language, query.language.title())}")
    if query.veteran:
        parts.append("veteran")
    if query.non_veteran:
        parts.append("not a veteran (VA facilities left out)")
    if query.co_occurring:
        parts.append("co-occurring mental illness")
    return ", ".join(parts)


# Result table columns (labels people read).
RESULT_FACILITY: Final = "Facility"
RESULT_CALL: Final = "Call"
RESULT_PHONE: Final = "Phone"
RESULT_AVAILABILITY: Final = "Availability"
RESULT_NEEDED: Final = "Beds for this search"
RESULT_FRESHNESS: Final = "Freshness"
RESULT_DISTANCE: Final = "Distance"
RESULT_MILES: Final = "Miles"
RESULT_LISTING: Final = "Listing"
RESULT_SCORE: Final = "Score"
RESULT_WHY: Final = "Why it ranks here"
RESULT_ADDRESS: Final = "Address"
RESULT_WEBSITE: Final = "Website"


def results_table(
    results: pd.DataFrame, *, now: datetime | None = None, tz: str | None = None
) -> pd.DataFrame:
    """Return search results as the columns the results table shows (same order, same index)."""
    now = now or datetime.now(UTC)
    phone = results[col.INTAKE_PHONE].where(results[col.INTAKE_PHONE] != "", results[col.PHONE])
    # A link column opens whatever it holds: only checked http(s) targets, else nothing.
    website = results[col.WEBSITE].fillna("").astype("str").map(safe_url).astype("str")
    return pd.DataFrame(
        {
            col.FACILITY_ID: results[col.FACILITY_ID],
            RESULT_FACILITY: results[col.NAME],
            RESULT_CALL: phone.map(tel_link).astype("str"),
            RESULT_PHONE: phone.astype("str"),
            RESULT_NEEDED: needed_beds_text(results),
            RESULT_AVAILABILITY: availability_text(results, now=now, tz=tz),
            RESULT_FRESHNESS: results["freshness"],
            RESULT_DISTANCE: distance_text(results),
            RESULT_MILES: results["distance_miles"],
            RESULT_SCORE: results["score"],
            RESULT_WHY: results["reasons"],
            RESULT_ADDRESS: address_text(results),
            RESULT_WEBSITE: website,
            RESULT_LISTING: _listing_column(results, now),
        },
        index=results.index,
    )


def _listing_column(results: pd.DataFrame, now: datetime) -> pd.Series:
    sources = results.get(col.SOURCE, pd.Series("", index=results.index))
    listed = results.get(col.LISTED_AT, pd.Series(pd.NaT, index=results.index))
    texts = []
    for source, stamp in zip(sources.tolist(), listed.tolist(), strict=True):
        months = listing_months(stamp, now)
        stale = months is not None and months > STALE_LISTING_MONTHS
        texts.append(("⚠ " if stale else "") + listing_text(source, stamp))
    return pd.Series(texts, index=results.index, dtype="str")


# Map colours (RGBA hex): the family's place, then facilities by what is known about beds.
ORIGIN_COLOR: Final = "#1f4e79ff"
AVAILABILITY_COLORS: Final[dict[str, str]] = {
    "open, fresh": "#2e7d32dd",
    "open, older report": "#f9a825dd",
    "no openings or waitlist": "#c62828cc",
    "not reported": "#9e9e9ecc",
}
# The same bands as a shape (Vega symbol names), so the map never tells them apart by colour
# alone (WCAG 1.4.1); the origin is a diamond.
ORIGIN_SHAPE: Final = "diamond"
AVAILABILITY_SHAPES: Final[dict[str, str]] = {
    "open, fresh": "circle",
    "open, older report": "square",
    "no openings or waitlist": "triangle-down",
    "not reported": "cross",
}


def availability_band(results: pd.DataFrame) -> pd.Series:
    """Return each result's map band: a key of AVAILABILITY_COLORS.

    Search results carry the beds of the kind the search needs (``beds_needed``,
    ``availability_for_need``): the band is about those, so a facility whose open beds are of
    another kind, or for the other sex, is never green.
    """
    if {"beds_needed", "availability_for_need"} <= set(results.columns):
        beds = results["beds_needed"].astype("Float64").fillna(0) > 0
        status = results["availability_for_need"]
    else:
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
    availability: pd.Series | None = None,
) -> pd.DataFrame:
    """Return lat, lon, color, shape and size (metres) for the origin and every result, with
    the name, distance and beds a map tooltip shows.

    ``availability`` is :func:`availability_text` of ``results`` when the caller has it
    already (the results table's column); the tooltip keeps what comes before its time.
    """
    band = availability_band(results)
    if availability is None:
        availability = availability_text(results)
    beds = availability.str.split(" - ").str[0]
    facilities = pd.DataFrame(
        {
            "lat": results[col.LAT].astype("float64"),
            "lon": results[col.LON].astype("float64"),
            "color": band.map(AVAILABILITY_COLORS),
            "shape": band.map(AVAILABILITY_SHAPES),
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
            "shape": [ORIGIN_SHAPE],
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


def moud_text(frame: pd.DataFrame) -> pd.Series:
    """Return each facility's answer on continuing MOUD from admission, with its date (issue 22).

    "yes (asked 2026-11-25)", "no (asked ...)" or "not asked" (also when the frame has no
    call-log answers at all): unknown is never shown as no.
    """
    if "moud_continues" not in frame.columns:
        return pd.Series("not asked", index=frame.index, dtype="str")
    said = frame["moud_continues"].fillna("not_asked").astype("str")
    stamps = pd.to_datetime(frame.get("moud_asked_at"), utc=True)
    days = stamps.dt.strftime("%Y-%m-%d").fillna("")
    text = said.where(~said.isin(["yes", "no"]), said + " (asked " + days + ")")
    return text.where(said.isin(["yes", "no"]), "not asked").astype("str")
