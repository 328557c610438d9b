"""Downloads are not served to strangers (issue 19, point 3), on a real PostgreSQL.

Streamlit serves every download button's bytes at ``/media/<id>`` to any request, signed in or
not. These tests record every byte string the app hands to Streamlit's media store and check
that none holds a letter or an insurance detail: the packet and the case backup are built only
after an explicit request, and the backup is ciphertext that opens only with the lead's
passphrase (the app's and the CLI's restore ask for it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from case_factory import NOW, ready_case
from signin_support import AUTH
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from matching import case as cases
from matching.case.sealed_backup import is_sealed_backup, open_backup, seal_backup
from matching.records import cases as case_records
from matching.records import sealing, team
from matching.records.store import open_engine

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
LEAD = "pat@practice.example"
PASSPHRASE = "river stone lantern 42"
LETTER = b"missed my wedding"
SECRETS = (LETTER, b"Aetna", b"REF-1")


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every byte string handed to Streamlit's media store (what /media/<id> would serve)."""
    seen: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, bytes):
            seen.append(path_or_data)
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return seen


@pytest.fixture
def key() -> str:
    return sealing.generate_key()


@pytest.fixture
def team_engine(team_db_url: str, key: str):
    opened = open_engine(team_db_url)
    sealing.bind_keys(opened, [key])
    yield opened
    opened.dispose()


@pytest.fixture
def lead_case(team_engine):
    lead = team.sign_in(team_engine, email=LEAD, issuer="https://idp.example.org", subject="pat")
    return case_records.create_case(
        team_engine, replace(ready_case(datetime.now(UTC)), title="The Rivera family"), actor=lead
    )


