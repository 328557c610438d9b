"""Command line: ``python -m matching import|availability|demo-data|search``.

The contract for scripted use: exit 0 on success, exit 2 on unusable input with one line on
stderr naming the problem (no traceback). Output files are written atomically, so a failed run
leaves an existing file untouched.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from matching.errors import FacilityDataError, ReadyBedError
from matching.ingest.sniff import FORMATS


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors exit 2 with a single line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # ``prog`` is "python -m matching" or, for a subcommand, "python -m matching import".
        self.exit(2, f"error: {message} (see `{self.prog} -h`)\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every subcommand."""
    parser = _Parser(prog="python -m matching", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    imp = commands.add_parser(
        "import", help="convert a SAMHSA or other listing to the canonical CSV"
    )
    imp.add_argument("source", help="file to import (CSV, XLSX or JSON)")
    imp.add_argument("--out", required=True, help="canonical CSV to write")
    imp.add_argument(
        "--format", choices=FORMATS, default="auto", help="input format (default: auto)"
    )
    imp.set_defaults(handler=_run_import)

    avail = commands.add_parser("availability", help="merge an availability feed into a directory")
    avail.add_argument("feed", help="availability feed CSV")
    avail.add_argument("--data", required=True, help="canonical directory CSV")
    avail.add_argument("--out", required=True, help="canonical CSV to write")
    avail.set_defaults(handler=_run_availability)

    demo = commands.add_parser("demo-data", help="regenerate the synthetic demo directory")
    demo.add_argument("--out", required=True, help="CSV to write")
    demo.set_defaults(handler=_run_demo)

    find = commands.add_parser("search", help="rank facilities near a place")
    find.add_argument("--data", help="canonical directory CSV (default: embedded demo data)")
    find.add_argument("--near", required=True, help='ZIP, "City, ST" or "lat, lon"')
    find.add_argument("--radius-miles", type=float, default=50.0)
    find.add_argument("--payer", action="append", default=[], help="repeatable")
    find.add_argument("--detox", choices=("any", "hospital", "residential", "outpatient", "opioid"))
    find.add_argument(
        "--moud",
        action="append",
        default=[],
        choices=("methadone", "buprenorphine", "naltrexone", "accepts_moud_clients"),
        help="repeatable",
    )
    find.add_argument("--after-care", help="care needed after detox, e.g. residential")
    find.add_argument("--min-beds", type=int, default=0)
    find.add_argument("--max-age-hours", type=float)
    find.add_argument("--include-unverified", action="store_true")
    find.add_argument("--preset", default="family")
    find.add_argument("--top", type=int, default=20, help="0 = all matches")
    find.add_argument("--format", choices=("csv", "json", "table"), default="table")
    find.set_defaults(handler=_run_search)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except FacilityDataError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
    except (ReadyBedError, ValueError, OSError) as exc:
        print(
            f"error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
            file=sys.stderr,
        )
    return 2


def _run_import(args: argparse.Namespace) -> int:
    from matching.directory.io import write_directory
    from matching.ingest.importers import import_file

    result = import_file(args.source, fmt=args.format)
    write_directory(result.frame, args.out)
    print(result.report.summary_text())
    return 0


def _run_availability(args: argparse.Namespace) -> int:
    from matching.directory.io import read_directory, write_directory
    from matching.ingest.availability import merge_feed_file

    result = merge_feed_file(read_directory(args.data), args.feed)
    write_directory(result.frame, args.out)
    print(result.report.summary_text())
    return 0


def _run_demo(args: argparse.Namespace) -> int:
    from matching.directory.demo import write_demo_csv

    count = write_demo_csv(args.out)
    print(f"wrote {count} synthetic facilities to {args.out}")
    return 0


def _run_search(args: argparse.Namespace) -> int:
    from matching.cli.search import run_search

    print(run_search(args), end="")
    return 0
