"""The case knows the person (issue 23, point 4), in the app: recorded on the Plan page, it
fills in a new search and Readiness checks the primary against it. AppTest, real SQLite store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from case_factory import held_primary, ready_case, with_primary
from streamlit.testing.v1 import AppTest

from matching.case.model import PersonNeeds
from matching.records import cases as case_records
from matching.records.team import LOCAL

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60


def _plan(engine) -> AppTest:
    case = with_primary(ready_case(datetime.now(UTC)), held_primary(accepts_female=False))
    case_records.create_case(engine, case, actor=LOCAL)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    return at.switch_page("app_pages/plan.py").run()


def _by_label(elements, label: str):
    return next(element for element in elements if element.label == label)


def test_recorded_needs_fill_the_search_and_readiness_checks_the_primary(engine) -> None:
    at = _plan(engine)
    _by_label(at.checkbox, "Pregnant or postpartum").check()
    _by_label(at.text_input, "Language they need treatment in, if not English").input("Spanish")
    _by_label(at.selectbox, "Medication for opioid use disorder they take now").set_value(
        "methadone"
    )
    next(b for b in at.button if str(b.key).startswith("save_needs_")).click().run()
    assert not at.exception
    stored = case_records.load_case(
        engine, case_records.list_cases(engine, actor=LOCAL)[0].id, actor=LOCAL
    )
    assert stored.person == PersonNeeds(pregnant=True, language="Spanish", moud="methadone")

    at.switch_page("app_pages/search.py").run()
    assert not at.exception
    assert at.checkbox(key="person_pregnant").value is True
    assert at.selectbox(key="person_language").value == "spanish"
    moud = _by_label(at.multiselect, "Medication for opioid use disorder (any of)")
    assert moud.value == ["methadone", "accepts_moud_clients"]
    assert any("Filled in from the case" in str(c.value) for c in at.caption)

    at.switch_page("app_pages/readiness.py").run()
    said = "\n".join(
        str(e.value) for kind in ("markdown", "error", "warning") for e in getattr(at, kind)
    )
    assert "takes men only and the person is pregnant" in said
