"""FindTreatment.gov refresh against recorded answers on a local server (never the network).

Pages are built from 30 rows of the API's shape made from a committed fixture
(tests/api_fixture.py), so paging, retries, time-outs, caching and merging are tested on
every checkout; one test serves the real API page in ../shared (2019, 30 facilities near
Charlottesville; marked ``realdata``). Hand-written answers: several pages, an empty page,
429 then 200, a 500, an HTML error page, truncated JSON and a renamed field.
"""

from __future__ import annotations

import functools
import json
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from api_fixture import api_rows
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from matching.cli.main import main
from matching.directory import columns as col
from matching.directory.io import read_directory, write_directory
from matching.errors import OnlineSourceError
from matching.ingest import import_file
from matching.live.findtreatment_api import ENDPOINT, SOURCE, FetchArea, fetch_area
from matching.live.http import LiveClient, LiveSettings
from matching.live.merge import merge_listings

SAMPLE_NAME = "CBHSQ_findtreatment/findtreatment_api_sample_2019-05.json"
AREA = FetchArea(lat=38.0293, lon=-78.4767, radius_miles=25)
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
AREA_PARAMETERS = {"sAddr", "limitType", "limitValue", "sType", "sort", "pageSize", "page"}


def _rows() -> list[dict]:
    return api_rows(30)


def _page(rows: list[dict], page: int, total_pages: int) -> str:
    return json.dumps({"page": page, "totalPages": total_pages, "recordCount": 30, "rows": rows})


def _serve_pages(server: HTTPServer, pages: list[list[dict]]) -> None:
    def answer(request: Request) -> Response:
        number = int(request.args["page"])
        body = _page(pages[number - 1], number, len(pages))
        return Response(body, content_type="application/json")

    server.expect_request(ENDPOINT, method="GET").respond_with_handler(answer)


def _settings(server: HTTPServer, tmp_path: Path, **overrides: object) -> LiveSettings:
    values: dict = {
        "findtreatment_url": server.url_for("/").rstrip("/"),
        "cache_dir": tmp_path / "cache",
        "backoff_seconds": 0.0,
        "min_interval_seconds": 0.0,
        "attempts": 3,
        "timeout_seconds": 2.0,
    }
    return LiveSettings(**(values | overrides))


def _three_pages() -> list[list[dict]]:
    rows = _rows()
    return [rows[:10], rows[10:20], rows[20:]]


@pytest.mark.realdata
def test_the_real_api_page_is_fetched_and_imported(
    httpserver: HTTPServer, tmp_path: Path, real_data: Path
) -> None:
    rows = json.loads((real_data / SAMPLE_NAME).read_text(encoding="utf-8"))["rows"]
    _serve_pages(httpserver, [rows[:10], rows[10:20], rows[20:]])
    result = fetch_area(AREA, settings=_settings(httpserver, tmp_path), now=NOW)
    assert len(result.frame) == 30 and result.pages == 3
    assert result.frame[col.FACILITY_ID].is_unique
    assert set(result.frame[col.SOURCE]) == {SOURCE}


def test_every_page_is_fetched_and_imported(httpserver: HTTPServer, tmp_path: Path) -> None:
    _serve_pages(httpserver, _three_pages())
    steps: list[tuple[float, str]] = []
    result = fetch_area(
        AREA,
        settings=_settings(httpserver, tmp_path),
        now=NOW,
        progress=lambda f, m: steps.append((f, m)),
    )
    assert len(result.frame) == 30
    assert result.pages == 3
    assert set(result.frame[col.SOURCE]) == {SOURCE}
    assert (result.frame[col.LISTED_AT] == pd.Timestamp(NOW)).all()
    assert set(result.frame[col.LOCATION_PRECISION]) == {"exact"}
    assert steps[-1][0] == 1.0 and [f for f, _ in steps] == sorted(f for f, _ in steps)


def test_only_the_area_is_sent(httpserver: HTTPServer, tmp_path: Path) -> None:
    _serve_pages(httpserver, _three_pages())
    fetch_area(AREA, settings=_settings(httpserver, tmp_path), now=NOW)
    requests = [request for request, _ in httpserver.log]
    assert len(requests) == 3
    for number, request in enumerate(requests, start=1):
        query = parse_qs(urlsplit(request.url).query)
        assert set(query) == AREA_PARAMETERS
        assert query["sAddr"] == ["38.0293,-78.4767"]
        assert query["limitValue"] == [str(round(25 * 1609.344))]
        assert query["sType"] == ["SA"] and query["page"] == [str(number)]
        assert request.method == "GET" and not request.get_data()
        assert "cookie" not in {name.lower() for name, _ in request.headers.items()}


