"""Medication that continues (issue 22, part 2): the call records it, readiness checks it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from case_factory import NOW, ready_case
from search_frames import ORIGIN

from matching.case.carelevel import CareAnswers, Moud
from matching.case.readiness import (
    FAIL,
    PASS,
    WARN,
    check_moud_continues,
    run_checks,
    verdict,
    with_moud_facts,
)
from matching.errors import QueryError
from matching.records.calllog import CallReport, log_call, moud_answers, overlay_call_log
from matching.records.team import LOCAL
from matching.render.callscript import MOUD_DAY_ONE_QUESTION, call_script
from matching.search.query import SearchQuery


def on(medicine: Moud, answer: str = ""):
    case = replace(
        ready_case(), care=CareAnswers(substances=("opioids",), daily_use=True, moud=medicine)
    )
    primary = case.primary()
    assert primary is not None
    facts = {primary.facility.facility_id: (answer, "2026-11-25T15:00:00+00:00")} if answer else {}
    return with_moud_facts(case, facts)


def test_a_primary_that_says_no_fails_and_names_the_medicine():
    check = check_moud_continues(on("methadone", "no"), NOW)
    assert check is not None and check.status == FAIL
    assert "would stop their methadone" in check.message and "in writing" in check.message
    assert "2026-11-25" in check.message
    assert not verdict(run_checks(on("methadone", "no"), NOW)).ready


def test_not_asked_warns_and_yes_passes():
    statuses = [
        getattr(check_moud_continues(on("buprenorphine", answer), NOW), "status", None)
        for answer in ("", "not_asked", "yes")
    ]
    assert statuses == [WARN, WARN, PASS]
    assert verdict(run_checks(on("buprenorphine", "yes"), NOW)).ready


@pytest.mark.parametrize("medicine", ["none", "naltrexone"])
def test_rule_does_not_apply_without_methadone_or_buprenorphine(medicine):
    assert check_moud_continues(on(medicine, "no"), NOW) is None
    assert check_moud_continues(ready_case(), NOW) is None


def test_call_log_keeps_the_newest_answer_with_its_date(db_engine):
    actor = LOCAL
    old, new = NOW - timedelta(days=2), NOW - timedelta(hours=3)
    log_call(
        db_engine,
        CallReport(
            facility_id="F1", availability_status="unknown", reported_at=old, moud_continues="no"
        ),
        actor=actor,
    )
    log_call(
        db_engine,
        CallReport(
            facility_id="F1", availability_status="openings", reported_at=new, moud_continues="yes"
        ),
        actor=actor,
    )
    log_call(
        db_engine,
        CallReport(
            facility_id="F1", availability_status="openings", reported_at=new + timedelta(minutes=5)
        ),
        actor=actor,
    )
    answers = moud_answers(db_engine, actor=actor)
    assert answers.to_dict("records")[0]["moud_continues"] == "yes"
    assert answers.to_dict("records")[0]["moud_asked_at"] == new


def test_a_bad_answer_is_refused_with_the_allowed_values():
    with pytest.raises(QueryError, match="yes, no, or empty"):
        CallReport(facility_id="F1", availability_status="unknown", moud_continues="maybe")


def test_call_script_asks_the_day_one_question_for_moud_searches():
    facility = {"facility_id": "F1", "name": "X", "residential": True}
    assert MOUD_DAY_ONE_QUESTION in call_script(
        facility, SearchQuery(origin=ORIGIN, moud=("methadone",))
    )
    assert MOUD_DAY_ONE_QUESTION not in call_script(facility, SearchQuery(origin=ORIGIN))


def test_exports_carry_the_moud_answer_with_its_date(db_engine):
    import io

    import openpyxl
    import pandas as pd
    from pypdf import PdfReader
    from search_frames import directory, facility

    from matching.records.shortlist import shortlist_view
    from matching.render import exports

    asked = NOW - timedelta(days=1)
    log_call(
        db_engine,
        CallReport(
            facility_id="f001",
            availability_status="openings",
            reported_at=asked,
            moud_continues="no",
        ),
        actor=LOCAL,
    )
    table = overlay_call_log(directory(facility(1), facility(2)), db_engine, actor=LOCAL)
    items = pd.DataFrame(
        {
            "facility_id": ["f001", "f002"],
            "position": [1, 2],
            "note": ["", ""],
            "distance_miles": [1.0, 2.0],
        }
    )
    view = shortlist_view(items, table)
    view = view.assign(
        **{
            c: table[c].to_numpy()
            for c in (
                "name",
                "phone",
                "intake_phone",
                "street",
                "city",
                "state",
                "zip",
                "website",
                "lat",
                "lon",
            )
        }
    )
    shown = exports.shortlist_table(view, now=NOW, tz="America/New_York")
    column = exports.MOUD_FROM_ADMISSION
    assert list(shown[column]) == [f"no (asked {asked:%Y-%m-%d})", "not asked"]
    assert f"no (asked {asked:%Y-%m-%d})" in exports.csv_bytes(shown).decode("utf-8-sig")
    sheet = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(shown))).active
    assert column in [cell.value for cell in sheet[1]]
    pdf = exports.shortlist_pdf(shown, generated_at=NOW)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Continues MOUD from admission" in text and "not asked" in text
