"""``calls export`` and ``call-odds``: the call log as a file, and which facility to call first.

``python -m matching calls export --out LOG.csv`` writes the local store's phone calls that say
what was asked (need, payer) and how they ended; ``python -m matching call-odds --calls LOG.csv
--need NEED --payer PAYER`` prints, for every facility of the directory, the chance that the
next call ends with a bed offered (:mod:`matching.search.callodds`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from matching.directory.call_terms import CALL_PAYERS, NEEDS


def add_call_commands(commands: Any) -> None:
    """Add ``calls export`` and ``call-odds`` to the command line."""
    calls = commands.add_parser("calls", help="the call log as a file")
    actions = calls.add_subparsers(dest="calls_command", required=True)
    export = actions.add_parser(
        "export", help="write the phone calls of the local store as a call log CSV"
    )
    export.add_argument("--out", required=True, help="the CSV file to write")
    export.add_argument(
        "--tz",
        default="",
        help="IANA time zone for called_at, e.g. America/New_York (default: this computer's)",
    )
    export.set_defaults(handler=_run_export)

    odds = commands.add_parser(
        "call-odds", help="each facility's chance that the next call finds a bed"
    )
    odds.add_argument("--calls", required=True, help="call log CSV (calls export writes one)")
    source = odds.add_mutually_exclusive_group()
    source.add_argument("--data", help="canonical directory CSV (default: the shipped one)")
    source.add_argument("--demo", action="store_true", help="the fictional demo directory")
    odds.add_argument("--need", required=True, choices=NEEDS)
    odds.add_argument("--payer", required=True, choices=CALL_PAYERS)
    odds.add_argument(
        "--at", default="", help="when the call would be made, ISO 8601 with offset (default: now)"
    )
    odds.add_argument("--format", choices=("csv", "json"), default="csv")
    odds.set_defaults(handler=_run_odds)


def _run_export(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from matching.directory.io import write_text_atomic
    from matching.records.store import open_engine
    from matching.records.team import LOCAL
    from matching.records.workspace import Workspace
    from matching.search.callodds import write_call_log

    zone = args.tz.strip() or _local_zone()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"--tz {zone!r} is not an IANA time zone, e.g. America/Chicago") from None
    engine = open_engine()
    try:
        frame, left_out = Workspace(engine, LOCAL).calls.export_calls(tz=zone)
    finally:
        engine.dispose()
    write_text_atomic(args.out, write_call_log(frame))
    print(f"wrote {len(frame)} call(s) to {args.out}")
    if left_out:
        print(
            f"left out {left_out} call(s) that do not say the need, the payer or how the call "
            "ended (logged before ReadyBed asked)"
        )
    return 0


def _local_zone() -> str:
    """Return this computer's IANA zone name, or UTC when it has none."""
    named = os.environ.get("TZ", "").strip()
    if named:
        return named
    link = Path("/etc/localtime")
    if link.is_symlink() and "zoneinfo/" in str(link.resolve()):
        return str(link.resolve()).split("zoneinfo/", 1)[1]
    return "UTC"


def _run_odds(args: argparse.Namespace) -> int:
    from matching.cli.search import load_directory
    from matching.search.callodds import estimate, read_call_log

    at = _moment(args.at)
    calls = read_call_log(args.calls)
    directory = load_directory(args.data, at, demo=args.demo)
    report = estimate(directory, calls, need=args.need, payer=args.payer, at=at)
    if args.format == "json":
        print(json.dumps(report.frame.to_dict(orient="records")))
    else:
        print(report.frame.to_csv(index=False, lineterminator="\n"), end="")
    print(report.summary(), file=sys.stderr)
    return 0


def _moment(text: str) -> datetime:
    if not text.strip():
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--at {text!r} is not an ISO 8601 time, e.g. 2026-12-05T14:00-05:00"
        ) from None
    if moment.utcoffset() is None:
        raise ValueError(f"--at {text!r} has no UTC offset; add one, e.g. -05:00")
    return moment
