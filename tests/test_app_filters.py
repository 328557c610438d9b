"""Hidden filters (issue 23, point 3): the empty-result message names each filter that kept
facilities out, and how many (the chips, New search and Resume are tested in
test_app_search.py). AppTest over a real SQLite store (demo directory)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60


@pytest.fixture
def app(store_url: str) -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def _markdown(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


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
