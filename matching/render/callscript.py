"""What to ask a facility on the phone, in order, so one call settles whether a bed is real.

The questions follow what makes an admission happen on the day (docs/availability.md,
docs/clinical.md, docs/insurance.md): an opening now, payment, the level of withdrawal care,
medication for opioid use disorder, admission today and a hold. Facts the directory already
gives are turned into "confirm" questions, because listings are often wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from matching.directory import columns as col
from matching.search.query import SearchQuery


def call_script(facility: Mapping[str, object], query: SearchQuery | None = None) -> list[str]:
    """Return the questions to ask ``facility`` (a directory row), tailored to ``query``."""
    questions = [
        "Do you have an opening right now for opioid (heroin) detox? How many beds, "
        "and in which program (detox, residential)?",
        _payment_question(query),
        "Is your detox medically supervised, with nurses or doctors on site around the clock? "
        "Is it hospital inpatient or residential?",
        _moud_question(facility),
        "Can you admit today? What is the latest time we can arrive, and what should we bring "
        "(photo ID, insurance card, a list of current medications)?",
        "Can you hold the bed for us? Until what time, and whom do we ask for on arrival?",
    ]
    if query is not None and query.after_care is not None:
        care = col.SERVICE_LABELS[query.after_care].lower()
        questions.append(f"After detox, can the person step down to {care} with you?")
    return questions


def _payment_question(query: SearchQuery | None) -> str:
    if query is None or not query.payers:
        return (
            "Which insurance do you take, and what does it cost without insurance? "
            "Do you offer a sliding fee or payment assistance?"
        )
    names = [col.SERVICE_LABELS[f"pay_{payer}"] for payer in query.payers]
    return (
        f"Do you take {' or '.join(names)}? Are you in network, and is prior "
        "authorization needed? Can you verify benefits now?"
    )


def _moud_question(facility: Mapping[str, object]) -> str:
    offered = [
        col.SERVICE_LABELS[name]
        for name in ("methadone", "buprenorphine")
        if _yes(facility.get(name))
    ]
    if offered:
        return (
            f"The listing says you provide {' and '.join(offered).lower()}: is that still true, "
            "and will you start or continue it during and after detox?"
        )
    return (
        "Do you provide methadone or buprenorphine, or accept someone already on it? "
        "If not, what is the plan after detox? (Detox alone carries a high overdose risk.)"
    )


def _yes(value: object) -> bool:
    return value is not None and not pd.isna(value) and bool(value)