def lead_on_readiness(key: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = dict(AUTH)
    at.secrets["readybed"] = {"encryption_keys": [key]}
    at.user = {
        "is_logged_in": True,
        "email": LEAD,
        "name": "Pat",
        "iss": "https://idp.example.org",
        "sub": "pat",
        "email_verified": True,
    }
    at.run()
    at.switch_page("app_pages/readiness.py").run()
    assert not at.exception, at.exception
    return at


def leaks(served: list[bytes]) -> list[bytes]:
    return [secret for secret in SECRETS if any(secret in data for data in served)]


def download_labels(at: AppTest) -> list[str]:
    return [element.proto.label for element in at.get("download_button")]


def test_rendering_readiness_serves_no_letter_or_insurance(lead_case, key, served) -> None:
    at = lead_on_readiness(key)
    at.checkbox(key=f"with_letters_{lead_case.id}_{lead_case.version}").check().run()
    assert not at.exception
    # Nothing is offered before anyone asks: no packet, no calendar, no backup.
    assert download_labels(at) == []
    assert leaks(served) == []


def test_the_backup_is_prepared_on_request_and_is_ciphertext(lead_case, key, served) -> None:
    at = lead_on_readiness(key)
    inputs = {w.label: w for w in at.text_input}
    inputs["Passphrase for the case backup"].input(PASSPHRASE)
    inputs["The passphrase again"].input(PASSPHRASE)
    next(b for b in at.button if b.label == "Prepare the encrypted backup").click().run()
    assert not at.exception
    assert "Download the encrypted case backup" in download_labels(at)
    (backup,) = [data for data in served if is_sealed_backup(data)]
    # Whoever fetches /media/<id> without the session gets ciphertext, no letter, no insurer.
    assert leaks(served) == []
    restored = open_backup(backup, PASSPHRASE)
    assert restored.team[0].letter.startswith("I love you")
    # The next run (any click) withdraws the download.
    at.run()
    assert download_labels(at) == []


def test_a_short_or_mismatched_passphrase_prepares_nothing(lead_case, key, served) -> None:
    at = lead_on_readiness(key)
    for first, second, words in (
        ("short", "short", "at least 10"),
        (PASSPHRASE, "x" * 12, "differ"),
    ):
        inputs = {w.label: w for w in at.text_input}
        inputs["Passphrase for the case backup"].input(first)
        inputs["The passphrase again"].input(second)
        next(b for b in at.button if b.label == "Prepare the encrypted backup").click().run()
        assert not at.exception
        assert any(words in e.value for e in at.error), words
        assert not [data for data in served if is_sealed_backup(data)]


@pytest.mark.parametrize(
    ("what", "magic"),
    [("readiness packet (PDF)", b"%PDF"), ("calendar with reminders (.ics)", b"BEGIN:VCALENDAR")],
)
def test_the_packet_and_calendar_are_built_only_when_asked(
    lead_case, key, served, what, magic
) -> None:
    at = lead_on_readiness(key)
    assert f"Download the {what}" not in download_labels(at)
    assert not [data for data in served if data.startswith(magic)]
    next(b for b in at.button if b.label == f"Prepare the {what}").click().run()
    assert not at.exception
    assert f"Download the {what}" in download_labels(at)
    assert [data for data in served if data.startswith(magic)]


def test_restoring_in_the_app_asks_for_the_passphrase(lead_case, team_engine, key) -> None:
    from apptest_helpers import file_uploader

    backup = seal_backup(cases.case_to_json(replace(lead_case, title="From backup")), PASSPHRASE)
    lead = team.sign_in(team_engine, email=LEAD, issuer="https://idp.example.org", subject="pat")
    for typed, expected in (("", "enter the passphrase"), ("wrong passphrase!", "does not open")):
        at = lead_on_readiness(key)
        file_uploader(at).set_value(("case.json", backup, "application/json"))
        at.text_input(key="import_passphrase").input(typed)
        next(b for b in at.button if b.label == "Import as a new case").click().run()
        assert not at.exception
        assert any(expected in e.value and "Nothing was imported" in e.value for e in at.error)
        assert case_records.count_cases(team_engine, actor=lead) == 1
    at = lead_on_readiness(key)
    file_uploader(at).set_value(("case.json", backup, "application/json"))
    at.text_input(key="import_passphrase").input(PASSPHRASE)
    next(b for b in at.button if b.label == "Import as a new case").click().run()
    assert not at.exception
    assert case_records.count_cases(team_engine, actor=lead) == 2


# --- the envelope ----------------------------------------------------------------------------


def test_the_envelope_refuses_a_wrong_passphrase_and_a_changed_byte() -> None:
    plain = cases.case_to_json(ready_case(NOW), now=NOW)
    sealed = seal_backup(plain, PASSPHRASE)
    assert LETTER not in sealed and b"Aetna" not in sealed
    with pytest.raises(cases.CaseFormatError, match="does not open this case backup"):
        open_backup(sealed, PASSPHRASE + "x")
    document = json.loads(sealed)
    document["kdf"]["n"] = 2**14  # a changed header is authenticated data
    with pytest.raises(cases.CaseFormatError, match="does not open"):
        open_backup(json.dumps(document), PASSPHRASE)
    document["kdf"]["n"] = 2**30  # a hostile work factor is refused before any work
    with pytest.raises(cases.CaseFormatError, match="not usable"):
        open_backup(json.dumps(document), PASSPHRASE)
    assert open_backup(sealed, PASSPHRASE) == ready_case(NOW)
    # A plain backup made before encryption still restores.
    assert open_backup(plain) == ready_case(NOW)


# --- the CLI ---------------------------------------------------------------------------------


def restore(file: Path, url: str, passphrase: str | None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "READYBED_DB_URL": url, "HOME": str(file.parent)}
    if passphrase is not None:
        env["READYBED_BACKUP_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "matching", "case", "restore", str(file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_the_cli_restore_asks_for_the_passphrase(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    backup = tmp_path / "case.json"
    backup.write_bytes(seal_backup(cases.case_to_json(ready_case(NOW), now=NOW), PASSPHRASE))
    wrong = restore(backup, url, "not the passphrase")
    assert wrong.returncode == 2 and "does not open this case backup" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    missing = restore(backup, url, None)
    assert missing.returncode == 2 and "passphrase" in missing.stderr
    done = restore(backup, url, PASSPHRASE)
    assert done.returncode == 0, done.stderr
    assert "restored" in done.stdout


def test_a_get_of_the_backup_address_without_the_session_is_ciphertext(browser, tmp_path) -> None:
    """In a real browser: the prepared backup's /media/ address, fetched with no cookie and no
    session, gives ciphertext that opens only with the passphrase."""
    import urllib.request

    from browser_support import streamlit_server

    url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    engine = open_engine(url)
    case_records.create_case(engine, ready_case(datetime.now(UTC)), actor=team.LOCAL)
    engine.dispose()
    with streamlit_server(url) as app_url:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.goto(f"{app_url}/readiness")
        page.get_by_text("Print and save").wait_for(timeout=60_000)
        for label in ("Passphrase for the case backup", "The passphrase again"):
            page.locator(f'input[aria-label="{label}"]').fill(PASSPHRASE)
        page.get_by_role("button", name="Prepare the encrypted backup").click()
        button = page.get_by_role("button", name="Download the encrypted case backup")
        button.wait_for(timeout=60_000)
        with page.expect_download() as download:
            button.click()
        address = download.value.url
        context.close()
        assert "/media/" in address
        with urllib.request.urlopen(address, timeout=30) as response:  # no cookie, no session
            fetched = response.read()
    assert is_sealed_backup(fetched)
    assert leaks([fetched]) == []
    assert open_backup(fetched, PASSPHRASE).team[0].letter.startswith("I love you")
