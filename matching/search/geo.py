"""Turn what a user types about a place into a point on the map.

Offline forms resolve from the ZIP centroids bundled in the ``zipcodes`` package (read
through the compact table of :mod:`matching.directory.ziptable`, which loads in milliseconds):

* ``10001`` or ``10001-1234`` (ZIP+4 keeps only the ZIP) - the ZIP's centroid;
* ``Boston, MA``, ``columbus ohio`` or ``Columbus OH 43215`` (the comma is optional, the
  state a code or its name; a ZIP after the state is used as the ZIP) - the mean of the
  centroids of the city's active STANDARD ZIPs. A mean of the ZIPs people live in sits near
  the middle of town, while a single "main" ZIP is often a downtown post office at one edge
  of a large city. When a city has no STANDARD ZIP with a location, its other ZIPs (PO Box,
  unique) are used instead;
* ``40.7128, -74.006`` - latitude then longitude, in degrees.

A centroid of 0,0 means the package has no location for that ZIP (military APO/FPO and some
PO Box ZIPs); such a ZIP is refused with a message, never placed in the Gulf of Guinea.

Street addresses need an online geocoder. That only happens when the caller passes one
explicitly (the user opted in, because the address is sent to a third party):
:class:`NominatimGeocoder` wraps geopy's Nominatim, and tests pass a fake :class:`AddressGeocoder`.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, Literal, Protocol

import us

from matching.directory.ziptable import ZipRecord, normalize_city, zip_table
from matching.errors import LocationError

LocationKind = Literal["zip", "city", "coordinates", "address"]
LOCATION_KINDS: Final[tuple[LocationKind, ...]] = typing.get_args(LocationKind)

_ZIP_RE = re.compile(r"^(\d{5})(?:[-\s]?(\d{4}))?$")
_COORDINATES_RE = re.compile(r"^\(?\s*([-+]?\d+(?:\.\d*)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d*)?)\s*\)?$")
# "City, State" with an optional ZIP after it: the city has no digits or commas (so a street
# address is never taken for a city); the state is matched against codes and names below.
_PLACE_RE = re.compile(
    r"^(?P<head>[^,\d]+?)\s*(?P<comma>,?)\s*(?P<tail>[A-Za-z. ]+?)\.?"
    r"(?:\s*,?\s*(?P<zip>\d{5})(?:-?\d{4})?)?$"
)

FORMS_HINT = 'Enter a 5-digit ZIP (e.g. 10001), "City, ST" (e.g. Boston, MA) or "lat, lon".'


@dataclass(frozen=True, kw_only=True, slots=True)
class Location:
    """A resolved place: WGS84 degrees, a label to show, and which kind of input it came from."""

    lat: float
    lon: float
    label: str
    kind: LocationKind

    def __post_init__(self) -> None:
        if self.kind not in LOCATION_KINDS:
            raise LocationError(
                f"Location kind {self.kind!r} is not one of {', '.join(LOCATION_KINDS)}"
            )
        _check_range(self.lat, self.lon)


class AddressGeocoder(Protocol):
    """Anything that can turn a street address into a Location (None when nothing matches)."""

    def geocode(self, address: str) -> Location | None: ...


def resolve_location(text: str, *, geocoder: AddressGeocoder | None = None) -> Location:
    """Resolve a ZIP, ZIP+4, "City, ST", "lat, lon" or (with ``geocoder``) a street address.

    Offline unless a ``geocoder`` is given: ZIPs and cities resolve from an offline table,
    and a street address is only looked up online when the user opted in (docs/privacy.md).

    Parameters
    ----------
    text : str
        What the user typed, e.g. ``"10001"``, ``"02118-1234"``, ``"Boston, MA"``,
        ``"40.75, -73.99"``.
    geocoder : AddressGeocoder, optional
        Used only for text that is none of the forms above (e.g. a NominatimGeocoder).

    Returns
    -------
    Location
        ``lat``, ``lon``, a ``label`` to show, and ``kind`` (``"zip"``, ``"city"``,
        ``"coordinates"`` or ``"address"``).

    Raises
    ------
    LocationError
        A sentence saying what was not understood and what to try (an unknown ZIP, a wrong
        state code, swapped coordinates, an address without a geocoder).

    Examples
    --------
    >>> from matching import resolve_location
    >>> place = resolve_location("02118")
    >>> place.kind, round(place.lat, 1), round(place.lon, 1)
    ('zip', 42.3, -71.1)
    >>> resolve_location("40.75, -73.99").label
    '40.7500, -73.9900'
    >>> resolve_location("Boston, XX")
    Traceback (most recent call last):
    ...
    matching.errors.LocationError: 'XX' is not a US state or territory...
    """
    cleaned = " ".join(str(text).split())
    if not cleaned:
        raise LocationError(f"No place given. {FORMS_HINT}")
    if match := _ZIP_RE.match(cleaned):
        return _resolve_zip(match.group(1))
    if match := _COORDINATES_RE.match(cleaned):
        return _resolve_coordinates(float(match.group(1)), float(match.group(2)))
    place = split_place(cleaned)
    if place is not None:
        return _resolve_place(place)
    if geocoder is not None:
        found = geocoder.geocode(cleaned)
        if found is None:
            raise LocationError(
                "The address lookup found no match for that address; check the spelling "
                'or enter the ZIP or "City, ST" instead.'
            )
        return found
    if (match := _PLACE_RE.match(cleaned)) and match.group("comma"):
        raise LocationError(_state_suggestion(match.group("tail")))
    if not any(character.isdigit() for character in cleaned) and "," not in cleaned:
        raise LocationError(
            f"Could not understand the place {cleaned[:60]!r}: a city needs its state, e.g. "
            f'"{cleaned[:40]}, ST" with the two-letter code or the name of the state.'
        )
    raise LocationError(
        f"Could not understand the place {cleaned[:60]!r}. {FORMS_HINT} "
        "Street addresses need online lookup, which is off unless you turn it on."
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class PlaceText:
    """A place typed as "City, State [ZIP]": the city as typed, the state's code, the ZIP or ""."""

    city: str
    state: str
    zip_code: str = ""


