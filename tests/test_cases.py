"""Case model and its JSON backup: round trip, and bad files rejected with clear messages."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from case_factory import NOW, primary_of, ready_case
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.case import (
    Case,
    CaseError,
    CaseFormatError,
    Intervention,
    TeamMember,
    case_from_json,
    case_to_json,
)


def test_json_round_trip_is_equal():
    case = replace(ready_case(), id=7, version=3)
    assert case_from_json(case_to_json(case, now=NOW)) == case


def test_export_carries_format_and_schema_version():
    document = json.loads(case_to_json(ready_case(), now=NOW))
    assert (document["format"], document["schema_version"]) == ("readybed-case", 1)
    assert document["case"]["placements"][0]["hold"]["expires_at"] == "2026-11-29T15:00:00Z"


def test_truncated_json_is_rejected_with_a_clear_message():
    raw = case_to_json(ready_case(), now=NOW)
    with pytest.raises(CaseFormatError, match="not valid JSON.*truncated"):
        case_from_json(raw[: len(raw) // 2])


def test_wrong_schema_version_is_rejected():
    document = json.loads(case_to_json(ready_case(), now=NOW))
    document["schema_version"] = 99
    with pytest.raises(CaseFormatError, match="schema version 99"):
        case_from_json(json.dumps(document))


def test_other_json_is_not_a_case():
    with pytest.raises(CaseFormatError, match="not a ReadyBed case export"):
        case_from_json(b'{"hello": 1}')


def test_wrong_types_are_all_reported_with_their_paths():
    document = json.loads(case_to_json(ready_case(), now=NOW))
    document["case"]["team"][1]["rehearsal_attended"] = "yes"
    document["case"]["logistics"]["average_speed_mph"] = "fast"
    document["case"]["placements"][0]["hold"]["expires_at"] = "tomorrow"
    with pytest.raises(CaseFormatError) as caught:
        case_from_json(json.dumps(document))
    problems = "\n".join(caught.value.problems)
    assert "team[1].rehearsal_attended: expected true or false" in problems
    assert "logistics.average_speed_mph: expected a number" in problems
    assert "placements[0].hold.expires_at: 'tomorrow' is not a valid datetime" in problems


def test_unknown_time_zone_in_file_is_rejected():
    document = json.loads(case_to_json(ready_case(), now=NOW))
    document["case"]["intervention"]["time_zone"] = "Mars/Olympus"
    with pytest.raises(CaseFormatError, match="not a time zone name"):
        case_from_json(json.dumps(document))


def test_unknown_field_is_reported():
    document = json.loads(case_to_json(ready_case(), now=NOW))
    document["case"]["full_name"] = "Samuel Smith"
    with pytest.raises(CaseFormatError, match="full_name: unknown field"):
        case_from_json(json.dumps(document))


def test_time_zone_must_be_iana():
    with pytest.raises(CaseError, match="IANA"):
        Intervention(time_zone="EST5")


def test_alias_longer_than_a_first_name_is_refused():
    with pytest.raises(CaseError, match="first name or alias"):
        Case(loved_one_alias="x" * 41)


def test_team_member_needs_a_name():
    with pytest.raises(CaseError, match="needs a name"):
        TeamMember(name=" ")


def test_new_primary_demotes_the_old_one_to_backup():
    case = ready_case().with_role("F2", "primary", now=NOW)
    assert primary_of(case).facility.facility_id == "F2"
    assert case.placement("F1").role == "backup"


def test_role_changes_are_written_to_the_contact_log():
    case = ready_case().with_role("F2", "primary", now=NOW)
    assert case.placement("F2").log[-1].note == "Role changed to primary."
    assert case.placement("F1").log[-1].note == "Role changed to backup."


@settings(max_examples=50, deadline=None)
@given(
    alias=st.text(max_size=40),
    letter=st.text(max_size=200),
    speed=st.floats(min_value=5, max_value=90, allow_nan=False),
)
def test_round_trip_holds_for_any_text_and_speed(alias, letter, speed):
    case = ready_case()
    member = replace(case.team[0], letter=letter)
    case = replace(
        case,
        loved_one_alias=alias,
        team=(member, *case.team[1:]),
        logistics=replace(case.logistics, average_speed_mph=speed),
    )
    assert case_from_json(case_to_json(case, now=NOW)) == case


@settings(max_examples=50, deadline=None)
@given(
    confirmed=st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
    )
)
def test_round_trip_keeps_instants_to_the_microsecond(confirmed):
    case = ready_case()
    primary = primary_of(case)
    assert primary.availability is not None
    availability = replace(primary.availability, confirmed_at=confirmed)
    case = case.with_placement(replace(primary, availability=availability))
    assert case_from_json(case_to_json(case, now=NOW)) == case


def test_making_the_primary_primary_again_changes_nothing():
    case = ready_case()
    assert case.with_role("F1", "primary", now=NOW) == case
