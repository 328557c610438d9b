"""The Data page's privacy controls: forget the addresses looked up online, delete a shortlist."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from matching.records.store import open_engine
from matching.records.team import LOCAL
from matching.records.workspace import Workspace

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TYPED = "12 Elm Street, Springfield, IL"


def data_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page("app_pages/data.py").run()


def test_typed_addresses_can_be_forgotten(store_url: str) -> None:
    workspace = Workspace(open_engine(store_url), LOCAL)  # the one the app makes in local mode
    path = workspace.privacy.geocode_cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({TYPED.casefold(): [39.8, -89.6, TYPED]}))
    at = data_page()
    assert any("remembered on this computer: **1**" in m.value for m in at.markdown)
    at.button(key="forget_addresses_submit").click()
    at.run()
    assert not at.exception
    assert not path.exists()
    assert workspace.privacy.geocoded_address_count() == 0
    assert any("Forgot 1 looked-up address" in s.value for s in at.success)


def test_a_shortlist_can_be_deleted_with_confirmation(store_url: str) -> None:
    shortlists = Workspace(open_engine(store_url), LOCAL).shortlists
    shortlists.default_shortlist()
    doomed = shortlists.create_shortlist("Sam - December")
    at = data_page()
    at.selectbox(key="doomed_list").set_value(doomed.id)
    at.button(key="delete_shortlist_submit").click()
    at.run()
    assert [s.name for s in shortlists.list_shortlists()] == [
        "My shortlist",
        "Sam - December",
    ]
    assert any("Tick the box" in e.value for e in at.error)
    at.selectbox(key="doomed_list").set_value(doomed.id)
    at.checkbox(key="delete_list_sure").check()
    at.button(key="delete_shortlist_submit").click()
    at.run()
    assert not at.exception
    assert [s.name for s in shortlists.list_shortlists()] == ["My shortlist"]
