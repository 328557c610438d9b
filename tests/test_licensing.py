"""The licensing signal: capacity worded as capacity, an expired licence as a warning."""

from __future__ import annotations

import pandas as pd
from search_frames import NOW, ORIGIN, directory, facility

from matching.directory import columns as col
from matching.directory.io import read_directory, write_directory
from matching.search.engine import search
from matching.search.index import FacilityIndex
from matching.search.licensing import EXPIRED_WARNING
from matching.search.query import SearchQuery


def run(*rows: dict) -> pd.DataFrame:
    result = search(FacilityIndex(directory(*rows)), SearchQuery(origin=ORIGIN), now=NOW)
    return result.set_index(col.FACILITY_ID)


def test_capacity_is_never_worded_as_open_beds() -> None:
    result = run(facility(1, licensed_beds=24))
    assert result.loc["f001", "licence_note"] == "licensed for 24 beds (capacity, not availability)"
    assert "licensed for 24 beds (capacity, not availability)" in result.loc["f001", "reasons"]
    assert "24 residential beds open" not in result.loc["f001", "reasons"]
    assert pd.isna(result.loc["f001", "beds_needed"])


def test_an_expired_license_is_a_warning_in_the_reasons() -> None:
    marked = facility(1, license_expired=True)
    past = facility(2, license_expires=pd.Timestamp("2026-01-31", tz="UTC"))
    current = facility(3, license_expires=pd.Timestamp("2027-06-30", tz="UTC"), licensed_beds=6)
    result = run(marked, past, current)
    assert EXPIRED_WARNING in result.loc["f001", "reasons"]
    assert EXPIRED_WARNING in result.loc["f002", "reasons"]
    assert EXPIRED_WARNING not in result.loc["f003", "reasons"]
    # A warning, not a filter: the list may lag a renewal.
    assert result.loc["f001", "score"] == result.loc["f003", "score"]


def test_no_licensing_data_adds_nothing() -> None:
    result = run(facility(1))
    assert result.loc["f001", "licence_note"] == ""
    assert "licen" not in result.loc["f001", "reasons"]


def test_license_columns_survive_a_save(tmp_path) -> None:
    frame = directory(facility(1, license_expires=pd.Timestamp("2026-01-31", tz="UTC"),
                               license_expired=True))  # fmt: skip
    write_directory(frame, tmp_path / "d.csv")
    back = read_directory(tmp_path / "d.csv")
    assert back.loc[0, col.LICENSE_EXPIRES] == pd.Timestamp("2026-01-31", tz="UTC")
    assert bool(back.loc[0, col.LICENSE_EXPIRED])
