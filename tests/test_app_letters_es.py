"""The Plan page reviews a Spanish letter: chosen or detected, one warning a sentence (issue 23)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from case_factory import ready_case
from streamlit.testing.v1 import AppTest

from matching.records import cases as case_records
from matching.records.team import LOCAL

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60
HURTFUL = (
    "Eres una drogadicta egoísta y una mentirosa. Nos has arruinado la vida y me das vergüenza. "
    "Si no vas hoy, estás muerta para mí."
)
KIND = (
    "Querida Ana, te quiero mucho y tengo miedo por ti. La Navidad pasada te quedaste dormida en "
    "la mesa y no podía despertarte. Si dices que no hoy, ya no te prestaré dinero, y te seguiré "
    "queriendo."
)


@pytest.fixture
def plan(engine):
    case_records.create_case(engine, ready_case(datetime.now(UTC)), actor=LOCAL)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("app_pages/plan.py").run()
    return at


def _write(at: AppTest, letter: str) -> None:
    next(w for w in at.text_area if w.label == "Letter").input(letter)
    next(w for w in at.button if w.label == "Review and save").click().run()


@pytest.mark.parametrize("language", ["auto", "es"])
def test_the_issues_spanish_letter_warns_once_a_sentence_naming_the_words(plan, language):
    next(w for w in plan.radio if w.label == "Letter language").set_value(language)
    _write(plan, HURTFUL)
    assert not plan.exception
    warnings = [w.value for w in plan.warning if "**Try:**" in w.value]
    assert len(warnings) == 3, warnings
    assert "“drogadicta”, “egoísta”, “mentirosa”" in warnings[0]
    assert "“me das vergüenza”" in warnings[1] and warnings[1].startswith("**Shame (also blame)")
    assert "“estás muerta para mí”" in warnings[2] and "Rejection" in warnings[2]
    assert any("Reviewed as Español" in c.value for c in plan.caption)


def test_a_kind_spanish_letter_gets_no_warning_and_no_hint(plan):
    _write(plan, KIND)
    assert not plan.exception
    assert [w.value for w in plan.warning if "**Try:**" in w.value] == []
    assert [i.value for i in plan.info] == []
    assert "The review found nothing to change." in [s.value for s in plan.success]
