"""Call odds in the app (AppTest over a real SQLite store): the band on cards, "Call these
first" ordered by a fresh report first and then the odds, and the call form's new answers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from matching.directory.demo import load_demo_directory
from matching.records.calllog import CallReport, call_history
from matching.records.store import open_engine
from matching.records.team import LOCAL
from matching.records.workspace import Workspace
from matching.search.engine import search
from matching.search.geo import resolve_location
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PLACE = "Columbus, OH"


def _nearby_ids() -> list[str]:
    """Return the ids of good results of the app's default search around PLACE whose own
    (synthetic) availability is not a fresh report of open beds."""
    index = FacilityIndex(load_demo_directory())
    query = SearchQuery(origin=resolve_location(PLACE), radius_miles=50)
    found = search(index, query, top=40)
    quiet = found[found["freshness"] != "fresh"]
    return list(quiet["facility_id"].head(6))


def _log(store_url: str, facility_id: str, *, days_ago: float, status: str, **asked: str) -> None:
    engine = open_engine(store_url)
    Workspace(engine, LOCAL).calls.log_call(
        CallReport(
            facility_id=facility_id,
            availability_status=status,  # type: ignore[arg-type]
            reported_at=datetime.now(UTC) - timedelta(days=days_ago),
            need=asked.get("need", "residential"),
            payer=asked.get("payer", "self"),
            outcome=asked.get("outcome", ""),
        )
    )
    engine.dispose()


def _searched(store_url: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.text_input(key="place").input(PLACE)
    at.button(key="search_submit").click()
    return at.run()


def _card_notes(at: AppTest) -> list[str]:
    """Return the smaller lines of the result cards (last call, MOUD answer, call odds)."""
    return [
        note
        for markdown in at.markdown
        for note in re.findall(r":small\[(.*?)\](?:  \n|$)", str(markdown.value), flags=re.M)
    ]


def _call_first(at: AppTest) -> list[str]:
    [expander] = [e for e in at.expander if e.label == "Call these first"]
    return [str(m.value) for m in expander.markdown]


def test_no_logged_calls_no_odds(store_url: str) -> None:
    at = _searched(store_url)
    assert not at.exception
    assert not [e for e in at.expander if e.label == "Call these first"]
    assert not [c for c in at.caption if str(c.value).startswith("Call odds:")]


def test_the_odds_order_calls_and_a_fresh_report_comes_first(store_url: str) -> None:
    first, second, *_ = _nearby_ids()
    for days in (3, 4, 5):  # the second program found a bed three times last week
        _log(store_url, second, days_ago=days, status="openings")
    _log(store_url, first, days_ago=6, status="no_openings")
    at = _searched(store_url)
    assert not at.exception
    order = _call_first(at)
    assert len(order) == 5
    names = load_demo_directory().set_index("facility_id")["name"]
    [line] = [line for line in order if names[second] in line]
    assert "likely" in line and "3 to this one, 3 found a bed" in line
    assert "too few calls logged to learn from (4)" in line and "for residential, Self-pay" in line
    assert not any("%" in line for line in order)  # a band, never a bare percentage
    table = at.dataframe[0].value
    assert "Call odds" in table.columns and table["Call odds"].str.contains("to this one").all()
    at.radio(key="results_view_choice").set_value("Cards").run()
    odds = [note for note in _card_notes(at) if note.startswith("Call odds:")]
    assert odds and all(word in " ".join(odds) for word in ("likely", "calls"))
    assert not any(names[first] in line for line in order)  # it had no openings
    # A bed reported open an hour ago beats every estimate, however good.
    _log(store_url, first, days_ago=0.04, status="openings")
    order = _call_first(_searched(store_url))
    position = {name: i for i, line in enumerate(order) for name in names if name in line}
    assert position[names[first]] < position[names[second]]


def test_the_call_form_records_what_was_asked_and_a_call_not_answered(store_url: str) -> None:
    at = _searched(store_url)
    at.radio(key="results_view_choice").set_value("Cards").run()
    [first_card, *_] = [b for b in at.button if str(b.key).startswith("open_")]
    first_card.click().run()
    at.selectbox(key="log_status").set_value("no_answer")
    at.selectbox(key="log_need").set_value("detox")
    at.selectbox(key="log_payer").set_value("medicaid")
    at.button(key="log_submit").click().run()
    assert not at.exception and not at.error
    engine = open_engine(store_url)
    rows, _ = Workspace(engine, LOCAL).calls.export_calls(tz="UTC")
    history = call_history(engine, actor=LOCAL)
    engine.dispose()
    assert list(rows[["need", "payer", "outcome"]].iloc[0]) == ["detox", "medicaid", "no_answer"]
    assert history["availability_status"].iloc[0] == "unknown"  # no availability reported


@pytest.mark.parametrize("choice", ["openings", "not_accepted"])
def test_every_choice_of_the_form_has_words(choice: str) -> None:
    from app_pages.calls_ui import said_label, status_and_outcome

    assert said_label(choice)
    status, outcome = status_and_outcome(choice)
    assert (status, outcome) == (("openings", "") if choice == "openings" else ("unknown", choice))


def test_the_note_of_a_call_follows_the_facility_to_its_card_and_the_shortlist(
    store_url: str,
) -> None:
    at = _searched(store_url)
    at.radio(key="results_view_choice").set_value("Cards").run()
    [first_card, *_] = [b for b in at.button if str(b.key).startswith("open_")]
    facility_id = str(first_card.key).removeprefix("open_")
    first_card.click().run()
    at.selectbox(key="log_status").set_value("openings")
    [note] = [t for t in at.text_input if t.label == "Note"]
    note.input("bed available, call back by 5pm")
    at.button(key="log_submit").click().run()
    assert not at.exception
    notes = " ".join(_card_notes(at))
    assert 'Last call: "bed available, call back by 5pm"' in notes.replace("\\", "")
    engine = open_engine(store_url)
    workspace = Workspace(engine, LOCAL)
    demo = load_demo_directory()
    chosen = demo[demo["facility_id"] == facility_id]
    listed = workspace.shortlists.default_shortlist()
    workspace.shortlists.add_facilities(listed.id, chosen, origin_label=PLACE)
    engine.dispose()
    at.switch_page("app_pages/shortlist.py").run()
    shown = " ".join(str(m.value) for m in at.markdown).replace("\\", "")
    assert '**Last call:** "bed available, call back by 5pm"' in shown
    # The shortlist carries the odds too, for the need and payer of the search on Search.
    odds = [str(c.value) for c in at.caption if str(c.value).startswith("Call odds:")]
    assert odds and "1 to this one" in odds[0] and "for residential" in odds[0]


def test_a_call_a_teammate_logs_shows_on_the_next_rerun_of_the_same_search(
    store_url: str,
) -> None:
    """Search keeps its last results while nothing they depend on changes: a call logged
    elsewhere (another team member, the CLI) changes the log, so the next rerun ranks again."""
    at = _searched(store_url)
    table = at.dataframe[0].value
    facility_id = str(table["facility_id"].iloc[3])
    row = table[table["facility_id"] == facility_id].iloc[0]
    assert not str(row["Availability"]).startswith("Openings: 9 detox")
    engine = open_engine(store_url)
    Workspace(engine, LOCAL).calls.log_call(
        CallReport(
            facility_id=facility_id,
            availability_status="openings",
            beds_open_detox=9,
            reported_at=datetime.now(UTC) - timedelta(minutes=5),
        )
    )
    engine.dispose()
    at.run()  # the same search, rerun (as a click anywhere on the page does)
    table = at.dataframe[0].value
    row = table[table["facility_id"] == facility_id].iloc[0]
    assert str(row["Availability"]).startswith("Openings: 9 detox")


def test_call_first_puts_a_fresh_open_bed_first_then_the_best_odds() -> None:
    from app_pages.calls_ui import CHANCE_COLUMN, call_first

    shown = pd.DataFrame(
        {
            "name": ["a", "b", "c", "d", "e", "f", "g"],
            "freshness": ["stale", "fresh", "fresh", "unknown", "aging", "fresh", "unknown"],
            "availability_for_need": ["openings", "no_openings", "unknown", "", "", "", ""],
            "beds_needed": pd.array([None, None, 2, None, None, 0, None], dtype="Int64"),
            CHANCE_COLUMN: [0.9, 0.95, 0.1, None, 0.5, 0.5, 0.2],
        }
    )
    # c: a fresh report of open beds; then a, b, e and f by odds (e before f: rank order),
    # and a program without odds last.
    assert call_first(shown)["name"].tolist() == ["c", "b", "a", "e", "f"]
    assert call_first(shown.drop(columns=CHANCE_COLUMN)).empty
