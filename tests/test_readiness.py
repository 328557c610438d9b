"""Readiness rules: each in its pass, warn and fail cases, time zones and DST included."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from case_factory import NOW, START_UTC, fresh_backup, held_primary, ready_case, team, with_primary
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.case import (
    CaseError,
    Intervention,
    Lead,
    Logistics,
    SafetyScreen,
    TeamMember,
    pipeline,
    readiness,
)
from matching.case.readiness import FAIL, PASS, WARN


def status(case, rule, now=NOW):
    check = rule(case, now)
    return None if check is None else check.status


def test_ready_case_passes_every_check_and_says_ready():
    checks = readiness.run_checks(ready_case(), NOW)
    assert [c.key for c in checks if c.status != PASS] == []
    assert readiness.verdict(checks).headline == "Ready"


def test_verdict_counts_what_is_missing():
    case = replace(ready_case(), team=(), lead=Lead())
    result = readiness.verdict(readiness.run_checks(case, NOW))
    assert not result.ready
    assert result.headline == "Not ready — 2 things missing"
    assert {c.key for c in result.failures} == {"team", "lead"}


def test_verdict_ready_lists_remaining_warnings():
    case = replace(ready_case(), logistics=replace(ready_case().logistics, naloxone_on_hand=False))
    result = readiness.verdict(readiness.run_checks(case, NOW))
    assert result.ready
    assert result.headline == "Ready — 1 warning to look at"
    assert [c.key for c in result.warnings] == ["naloxone"]


# --- Safety ----------------------------------------------------------------------------------


def test_safety_any_yes_fails_with_call_now():
    case = replace(ready_case(), safety=replace(ready_case().safety, violence=True))
    check = readiness.check_safety(case, NOW)
    assert check.status == FAIL
    assert "Call now — do not stage an intervention" in check.message


def test_safety_unanswered_fails():
    case = replace(ready_case(), safety=SafetyScreen(recent_overdose=False))
    assert status(case, readiness.check_safety) == FAIL


def test_safety_all_no_passes():
    assert status(ready_case(), readiness.check_safety) == PASS


# --- Lead and team ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        (Lead(interventionist_name="Pat", interventionist_booked=True), PASS),
        (Lead(lead_name="Aunt Jo"), PASS),
        (Lead(interventionist_name="Pat", interventionist_booked=False), WARN),
        (Lead(), FAIL),
    ],
)
def test_lead_rule(lead, expected):
    assert status(replace(ready_case(), lead=lead), readiness.check_lead) == expected


@pytest.mark.parametrize(
    ("size", "expected"), [(0, FAIL), (2, WARN), (4, PASS), (6, PASS), (8, WARN)]
)
def test_team_size_rule(size, expected):
    assert status(replace(ready_case(), team=team(size)), readiness.check_team) == expected


def test_letters_missing_warns_and_names_the_member():
    members = (*team(3), TeamMember(name="Jo"))
    check = readiness.check_letters(replace(ready_case(), team=members), NOW)
    assert check is not None
    assert check.status == WARN
    assert check is not None
    assert "Jo" in check.message


def test_letters_drafted_but_unreviewed_warns():
    members = (*team(3), replace(team(1)[0], name="Jo", letter_status="drafted"))
    check = readiness.check_letters(replace(ready_case(), team=members), NOW)
    assert check is not None
    assert (check.status, "Jo" in check.message) == (WARN, True)


def test_letters_rule_does_not_apply_without_a_team():
    assert readiness.check_letters(replace(ready_case(), team=()), NOW) is None


def test_consequence_missing_warns():
    members = (*team(3), replace(team(1)[0], name="Jo", consequence=" "))
    assert status(replace(ready_case(), team=members), readiness.check_consequences) == WARN


def test_consequences_all_defined_pass():
    assert status(ready_case(), readiness.check_consequences) == PASS


def test_rehearsal_absent_member_warns():
    members = (*team(3), replace(team(1)[0], name="Jo", rehearsal_attended=False))
    assert status(replace(ready_case(), team=members), readiness.check_rehearsal) == WARN


# --- Time and place --------------------------------------------------------------------------


def with_intervention(**changes):
    case = ready_case()
    return replace(case, intervention=replace(case.intervention, **changes))


def test_time_and_place_missing_fails():
    assert status(with_intervention(place=""), readiness.check_time_and_place) == FAIL


def test_time_and_place_unticked_checklist_warns():
    check = readiness.check_time_and_place(with_intervention(likely_sober=False), NOW)
    assert check.status == WARN
    assert "likely sober" in check.message


def test_time_in_the_past_fails():
    assert (
        status(with_intervention(local_date=date(2026, 11, 20)), readiness.check_time_and_place)
        == FAIL
    )


def test_spring_forward_gap_time_is_refused():
    case = with_intervention(local_date=date(2027, 3, 14), local_time=time(2, 30))
    check = readiness.check_time_and_place(case, NOW)
    assert check.status == FAIL
    assert "does not exist" in check.message


def test_fall_back_ambiguous_time_warns():
    case = with_intervention(local_date=date(2026, 11, 1), local_time=time(1, 30))
    check = readiness.check_time_and_place(case, datetime(2026, 10, 30, tzinfo=UTC))
    assert check.status == WARN
    assert "twice" in check.message


def test_local_start_ambiguous_gives_both_instants():
    start = readiness.local_start(date(2026, 11, 1), time(1, 30), "America/New_York")
    assert start.earliest == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # EDT, UTC-4
    assert start.latest == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # EST, UTC-5


def test_local_start_spring_forward_raises():
    with pytest.raises(CaseError, match="jump forward"):
        readiness.local_start(date(2027, 3, 14), time(2, 30), "America/New_York")


def test_local_start_in_denver_uses_mountain_offset():
    start = readiness.local_start(date(2026, 11, 28), time(9, 0), "America/Denver")
    assert start.earliest == datetime(2026, 11, 28, 16, 0, tzinfo=UTC)


# --- Placement -------------------------------------------------------------------------------


def test_placement_secured_when_hold_covers_start_and_travel():
    check = readiness.check_placement(ready_case(), NOW)
    assert check.status == PASS
    assert check.message.startswith("Placement secured")


def test_placement_fails_without_primary():
    case = replace(ready_case(), placements=(fresh_backup(),))
    assert status(case, readiness.check_placement) == FAIL


def test_placement_fails_without_hold():
    primary = replace(held_primary(), hold=None, stage="insurance_verified")
    assert status(with_primary(ready_case(), primary), readiness.check_placement) == FAIL


def test_placement_fails_when_hold_ends_before_arrival():
    # 15 min of travel at 45 mph over ~4.6 miles; a hold ending 5 min after the start is too short.
    primary = held_primary(expires_at=START_UTC + timedelta(minutes=5))
    check = readiness.check_placement(with_primary(ready_case(), primary), NOW)
    assert check.status == FAIL
    assert "before you could arrive" in check.message


def test_placement_travel_time_counts_distance_at_average_speed():
    # Denver to a facility ~60 miles away at 30 mph: 2 h of travel; a 1.5 h hold margin fails.
    case = ready_case()
    far = held_primary(
        expires_at=datetime(2026, 11, 28, 17, 30, tzinfo=UTC), lat=40.5853, lon=-105.0844
    )
    case = with_primary(case, far)
    case = replace(
        case,
        intervention=replace(
            case.intervention,
            local_time=time(9, 0),
            time_zone="America/Denver",
            place_lat=39.7392,
            place_lon=-104.9903,
            talk_minutes=0,  # this test is about the travel arithmetic alone
        ),
        logistics=replace(case.logistics, average_speed_mph=30),
    )
    assert readiness.travel_minutes(case) == pytest.approx(117, abs=3)
    assert status(case, readiness.check_placement) == FAIL
    slower_hold = held_primary(
        expires_at=datetime(2026, 11, 28, 18, 30, tzinfo=UTC), lat=40.5853, lon=-105.0844
    )
    assert status(with_primary(case, slower_hold), readiness.check_placement) == PASS


def test_placement_travel_override_replaces_distance():
    case = replace(
        with_intervention(talk_minutes=0),
        logistics=replace(ready_case().logistics, travel_minutes_override=90),
    )
    assert readiness.travel_minutes(case) == 90
    primary = held_primary(expires_at=START_UTC + timedelta(minutes=60))
    assert status(with_primary(case, primary), readiness.check_placement) == FAIL


def test_placement_fails_when_travel_time_unknown():
    case = with_intervention(place_lat=None, place_lon=None)
    check = readiness.check_placement(case, NOW)
    assert check.status == FAIL
    assert "Travel time" in check.message


def test_placement_fails_without_insurance_or_payment():
    primary = replace(held_primary(), vob=None)
    check = readiness.check_placement(with_primary(ready_case(), primary), NOW)
    assert check.status == FAIL
    assert "Insurance" in check.message


def test_placement_passes_with_self_pay_instead_of_insurance():
    primary = pipeline.arrange_payment(
        replace(held_primary(), vob=None),
        pipeline.PaymentArrangement(method="self_pay", arranged_at=NOW),
        now=NOW,
    )
    assert status(with_primary(ready_case(), primary), readiness.check_placement) == PASS


def test_placement_fails_when_prior_authorization_missing():
    primary = held_primary()
    assert primary.vob is not None
    vob = replace(primary.vob, prior_auth_required=True, prior_auth_obtained=False)
    assert (
        status(with_primary(ready_case(), replace(primary, vob=vob)), readiness.check_placement)
        == FAIL
    )


def test_hold_across_fall_back_must_cover_the_second_occurrence():
    # 01:30 on 2026-11-01 in New York happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
    now = datetime(2026, 10, 30, tzinfo=UTC)
    case = with_intervention(local_date=date(2026, 11, 1), local_time=time(1, 30), talk_minutes=0)
    case = replace(case, logistics=replace(case.logistics, travel_minutes_override=0))
    covers_first_only = held_primary(expires_at=datetime(2026, 11, 1, 6, 0, tzinfo=UTC), now=now)
    covers_both = held_primary(expires_at=datetime(2026, 11, 1, 7, 0, tzinfo=UTC), now=now)
    assert status(with_primary(case, covers_first_only), readiness.check_placement, now) == FAIL
    assert status(with_primary(case, covers_both), readiness.check_placement, now) == PASS


def test_hold_stated_in_utc_against_denver_intervention():
    # 09:00 in Denver on 2026-11-28 is 16:00 UTC (MST, UTC-7), not 14:00 (what UTC-5 would give).
    case = with_intervention(time_zone="America/Denver", local_time=time(9, 0), talk_minutes=0)
    case = replace(case, logistics=replace(case.logistics, travel_minutes_override=30))
    just_short = held_primary(expires_at=datetime(2026, 11, 28, 16, 20, tzinfo=UTC))
    enough = held_primary(expires_at=datetime(2026, 11, 28, 16, 40, tzinfo=UTC))
    assert status(with_primary(case, just_short), readiness.check_placement) == FAIL
    assert status(with_primary(case, enough), readiness.check_placement) == PASS


def test_hold_across_spring_forward_counts_the_lost_hour():
    # 01:30 EST is 06:30 UTC; 45 min later it is 03:15 EDT, not 02:15 (that hour is skipped).
    # A hold until 03:00 EDT (07:00 UTC) would look long enough on a wall clock, and is not.
    now = datetime(2027, 3, 10, tzinfo=UTC)
    case = with_intervention(local_date=date(2027, 3, 14), local_time=time(1, 30), talk_minutes=0)
    case = replace(case, logistics=replace(case.logistics, travel_minutes_override=45))
    until_three = held_primary(expires_at=datetime(2027, 3, 14, 7, 0, tzinfo=UTC), now=now)
    until_half_three = held_primary(expires_at=datetime(2027, 3, 14, 7, 30, tzinfo=UTC), now=now)
    short = readiness.check_placement(with_primary(case, until_three), now)
    assert short.status == FAIL
    assert "03:15 EDT" in short.message
    assert status(with_primary(case, until_half_three), readiness.check_placement, now) == PASS


# --- Backup, availability, margin, MOUD --------------------------------------------------------


def test_backup_with_fresh_availability_passes():
    assert status(ready_case(), readiness.check_backup) == PASS


def test_no_backup_warns():
    case = replace(ready_case(), placements=(held_primary(),))
    assert status(case, readiness.check_backup) == WARN


def test_backup_with_stale_availability_warns():
    assert status(ready_case(), readiness.check_backup, NOW + timedelta(hours=73)) == WARN


def test_primary_availability_older_than_72h_warns():
    check = readiness.check_availability_age(ready_case(), NOW + timedelta(hours=73))
    assert check is not None
    assert check.status == WARN
    assert check is not None
    assert "older than 72 h" in check.message


def test_primary_availability_fresh_passes():
    assert status(ready_case(), readiness.check_availability_age, NOW + timedelta(hours=71)) == PASS


def test_primary_without_confirmed_availability_warns():
    primary = replace(held_primary(), availability=None, hold=None)
    assert status(with_primary(ready_case(), primary), readiness.check_availability_age) == WARN


def test_hold_ending_within_12h_of_start_warns():
    primary = held_primary(expires_at=START_UTC + timedelta(hours=6))
    assert status(with_primary(ready_case(), primary), readiness.check_hold_margin) == WARN


def test_hold_ending_more_than_12h_after_start_passes():
    primary = held_primary(expires_at=START_UTC + timedelta(hours=13))
    assert status(with_primary(ready_case(), primary), readiness.check_hold_margin) == PASS


def test_primary_without_opioid_detox_warns():
    primary = held_primary(detox_opioid=False)
    check = readiness.check_opioid_care(with_primary(ready_case(), primary), NOW)
    assert check is not None
    assert check.status == WARN
    assert check is not None
    assert "opioid detox" in check.message


def test_primary_without_any_moud_warns():
    primary = held_primary(
        methadone=False, buprenorphine=False, naltrexone=False, accepts_moud_clients=False
    )
    check = readiness.check_opioid_care(with_primary(ready_case(), primary), NOW)
    assert check is not None
    assert (check.status, "MOUD" in check.message) == (WARN, True)


def test_primary_with_unknown_services_warns_to_ask():
    primary = held_primary(
        detox_opioid=None, methadone=None, buprenorphine=None, accepts_moud_clients=None
    )
    check = readiness.check_opioid_care(with_primary(ready_case(), primary), NOW)
    assert check is not None
    assert (check.status, "Unknown" in check.message) == (WARN, True)


def test_insurance_due_for_reverification_before_start_warns():
    primary = held_primary()
    assert primary.vob is not None
    vob = replace(primary.vob, reverify_by=START_UTC - timedelta(hours=1))
    case = with_primary(ready_case(), replace(primary, vob=vob))
    assert status(case, readiness.check_insurance_current) == WARN


def test_intake_more_than_48h_after_the_start_warns():
    primary = held_primary(expires_at=START_UTC + timedelta(days=4))
    assert primary.intake is not None
    primary = replace(primary, intake=replace(primary.intake, at=START_UTC + timedelta(hours=49)))
    check = readiness.check_intake(with_primary(ready_case(), primary), NOW)
    assert check is not None
    assert (check.status, "48 h" in check.message) == (WARN, True)


def test_intake_within_48h_after_the_start_passes():
    assert status(ready_case(), readiness.check_intake) == PASS


def test_no_intake_scheduled_warns():
    primary = replace(held_primary(), intake=None)
    assert status(with_primary(ready_case(), primary), readiness.check_intake) == WARN


def test_intake_paperwork_not_done_warns():
    primary = held_primary()
    assert primary.intake is not None
    primary = replace(primary, intake=replace(primary.intake, paperwork_done=False))
    assert status(with_primary(ready_case(), primary), readiness.check_intake) == WARN


# --- Logistics -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "change"),
    [
        (readiness.check_transport, {"transport": ""}),
        (readiness.check_bag, {"bag_packed": False}),
        (readiness.check_naloxone, {"naloxone_on_hand": False}),
        (readiness.check_aftercare, {"aftercare_plan": ""}),
    ],
)
def test_logistics_rule_warns_when_missing_and_passes_when_set(rule, change):
    case = ready_case()
    assert status(case, rule) == PASS
    assert status(replace(case, logistics=replace(case.logistics, **change)), rule) == WARN


# --- Countdown -------------------------------------------------------------------------------


def test_countdown_to_intervention_and_hold_expiry():
    left = readiness.countdown(ready_case(), NOW)
    assert left.to_intervention == timedelta(hours=45)
    assert left.to_hold_expiry == timedelta(hours=69)


def test_countdown_without_time_is_none():
    case = replace(ready_case(), intervention=Intervention(), placements=())
    left = readiness.countdown(case, NOW)
    assert (left.to_intervention, left.to_hold_expiry) == (None, None)


def test_format_duration():
    assert readiness.format_duration(timedelta(days=1, hours=3, minutes=5)) == "1 d 3 h 5 min"
    assert readiness.format_duration(timedelta(minutes=-90)) == "1 h 30 min ago"
    assert readiness.format_duration(timedelta(hours=2)) == "2 h"
    assert readiness.format_duration(timedelta(0)) == "0 min"


@settings(max_examples=50, deadline=None)
@given(
    offset_minutes=st.integers(min_value=-600, max_value=600),
    travel=st.integers(min_value=0, max_value=300),
)
def test_placement_secured_iff_hold_outlasts_start_plus_talk_plus_travel(offset_minutes, travel):
    case = replace(ready_case(), logistics=Logistics(travel_minutes_override=travel))
    talk = case.intervention.talk_minutes
    expires = START_UTC + timedelta(minutes=talk + travel + offset_minutes)
    primary = held_primary(expires_at=expires)
    secured = status(with_primary(case, primary), readiness.check_placement) == PASS
    assert secured == (offset_minutes > 0)


@settings(max_examples=50, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31)),
    zone=st.sampled_from(["America/New_York", "America/Denver", "America/Phoenix", "UTC"]),
)
def test_local_start_reads_back_as_the_same_wall_clock(moment, zone):
    local_time = moment.time().replace(second=0, microsecond=0)
    try:
        start = readiness.local_start(moment.date(), local_time, zone)
    except CaseError:
        return  # a skipped spring-forward time; refused, tested above
    for instant in (start.earliest, start.latest):
        wall = instant.astimezone(ZoneInfo(zone))
        assert (wall.date(), wall.time()) == (moment.date(), local_time)
    assert start.latest - start.earliest in (timedelta(0), timedelta(hours=1))


def test_a_declined_then_reopened_primary_never_counts_as_held():
    primary = held_primary()
    declined = pipeline.close(primary, stage="declined", reason="Bed given to a walk-in", now=NOW)
    reopened = pipeline.reopen(declined, now=NOW)
    case = with_primary(ready_case(), reopened)
    check = readiness.check_placement(case, NOW)
    assert check.status == FAIL
    assert "No bed is held" in check.message
    assert readiness.verdict(readiness.run_checks(case, NOW)).headline != "Ready"


def test_backup_says_whether_its_bed_is_held_or_only_open():
    check = readiness.check_backup(ready_case(), NOW)
    assert check.status == PASS
    assert "open bed confirmed, not held" in check.message
    assert "ready" not in check.message.lower()


def test_the_hold_must_also_cover_two_hours_for_the_talk_by_default():
    case = replace(ready_case(), logistics=Logistics(travel_minutes_override=30))
    assert case.intervention.talk_minutes == 120
    short = held_primary(expires_at=START_UTC + timedelta(minutes=100))
    check = readiness.check_placement(with_primary(case, short), NOW)
    assert check.status == FAIL
    assert "+ 2 h for the talk + 30 min travel" in check.message
    enough = held_primary(expires_at=START_UTC + timedelta(minutes=151))
    assert status(with_primary(case, enough), readiness.check_placement) == PASS


def test_every_failing_condition_of_the_primary_is_listed_at_once():
    primary = held_primary(expires_at=START_UTC + timedelta(minutes=5))
    assert primary.vob is not None
    vob = replace(primary.vob, prior_auth_required=True, prior_auth_obtained=False)
    check = readiness.check_placement(with_primary(ready_case(), replace(primary, vob=vob)), NOW)
    assert check.status == FAIL
    assert "before you could arrive" in check.message
    assert "Prior authorisation from Aetna is still needed" in check.message


def test_hold_needed_until_is_stated_in_the_case_time_zone():
    case = with_intervention(time_zone="America/Denver", local_time=time(9, 0))
    case = replace(case, logistics=replace(case.logistics, travel_minutes_override=30))
    need = readiness.hold_needed_until(case)
    assert need is not None
    assert need.until == datetime(2026, 11, 28, 18, 30, tzinfo=UTC)
    assert need.explain("America/Denver").startswith("Sat 28 Nov 2026 11:30 MST (start 09:00")
