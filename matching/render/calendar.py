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
    try:
        start = intervention_start(case)
    except CaseError:
        start = None  # a time skipped by a clock change; the readiness check says so
    primary = case.primary()
    if start is not None:
        calendar.add_component(
            _event(
                uid=f"{prefix}-intervention@readybed",
                summary="Intervention",
                start=start.earliest,
                length=INTERVENTION_LENGTH,
                now=now,
                location=case.intervention.place,
                description="Bring the readiness packet. Crisis: 988; overdose: 911.",
                reminders=(timedelta(days=1), timedelta(hours=2)),
            )
        )
    if primary is not None and primary.intake is not None:
        facility = primary.facility
        calendar.add_component(
            _event(
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
        )
    for placement in case.placements:
        if placement.hold is None or placement.closed:
            continue
        facility = placement.facility
        calendar.add_component(
            _event(
                uid=f"{prefix}-hold-{facility.facility_id}@readybed",
                summary=f"Bed hold expires at {facility.name}",
                start=placement.hold.expires_at,
                length=MARKER_LENGTH,
                now=now,
                description=f"Call {facility.intake_phone or facility.phone} to extend the hold "
                "if admission has not happened.",
                reminders=(timedelta(hours=12), timedelta(hours=2)),
            )
        )
    if primary is not None and primary.vob is not None and primary.vob.reverify_by is not None:
        calendar.add_component(
            _event(
                uid=f"{prefix}-reverify-{primary.facility.facility_id}@readybed",
                summary=f"Re-verify insurance ({primary.vob.insurer})",
                start=primary.vob.reverify_by,
                length=MARKER_LENGTH,
                now=now,
                description=f"Reference {primary.vob.reference_number or '-'}; coverage can change "
                "month to month.",
                reminders=(timedelta(days=1),),
            )
        )
    return calendar.to_ical()
