"""Command line: ``python -m matching import|availability|fetch|geocode|demo-data|search``,
``care-level``, ``case restore`` and the team commands.

The contract for scripted use: exit 0 on success, exit 2 on unusable input with one line on
stderr naming the problem (no traceback). Output files are written atomically, so a failed run
leaves an existing file untouched.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from matching.cli.calls import add_call_commands
from matching.cli.carelevel import add_care_level_command
from matching.cli.case import add_case_commands
from matching.cli.team import add_team_commands
from matching.directory.text_safety import terminal_text
from matching.errors import FacilityDataError, ReadyBedError
from matching.ingest.registry import FORMATS


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors exit 2 with a single line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # ``prog`` is "python -m matching" or, for a subcommand, "python -m matching import".
        self.exit(2, f"error: {message} (see `{self.prog} -h`)\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of every subcommand."""
    parser = _Parser(prog="python -m matching", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_import_command(commands)
    _add_availability_command(commands)
    demo = commands.add_parser("demo-data", help="regenerate the synthetic demo directory")
    demo.add_argument("--out", required=True, help="CSV to write")
    demo.set_defaults(handler=_run_demo)
    _add_live_commands(commands)
    _add_search_command(commands)
    add_care_level_command(commands)
    add_team_commands(commands)
    add_call_commands(commands)
    add_case_commands(commands)
    return parser


def _add_import_command(commands: argparse._SubParsersAction) -> None:
    imp = commands.add_parser(
        "import", help="convert a SAMHSA or other listing to the canonical CSV"
    )
    imp.add_argument("source", help="file to import (CSV, XLSX or JSON)")
    imp.add_argument("--out", required=True, help="canonical CSV to write")
    imp.add_argument(
        "--format", choices=FORMATS, default="auto", help="input format (default: auto)"
    )
    imp.add_argument(
        "--locate-with",
        action="append",
        default=[],
        metavar="FILE",
        help="directory with coordinates to locate rows by address (repeatable; "
        "default: the directory ReadyBed ships)",
    )
    imp.add_argument(
        "--no-locate",
        action="store_true",
        help="leave rows without coordinates unlocated (0,0) instead of matching them",
    )
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=HEADER",
        help="name the column of a canonical field (repeatable), e.g. name=AccountName or "
        "address_line=AddressOneLine for a one-line address",
    )
    imp.add_argument(
        "--into",
        metavar="DIRECTORY",
        help="merge into this canonical directory instead of writing the file alone: a row "
        "that is the same facility updates it, new ones are added, ambiguous ones left out",
    )
    imp.set_defaults(handler=_run_import)


def _add_availability_command(commands: argparse._SubParsersAction) -> None:
    avail = commands.add_parser("availability", help="merge an availability feed into a directory")
    avail.add_argument("feed", help="availability feed CSV")
    avail.add_argument("--data", required=True, help="canonical directory CSV")
    avail.add_argument("--out", required=True, help="canonical CSV to write")
    avail.add_argument(
        "--format",
        choices=("auto", "feed", "la-sbat"),
        default="auto",
        help="feed CSV or LA County SBAT export (default: detected from the header)",
    )
    avail.set_defaults(handler=_run_availability)


def _add_search_command(commands: argparse._SubParsersAction) -> None:
    find = commands.add_parser("search", help="rank facilities near a place")
    source = find.add_mutually_exclusive_group()
    source.add_argument(
        "--data",
        help="canonical directory CSV (default: SAMHSA's National Directory 2023, shipped)",
    )
    source.add_argument(
        "--demo", action="store_true", help="search the fictional demo directory instead"
    )
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
    _add_person_arguments(find)
    find.add_argument("--preset", default="family")
    find.add_argument("--top", type=int, default=20, help="0 = all matches")
    find.add_argument("--format", choices=("csv", "json", "table"), default="table")
    find.set_defaults(handler=_run_search)


def _add_person_arguments(find: argparse.ArgumentParser) -> None:
    """Add the optional "who the person is" flags (hard requirements) to ``search``."""
    person = find.add_argument_group("about the person (each one given must fit)")
    person.add_argument(
        "--age", dest="age_group", choices=("adolescent", "young_adult", "adult", "senior")
    )
    person.add_argument(
        "--sex",
        choices=("female", "male"),
        help="the sex a program must accept; open beds reported by sex count for this sex",
    )
    person.add_argument(
        "--pregnant", action="store_true", help="pregnant or postpartum (a program for her)"
    )
    person.add_argument(
        "--language", metavar="spanish|sign|NAME", help="e.g. spanish, sign, Vietnamese"
    )
    person.add_argument("--veteran", action="store_true", help="a program for veterans")
    person.add_argument(
        "--not-veteran",
        action="store_true",
        help="the person is not a veteran: leave out VA facilities (veterans only)",
    )
    person.add_argument(
        "--co-occurring",
        dest="co_occurring",
        action="store_true",
        help="a program for co-occurring mental illness",
    )


def _add_live_commands(commands: argparse._SubParsersAction) -> None:
    from matching.cli.live import add_live_commands

    add_live_commands(commands)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except FacilityDataError as exc:
        _say(f"error: {exc.one_line()}", error=True)
    except (ReadyBedError, ValueError, OSError) as exc:
        _say(f"error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", error=True)
    return 2


def _say(text: str, *, error: bool = False, end: str = "\n") -> None:
    """Print ``text`` with escape sequences and control characters taken out.

    Every line the CLI prints can hold listing data (names, reasons, file names), and a
    terminal obeys escape sequences in whatever it prints.
    """
    print(terminal_text(text), end=end, file=sys.stderr if error else sys.stdout)


def _run_import(args: argparse.Namespace) -> int:
    from matching.cli.live import run_sbat_import
    from matching.directory.io import write_directory
    from matching.ingest.importers import Locating, import_file

    if run_sbat_import(args):
        return 0
    locating = Locating(references=tuple(args.locate_with) or None, enabled=not args.no_locate)
    result = import_file(
        args.source, fmt=args.format, locating=locating, column_map=_column_map(args.map)
    )
    frame = result.frame
    if args.into:
        from matching.directory.io import read_directory
        from matching.live.merge import merge_listings

        merged = merge_listings(read_directory(args.into), frame)
        frame = merged.frame
    write_directory(frame, args.out)
    _say(result.report.summary_text())
    if args.into:
        _say(merged.summary_text())
    return 0


def _column_map(pairs: Sequence[str]) -> dict[str, str]:
    """Parse ``FIELD=HEADER`` pairs; ValueError (exit 2) naming a malformed one."""
    mapping = {}
    for pair in pairs:
        field, sep, header = pair.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise ValueError(f"--map {pair!r} must look like FIELD=HEADER, e.g. name=AccountName")
        mapping[field.strip()] = header.strip()
    return mapping


def _run_availability(args: argparse.Namespace) -> int:
    from matching.cli.live import run_sbat_availability
    from matching.directory.io import read_directory, write_directory
    from matching.ingest.availability import merge_feed_file

    if run_sbat_availability(args):
        return 0
    result = merge_feed_file(read_directory(args.data), args.feed)
    write_directory(result.frame, args.out)
    _say(result.report.summary_text())
    return 0


def _run_demo(args: argparse.Namespace) -> int:
    from matching.directory.demo import write_demo_csv

    count = write_demo_csv(args.out)
    _say(f"wrote {count} synthetic facilities to {args.out}")
    return 0


def _run_search(args: argparse.Namespace) -> int:
    from matching.cli.search import run_search

    _say(run_search(args), end="")
    return 0
