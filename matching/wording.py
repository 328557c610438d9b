"""Small wording helpers shared by every layer: counts with the right plural, durations.

They sit beside ``errors`` at the bottom of the package, so the case pipeline, the renderers
and the pages all say "1 facility" and "2 facilities" the same way.
"""

from __future__ import annotations

from datetime import timedelta

# Plurals that adding "s" gets wrong, for the nouns the app counts.
_IRREGULAR = {"facility": "facilities", "bed": "beds", "day": "days", "person": "people"}


def count_of(count: int, noun: str, plural: str | None = None) -> str:
    """Return ``count`` with ``noun`` in the right number: "1 facility", "3 facilities"."""
    if count == 1:
        return f"{count:,} {noun}"
    return f"{count:,} {plural or _IRREGULAR.get(noun, noun + 's')}"


def hours_apart(earlier_or_later: timedelta) -> str:
    """Return a duration as a positive amount of time: "16 h", "45 min", "2 days 3 h"."""
    minutes = round(abs(earlier_or_later).total_seconds() / 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(count_of(days, "day"))
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:
        parts.append(f"{minutes} min")
    return " ".join(parts) or "0 min"
