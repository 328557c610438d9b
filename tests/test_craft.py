"""CRAFT (issue 22 part 4): the weekly plan's model, its round trip, and the Plan page's choice."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from case_factory import ready_case
from streamlit.testing.v1 import AppTest

from matching.case import Case, case_from_json, case_to_json
from matching.case.craft import MAX_NOTE_LENGTH, CraftWeek, with_week
from matching.errors import CaseError
from matching.records import cases as case_records
from matching.records.team import LOCAL

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_weeks_round_trip_through_the_backup_and_the_store(engine) -> None:
    week = CraftWeek(week_of=date(2026, 12, 7), rewards="Dinner out on a sober evening",
                     windows="After a hangover morning, calmly")  # fmt: skip
    case = replace(Case(title="CRAFT case"), approach="craft", craft_weeks=(week,))
    assert case_from_json(case_to_json(case)).craft_weeks == (week,)
    stored = case_records.create_case(engine, case, actor=LOCAL)
    loaded = case_records.load_case(engine, saved_id(stored), actor=LOCAL)
    assert loaded.approach == "craft" and loaded.craft_weeks == (week,)


def test_a_week_replaces_the_same_week_and_keeps_order() -> None:
    first, second = CraftWeek(week_of=date(2026, 12, 7)), CraftWeek(week_of=date(2026, 11, 30))
    weeks = with_week(with_week((), first), second)
    assert [week.week_of for week in weeks] == [date(2026, 11, 30), date(2026, 12, 7)]
    rewritten = replace(first, self_care="A walk with a friend")
    assert with_week(weeks, rewritten)[1] == rewritten and len(with_week(weeks, rewritten)) == 2


def test_an_overlong_note_is_refused_by_name() -> None:
    with pytest.raises(CaseError, match="Your own self-care"):
        CraftWeek(week_of=date(2026, 12, 7), self_care="x" * (MAX_NOTE_LENGTH + 1))


def test_plan_page_chooses_craft_and_saves_a_week(store_url: str, engine) -> None:
    stored = case_records.create_case(engine, ready_case(datetime.now(UTC)), actor=LOCAL)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/plan.py").run()
    assert "64%" in "\n".join(str(m.value) for m in at.markdown)
    next(r for r in at.radio if r.label.startswith("Which approach")).set_value("craft")
    at.run()
    assert not at.exception
    assert case_records.load_case(engine, saved_id(stored), actor=LOCAL).approach == "craft"
    area = next(a for a in at.text_area if a.label.startswith("How you will reward"))
    area.input("A film together on a sober evening")
    next(b for b in at.button if b.label == "Save this week").click()
    at.run()
    assert not at.exception
    weeks = case_records.load_case(engine, saved_id(stored), actor=LOCAL).craft_weeks
    assert len(weeks) == 1 and weeks[0].rewards == "A film together on a sober evening"
    assert weeks[0].week_of.weekday() == 0


def _craft_case(now: datetime) -> Case:
    """A ready case switched to CRAFT, with no intervention day and one planned week."""
    case = ready_case(now)
    return replace(
        case,
        approach="craft",
        intervention=replace(case.intervention, local_date=None, local_time=None),
        craft_weeks=(CraftWeek(week_of=date(2026, 11, 30), self_care="Al-Anon on Thursday"),),
    )


def test_readiness_in_craft_needs_no_day_but_a_ready_bed() -> None:
    from case_factory import NOW, primary_of, with_primary

    from matching.case.readiness import FAIL, PASS, run_checks

    case = _craft_case(NOW)
    checks = {check.key: check for check in run_checks(case, NOW)}
    assert (
        checks["time_place"].status == PASS
        and "no intervention day" in checks["time_place"].message
    )
    assert checks["placement"].status == PASS, checks["placement"].message
    unheld = with_primary(case, replace(primary_of(case), hold=None))
    placement = {check.key: check for check in run_checks(unheld, NOW)}["placement"]
    assert placement.status == FAIL and "No current bed hold" in placement.message
    expired_at = primary_of(case).hold.expires_at  # type: ignore[union-attr]
    later = {check.key: check for check in run_checks(case, expired_at)}["placement"]
    assert later.status == FAIL


def test_craft_skips_the_confrontations_own_checks() -> None:
    from case_factory import NOW

    from matching.case.readiness import run_checks

    case = _craft_case(NOW)
    case = replace(
        case, team=tuple(replace(m, consequence="", rehearsal_attended=False) for m in case.team)
    )
    keys = {check.key for check in run_checks(case, NOW)}
    assert "consequences" not in keys and "rehearsal" not in keys


def test_the_packet_prints_the_newest_craft_week_instead_of_a_day() -> None:
    import io

    from case_factory import NOW
    from pypdf import PdfReader

    from matching.render.packet import readiness_packet_pdf

    case = _craft_case(NOW)
    newer = CraftWeek(week_of=date(2026, 12, 7), windows="After his shift on Friday, calmly")
    case = replace(case, craft_weeks=(*case.craft_weeks, newer))
    pdf = readiness_packet_pdf(case, now=NOW)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "CRAFT: this week's plan" in text and "2 weeks kept" in text
    assert "Week of Mon 07 Dec 2026" in text and "After his shift on Friday" in text
    assert "Al-Anon on Thursday" not in text  # an older week: the Plan page keeps it
    assert "Date and place" not in text
    intervention = readiness_packet_pdf(ready_case(NOW), now=NOW)
    plain = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(intervention)).pages)
    assert "Date and place" in plain and "CRAFT" not in plain


def saved_id(case: Case) -> int:
    """Return the id the store gave ``case``."""
    assert case.id is not None, "the case was not saved"
    return case.id