def split_place(text: str) -> PlaceText | None:
    """Split "Columbus, Ohio", "columbus oh" or "Columbus OH 43215"; None if it is not that shape.

    The state is a two-letter code or a full name ("New York", "District of Columbia"), in any
    case, with or without a comma before it; the longest name that ends the text wins, so
    "Kansas City, Kansas" is Kansas City in KS.
    """
    match = _PLACE_RE.match(" ".join(text.split()))
    if match is None:
        return None
    zip_code = match.group("zip") or ""
    if match.group("comma"):
        # Everything between the comma and the ZIP must be the state.
        candidates = [(match.group("head"), match.group("tail"))]
    else:
        words = f"{match.group('head')}{match.group('tail')}".split()
        # Longest state name first (up to three words: "District of Columbia").
        candidates = [
            (" ".join(words[:at]), " ".join(words[at:]))
            for at in range(max(1, len(words) - 3), len(words))
        ]
    for city, state in candidates:
        code = _state_codes().get(" ".join(state.replace(".", " ").split()).casefold())
        if code is not None and city.strip():
            return PlaceText(city=city.strip(), state=code, zip_code=zip_code)
    return None


@lru_cache(maxsize=1)
def _state_codes() -> dict[str, str]:
    """Return the state code for each code and name, casefolded (states, DC, territories)."""
    known = {*us.states.STATES_AND_TERRITORIES, us.states.DC}
    codes = {state.abbr.casefold(): state.abbr for state in known}
    codes |= {state.name.casefold(): state.abbr for state in known}
    return codes


def _resolve_place(place: PlaceText) -> Location:
    if not place.zip_code:
        return _resolve_city(place.city, place.state)
    found = _resolve_zip(place.zip_code)
    entry = zip_table().get(place.zip_code)
    if entry is not None and entry.state != place.state:
        raise LocationError(
            f"ZIP {place.zip_code} is in {entry.city.title()}, {entry.state}, not in "
            f"{place.state}; correct the ZIP or the state, or enter only one of them."
        )
    return found


