"""The compact ZIP table answers exactly what the ``zipcodes`` package says, record by record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zipcodes

from matching.directory import ziptable
from matching.directory.ziptable import ZipTable, normalize_city, zip_table
from matching.search.geo import resolve_location


def _package_record(record: dict[str, Any]) -> tuple[Any, ...]:
    return (
        record["zip_code"],
        record["city"],
        record["state"],
        float(record["lat"] or 0),
        float(record["long"] or 0),
        record["zip_code_type"] == "STANDARD",
        bool(record["active"]),
        tuple(record.get("acceptable_cities") or ()),
    )


def _table_record(entry: ziptable.ZipRecord) -> tuple[Any, ...]:
    return (entry.zip_code, entry.city, entry.state, entry.lat, entry.lon, entry.standard,
            entry.active, entry.aliases)  # fmt: skip


def test_every_zip_matches_the_package_exactly() -> None:
    table = zip_table()
    expected = [_package_record(record) for record in zipcodes.list_all()]
    assert [_table_record(entry) for entry in table.records()] == expected
    assert all(_table_record(table.get(row[0])) == row for row in expected[::97])  # type: ignore[arg-type]


def test_city_index_matches_a_scan_of_the_package() -> None:
    # The lookup the table precomputes, done the slow way: every ZIP by (state, city name).
    primary: dict[tuple[str, str], list[str]] = {}
    alias: dict[tuple[str, str], list[str]] = {}
    for record in zipcodes.list_all():
        key = (record["state"], normalize_city(record["city"]))
        primary.setdefault(key, []).append(record["zip_code"])
        for name in record.get("acceptable_cities") or ():
            alias.setdefault((record["state"], normalize_city(name)), []).append(record["zip_code"])
    table = zip_table()
    for kind, expected in (("primary", primary), ("alias", alias)):
        found = {key: [e.zip_code for e in table.city(*key, kind=kind)] for key in expected}
        assert found == expected
    assert table.city("OH", "no such town", kind="primary") == []
    assert table.states() == {record["state"] for record in zipcodes.list_all()}


def test_city_names_of_a_state_match_the_package() -> None:
    names = zip_table().city_names("VT")
    expected = {
        normalize_city(record["city"]): record["city"]
        for record in zipcodes.list_all()
        if record["state"] == "VT"
    }
    assert names == expected


def test_shipped_file_is_current_for_the_installed_package() -> None:
    stored = ziptable._read(ziptable.TABLE_PATH)
    assert stored is not None, "data/zip_table.npz is missing or damaged"
    assert str(stored["version"]) == ziptable.table_version(), (
        f"data/zip_table.npz is for {stored['version']}, but the installed package is "
        f"{ziptable.table_version()}: rebuild it with `python -m matching.directory.ziptable` "
        "and commit the new file."
    )
    fresh = ziptable.build_arrays(zipcodes.list_all(), ziptable.table_version())
    assert sorted(stored) == sorted(fresh)
    for name, values in fresh.items():
        assert np.array_equal(stored[name], values), name


def test_another_package_version_rebuilds_into_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "zip_table.npz"
    arrays = ziptable.build_arrays(zipcodes.list_all()[:50], "zipcodes 0.1; format 1")
    np.savez(stale, **arrays)  # type: ignore[arg-type]
    monkeypatch.setattr(ziptable, "TABLE_PATH", stale)
    monkeypatch.setenv("READYBED_CACHE_DIR", str(tmp_path / "cache"))
    ziptable.zip_table.cache_clear()
    try:
        table = ziptable.zip_table()
        assert len(table) == len(zipcodes.list_all())  # not the 50-row stale file
        assert list((tmp_path / "cache").glob("zip_table-*.npz"))
        ziptable.zip_table.cache_clear()
        assert isinstance(ziptable.zip_table(), ZipTable)  # read back from the cache
    finally:
        ziptable.zip_table.cache_clear()


def test_damaged_file_is_rebuilt_not_misread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "zip_table.npz"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setattr(ziptable, "TABLE_PATH", broken)
    monkeypatch.setenv("READYBED_CACHE_DIR", str(tmp_path / "cache"))
    ziptable.zip_table.cache_clear()
    try:
        assert resolve_location("43215").label == "43215 (Columbus, OH)"
    finally:
        ziptable.zip_table.cache_clear()


def test_ingest_zip_centers_come_from_the_same_table() -> None:
    from matching.directory.zip_centroids import zip_centroids

    expected = {
        record["zip_code"]: (float(record["lat"] or 0), float(record["long"] or 0))
        for record in zipcodes.list_all()
        if float(record["lat"] or 0) != 0.0 or float(record["long"] or 0) != 0.0
    }
    assert zip_centroids() == expected
