"""The readiness check: may the intervention begin, and if not, what is missing (docs/readiness.md)?

Each rule is a pure function of the case and ``now`` returning a :class:`Check` (pass / warn /
fail with one sentence), or None when it does not apply yet (no hold, no team). The verdict is
"Ready" only when no check fails.

Time: the intervention is a local date and time in an IANA zone; holds and intakes are UTC
instants. A local time skipped by a spring-forward change does not exist and is refused; one
repeated by a fall-back change is ambiguous, so the countdown runs to its first occurrence
while the hold must cover its second (the conservative reading of each).

Travel time is the geodesic distance from the intervention place to the primary facility at
the case's average speed, unless the user entered minutes directly. A hold must last past the
start, plus the time the talk takes (a setting of the case, 2 h by default), plus the travel.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, Literal
from zoneinfo import ZoneInfo

from geopy.distance import geodesic

from matching.case.model import Case, CaseError, PersonNeeds, SafetyScreen
from matching.case.pipeline import FacilitySnapshot, Placement
from matching.wording import hours_apart

CheckStatus = Literal["pass", "warn", "fail"]
PASS: Final = "pass"
WARN: Final = "warn"
FAIL: Final = "fail"

# docs/availability.md: availability older than 72 h is stale.
STALE_AVAILABILITY: Final = timedelta(hours=72)
# A hold ending less than this after the start leaves no room for a late or a second-day "yes".
HOLD_MARGIN: Final = timedelta(hours=12)
TEAM_SIZE: Final = (4, 6)
# docs/clinical.md and docs/readiness.md (item 9): heroin withdrawal peaks at 24-48 h; if
# admission is delayed, admit within 48 h of the intervention.
ADMIT_WITHIN: Final = timedelta(hours=48)


@dataclass(frozen=True, kw_only=True, slots=True)
class Check:
    """One line of the readiness check."""

    key: str
    title: str
    status: CheckStatus
    message: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Verdict:
    """The overall answer: ready or not, and the checks that failed or warned."""

    ready: bool
    headline: str
    failures: tuple[Check, ...]
    warnings: tuple[Check, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class StartTime:
    """The intervention start in UTC; ``earliest == latest`` unless the time is ambiguous."""

    earliest: datetime
    latest: datetime
    zone: str

    @property
    def ambiguous(self) -> bool:
        """Return True when the local time occurs twice (a fall-back change)."""
        return self.earliest != self.latest


@dataclass(frozen=True, kw_only=True, slots=True)
class Countdown:
    """Time left until the intervention and until the primary hold expires (None: not set)."""

    to_intervention: timedelta | None
    to_hold_expiry: timedelta | None


def local_start(local_date: date, local_time: time, zone_name: str) -> StartTime:
    """Convert a local wall-clock time to UTC; raise CaseError when it does not exist there."""
    zone = ZoneInfo(zone_name)
    instants = []
    for fold in (0, 1):
        local = datetime.combine(local_date, local_time, tzinfo=zone).replace(fold=fold)
        instant = local.astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None, fold=0) == local.replace(
            tzinfo=None, fold=0
        ):
            instants.append(instant)
    if not instants:
        raise CaseError(
            f"{local_time:%H:%M} does not exist on {local_date:%Y-%m-%d} in {zone_name}: the "
            "clocks jump forward over it. Pick a time outside the skipped hour."
        )
    return StartTime(earliest=min(instants), latest=max(instants), zone=zone_name)


def intervention_start(case: Case) -> StartTime | None:
    """Return the intervention start, None when date or time is not set yet."""
    intervention = case.intervention
    if intervention.local_date is None or intervention.local_time is None:
        return None
    return local_start(intervention.local_date, intervention.local_time, intervention.time_zone)


def format_local(moment: datetime, zone_name: str) -> str:
    """Return ``moment`` as a wall-clock time in ``zone_name``, e.g. 'Sat 28 Nov 2026 09:00 MST'."""
    return moment.astimezone(ZoneInfo(zone_name)).strftime("%a %d %b %Y %H:%M %Z")


def travel_minutes(case: Case, placement: Placement | None = None) -> float | None:
    """Return the travel time to ``placement`` (default: the primary), None when unknown."""
    override = case.logistics.travel_minutes_override
    if override is not None:
        return float(override)
    target = placement or case.primary()
    origin = case.intervention.location
    if target is None or origin is None or target.facility.location is None:
        return None
    distance_miles = geodesic(origin, target.facility.location).miles
    return distance_miles / case.logistics.average_speed_mph * 60


def format_duration(span: timedelta) -> str:
    """Return a span as '2 d 3 h 15 min' ('2 h', not '2 h 0 min'); negative spans read '... ago'."""
    total_minutes = int(abs(span).total_seconds() // 60)
    days, rest = divmod(total_minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours or days:
        parts.append(f"{hours} h")
    if minutes or not parts:
        parts.append(f"{minutes} min")
    text = " ".join(parts)
    return f"{text} ago" if span < timedelta(0) else text


def _hours(span: timedelta) -> str:
    return f"{span.total_seconds() / 3600:.0f} h"


def _around_start(margin: timedelta) -> str:
    """Say where a time falls from the start, never as a negative duration."""
    side = "before" if margin < timedelta(0) else "after"
    return f"{hours_apart(margin)} {side} the start"


def _safe_start(case: Case) -> StartTime | None:
    try:
        return intervention_start(case)
    except CaseError:
        return None


# --- Rules -----------------------------------------------------------------------------------


def check_safety(case: Case, now: datetime) -> Check:
    """Any yes on the safety screen: call for help now, do not stage an intervention."""
    title = "Safety screen"
    if case.safety.any_yes:
        said = "; ".join(
            SafetyScreen.QUESTIONS[key].rstrip("?").lower() for key in case.safety.triggered()
        )
        return Check(
            key="safety",
            title=title,
            status=FAIL,
            message=f"Call now — do not stage an intervention (you answered yes to: {said}). "
            "Call 911 for an overdose or medical emergency, or call or text 988.",
        )
    if not case.safety.complete:
        return Check(
            key="safety",
            title=title,
            status=FAIL,
            message="Answer all four safety questions on the Plan page first.",
        )
    return Check(
        key="safety", title=title, status=PASS, message="No sign of immediate danger reported."
    )


def check_lead(case: Case, now: datetime) -> Check:
    """A professional interventionist engaged (recommended), or a named lead."""
    lead = case.lead
    title = "Interventionist or lead"
    if lead.interventionist_name and lead.interventionist_booked:
        return Check(
            key="lead", title=title, status=PASS, message=f"{lead.interventionist_name} is booked."
        )
    if lead.lead_name:
        return Check(
            key="lead",
            title=title,
            status=PASS,
            message=f"{lead.lead_name} leads (a professional interventionist is recommended).",
        )
    if lead.interventionist_name:
        return Check(
            key="lead",
            title=title,
            status=WARN,
            message=f"{lead.interventionist_name} is not booked yet; confirm or name a lead.",
        )
    return Check(
        key="lead",
        title=title,
        status=FAIL,
        message="Nobody leads the intervention; book an interventionist or name a lead.",
    )


def check_team(case: Case, now: datetime) -> Check:
    """A team of about 4-6 people close to the person."""
    size = len(case.team)
    low, high = TEAM_SIZE
    if size == 0:
        return Check(
            key="team", title="Team", status=FAIL, message="Add the people who will take part."
        )
    if low <= size <= high:
        return Check(key="team", title="Team", status=PASS, message=f"{size} people on the team.")
    advice = "add one or two close people" if size < low else "keep it to the closest 4-6"
    return Check(
        key="team",
        title="Team",
        status=WARN,
        message=f"{size} people on the team; about {low}-{high} works best — {advice}.",
    )


def check_letters(case: Case, now: datetime) -> Check | None:
    """A letter from each member, drafted and reviewed."""
    if not case.team:
        return None
    missing = [
        m.name for m in case.team if m.letter_status == "not_started" and not m.letter.strip()
    ]
    unreviewed = [
        m.name for m in case.team if m.name not in missing and m.letter_status != "reviewed"
    ]
    if missing:
        return Check(
            key="letters",
            title="Letters",
            status=WARN,
            message=f"No letter yet from {', '.join(missing)}.",
        )
    if unreviewed:
        return Check(
            key="letters",
            title="Letters",
            status=WARN,
            message=f"Letters drafted but not reviewed: {', '.join(unreviewed)}.",
        )
    return Check(
        key="letters", title="Letters", status=PASS, message="Every member's letter is reviewed."
    )


def check_consequences(case: Case, now: datetime) -> Check | None:
    """A consequence each member will hold to if help is refused."""
    if case.approach == "craft":
        return None  # a confrontation's rehearsal and consequences are not part of CRAFT
    if not case.team:
        return None
    missing = [m.name for m in case.team if not m.consequence.strip()]
    if missing:
        return Check(
            key="consequences",
            title="Consequences",
            status=WARN,
            message=f"No consequence defined by {', '.join(missing)}.",
        )
    return Check(
        key="consequences",
        title="Consequences",
        status=PASS,
        message="Every member has a consequence they will hold to.",
    )


def check_rehearsal(case: Case, now: datetime) -> Check | None:
    """Everyone rehearsed."""
    if case.approach == "craft":
        return None  # a confrontation's rehearsal and consequences are not part of CRAFT
    if not case.team:
        return None
    absent = [m.name for m in case.team if not m.rehearsal_attended]
    if absent:
        return Check(
            key="rehearsal",
            title="Rehearsal",
            status=WARN,
            message=f"Not yet at a rehearsal: {', '.join(absent)}.",
        )
    return Check(key="rehearsal", title="Rehearsal", status=PASS, message="Everyone has rehearsed.")


def check_time_and_place(case: Case, now: datetime) -> Check:
    """Date, time, zone and place set; private, neutral, likely sober."""
    if case.approach == "craft":
        return _craft_time(case)
    intervention = case.intervention
    title = "Time and place"
    if (
        intervention.local_date is None
        or intervention.local_time is None
        or not intervention.place.strip()
    ):
        return Check(
            key="time_place",
            title=title,
            status=FAIL,
            message="Set the intervention date, time and place on the Plan page.",
        )
    try:
        start = local_start(
            intervention.local_date, intervention.local_time, intervention.time_zone
        )
    except CaseError as error:
        return Check(key="time_place", title=title, status=FAIL, message=str(error))
    if start.earliest <= now:
        return Check(
            key="time_place",
            title=title,
            status=FAIL,
            message="The intervention time has passed; set the new date and time.",
        )
    unticked = [
        label
        for label, ticked in (
            ("private", intervention.private),
            ("neutral", intervention.neutral),
            ("when they are likely sober", intervention.likely_sober),
        )
        if not ticked
    ]
    if unticked:
        return Check(
            key="time_place",
            title=title,
            status=WARN,
            message=f"Confirm the place and time are {', '.join(unticked)}.",
        )
    if start.ambiguous:
        return Check(
            key="time_place",
            title=title,
            status=WARN,
            message=f"{intervention.local_time:%H:%M} happens twice on that date in "
            f"{intervention.time_zone} (clocks fall back); the countdown uses the first, the hold "
            "must cover the second — consider another time.",
        )
    return Check(
        key="time_place",
        title=title,
        status=PASS,
        message=f"{format_local(start.earliest, intervention.time_zone)} at {intervention.place}.",
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class HoldNeed:
    """Until when a hold must last: the start, the talk and the travel, in the case's zone."""

    until: datetime
    start: datetime
    talk_minutes: int
    travel_minutes: float

    def explain(self, zone_name: str) -> str:
        """Return 'Sat 28 Nov 2026 11:15 EST (start 09:00 + 2 h for the talk + 15 min travel)'."""
        start = self.start.astimezone(ZoneInfo(zone_name)).strftime("%H:%M")
        talk = format_duration(timedelta(minutes=self.talk_minutes))
        travel = format_duration(timedelta(minutes=round(self.travel_minutes)))
        return (
            f"{format_local(self.until, zone_name)} (start {start} + {talk} for the talk + "
            f"{travel} travel)"
        )


