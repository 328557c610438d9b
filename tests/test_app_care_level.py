"""The Level of care page, driven headless with AppTest: answers, result, the Search form filled."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from case_factory import ready_case
from streamlit.testing.v1 import AppTest

from matching.case import Case
from matching.records import cases as case_records
from matching.records.team import LOCAL

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/care_level.py"


def texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "warning", "error", "success", "info")
    return "\n".join(str(element.value) for kind in kinds for element in getattr(at, kind))


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page(PAGE).run()


def answer(at: AppTest, **values: object) -> AppTest:
    for key, value in values.items():
        at.session_state[f"care_{key}"] = value
    at.button(key="FormSubmitter:care_form-Show the level of care").click()
    return at.run()


def test_answers_give_a_result_and_fill_the_search_form(store_url: str) -> None:
    at = open_page()
    assert not at.exception
    assert "not a diagnosis" in texts(at)
    at = answer(at, substances=["opioids"], daily_use=True, pregnant=True, age=24)
    shown = texts(at)
    assert "Ask for buprenorphine or methadone" in shown
    assert "naloxone" in shown.lower() and "ACOG Committee Opinion 711" in shown
    assert "facility's own assessment decides" in shown
    at.button(key="care_use").click()
    at = at.run()
    assert "The Search form now asks for this level of care" in texts(at)
    at = at.switch_page("app_pages/search.py").run()
    assert not at.exception
    detox = next(box for box in at.selectbox if box.label == "Detox needed")
    moud = next(box for box in at.multiselect if "Medication for opioid" in box.label)
    assert set(moud.value) == {"buprenorphine", "methadone"}
    assert detox.value is None  # pregnancy: MOUD with obstetric care, not withdrawal alone
    assert at.checkbox(key="person_pregnant").value is True
    assert at.selectbox(key="person_age").value == "young_adult"


def test_an_emergency_comes_first(store_url: str) -> None:
    at = answer(open_page(), substances=["alcohol"], suicide_risk="plan_or_attempt")
    assert at.error and "Call 911 now" in str(at.error[0].value)
    assert "Withdrawal care" in texts(at)  # the rest still shows


def test_bad_answers_say_what_to_fix(store_url: str) -> None:
    at = answer(open_page(), substances=[])
    assert "'substances' is empty" in texts(at)
    assert not at.exception


def test_the_open_case_keeps_the_answers(store_url: str, engine) -> None:
    stored = case_records.create_case(engine, ready_case(datetime.now(UTC)), actor=LOCAL)
    at = answer(open_page(), substances=["benzodiazepines"], daily_use=True)
    assert "Medically monitored" in texts(at)
    at.button(key="care_use").click()
    at = at.run()
    assert "kept with" in texts(at)
    kept = case_records.load_case(engine, saved_id(stored), actor=LOCAL).care
    assert kept is not None and kept.substances == ("benzodiazepines",) and kept.daily_use


def saved_id(case: Case) -> int:
    """Return the id the store gave ``case``."""
    assert case.id is not None, "the case was not saved"
    return case.id
