"""Shared test fixtures: paths to the hand-written fixtures and the real SAMHSA files."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Real SAMHSA files, read in place beside the checkout; never copied into the repository.
REAL_DATA = ROOT.parent / "shared" / "data" / "real"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def real_data() -> Path:
    """Return the real-data folder, or skip the test cleanly when it is absent."""
    if not REAL_DATA.is_dir():
        pytest.skip("../shared/data/real is not present beside this checkout")
    return REAL_DATA


# --- Local store (the app issue) ---------------------------------------------------------


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point READYBED_DB_URL at a fresh SQLite file in tmp_path and return the URL.

    Demo mode too: app tests search the fictional set unless they choose another directory.
    """
    url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    monkeypatch.setenv("READYBED_DB_URL", url)
    monkeypatch.setenv("READYBED_DEMO", "1")
    return url


@pytest.fixture
def engine(store_url: str):  # type: ignore[no-untyped-def]
    """Return an engine over a fresh real SQLite store in tmp_path."""
    from matching.records.store import open_engine

    opened = open_engine(store_url)
    yield opened
    opened.dispose()


# --- Caches (the speed issue) ------------------------------------------------------------


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the rebuildable caches of a test run (ZIP table, directory cache) out of ~/.cache."""
    import os

    os.environ["READYBED_CACHE_DIR"] = str(tmp_path_factory.mktemp("readybed-cache"))
