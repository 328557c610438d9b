"""Imports are layers (issue 23, point 2): a state file updates and adds to the directory
searched unless the person chooses to use it alone; the Search page names what answers.

AppTest on the Data page against a real SQLite store, with the shipped national directory as
the app uses it (not demo mode)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from apptest_helpers import file_uploader
from search_form_support import open_search_form
from streamlit.testing.v1 import AppTest

from matching.directory.default import DEFAULT_CSV
from matching.records import library
from matching.records.store import open_engine
from matching.records.team import LOCAL
from matching.render import display

APP = str(Path(__file__).resolve().parents[1] / "app.py")
CA_FILE = (
    b"license_number,facility_name,address_line1,city,state,zip,setting_code,offers_detox,"
    b"target_population,treatment_capacity,latitude,longitude\n"
    b"190001AP,Women's House,1 Main St,Oakland,CA,94612,RES,false,WOMEN ONLY,12,37.8,-122.27\n"
    b"190002AP,Day Program,2 Main St,Oakland,CA,94612,NON,true,CO-ED,,37.81,-122.27\n"
)
pytestmark = pytest.mark.skipif(not DEFAULT_CSV.is_file(), reason="national directory absent")


@pytest.fixture
def app(store_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("READYBED_DEMO", "0")  # the national directory, as a real install
    return AppTest.from_file(APP, default_timeout=120).run()


def _import(at: AppTest, name: str, data: bytes, mode: str = "layer") -> AppTest:
    at.switch_page("app_pages/data.py").run()
    file_uploader(at).set_value((name, data, "text/csv"))
    at.radio(key="import_mode").set_value(mode)
    at.button(key="import_submit").click()
    return at.run()


def _search(at: AppTest, place: str, radius: int = 50) -> pd.DataFrame:
    at.switch_page("app_pages/search.py").run()
    open_search_form(at)
    at.text_input(key="place").input(place)
    at.slider[0].set_value(radius)
    at.button(key="search_submit").click().run()
    assert not at.exception
    return at.dataframe[0].value if at.dataframe else pd.DataFrame()


def _active(store_url: str) -> library.DirectoryEntry:
    return library.active_entry(open_engine(store_url), actor=LOCAL)


def _captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption)


def test_a_state_file_is_added_to_the_national_directory(app: AppTest, store_url: str) -> None:
    _import(app, "ca_licensing.csv", CA_FILE)
    assert not app.exception
    active = _active(store_url)
    assert active.name == "SAMHSA National Directory 2023 + ca_licensing.csv"
    national_rows = len(library.load_entry(library.default_entry()))
    assert active.rows == national_rows + 2  # two new Oakland programs, nothing lost

    dayton = _search(app, "Dayton, OH", radius=25)
    assert len(dayton) > 0
    assert dayton[display.RESULT_ADDRESS].str.contains(r"\bOH\b").all()
    said = _captions(app).replace("\\", "")
    assert f"Directory: **{active.name}** - imported " in said and "0 days ago" in said

    oakland = _search(app, "37.8, -122.27", radius=5)
    assert "Women's House" in oakland[display.RESULT_FACILITY].str.cat(sep="|")
    assert len(oakland) > 2  # the national directory's Oakland programs answer too


def test_use_only_this_file_searches_the_file_alone(app: AppTest, store_url: str) -> None:
    _import(app, "ca_licensing.csv", CA_FILE, mode="only")
    assert not app.exception
    assert _active(store_url).rows == 2
    oakland = _search(app, "37.8, -122.27", radius=50)
    assert len(oakland) == 2  # only the file's facilities
    assert oakland[display.RESULT_ADDRESS].str.contains("Main St").all()
    assert _search(app, "Dayton, OH", radius=50).empty


def test_a_failed_import_leaves_the_directory_searched(app: AppTest, store_url: str) -> None:
    _import(app, "ca_licensing.csv", CA_FILE)
    before = _active(store_url)
    _import(app, "broken.csv", b"this,is\nnot,a listing\n")
    assert not app.exception
    assert "broken.csv was not imported" in app.error[0].value
    after = _active(store_url)
    assert (after.key, after.rows) == (before.key, before.rows)
    assert len(library.list_directories(open_engine(store_url), actor=LOCAL)) == 3
