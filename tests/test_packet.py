"""The readiness packet PDF, opened with pypdf and read back."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, time

from case_factory import NOW, ready_case
from pypdf import PdfReader

from matching.render.packet import readiness_packet_pdf


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_packet_holds_place_team_facilities_and_crisis_lines():
    text = pdf_text(readiness_packet_pdf(ready_case(), now=NOW))
    for expected in (
        "Sat 28 Nov 2026 10:00 EST",
        "Aunt's living room",
        "Member0",
        "Harbor Detox",
        "212-555-0101",
        "1 Harbor Way, New York, NY 10027",
        "Sun 29 Nov 2026 10:00 EST",  # hold expiry in the intervention's zone
        "Riverside Recovery",
        "Aetna",
        "Uncle drives",
        "Insurance card",
        "Photo ID",
        "medications",
        "988",
        "1-800-662-4357",
    ):
        assert expected in text, expected


def test_packet_says_ready_for_a_ready_case():
    assert "Ready" in pdf_text(readiness_packet_pdf(ready_case(), now=NOW)).splitlines()[2]


def test_letters_are_absent_unless_asked():
    text = pdf_text(readiness_packet_pdf(ready_case(), now=NOW))
    assert "missed my wedding" not in text


def test_letters_are_printed_when_asked():
    text = pdf_text(readiness_packet_pdf(ready_case(), now=NOW, include_letters=True))
    assert "missed my wedding" in text


def test_packet_for_an_empty_case_says_what_is_missing():
    text = pdf_text(readiness_packet_pdf(replace(ready_case(), placements=(), team=()), now=NOW))
    assert "Not ready" in text
    assert "No primary facility chosen" in text


def test_packet_survives_text_outside_latin1():
    case = replace(ready_case(), loved_one_alias="Zoë 🙂", title="Case “A”")
    assert pdf_text(readiness_packet_pdf(case, now=NOW)).startswith("Readiness packet")


def test_packet_explains_a_time_skipped_by_spring_forward():
    case = ready_case()
    case = replace(
        case,
        intervention=replace(
            case.intervention, local_date=date(2027, 3, 14), local_time=time(2, 30)
        ),
    )
    assert "does not exist" in pdf_text(readiness_packet_pdf(case, now=NOW))


def test_only_reviewed_letters_are_printed():
    case = ready_case()
    first = replace(case.team[0], letter="You are dead to me.", letter_status="drafted")
    case = replace(case, team=(first, *case.team[1:]))
    text = pdf_text(readiness_packet_pdf(case, now=NOW, include_letters=True))
    assert "dead to me" not in text
    assert "not printed: this letter is not reviewed yet" in text
    assert "missed my wedding" in text  # the others are reviewed
