"""A case the configured keys cannot open is a sentence, not a stack trace (issue 19, point 6).

On a real PostgreSQL: one case sealed with a key the server no longer has, another with the
current key. The person sees which case cannot open and what to do, never a traceback, and
their other case still opens from the list.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from case_factory import ready_case
from signin_support import AUTH
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

from matching.records import cases as case_records
from matching.records import sealing, team
from matching.records.store import open_engine

APP = str(Path(__file__).resolve().parents[1] / "app.py")
LEAD = "pat@practice.example"
ISSUER = "https://idp.example.org"


def _case_sealed_with(url: str, key: str, title: str) -> int:
    engine = open_engine(url)
    try:
        sealing.bind_keys(engine, [key])
        lead = team.sign_in(engine, email=LEAD, issuer=ISSUER, subject="pat")
        case = replace(ready_case(datetime.now(UTC)), title=title)
        stored = case_records.create_case(engine, case, actor=lead)
        assert stored.id is not None
        return stored.id
    finally:
        engine.dispose()


def test_a_case_sealed_with_a_lost_key_names_itself_and_leaves_the_others(team_db_url):
    lost, current = sealing.generate_key(), sealing.generate_key()
    unreadable = _case_sealed_with(team_db_url, lost, "The Rivera family")
    readable = _case_sealed_with(team_db_url, current, "The Chen family")

    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = dict(AUTH)
    at.secrets["readybed"] = {"encryption_keys": [current]}
    at.user = {
        "is_logged_in": True,
        "email": LEAD,
        "name": "Pat",
        "iss": ISSUER,
        "sub": "pat",
        "email_verified": True,
    }
    at.run()
    at.switch_page("app_pages/plan.py").run()
    assert not at.exception
    assert streamlit_config.get_option("client.showErrorDetails") == "none"
    at.sidebar.selectbox(key="case_select").set_value(unreadable).run()
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert "The Rivera family" in error and f"#{unreadable}" in error
    assert "could not be opened with the configured keys" in error
    assert "team status" in error and "other cases" in error
    assert "Traceback" not in error

    # The other case opens from the list, on the same page.
    at.sidebar.selectbox(key="case_select").set_value(readable).run()
    assert not at.exception
    assert not at.error
    assert at.text_input(key=f"alias_{readable}_1").value == "Sam"


def test_team_status_exits_non_zero_when_it_cannot_check_the_keys(
    team_db_url, tmp_path, monkeypatch, capsys
):
    """Encrypted values in the store and no keys where `team status` runs: said, exit 2."""
    from matching.cli.main import main

    _case_sealed_with(team_db_url, sealing.generate_key(), "The Rivera family")
    monkeypatch.delenv("READYBED_DB_URL")
    monkeypatch.chdir(tmp_path)  # a folder without .streamlit/secrets.toml
    assert main(["team", "status", "--db", team_db_url]) == 2
    captured = capsys.readouterr()
    assert "no [readybed] encryption_keys here to check them" in captured.out
    assert captured.err.startswith("error: Could not check the keys")
    assert "Rivera" not in captured.out + captured.err
