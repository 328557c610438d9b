"""Shared test fixtures: paths to the hand-written fixtures and the real SAMHSA files."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """When a browser test fails, screenshot every page it left open and name the files.

    The App helper already screenshots a failed wait; this also covers a failed click or
    download, so every browser failure leaves a picture of the page in test-artifacts/.
    """
    report = yield
    browser = getattr(item, "funcargs", {}).get("browser")
    if report.when == "call" and report.failed and browser is not None:
        from browser_support import ARTIFACTS

        ARTIFACTS.mkdir(exist_ok=True)
        saved = []
        pages = [page for context in browser.contexts for page in context.pages]
        for number, page in enumerate(pages, start=1):
            slug = "".join(c if c.isalnum() else "-" for c in item.name)[:80]
            path = ARTIFACTS / f"FAILED-{slug}-page{number}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception as error:  # a closed or crashed page: say so, keep the report
                saved.append(f"page {number}: no screenshot ({error})")
            else:
                saved.append(str(path))
        if saved:
            report.sections.append(("browser pages at the failure", "\n".join(saved)))
    return report


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, one for the session's browser tests."""
    from browser_support import launched_chromium

    with launched_chromium() as launched:
        yield launched


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
def engine(store_url: str):
    """Return an engine over a fresh real SQLite store in tmp_path."""
    from matching.records.store import open_engine

    opened = open_engine(store_url)
    yield opened
    opened.dispose()


# --- SQLite and PostgreSQL (issue 13) -----------------------------------------------------
# One real PostgreSQL server per test session (started on first use, see postgres_support.py);
# each test gets a new database cloned from a template that is already migrated, so opening it
# costs what opening an existing store costs.

_DATABASE_NUMBERS = itertools.count(1)
POSTGRESQL_TEMPLATE = "readybed_template"


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[object]:
    """Return pytest-postgresql's executor of the session's server (skip, or fail in CI)."""
    from postgres_support import postgresql_server as start

    with start() as executor:
        yield executor


def postgresql_url(server: object, dbname: str) -> str:
    """Return the SQLAlchemy URL (psycopg 3) of database ``dbname`` on ``server``."""
    return f"postgresql+psycopg://{server.user}@{server.host}:{server.port}/{dbname}"  # type: ignore[attr-defined]


def _janitor(server: object, dbname: str, template: str | None = None):
    from pytest_postgresql.janitor import DatabaseJanitor

    return DatabaseJanitor(
        user=server.user,  # type: ignore[attr-defined]
        host=server.host,  # type: ignore[attr-defined]
        port=server.port,  # type: ignore[attr-defined]
        dbname=dbname,
        template_dbname=template,
    )


@pytest.fixture(scope="session")
def postgresql_template(postgresql_server: object) -> Iterator[str]:
    """Return the name of a database migrated to head, the template of each test's database."""
    from matching.records.store import open_engine

    with _janitor(postgresql_server, POSTGRESQL_TEMPLATE):
        open_engine(postgresql_url(postgresql_server, POSTGRESQL_TEMPLATE)).dispose()
        yield POSTGRESQL_TEMPLATE


@pytest.fixture
def postgresql_empty_url(postgresql_server: object) -> Iterator[str]:
    """Return the URL of a new, empty PostgreSQL database (dropped after the test)."""
    dbname = f"readybed_empty_{next(_DATABASE_NUMBERS)}"
    with _janitor(postgresql_server, dbname):
        yield postgresql_url(postgresql_server, dbname)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """Return the URL of a fresh store on SQLite, then on PostgreSQL, set as READYBED_DB_URL.

    For what depends on the backend: SQL, transactions, types. Team mode's pages and what they
    show a member run on PostgreSQL alone (``team_db_url``): the backend a team server uses.
    """
    monkeypatch.setenv("READYBED_DEMO", "1")
    # A server store keeps imported listings in the data folder: a test's own, never the user's.
    monkeypatch.setenv("READYBED_DATA_DIR", str(tmp_path / "data"))
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
        monkeypatch.setenv("READYBED_DB_URL", url)
        yield url
        return
    yield from _fresh_postgresql(request, monkeypatch)


@pytest.fixture
def team_db_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """Return the URL of a fresh PostgreSQL store, set as READYBED_DB_URL (team mode's pages)."""
    monkeypatch.setenv("READYBED_DEMO", "1")
    monkeypatch.setenv("READYBED_DATA_DIR", str(tmp_path / "data"))
    yield from _fresh_postgresql(request, monkeypatch)


def _fresh_postgresql(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    server = request.getfixturevalue("postgresql_server")
    template = request.getfixturevalue("postgresql_template")
    dbname = f"readybed_test_{next(_DATABASE_NUMBERS)}"
    with _janitor(server, dbname, template):
        url = postgresql_url(server, dbname)
        monkeypatch.setenv("READYBED_DB_URL", url)
        yield url


@pytest.fixture
def db_engine(db_url: str):
    """Return an engine over a fresh store, on SQLite and on PostgreSQL (two runs of a test)."""
    from matching.records.store import open_engine

    opened = open_engine(db_url)
    yield opened
    opened.dispose()


# --- Caches (the speed issue) ------------------------------------------------------------


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the rebuildable caches of a test run (ZIP table, directory cache) out of ~/.cache."""
    import os

    os.environ["READYBED_CACHE_DIR"] = str(tmp_path_factory.mktemp("readybed-cache"))
