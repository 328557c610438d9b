"""One reader of the server's configuration, used by the app and the ``team`` CLI alike.

The settings are ``.streamlit/secrets.toml`` (Streamlit's secrets file, in the folder the app
runs from) and ``$READYBED_DB_URL``. Both front ends go through :func:`config_errors` and
:func:`encryption_keys`, so a file one of them refuses the other refuses too. It fails closed:
a secrets file that is not TOML, a ``[readybed]`` or ``[auth]`` that is not a table, a
``database_url`` that is not text, ``encryption_keys`` that is not a list of Fernet keys, the
example's placeholder key, or ``accept_missing_email_verified`` that is not true or false is a
configuration error. The app then serves no page (before any
sign-in) and the CLI exits with status 2; both say what is wrong, where, and how to fix it.
No secrets file at all is not an error: that is the laptop app.

Team mode's own packages (the PostgreSQL driver, the sign-in library) are the ``team`` extra,
not installed with the laptop app: :func:`missing_team_extra` names what a configuration needs
that is not installed, and the one command that installs it.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

SECRETS_FILE: Final = Path(".streamlit") / "secrets.toml"
# deploy/secrets.toml.example's stand-in: a server must never run with it.
PLACEHOLDER_MARK: Final = "REPLACE"
# For providers that never send the email_verified claim (docs/team.md): off unless set true.
ACCEPT_MISSING_EMAIL_VERIFIED: Final = "accept_missing_email_verified"
NEW_KEY_HINT: Final = "make one with `python -m matching team new-key`"
# pyproject.toml's [project.optional-dependencies] team: what only a team server needs.
TEAM_EXTRA_COMMAND: Final = "pip install -e '.[team]'"
_TEAM_PACKAGES: Final = {
    "psycopg": "psycopg (the PostgreSQL driver)",
    "authlib": "Authlib (the sign-in library)",
}


def read_secrets_file(path: Path = SECRETS_FILE) -> tuple[dict[str, Any], list[str]]:
    """Return the secrets file's tables and the errors reading it (no file: empty, no error)."""
    if not path.is_file():
        return {}, []
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), []
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"{path} is not valid TOML ({exc}); fix that line or remove the file."]
    except UnicodeDecodeError:
        return {}, [f"{path} is not UTF-8 text; save it again as UTF-8."]


def config_errors(secrets: Mapping[str, Any], where: Path | str = SECRETS_FILE) -> list[str]:
    """Return every configuration error in ``secrets`` (the parsed file), each a sentence."""
    errors: list[str] = []
    for table in ("auth", "readybed"):
        if table in secrets and not isinstance(secrets[table], Mapping):
            errors.append(f"[{table}] in {where} must be a table (a [{table}] section).")
    readybed = secrets.get("readybed")
    settings: Mapping[str, Any] = readybed if isinstance(readybed, Mapping) else {}
    url = settings.get("database_url", "")
    if not isinstance(url, str):
        errors.append(f"[readybed] database_url in {where} must be text, a database URL in quotes.")
    errors += _key_errors(settings.get("encryption_keys"), where)
    lenient = settings.get(ACCEPT_MISSING_EMAIL_VERIFIED, False)
    if not isinstance(lenient, bool):
        errors.append(
            f"[readybed] {ACCEPT_MISSING_EMAIL_VERIFIED} in {where} must be true or false "
            "(without quotes); leave it out unless your provider never sends email_verified "
            "(docs/team.md)."
        )
    return errors


def accept_missing_email_verified(secrets: Mapping[str, Any]) -> bool:
    """Return whether a sign-in without an ``email_verified`` claim is accepted (default no)."""
    readybed = secrets.get("readybed")
    value = readybed.get(ACCEPT_MISSING_EMAIL_VERIFIED) if isinstance(readybed, Mapping) else None
    return value is True


def _key_errors(value: object, where: Path | str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        return [
            f"[readybed] encryption_keys in {where} must be a list of keys in quotes, "
            f'e.g. encryption_keys = ["<key>"]; {NEW_KEY_HINT}.'
        ]
    errors = []
    for number, key in enumerate(value, start=1):
        if PLACEHOLDER_MARK in key:
            errors.append(
                f"Key {number} of [readybed] encryption_keys in {where} is the example's "
                f"placeholder; replace it with a real key ({NEW_KEY_HINT})."
            )
        elif not is_fernet_key(key.strip()):
            errors.append(
                f"Key {number} of [readybed] encryption_keys in {where} is not a Fernet key "
                f"(44 characters of URL-safe base64); {NEW_KEY_HINT}."
            )
    return errors


def is_fernet_key(key: str) -> bool:
    """Return whether ``key`` is a Fernet key: 32 bytes in URL-safe base64."""
    try:
        return len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32 and len(key) == 44
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False


def encryption_keys(secrets: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the configured keys (call :func:`config_errors` first: wrong types give none)."""
    readybed = secrets.get("readybed")
    value = readybed.get("encryption_keys") if isinstance(readybed, Mapping) else None
    if not isinstance(value, list):
        return ()
    return tuple(key.strip() for key in value if isinstance(key, str) and key.strip())


def secrets_database_url(secrets: Mapping[str, Any]) -> str:
    """Return ``[readybed] database_url`` ("" when it is not set)."""
    readybed = secrets.get("readybed")
    value = readybed.get("database_url", "") if isinstance(readybed, Mapping) else ""
    return value.strip() if isinstance(value, str) else ""


def missing_team_extra(*, url: str = "", sign_in: bool = False) -> list[str]:
    """Return one sentence when what ``url`` and ``sign_in`` need is not installed, else none.

    A PostgreSQL ``url`` needs psycopg and a configured sign-in needs Authlib; both come with
    the ``team`` extra, which the laptop app does without.
    """
    needed = []
    if url.strip().lower().startswith("postgresql"):
        needed.append("psycopg")
    if sign_in:
        needed.append("authlib")
    missing = [_TEAM_PACKAGES[name] for name in needed if not _importable(name)]
    if not missing:
        return []
    return [
        f"Team mode needs {' and '.join(missing)}, which this installation does not have: "
        f"they come with ReadyBed's team extra. Install it with `{TEAM_EXTRA_COMMAND}` in "
        "the ReadyBed folder, then start again."
    ]


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True
