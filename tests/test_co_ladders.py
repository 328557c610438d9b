"""Colorado's LADDERS feed: detected, read row by row with unknown kept unknown, and its
"accepting new patients" signal shown and ranked above "not reported", below any open bed."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ladders_sample import ladders_bytes

from matching.directory import columns as col
from matching.errors import ImportFormatError
from matching.ingest import import_bytes, import_file
from matching.ingest.co_ladders import LEVELS
from matching.render.display import availability_text
from matching.search.engine import search
from matching.search.geo import Location
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery
from matching.search.scoring import ACCEPTING_NEW_PATIENTS_FRACTION, availability_fraction

REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
LADDERS = REAL_DATA / "bloom-works_ownpath" / "ladders_2023-04-13.csv"


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    result = import_bytes(ladders_bytes(), "ladders.csv")
    assert result.report.format == "co-ladders"
    return result.frame.set_index(col.FACILITY_ID)


def test_the_feed_is_detected_and_a_withheld_address_is_counted_not_placed() -> None:
    result = import_bytes(ladders_bytes(), "ladders.csv")
    assert result.report.rows_read == 3 and result.report.rows_imported == 2
    assert result.report.rejected_count == 0
    assert any("HideAddress = 1" in note and "rows 3" in note for note in result.report.notes)
    assert "CO-LADDERS-A3" not in set(result.frame[col.FACILITY_ID])


def test_a_row_says_only_what_it_lists(small: pd.DataFrame) -> None:
    peak, road = small.loc["CO-LADDERS-A1"], small.loc["CO-LADDERS-A2"]
    assert peak["detox_residential"] and peak["residential"] and peak["detox_any"]
    assert peak["outpatient"] == False  # noqa: E712 - the levels a row lists deny the others
    assert peak["pay_medicaid"] and peak["pay_self"] and peak["pay_private"] == False  # noqa: E712
    assert pd.isna(peak["pay_medicare"])  # the feed never asks about Medicare
    assert peak["accepts_male"] and peak["accepts_female"]
    assert pd.isna(peak["accepts_seniors"])  # not listed: not a refusal
    assert peak["lang_spanish"] and peak[col.ACCEPTING_NEW_PATIENTS]
    # DUI classes only and no fees: nothing said about levels of care or payment.
    for name in ("residential", "outpatient", "detox_any", "pay_medicaid", "pay_self"):
        assert pd.isna(road[name]), name
    assert pd.isna(road[col.ACCEPTING_NEW_PATIENTS])  # empty is unknown, never no
    assert road["telehealth"] == False  # noqa: E712 - "No Telehealth Available" is a no


def test_address_time_and_names(small: pd.DataFrame) -> None:
    peak = small.loc["CO-LADDERS-A1"]
    assert (peak[col.STREET], peak[col.CITY], peak[col.STATE], peak[col.ZIP]) == (
        "1245 East Colfax Avenue, Suite 203",
        "Denver",
        "CO",
        "80218",
    )
    assert peak[col.NAME] == "Peak Detox" and peak[col.NAME2] == "Peak Detox LLC"
    # 9:00 AM Mountain Standard Time in January is 16:00 UTC; 5:27 PM MDT in June is 23:27.
    assert peak[col.LISTED_AT] == pd.Timestamp("2023-01-15 16:00", tz="UTC")
    assert small.loc["CO-LADDERS-A2", col.LISTED_AT] == pd.Timestamp("2022-06-28 23:27", tz="UTC")
    assert peak[col.SOURCE] == "Colorado LADDERS provider directory"


def test_a_generic_csv_forced_into_the_format_is_refused_with_what_it_expects() -> None:
    with pytest.raises(ImportFormatError, match="AddressOneLine"):
        import_bytes(
            b"name,zip,latitude,longitude\nA,80218,39.7,-104.9\n", "x.csv", fmt="co-ladders"
        )


def test_accepting_ranks_above_not_reported_and_below_any_open_bed() -> None:
    nan = np.nan
    beds = np.array([nan, nan, nan, nan])
    status = np.array(["unknown", "unknown", "openings", "no_openings"])
    usable = np.ones(4, dtype=bool)
    labels = np.array(["unknown", "unknown", "stale", "fresh"])
    accepting = np.array([1, -1, -1, 1])
    scores = availability_fraction(beds, status, usable, labels, accepting)
    assert scores[0] == ACCEPTING_NEW_PATIENTS_FRACTION > scores[1] == 0.0
    assert scores[2] > scores[0]  # the least open-bed report (openings, stale) still wins
    assert scores[3] == 0.0  # a call saying "no openings" is not overridden by the listing


def test_cards_and_reasons_say_accepting_new_patients_with_the_listing(
    small: pd.DataFrame,
) -> None:
    frame = small.reset_index()
    text = availability_text(frame)
    assert text[0] == (
        "Not reported - call to check; accepting new patients (state listing: Colorado "
        "LADDERS provider directory, Jan 2023)"
    )
    assert text[1] == "Not reported - call to check"
    denver = Location(lat=39.74, lon=-104.97, label="Denver, CO", kind="coordinates")
    results = search(FacilityIndex(frame), SearchQuery(origin=denver, radius_miles=100))
    by_id = results.set_index(col.FACILITY_ID)["reasons"]
    assert "accepting new patients (state listing, Jan 2023)" in by_id["CO-LADDERS-A1"]
    assert "accepting new patients" not in by_id["CO-LADDERS-A2"]


# --- the real feed (SOURCES.md item 10), read in place ----------------------------------


@pytest.fixture(scope="module")
def real_rows() -> list[dict[str, str]]:
    if not LADDERS.is_file():
        pytest.skip("../shared/data/real is not present beside this checkout")
    with LADDERS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.realdata
def test_the_real_feed_imports_with_exact_counts(real_rows: list[dict[str, str]]) -> None:
    result = import_file(LADDERS)
    shown = [row for row in real_rows if row["HideAddress"] != "1"]
    assert result.report.format == "co-ladders"
    assert (
        (result.report.rows_read, result.report.rows_imported)
        == (729, 717)
        == (
            len(real_rows),
            len(shown),
        )
    )
    assert result.report.rejected_count == 0
    frame = result.frame
    # Counted straight from the CSV, with no ReadyBed code: yes / no / unknown per row.
    accepting = sum(row["AcceptingNewPatients"].strip().lower() == "yes" for row in shown)
    assert int(frame[col.ACCEPTING_NEW_PATIENTS].sum()) == accepting == 133
    assert int(frame[col.ACCEPTING_NEW_PATIENTS].isna().sum()) == len(shown) - accepting
    levels = [
        [item.strip().casefold() for item in row["SubstanceUseServices"].split(";")]
        for row in shown
    ]
    residential = {name for name, columns in LEVELS.items() if "residential" in columns}
    says_level = [any(item in LEVELS for item in items) for items in levels]
    yes = sum(any(item in residential for item in items) for items in levels)
    assert int(frame["residential"].eq(True).sum()) == yes
    assert int(frame["residential"].isna().sum()) == says_level.count(False)
    assert int(frame["residential"].eq(False).sum()) == sum(says_level) - yes
    assert int(frame["otp_certified"].sum()) == sum(
        row["OpioidTreatmentPrograms"] == "1" for row in shown
    )
    assert frame["pay_medicare"].isna().all()  # the feed's fees never name Medicare
    assert frame[col.LOCATION_PRECISION].eq("exact").all()
    assert frame[col.STATE].eq("CO").all()
