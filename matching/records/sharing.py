"""One contact history per facility: what a placement learns on the phone reaches the call log.

The call log (:mod:`matching.records.calllog`) is what Search ranks on and the Shortlist shows.
A placement's contact log is the case's own story. When the Placement page confirms an open
bed, or a facility puts the person on its waitlist, that is news about the facility for every
search, so it is written to the call log too - the newest report wins everywhere. On a team
server it goes to the call log of the person acting (``actor``): their organisation's
colleagues see it, no other organisation does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from matching.case.pipeline import (
    Availability,
    ClosedStage,
    Placement,
    close,
    confirm_availability,
)
from matching.records.calllog import CallReport, log_call
from matching.records.team import Actor
from matching.wording import count_of

PLACEMENT_NOTE = "Logged from the Placement page."


def availability_report(facility_id: str, availability: Availability) -> CallReport:
    """Return the call-log report that says what ``availability`` says about the facility."""
    beds = availability.beds_open
    return CallReport(
        facility_id=facility_id,
        availability_status="openings" if beds > 0 else "no_openings",
        beds_open_detox=beds if availability.bed_type == "detox" else None,
        beds_open_residential=beds if availability.bed_type == "residential" else None,
        reported_at=availability.confirmed_at,
        answered_by=availability.confirmed_by,
        note=PLACEMENT_NOTE
        + ("" if availability.bed_type != "other" else f" {count_of(beds, 'other bed')} open."),
    )


def confirm_and_share(
    engine: Engine,
    placement: Placement,
    availability: Availability,
    *,
    now: datetime,
    actor: Actor,
) -> Placement:
    """Confirm ``availability`` on the placement and log it for Search and the Shortlist."""
    confirmed = confirm_availability(placement, availability, now=now)
    report = availability_report(placement.facility.facility_id, availability)
    log_call(engine, report, now=now, actor=actor)
    return confirmed


def close_and_share(
    engine: Engine,
    placement: Placement,
    *,
    stage: ClosedStage,
    reason: str,
    now: datetime,
    actor: Actor,
) -> Placement:
    """Close the placement; a waitlist is also logged, as the facility's current availability.

    A decline is not: it may be about this person (insurance, medical needs), not the beds.
    """
    closed = close(placement, stage=stage, reason=reason, now=now)
    if stage == "waitlisted":
        report = CallReport(
            facility_id=placement.facility.facility_id,
            availability_status="waitlist",
            reported_at=now,
            note=f"{PLACEMENT_NOTE} {reason.strip()}",
        )
        log_call(engine, report, now=now, actor=actor)
    return closed
