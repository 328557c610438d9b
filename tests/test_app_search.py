"""The Search page, headless with AppTest over a real SQLite store: the form and its results stay
in step, results open their details in place, phones are links, the map names its points."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from search_form_support import open_search_form
from streamlit.testing.v1 import AppTest

from app_pages.links import plain
from matching.records import searches
from matching.records.calllog import call_history
from matching.records.store import open_engine
from matching.records.team import LOCAL

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SEARCH = "app_pages/search.py"
TIMEOUT = 60


@pytest.fixture
def app(store_url: str) -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def _search(at: AppTest, place: str) -> AppTest:
    open_search_form(at)
    at.text_input(key="place").input(place)
    at.button(key="search_submit").click()
    return at.run()


def _markdown(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.markdown)


def _heading(at: AppTest) -> str:
    return at.header[0].value if at.header else ""


def test_form_and_results_stay_in_step_across_a_page_change(app: AppTest) -> None:
    _search(app, "Boston, MA")
    assert _heading(app).endswith("near Boston, MA")
    app.switch_page("app_pages/shortlist.py").run()
    app.switch_page(SEARCH).run()
    assert not app.exception
    open_search_form(app)
    assert app.text_input(key="place").value == "Boston, MA"
    assert _heading(app).endswith("near Boston, MA")


def test_a_new_session_starts_empty_and_resumes_the_last_search_only_when_asked(
    app: AppTest, store_url: str
) -> None:
    app.checkbox(key="person_pregnant").check()
    _search(app, "columbus oh")
    stored = searches.load_last_search(open_engine(store_url), actor=LOCAL)
    assert stored is not None and stored["place"] == "columbus oh"

    # A new browser session on a shared computer: nothing of the last person's search shows.
    reloaded = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert reloaded.text_input(key="place").value == ""
    assert not reloaded.checkbox(key="person_pregnant").value
    assert not reloaded.header
    assert "columbus" not in _markdown(reloaded).lower()

    reloaded.button(key="resume_search").click().run()
    open_search_form(reloaded)  # the resumed search folded the form into its summary
    assert reloaded.text_input(key="place").value == "columbus oh"
    assert reloaded.checkbox(key="person_pregnant").value
    assert "Pregnant or postpartum" in _chips(reloaded)
    shown = _heading(reloaded) + " ".join(str(w.value) for w in reloaded.warning)
    assert "Columbus, OH" in shown  # the results, or the sentence saying none fits
    assert not [b for b in reloaded.button if b.key == "resume_search"]


def _chips(at: AppTest) -> dict[str, str]:
    """The filter chips shown: label -> widget key."""
    return {b.label: str(b.key) for b in at.button if str(b.key).startswith("chip_")}


def test_every_filter_is_a_chip_that_removes_it(app: AppTest) -> None:
    app.checkbox(key="person_pregnant").check()
    app.selectbox(key="person_language").set_value("spanish")
    payers = next(m for m in app.multiselect if m.label == "Insurance or payment (any of)")
    payers.set_value(["medicaid"])
    _search(app, "10001")
    chips = _chips(app)
    assert {"Pregnant or postpartum", "Language: Spanish", "Medicaid"} <= set(chips)

    app.button(key=chips["Pregnant or postpartum"]).click().run()
    assert not app.exception
    assert "Pregnant or postpartum" not in _chips(app)
    open_search_form(app)
    assert not app.checkbox(key="person_pregnant").value  # the hidden box is cleared too
    assert {"Language: Spanish", "Medicaid"} <= set(_chips(app))
    shown = _heading(app) + " ".join(str(w.value) for w in app.warning)
    assert "10001" in shown  # the search ran again without it


def test_new_search_clears_the_place_and_every_filter(app: AppTest, store_url: str) -> None:
    app.checkbox(key="person_pregnant").check()
    _search(app, "10001")
    app.button(key="new_search").click().run()
    assert app.text_input(key="place").value == ""
    assert not app.checkbox(key="person_pregnant").value
    assert not app.header and not _chips(app)
    assert searches.load_last_search(open_engine(store_url), actor=LOCAL) is None


def test_a_failed_search_never_leaves_the_old_results_on_screen(app: AppTest) -> None:
    _search(app, "10001")
    assert app.dataframe
    _search(app, "10000")
    assert "10000" in app.error[0].value and "Nearby valid ZIPs" in app.error[0].value
    assert not app.dataframe and not app.header
    app.switch_page("app_pages/data.py").run()
    app.switch_page(SEARCH).run()
    assert app.text_input(key="place").value == "10000"
    assert "10000" in app.error[0].value


def test_unknown_city_error_suggests_the_closest(app: AppTest) -> None:
    _search(app, "Colombus, Ohio")
    assert not app.exception
    assert "Did you mean Columbus, OH" in app.error[0].value


def test_cards_show_tel_links_and_open_details_in_place(app: AppTest, store_url: str) -> None:
    _search(app, "10001")
    app.radio(key="results_view_choice").set_value("Cards").run()
    assert not app.dataframe  # no table in the card view
    cards = _markdown(app)
    assert "](tel:+1" in cards and "miles" in cards and "**Beds:**" in cards
    details = [b for b in app.button if b.label == "Details"]
    assert len(details) == 10
    assert details[1].key is not None
    facility_id = details[1].key.removeprefix("open_")
    details[1].click().run()
    assert [b.label for b in app.button if b.key == f"open_{facility_id}"] == ["Hide details"]
    assert [t.label for t in app.tabs][:3] == ["Call script", "Availability history", "Log a call"]

    app.selectbox(key="log_status").set_value("openings")
    app.number_input(key="log_detox_beds").set_value(2)
    app.button(key="log_submit").click().run()
    assert not app.exception
    assert call_history(open_engine(store_url), facility_id, actor=LOCAL)[
        "beds_open_detox"
    ].tolist() == [2]
    # The view and the open card are kept; "Show 10 more" adds cards.
    assert app.radio(key="results_view_choice").value == "Cards"
    app.button(key="cards_more").click().run()
    assert len([b for b in app.button if b.key and b.key.startswith("open_")]) == 20


def test_ticking_a_table_row_opens_its_details_below_the_table(app: AppTest) -> None:
    _search(app, "10001")
    table = app.dataframe[0].value
    third = table["facility_id"].iloc[2]
    # AppTest cannot tick a grid row; the page's picker below the table is what a tick sets.
    assert app.selectbox(key="detail_facility").value == table["facility_id"].iloc[0]
    app.selectbox(key="detail_facility").set_value(third).run()
    assert f"### {plain(table['Facility'].iloc[2])}" in [h.value for h in app.markdown]


def test_map_names_its_points_over_shipped_outlines(app: AppTest) -> None:
    _search(app, "10001")
    assert not app.get("vega_lite_chart")  # folded: not drawn until opened
    app.session_state["map_open"] = True  # what opening the Map expander sets
    app.run()
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    layers = spec["layer"]
    formats = [layer.get("data", {}).get("format", {}) for layer in layers[:2]]
    assert [f.get("type") for f in formats] == ["topojson", "topojson"]
    assert [f.get("feature") for f in formats] == ["counties", "states"]
    names = [
        g["properties"]["name"]
        for g in layers[0]["data"]["values"]["objects"]["counties"]["geometries"]
    ]
    assert "New York" in names  # Manhattan's county
    tooltip = [t["field"] for t in layers[2]["encoding"]["tooltip"]]
    assert tooltip == ["name", "distance", "beds"]
    assert "url" not in json.dumps(layers[:2])  # no tiles, nothing fetched


def test_every_page_has_the_crisis_lines_as_call_and_text_links(app: AppTest) -> None:
    for page in (SEARCH, "app_pages/shortlist.py", "app_pages/plan.py", "app_pages/data.py"):
        app.switch_page(page).run()
        text = _markdown(app)
        assert 'href="tel:988"' in text and 'href="sms:988"' in text, page
        assert 'href="tel:+18006624357"' in text and 'href="tel:911"' in text, page


def test_a_call_saved_without_an_answer_says_so_and_saves_nothing(
    app: AppTest, store_url: str
) -> None:
    """The save runs as the button's callback (one rerun); its refusal still shows on the page."""
    _search(app, "10001")
    facility_id = app.selectbox(key="detail_facility").value
    app.number_input(key="log_detox_beds").set_value(2)
    app.button(key="log_submit").click().run()
    assert not app.exception
    assert any("Pick what they said" in e.value for e in app.error)
    assert call_history(open_engine(store_url), facility_id, actor=LOCAL).empty
    app.selectbox(key="log_status").set_value("openings")
    app.button(key="log_submit").click().run()
    assert not any("Pick what they said" in e.value for e in app.error)
    assert any("the ranking uses it now" in s.value for s in app.success)
    assert len(call_history(open_engine(store_url), facility_id, actor=LOCAL)) == 1


def test_the_folded_form_is_not_drawn_and_folds_again_after_a_search(app: AppTest) -> None:
    """Issue 23: after a search the form is one summary line whose fields are not drawn (they
    cost the browser on every click); opened, it holds the search, and a new search folds it."""
    _search(app, "Boston, MA")
    assert not [w for w in app.text_input if w.key == "place"]
    [summary] = [e for e in app.expander if str(e.label).startswith("Edit the search:")]
    assert summary.label == "Edit the search: Boston, MA, within 50 miles"
    open_search_form(app)
    assert app.text_input(key="place").value == "Boston, MA"
    app.text_input(key="place").input("10001")
    app.button(key="search_submit").click().run()
    assert not app.exception and _heading(app).endswith("near 10001 (New York, NY)")
    assert not [w for w in app.text_input if w.key == "place"]  # folded again
