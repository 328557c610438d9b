"""What a person reads about a facility: three lists, ZIP-centre miles, listing age, questions."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader
from search_frames import NOW, ORIGIN, directory, facility

from matching.directory import columns as col
from matching.render import display, exports
from matching.render.callscript import call_script, unrecorded_questions
from matching.search.engine import search
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery

LISTED_2023 = pd.Timestamp("2023-03-31", tz="UTC")


def test_details_show_offered_not_offered_and_not_recorded_including_the_profile() -> None:
    row = directory(
        facility(
            1,
            methadone=True,
            accepts_moud_clients=pd.NA,
            accepts_female=True,
            accepts_male=False,
            lang_spanish=True,
            languages="Arabic; Vietnamese",
            accreditations="CARF",
        )
    ).iloc[0]
    lists = display.service_lists(row)
    assert list(lists) == [
        "offered",
        "not offered",
        "not recorded by this source",
        "the listing contradicts itself (ask)",
    ]
    assert {"Methadone", "Accepts women", "Services in Spanish"} <= set(lists["offered"])
    assert "Other languages: Arabic; Vietnamese" in lists["offered"]
    assert "Accredited by: CARF" in lists["offered"]
    assert "Accepts men" in lists["not offered"]
    not_recorded = lists["not recorded by this source"]
    assert "Accepts clients already on opioid medication" in not_recorded
    assert "Program for pregnant or postpartum women" in not_recorded
    assert "Accepts clients already on opioid medication" not in lists["not offered"]
    every = [label for labels in lists.values() for label in labels]
    assert len(every) == len(display.LIST_LABELS) + 2


def test_distance_says_about_for_zip_center_rows_only() -> None:
    frame = pd.DataFrame(
        {"distance_miles": [2.34, 12.6], col.LOCATION_PRECISION: ["exact", "zip_centroid"]}
    )
    assert display.distance_text(frame).tolist() == ["2.3 miles", "about 13 miles (ZIP centre)"]


@pytest.mark.parametrize(
    ("source", "listed_at", "expected"),
    [
        ("SAMHSA National Directory 2023", LISTED_2023,
         "SAMHSA National Directory 2023 (2022 survey) — call to confirm"),
        ("findtreatment-csv:export.csv", pd.Timestamp("2026-10-02", tz="UTC"),
         "FindTreatment.gov export (export.csv), listed October 2026 — call to confirm"),
        ("state feed", pd.NaT, "state feed — date not given, call to confirm"),
        (col.DEMO_SOURCE, pd.NaT, "Demo data (fictional facilities) — not a real facility"),
    ],
)  # fmt: skip
def test_listing_text_names_the_source_and_its_age(
    source: str, listed_at: pd.Timestamp, expected: str
) -> None:
    assert display.listing_text(source, listed_at) == expected


def test_a_listing_over_18_months_old_warns_and_one_of_18_does_not() -> None:
    now = datetime(2024, 9, 30, 12, tzinfo=UTC)  # exactly 18 months after LISTED_2023
    assert display.listing_months(LISTED_2023, now) == 18
    assert display.listing_age_warning(LISTED_2023, now=now) == ""
    later = datetime(2024, 10, 31, tzinfo=UTC)
    warning = display.listing_age_warning(LISTED_2023, now=later)
    assert warning.startswith("Listed March 2023, 19 months ago")
    assert display.listing_age_warning(pd.NaT, now=later) == ""


def test_results_warn_how_many_come_from_an_old_directory() -> None:
    results = pd.DataFrame({col.LISTED_AT: [LISTED_2023, pd.Timestamp("2026-09-01", tz="UTC")]})
    warning = display.results_listing_warning(results, now=NOW)
    assert warning.startswith("1 of 2 results come from a directory listed more than 18 months")
    assert "(oldest: March 2023)" in warning
    assert display.results_listing_warning(results.iloc[1:], now=NOW) == ""


def _results(*rows: dict, **query: Any) -> pd.DataFrame:
    frame = directory(*rows)
    return search(FacilityIndex(frame), SearchQuery(origin=ORIGIN, **query), now=NOW)


def test_results_table_shows_zip_center_distance_and_listing_age() -> None:
    results = _results(
        facility(1, miles=3, location_precision="zip_centroid", source="SAMHSA National "
                 "Directory 2023", listed_at=LISTED_2023),
        facility(2, miles=5, source="findtreatment-csv:x.csv", listed_at=NOW),
    )  # fmt: skip
    table = display.results_table(results, now=NOW).set_index(col.FACILITY_ID)
    assert table.loc["f001", display.RESULT_DISTANCE] == "about 3 miles (ZIP centre)"
    assert table.loc["f002", display.RESULT_DISTANCE] == "5.0 miles"
    assert table.loc["f001", display.RESULT_LISTING] == (
        "⚠ SAMHSA National Directory 2023 (2022 survey) — call to confirm"
    )
    assert not table.loc["f002", display.RESULT_LISTING].startswith("⚠")


def test_call_script_asks_about_what_the_listing_does_not_record_for_this_person() -> None:
    row = directory(facility(1, accepts_female=True, lang_spanish=pd.NA)).iloc[0]
    query = SearchQuery(origin=ORIGIN, pregnant=True, language="spanish", veteran=True)
    questions = "\n".join(call_script(row, query))
    assert "does not say whether you take pregnant or postpartum women" in questions
    assert "does not say whether you offer treatment in Spanish" in questions
    assert "does not say whether you have a program for veterans" in questions
    assert "accept women" not in questions  # recorded: accepts_female is yes


def test_call_script_does_not_ask_about_what_is_recorded() -> None:
    row = directory(
        facility(1, program_pregnant_postpartum=True, lang_spanish=True, accepts_adolescents=False)
    ).iloc[0]
    query = SearchQuery(origin=ORIGIN, pregnant=True, language="spanish")
    questions = unrecorded_questions(row, query)
    assert questions == [
        "The listing says you have a program for pregnant women: is that still true, and will "
        "you start or continue methadone or buprenorphine during the pregnancy?"
    ]
    assert unrecorded_questions(row, None) == []
    adolescent = SearchQuery(origin=ORIGIN, age_group="adolescent")
    assert unrecorded_questions(row, adolescent) == []  # a recorded "no" is not asked again
    unknown = directory(facility(2)).iloc[0]
    assert "accept adolescents (under 18)" in unrecorded_questions(unknown, adolescent)[0]


def _export_table() -> pd.DataFrame:
    view = directory(
        facility(1, location_precision="zip_centroid", source="SAMHSA National Directory 2023",
                 listed_at=LISTED_2023),
        facility(2, source="findtreatment-csv:x.csv", listed_at=NOW),
    ).assign(position=[1, 2], note="", distance_miles=[3.4, 5.25])  # fmt: skip
    return exports.shortlist_table(view, now=NOW)


def test_exports_say_about_n_miles_for_zip_centers_and_how_old_the_listing_is() -> None:
    table = _export_table()
    assert table[exports.DISTANCE_TEXT].tolist() == ["about 3 miles (ZIP centre)", "5.2 miles"]
    assert table[exports.DISTANCE].tolist() == [3.4, 5.2]
    assert (
        table[exports.LISTING]
        .iloc[0]
        .startswith(
            "SAMHSA National Directory 2023 (2022 survey) — call to confirm. "
            "Listed March 2023, 43 months ago"
        )
    )
    back = pd.read_csv(io.BytesIO(exports.csv_bytes(table)), encoding="utf-8-sig")
    assert back[exports.DISTANCE_TEXT].iloc[0] == "about 3 miles (ZIP centre)"
    sheet = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(table))).active
    assert "about 3 miles (ZIP centre)" in [cell.value for cell in sheet[2]]
    pdf = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(exports.shortlist_pdf(table))).pages
    )
    assert "about 3 miles (ZIP centre)" in pdf
    assert "SAMHSA National Directory 2023 (2022 survey) - call to confirm" in pdf
