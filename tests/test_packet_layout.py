"""The packet's times are in the case's zone, its blocks stay on one page, safety comes first."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

import pytest
from case_factory import NOW, facility, ready_case, team
from pypdf import PdfReader

from matching.case import SafetyScreen, pipeline
from matching.render.crisis import NEVER_USE_ALONE_LINE
from matching.render.packet import readiness_packet_pdf
from matching.render.pdf import ReadyBedPDF


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_packet_is_stamped_in_the_cases_time_zone_not_utc():
    first = pages(readiness_packet_pdf(ready_case(), now=NOW))[0]
    # 18:00 UTC on 26 Nov 2026 is 13:00 in New York, where the intervention is.
    assert "Generated 2026-11-26 13:00 EST" in first
    assert "UTC" not in first


def _backups(count: int) -> tuple[pipeline.Placement, ...]:
    return tuple(
        pipeline.confirm_availability(
            pipeline.new_placement(
                facility(f"B{index}", f"Backup Number {index}", street=f"{index} Marker Street"),
                now=NOW,
                role="backup",
            ),
            pipeline.Availability(beds_open=1, confirmed_at=NOW),
            now=NOW,
        )
        for index in range(count)
    )


def _crowded_case():
    case = ready_case()
    return replace(case, team=team(9), placements=(case.placements[0], *_backups(7)))


def _split_blocks(texts: list[str]) -> list[str]:
    """Return the backups whose block (name ... Insurance line) does not end on its page."""
    split = []
    for text in texts:
        for index in range(7):
            name = f"Backup Number {index}"
            if name not in text:
                continue
            block = text.split(name, 1)[1].split("Backup Number", 1)[0]
            if "Insurance:" not in block or "Marker Street" not in block:
                split.append(name)
    return split


def test_each_facility_block_is_on_one_page():
    texts = pages(readiness_packet_pdf(_crowded_case(), now=NOW))
    assert len(texts) >= 3
    for index in range(7):
        assert sum(f"Backup Number {index}" in text for text in texts) == 1
    assert _split_blocks(texts) == []


def test_without_keep_together_the_same_packet_splits_a_block(monkeypatch):
    # The layout test above would catch the old behaviour: drawn straight, a block splits.
    monkeypatch.setattr(ReadyBedPDF, "keep_together", lambda self, draw: draw(self))
    texts = pages(readiness_packet_pdf(_crowded_case(), now=NOW))
    assert _split_blocks(texts) != []


@pytest.mark.parametrize("violence", [True, False])
def test_emergency_first_and_the_uses_alone_advice_still_printed(violence):
    case = ready_case()
    safety = SafetyScreen(
        recent_overdose=False,
        suicidal_thoughts=False,
        violence=violence,
        medical_instability=False,
        uses_alone=True,
    )
    text = "\n".join(pages(readiness_packet_pdf(replace(case, safety=safety), now=NOW)))
    assert NEVER_USE_ALONE_LINE in text and "naloxone" in text
    if violence:
        assert text.index("Call now") < text.index(NEVER_USE_ALONE_LINE)
        assert "Violence or weapons" in text
    else:
        assert "Call now" not in text


def test_the_start_time_in_the_packet_stays_local_after_a_day_change():
    late = NOW + timedelta(hours=6)  # 00:00 UTC the next day, still 26 Nov in New York
    first = pages(readiness_packet_pdf(ready_case(), now=late))[0]
    assert "Generated 2026-11-26 19:00 EST" in first
