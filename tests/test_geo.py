"""Resolving what a user types into a place, offline, and the opt-in online address path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from geopy.distance import geodesic
from geopy.exc import GeocoderTimedOut

from matching.errors import LocationError
from matching.search.geo import USER_AGENT, Location, NominatimGeocoder, resolve_location


def test_zip_resolves_to_its_centroid() -> None:
    place = resolve_location("10001")
    assert (place.lat, place.lon, place.kind) == (40.7484, -73.9967, "zip")
    assert "New York, NY" in place.label


def test_zip_plus_four_uses_the_five_digit_zip() -> None:
    assert resolve_location("10001-1234") == resolve_location("10001")


def test_zip_keeps_leading_zero() -> None:
    place = resolve_location("02108")
    assert "Boston, MA" in place.label


def test_city_resolves_near_the_middle_of_town() -> None:
    place = resolve_location("Boston, MA")
    assert place.kind == "city"
    assert place.label == "Boston, MA"
    # The mean of Boston's ZIP centroids lies within a few miles of the State House.
    assert geodesic((place.lat, place.lon), (42.3588, -71.0638)).miles < 5


def test_city_spelling_variants_resolve() -> None:
    assert resolve_location("st. louis, mo") == resolve_location("Saint Louis, MO")
    assert resolve_location("Boston MA") == resolve_location("Boston, MA")


def test_coordinates_resolve_in_lat_lon_order() -> None:
    place = resolve_location("40.7128, -74.0060")
    assert (place.lat, place.lon, place.kind) == (40.7128, -74.006, "coordinates")


def test_swapped_coordinates_get_a_hint() -> None:
    with pytest.raises(LocationError, match="swap"):
        resolve_location("-122.4194, 37.7749")


def test_out_of_range_longitude_is_refused() -> None:
    with pytest.raises(LocationError, match="Longitude 200"):
        resolve_location("40, 200")


def test_unknown_zip_suggests_nearby_valid_zips() -> None:
    with pytest.raises(LocationError, match=r"ZIP 10000 does not exist.*Nearby valid ZIPs: \d{5}"):
        resolve_location("10000")


def test_zip_with_no_centroid_says_its_location_is_unknown() -> None:
    # 09001 is a military APO ZIP whose centroid in the data is 0,0.
    with pytest.raises(LocationError, match="09001.*no known location"):
        resolve_location("09001")


def test_misspelled_city_suggests_the_right_one() -> None:
    with pytest.raises(LocationError, match="Did you mean Boston, MA"):
        resolve_location("Bostn, MA")


def test_unknown_state_is_named() -> None:
    with pytest.raises(LocationError, match="'XX' is not a US state"):
        resolve_location("Boston, XX")


def test_empty_place_explains_the_forms() -> None:
    with pytest.raises(LocationError, match="5-digit ZIP"):
        resolve_location("   ")


def test_street_address_without_geocoder_says_lookup_is_off() -> None:
    with pytest.raises(LocationError, match="online lookup, which is off"):
        resolve_location("350 5th Ave, New York, NY 10118")


class FakeGeocoder:
    """Answers from a dict, records what it was asked; never touches the network."""

    def __init__(self, answers: dict[str, Location]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def geocode(self, address: str) -> Location | None:
        self.asked.append(address)
        return self.answers.get(address)


def test_street_address_goes_to_the_geocoder_given() -> None:
    empire = Location(lat=40.7484, lon=-73.9857, label="Empire State Building", kind="address")
    fake = FakeGeocoder({"350 5th Ave, New York, NY 10118": empire})
    assert resolve_location("350 5th Ave, New York, NY 10118", geocoder=fake) == empire


def test_zip_never_reaches_the_geocoder() -> None:
    fake = FakeGeocoder({})
    resolve_location("10001", geocoder=fake)
    assert fake.asked == []


def test_address_the_geocoder_cannot_find_is_a_clear_error() -> None:
    with pytest.raises(LocationError, match="found no match"):
        resolve_location("1 Nowhere Lane", geocoder=FakeGeocoder({}))


class _Point:
    def __init__(self, lat: float, lon: float, address: str) -> None:
        self.latitude, self.longitude, self.address = lat, lon, address


class FakeNominatim:
    """Stands in for geopy's Nominatim: same ``geocode`` signature, counts calls."""

    def __init__(self, *, fail: bool = False) -> None:
        self.calls: list[tuple[str, dict[str, object]]] = []
        self.fail = fail

    def geocode(self, query: str, **kwargs: object) -> _Point | None:
        self.calls.append((query, kwargs))
        if self.fail:
            raise GeocoderTimedOut("Service timed out")
        if "Nowhere" in query:
            return None
        return _Point(40.7484, -73.9857, "Empire State Building, New York, NY")