def _state_suggestion(typed: str) -> str:
    """Say that ``typed`` is no state, suggesting the closest codes or names."""
    wanted = " ".join(typed.replace(".", " ").split())
    codes = _state_codes()
    close = difflib.get_close_matches(wanted.casefold(), list(codes), n=3, cutoff=0.6)
    full_names = {state.abbr: state.name for state in us.states.STATES_AND_TERRITORIES}
    full_names[us.states.DC.abbr] = us.states.DC.name
    suggested = [f"{full_names[code]} ({code})" for code in dict.fromkeys(codes[n] for n in close)]
    hint = f" Did you mean {' or '.join(suggested)}?" if suggested else ""
    shown = wanted.upper() if len(wanted) <= 2 else wanted
    return f"{shown!r} is not a US state or territory.{hint} {FORMS_HINT}"


def _check_range(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise LocationError(f"Latitude {lat} is out of range: it must be between -90 and 90.")
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise LocationError(f"Longitude {lon} is out of range: it must be between -180 and 180.")


def _resolve_coordinates(lat: float, lon: float) -> Location:
    if -90.0 <= lon <= 90.0 and not -90.0 <= lat <= 90.0:
        raise LocationError(
            f"Latitude {lat} is out of range (-90 to 90); did you swap them? "
            f'Write "lat, lon", e.g. "{lon}, {lat}".'
        )
    _check_range(lat, lon)
    if lat == 0.0 and lon == 0.0:
        raise LocationError("0, 0 is not a real location here; enter the place's coordinates.")
    return Location(lat=lat, lon=lon, label=f"{lat:.4f}, {lon:.4f}", kind="coordinates")


# ----------------------------------------------------------------------------- ZIPs and cities


def _states() -> frozenset[str]:
    return zip_table().states()


def _resolve_zip(zip_code: str) -> Location:
    entry = zip_table().get(zip_code)
    if entry is None:
        raise LocationError(f"ZIP {zip_code} does not exist.{_zip_suggestion(zip_code)}")
    if not entry.located:
        raise LocationError(
            f"ZIP {zip_code} ({entry.city.title()}, {entry.state}) has no known location "
            "(military or PO Box ZIPs often have none); enter the nearest residential ZIP "
            'or "City, ST" instead.'
        )
    return Location(
        lat=entry.lat, lon=entry.lon, label=f"{zip_code} ({entry.city}, {entry.state})", kind="zip"
    )


# A suggested ZIP shares the first three digits and is at most this far from what was typed, so
# a typo's neighbours are offered ("10000" -> 10001) but 99999 does not send you to Ketchikan.
ZIP_SUGGESTION_SPAN: Final = 20


def _zip_suggestion(zip_code: str) -> str:
    prefix = zip_code[:3]
    valid = [entry for entry in zip_table().with_prefix(prefix) if entry.located and entry.active]
    if not valid:
        return f" No ZIP codes start with {prefix}; check the number. {FORMS_HINT}"
    nearby = sorted(
        (
            entry.zip_code
            for entry in valid
            if abs(int(entry.zip_code) - int(zip_code)) <= ZIP_SUGGESTION_SPAN
        ),
        key=lambda other: (abs(int(other) - int(zip_code)), other),
    )[:3]
    if nearby:
        return f" Nearby valid ZIPs: {', '.join(sorted(nearby))}."
    states = " or ".join(sorted({_state_name(entry.state) for entry in valid}))
    return (
        f" No valid ZIP is close to it (ZIPs starting with {prefix} are in {states}); check the "
        f"number. {FORMS_HINT}"
    )


def _state_name(code: str) -> str:
    found = us.states.lookup(code)
    return found.name if found is not None else code


def _resolve_city(city: str, state: str) -> Location:
    table, key = zip_table(), (state, normalize_city(city))
    primary, alias = (table.city(*key, kind=kind) for kind in ("primary", "alias"))
    if not primary and not alias:
        raise LocationError(f"No city called {city.strip()!r} in {state}.{_city_suggestion(key)}")
    chosen: list[ZipRecord] = []
    for entries in (primary, alias):
        located = [entry for entry in entries if entry.located and entry.active]
        chosen = chosen or [entry for entry in located if entry.standard] or located
    if not chosen:
        raise LocationError(
            f"{city.strip()}, {state} has no ZIP with a known location; enter a nearby ZIP."
        )
    lat = sum(entry.lat for entry in chosen) / len(chosen)
    lon = sum(entry.lon for entry in chosen) / len(chosen)
    return Location(lat=lat, lon=lon, label=f"{chosen[0].city}, {state}", kind="city")


def _city_suggestion(key: tuple[str, str]) -> str:
    state, wanted = key
    names = zip_table().city_names(state)
    close = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.75)
    if close:
        return " Did you mean " + " or ".join(f"{names[name]}, {state}" for name in close) + "?"
    return f" Check the spelling, or enter the ZIP instead. {FORMS_HINT}"


