"""Build small, complete cases for the readiness tests (a helper module, not a test file)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from matching.case import Case, Intervention, Lead, Logistics, SafetyScreen, TeamMember, pipeline

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


def start_for(now: datetime) -> datetime:
    """Return the intervention start of a ready case built at ``now``: 10:00 New York, +2 days."""
    local_day = (now.astimezone(NEW_YORK) + timedelta(days=2)).date()
    return datetime.combine(local_day, time(10, 0), tzinfo=NEW_YORK).astimezone(UTC)


# Saturday 2026-11-28 10:00 in New York is 15:00 UTC.
START_UTC = start_for(NOW)


def facility(facility_id: str = "F1", name: str = "Harbor Detox", **flags: object):
    values: dict[str, object] = {
        "phone": "212-555-0100",
        "intake_phone": "212-555-0101",
        "street": "1 Harbor Way",
        "city": "New York",
        "state": "NY",
        "zip": "10027",
        "lat": 40.8116,
        "lon": -73.9465,
        "detox_opioid": True,
        "methadone": False,
        "buprenorphine": True,
        "naltrexone": None,
        "accepts_moud_clients": True,
    }
    values.update(flags)
    return pipeline.FacilitySnapshot(facility_id=facility_id, name=name, **values)  # type: ignore[arg-type]


def held_primary(
    *, expires_at: datetime | None = None, now: datetime = NOW, **flags: Any
) -> pipeline.Placement:
    start = start_for(now)
    if expires_at is None:
        expires_at = start + timedelta(hours=24)
    placement = pipeline.new_placement(facility(**flags), now=now, role="primary")
    placement = pipeline.record_call(placement, note="Spoke to intake.", now=now)
    placement = pipeline.confirm_availability(
        placement,
        pipeline.Availability(beds_open=2, confirmed_by="Dana (intake)", confirmed_at=now),
        now=now,
    )
    placement = pipeline.verify_insurance(
        placement,
        pipeline.VerificationOfBenefits(
            insurer="Aetna",
            plan_type="PPO",
            level_of_care="3.7-WM detox",
            in_network=True,
            reference_number="REF-1",
            verified_by="Dana",
            verified_at=now,
            reverify_by=start + timedelta(days=30),
        ),
        now=now,
    )
    placement = pipeline.hold_bed(placement, expires_at=expires_at, held_by="Dana", now=now)
    return pipeline.schedule_intake(
        placement, at=start + timedelta(hours=2), paperwork_done=True, now=now
    )


def fresh_backup(now: datetime = NOW) -> pipeline.Placement:
    placement = pipeline.new_placement(
        facility("F2", "Riverside Recovery", lat=40.7, lon=-74.0), now=now, role="backup"
    )
    return pipeline.confirm_availability(
        placement, pipeline.Availability(beds_open=1, confirmed_at=now), now=now
    )


def team(size: int = 4) -> tuple[TeamMember, ...]:
    return tuple(
        TeamMember(
            name=f"Member{index}",
            relationship="sibling",
            role="speaker",
            letter="I love you. On 3 May you missed my wedding and I was scared.",
            letter_status="reviewed",
            consequence="No more money for rent.",
            rehearsal_attended=True,
        )
        for index in range(size)
    )


def primary_of(case: Case) -> pipeline.Placement:
    """Return the case's primary placement; the test's case has one."""
    placement = case.primary()
    assert placement is not None, "the case has no primary facility"
    return placement


def ready_case(now: datetime = NOW) -> Case:
    """Return a case that passes every check at ``now``."""
    return Case(
        title="Case A",
        loved_one_alias="Sam",
        safety=SafetyScreen(
            recent_overdose=False,
            suicidal_thoughts=False,
            violence=False,
            medical_instability=False,
        ),
        intervention=Intervention(
            local_date=start_for(now).astimezone(NEW_YORK).date(),
            local_time=time(10, 0),
            time_zone="America/New_York",
            place="Aunt's living room",
            place_location="10001",
            place_lat=40.7506,
            place_lon=-73.9972,
            private=True,
            neutral=True,
            likely_sober=True,
        ),
        lead=Lead(
            interventionist_name="Pat Lee",
            interventionist_phone="555-0199",
            interventionist_booked=True,
        ),
        team=team(),
        logistics=Logistics(
            transport="Uncle drives",
            escort="Uncle",
            bag_packed=True,
            naloxone_on_hand=True,
            aftercare_plan="Buprenorphine continued; family group on Tuesdays.",
        ),
        placements=(held_primary(now=now), fresh_backup(now)),
    )


def with_primary(case: Case, placement: pipeline.Placement) -> Case:
    """Return ``case`` with its primary placement replaced by ``placement``."""
    others = tuple(p for p in case.placements if p.role != "primary")
    return replace(case, placements=(placement, *others))
