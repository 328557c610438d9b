"""Team mode's gate under AppTest: local mode unchanged, sign-in first, refusal that says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from signin_support import AUTH
from streamlit.testing.v1 import AppTest

from matching.records.sealing import generate_key

APP = str(Path(__file__).resolve().parents[1] / "app.py")
CASE_PAGES = (
    "app_pages/plan.py",
    "app_pages/placement.py",
    "app_pages/readiness.py",
    "app_pages/team.py",
)
TIMEOUT = 60


def texts(at: AppTest) -> str:
    parts = [
        element.value
        for kind in ("title", "markdown", "caption", "warning", "error", "success", "info", "code")
        for element in getattr(at, kind)
    ]
    return "\n".join(str(part) for part in parts)


def team_app(*, keys: list[str] | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = dict(AUTH)
    at.secrets["readybed"] = {"encryption_keys": [generate_key()] if keys is None else keys}
    at.user = user if user is not None else {"is_logged_in": False}
    return at


def assert_crisis_lines(at: AppTest) -> None:
    shown = texts(at)
    assert "988" in shown and "1-800-662-4357" in shown and "911" in shown


def test_local_mode_has_no_sign_in_and_serves_the_pages(store_url: str) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert not [button for button in at.button if button.label in ("Sign in", "Sign out")]
    assert "Signed in" not in texts(at)
    assert "Fictional facilities" in texts(at)  # the Search page and its demo warning
    at.switch_page("app_pages/plan.py").run()
    assert not at.exception
    assert "No case yet" in texts(at)


def test_team_mode_without_sign_in_shows_only_the_sign_in_page(store_url: str) -> None:
    at = team_app().run()
    assert not at.exception
    assert [button.label for button in at.button] == ["Sign in"]
    assert_crisis_lines(at)
    assert "Fictional facilities" not in texts(at)
    for page in CASE_PAGES:
        at.switch_page(page).run()
        assert not at.exception
        assert [button.label for button in at.button] == ["Sign in"], page
        assert "No case yet" not in texts(at)
        assert_crisis_lines(at)


@pytest.mark.parametrize("page", CASE_PAGES)
def test_a_shared_database_without_sign_in_is_refused_and_says_how_to_fix_it(
    store_url: str, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    # Nothing listens there: a page that tried to open the store would fail loudly.
    monkeypatch.setenv("READYBED_DB_URL", "postgresql+psycopg://readybed@127.0.0.1:9/readybed")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page(page).run()
    assert not at.exception
    shown = texts(at)
    assert "not open on this server" in shown
    assert "no sign-in is configured" in shown
    assert "[auth]" in shown and "encryption_keys" in shown and "deploy/README.md" in shown
    assert "No case yet" not in shown and not at.button
    assert_crisis_lines(at)


def test_a_database_url_in_the_secrets_without_sign_in_is_refused(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("READYBED_DB_URL")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["readybed"] = {"database_url": "postgresql+psycopg://readybed@127.0.0.1:9/x"}
    at.run()
    assert not at.exception
    assert "no sign-in is configured" in texts(at)


def test_sign_in_without_encryption_keys_is_refused(store_url: str) -> None:
    at = team_app(keys=[], user={"is_logged_in": True, "email": "lee@example.org"}).run()
    at.switch_page("app_pages/plan.py").run()
    assert not at.exception
    shown = texts(at)
    assert "encryption_keys" in shown and "python -m matching team new-key" in shown
    assert "No case yet" not in shown


def test_sign_in_settings_without_a_cookie_secret_are_refused(store_url: str) -> None:
    at = team_app()
    at.secrets["auth"] = {key: value for key, value in AUTH.items() if key != "cookie_secret"}
    at.run()
    assert not at.exception
    assert "has no cookie_secret" in texts(at)


def test_a_key_that_is_not_a_fernet_key_stops_with_a_sentence(store_url: str) -> None:
    at = team_app(keys=["not-a-key"], user={"is_logged_in": True, "email": "lee@example.org"})
    at.run()
    assert not at.exception
    assert "is not a Fernet key" in texts(at)
    assert "Fictional facilities" not in texts(at)


def test_the_team_page_in_local_mode_explains_team_mode(store_url: str) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("app_pages/team.py").run()
    assert not at.exception
    assert "Team mode" in texts(at) and "deploy/README.md" in texts(at)
    assert not at.text_input and not at.button  # no invitation, no sign-in


def test_an_unreachable_team_database_is_a_sentence_not_a_traceback(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READYBED_DB_URL", "postgresql+psycopg://readybed:pw@127.0.0.1:9/x")
    user = {
        "is_logged_in": True,
        "email": "lee@example.org",
        "iss": "https://idp.example.org",
        "sub": "lee",
        "email_verified": True,
    }
    at = team_app(user=user).run()
    assert not at.exception
    shown = texts(at)
    assert "cannot reach its database" in shown
    assert "pw" not in shown and "127.0.0.1" not in shown
