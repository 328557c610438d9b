"""Hidden filters (issue 23, point 3): every active filter shows above the results as a chip
that removes it; the empty-result message names each filter that excluded facilities and how
many; "New search" clears everything; a new browser session starts empty unless the person
resumes the last search. AppTest over a real SQLite store (demo directory)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60


@pytest.fixture
def app(store_url: str) -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def _search(at: AppTest, place: str, *, pregnant: bool = False, language: str | None = None):
    at.text_input(key="place").input(place)
    at.checkbox(key="person_pregnant").set_value(pregnant)
    at.selectbox(key="person_language").set_value(language)
    at.button(key="search_submit").click()
    return at.run()


def _chips(at: AppTest) -> list[str]:
    return [str(b.key) for b in at.button if str(b.key).startswith("drop_filter_")]


def _markdown(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def test_hidden_answers_show_as_chips_and_removing_one_reruns_without_it(app: AppTest) -> None:
    _search(app, "10001", pregnant=True, language="spanish")
    assert not app.exception
    assert _chips(app) == ["drop_filter_person.pregnant", "drop_filter_person.language"]
    labels = {str(b.key): b.label for b in app.button}
    assert labels["drop_filter_person.language"] == "Language: Spanish"
    # The demo's listings do not say: both filters are named as keeping facilities out.
    assert "**Program for pregnant women** left out" in _markdown(app)
    assert "**Language** left out" in _markdown(app)

    app.button(key="drop_filter_person.pregnant").click().run()
    assert not app.exception
    assert _chips(app) == ["drop_filter_person.language"]
    assert app.checkbox(key="person_pregnant").value is False
    assert "Program for pregnant women" not in _markdown(app)
    assert "**Language** left out" in _markdown(app)
    # Searching again from the form does not bring the removed filter back.
    app.button(key="search_submit").click().run()
    assert _chips(app) == ["drop_filter_person.language"]


def test_a_multiselect_filter_removed_stays_removed(app: AppTest) -> None:
    app.text_input(key="place").input("10001")
    app.multiselect[0].set_value(["medicaid"])
    app.button(key="search_submit").click().run()
    assert _chips(app) == ["drop_filter_payers"]
    app.button(key="drop_filter_payers").click().run()
    assert _chips(app) == [] and app.multiselect[0].value == []
    app.button(key="search_submit").click().run()
    assert _chips(app) == []


def test_the_empty_result_names_each_filter_that_excluded_and_how_many(app: AppTest) -> None:
    app.text_input(key="place").input("10001")
    app.slider[0].set_value(5)
    app.checkbox(key="person_veteran").set_value(True)
    app.selectbox(key="person_language").set_value("other")
    app.text_input(key="person_other_language").input("Tagalog")
    app.button(key="search_submit").click().run()
    assert not app.exception
    assert not app.dataframe
    said = _markdown(app)
    assert "within 5 miles; your filters left them out" in said
    assert "- **Language** left out " in said
    assert "- **Veterans program** left out " in said


def test_new_search_clears_every_filter(app: AppTest) -> None:
    _search(app, "10001", pregnant=True, language="spanish")
    app.button(key="new_search").click().run()
    assert not app.exception
    assert _chips(app) == [] and not app.dataframe
    assert app.text_input(key="place").value == ""
    assert app.checkbox(key="person_pregnant").value is False
    assert app.selectbox(key="person_language").value is None


def test_a_new_session_starts_empty_until_the_last_search_is_resumed(app: AppTest) -> None:
    _search(app, "10001", pregnant=True)
    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # another browser session
    assert not fresh.exception
    assert fresh.text_input(key="place").value == ""
    assert fresh.checkbox(key="person_pregnant").value is False
    assert not fresh.dataframe and _chips(fresh) == []

    fresh.button(key="resume_search").click().run()
    assert fresh.text_input(key="place").value == "10001"
    assert fresh.checkbox(key="person_pregnant").value is True
    assert _chips(fresh) == ["drop_filter_person.pregnant"]
    assert "No facility within 50 miles of 10001" in fresh.warning[-1].value
