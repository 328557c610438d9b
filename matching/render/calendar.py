"""Export the case's key moments as an iCalendar (.ics) file with reminders.

Events: the intervention, the intake at the primary facility, the expiry of every active bed
hold, and the insurance re-verification date. Every event carries VALARM reminders. Times are
written in UTC, so any calendar shows them correctly in its own zone.

Titles name facilities but never the loved one: calendars are often synced to a cloud account.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from icalendar import Alarm, Calendar, Event

from matching.case.model import Case, CaseError
from matching.case.pipeline import Placement
from matching.case.readiness import intervention_start

PRODUCT_ID: Final = "-//ReadyBed//Intervention readiness//EN"
INTERVENTION_LENGTH: Final = timedelta(hours=2)
INTAKE_LENGTH: Final = timedelta(hours=1)
MARKER_LENGTH: Final = timedelta(minutes=15)


def _alarm(before: timedelta, description: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    alarm.add("trigger", -before)
    return alarm


def _event(
    *,
    uid: str,
    summary: str,
    start: datetime,
    length: timedelta,
    now: datetime,
    description: str = "",
    location: str = "",
    reminders: tuple[timedelta, ...] = (),
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", start + length)
    if description:
        event.add("description", description)
    if location:
        event.add("location", location)
    for before in reminders:
        event.add_component(_alarm(before, summary))
    return event


def case_to_ics(case: Case, *, now: datetime) -> bytes:
    """Return an .ics calendar of the intervention, intake, hold expiries and re-verification."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "ReadyBed plan")
    prefix = f"readybed-case-{case.id or 'new'}"
    events = [
        _intervention_event(case, prefix, now),
        _intake_event(case.primary(), prefix, now),
        *_hold_events(case, prefix, now),
        _reverify_event(case.primary(), prefix, now),
    ]
    for event in events:
        if event is not None:
            calendar.add_component(event)
    return calendar.to_ical()


def _intervention_event(case: Case, prefix: str, now: datetime) -> Event | None:
    try:
        start = intervention_start(case)
    except CaseError:
        return None  # a time skipped by a clock change; the readiness check says so
    if start is None:
        return None
    return _event(
        uid=f"{prefix}-intervention@readybed",
        summary="Intervention",
        start=start.earliest,
        length=INTERVENTION_LENGTH,
        now=now,
        location=case.intervention.place,
        description="Bring the readiness packet. Crisis: 988; overdose: 911.",
        reminders=(timedelta(days=1), timedelta(hours=2)),
    )


def _intake_event(primary: Placement | None, prefix: str, now: datetime) -> Event | None:
    if primary is None or primary.intake is None:
        return None
    facility = primary.facility
    return _event(
        uid=f"{prefix}-intake-{facility.facility_id}@readybed",
        summary=f"Intake at {facility.name}",
        start=primary.intake.at,
        length=INTAKE_LENGTH,
        now=now,
        location=facility.address,
        description=f"Intake phone: {facility.intake_phone or facility.phone}. Bring ID, "
        "insurance card and medication list.",
        reminders=(timedelta(hours=3), timedelta(hours=1)),
    )


def _hold_events(case: Case, prefix: str, now: datetime) -> list[Event]:
    """Return one marker per bed hold still active (any role: a backup's hold matters too)."""
    return [
        _event(
            uid=f"{prefix}-hold-{placement.facility.facility_id}@readybed",
            summary=f"Bed hold expires at {placement.facility.name}",
            start=placement.hold.expires_at,
            length=MARKER_LENGTH,
            now=now,
            description=f"Call {placement.facility.intake_phone or placement.facility.phone} "
            "to extend the hold if admission has not happened.",
            reminders=(timedelta(hours=12), timedelta(hours=2)),
        )
        for placement in case.placements
        if placement.hold is not None and not placement.closed
    ]


def _reverify_event(primary: Placement | None, prefix: str, now: datetime) -> Event | None:
    if primary is None or primary.vob is None or primary.vob.reverify_by is None:
        return None
    return _event(
        uid=f"{prefix}-reverify-{primary.facility.facility_id}@readybed",
        summary=f"Re-verify insurance ({primary.vob.insurer})",
        start=primary.vob.reverify_by,
        length=MARKER_LENGTH,
        now=now,
        description=f"Reference {primary.vob.reference_number or '-'}; coverage can change "
        "month to month.",
        reminders=(timedelta(days=1),),
    )
