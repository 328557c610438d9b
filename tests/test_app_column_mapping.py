"""The Data page's column-mapping step, run headless with AppTest against a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest_helpers import file_uploader
from streamlit.testing.v1 import AppTest

from matching.records import library
from matching.records.store import open_engine
from matching.records.team import LOCAL

APP = str(Path(__file__).resolve().parents[1] / "app.py")
FEED = (
    b"AccountName,AddressOneLine,Phone\n"
    b'Colfax Recovery,"1245 East Colfax Avenue, Suite 203, Denver, Colorado 80218",303-555-0100\n'
)


@pytest.fixture
def app(store_url: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/data.py").run()
    file_uploader(at).set_value(("state-feed.csv", FEED, "text/csv"))
    at.radio(key="import_mode").set_value("only")  # the file alone
    at.button(key="import_submit").click()
    return at.run()


def test_missing_fields_offer_a_mapping_and_the_mapped_import_succeeds(
    app: AppTest, store_url: str
) -> None:
    assert not app.exception
    assert "state-feed.csv was not imported" in app.error[0].value
    assert library.active_entry(open_engine(store_url), actor=LOCAL).is_demo  # nothing changed yet
    # The one-line address is recognised by its header; only the name needs naming.
    boxes = [box.key for box in app.selectbox if box.form_id == "column_mapping"]
    assert [key for key in boxes if str(key).startswith("column_map_")] == ["column_map_name"]
    app.selectbox(key="column_map_name").set_value("AccountName")
    app.button(key="column_mapping_submit").click()
    app.run()
    assert not app.exception
    entry = library.active_entry(open_engine(store_url), actor=LOCAL)
    assert entry.name == "state-feed.csv"
    row = library.load_entry(entry).iloc[0]
    assert (row["name"], row["city"], row["state"], row["zip"]) == (
        "Colfax Recovery",
        "Denver",
        "CO",
        "80218",
    )


def test_a_mapping_that_still_misses_a_field_keeps_the_old_directory(
    app: AppTest, store_url: str
) -> None:
    app.button(key="column_mapping_submit").click()  # left at "(not in this file)"
    app.run()
    assert not app.exception
    assert any("was not imported" in error.value for error in app.error)
    assert library.active_entry(open_engine(store_url), actor=LOCAL).is_demo


def test_a_yes_no_column_can_be_named_a_service(store_url: str) -> None:
    feed = FEED.replace(b"Phone\n", b"Phone,Detox\n").replace(b"0100\n", b"0100,Yes\n")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/data.py").run()
    file_uploader(at).set_value(("detox-feed.csv", feed, "text/csv"))
    at.radio(key="import_mode").set_value("only")  # the file alone
    at.button(key="import_submit").click()
    at.run()
    at.selectbox(key="column_map_name").set_value("AccountName")
    at.selectbox(key="column_flag_Detox").set_value("detox_any")
    at.button(key="column_mapping_submit").click()
    at.run()
    assert not at.exception
    row = library.load_entry(library.active_entry(open_engine(store_url), actor=LOCAL)).iloc[0]
    assert row["detox_any"] and row["name"] == "Colfax Recovery"
    assert row.isna()["residential"]  # what no column says stays unknown
