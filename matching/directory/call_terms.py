"""What a logged call can say: the need asked for, the payer, and how the call ended.

The words of the call log file (``python -m matching calls export``) and of the call-odds
model (:mod:`matching.search.callodds`); the store (``records.calllog``) checks a call
against them.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Need = Literal["detox", "residential", "outpatient"]
CallPayer = Literal["medicaid", "medicare", "private", "self", "military", "state", "ihs", "none"]
Outcome = Literal["bed_offered", "no_bed", "waitlist", "no_answer", "not_accepted"]
NEEDS: Final[tuple[Need, ...]] = get_args(Need)
CALL_PAYERS: Final[tuple[CallPayer, ...]] = get_args(CallPayer)
OUTCOMES: Final[tuple[Outcome, ...]] = get_args(Outcome)
# Outcomes a call can end with that say nothing about beds (the availability stays unknown).
NO_REPORT_OUTCOMES: Final[tuple[Outcome, ...]] = ("no_answer", "not_accepted")
NEED_LABELS: Final[dict[str, str]] = {
    "detox": "Detox",
    "residential": "Residential",
    "outpatient": "Outpatient",
}
PAYER_LABELS: Final[dict[str, str]] = {
    "medicaid": "Medicaid",
    "medicare": "Medicare",
    "private": "Private insurance",
    "self": "Self-pay",
    "military": "Military (TRICARE)",
    "state": "State-funded",
    "ihs": "IHS / tribal",
    "none": "No insurance",
}
OUTCOME_LABELS: Final[dict[str, str]] = {
    "bed_offered": "Bed offered",
    "no_bed": "No bed",
    "waitlist": "Waitlist",
    "no_answer": "No answer",
    "not_accepted": "Does not take this payer",
}


def outcome_of(status: str, beds: int | None, given: str = "") -> str:
    """Return how a call ended: ``given`` when set, else what its availability report says
    (open beds or "openings": a bed offered; "no openings": no bed; a waitlist), else ''."""
    if given:
        return given
    if (beds or 0) > 0 or status == "openings":
        return "bed_offered"
    return {"no_openings": "no_bed", "waitlist": "waitlist"}.get(status, "")
