"""One spelling in identifiers: American, as most of the code already was (``normalize``,
``license``, ``color``). Prose (docstrings, comments, what people read) is not checked."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(
    path
    for folder in ("matching", "app_pages", "tests", "benchmarks", ".ci")
    for path in (ROOT / folder).rglob("*.py")
) + [ROOT / "app.py"]
# British stems and the American spelling the code uses instead.
BRITISH = {
    "organis": "organiz", "normalis": "normaliz", "neutralis": "neutraliz", "licence": "license",
    "centre": "center", "colour": "color", "recognis": "recogniz", "authoris": "authoriz",
    "behaviour": "behavior", "favour": "favor", "analys": "analyz", "summaris": "summariz",
    "serialis": "serializ", "optimis": "optimiz", "initialis": "initializ",
}  # fmt: skip
STEMS = re.compile("|".join(BRITISH), re.IGNORECASE)


def british_names(source: str) -> list[str]:
    """Return the identifiers of ``source`` spelled the British way."""
    names = tokenize.generate_tokens(io.StringIO(source).readline)
    return [
        token.string
        for token in names
        if token.type == tokenize.NAME and STEMS.search(token.string)
    ]


def test_identifiers_use_the_american_spelling() -> None:
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in SOURCES
        for name in british_names(path.read_text(encoding="utf-8"))
    }
    assert not found, sorted(found)


def test_the_check_finds_a_british_identifier_and_leaves_prose_alone() -> None:
    code = 'def normalise_city(name):\n    """Normalise the centre."""\n    return name  # colour\n'
    assert british_names(code) == ["normalise_city"]
    assert british_names("licensed_beds = normalize(center)\n") == []
