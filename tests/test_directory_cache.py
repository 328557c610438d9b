"""The directory cache returns exactly what parsing and validating the file returns."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from matching.directory import cache
from matching.directory import columns as col
from matching.directory.demo import AGE_HOURS, DEMO_CSV, load_demo_directory
from matching.directory.io import read_directory, write_directory
from matching.directory.schema import validate_directory
from matching.errors import FacilityDataError

NOW = datetime(2026, 11, 26, 20, 0, 7, 123456, tzinfo=UTC)


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("READYBED_CACHE_DIR", str(folder))
    return folder


def demo_without_cache() -> pd.DataFrame:
    """The demo table as load_demo_directory defines it, computed the slow way."""
    raw = pd.read_csv(DEMO_CSV, dtype="str", keep_default_na=False, encoding="utf-8")
    ages = pd.to_numeric(raw[AGE_HOURS].replace("", pd.NA), errors="coerce")
    table = raw.drop(columns=AGE_HOURS).replace("", pd.NA)
    table = table.fillna({name: "" for name in col.TEXT_COLUMNS + (col.AVAILABILITY_STATUS,)})
    stamps = pd.Timestamp(NOW) - pd.to_timedelta(ages, unit="h")
    table[col.AVAILABILITY_REPORTED_AT] = stamps.dt.floor("s")
    return validate_directory(table)


def cached_files(folder: Path) -> list[Path]:
    return sorted((folder / "directories").glob("*.feather"))


def test_demo_from_the_cache_equals_the_demo_parsed(cache_folder: Path) -> None:
    expected = demo_without_cache()
    first = load_demo_directory(now=NOW)
    assert len(cached_files(cache_folder)) == 1
    again = load_demo_directory(now=NOW)
    pd.testing.assert_frame_equal(first, expected, check_exact=True)
    pd.testing.assert_frame_equal(again, expected, check_exact=True)


def test_cached_demo_ages_move_with_now(cache_folder: Path) -> None:
    load_demo_directory(now=NOW)
    later = load_demo_directory(now=NOW + pd.Timedelta(hours=5))
    earlier = load_demo_directory(now=NOW)
    shift = later[col.AVAILABILITY_REPORTED_AT] - earlier[col.AVAILABILITY_REPORTED_AT]
    assert (shift.dropna() == pd.Timedelta(hours=5)).all()
    assert AGE_HOURS not in later.columns


def test_directory_from_the_cache_equals_the_file_and_follows_edits(
    tmp_path: Path, cache_folder: Path
) -> None:
    path = tmp_path / "directory.csv"
    frame = load_demo_directory(now=NOW).head(40)
    write_directory(frame, path)
    first, again = read_directory(path), read_directory(path)
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    pd.testing.assert_frame_equal(first, validate_directory(frame), check_exact=True)
    # Same name, same size, new content: the cache must not answer with the old table.
    edited = frame.assign(name=frame[col.NAME].str.replace("Fictional", "Changed", regex=False))
    write_directory(edited, path)
    assert read_directory(path)[col.NAME].str.startswith("Changed").all()


def test_damaged_cache_file_is_a_miss(tmp_path: Path, cache_folder: Path) -> None:
    path = tmp_path / "directory.csv"
    write_directory(load_demo_directory(now=NOW).head(5), path)
    expected = read_directory(path)
    for stored in cached_files(cache_folder):
        stored.write_bytes(b"ARROW1 but truncated")
    pd.testing.assert_frame_equal(read_directory(path), expected, check_exact=True)


def test_unwritable_cache_still_reads_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("READYBED_CACHE_DIR", str(blocker))
    assert len(load_demo_directory(now=NOW)) == len(demo_without_cache())


def test_bad_file_fails_every_time_and_is_not_cached(tmp_path: Path, cache_folder: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text("facility_id,name\nx,y\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(FacilityDataError, match="missing required columns"):
            read_directory(path)
    assert cached_files(cache_folder) == []


def test_only_the_most_recent_tables_are_kept(tmp_path: Path, cache_folder: Path) -> None:
    frame = load_demo_directory(now=NOW).head(3)
    for number in range(cache.KEEP + 3):
        path = tmp_path / f"directory-{number}.csv"
        write_directory(frame.assign(name=f"Facility {number}"), path)
        read_directory(path)
    assert len(cached_files(cache_folder)) == cache.KEEP
