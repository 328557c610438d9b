"""Placement pipeline: stages move forward, every change is logged with its time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest
from case_factory import NOW, facility

from matching.case import pipeline
from matching.case.pipeline import PipelineError


def start():
    return pipeline.new_placement(facility(), now=NOW)


def test_new_placement_is_shortlisted_with_one_log_entry():
    placement = start()
    assert placement.stage == "shortlisted"
    assert [event.stage for event in placement.log] == ["shortlisted"]


def test_each_step_advances_and_logs_with_its_time():
    later = NOW + timedelta(minutes=30)
    placement = pipeline.record_call(start(), note="No answer, left message.", now=later)
    assert placement.stage == "called"
    assert placement.log[-1].at == later
    assert placement.log[-1].note == "No answer, left message."


def test_stage_never_moves_backwards():
    held = pipeline.hold_bed(start(), expires_at=NOW + timedelta(hours=48), held_by="Dana", now=NOW)
    called_again = pipeline.record_call(held, note="Checked the hold.", now=NOW)
    assert called_again.stage == "bed_held"
    assert len(called_again.log) == 3


def test_full_pipeline_reaches_admitted():
    placement = start()
    placement = pipeline.confirm_availability(
        placement, pipeline.Availability(beds_open=1, confirmed_at=NOW), now=NOW
    )
    placement = pipeline.verify_insurance(
        placement, pipeline.VerificationOfBenefits(insurer="Cigna", verified_at=NOW), now=NOW
    )
    placement = pipeline.hold_bed(
        placement, expires_at=NOW + timedelta(hours=48), held_by="", now=NOW
    )
    placement = pipeline.schedule_intake(
        placement, at=NOW + timedelta(hours=20), paperwork_done=True, now=NOW
    )
    placement = pipeline.admit(placement, now=NOW)
    assert placement.stage == "admitted"
    assert [e.stage for e in placement.log] == list(pipeline.STAGES[:1] + pipeline.STAGES[2:])


def test_hold_in_the_past_is_refused():
    with pytest.raises(PipelineError, match="already in the past"):
        pipeline.hold_bed(start(), expires_at=NOW - timedelta(minutes=1), held_by="", now=NOW)


def test_naive_hold_expiry_is_refused():
    with pytest.raises(PipelineError, match="no time zone"):
        pipeline.hold_bed(start(), expires_at=datetime(2026, 11, 30, 12), held_by="", now=NOW)


def test_hold_expiry_given_in_another_zone_is_stored_in_utc():
    mountain = timezone(timedelta(hours=-7))
    placement = pipeline.hold_bed(
        start(), expires_at=datetime(2026, 11, 28, 9, 0, tzinfo=mountain), held_by="", now=NOW
    )
    assert placement.hold is not None
    assert placement.hold.expires_at.isoformat() == "2026-11-28T16:00:00+00:00"


def test_decline_needs_a_reason():
    with pytest.raises(PipelineError, match="Say why"):
        pipeline.close(start(), stage="declined", reason=" ", now=NOW)


def test_decline_keeps_the_reason_and_logs_it():
    placement = pipeline.close(start(), stage="waitlisted", reason="No beds until Monday", now=NOW)
    assert (placement.stage, placement.reason) == ("waitlisted", "No beds until Monday")
    assert "No beds until Monday" in placement.log[-1].note


def test_new_fact_on_a_closed_placement_reopens_it():
    closed = pipeline.close(start(), stage="declined", reason="Full", now=NOW)
    reopened = pipeline.confirm_availability(
        closed, pipeline.Availability(beds_open=1, confirmed_at=NOW), now=NOW
    )
    assert (reopened.stage, reopened.reason) == ("availability_confirmed", "")


def test_reopen_after_a_decline_does_not_resurrect_the_hold():
    # Issue 11: "bed given to a walk-in", then reopened, must not come back as held.
    available = pipeline.confirm_availability(
        start(), pipeline.Availability(beds_open=1, confirmed_at=NOW), now=NOW
    )
    held = pipeline.hold_bed(available, expires_at=NOW + timedelta(hours=48), held_by="", now=NOW)
    booked = pipeline.schedule_intake(
        held, at=NOW + timedelta(hours=30), paperwork_done=True, now=NOW
    )
    closed = pipeline.close(booked, stage="declined", reason="Bed given to a walk-in", now=NOW)
    reopened = pipeline.reopen(closed, now=NOW)
    assert reopened.stage == "called"
    assert (reopened.availability, reopened.hold, reopened.intake) == (None, None, None)
    assert "the open bed, the bed hold and the intake appointment no longer count" in (
        closed.log[-1].note
    )
    assert any("Bed held" in event.note for event in reopened.log)  # kept as history


def test_reopen_keeps_a_usable_insurance_verification():
    vob = pipeline.VerificationOfBenefits(insurer="Aetna", verified_at=NOW)
    verified = pipeline.verify_insurance(start(), vob, now=NOW)
    closed = pipeline.close(verified, stage="waitlisted", reason="Monday", now=NOW)
    reopened = pipeline.reopen(closed, now=NOW)
    assert (reopened.stage, reopened.vob) == ("insurance_verified", vob)


def test_stage_label_says_when_prior_authorization_is_still_needed():
    vob = pipeline.VerificationOfBenefits(
        insurer="Aetna", prior_auth_required=True, prior_auth_obtained=False, verified_at=NOW
    )
    checked = pipeline.verify_insurance(start(), vob, now=NOW)
    assert pipeline.stage_label(checked) == ("Insurance checked - prior authorisation still needed")
    held = pipeline.hold_bed(checked, expires_at=NOW + timedelta(hours=48), held_by="", now=NOW)
    assert pipeline.stage_label(held) == "Bed held - prior authorisation still needed"
    obtained = pipeline.verify_insurance(
        held, pipeline.VerificationOfBenefits(insurer="Aetna", verified_at=NOW), now=NOW
    )
    assert pipeline.stage_label(obtained) == "Bed held"


def test_stage_label_of_a_hold_without_insurance_says_so():
    held = pipeline.hold_bed(start(), expires_at=NOW + timedelta(hours=48), held_by="", now=NOW)
    assert pipeline.stage_label(held) == "Bed held - insurance not verified yet"


def test_vob_summary_says_what_matters():
    vob = pipeline.VerificationOfBenefits(
        insurer="Aetna",
        in_network=True,
        deductible_remaining_usd=500,
        prior_auth_required=True,
        prior_auth_obtained=False,
        reference_number="R9",
        verified_at=NOW,
    )
    summary = vob.summary()
    assert "in network" in summary and "$500" in summary and "NEEDED" in summary
    assert not vob.usable


def test_negative_beds_are_refused():
    with pytest.raises(PipelineError, match="negative"):
        pipeline.Availability(beds_open=-1, confirmed_at=NOW)


def test_add_note_keeps_stage():
    placement = pipeline.add_note(start(), note="Asked about MOUD: buprenorphine yes.", now=NOW)
    assert placement.stage == "shortlisted"
    assert placement.log[-1].note.startswith("Asked about MOUD")


def test_snapshots_keep_the_shortlist_name_and_take_flags_from_the_directory():
    items = pd.DataFrame(
        {
            "facility_id": ["A", "B"],
            "name": ["Old name A", "Gone B"],
            "phone": ["555-0100", ""],
            "zip": ["01234", "10001"],
            "lat": [40.7, float("nan")],
            "lon": [-74.0, float("nan")],
        }
    )
    directory = pd.DataFrame(
        {
            "facility_id": ["A"],
            "name": ["New name A"],
            "detox_opioid": pd.array([True], dtype="boolean"),
            "buprenorphine": pd.array([pd.NA], dtype="boolean"),
        }
    )
    first, second = pipeline.snapshots_from_shortlist(items, directory)
    assert (first.name, first.zip, first.location) == ("Old name A", "01234", (40.7, -74.0))
    assert (first.detox_opioid, first.buprenorphine) == (True, None)
    assert (second.name, second.location, second.detox_opioid) == ("Gone B", None, None)


def test_the_contact_log_states_holds_and_intakes_on_the_case_wall_clock():
    expires = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)
    held = pipeline.hold_bed(
        start(), expires_at=expires, held_by="Dana", now=NOW, zone="America/Denver"
    )
    assert held.log[-1].note == "Bed held by Dana until Sat 28 Nov 2026 16:00 MST."
    booked = pipeline.schedule_intake(
        held, at=expires, paperwork_done=False, now=NOW, zone="America/Denver"
    )
    assert "Sat 28 Nov 2026 16:00 MST" in booked.log[-1].note
    assert "UTC" not in booked.log[-1].note


def test_snapshot_from_row_converts_by_the_real_field_types() -> None:
    row = {"facility_id": 7, "name": "Harbor House", "lat": "41.5", "lon": float("nan")}
    row |= {"zip": 2139, "buprenorphine": 1}
    snap = pipeline.snapshot_from_row(row)
    assert snap.facility_id == "7" and snap.zip == "2139" and snap.city == ""
    assert snap.lat == 41.5 and snap.lon is None
    assert snap.buprenorphine is True and snap.naltrexone is None
