"""``case restore``: bring a case backup back into this computer's store, asking its passphrase.

``python -m matching case restore FILE`` imports a case backup (the Readiness page's encrypted
"Case backup", or a plain one made before backups were encrypted) as a new case of the local
store. An encrypted backup needs the passphrase chosen when it was saved: typed at the prompt
(not echoed), or given in ``$READYBED_BACKUP_PASSPHRASE`` for a script. A wrong passphrase
changes nothing and says so. A team server's store is not restored into from here: a restored
case needs a lead, so the lead imports it on the server's Readiness page.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from matching.errors import ReadyBedError

PASSPHRASE_ENV = "READYBED_BACKUP_PASSPHRASE"


def add_case_commands(commands: Any) -> None:
    """Add ``case restore`` to the command line."""
    case = commands.add_parser("case", help="case backups")
    actions = case.add_subparsers(dest="case_command", required=True)
    restore = actions.add_parser(
        "restore", help="import a case backup (asks its passphrase) into the local store"
    )
    restore.add_argument("file", help="the case backup (.json) saved from the Readiness page")
    restore.set_defaults(handler=_run_restore)


def _run_restore(args: argparse.Namespace) -> int:
    from matching.case.sealed_backup import is_sealed_backup
    from matching.records.store import DB_URL_ENV, default_url, is_sqlite_url, open_engine
    from matching.records.team import LOCAL
    from matching.records.workspace import Workspace

    url = os.environ.get(DB_URL_ENV, "").strip() or default_url()
    if not is_sqlite_url(url):
        raise ReadyBedError(
            "case restore writes to this computer's store only; on a team server the case's "
            "lead imports the backup on the Readiness page (Import a case backup)."
        )
    raw = Path(args.file).read_bytes()
    passphrase = _passphrase() if is_sealed_backup(raw) else ""
    engine = open_engine(url)
    try:
        case = Workspace(engine, LOCAL).cases.import_case(raw, passphrase=passphrase)
    finally:
        engine.dispose()
    print(f"restored the case as a new case, number {case.id} (the Plan page opens it)")
    return 0


def _passphrase() -> str:
    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise ReadyBedError(
            f"This case backup is encrypted: run this in a terminal to type its passphrase, or "
            f"set {PASSPHRASE_ENV}."
        )
    import getpass

    return getpass.getpass("Passphrase of the case backup: ")
