"""The §1b columns: an older canonical table without them still loads, as unknown."""

from __future__ import annotations

import pandas as pd

from matching.directory import columns as col
from matching.directory.io import read_directory, write_directory
from matching.directory.schema import coerce_directory, validate_directory
from matching.errors import FacilityDataError


def _old_table() -> pd.DataFrame:
    frame = coerce_directory(
        pd.DataFrame(
            {
                col.FACILITY_ID: ["a", "b"],
                col.NAME: ["Located", "Unlocated"],
                col.STATE: ["CO", "CO"],
                col.ZIP: ["80218", "80218"],
                col.LAT: [39.74, 0.0],
                col.LON: [-104.97, 0.0],
            }
        )
    )
    return frame.drop(columns=list(col.SECOND_ROUND_COLUMNS))


def test_a_table_without_the_new_columns_gets_them_as_unknown() -> None:
    table = validate_directory(_old_table())
    assert set(col.SECOND_ROUND_COLUMNS) <= set(table.columns)
    assert table[list(col.PROFILE_COLUMNS)].isna().all().all()
    assert table[col.LOCATION_PRECISION].tolist() == ["exact", "none"]


def test_new_columns_survive_a_csv_round_trip(tmp_path) -> None:
    table = validate_directory(_old_table()).assign(
        **{
            "accepts_female": pd.array([True, False], dtype="boolean"),
            col.LISTED_AT: pd.Timestamp("2023-01-01", tz="UTC"),
            col.LOCATION_PRECISION: ["zip_centroid", "none"],
            col.LANGUAGES: ["Arabic; Chinese", ""],
        }
    )
    write_directory(table, tmp_path / "d.csv")
    back = read_directory(tmp_path / "d.csv")
    assert back["accepts_female"].tolist() == [True, False]
    assert back["accepts_male"].isna().all()
    assert back[col.LISTED_AT].iloc[0] == pd.Timestamp("2023-01-01", tz="UTC")
    assert back[col.LOCATION_PRECISION].tolist() == ["zip_centroid", "none"]
    assert back[col.LANGUAGES].tolist() == ["Arabic; Chinese", ""]


def test_an_unknown_location_precision_is_refused() -> None:
    bad = validate_directory(_old_table()).assign(**{col.LOCATION_PRECISION: "guessed"})
    try:
        validate_directory(bad)
    except FacilityDataError as exc:
        assert "location precision must be one of" in str(exc)
    else:
        raise AssertionError("an unknown precision was accepted")