# ----------------------------------------------------------------------------- online addresses

USER_AGENT = "ReadyBed/0.1 (local placement tool)"


class NominatimGeocoder:
    """Geocode US street addresses online through OpenStreetMap's Nominatim (opt-in only).

    Requests go through geopy's ``RateLimiter`` (at least ``min_delay_seconds`` apart, as the
    Nominatim usage policy asks) with a ``timeout``. Answers are cached in memory and, when
    ``cache_path`` is given, in a small JSON file (owner-only permissions) so a repeated lookup
    never leaves the machine again. ``geolocator`` lets a caller supply any object with geopy's
    ``geocode(query, **kwargs)`` signature; by default a real ``geopy.geocoders.Nominatim``.
    """

    def __init__(
        self,
        *,
        user_agent: str = USER_AGENT,
        timeout: float = 10.0,
        min_delay_seconds: float = 1.0,
        cache_path: str | os.PathLike[str] | None = None,
        geolocator: Any | None = None,
    ) -> None:
        from geopy.extra.rate_limiter import RateLimiter

        if geolocator is None:
            from geopy.geocoders import Nominatim

            geolocator = Nominatim(user_agent=user_agent, timeout=timeout)
        self._timeout = timeout
        self._lookup: Callable[..., Any] = RateLimiter(
            geolocator.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=1,
            error_wait_seconds=2.0,
            swallow_exceptions=False,
        )
        self._cache_path = Path(cache_path) if cache_path is not None else None
        self._cache: dict[str, list[float | str] | None] = self._read_cache()

    def geocode(self, address: str) -> Location | None:
        """Return the address's Location, None when nothing matches; LocationError on failure."""
        from geopy.exc import GeopyError

        key = " ".join(address.casefold().split())
        if key not in self._cache:
            try:
                found = self._lookup(
                    address, exactly_one=True, country_codes="us", timeout=self._timeout
                )
            except GeopyError as exc:
                raise LocationError(
                    "The online address lookup did not answer "
                    f"({type(exc).__name__}); try again in a minute, or enter the ZIP or "
                    '"City, ST" instead.'
                ) from exc
            self._cache[key] = (
                None if found is None else [found.latitude, found.longitude, found.address]
            )
            self._write_cache()
        cached = self._cache[key]
        if cached is None:
            return None
        lat, lon, label = cached
        return Location(lat=float(lat), lon=float(lon), label=str(label), kind="address")

    def _read_cache(self) -> dict[str, list[float | str] | None]:
        if self._cache_path is None or not self._cache_path.exists():
            return {}
        try:
            loaded = json.loads(self._cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # A damaged cache only costs a new lookup.
        return loaded if isinstance(loaded, dict) else {}

    def _write_cache(self) -> None:
        if self._cache_path is None:
            return
        from matching.directory.io import write_text_atomic

        write_text_atomic(self._cache_path, json.dumps(self._cache, sort_keys=True))
        self._cache_path.chmod(0o600)
