"""Plan B (issue 22, part 3): when it shows, what it picks from the shipped directory, its text."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

import pytest
from case_factory import NOW, ready_case
from pypdf import PdfReader

from matching.case.carelevel import CareAnswers
from matching.case.planb import build_plan_b, plan_b_reason
from matching.directory.default import load_default_directory
from matching.render.planb import plan_b_pdf, plan_b_text


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def directory():
    return load_default_directory()


def no_bed_case(**care):
    case = ready_case()
    answers = CareAnswers(substances=("opioids",), daily_use=True, **care)
    return replace(case, placements=(), care=answers)


def test_plan_b_needed_within_48_h_without_a_held_bed():
    reason = plan_b_reason(no_bed_case(), NOW)
    assert reason is not None
    assert "No primary facility holds a bed" in reason


def test_plan_b_not_needed_when_the_primary_holds_a_bed():
    assert plan_b_reason(ready_case(), NOW) is None


def test_plan_b_not_needed_when_the_intervention_is_far_off():
    assert plan_b_reason(no_bed_case(), NOW - timedelta(days=3)) is None


def test_plan_b_lists_nearest_programs_with_phones_from_the_directory(directory):
    plan = build_plan_b(no_bed_case(moud="methadone"), directory, reason="r")
    assert plan.located and plan.on_moud == "methadone"
    assert plan.programs and plan.prescribers
    for group in (plan.programs, plan.prescribers):
        miles = [place.miles for place in group]
        assert miles == sorted(miles) and miles[-1] <= 60
    rows = directory.set_index("facility_id")
    for place in plan.programs:
        row = rows.loc[place.facility_id]
        assert row["otp_certified"] == True or row["methadone"] == True  # noqa: E712
    for place in plan.prescribers:
        assert rows.loc[place.facility_id, "buprenorphine"] == True  # noqa: E712
    assert not {p.facility_id for p in plan.programs} & {p.facility_id for p in plan.prescribers}
    assert any(place.phone for place in plan.programs)


def test_plan_b_text_has_lines_hospital_advice_and_pregnancy(directory):
    plan = build_plan_b(no_bed_case(pregnant=True), directory, reason="Because.")
    text = plan_b_text(plan)
    for needle in ("988", "1-800-662-4357", "911", "1-800-484-3731", "Naloxone"):
        assert needle in text
    assert "300x-27" in text and "45 CFR 96.131" in text
    assert "emergency department" in text
    assert plan.programs[0].name in text
    assert "300x-27" not in plan_b_text(build_plan_b(no_bed_case(), directory))


def test_plan_b_without_a_located_place_says_so(directory):
    case = no_bed_case()
    case = replace(case, intervention=replace(case.intervention, place_lat=None, place_lon=None))
    plan = build_plan_b(case, directory)
    assert not plan.located and not plan.programs
    assert "not located" in plan_b_text(plan)


def test_plan_b_pdf_stands_alone(directory):
    plan = build_plan_b(no_bed_case(), directory, reason="No bed.")
    text = pdf_text(plan_b_pdf(plan, now=NOW))
    assert text.startswith("Plan B")
    assert "Opioid treatment programs" in text and "1-800-484-3731" in text


def test_packet_prints_plan_b_when_given(directory):
    from matching.render.packet import readiness_packet_pdf

    case = no_bed_case()
    plan = build_plan_b(case, directory, reason=plan_b_reason(case, NOW) or "")
    text = pdf_text(readiness_packet_pdf(case, now=NOW, plan_b=plan))
    assert "Plan B - same-day treatment" in text
    assert plan.programs[0].name[:20] in text
    assert "Plan B" not in pdf_text(readiness_packet_pdf(case, now=NOW))


def test_cli_prints_plan_b_and_refuses_an_unknown_place(capsys):
    from matching.cli.main import main

    assert main(["plan-b", "--near", "10001", "--moud", "methadone", "--pregnant"]) == 0
    out = capsys.readouterr().out
    assert "OPIOID TREATMENT PROGRAMS" in out and "300x-27" in out and "They take methadone" in out
    assert main(["plan-b", "--near", "nowhere land"]) == 2
    assert "nowhere land" in capsys.readouterr().err
