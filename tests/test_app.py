"""The Streamlit app, run headless with AppTest against a real SQLite store in tmp_path."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from apptest_helpers import file_uploader
from search_form_support import open_search_form
from streamlit.testing.v1 import AppTest

from app_pages.links import plain
from matching.ingest import import_bytes
from matching.records import library, shortlist
from matching.records.calllog import CallReport, call_history, log_call
from matching.records.store import open_engine
from matching.records.team import LOCAL
from matching.render import display, exports

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ("app_pages/search.py", "app_pages/shortlist.py", "app_pages/data.py")
TIMEOUT = 60


@pytest.fixture
def app(store_url: str) -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def _search(at: AppTest, place: str, preset: str = "family") -> AppTest:
    open_search_form(at)
    at.text_input(key="place").input(place)
    at.radio(key="preset").set_value(preset)
    at.button(key="search_submit").click()
    return at.run()


def _results(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def _texts(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "warning", "error", "success", "info")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_crisis_lines_and_demo_warning(app: AppTest, page: str) -> None:
    app.switch_page(page).run()
    assert not app.exception
    assert "988" in _texts(app) and "1-800-662-4357" in _texts(app)
    assert "Fictional facilities" in _texts(app)


def test_searching_a_zip_on_demo_data_lists_facilities(app: AppTest) -> None:
    _search(app, "10001")
    assert not app.exception
    assert app.header[0].value.endswith("facilities near 10001 (New York, NY)")
    results = _results(app)
    assert len(results) > 5
    assert results[display.RESULT_DISTANCE].is_monotonic_increasing is not None
    assert results[display.RESULT_CALL].str.startswith("tel:+1").any()


def test_bad_zip_shows_an_error_sentence_not_an_exception(app: AppTest) -> None:
    _search(app, "00000")
    assert not app.exception
    assert len(app.error) == 1
    assert "00000" in app.error[0].value
    assert not app.dataframe


def test_added_facility_is_in_the_shortlist_and_its_csv(app: AppTest, store_url: str) -> None:
    _search(app, "10001")
    first = _results(app).iloc[0]
    app.multiselect(key="pick_by_name").set_value([first["facility_id"]])
    app.run()
    app.button(key="add_to_shortlist").click().run()
    assert not app.exception

    app.switch_page("app_pages/shortlist.py").run()
    assert not app.exception
    assert f"1. {plain(first[display.RESULT_FACILITY])}" in _texts(app)
    labels = [getattr(b, "label", None) for b in app.get("download_button")]
    assert labels == ["CSV", "Excel", "PDF (printable)"]

    engine = open_engine(store_url)
    items = shortlist.shortlist_items_frame(
        engine, shortlist.default_shortlist(engine, actor=LOCAL).id, actor=LOCAL
    )
    view = shortlist.shortlist_view(items, library.load_entry(library.demo_entry()))
    data = exports.csv_bytes(exports.shortlist_table(view))
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back[exports.FACILITY].str.startswith(first[display.RESULT_FACILITY]).tolist() == [True]


def test_logged_call_changes_availability_and_rank(app: AppTest) -> None:
    _search(app, "10001", preset="interventionist")
    before = _results(app).reset_index(drop=True)
    unknown = before[before[display.RESULT_FRESHNESS] == "unknown"]
    facility_id = unknown["facility_id"].iloc[0]
    rank_before = int(unknown.index[0])

    app.selectbox(key="detail_facility").set_value(facility_id).run()
    app.selectbox(key="log_status").set_value("openings")
    # Residential beds: without a detox requirement the search needs residential beds.
    app.number_input(key="log_residential").set_value(5)
    app.text_input(key="log_answered_by").input("intake nurse")
    app.button(key="log_submit").click().run()
    assert not app.exception

    after = _results(app).reset_index(drop=True)
    row = after[after["facility_id"] == facility_id]
    assert row[display.RESULT_AVAILABILITY].iloc[0].startswith("Openings: 5 residential")
    assert row[display.RESULT_FRESHNESS].iloc[0] == "fresh"
    assert int(row.index[0]) < rank_before
    assert "Call to" in _texts(app)


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.switch_page("app_pages/data.py").run()
    file_uploader(at).set_value((name, data, "text/csv"))
    at.radio(key="import_mode").set_value("only")  # the file alone
    at.button(key="import_submit").click()
    return at.run()


def test_imported_listing_becomes_active_and_searchable(app: AppTest, fixtures: Path) -> None:
    _upload(app, "listing.csv", (fixtures / "import_findtreatment.csv").read_bytes())
    assert not app.exception
    assert "Imported 3 of 3 rows" in _texts(app)
    assert "Fictional facilities" not in _texts(app)
    app.switch_page("app_pages/search.py").run()
    _search(app, "Boston, MA")
    assert "Harbor Light Recovery" in _results(app)[display.RESULT_FACILITY].tolist()


def test_failed_upload_says_why_and_keeps_the_previous_directory(
    app: AppTest, fixtures: Path, store_url: str
) -> None:
    _upload(app, "listing.csv", (fixtures / "import_findtreatment.csv").read_bytes())
    active_before = library.active_entry(open_engine(store_url), actor=LOCAL).key

    _upload(app, "broken.csv", b"this,is\nnot,a listing\n")
    assert not app.exception
    assert "broken.csv was not imported" in app.error[0].value
    assert library.active_entry(open_engine(store_url), actor=LOCAL).key == active_before
    assert "Fictional facilities" not in _texts(app)


def test_shortlist_page_reorders_annotates_and_removes(app: AppTest, store_url: str) -> None:
    _search(app, "10001")
    first, second = _results(app)["facility_id"].iloc[:2]
    app.multiselect(key="pick_by_name").set_value([first, second]).run()
    app.button(key="add_to_shortlist").click().run()
    app.switch_page("app_pages/shortlist.py").run()

    app.button(key=f"down_{first}").click().run()
    app.text_input(key=f"note_{_default_id(store_url)}_{first}").input("hold until 5 pm").run()
    assert not app.exception
    items = _items(store_url)
    assert items["facility_id"].tolist() == [second, first]
    assert items["note"].tolist() == ["", "hold until 5 pm"]

    app.button(key=f"remove_{second}").click().run()
    assert _items(store_url)["facility_id"].tolist() == [first]
    assert "Removed" in _texts(app)


def _default_id(store_url: str) -> int:
    return shortlist.default_shortlist(open_engine(store_url), actor=LOCAL).id


def _items(store_url: str) -> pd.DataFrame:
    return shortlist.shortlist_items_frame(
        open_engine(store_url), _default_id(store_url), actor=LOCAL
    )


@pytest.mark.realdata
def test_real_findtreatment_export_imports_and_is_searchable(app: AppTest, real_data: Path) -> None:
    folder = real_data / "ilenapeng_residential-eating-disorder-treatment"
    path = folder / "samhsa-treatment-data.csv"
    _upload(app, path.name, path.read_bytes())
    assert not app.exception
    assert "Imported 168 of 168 rows" in _texts(app)

    facility = import_bytes(path.read_bytes(), path.name).frame.iloc[0]
    app.switch_page("app_pages/search.py").run()
    _search(app, f"{facility['lat']}, {facility['lon']}")
    assert facility["name"] in _results(app)[display.RESULT_FACILITY].tolist()


def test_availability_feed_reaches_the_search_results(app: AppTest) -> None:
    _search(app, "10001")
    row = _results(app).iloc[-1]
    reported = (pd.Timestamp.now(tz="UTC") - pd.Timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    feed = (
        "facility_id,beds_open_detox,beds_open_residential,availability_status,"
        "availability_reported_at,availability_source\n"
        f"{row['facility_id']},4,,openings,{reported},county registry\n"
        "no-such-id,1,,openings,2026-11-26T08:00:00Z,county registry\n"
    ).encode()
    app.switch_page("app_pages/data.py").run()
    file_uploader(app, 1).set_value(("feed.csv", feed, "text/csv"))
    app.button(key="feed_submit").click().run()
    assert not app.exception
    assert "1 applied" in _texts(app) + "\n".join(c.value for c in app.code)
    assert "no facility has facility_id 'no-such-id'" in "\n".join(c.value for c in app.code)

    app.switch_page("app_pages/search.py").run()
    updated = _results(app).set_index("facility_id").loc[row["facility_id"]]
    assert updated[display.RESULT_AVAILABILITY].startswith("Openings: 4 detox beds open")


def test_empty_results_say_which_filter_to_loosen(app: AppTest) -> None:
    app.number_input[0].set_value(20)  # open beds needed now: more than any demo facility has
    _search(app, "10001")
    assert not app.exception
    assert "No facility within 50 miles of 10001" in _texts(app)
    assert "- Drop the open-beds requirement: **" in _texts(app)


def test_street_address_is_not_sent_anywhere_without_the_opt_in(app: AppTest) -> None:
    _search(app, "350 Fifth Avenue, New York")
    assert not app.exception
    assert "online lookup, which is off" in app.error[0].value


def test_street_map_is_off_until_the_user_turns_it_on(app: AppTest) -> None:
    _search(app, "10001")
    app.session_state["map_open"] = True  # the Map expander opened
    app.run()
    assert not app.get("deck_gl_json_chart") and app.get("vega_lite_chart")
    app.toggle[0].set_value(True).run()
    assert not app.exception
    assert len(app.get("deck_gl_json_chart")) == 1


def test_data_page_deletes_a_listing_and_the_call_log(
    app: AppTest, fixtures: Path, store_url: str
) -> None:
    _upload(app, "listing.csv", (fixtures / "import_findtreatment.csv").read_bytes())
    engine = open_engine(store_url)
    log_call(engine, CallReport(facility_id="x", availability_status="openings"), actor=LOCAL)

    app.button(key="delete_listing_submit").click().run()
    assert not app.exception
    assert library.active_entry(engine, actor=LOCAL).is_demo
    assert "Fictional facilities" in _texts(app)

    app.button(key="clear_calls_submit").click().run()
    assert "nothing was deleted" in app.error[0].value
    app.checkbox[-1].check()
    app.button(key="clear_calls_submit").click().run()
    assert call_history(engine, actor=LOCAL).empty


def test_data_page_forgets_the_last_search(app: AppTest, store_url: str) -> None:
    from matching.records import searches
    from matching.records.store import open_engine

    _search(app, "10001")
    engine = open_engine(store_url)
    last = searches.load_last_search(engine, actor=LOCAL)
    assert last is not None and last["place"] == "10001"
    app.switch_page("app_pages/data.py").run()
    app.button(key="forget_search").click().run()
    assert not app.exception
    assert searches.load_last_search(engine, actor=LOCAL) is None
    app.switch_page("app_pages/search.py").run()
    assert app.text_input(key="place").value == ""


def test_logged_moud_answer_is_kept_and_shown(app: AppTest, store_url: str) -> None:
    _search(app, "10001", preset="interventionist")
    facility_id = _results(app)["facility_id"].iloc[0]
    app.selectbox(key="detail_facility").set_value(facility_id).run()
    app.selectbox(key="log_status").set_value("openings")
    app.number_input(key="log_residential").set_value(5)
    app.radio(key="log_moud").set_value("no")
    app.button(key="log_submit").click().run()
    assert not app.exception

    from matching.records.calllog import moud_answers

    answers = moud_answers(open_engine(store_url), actor=LOCAL)
    assert answers.set_index("facility_id").loc[facility_id, "moud_continues"] == "no"
    shown = [line for line in _texts(app).splitlines() if "Continues MOUD" in line]
    assert shown, "the answer is not shown"
    assert "from admission: no" in shown[0] and "asked" in shown[0], shown
