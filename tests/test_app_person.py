"""The search page's "About the person" group, driven headless with AppTest."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from person_fixture import (
    EXCLUDED,
    PLACE,
    PREGNANCY_MOUD,
    PREGNANCY_NO_MOUD,
    UNRECORDED,
    ZIP_CENTER,
    save_person_directory,
)
from search_form_support import open_search_form
from streamlit.testing.v1 import AppTest

from matching.render import display

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60


@pytest.fixture
def app(store_url: str) -> AppTest:
    save_person_directory(store_url)
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def _widget(widgets, label: str):
    return next(widget for widget in widgets if widget.label == label)


def _search(at: AppTest, **person: object) -> AppTest:
    open_search_form(at)
    at.text_input(key="place").input(PLACE)
    _widget(at.multiselect, "Insurance or payment (any of)").set_value(["medicaid"])
    _widget(at.selectbox, "Detox needed").set_value("any")
    for key, value in person.items():
        widget: Any = at.text_input(key=key) if key == "person_other_language" else None
        if widget is None:
            kind = at.checkbox if isinstance(value, bool) else at.selectbox
            widget = kind(key=key)
        assert widget is not None
        widget.set_value(value)
    at.button(key="search_submit").click()
    return at.run()


def _results(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def _texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "warning", "error", "success", "info")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def test_pregnant_spanish_medicaid_detox_near_a_real_zip(app: AppTest) -> None:
    _search(app, person_pregnant=True, person_language="spanish")
    assert not app.exception
    results = _results(app)
    ids = results["facility_id"].tolist()
    assert set(ids[:2]) == PREGNANCY_MOUD and ids[2:] == [PREGNANCY_NO_MOUD]
    assert not EXCLUDED & set(ids) and UNRECORDED not in ids
    why = results.set_index("facility_id")[display.RESULT_WHY]
    assert all("listed first" in why[facility_id] for facility_id in PREGNANCY_MOUD)
    distance = results.set_index("facility_id")[display.RESULT_DISTANCE]
    assert distance[ZIP_CENTER].startswith("about ") and distance[ZIP_CENTER].endswith(
        "miles (ZIP centre)"
    )
    texts = _texts(app)
    assert (
        "For: an adult (assumed: no age given), pregnant or postpartum woman, in Spanish" in texts
    )
    assert "results come from a directory listed more than 18 months ago" in texts

    app.selectbox(key="detail_facility").set_value(ZIP_CENTER).run()
    texts = _texts(app)
    assert f"**{distance[ZIP_CENTER]}**" in texts
    assert "Listing: SAMHSA National Directory 2023 (2022 survey) — call to confirm" in texts
    assert "**Not recorded by this source:**" in texts


def test_unrecorded_traits_are_shown_only_on_request_and_asked_about(app: AppTest) -> None:
    app.checkbox(key="person_pregnant").check()
    app.selectbox(key="person_language").set_value("spanish")
    _widget(app.checkbox, "Include unconfirmed listings").check()
    _search(app)
    results = _results(app).set_index("facility_id")
    assert UNRECORDED in results.index
    assert (
        "unverified: program for pregnant women, language unknown"
        in (results.loc[UNRECORDED, display.RESULT_WHY])
    )
    assert results.index[-1] == UNRECORDED  # after every facility known to fit

    app.selectbox(key="detail_facility").set_value(UNRECORDED).run()
    script = "\n".join(str(m.value) for m in app.markdown)
    assert "does not say whether you take pregnant or postpartum women" in script
    assert "does not say whether you offer treatment in Spanish" in script


@pytest.mark.parametrize(
    ("person", "message"),
    [
        ({"person_pregnant": True, "person_sex": "male"}, "Pregnant or postpartum is ticked"),
        ({"person_language": "other"}, "did not type it"),
        ({"person_other_language": "<script>"}, "is not a language name"),
        (
            {"person_language": "spanish", "person_other_language": "Arabic"},
            "search one language at a time",
        ),
    ],
)
def test_contradictory_or_bad_answers_get_a_sentence_not_a_crash(
    app: AppTest, person: dict[str, object], message: str
) -> None:
    _search(app, **person)
    assert not app.exception
    assert message in app.error[0].value
    assert not app.dataframe


def test_an_empty_profile_search_says_which_trait_to_drop(app: AppTest) -> None:
    _search(app, person_pregnant=True, person_veteran=True)
    assert not app.exception
    # Pregnancy programs: 01, 02, 03 and 05 (Spanish is not asked here); none for veterans.
    assert "- Drop the veterans-program requirement: **4 facilities**" in _texts(app)


def test_the_shortlist_says_about_n_miles_and_how_old_the_listing_is(app: AppTest) -> None:
    _search(app, person_pregnant=True, person_language="spanish")
    app.multiselect(key="pick_by_name").set_value([ZIP_CENTER]).run()
    app.button(key="add_to_shortlist").click().run()
    app.switch_page("app_pages/shortlist.py").run()
    assert not app.exception
    texts = _texts(app)
    assert re.search(r" - about \d+ miles \(ZIP centre\)", texts)
    assert (
        "Listing: SAMHSA National Directory 2023 (2022 survey) — call to confirm. Listed March 2023"
        in texts
    )