def test_a_repeated_refresh_is_answered_from_the_cache(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    _serve_pages(httpserver, _three_pages())
    settings = _settings(httpserver, tmp_path)
    first = fetch_area(AREA, settings=settings, now=NOW)
    second = fetch_area(AREA, settings=settings, now=NOW)
    assert first.network_requests == 3 and first.cache_hits == 0
    assert second.network_requests == 0 and second.cache_hits == 3
    assert len(httpserver.log) == 3
    pd.testing.assert_frame_equal(first.frame, second.frame)


def test_an_empty_page_ends_the_paging(httpserver: HTTPServer, tmp_path: Path) -> None:
    rows = _rows()
    _serve_pages(httpserver, [rows[:10], [], rows[10:]])
    result = fetch_area(AREA, settings=_settings(httpserver, tmp_path), now=NOW)
    assert len(result.frame) == 10
    assert len(httpserver.log) == 2


def test_an_area_with_no_facilities_is_one_sentence(httpserver: HTTPServer, tmp_path: Path) -> None:
    _serve_pages(httpserver, [[]])
    with pytest.raises(OnlineSourceError, match="lists no substance-use facilities"):
        fetch_area(AREA, settings=_settings(httpserver, tmp_path), now=NOW)


def test_429_is_retried_then_succeeds(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_oneshot_request(ENDPOINT).respond_with_data("slow down", status=429)
    _serve_pages(httpserver, [_rows()])
    result = fetch_area(AREA, settings=_settings(httpserver, tmp_path), now=NOW)
    assert len(result.frame) == 30
    assert [response.status_code for _, response in httpserver.log] == [429, 200]


def test_retry_waits_back_off(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request(ENDPOINT).respond_with_data("down", status=503)
    settings = _settings(httpserver, tmp_path, backoff_seconds=0.05, attempts=3)
    waits: list[float] = []
    with pytest.raises(OnlineSourceError, match=r"server error \(HTTP 503\) after 3 tries"):
        fetch_area(AREA, settings=settings, now=NOW, sleep=waits.append)
    assert len(httpserver.log) == 3
    assert waits == pytest.approx([0.05, 0.1])  # two waits: 0.05 s, then doubled


HTML = "<html><body>Maintenance</body></html>"


def _renamed() -> str:
    rows = [{("facilityName" if k == "name1" else k): v for k, v in r.items()} for r in _rows()]
    return _page(rows, 1, 1)


FAILURES = {
    "500": (lambda s: s.respond_with_data("oops", status=500), "server error"),
    "html": (
        lambda s: s.respond_with_data(HTML, content_type="text/html"),
        "web page instead of data",
    ),
    "truncated": (
        lambda s: s.respond_with_data(_page(_rows(), 1, 1)[:5000], content_type="application/json"),
        "incomplete or damaged",
    ),
    "renamed field": (
        lambda s: s.respond_with_data(_renamed(), content_type="application/json"),
        "no row of page 1 has the field\\(s\\) 'name1'",
    ),
    "no rows": (
        lambda s: s.respond_with_json({"page": 1, "results": []}),
        "no 'rows' list",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", list(FAILURES))
def test_a_bad_answer_is_one_sentence(httpserver: HTTPServer, tmp_path: Path, case: str) -> None:
    respond, message = FAILURES[case]
    respond(httpserver.expect_request(ENDPOINT))
    with pytest.raises(OnlineSourceError, match=message) as caught:
        fetch_area(AREA, settings=_settings(httpserver, tmp_path), now=NOW)
    assert "\n" not in str(caught.value) and str(caught.value).endswith("nothing was changed")


def test_a_timeout_is_one_sentence(httpserver: HTTPServer, tmp_path: Path) -> None:
    # The server answers only once the client has given up, and the test waits for those late
    # answers: a request still in flight must not land in the next test's server log.
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(timeout=30)
        return Response(_page(_rows(), 1, 1), content_type="application/json")

    httpserver.expect_request(ENDPOINT).respond_with_handler(slow)
    settings = _settings(httpserver, tmp_path, timeout_seconds=0.1, attempts=2)
    with pytest.raises(OnlineSourceError, match="did not answer within 0.1 s after 2 tries"):
        fetch_area(AREA, settings=settings, now=NOW)
    release.set()
    deadline = time.monotonic() + 30
    while len(httpserver.log) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(httpserver.log) == 2, "the server never finished the two timed-out requests"


def test_offline_is_one_sentence(tmp_path: Path) -> None:
    settings = LiveSettings(
        findtreatment_url="http://127.0.0.1:9",  # the discard port: nothing listens there
        cache_dir=tmp_path / "cache",
        attempts=2,
        backoff_seconds=0.0,
        min_interval_seconds=0.0,
    )
    with pytest.raises(OnlineSourceError, match="Could not reach FindTreatment.gov after 2 tries"):
        fetch_area(AREA, settings=settings, now=NOW)


@functools.cache
def _imported() -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "findtreatment_api_page.json"
        page.write_text(_page(_rows(), 1, 1), encoding="utf-8")
        return import_file(page).frame


def _directory() -> pd.DataFrame:
    return _imported().copy()


def test_merge_adds_updates_and_keeps_availability() -> None:
    full = _directory()
    directory = full.iloc[:20].copy()
    directory.loc[12, col.BEDS_OPEN_DETOX] = 3
    directory.loc[12, col.AVAILABILITY_STATUS] = "openings"
    fetched = full.iloc[10:].copy()
    fetched.loc[15, col.PHONE] = "434-555-0100"
    fetched = fetched.assign(**{col.SOURCE: SOURCE, col.LISTED_AT: pd.Timestamp(NOW)})
    merged = merge_listings(directory, fetched)
    assert (merged.added, merged.updated, merged.unchanged) == (10, 1, 9)
    frame = merged.frame.set_index(col.FACILITY_ID)
    assert frame.loc[full.loc[15, col.FACILITY_ID], col.PHONE] == "434-555-0100"
    assert frame.loc[full.loc[12, col.FACILITY_ID], col.BEDS_OPEN_DETOX] == 3
    assert frame.loc[full.loc[12, col.FACILITY_ID], col.SOURCE] == SOURCE
    assert pd.isna(frame.loc[full.loc[0, col.FACILITY_ID], col.LISTED_AT])
    assert len(merged.frame) == 30 and frame.index.is_unique


def test_merge_matches_a_hashed_id_by_name_street_and_zip() -> None:
    full = _directory()
    directory = full.iloc[:5].assign(**{col.FACILITY_ID: [f"local-{i}" for i in range(5)]})
    merged = merge_listings(directory, full.iloc[:5])
    assert (merged.added, merged.updated, merged.unchanged) == (0, 0, 5)
    assert list(merged.frame[col.FACILITY_ID]) == [f"local-{i}" for i in range(5)]


def test_merge_does_not_erase_what_the_fetch_does_not_say() -> None:
    full = _directory()
    fetched = full.iloc[:1].assign(**{col.WEBSITE: "", "detox_any": pd.NA})
    merged = merge_listings(full.iloc[:1], fetched)
    assert merged.unchanged == 1
    assert merged.frame.loc[0, col.WEBSITE] == full.loc[0, col.WEBSITE]
    assert merged.frame.loc[0, "detox_any"] is full.loc[0, "detox_any"]


@pytest.fixture
def cli_env(httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("READYBED_FINDTREATMENT_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("READYBED_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("READYBED_HTTP_BACKOFF_SECONDS", "0")
    monkeypatch.setenv("READYBED_HTTP_INTERVAL_SECONDS", "0")
    return tmp_path


def test_cli_fetch_into_a_directory(
    httpserver: HTTPServer, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve_pages(httpserver, _three_pages())
    target = cli_env / "directory.csv"
    write_directory(_directory().iloc[:20], target)
    code = main(
        ["fetch", "--near", "38.0293, -78.4767", "--radius-miles", "25",
         "--into", str(target), "--out", str(target)]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "Fetched 30 facilities" in out and "10 added, 0 updated, 20 unchanged" in out
    assert len(read_directory(target)) == 30


@pytest.mark.parametrize("case", ["500", "html", "truncated", "renamed field"])
def test_cli_fetch_failure_leaves_the_directory_untouched(
    httpserver: HTTPServer, cli_env: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    FAILURES[case][0](httpserver.expect_request(ENDPOINT))
    target = cli_env / "directory.csv"
    write_directory(_directory(), target)
    before = target.read_bytes()
    code = main(["fetch", "--near", "22903", "--into", str(target), "--out", str(target)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: FindTreatment.gov") and err.count("\n") == 1
    assert target.read_bytes() == before


def test_an_error_page_served_as_200_is_not_cached(httpserver: HTTPServer, tmp_path: Path) -> None:
    settings = _settings(httpserver, tmp_path)
    httpserver.expect_oneshot_request(ENDPOINT).respond_with_data(HTML, content_type="text/html")
    with pytest.raises(OnlineSourceError, match="web page"):
        fetch_area(AREA, settings=settings, now=NOW)
    _serve_pages(httpserver, [_rows()])
    assert len(fetch_area(AREA, settings=settings, now=NOW).frame) == 30


def test_retry_after_is_honoured(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_oneshot_request("/x").respond_with_data(
        "busy", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_request("/x").respond_with_data("ok")
    waits: list[float] = []
    settings = _settings(httpserver, tmp_path, backoff_seconds=0.5)
    with LiveClient(settings, service="Test", sleep=waits.append) as client:
        assert client.get(httpserver.url_for("/x"), {}).text == "ok"
    assert waits == [7.0]
