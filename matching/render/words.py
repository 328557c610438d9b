"""Small wording helpers so every page says "1 facility" and "2 facilities"."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Return '1 passage' / '3 passages' (or the given irregular plural)."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"
