"""The call script fits the facility: a clinic is not asked about beds (issue 11 item 14)."""

from __future__ import annotations

from matching.render.callscript import call_script


def test_an_outpatient_only_clinic_is_not_asked_about_beds():
    clinic = {
        "facility_id": "c1", "name": "Main St Clinic", "outpatient": True,
        "intensive_outpatient": True, "residential": False, "hospital_inpatient": False,
        "detox_hospital": False, "detox_residential": False, "buprenorphine": True,
    }  # fmt: skip
    questions = " ".join(call_script(clinic))
    assert "bed" not in questions.replace("residential bed", "")
    assert "outpatient" in questions and "refer" in questions


def test_a_listing_that_does_not_say_keeps_the_bed_questions():
    unknown = {"facility_id": "u1", "name": "Unknown", "outpatient": True}
    assert "hold the bed" in " ".join(call_script(unknown))