def test_nominatim_geocoder_asks_for_one_us_result_with_a_timeout() -> None:
    fake = FakeNominatim()
    geocoder = NominatimGeocoder(geolocator=fake, min_delay_seconds=0, timeout=7)
    place = geocoder.geocode("350 5th Ave, New York")
    assert place == Location(
        lat=40.7484, lon=-73.9857, label="Empire State Building, New York, NY", kind="address"
    )
    assert fake.calls[0][1] == {"exactly_one": True, "country_codes": "us", "timeout": 7}


def test_nominatim_geocoder_caches_answers_in_memory() -> None:
    fake = FakeNominatim()
    geocoder = NominatimGeocoder(geolocator=fake, min_delay_seconds=0)
    geocoder.geocode("350 5th Ave, New York")
    geocoder.geocode("350  5TH AVE, new york")
    assert len(fake.calls) == 1


def test_nominatim_geocoder_cache_file_survives_a_restart(tmp_path: Path) -> None:
    cache = tmp_path / ".readybed" / "geocode_cache.json"
    NominatimGeocoder(geolocator=FakeNominatim(), min_delay_seconds=0, cache_path=cache).geocode(
        "350 5th Ave, New York"
    )
    second = FakeNominatim()
    again = NominatimGeocoder(geolocator=second, min_delay_seconds=0, cache_path=cache)
    assert again.geocode("350 5th Ave, New York") is not None
    assert second.calls == []
    assert cache.stat().st_mode & 0o077 == 0
    assert json.loads(cache.read_text(encoding="utf-8"))


def test_nominatim_geocoder_remembers_no_match() -> None:
    fake = FakeNominatim()
    geocoder = NominatimGeocoder(geolocator=fake, min_delay_seconds=0)
    assert geocoder.geocode("1 Nowhere Lane") is None
    assert geocoder.geocode("1 Nowhere Lane") is None
    assert len(fake.calls) == 1


def test_nominatim_geocoder_failure_is_a_friendly_location_error() -> None:
    geocoder = NominatimGeocoder(geolocator=FakeNominatim(fail=True), min_delay_seconds=0)
    geocoder._lookup.error_wait_seconds = 0  # type: ignore[attr-defined]
    with pytest.raises(LocationError, match="did not answer.*ZIP"):
        geocoder.geocode("350 5th Ave, New York")


def test_default_user_agent_names_readybed() -> None:
    assert USER_AGENT == "ReadyBed/0.1 (local placement tool)"
    geocoder = NominatimGeocoder()
    assert geocoder._lookup.func.__self__.headers["User-Agent"] == USER_AGENT  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "typed", ["Columbus, Ohio", "columbus oh", "COLUMBUS,OH", "Columbus Ohio", "columbus, oh."]
)
def test_city_with_state_code_or_name_resolves(typed: str) -> None:
    assert resolve_location(typed) == resolve_location("Columbus, OH")


def test_city_state_and_zip_uses_the_zip() -> None:
    place = resolve_location("Columbus OH 43215")
    assert place == resolve_location("43215")
    assert place.label == "43215 (Columbus, OH)"


def test_multi_word_state_names_and_cities() -> None:
    assert resolve_location("Kansas City Kansas").label == "Kansas City, KS"
    assert resolve_location("New York New York").label == "New York, NY"
    assert resolve_location("Charleston, West Virginia").label == "Charleston, WV"


def test_zip_in_another_state_is_refused_with_both_named() -> None:
    with pytest.raises(LocationError, match="ZIP 10001 is in New York, NY, not in OH"):
        resolve_location("Columbus OH 10001")


def test_misspelled_state_name_suggests_the_closest() -> None:
    with pytest.raises(LocationError, match=r"Did you mean Ohio \(OH\)"):
        resolve_location("Columbus, Ohoi")


def test_city_without_state_asks_for_the_state() -> None:
    with pytest.raises(LocationError, match="a city needs its state"):
        resolve_location("Springfield")


def test_address_with_city_and_state_still_goes_to_the_geocoder() -> None:
    fake = FakeGeocoder({})
    with pytest.raises(LocationError, match="found no match"):
        resolve_location("350 5th Ave, New York, NY 10118", geocoder=fake)
    assert fake.asked == ["350 5th Ave, New York, NY 10118"]
