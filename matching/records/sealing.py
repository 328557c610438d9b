"""Encryption at rest of what a family types (team mode): letters, safety answers and notes.

In team mode the server's secrets hold one or more Fernet keys (``cryptography``); the texts
that carry what people typed (a case's plan, a placement's details, contact-log and call-log
notes) are stored sealed, so a database dump alone does not reveal them. The first key seals,
every key opens (``MultiFernet``), so a key can be rotated by putting the new one first.

Local mode has no key and stores plain text: the SQLite file is owner-only and deletes with
``secure_delete``. A sealed value read without the key fails with a sentence, never garbage.

The keys are bound to an engine with :func:`bind_keys` (one engine per database URL in the
app), so every module that reads or writes these columns calls :func:`seal` / :func:`unseal`
with the engine it already has.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Final

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Engine

from matching.errors import StoreError

# Sealed values start with this tag; a Fernet token itself is URL-safe base64 (no colon).
PREFIX: Final = "fernet:"

_SEALERS: weakref.WeakKeyDictionary[Engine, MultiFernet] = weakref.WeakKeyDictionary()


def generate_key() -> str:
    """Return a new random key, as it goes in the secrets file."""
    return Fernet.generate_key().decode("ascii")


def bind_keys(engine: Engine, keys: Sequence[str]) -> None:
    """Seal with ``keys[0]`` and open with any of ``keys`` on ``engine``; raise on a bad key."""
    fernets = []
    for number, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.strip().encode("ascii")))
        except (ValueError, UnicodeEncodeError):
            raise StoreError(
                f"Encryption key {number} in the secrets is not a Fernet key (44 characters of "
                "URL-safe base64). Make one with `python -m matching team new-key`."
            ) from None
    if not fernets:
        raise StoreError("Team mode needs an encryption key in the secrets ([readybed] keys).")
    _SEALERS[engine] = MultiFernet(fernets)


def seal(engine: Engine, text: str) -> str:
    """Return ``text`` as it is stored: sealed when ``engine`` has keys, else unchanged."""
    sealer = _SEALERS.get(engine)
    if sealer is None or text == "":
        return text
    return PREFIX + sealer.encrypt(text.encode("utf-8")).decode("ascii")


def unseal(engine: Engine, stored: str) -> str:
    """Return the text of a stored value; raise StoreError when it cannot be opened."""
    if not stored.startswith(PREFIX):
        # Plain text: local mode, or written before the server had a key.
        return stored
    sealer = _SEALERS.get(engine)
    if sealer is None:
        raise StoreError(
            "This store holds encrypted case data and no encryption key is configured; set "
            "the key in .streamlit/secrets.toml ([readybed] encryption_keys) to read it."
        )
    try:
        return sealer.decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise StoreError(
            "Encrypted case data could not be opened with the configured keys (a key was "
            "changed or removed). Put the old key back after the new one in [readybed] "
            "encryption_keys."
        ) from None
