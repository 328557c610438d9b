"""The team server's subcommands: ``python -m matching team new-key|migrate|status``.

``new-key`` prints a new encryption key for the secrets file; ``migrate`` brings the store's
schema up to date (opening the store runs the migrations) and says from which revision to
which; ``status`` says the revision and how many organisations, people and cases the store
holds, and nothing about any of them (no names, e-mails or case titles: its output may go
into a ticket or a chat), and whether every encrypted value opens with the configured keys
(the check of a restored backup); ``reseal`` re-encrypts every encrypted value with the first
key, so that after a rotation the old key can be retired.

The store is the one named by ``--db``, else by ``$READYBED_DB_URL``, else the
``[readybed] database_url`` of ``.streamlit/secrets.toml`` in the current folder (where a
server keeps it), else the local SQLite store. Every line names the store with its password
hidden.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from matching.errors import StoreError

SECRETS_FILE = Path(".streamlit") / "secrets.toml"


class ConfigError(StoreError, ValueError):
    """The secrets file is wrong (``matching.records.config``): the command exits with status 2."""


def add_team_commands(commands: Any) -> None:
    """Add ``team`` and its own subcommands to the subcommand parsers ``commands``."""
    team = commands.add_parser(
        "team", help="run a team server: encryption keys, schema migrations, store status"
    )
    # The same parser class as the top level, so a usage error stays one line with exit 2.
    actions = team.add_subparsers(dest="team_command", required=True, parser_class=type(team))
    new_key = actions.add_parser(
        "new-key", help="print a new encryption key for [readybed] encryption_keys"
    )
    new_key.set_defaults(handler=_run_new_key)
    migrate = actions.add_parser(
        "migrate", help="create or upgrade the store's schema (safe to run again)"
    )
    migrate.set_defaults(handler=_run_migrate)
    status = actions.add_parser(
        "status", help="print the schema revision and how many organisations, people, cases"
    )
    status.set_defaults(handler=_run_status)
    reseal = actions.add_parser(
        "reseal",
        help="re-encrypt everything with the first of [readybed] encryption_keys (after a "
        "rotation, so the old key can be retired)",
    )
    reseal.set_defaults(handler=_run_reseal)
    for command in (migrate, status, reseal):
        command.add_argument(
            "--db",
            metavar="URL",
            help="database URL, e.g. postgresql+psycopg://readybed@localhost/readybed "
            "(default: $READYBED_DB_URL, else .streamlit/secrets.toml, else the local store)",
        )


def _run_new_key(_args: argparse.Namespace) -> int:
    from matching.records.sealing import generate_key

    # Only the key on stdout, so `KEY=$(python -m matching team new-key)` works.
    print(generate_key())
    return 0


def _run_migrate(args: argparse.Namespace) -> int:
    from matching.records import admin
    from matching.records.store import open_engine

    url = database_url(args.db)
    before = _read_revision(url)
    try:
        engine = open_engine(url)
    except Exception as exc:
        raise admin.store_error(url, exc) from exc
    try:
        after = admin.revision_of(engine, url)
    finally:
        engine.dispose()
    print(f"Store {admin.shown(url)}:")
    if before == after:
        print(f"  schema at revision {_label(after)}; nothing to do.")
    else:
        print(f"  migrated from revision {_label(before)} to {_label(after)}.")
    return 0


def _run_status(args: argparse.Namespace) -> int:
    from matching.records import admin

    url = database_url(args.db)
    engine = admin.plain_engine(url, must_exist=True)
    try:
        revision = admin.revision_of(engine, url)
        if revision is None:
            raise StoreError(
                f"The store {admin.shown(url)} has no ReadyBed tables yet; create them with "
                "`python -m matching team migrate`."
            )
        freshness = _freshness(revision)
        if not freshness.startswith("(up to date"):
            # An older or newer schema may lack the tables counted below, or read differently.
            print(f"Store {admin.shown(url)}: schema at revision {_label(revision)} {freshness}.")
            return 0
        counts = admin.counts(engine, url)
        sealed, unopened = admin.check_sealed(engine, url, configured_keys())
    finally:
        engine.dispose()
    print(f"Store {admin.shown(url)}: schema at revision {_label(revision)} {freshness}.")
    print(
        f"  {counts['orgs']} organisation(s), {counts['people']} person(s) who signed in, "
        f"{counts['cases']} case(s) ({counts['local_cases']} of them local); "
        "the local organisation and person of laptop mode are not counted."
    )
    if unopened is None:
        print(f"  {sealed} encrypted value(s); no [readybed] encryption_keys here to check them.")
        return 0
    print(f"  {sealed} encrypted value(s); {sealed - unopened} open with the configured keys.")
    if unopened:
        raise StoreError(
            f"{unopened} of {sealed} encrypted values do not open with the keys in "
            f"{SECRETS_FILE}; put the key they were written with back into encryption_keys."
        )
    return 0


def _run_reseal(args: argparse.Namespace) -> int:
    from matching.records import admin, sealing

    url = database_url(args.db)
    keys = configured_keys()
    if not keys:
        raise StoreError(
            f"No [readybed] encryption_keys in {SECRETS_FILE}; run this in the app's folder "
            "on the server, with the new key first and the old ones after it."
        )
    engine = admin.plain_engine(url, must_exist=True)
    try:
        revision = admin.revision_of(engine, url)
        if revision is None:
            raise StoreError(f"The store {admin.shown(url)} has no ReadyBed tables yet.")
        if revision != _current_head():
            raise StoreError(
                f"The store {admin.shown(url)} is at revision {revision} "
                f"{_freshness(revision)}; bring it to {_current_head()} before re-encrypting."
            )
        sealing.bind_keys(engine, keys)
        resealed = admin.reseal(engine, url)
    finally:
        engine.dispose()
    print(f"Store {admin.shown(url)}:")
    print(
        f"  re-encrypted {sum(resealed.values())} value(s) in {len(resealed)} table(s) with "
        "the first key; the other keys are needed now only for backups made before this."
    )
    return 0


def database_url(given: str | None) -> str:
    """Return the store a ``team`` command acts on (see the module docstring for the order)."""
    from matching.records import admin, config
    from matching.records.store import DB_URL_ENV, default_url

    _settings()  # a wrong secrets file here is refused whichever store is named
    if given and given.strip():
        url = given.strip()
    elif os.environ.get(DB_URL_ENV, "").strip():
        url = default_url()
    else:
        url = _secrets_database_url(SECRETS_FILE) or default_url()
    admin.check_url(url)
    missing = config.missing_team_extra(url=url)
    if missing:
        raise ConfigError(missing[0])
    return url


def _settings() -> dict[str, Any]:
    """Return the secrets file here, refused (exit 2) when ``config`` finds it wrong."""
    from matching.records import config

    secrets, errors = config.read_secrets_file(SECRETS_FILE)
    errors = errors or config.config_errors(secrets, SECRETS_FILE)
    if errors:
        raise ConfigError(" ".join(errors))
    return secrets


def _secrets_database_url(path: Path) -> str:
    from matching.records import config

    return config.secrets_database_url(_settings()) if path.is_file() else ""


def _read_revision(url: str) -> str | None:
    """Return the revision of the store at ``url`` without creating anything (None: empty)."""
    from matching.records import admin

    path = admin.sqlite_path(url)
    if path is not None and not path.is_file():
        return None
    engine = admin.plain_engine(url, must_exist=False)
    try:
        return admin.revision_of(engine, url)
    finally:
        engine.dispose()


def configured_keys() -> list[str]:
    """Return ``[readybed] encryption_keys`` of the secrets file here ([] when there is none)."""
    from matching.records import config

    return list(config.encryption_keys(_settings())) if SECRETS_FILE.is_file() else []


def _current_head() -> str:
    from matching.records.migrate import head

    return head()


def _freshness(revision: str) -> str:
    """Say how ``revision`` compares with the newest one this ReadyBed migrates to."""
    from alembic.util import CommandError

    from matching.records.migrate import head, script

    newest = head()
    if revision == newest:
        return "(up to date)"
    try:
        known = script().get_revision(revision) is not None
    except CommandError:
        known = False
    if known or revision.startswith("schema-"):
        return f"(behind: run `python -m matching team migrate` to reach {newest})"
    return f"(newer than this ReadyBed, which knows up to {newest}: update ReadyBed first)"


def _label(revision: str | None) -> str:
    return revision if revision is not None else "none (empty store)"
