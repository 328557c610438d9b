"""A case backup encrypted with a passphrase the lead chooses (scrypt + AES-256-GCM).

A case backup holds the letters, the safety answers and the insurance details. The app offers
it only encrypted: :func:`seal_backup` turns the JSON backup (:func:`~matching.case.codec.
case_to_json`) into a small JSON envelope whose ``ciphertext`` opens only with the passphrase.
The key is derived with scrypt (n = 2**15, r = 8, p = 1: about 32 MB and a tenth of a second per
try) from the passphrase and a random salt; AES-256-GCM (``cryptography``) encrypts and
authenticates, with the envelope's header as associated data, so a changed header or byte is
refused rather than decrypted into garbage.

:func:`open_backup` reads either an encrypted backup (with its passphrase) or a plain JSON
backup written before backups were encrypted, and always ends in
:func:`~matching.case.codec.case_from_json`'s validation. Every refusal is a
:class:`~matching.case.codec.CaseFormatError` sentence (a wrong passphrase says so).

from matching.ingest.safe_json import JsonShapeError, load_json_safely
>>> sealed = seal_backup(b'{"format": "x"}', "correct horse battery")
>>> b"format" in sealed and b'"x"' not in sealed
True
>>> open_backup_bytes(sealed, "correct horse battery")
b'{"format": "x"}'
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import unicodedata
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from matching.case.codec import CaseFormatError, case_from_json
from matching.case.model import Case
from matching.ingest.safe_json import JsonShapeError, load_json_safely

SEALED_FORMAT: Final = "readybed-case-encrypted"
SEALED_VERSION: Final = 1
MIN_PASSPHRASE: Final = 10
_SCRYPT_N: Final = 2**15
_SCRYPT_R: Final = 8
_SCRYPT_P: Final = 1
# A hostile file must not make the reader spend gigabytes: refuse work factors above these.
_MAX_N: Final = 2**20
_MAX_R: Final = 16
_MAX_P: Final = 4
_FILE_HINT: Final = "Choose a ReadyBed case backup (.json) saved with 'Case backup'."


def check_passphrase(passphrase: str) -> str:
    """Return ``passphrase`` normalised (NFC); raise CaseFormatError when it is too short."""
    cleaned = unicodedata.normalize("NFC", passphrase)
    if len(cleaned.strip()) < MIN_PASSPHRASE:
        raise CaseFormatError(
            f"The passphrase has {len(cleaned.strip())} characters; choose one of at least "
            f"{MIN_PASSPHRASE} (a few unrelated words are easy to type and hard to guess), "
            "and keep it apart from the file."
        )
    return cleaned


def seal_backup(backup: bytes, passphrase: str) -> bytes:
    """Return ``backup`` (a case JSON backup) encrypted with ``passphrase``, as JSON bytes."""
    secret = check_passphrase(passphrase)
    salt, nonce = os.urandom(16), os.urandom(12)
    header: dict[str, Any] = {
        "format": SEALED_FORMAT,
        "version": SEALED_VERSION,
        "kdf": {"name": "scrypt", "n": _SCRYPT_N, "r": _SCRYPT_R, "p": _SCRYPT_P},
        "salt": _b64(salt),
        "cipher": "AES-256-GCM",
        "nonce": _b64(nonce),
    }
    key = _derive(secret, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    ciphertext = AESGCM(key).encrypt(nonce, backup, _associated(header))
    document = {**header, "ciphertext": _b64(ciphertext)}
    return json.dumps(document, indent=1).encode("ascii")


def is_sealed_backup(raw: bytes | str) -> bool:
    """Return whether ``raw`` looks like an encrypted case backup (by its format field)."""
    document = _parse(raw)
    return isinstance(document, dict) and document.get("format") == SEALED_FORMAT


def open_backup_bytes(raw: bytes | str, passphrase: str) -> bytes:
    """Return the plain JSON backup inside the encrypted ``raw``; CaseFormatError if it fails."""
    document = _parse(raw)
    if not isinstance(document, dict) or document.get("format") != SEALED_FORMAT:
        raise CaseFormatError(f"This file is not an encrypted ReadyBed case backup. {_FILE_HINT}")
    header, ciphertext, salt, nonce, work = _read_envelope(document)
    if not passphrase:
        raise CaseFormatError(
            "This case backup is encrypted: enter the passphrase chosen when it was saved."
        )
    key = _derive(unicodedata.normalize("NFC", passphrase), salt, *work)
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, _associated(header))
    except InvalidTag:
        raise CaseFormatError(
            "The passphrase does not open this case backup (or the file was changed after it "
            "was saved). Check the passphrase, letter by letter, and try again; nothing was "
            "imported."
        ) from None


def open_backup(raw: bytes | str, passphrase: str = "") -> Case:
    """Return the case in a backup, encrypted (needs ``passphrase``) or plain JSON."""
    if is_sealed_backup(raw):
        return case_from_json(open_backup_bytes(raw, passphrase))
    return case_from_json(raw)


def _read_envelope(
    document: dict[str, Any],
) -> tuple[dict[str, Any], bytes, bytes, bytes, tuple[int, int, int]]:
    if document.get("version") != SEALED_VERSION:
        raise CaseFormatError(
            f"This encrypted case backup has version {document.get('version')!r}; this "
            f"ReadyBed reads version {SEALED_VERSION}. Open it with the ReadyBed that saved it."
        )
    kdf = document.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise CaseFormatError(
            f"The encrypted backup does not say how its key is made. {_FILE_HINT}"
        )
    work = (kdf.get("n"), kdf.get("r"), kdf.get("p"))
    if not all(isinstance(value, int) and value > 0 for value in work) or (
        work[0] > _MAX_N or work[1] > _MAX_R or work[2] > _MAX_P  # type: ignore[operator]
    ):
        raise CaseFormatError(f"The encrypted backup's key settings are not usable. {_FILE_HINT}")
    try:
        salt, nonce, ciphertext = (
            base64.b64decode(str(document[name]), validate=True)
            for name in ("salt", "nonce", "ciphertext")
        )
    except (KeyError, binascii.Error, ValueError):
        raise CaseFormatError(
            f"The encrypted backup is incomplete or damaged. {_FILE_HINT}"
        ) from None
    header = {name: value for name, value in document.items() if name != "ciphertext"}
    return header, ciphertext, salt, nonce, work  # type: ignore[return-value]


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _associated(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _parse(raw: bytes | str) -> object:
    try:
        return load_json_safely(raw.encode("utf-8") if isinstance(raw, str) else raw)
    except (JsonShapeError, ValueError, UnicodeError):
        return None
