"""Team mode's gate in a real browser, at phone and desktop size.

A team server (secrets with ``[auth]`` pointing at no provider) shows only the sign-in page
with the crisis lines; a shared database without sign-in shows the refusal with its fix; and
people sign in for real (``st.login``) at a small OpenID Connect provider on localhost
(tests/oidc_provider.py): a member sees their part of the plan, the lead the Team page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, CHROMIUM_ARGS, chromium_path, streamlit_server
from case_factory import ready_case
from oidc_provider import auth_secrets, oidc_provider
from playwright.sync_api import expect

from matching.records import cases as case_records
from matching.records import members, team
from matching.records.sealing import bind_keys, generate_key
from matching.records.store import open_engine

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

WAIT_MS = 60_000
SIZES = ((390, 844), (1440, 900))
LEAD = "pat@practice.example"
SAM = "sam@family.example"
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


def seed_team_case(db_url: str, key: str) -> None:
    """Store a case led by LEAD with Sam invited as a member who writes the first letter."""
    engine = open_engine(db_url)
    bind_keys(engine, [key])
    lead = team.sign_in(engine, email=LEAD, display_name="Pat Lee")
    built = ready_case(datetime.now(UTC))
    sams = replace(built.team[0], name="Sam", letter="", letter_status="not_started", account=SAM)
    stored = case_records.create_case(
        engine, replace(built, title="The Rivera family", team=(sams, *built.team[1:])), actor=lead
    )
    assert stored.id is not None
    members.invite(engine, stored.id, email=SAM, role="member", actor=lead)
    engine.dispose()


def sign_in(page, url: str, email: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the provider's page, as a person would."""
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{url}/**", timeout=WAIT_MS)


def test_people_sign_in_at_the_provider_and_see_what_their_role_allows(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path
) -> None:
    key = generate_key()
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    seed_team_case(db_url, key)
    with (
        oidc_provider() as provider,
        streamlit_server(db_url, secrets_for=lambda url: auth_secrets(provider, url, key)) as url,
    ):
        for width, height in SIZES:
            # A fresh context per size: its own cookies, so each signs in anew.
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            sign_in(page, url, SAM, "Sam")
            page.goto(f"{url}/plan")
            expect(page.get_by_text("Only the case's lead changes the plan")).to_be_visible(
                timeout=WAIT_MS
            )
            expect(page.get_by_role("textbox", name="Letter")).to_be_visible()
            body = page.inner_text("body")
            assert "Aunt's living room" in body and "I love you" not in body
            page.screenshot(path=str(ARTIFACTS / f"team-member-plan-{width}x{height}.png"))
            page.get_by_role("heading", name="Letters").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"team-member-letter-{width}x{height}.png"))
            page.goto(f"{url}/placement")
            expect(page.get_by_text("seen by the case's lead only").first).to_be_visible(
                timeout=WAIT_MS
            )
            body = page.inner_text("body")
            assert "Aetna" not in body and "REF-1" not in body
            page.get_by_text("seen by the case's lead only").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"team-member-placement-{width}x{height}.png"))
            page.goto(f"{url}/readiness")
            expect(page.get_by_text("The case's lead prints the packet")).to_be_visible(
                timeout=WAIT_MS
            )
            assert page.get_by_role("button", name="Readiness packet (PDF)").count() == 0
            context.close()

            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            sign_in(page, url, LEAD, "Pat Lee")
            page.goto(f"{url}/team")
            expect(page.get_by_role("heading", name="Change history")).to_be_visible(
                timeout=WAIT_MS
            )
            # Sam signed in above, so the invitation was accepted: two people, two Remove buttons.
            expect(page.get_by_role("button", name="Remove")).to_have_count(2)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(ARTIFACTS / f"team-lead-team-{width}x{height}.png"))
            page.get_by_role("heading", name="Change history").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"team-lead-history-{width}x{height}.png"))
            page.goto(f"{url}/plan")
            team_heading = page.get_by_role("heading", name="Team", exact=True)
            expect(team_heading).to_be_visible(timeout=WAIT_MS)
            team_heading.scroll_into_view_if_needed()
            page.wait_for_timeout(1000)  # the table is drawn on a canvas: look at the PNG
            page.screenshot(path=str(ARTIFACTS / f"team-lead-plan-team-{width}x{height}.png"))
            context.close()
