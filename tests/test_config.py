"""One configuration reader: the app and the team CLI refuse the same wrong secrets file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
import streamlit.config as streamlit_config
from streamlit.testing.v1 import AppTest

from matching.cli.main import main
from matching.records import config
from matching.records.sealing import generate_key

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PLACEHOLDER = "REPLACE-with-the-output-of-python-m-matching-team-new-key"
AUTH = (
    '[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n'
    'cookie_secret = "a-test-cookie-secret-that-is-long-enough"\n'
    'client_id = "readybed"\nclient_secret = "x"\n'
    'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n'
)
# A wrong secrets file, and the words both front ends must say about it.
WRONG_FILES = {
    "not TOML": ("[readybed\nencryption_keys = [\n", "is not valid TOML"),
    "keys as one string": (
        f'{AUTH}[readybed]\nencryption_keys = "{generate_key()}"\n',
        "must be a list of keys",
    ),
    "not a key": (f'{AUTH}[readybed]\nencryption_keys = ["not-a-key"]\n', "is not a Fernet key"),
    "the example's placeholder": (
        f'{AUTH}[readybed]\nencryption_keys = ["{PLACEHOLDER}"]\n',
        "the example's placeholder",
    ),
    "a number for the URL": ("[readybed]\ndatabase_url = 5\n", "database_url"),
    "readybed not a table": ("readybed = 3\n", "[readybed]"),
    "the e-mail setting as text": (
        f'{AUTH}[readybed]\nencryption_keys = ["{generate_key()}"]\n'
        'accept_missing_email_verified = "yes"\n',
        "must be true or false",
    ),
}


@pytest.fixture(autouse=True)
def _streamlit_forgets_the_file() -> Iterator[None]:
    """Streamlit keeps the secrets file it parsed for the process; drop it after each test."""
    yield
    st.secrets._reset()


def _folder_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    (tmp_path / ".streamlit").mkdir(exist_ok=True)
    (tmp_path / ".streamlit" / "secrets.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("name", list(WRONG_FILES))
def test_the_cli_refuses_a_wrong_secrets_file_with_exit_2(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text, words = WRONG_FILES[name]
    _folder_with(tmp_path, monkeypatch, text)
    monkeypatch.setenv("READYBED_DB_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    assert main(["team", "migrate"]) == 2
    err = capsys.readouterr().err
    assert words in err and "secrets.toml" in err
    assert not (tmp_path / "store.sqlite3").exists()  # refused before the store is touched


@pytest.mark.parametrize("name", list(WRONG_FILES))
def test_the_app_refuses_the_same_file_before_any_sign_in(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str
) -> None:
    text, words = WRONG_FILES[name]
    _folder_with(tmp_path, monkeypatch, text)
    before = streamlit_config.get_option("client.showErrorDetails")
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.user = {"is_logged_in": True, "email": "lee@example.org"}
        at.run()
        assert not at.exception
        shown = "\n".join(str(e.value) for e in (*at.title, *at.error, *at.markdown))
        assert "not open on this server" in shown and words in shown
        assert "Fictional facilities" not in shown  # no page of the app is served
        assert not [b for b in at.button if b.label == "Sign in"]
        # Refused or team mode: a stack trace never reaches the browser.
        assert streamlit_config.get_option("client.showErrorDetails") == "none"
    finally:
        streamlit_config.set_option("client.showErrorDetails", before)


def test_a_good_file_is_read_alike_by_both() -> None:
    key = generate_key()
    secrets = {"readybed": {"encryption_keys": [key, f" {generate_key()} "]}}
    assert config.config_errors(secrets) == []
    assert config.encryption_keys(secrets)[0] == key and len(config.encryption_keys(secrets)) == 2
    assert config.secrets_database_url({"readybed": {"database_url": " sqlite:///x "}}) == (
        "sqlite:///x"
    )


def test_no_secrets_file_is_the_laptop_app_not_an_error(tmp_path: Path) -> None:
    assert config.read_secrets_file(tmp_path / "absent.toml") == ({}, [])


def test_every_wrong_key_is_named_by_its_place() -> None:
    errors = config.config_errors({"readybed": {"encryption_keys": [generate_key(), "short"]}})
    assert errors == [
        "Key 2 of [readybed] encryption_keys in .streamlit/secrets.toml is not a Fernet key "
        "(44 characters of URL-safe base64); make one with `python -m matching team new-key`."
    ]