def hold_needed_until(case: Case, placement: Placement | None = None) -> HoldNeed | None:
    """Return until when a hold at ``placement`` (default: the primary) must last.

    None when the start or the travel time cannot be known yet. The hold must cover the later
    occurrence of a time repeated by a fall-back change.
    """
    start = _safe_start(case)
    minutes = travel_minutes(case, placement)
    if start is None or minutes is None:
        return None
    talk = case.intervention.talk_minutes
    until = start.latest + timedelta(minutes=talk + minutes)
    return HoldNeed(until=until, start=start.latest, talk_minutes=talk, travel_minutes=minutes)


def check_placement(case: Case, now: datetime) -> Check:
    """Placement secured: the primary holds a bed past start + talk + travel, payment ready.

    Every failing condition of the primary is listed at once, each with what to do.
    """
    primary = case.primary()
    if primary is None:
        return _placement(FAIL, "No primary facility chosen; pick one on the Placement page.")
    name = primary.facility.name
    if primary.closed:
        return _placement(
            FAIL, f"{name} is {primary.stage} ({primary.reason}); choose another primary."
        )
    if primary.stage == "admitted":
        return _placement(PASS, f"Placement secured: admitted to {name}.")
    problems = _placement_problems(case, primary, now)
    if problems:
        return _placement(FAIL, " ".join(problems))
    if case.approach == "craft":
        assert primary.hold is not None  # no problems means a current hold
        return _placement(
            PASS,
            f"Bed ready: {name} holds a bed until "
            f"{format_local(primary.hold.expires_at, case.intervention.time_zone)}; renew the "
            "hold before then while you follow CRAFT, so it is there the day they say yes.",
        )
    need = hold_needed_until(case)
    assert need is not None and primary.hold is not None  # no problems means both are known
    zone = case.intervention.time_zone
    return _placement(
        PASS,
        f"Placement secured: {name} holds a bed until "
        f"{format_local(primary.hold.expires_at, zone)}, "
        f"{format_duration(primary.hold.expires_at - need.until)} after you need it.",
    )


