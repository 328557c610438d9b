"""``python -m matching plan-b --near PLACE``: same-day treatment when no bed is found.

Prints Plan B (issue 22, docs/clinical.md): opioid treatment programs and buprenorphine
prescribers near the place from the directory, nearest first with phones and distances, what
to ask an emergency department, the pregnancy preference, naloxone, Never Use Alone and the
crisis lines. No case is needed; nothing is stored. Guidance only: the program decides.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from matching.case.carelevel import CareAnswers
from matching.case.model import Case, Intervention
from matching.case.planb import PLAN_B_RADIUS_MILES, build_plan_b
from matching.cli.search import load_directory
from matching.directory.text_safety import terminal_text
from matching.errors import QueryError
from matching.render.planb import plan_b_text
from matching.search.geo import resolve_location


def add_plan_b_command(commands: argparse._SubParsersAction) -> None:
    """Add ``plan-b`` to the command line."""
    plan = commands.add_parser(
        "plan-b", help="same-day treatment near a place when no bed is found"
    )
    source = plan.add_mutually_exclusive_group()
    source.add_argument("--data", help="canonical directory CSV (default: the shipped one)")
    source.add_argument("--demo", action="store_true", help="use the fictional demo directory")
    plan.add_argument("--near", required=True, help='ZIP, "City, ST" or "lat, lon"')
    plan.add_argument("--radius-miles", type=float, default=PLAN_B_RADIUS_MILES)
    plan.add_argument("--moud", choices=("methadone", "buprenorphine"), help="taken now")
    plan.add_argument("--pregnant", action="store_true")
    plan.set_defaults(handler=_handler)


def _handler(args: argparse.Namespace) -> int:
    print(terminal_text(run_plan_b(args)), end="")
    return 0


def run_plan_b(args: argparse.Namespace) -> str:
    """Return Plan B as text for the place and person in ``args``."""
    if not args.radius_miles > 0:
        raise QueryError(f"--radius-miles must be above 0, got {args.radius_miles}.")
    origin = resolve_location(args.near)
    care = CareAnswers(
        substances=("opioids",), daily_use=True, moud=args.moud or "none", pregnant=args.pregnant
    )
    case = Case(intervention=Intervention(place_lat=origin.lat, place_lon=origin.lon), care=care)
    directory = load_directory(args.data, datetime.now(UTC), demo=args.demo)
    plan = build_plan_b(case, directory, radius_miles=args.radius_miles)
    return plan_b_text(plan)
