"""CRAFT (Community Reinforcement and Family Training): the family's weekly plan, kept on a case.

The gentler of the two approaches the Plan page offers (docs/clinical.md, "CRAFT"): instead of a
planned intervention on one day, the family practises, week by week, what CRAFT teaches, while a
placement is kept ready for the day the person says yes. Pure: no Streamlit, no store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from matching.errors import CaseError

Approach = Literal["intervention", "craft"]
APPROACHES: Final[dict[str, str]] = {
    "intervention": "A planned intervention on a set day",
    "craft": "CRAFT: a gentler path, week by week",
}
MAX_NOTE_LENGTH: Final = 2000

# The parts of a CRAFT week, in the order the page asks them, with the page's question.
PARTS: Final[dict[str, str]] = {
    "communication": "Positive communication to practise this week (what you will say, and how)",
    "rewards": "How you will reward time they are not using",
    "natural_consequences": "What you will stop doing for them, letting use have its own cost",
    "self_care": "Your own self-care this week",
    "safety": "Safety: naloxone, what you will do if things turn dangerous",
    "windows": "Windows of opportunity: when you might suggest treatment, and what you will say",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class CraftWeek:
    """One week of a family's CRAFT plan; ``week_of`` is the Monday (or any day) it starts."""

    week_of: date
    communication: str = ""
    rewards: str = ""
    natural_consequences: str = ""
    self_care: str = ""
    safety: str = ""
    windows: str = ""

    def __post_init__(self) -> None:
        for part in PARTS:
            text = getattr(self, part)
            if len(text) > MAX_NOTE_LENGTH:
                raise CaseError(
                    f"The week's '{PARTS[part].split(' (')[0]}' is {len(text)} characters: keep "
                    f"it under {MAX_NOTE_LENGTH}."
                )

    @property
    def empty(self) -> bool:
        """True when no part of the week is written."""
        return not any(getattr(self, part).strip() for part in PARTS)


def with_week(weeks: tuple[CraftWeek, ...], week: CraftWeek) -> tuple[CraftWeek, ...]:
    """Return ``weeks`` with ``week`` added or replacing the week of the same start, by date."""
    kept = [existing for existing in weeks if existing.week_of != week.week_of]
    return tuple(sorted([*kept, week], key=lambda item: item.week_of))
