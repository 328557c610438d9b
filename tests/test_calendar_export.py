"""The .ics export parsed back with icalendar: events, UTC instants and reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from case_factory import NOW, START_UTC, ready_case
from icalendar import Calendar

from matching.case import Intervention
from matching.render.calendar import case_to_ics


def events(case):
    calendar = Calendar.from_ical(case_to_ics(case, now=NOW))
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_calendar_has_intervention_intake_hold_and_reverification():
    assert set(events(ready_case())) == {
        "Intervention",
        "Intake at Harbor Detox",
        "Bed hold expires at Harbor Detox",
        "Re-verify insurance (Aetna)",
    }


def test_intervention_is_at_the_right_utc_instant():
    start = events(ready_case())["Intervention"].decoded("dtstart")
    assert start == START_UTC


def test_denver_intervention_is_converted_with_mountain_time():
    case = ready_case()
    case = replace(
        case,
        intervention=replace(case.intervention, time_zone="America/Denver", local_time=time(9)),
    )
    start = events(case)["Intervention"].decoded("dtstart")
    assert start == datetime(2026, 11, 28, 16, 0, tzinfo=UTC)


def test_hold_expiry_event_is_at_the_hold_instant_with_reminders():
    event = events(ready_case())["Bed hold expires at Harbor Detox"]
    assert event.decoded("dtstart") == START_UTC + timedelta(hours=24)
    triggers = sorted(alarm.decoded("trigger") for alarm in event.walk("VALARM"))
    assert triggers == [timedelta(hours=-12), timedelta(hours=-2)]


def test_every_event_has_an_alarm():
    assert all(event.walk("VALARM") for event in events(ready_case()).values())


def test_loved_ones_alias_is_not_in_the_calendar():
    assert b"Sam" not in case_to_ics(ready_case(), now=NOW)


def test_empty_case_gives_a_valid_calendar_without_events():
    case = replace(ready_case(), intervention=Intervention(), placements=())
    calendar = Calendar.from_ical(case_to_ics(case, now=NOW))
    assert calendar.walk("VEVENT") == []


def test_time_skipped_by_spring_forward_leaves_the_intervention_out():
    case = ready_case()
    case = replace(
        case,
        intervention=replace(
            case.intervention, local_date=datetime(2027, 3, 14).date(), local_time=time(2, 30)
        ),
    )
    assert "Intervention" not in events(case)
    assert "Bed hold expires at Harbor Detox" in events(case)
