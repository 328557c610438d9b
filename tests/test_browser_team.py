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
from browser_support import App, streamlit_server
from case_factory import ready_case
from oidc_provider import auth_secrets, oidc_provider
from playwright.sync_api import Browser, Page

from matching.records import cases as case_records
from matching.records import members, team
from matching.records.sealing import bind_keys, generate_key
from matching.records.store import open_engine

pytestmark = pytest.mark.browser

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


def look(browser: Browser, url: str, name: str) -> list[str]:
    """Open ``url`` at each size, screenshot it, and return the page texts."""
    shown = []
    for width, height in SIZES:
        app = App(browser.new_page(viewport={"width": width, "height": height}), name)
        app.goto(url)  # the whole first run: nothing more arrives after it
        crisis = app.page.get_by_role("region", name="Crisis lines")
        app.visible(crisis, "the crisis lines")
        app.visible(crisis.get_by_role("link", name="Call 988"), "the 988 link")
        app.shot(f"{width}x{height}")
        shown.append(app.page.inner_text("body"))
        app.page.close()
    return shown


def test_a_team_server_shows_only_the_sign_in_page(browser: Browser, tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(SECRETS.format(key=generate_key()))
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    with streamlit_server(db_url, args=("--secrets.files", str(secrets))) as url:
        for body in look(browser, url, "team-sign-in"):
            assert "Sign in to see yours" in body
            assert "Search" not in body and "Fictional facilities" not in body
            assert "Plan" not in body and "Placement" not in body


def test_a_shared_database_without_sign_in_is_refused(browser: Browser) -> None:
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


def sign_in(app: App, url: str, email: str, name: str) -> None:
    """Sign in through the provider's page, as a person would."""
    page = app.page
    app.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Continue").click()
    app.check(f"the way back after signing in as {email}", lambda: page.wait_for_url(f"{url}/**"))
    app.idle(f"the first run after signing in as {email}")


def open_page(app: App, url: str, awaited: str) -> Page:
    """Open ``url`` (a new session), wait for ``awaited`` and the end of the run."""
    app.goto(url)
    app.visible(app.page.get_by_text(awaited).first, repr(awaited))
    app.idle()
    return app.page


def test_people_sign_in_at_the_provider_and_see_what_their_role_allows(
    browser: Browser, tmp_path: Path
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
            member = App(context.new_page(), "team-member")
            sign_in(member, url, SAM, "Sam")
            page = open_page(member, f"{url}/plan", "Only the case's lead changes the plan")
            member.visible(page.get_by_role("textbox", name="Letter"), "Sam's letter box")
            body = page.inner_text("body")
            assert "Aunt's living room" in body and "I love you" not in body
            member.shot(f"plan-{width}x{height}", full_page=False)
            page.get_by_role("heading", name="Letters").scroll_into_view_if_needed()
            member.shot(f"letter-{width}x{height}", full_page=False)
            page = open_page(member, f"{url}/placement", "seen by the case's lead only")
            body = page.inner_text("body")
            assert "Aetna" not in body and "REF-1" not in body
            page.get_by_text("seen by the case's lead only").first.scroll_into_view_if_needed()
            member.shot(f"placement-{width}x{height}", full_page=False)
            page = open_page(member, f"{url}/readiness", "The case's lead prints the packet")
            assert (
                page.get_by_role("button", name="Prepare the readiness packet (PDF)").count() == 0
            )
            context.close()

            context = browser.new_context(viewport={"width": width, "height": height})
            lead = App(context.new_page(), "team-lead")
            sign_in(lead, url, LEAD, "Pat Lee")
            page = open_page(lead, f"{url}/team", "Change history")
            # Sam signed in above, so the invitation was accepted: two people, two Remove buttons.
            lead.count(
                page.get_by_role("button", name="Remove", exact=True), 2, "two Remove buttons"
            )
            lead.shot(f"team-{width}x{height}", full_page=False)
            page.get_by_role("heading", name="Change history").scroll_into_view_if_needed()
            lead.shot(f"history-{width}x{height}", full_page=False)
            page = open_page(lead, f"{url}/plan", "Team")
            team_heading = page.get_by_role("heading", name="Team", exact=True)
            lead.visible(team_heading, "the Team heading")
            team_heading.scroll_into_view_if_needed()
            lead.frames()  # the table is drawn on a canvas: look at the PNG
            lead.shot(f"plan-team-{width}x{height}", full_page=False)
            context.close()