def _placement(status: CheckStatus, message: str) -> Check:
    return Check(key="placement", title="Placement", status=status, message=message)


def _craft_time(case: Case) -> Check:
    """CRAFT has no intervention day: the check says so instead of asking for one."""
    weeks = sum(not week.empty for week in case.craft_weeks)
    return Check(
        key="time_place",
        title="CRAFT (no intervention day)",
        status=PASS if weeks else WARN,
        message=(
            f"Following CRAFT: {weeks} week(s) planned; no intervention day is needed, but the "
            "bed must be ready the day they say yes."
            if weeks
            else "Following CRAFT: write this week's plan on the Plan page; no intervention "
            "day is needed, but the bed must be ready the day they say yes."
        ),
    )


def _placement_problems(case: Case, primary: Placement, now: datetime) -> list[str]:
    """Return one sentence per unmet condition of the primary placement, with what to do."""
    name = primary.facility.name
    zone = case.intervention.time_zone
    problems = []
    if case.approach == "craft":
        if primary.hold is None or primary.hold.expires_at <= now:
            problems.append(
                f"No current bed hold at {name}: with CRAFT the day they say yes can come any "
                "time, so ask for a hold (and renew it) to keep the bed ready."
            )
    elif _safe_start(case) is None:
        problems.append(
            "Set a valid intervention date and time so the hold can be checked against it."
        )
    elif travel_minutes(case) is None:
        problems.append(
            f"Travel time to {name} is unknown; locate the intervention place or enter the "
            "travel time in minutes on the Plan page."
        )
    need = hold_needed_until(case)
    if case.approach == "craft":
        pass  # the hold was checked above, against now
    elif primary.hold is None:
        until = f" until at least {need.explain(zone)}" if need else ""
        problems.append(f"No bed is held at {name}; ask for a hold{until}.")
    elif need is not None and primary.hold.expires_at <= need.until:
        problems.append(
            f"The hold at {name} ends {format_local(primary.hold.expires_at, zone)}, "
            f"{format_duration(need.until - primary.hold.expires_at)} before you could arrive "
            f"({need.explain(zone)}); ask for a hold until at least "
            f"{format_local(need.until, zone)}."
        )
    if primary.payment is None and primary.vob is not None and not primary.vob.usable:
        problems.append(
            f"Prior authorisation from {primary.vob.insurer} is still needed for {name}; ask "
            "the insurer for it and tick it on the Placement page, or arrange payment."
        )
    elif not primary.payment_ready:
        problems.append(
            f"Insurance at {name} is not verified and no payment is arranged; call the insurer "
            "(verification of benefits) or arrange self-pay on the Placement page."
        )
    return problems


