"""``python -m matching care-level --answers FILE.json --format json|text``: the care guide.

Reads the guide's answers (the keys of :mod:`matching.case.carelevel`) from a JSON file and
prints what they point to. Bad answers exit 2 with one sentence naming the key. Guidance only:
the facility's own assessment decides.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from matching.case.carelevel import CareAnswersError, answers_from_plain, assess, result_text
from matching.directory.text_safety import terminal_text
from matching.ingest.safe_json import JsonShapeError, load_json_safely

# A dozen answers are a few hundred bytes; a file far larger is not an answers file.
MAX_ANSWERS_BYTES = 64_000


def add_care_level_command(commands: argparse._SubParsersAction) -> None:
    """Add ``care-level`` to the command line."""
    care = commands.add_parser(
        "care-level", help="what level of care a person's answers point to (guidance only)"
    )
    care.add_argument("--answers", required=True, metavar="FILE.json", help="the answers")
    care.add_argument("--format", choices=("json", "text"), default="text")
    care.set_defaults(handler=_handler)


def _handler(args: argparse.Namespace) -> int:
    print(terminal_text(run_care_level(args)), end="")
    return 0


def run_care_level(args: argparse.Namespace) -> str:
    """Return the result of the answers in ``args.answers`` as JSON or text."""
    path = Path(args.answers)
    raw = path.read_bytes()
    if len(raw) > MAX_ANSWERS_BYTES:
        raise CareAnswersError(f"{path.name} is too large to be the guide's answers.")
    try:
        data = load_json_safely(raw)
    except (JsonShapeError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CareAnswersError(
            f"{path.name} is not valid JSON ({error}); write the answers as one JSON object."
        ) from None
    result = assess(answers_from_plain(data))
    if args.format == "json":
        return json.dumps(result.plain(), indent=2, ensure_ascii=False) + "\n"
    return result_text(result) + "\n"
