"""Team mode's gate in a real browser, at phone and desktop size.

A team server (secrets with ``[auth]`` pointing at no provider) shows only the sign-in page
with the crisis lines; a shared database without sign-in shows the refusal with its fix. The
signed-in pages are the same pages as local mode's (their roles are covered by AppTest).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM_ARGS, chromium_path, streamlit_server
from playwright.sync_api import expect

from matching.records.sealing import generate_key

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

WAIT_MS = 60_000
SIZES = ((390, 844), (1440, 900))
SECRETS = """\
[auth]
redirect_uri = "http://127.0.0.1:9/oauth2callback"
cookie_secret = "a-test-cookie-secret-that-is-long-enough"
client_id = "readybed"
client_secret = "not-a-real-secret"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"

[readybed]
encryption_keys = ["{key}"]
"""


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    executable = chromium_path()
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def look(browser, url: str, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Open ``url`` at each size, screenshot it, and return the page texts."""
    shown = []
    for width, height in SIZES:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        crisis = page.get_by_role("region", name="Crisis lines")
        expect(crisis).to_be_visible(timeout=WAIT_MS)
        expect(crisis.get_by_role("link", name="Call 988")).to_be_visible()
        page.wait_for_timeout(1000)  # let the rest of the run arrive
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}x{height}.png"), full_page=True)
        shown.append(page.inner_text("body"))
        page.close()
    return shown


def test_a_team_server_shows_only_the_sign_in_page(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(SECRETS.format(key=generate_key()))
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    with streamlit_server(db_url, args=("--secrets.files", str(secrets))) as url:
        for body in look(browser, url, "team-sign-in"):
            assert "Sign in to see yours" in body
            assert "Search" not in body and "Fictional facilities" not in body
            assert "Plan" not in body and "Placement" not in body


def test_a_shared_database_without_sign_in_is_refused(browser) -> None:  # type: ignore[no-untyped-def]
    # Nothing listens on port 9: serving any page of the store would fail, not leak.
    with streamlit_server("postgresql+psycopg://readybed@127.0.0.1:9/readybed") as url:
        for body in look(browser, url, "team-refused"):
            assert "not open on this server" in body
            assert "no sign-in is configured" in body and "deploy/README.md" in body
            assert "Search" not in body and "Plan" not in body
