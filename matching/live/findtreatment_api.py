"""Fetch the current FindTreatment.gov listings for an area (opt-in: it sends the area to SAMHSA).

The locator's public JSON API (``/locator/exportsAsJson/v2``, docs/sources.md) is asked for
substance-use facilities (``sType=SA``) within a radius of a point, page after page. Only the
area goes out - a place's centre and a radius, never a street address or anything about the
person. Pages are checked before anything is imported (an HTML error page, truncated JSON or
a renamed field stops the refresh with one sentence), then all rows go through the API-JSON
importer, so a refresh yields the same canonical rows as an imported API file.

>>> area = FetchArea(lat=38.03, lon=-78.48, radius_miles=25)
>>> area_parameters(area, page=1)["limitValue"]
'40234'
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import httpx
import pandas as pd

from matching.directory import columns as col
from matching.directory.service_codes import load_mapping
from matching.errors import FacilityDataError, OnlineSourceError
from matching.ingest.api_json import api_rows_to_raw
from matching.ingest.normalize import build_table
from matching.ingest.report import ImportReport
from matching.live.http import LiveClient, LiveSettings, Progress

SERVICE: Final = "FindTreatment.gov"
SOURCE: Final = "FindTreatment.gov API"
ENDPOINT: Final = "/locator/exportsAsJson/v2"
FORMAT: Final = "findtreatment-json"
PAGE_SIZE: Final = 2000  # the API's largest page
MAX_PAGES: Final = 50  # 100,000 facilities: far beyond any area; stops a runaway server
MAX_RADIUS_MILES: Final = 500.0
_METERS_PER_MILE: Final = 1609.344
# Fields the importer needs: a page whose rows all lack one has changed shape.
REQUIRED_ROW_FIELDS: Final = ("frid", "name1", "street1", "city", "state", "zip", "latitude",
                              "longitude")  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class FetchArea:
    """The area to refresh: a centre (WGS84 degrees) and a radius in miles."""

    lat: float
    lon: float
    radius_miles: float

    def __post_init__(self) -> None:
        problems = []
        if not -90 <= self.lat <= 90:
            problems.append(f"latitude {self.lat} is outside -90..90")
        if not -180 <= self.lon <= 180:
            problems.append(f"longitude {self.lon} is outside -180..180")
        if not 0 < self.radius_miles <= MAX_RADIUS_MILES:
            problems.append(
                f"radius {self.radius_miles:g} mi must be above 0 and at most "
                f"{MAX_RADIUS_MILES:g} mi"
            )
        if problems:
            raise ValueError("Cannot fetch this area: " + "; ".join(problems))


@dataclass(frozen=True)
class FetchResult:
    """The fetched listings as a canonical table, with what the fetch did."""

    frame: pd.DataFrame
    report: ImportReport
    fetched_at: datetime
    pages: int
    network_requests: int
    cache_hits: int
    urls: tuple[str, ...]


def area_parameters(area: FetchArea, *, page: int) -> dict[str, str]:
    """Return the query parameters for one page: the area, the paging and nothing else."""
    return {
        "sAddr": f"{area.lat:.4f},{area.lon:.4f}",
        "limitType": "2",
        "limitValue": str(round(area.radius_miles * _METERS_PER_MILE)),
        "sType": "SA",
        "sort": "0",
        "pageSize": str(PAGE_SIZE),
        "page": str(page),
    }


def fetch_area(
    area: FetchArea,
    *,
    settings: LiveSettings | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchResult:
    """Fetch every page of listings for ``area`` and import them (raises OnlineSourceError).

    ``sleep`` waits between retries and requests (tests pass a recorder instead of waiting).
    """
    settings = settings or LiveSettings.from_env()
    report_progress = progress or (lambda fraction, message: None)
    fetched_at = now or datetime.now(UTC)
    if fetched_at.utcoffset() is None:
        raise ValueError(f"now must be timezone-aware, got {fetched_at!r}")
    url = settings.findtreatment_url.rstrip("/") + ENDPOINT
    rows: list[object] = []
    with LiveClient(settings, service=SERVICE, transport=transport, sleep=sleep) as client:
        report_progress(0.0, f"Asking {SERVICE} for page 1")
        total_pages = 1
        page = 1
        while page <= min(total_pages, MAX_PAGES):
            response = client.get(url, area_parameters(area, page=page))
            try:
                page_rows, total_pages = _page_rows(response, page)
            except OnlineSourceError:
                client.forget(response)  # an error page served as 200 must not be cached
                raise
            if not page_rows:
                break
            rows.extend(page_rows)
            report_progress(
                0.8 * page / max(min(total_pages, MAX_PAGES), 1),
                f"Page {page} of {total_pages}: {len(rows):,} facilities so far",
            )
            page += 1
        log = client.log
    if not rows:
        raise OnlineSourceError(
            f"{SERVICE} lists no substance-use facilities within {area.radius_miles:g} mi of "
            "this place; nothing was changed"
        )
    report_progress(0.85, f"Importing {len(rows):,} facilities")
    frame, report = _import_rows(rows, fetched_at)
    report_progress(1.0, f"Fetched {len(frame):,} facilities from {SERVICE}")
    return FetchResult(
        frame=frame,
        report=report,
        fetched_at=fetched_at,
        pages=page - 1,
        network_requests=log.network_requests,
        cache_hits=log.cache_hits,
        urls=tuple(log.urls),
    )


def _page_rows(response: httpx.Response, page: int) -> tuple[list[object], int]:
    """Return one page's rows and the total page count, or raise if the page is unusable."""
    body = response.content
    content_type = response.headers.get("content-type", "").lower()
    if "html" in content_type or body.lstrip()[:1] == b"<":
        raise OnlineSourceError(
            f"{SERVICE} answered page {page} with a web page instead of data (the service may "
            "be down or have moved); nothing was changed"
        )
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OnlineSourceError(
            f"{SERVICE} sent an incomplete or damaged answer for page {page} ({exc}); try "
            "again later - nothing was changed"
        ) from exc
    if not isinstance(document, dict) or not isinstance(document.get("rows"), list):
        keys = ", ".join(sorted(document)) if isinstance(document, dict) else "none"
        raise OnlineSourceError(
            f"{SERVICE} changed its answer format: page {page} has no 'rows' list (fields: "
            f"{keys}); nothing was changed"
        )
    rows = document["rows"]
    total = document.get("totalPages", 1)
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise OnlineSourceError(
            f"{SERVICE} changed its answer format: 'totalPages' on page {page} is {total!r}, "
            "not a page count; nothing was changed"
        )
    dicts = [row for row in rows if isinstance(row, dict)]
    if rows and not dicts:
        raise OnlineSourceError(
            f"{SERVICE} changed its answer format: the rows of page {page} are not records; "
            "nothing was changed"
        )
    missing = [name for name in REQUIRED_ROW_FIELDS if dicts and all(name not in r for r in dicts)]
    if missing:
        raise OnlineSourceError(
            f"{SERVICE} changed its answer format: no row of page {page} has the field(s) "
            f"{', '.join(repr(name) for name in missing)}; nothing was changed"
        )
    return list(rows), total


def _import_rows(rows: list[object], fetched_at: datetime) -> tuple[pd.DataFrame, ImportReport]:
    # The rows are already parsed: they go through the API-JSON reader and the shared import
    # steps directly, not through a JSON text again.
    report = ImportReport(format=FORMAT, source=SOURCE, rows_read=len(rows))
    try:
        imported = build_table(api_rows_to_raw(rows), FORMAT, SOURCE, report, load_mapping())
    except FacilityDataError as exc:
        raise OnlineSourceError(
            f"{SERVICE}'s answer could not be imported ({exc.one_line()}); nothing was changed"
        ) from exc
    stamp = pd.Timestamp(fetched_at).tz_convert("UTC")
    frame = imported.assign(
        **{
            col.SOURCE: SOURCE,
            col.LISTED_AT: pd.Series(stamp, index=imported.index).astype(col.DTYPES[col.LISTED_AT]),
        }
    )
    return frame, report
