"""Which parts of a case a save changed, in words for the audit log (never the values).

The stored plain data of the case is compared with the new one section by section: the plan's
sections name their changed fields (``safety (violence)``), the team says which letter fields
changed, and each placement, named by its directory facility id, says which of its steps
changed (``placement F1 (stage, hold)``). Nothing typed by the family is copied.
"""

from __future__ import annotations

from typing import Any, Final

from matching.case.codec import placement_plain, plan_plain, to_plain
from matching.case.model import Case

# The plan's top-level fields as the audit log names them.
SECTIONS: Final[dict[str, str]] = {
    "title": "title",
    "loved_one_alias": "loved one's alias",
    "substance": "substance",
    "safety": "safety",
    "intervention": "intervention",
    "lead": "lead",
    "team": "team/letters",
    "logistics": "logistics",
    "care": "level-of-care answers",
    "person": "pregnancy, language and medication",
}

# A placement's fields as the audit log names them.
PLACEMENT_PARTS: Final[dict[str, str]] = {
    "facility": "facility details",
    "role": "role",
    "stage": "stage",
    "reason": "reason",
    "availability": "availability",
    "vob": "insurance",
    "payment": "payment",
    "hold": "hold",
    "intake": "intake",
}


def describe_changes(old: dict[str, Any], new: Case) -> str:
    """Return which sections and fields differ between stored plain ``old`` and ``new``."""
    parts = _plan_changes(old, plan_plain(new))
    parts += _placement_changes(old.get("placements", []), new)
    return "; ".join(parts) or "no changes"


def _fields(old: object, new: object) -> list[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        return sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
    return []


def _plan_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    parts = []
    for key, label in SECTIONS.items():
        if old.get(key) == new.get(key):
            continue
        if key == "team":
            parts.append(_team_change(old.get(key) or [], new.get(key) or []))
            continue
        fields = _fields(old.get(key), new.get(key))
        parts.append(f"{label} ({', '.join(fields)})" if fields else label)
    return parts


def _team_change(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> str:
    notes = []
    if len(new) > len(old):
        notes.append(f"{len(new) - len(old)} added")
    elif len(old) > len(new):
        notes.append(f"{len(old) - len(new)} removed")
    fields = sorted({field for a, b in zip(old, new, strict=False) for field in _fields(a, b)})
    notes += fields
    return f"team/letters ({', '.join(notes)})"


def _placement_changes(old_rows: list[dict[str, Any]], new: Case) -> list[str]:
    old = {row["facility"]["facility_id"]: row for row in old_rows}
    parts = []
    for placement in new.placements:
        facility_id = placement.facility.facility_id
        before = old.pop(facility_id, None)
        if before is None:
            parts.append(f"placement {facility_id} added")
            continue
        after = placement_plain(placement)
        changed = [label for key, label in PLACEMENT_PARTS.items() if before.get(key) != after[key]]
        if before.get("log", []) != to_plain(placement.log):
            changed.append("contact log")
        if changed:
            parts.append(f"placement {facility_id} ({', '.join(changed)})")
    parts += [f"placement {facility_id} removed" for facility_id in old]
    return parts
