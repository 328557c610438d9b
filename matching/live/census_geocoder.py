"""Geocode facilities located only at their ZIP's centre with the US Census geocoder (opt-in).

Rows whose ``location_precision`` is ``zip_centroid`` are sent - their street, city, state and
ZIP, nothing else - to the Census Bureau's batch endpoint (a CSV of at most 10,000 addresses
per request); the few it cannot match are tried once more on the one-line endpoint. A match
replaces the coordinates and sets ``location_precision = "geocoded"``. A match far from the
row's ZIP centre is more likely a wrong street than a real location, and is not used.

Answers are cached on disk (one-line GETs by the shared HTTP cache; batch answers per address
in a small JSON file), so geocoding the same directory again sends nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import httpx
import pandas as pd

from matching.directory import columns as col
from matching.directory.io import write_text_atomic
from matching.directory.schema import validate_directory
from matching.errors import OnlineSourceError
from matching.live.http import LiveClient, LiveSettings, Progress

SERVICE: Final = "The US Census geocoder"
BATCH_PATH: Final = "/geocoder/locations/addressbatch"
ONELINE_PATH: Final = "/geocoder/locations/onelineaddress"
BENCHMARK: Final = "Public_AR_Current"
MAX_BATCH: Final = 10_000  # the batch endpoint's limit
MAX_ONELINE: Final = 100  # one-line retries per run: at one a second, the polite ceiling
# A geocoded point further than this from the row's ZIP centre is treated as a wrong match
# (the p99 facility-to-centre distance is about 10 mi; SOURCES.md, zipcodes).
MAX_MILES_FROM_CENTER: Final = 30.0
CACHE_FILE: Final = "census-geocodes.json"
_EARTH_RADIUS_MILES: Final = 3958.8

Point = tuple[float, float]


@dataclass
class GeocodeResult:
    """The directory with geocoded rows, and what the geocoder did."""

    frame: pd.DataFrame
    candidates: int = 0
    geocoded: int = 0
    unmatched: int = 0
    too_far: int = 0
    from_cache: int = 0
    requests: int = 0
    notes: list[str] = field(default_factory=list)

    def summary_text(self) -> str:
        """Return the result as one or two sentences."""
        if not self.candidates:
            return "No rows are located at a ZIP centre with a street address: nothing to geocode."
        text = (
            f"Geocoded {self.geocoded:,} of {self.candidates:,} ZIP-centre rows "
            f"({self.unmatched:,} not matched, {self.too_far:,} matched too far from their ZIP "
            f"and not used; {self.from_cache:,} from the cache, {self.requests:,} requests)."
        )
        return " ".join([text, *self.notes])


def address_line(street: str, city: str, state: str, zip_code: str) -> str:
    """Return the one-line form of an address, as the cache and the one-line endpoint use it."""
    return f"{street}, {city}, {state} {zip_code}".strip()


def geocode_directory(
    directory: pd.DataFrame,
    *,
    settings: LiveSettings | None = None,
    progress: Progress | None = None,
    transport: httpx.BaseTransport | None = None,
) -> GeocodeResult:
    """Geocode the ZIP-centre rows of ``directory`` (input not modified; OnlineSourceError)."""
    settings = settings or LiveSettings.from_env()
    report_progress = progress or (lambda fraction, message: None)
    directory = directory.reset_index(drop=True)
    todo = directory[
        (directory[col.LOCATION_PRECISION] == "zip_centroid") & (directory[col.STREET] != "")
    ]
    result = GeocodeResult(frame=directory.copy(), candidates=len(todo))
    if todo.empty:
        return result
    lines = pd.Series(
        [address_line(*parts) for parts in todo[[col.STREET, col.CITY, col.STATE, col.ZIP]]
         .itertuples(index=False, name=None)],
        index=todo.index,
    )  # fmt: skip
    cache = _Cache(settings.cache_dir)
    found: dict[str, Point | None] = {line: cache.get(line) for line in set(lines)}
    known = {line for line in found if cache.has(line)}
    result.from_cache = int(lines.isin(known).sum())
    missing = sorted(set(lines) - known)
    with LiveClient(settings, service=SERVICE, transport=transport) as client:
        found |= _batch(client, settings, missing, todo, lines, report_progress)
        retry = [line for line in missing if found.get(line) is None]
        if len(retry) > MAX_ONELINE:
            result.notes.append(
                f"{len(retry) - MAX_ONELINE} unmatched addresses were not retried one by one "
                "(run geocode again to continue)."
            )
        for number, line in enumerate(retry[:MAX_ONELINE], start=1):
            report_progress(0.7 + 0.25 * number / len(retry), f"Retrying address {number}")
            found[line] = _one_line(client, settings, line)
        result.requests = client.log.network_requests
    # Addresses not yet retried one by one stay out of the cache, so the next run retries them.
    skipped = set(retry[MAX_ONELINE:])
    cache.update({line: found.get(line) for line in missing if line not in skipped})
    _apply(result, todo, lines, found)
    report_progress(1.0, f"Geocoded {result.geocoded} of {result.candidates} rows")
    return result


def _batch(
    client: LiveClient,
    settings: LiveSettings,
    missing: list[str],
    todo: pd.DataFrame,
    lines: pd.Series,
    progress: Progress,
) -> dict[str, Point | None]:
    """Send the addresses not in the cache to the batch endpoint; return what it matched."""
    first_row = {line: position for position, line in reversed(list(lines.items()))}
    url = settings.census_url.rstrip("/") + BATCH_PATH
    found: dict[str, Point | None] = {}
    for start in range(0, len(missing), MAX_BATCH):
        chunk = missing[start : start + MAX_BATCH]
        progress(0.7 * start / len(missing), f"Sending {len(chunk):,} addresses to the Census")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for number, line in enumerate(chunk):
            row = todo.loc[first_row[line]]
            writer.writerow([number, row[col.STREET], row[col.CITY], row[col.STATE], row[col.ZIP]])
        response = client.post_file(
            url,
            data={"benchmark": BENCHMARK},
            files={"addressFile": ("addresses.csv", buffer.getvalue().encode(), "text/csv")},
        )
        for number, point in _parse_batch(response).items():
            if 0 <= number < len(chunk):
                found[chunk[number]] = point
    return found


def _parse_batch(response: httpx.Response) -> dict[int, Point | None]:
    """Read the batch answer: ``"id","address","Match","Exact","matched","lon,lat",...``."""
    text = response.text
    if "html" in response.headers.get("content-type", "").lower() or text.lstrip()[:1] == "<":
        raise OnlineSourceError(
            f"{SERVICE} answered with a web page instead of results (it may be down); "
            "nothing was changed"
        )
    out: dict[int, Point | None] = {}
    for cells in csv.reader(io.StringIO(text)):
        if len(cells) < 3 or not cells[0].strip().isdigit():
            continue
        point = None
        if cells[2].strip() == "Match" and len(cells) >= 6:
            point = _lat_lon(cells[5])
        out[int(cells[0])] = point
    if text.strip() and not out:
        raise OnlineSourceError(
            f"{SERVICE} changed its answer format (no result rows could be read); "
            "nothing was changed"
        )
    return out


def _lat_lon(coordinates: str) -> Point | None:
    try:
        lon, lat = (float(part) for part in coordinates.split(","))
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return lat, lon


def _one_line(client: LiveClient, settings: LiveSettings, line: str) -> Point | None:
    url = settings.census_url.rstrip("/") + ONELINE_PATH
    response = client.get(url, {"address": line, "benchmark": BENCHMARK, "format": "json"})
    try:
        matches = response.json()["result"]["addressMatches"]
        coordinates = matches[0]["coordinates"] if matches else None
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        client.forget(response)
        raise OnlineSourceError(
            f"{SERVICE} sent an answer in an unexpected form for a single address ({exc!r}); "
            "nothing was changed"
        ) from exc
    if not coordinates:
        return None
    return _lat_lon(f"{coordinates.get('x')},{coordinates.get('y')}")


def _apply(
    result: GeocodeResult, todo: pd.DataFrame, lines: pd.Series, found: dict[str, Point | None]
) -> None:
    frame = result.frame
    for position, line in lines.items():
        point = found.get(line)
        if point is None:
            result.unmatched += 1
            continue
        center = (float(todo.at[position, col.LAT]), float(todo.at[position, col.LON]))
        if _miles(center, point) > MAX_MILES_FROM_CENTER:
            result.too_far += 1
            continue
        frame.loc[position, [col.LAT, col.LON]] = point
        frame.loc[position, col.LOCATION_PRECISION] = "geocoded"
        result.geocoded += 1
    result.frame = validate_directory(frame)


def _miles(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


class _Cache:
    """Batch answers per address (hashed), so a second run sends nothing it already asked."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / CACHE_FILE if folder is not None else None
        self.entries: dict[str, list[float] | None] = {}
        if self.path is not None and self.path.is_file():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self.entries = {}  # a damaged cache is only a slower run

    @staticmethod
    def _key(line: str) -> str:
        return hashlib.sha256(line.casefold().encode("utf-8")).hexdigest()

    def has(self, line: str) -> bool:
        return self._key(line) in self.entries

    def get(self, line: str) -> Point | None:
        value = self.entries.get(self._key(line))
        return (float(value[0]), float(value[1])) if isinstance(value, list) else None

    def update(self, answers: dict[str, Point | None]) -> None:
        if self.path is None or not answers:
            return
        for line, point in answers.items():
            self.entries[self._key(line)] = list(point) if point is not None else None
        write_text_atomic(self.path, json.dumps(self.entries))