def _fresh(placement: Placement, now: datetime) -> bool:
    availability = placement.availability
    return (
        availability is not None
        and availability.beds_open > 0
        and (now - availability.confirmed_at <= STALE_AVAILABILITY)
    )


def check_backup(case: Case, now: datetime) -> Check:
    """A backup facility with confirmed availability."""
    backups = [p for p in case.backups() if not p.closed]
    confirmed = [p for p in backups if _fresh(p, now) or p.hold is not None]
    if confirmed:
        described = "; ".join(
            f"{p.facility.name} (holds a bed)"
            if p.hold is not None and p.hold.expires_at > now
            else f"{p.facility.name} (open bed confirmed, not held)"
            for p in confirmed
        )
        return Check(
            key="backup", title="Backup facility", status=PASS, message=f"Backup: {described}."
        )
    if backups:
        return Check(
            key="backup",
            title="Backup facility",
            status=WARN,
            message="No backup has confirmed an open bed in the last 72 h; call the backup again.",
        )
    return Check(
        key="backup",
        title="Backup facility",
        status=WARN,
        message="No backup facility; mark a second facility with a confirmed bed as backup.",
    )


def check_availability_age(case: Case, now: datetime) -> Check | None:
    """The primary's availability is recent (72 h) unless a bed is held."""
    primary = case.primary()
    if primary is None or primary.closed:
        return None
    title = "Availability"
    availability = primary.availability
    if availability is None:
        if primary.hold is not None:
            return Check(key="availability", title=title, status=PASS, message="A bed is held.")
        return Check(
            key="availability",
            title=title,
            status=WARN,
            message=f"{primary.facility.name} has not confirmed an open bed.",
        )
    age = now - availability.confirmed_at
    if age > STALE_AVAILABILITY:
        return Check(
            key="availability",
            title=title,
            status=WARN,
            message=f"Availability at {primary.facility.name} was confirmed {_hours(age)} ago "
            "(older than 72 h); call to confirm again.",
        )
    return Check(
        key="availability",
        title=title,
        status=PASS,
        message=f"Availability confirmed {format_duration(-age)}.",
    )


