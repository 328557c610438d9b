"""The app's live sources (AppTest): refresh an area, the Search page's offer, SBAT import.

FindTreatment.gov answers come from a local server (pytest-httpserver) built from 30 rows of the
API's shape (tests/api_fixture.py); nothing touches the network. The SBAT import reads the real
snapshot in ../shared (``realdata``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from api_fixture import api_rows
from apptest_helpers import file_uploader
from pytest_httpserver import HTTPServer
from search_form_support import open_search_form
from streamlit.testing.v1 import AppTest
from werkzeug import Request, Response

from matching.live.findtreatment_api import ENDPOINT
from matching.records import library
from matching.records.store import open_engine
from matching.records.team import LOCAL

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SBAT_NAME = "fabriceyhc_SUD-BedWatch/sudhelpla_agencies_20250814_094001.csv"
TIMEOUT = 90


def _texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "warning", "error", "success", "info")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


@pytest.fixture
def app(store_url: str, httpserver: HTTPServer, tmp_path: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("READYBED_FINDTREATMENT_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("READYBED_CACHE_DIR", str(tmp_path / "http-cache"))
    monkeypatch.setenv("READYBED_HTTP_BACKOFF_SECONDS", "0")
    monkeypatch.setenv("READYBED_HTTP_INTERVAL_SECONDS", "0")
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def _serve_sample(server: HTTPServer) -> None:
    rows = api_rows(30)
    document = {"page": 1, "totalPages": 1, "recordCount": len(rows), "rows": rows}

    def answer(request: Request) -> Response:
        return Response(json.dumps(document), content_type="application/json")

    server.expect_request(ENDPOINT).respond_with_handler(answer)


def _active_name(store_url: str) -> str:
    return library.active_entry(open_engine(store_url), actor=LOCAL).name


def test_data_page_refresh_merges_the_area_into_a_new_active_directory(
    app: AppTest, httpserver: HTTPServer, store_url: str
) -> None:
    _serve_sample(httpserver)
    app.switch_page("app_pages/data.py").run()
    assert "sends the area you enter (its centre and radius) to SAMHSA" in _texts(app)
    app.text_input(key="live_place").input("22903")
    app.button(key="live_refresh_submit").click().run()
    assert not app.exception
    assert "30 added" in _texts(app)
    assert "FindTreatment.gov near 22903" in _active_name(store_url)
    [request] = [request for request, _ in httpserver.log]
    assert set(request.args) == {"sAddr", "limitType", "limitValue", "sType", "sort",
                                 "pageSize", "page"}  # fmt: skip


def test_a_failed_refresh_says_so_and_keeps_the_directory(
    app: AppTest, httpserver: HTTPServer, store_url: str
) -> None:
    httpserver.expect_request(ENDPOINT).respond_with_data(
        "<html>down</html>", content_type="text/html"
    )
    before = _active_name(store_url)
    app.switch_page("app_pages/data.py").run()
    app.text_input(key="live_place").input("22903")
    app.button(key="live_refresh_submit").click().run()
    assert not app.exception
    assert "web page instead of data" in _texts(app) and "unchanged" in _texts(app)
    assert _active_name(store_url) == before


def test_search_page_offers_a_refresh_of_the_searched_area(
    app: AppTest, httpserver: HTTPServer
) -> None:
    _serve_sample(httpserver)
    app.text_input(key="place").input("22903")
    app.button(key="search_submit").click().run()
    assert "sends the area you searched (its centre and radius) to SAMHSA" in _texts(app)
    assert not httpserver.log  # nothing is sent until the user asks
    app.button(key="live_search_refresh").click().run()
    assert not app.exception
    open_search_form(app)
    app.button(key="search_submit").click().run()
    names = app.dataframe[0].value["Facility"].tolist()
    assert "Blue Spruce Treatment Center 1" in names


@pytest.mark.realdata
def test_sbat_export_becomes_a_directory_with_beds_by_sex(
    app: AppTest, store_url: str, real_data: Path
) -> None:
    sbat = real_data / SBAT_NAME
    app.switch_page("app_pages/data.py").run()
    file_uploader(app, 2).set_value((sbat.name, sbat.read_bytes(), "text/csv"))
    app.radio(key="sbat_mode").set_value("directory")
    app.button(key="sbat_submit").click().run()
    assert not app.exception
    assert _active_name(store_url) == sbat.name
    app.switch_page("app_pages/search.py").run()
    app.text_input(key="place").input("90006")
    app.button(key="search_submit").click().run()
    table = app.dataframe[0].value
    menlo = table[table["Facility"] == "SADLER HEALTHCARE, INC."]
    assert menlo["Availability"].str.contains("men 6").any()
