"""Crisis lines shown on every page, in every export and printed packet (domain.md §7)."""

from __future__ import annotations

from typing import Final

CRISIS_LINES: Final[tuple[tuple[str, str, str], ...]] = (
    ("988", "988 Suicide & Crisis Lifeline", "call, text or chat; covers substance-use crises"),
    (
        "1-800-662-4357",
        "SAMHSA National Helpline",
        "free, confidential, 24/7, English and Spanish; TTY 1-800-487-4889",
    ),
    ("911", "Emergency services", "for an overdose or medical emergency"),
)

CRISIS_SUMMARY: Final = (
    "In a crisis: call or text 988 · SAMHSA National Helpline 1-800-662-4357 (24/7) · "
    "911 for an overdose or medical emergency"
)


def crisis_lines_text() -> list[str]:
    """Return one plain line per crisis service, for PDFs and text exports."""
    return [f"{name}: {number} ({note})" for number, name, note in CRISIS_LINES]


def crisis_links() -> list[tuple[str, str]]:
    """Return (text, href) for every crisis line: ``tel:`` links, and ``sms:`` for 988."""
    return [
        ("Call 988", "tel:988"),
        ("Text 988", "sms:988"),
        ("SAMHSA Helpline 1-800-662-4357", "tel:+18006624357"),
        ("911 (overdose, emergency)", "tel:911"),
    ]