def check_hold_margin(case: Case, now: datetime) -> Check | None:
    """Warn when the hold ends within 12 h of the intervention start."""
    primary = case.primary()
    start = _safe_start(case)
    if primary is None or primary.hold is None or start is None:
        return None
    margin = primary.hold.expires_at - start.latest
    if margin < HOLD_MARGIN:
        return Check(
            key="hold_margin",
            title="Hold margin",
            status=WARN,
            message=f"The hold ends {_around_start(margin)}; if the talk runs late or "
            "they say yes tomorrow the bed is gone — ask for a longer hold.",
        )
    return Check(
        key="hold_margin",
        title="Hold margin",
        status=PASS,
        message=f"The hold lasts {_hours(margin)} past the start.",
    )


def check_opioid_care(case: Case, now: datetime) -> Check | None:
    """Warn when the primary lacks opioid-capable detox or MOUD (docs/clinical.md)."""
    primary = case.primary()
    if primary is None:
        return None
    facility = primary.facility
    moud_flags = (
        facility.methadone,
        facility.buprenorphine,
        facility.naltrexone,
        facility.accepts_moud_clients,
    )
    title = "Opioid detox and MOUD"
    gaps = []
    if facility.detox_opioid is False:
        gaps.append("does not list opioid detox")
    if all(flag is False for flag in moud_flags):
        gaps.append("lists no MOUD (methadone, buprenorphine) and does not accept clients on it")
    if gaps:
        return Check(
            key="opioid_care",
            title=title,
            status=WARN,
            message=f"{facility.name} {' and '.join(gaps)}; detox without MOUD carries a high "
            "overdose risk after discharge — ask, or prefer a facility that offers it.",
        )
    if facility.detox_opioid is None or not any(flag is True for flag in moud_flags):
        return Check(
            key="opioid_care",
            title=title,
            status=WARN,
            message=f"Unknown whether {facility.name} offers opioid detox and MOUD; ask them.",
        )
    return Check(
        key="opioid_care", title=title, status=PASS, message="Opioid detox and MOUD are offered."
    )


