"""Census geocoding of ZIP-centre rows against hand-written answers on a local server.

The batch answer is the Census CSV format: ``"id","input address","Match","Exact"|"Non_Exact",
"matched address","lon,lat","tigerLineId","L"|"R"`` for a match, ``"id","input address",
"No_Match"`` (or ``"Tie"``) otherwise; the one-line endpoint answers JSON with
``result.addressMatches[].coordinates {x: lon, y: lat}``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from matching.cli.main import main
from matching.directory import columns as col
from matching.directory.io import read_directory, write_directory
from matching.directory.schema import coerce_directory, validate_directory
from matching.errors import OnlineSourceError
from matching.live.census_geocoder import BATCH_PATH, ONELINE_PATH, geocode_directory
from matching.live.http import LiveSettings

ROWS = [
    # id, name, street, city, zip, lat, lon (the ZIP centre), precision
    ("a", "Hope House", "426 San Pedro Street", "Los Angeles", "90013", 34.0448, -118.2434,
     "zip_centroid"),
    ("b", "Menlo House", "1731 Menlo Avenue", "Los Angeles", "90006", 34.0480, -118.2930,
     "zip_centroid"),
    ("c", "Exact Place", "1 Exact Way", "Los Angeles", "90012", 34.0614, -118.2385, "exact"),
    ("d", "Far Match", "9 Wrong Road", "Los Angeles", "90013", 34.0448, -118.2434,
     "zip_centroid"),
]  # fmt: skip


def _directory() -> pd.DataFrame:
    frame = pd.DataFrame(
        ROWS,
        columns=[col.FACILITY_ID, col.NAME, col.STREET, col.CITY, col.ZIP, col.LAT, col.LON,
                 col.LOCATION_PRECISION],
    ).assign(**{col.STATE: "CA"})  # fmt: skip
    return validate_directory(coerce_directory(frame))


UPLOADS: list[tuple[dict, str]] = []  # (form fields, uploaded CSV) of each batch request


def _batch_answer(request: Request) -> Response:
    """Answer like the Census: Hope House matches, Menlo House does not, Far Match is far."""
    upload = request.files["addressFile"].read().decode()
    UPLOADS.append((dict(request.form), upload))
    lines = []
    for number, street, city, state, zip_code in csv.reader(io.StringIO(upload)):
        address = f"{street}, {city}, {state}, {zip_code}"
        if street.startswith("426"):
            lines.append(f'"{number}","{address}","Match","Exact","426 S SAN PEDRO ST, LOS '
                         f'ANGELES, CA, 90013","-118.244,34.0452","141616439","L"')  # fmt: skip
        elif street.startswith("9 Wrong"):
            lines.append(f'"{number}","{address}","Match","Non_Exact","9 WRONG RD, FRESNO, CA, '
                         f'93701","-119.78,36.74","1","R"')  # fmt: skip
        else:
            lines.append(f'"{number}","{address}","No_Match"')
    return Response("\n".join(lines) + "\n", content_type="text/csv")


ONELINE_MENLO = {
    "result": {
        "input": {"address": {"address": "1731 Menlo Avenue, Los Angeles, CA 90006"}},
        "addressMatches": [
            {"matchedAddress": "1731 MENLO AVE, LOS ANGELES, CA, 90006",
             "coordinates": {"x": -118.2951, "y": 34.0443}}
        ],
    }
}  # fmt: skip


def _settings(server: HTTPServer, tmp_path: Path, **overrides: object) -> LiveSettings:
    values: dict = {
        "census_url": server.url_for("/").rstrip("/"),
        "cache_dir": tmp_path / "cache",
        "backoff_seconds": 0.0,
        "min_interval_seconds": 0.0,
        "attempts": 2,
        "timeout_seconds": 2.0,
    }
    return LiveSettings(**(values | overrides))


def _serve(server: HTTPServer) -> None:
    server.expect_request(BATCH_PATH, method="POST").respond_with_handler(_batch_answer)
    server.expect_request(ONELINE_PATH, method="GET").respond_with_json(ONELINE_MENLO)


def test_zip_center_rows_are_geocoded_with_a_one_line_fallback(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    _serve(httpserver)
    steps: list[float] = []
    result = geocode_directory(
        _directory(),
        settings=_settings(httpserver, tmp_path),
        progress=lambda f, m: steps.append(f),
    )
    frame = result.frame.set_index(col.FACILITY_ID)
    assert (frame.loc["a", col.LAT], frame.loc["a", col.LON]) == (34.0452, -118.244)
    assert (frame.loc["b", col.LAT], frame.loc["b", col.LON]) == (34.0443, -118.2951)
    assert frame.loc["a", col.LOCATION_PRECISION] == "geocoded"
    assert frame.loc["b", col.LOCATION_PRECISION] == "geocoded"
    assert frame.loc["c", col.LOCATION_PRECISION] == "exact"
    # Fresno is 200 mi from the ZIP: a wrong match, so the ZIP centre stays.
    assert frame.loc["d", col.LOCATION_PRECISION] == "zip_centroid"
    assert (result.candidates, result.geocoded, result.too_far) == (3, 2, 1)
    assert steps[-1] == 1.0


def test_only_facility_addresses_are_sent(httpserver: HTTPServer, tmp_path: Path) -> None:
    _serve(httpserver)
    UPLOADS.clear()
    geocode_directory(_directory(), settings=_settings(httpserver, tmp_path))
    _, oneline = (request for request, _ in httpserver.log)
    [(form, upload)] = UPLOADS
    assert form == {"benchmark": "Public_AR_Current"}
    sent = list(csv.reader(io.StringIO(upload)))
    assert sorted(row[1:] for row in sent) == sorted(
        [street, city, "CA", zip_code] for _, _, street, city, zip_code, *_, p in ROWS
        if p == "zip_centroid"
    )  # fmt: skip
    assert dict(oneline.args) == {
        "address": "1731 Menlo Avenue, Los Angeles, CA 90006",
        "benchmark": "Public_AR_Current",
        "format": "json",
    }


def test_a_second_run_is_answered_from_the_cache(httpserver: HTTPServer, tmp_path: Path) -> None:
    _serve(httpserver)
    settings = _settings(httpserver, tmp_path)
    first = geocode_directory(_directory(), settings=settings)
    second = geocode_directory(_directory(), settings=settings)
    assert len(httpserver.log) == 2
    assert second.requests == 0 and second.from_cache == 3
    pd.testing.assert_frame_equal(first.frame, second.frame)


@pytest.mark.parametrize(
    ("respond", "message"),
    [
        (lambda s: s.respond_with_data("down", status=500), "server error"),
        (lambda s: s.respond_with_data("<html>Oops</html>", content_type="text/html"), "web page"),
        (lambda s: s.respond_with_data("id;lat;lon\nx;1;2\n"), "changed its answer format"),
    ],
)
def test_a_bad_answer_is_one_sentence(
    httpserver: HTTPServer, tmp_path: Path, respond: object, message: str
) -> None:
    respond(httpserver.expect_request(BATCH_PATH))  # type: ignore[operator]
    with pytest.raises(OnlineSourceError, match=message) as caught:
        geocode_directory(_directory(), settings=_settings(httpserver, tmp_path))
    assert "\n" not in str(caught.value)


def test_cli_geocode_and_a_failure_leaves_the_file(
    httpserver: HTTPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("READYBED_CENSUS_URL", httpserver.url_for("/").rstrip("/"))
    monkeypatch.setenv("READYBED_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("READYBED_HTTP_BACKOFF_SECONDS", "0")
    monkeypatch.setenv("READYBED_HTTP_INTERVAL_SECONDS", "0")
    target = tmp_path / "directory.csv"
    write_directory(_directory(), target)
    before = target.read_bytes()
    httpserver.expect_oneshot_request(BATCH_PATH).respond_with_data(
        "<html/>", content_type="text/html"
    )
    assert main(["geocode", str(target), "--out", str(target)]) == 2
    assert capsys.readouterr().err.startswith("error: The US Census geocoder answered")
    assert target.read_bytes() == before
    _serve(httpserver)
    assert main(["geocode", str(target), "--out", str(target)]) == 0
    assert "Geocoded 2 of 3 ZIP-centre rows" in capsys.readouterr().out
    assert (read_directory(target)[col.LOCATION_PRECISION] == "geocoded").sum() == 2
