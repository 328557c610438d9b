"""The last search in the local store, and the page's form read back from it."""

from __future__ import annotations

from datetime import date, time

from app_pages.search_form import FormInput, form_from_json
from matching.records.team import LOCAL
from matching.records.workspace import Workspace


def test_last_search_round_trips_and_is_replaced(engine) -> None:
    searches = Workspace(engine, LOCAL).searches
    assert searches.load_last_search() is None
    searches.save_last_search({"place": "10001"})
    searches.save_last_search({"place": "Columbus, Ohio", "radius": 25})
    assert searches.load_last_search() == {
        "place": "Columbus, Ohio",
        "radius": 25,
    }
    assert searches.forget_last_search() is True
    assert searches.load_last_search() is None


def test_form_survives_json_with_dates_times_and_choices() -> None:
    form = FormInput(
        place="Columbus OH 43215",
        radius=75,
        payers=("medicaid", "private"),
        detox="opioid",
        moud=("buprenorphine",),
        min_beds=2,
        max_age=72.0,
        intervention_day=date(2026, 12, 5),
        intervention_time=time(9, 30),
        preset="interventionist",
    )
    assert form_from_json(form.to_json()) == form


def test_unusable_stored_values_fall_back_to_defaults_without_breaking() -> None:
    stored = {
        "place": "10001",
        "radius": 10_000,
        "payers": ["medicaid", "no-such-payer"],
        "detox": "teleportation",
        "intervention_day": "not a date",
        "preset": "removed-preset",
        "unknown_field": 1,
    }
    form = form_from_json(stored)
    assert form.place == "10001"
    assert form.radius == 300  # clamped to the slider
    assert form.payers == ("medicaid",)
    assert form.detox is None and form.intervention_day is None
    assert form.preset == FormInput().preset