def _moud_taken(case: Case) -> str:
    """Return "methadone" / "buprenorphine" when the care answers say they take it, else ""."""
    care = case.care
    if care is None or care.moud not in ("methadone", "buprenorphine"):
        return ""
    return str(care.moud)


def check_moud_continues(case: Case, now: datetime) -> Check | None:
    """For a person on MOUD: the primary said it continues it from admission (docs/clinical.md).

    "no" fails (stopping methadone or buprenorphine raises the risk of overdose death);
    not asked warns. Does not apply without MOUD in the care answers or without a primary.
    """
    medicine = _moud_taken(case)
    primary = case.primary()
    if not medicine or primary is None or primary.closed:
        return None
    facility = primary.facility
    title = "Medication continues"
    when = f" (asked {facility.moud_asked_at[:10]})" if facility.moud_asked_at else ""
    if facility.moud_continues == "no":
        return Check(
            key="moud_continues",
            title=title,
            status=FAIL,
            message=f"{facility.name} said it would not continue {medicine} from admission"
            f"{when}: admission there would stop their {medicine}. Choose another primary, or "
            "get it in writing that they will continue it from the day of admission.",
        )
    if facility.moud_continues == "yes":
        return Check(
            key="moud_continues",
            title=title,
            status=PASS,
            message=f"{facility.name} continues {medicine} from the day of admission{when}.",
        )
    return Check(
        key="moud_continues",
        title=title,
        status=WARN,
        message=f"Not asked yet: will {facility.name} continue {medicine} from the day of "
        "admission? Ask on the next call and log the answer.",
    )


def with_moud_facts(case: Case, facts: Mapping[str, tuple[str, str]]) -> Case:
    """Return ``case`` with each placement's MOUD answer taken from the facility record.

    ``facts`` maps facility_id to (answer, ISO time asked), from the call log; a facility not
    in it keeps what its snapshot says.
    """
    placements = []
    for placement in case.placements:
        fact = facts.get(placement.facility.facility_id)
        if fact is not None:
            facility = replace(placement.facility, moud_continues=fact[0], moud_asked_at=fact[1])
            placement = replace(placement, facility=facility)
        placements.append(placement)
    return replace(case, placements=tuple(placements))


def check_intake(case: Case, now: datetime) -> Check | None:
    """Intake scheduled, paperwork done, after the start and within 48 h of it."""
    primary = case.primary()
    if primary is None or primary.closed:
        return None
    intake = primary.intake
    if intake is None:
        return Check(
            key="intake",
            title="Intake",
            status=WARN,
            message=f"No intake time agreed with {primary.facility.name} yet.",
        )
    if not intake.paperwork_done:
        return Check(
            key="intake", title="Intake", status=WARN, message="Intake paperwork is not done yet."
        )
    start = _safe_start(case)
    if start is not None and intake.at < start.earliest:
        return Check(
            key="intake",
            title="Intake",
            status=WARN,
            message="The intake is scheduled before the intervention starts; check the time.",
        )
    if start is not None and intake.at - start.latest > ADMIT_WITHIN:
        return Check(
            key="intake",
            title="Intake",
            status=WARN,
            message="The intake is more than 48 h after the intervention; withdrawal peaks at "
            "24-48 h and a 'yes' fades — ask for an earlier admission.",
        )
    when = format_local(intake.at, case.intervention.time_zone)
    return Check(
        key="intake", title="Intake", status=PASS, message=f"Intake at {when}, paperwork done."
    )


