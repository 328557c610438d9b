"""The call record follows the facility: a fresh "no openings" ranks below every facility not
reported until it ages, the newest call note shows in the exports, and phone extensions are
kept in tel: links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
from pypdf import PdfReader
from search_frames import ORIGIN, directory, facility

from matching.records.calllog import CallReport, latest_notes
from matching.records.store import open_engine
from matching.records.team import LOCAL
from matching.records.workspace import Workspace
from matching.render import exports
from matching.search.engine import search
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery

NOW = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)


def _ranked(hours_ago: float) -> tuple[list[str], str]:
    """Search three residential programs; the nearest had no openings ``hours_ago``."""
    rows = directory(
        facility(1, miles=1, residential=True, availability_status="no_openings",
                 beds_open_residential=0,
                 availability_reported_at=pd.Timestamp(NOW - timedelta(hours=hours_ago))),
        facility(2, miles=20, residential=True),
        facility(3, miles=30, residential=True),
    )  # fmt: skip
    results = search(FacilityIndex(rows), SearchQuery(origin=ORIGIN, radius_miles=50), now=NOW)
    return list(results["facility_id"]), str(
        results.set_index("facility_id").loc["f001", "reasons"]
    )


def test_a_fresh_no_openings_ranks_below_every_program_not_reported() -> None:
    order, reasons = _ranked(hours_ago=2)
    assert order == ["f002", "f003", "f001"]
    assert "listed below the programs not yet reported until this report is older" in reasons


def test_once_the_report_ages_the_facility_ranks_by_its_score_again() -> None:
    order, reasons = _ranked(hours_ago=30)
    assert order[0] == "f001"  # nearest, and no longer demoted
    assert "listed below" not in reasons


def test_the_newest_note_of_each_facility_is_read_and_kept_in_every_export(
    store_url: str, tmp_path: Path
) -> None:
    engine = open_engine(store_url)
    calls = Workspace(engine, LOCAL).calls
    for hours, note in ((5, "old: call Monday"), (1, "bed available, call back by 5pm")):
        calls.log_call(
            CallReport(facility_id="f001", availability_status="openings", note=note,
                       reported_at=datetime.now(UTC) - timedelta(hours=hours))
        )  # fmt: skip
    calls.log_call(CallReport(facility_id="f001", availability_status="waitlist"))  # no note
    calls.log_call(CallReport(facility_id="f002", availability_status="waitlist"))
    notes = latest_notes(engine, ["f001", "f002", "f003"], actor=LOCAL)
    engine.dispose()
    assert list(notes["facility_id"]) == ["f001"]
    assert notes["last_call_note"].iloc[0] == "bed available, call back by 5pm"
    view = directory(facility(1), facility(2)).assign(
        position=[1, 2],
        note="",
        distance_miles=[1.0, 2.0],
        last_call_note=["bed available, call back by 5pm", ""],
        last_call_at=[pd.Timestamp("2026-12-05T19:05Z"), pd.NaT],
    )
    table = exports.shortlist_table(view, tz="America/New_York", relative=False)
    assert table[exports.LAST_CALL].tolist() == [
        '"bed available, call back by 5pm" (Dec 05 14:05 EST)',
        "",
    ]
    assert "bed available, call back by 5pm" in exports.csv_bytes(table).decode("utf-8-sig")
    pdf = tmp_path / "shortlist.pdf"
    pdf.write_bytes(exports.shortlist_pdf(table))
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Last call" in text and "call back by 5pm" in text