def check_insurance_current(case: Case, now: datetime) -> Check | None:
    """Warn when the verification of benefits is due for re-verification before the start."""
    primary = case.primary()
    start = _safe_start(case)
    if primary is None or primary.vob is None or primary.vob.reverify_by is None or start is None:
        return None
    if primary.vob.reverify_by <= start.latest:
        return Check(
            key="insurance_current",
            title="Insurance re-verification",
            status=WARN,
            message="Coverage must be re-verified before the intervention "
            f"(by {format_local(primary.vob.reverify_by, case.intervention.time_zone)}).",
        )
    return Check(
        key="insurance_current",
        title="Insurance re-verification",
        status=PASS,
        message="The verification of benefits is current through the intervention.",
    )


def _simple(key: str, title: str, ok: bool, passed: str, warned: str) -> Check:
    return Check(
        key=key, title=title, status=PASS if ok else WARN, message=passed if ok else warned
    )


def check_transport(case: Case, now: datetime) -> Check:
    """Transport and an escort to the facility."""
    logistics = case.logistics
    escort = f"; escort: {logistics.escort}" if logistics.escort.strip() else ""
    return _simple(
        "transport",
        "Transport",
        bool(logistics.transport.strip()),
        f"{logistics.transport.strip()}{escort}.",
        "No transport planned; decide who drives straight to the facility.",
    )


def check_bag(case: Case, now: datetime) -> Check:
    """A packed bag: ID, insurance card, medication list."""
    return _simple(
        "bag",
        "Packed bag",
        case.logistics.bag_packed,
        "The bag is packed.",
        "Pack a bag: ID, insurance card, medication list, a few days of clothes.",
    )


def check_naloxone(case: Case, now: datetime) -> Check:
    """Naloxone on hand."""
    return _simple(
        "naloxone",
        "Naloxone",
        case.logistics.naloxone_on_hand,
        "Naloxone is on hand.",
        "Have naloxone (Narcan) on hand; pharmacies sell it without a prescription.",
    )


def check_aftercare(case: Case, now: datetime) -> Check:
    """Aftercare and family support."""
    return _simple(
        "aftercare",
        "Aftercare",
        bool(case.logistics.aftercare_plan.strip()),
        "Aftercare is planned.",
        "No aftercare plan yet: MOUD continuation, step-down care, family support groups.",
    )


# ------------------------------------------------------------------------ the person (issue 23)


def person_needs(case: Case) -> PersonNeeds:
    """Return the person's needs on the case, completed by the level-of-care answers."""
    person = case.person
    if case.care is not None:
        if case.care.pregnant and not person.pregnant:
            person = replace(person, pregnant=True)
        if person.moud == "not_asked":
            person = replace(person, moud=case.care.moud)
    return person


def _language_listed(facility: FacilitySnapshot, language: str) -> bool | None:
    """Return whether the facility lists ``language``: None when its listing does not say."""
    word = language.strip().casefold()
    flag = {"spanish": facility.lang_spanish, "sign": facility.lang_sign}.get(word.split()[0])
    if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", facility.languages.casefold()) or flag:
        return True
    if flag is False or facility.languages.strip():
        return False
    return None


def _pregnancy_fit(facility: FacilitySnapshot) -> tuple[CheckStatus, str] | None:
    if facility.accepts_female is False:
        return FAIL, (
            f"{facility.name} takes men only and the person is pregnant: choose a primary that "
            "takes pregnant women"
        )
    if facility.program_pregnant_postpartum is True:
        return None
    return WARN, f"check on the call that {facility.name} takes pregnant women"


def _moud_fit(facility: FacilitySnapshot, moud: str) -> tuple[CheckStatus, str] | None:
    offered = (getattr(facility, moud), facility.accepts_moud_clients)
    if any(flag is True for flag in offered):
        return None
    if all(flag is False for flag in offered):
        return WARN, (
            f"{facility.name} does not list {moud} and does not say it accepts clients on "
            "medication: stopping it risks relapse and overdose - ask, or choose another"
        )
    return WARN, f"check on the call that {facility.name} continues {moud}"


def check_person_fit(case: Case, now: datetime) -> Check | None:
    """Check the primary against the person's pregnancy, language and medication.

    A men-only program for a pregnant woman fails; a missing language or medication warns;
    a listing that does not say is "check on the call" (unknown is not no).
    """
    primary, person = case.primary(), person_needs(case)
    if primary is None or not person.recorded:
        return None
    facility = primary.facility
    found: list[tuple[CheckStatus, str]] = []
    if person.pregnant and (fit := _pregnancy_fit(facility)) is not None:
        found.append(fit)
    if person.language.strip():
        language = person.language.strip()
        listed = _language_listed(facility, language)
        if listed is False:
            found.append(
                (WARN, f"{facility.name} does not list {language}: ask about an interpreter")
            )
        elif listed is None:
            found.append((WARN, f"check on the call that {facility.name} treats in {language}"))
    if person.moud not in ("none", "not_asked") and (fit := _moud_fit(facility, person.moud)):
        found.append(fit)
    title = "Fits the person"
    if not found:
        return Check(key="person_fit", title=title, status=PASS, message="The primary fits.")
    status: CheckStatus = FAIL if any(level == FAIL for level, _ in found) else WARN
    message = "; ".join(text for _, text in found)
    return Check(
        key="person_fit", title=title, status=status, message=f"{message[0].upper()}{message[1:]}."
    )


RULES: Final[tuple[Callable[[Case, datetime], Check | None], ...]] = (
    check_safety,
    check_lead,
    check_team,
    check_letters,
    check_consequences,
    check_rehearsal,
    check_time_and_place,
    check_placement,
    check_backup,
    check_availability_age,
    check_hold_margin,
    check_opioid_care,
    check_moud_continues,
    check_person_fit,
    check_intake,
    check_insurance_current,
    check_transport,
    check_bag,
    check_naloxone,
    check_aftercare,
)


def run_checks(case: Case, now: datetime) -> tuple[Check, ...]:
    """Run every rule that applies, in the order of the plan.

    Each rule in ``RULES`` is a pure function of the case and the time; a rule that does not
    apply yet (e.g. rehearsals before there is a team) returns nothing (docs/readiness.md).

    Parameters
    ----------
    case : Case
        The intervention plan, with its placements.
    now : datetime
        Timezone-aware; holds, report ages and the intervention time are measured against it.

    Returns
    -------
    tuple of Check
        ``key``, ``title``, ``status`` (``PASS``, ``WARN`` or ``FAIL``) and a ``message``
        saying what to do. :func:`verdict` turns them into one headline.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from matching.case import Case
    >>> from matching.case.readiness import FAIL, run_checks, verdict
    >>> checks = run_checks(Case(), datetime(2026, 12, 1, 12, tzinfo=UTC))
    >>> [check.key for check in checks if check.status == FAIL]
    ['safety', 'lead', 'team', 'time_place', 'placement']
    >>> verdict(checks).ready
    False
    >>> checks[0].message
    'Answer all four safety questions on the Plan page first.'
    """
    now = now.astimezone(UTC)
    results = (rule(case, now) for rule in RULES)
    return tuple(check for check in results if check is not None)


def verdict(checks: tuple[Check, ...]) -> Verdict:
    """Return "Ready" when nothing fails, else "Not ready — N things missing"."""
    failures = tuple(c for c in checks if c.status == FAIL)
    warnings = tuple(c for c in checks if c.status == WARN)
    if failures:
        count = len(failures)
        noun = "thing" if count == 1 else "things"
        return Verdict(
            ready=False,
            headline=f"Not ready — {count} {noun} missing",
            failures=failures,
            warnings=warnings,
        )
    headline = "Ready"
    if warnings:
        headline += f" — {len(warnings)} warning{'s' if len(warnings) != 1 else ''} to look at"
    return Verdict(ready=True, headline=headline, failures=(), warnings=warnings)


def countdown(case: Case, now: datetime) -> Countdown:
    """Return the time left until the intervention (its first occurrence) and the hold expiry."""
    start = _safe_start(case)
    primary = case.primary()
    hold = primary.hold if primary is not None else None
    return Countdown(
        to_intervention=None if start is None else start.earliest - now,
        to_hold_expiry=None if hold is None else hold.expires_at - now,
    )
