"""What to ask a facility on the phone, in order, so one call settles whether a bed is real.

The questions follow what makes an admission happen on the day (docs/availability.md,
docs/clinical.md, docs/insurance.md): an opening
now, payment, the level of withdrawal care, medication for opioid use disorder, admission
today and a hold. Facts the directory already gives are turned into "confirm" questions,
because listings are often wrong; what the listing does not record but matters for this person
or search (their age group, sex, pregnancy, language, veteran status, co-occurring illness,
the detox level or care asked for) becomes a question of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import pandas as pd

from matching.directory import columns as col
from matching.search.person import UNKNOWN, row_person_states
from matching.search.query import SearchQuery

# Issue 22, part 2: asked of every facility for a person on MOUD or for whom it is offered;
# the answer is logged with the call (yes / no / not asked) and checked by Readiness.
MOUD_DAY_ONE_QUESTION: Final = (
    "Will you continue (or start) buprenorphine / methadone from the day of admission?"
)


def asks_day_one(query: SearchQuery | None) -> bool:
    """Return True when the search asks for methadone or buprenorphine (on it, or offered)."""
    return query is not None and bool(
        {"methadone", "buprenorphine", "accepts_moud_clients"} & set(query.moud)
    )


def call_script(facility: Mapping[str, object], query: SearchQuery | None = None) -> list[str]:
    """Return the questions to ask ``facility`` (a directory row), tailored to ``query``."""
    day_one = [MOUD_DAY_ONE_QUESTION] if asks_day_one(query) else []
    if outpatient_only(facility):
        # No beds to ask about: ask what an outpatient clinic can do today, and where it sends
        # people who need a bed (issue 11: never ask a clinic about inpatient beds).
        return [
            "Can you see the person today or tomorrow for an assessment, and start "
            "buprenorphine or methadone as an outpatient?",
            _payment_question(query),
            _moud_question(facility),
            *day_one,
            *unrecorded_questions(facility, query),
            "If they need detox or a residential bed, which program do you refer to, and can "
            "you call ahead for us?",
        ]
    questions = [
        "Do you have an opening right now for opioid (heroin) detox? How many beds, "
        "and in which program (detox, residential)?",
        _payment_question(query),
        "Is your detox medically supervised, with nurses or doctors on site around the clock? "
        "Is it hospital inpatient or residential?",
        _moud_question(facility),
        *day_one,
        *unrecorded_questions(facility, query),
        "Can you admit today? What is the latest time we can arrive, and what should we bring "
        "(photo ID, insurance card, a list of current medications)?",
        "Can you hold the bed for us? Until what time, and whom do we ask for on arrival?",
    ]
    if query is not None and query.after_care is not None:
        care = col.SERVICE_LABELS[query.after_care].lower()
        questions.append(f"After detox, can the person step down to {care} with you?")
    return questions


# Care with a bed: a facility known to offer none of these (and some outpatient care) is a
# clinic. Unknown is not no: a listing that does not say keeps the bed questions.
_BED_CARE = (
    "residential",
    "hospital_inpatient",
    "detox_hospital",
    "detox_residential",
)
_CLINIC_CARE = ("outpatient", "intensive_outpatient", "partial_hospitalization", "detox_outpatient")


def outpatient_only(facility: Mapping[str, object]) -> bool:
    """Return True when the listing says outpatient care and no care with a bed."""
    no_beds = all(_no(facility.get(name)) for name in _BED_CARE)
    return no_beds and any(_yes(facility.get(name)) for name in _CLINIC_CARE)


def _no(value: object) -> bool:
    return value is not None and not pd.isna(value) and not bool(value)


_AGE_PHRASES = {
    "adolescent": "adolescents (under 18)",
    "young_adult": "young adults (18-25)",
    "adult": "adults",
    "senior": "seniors (65 or older)",
}
_TRAIT_QUESTIONS = {
    "sex": "The listing does not say whether you accept {sex}: do you have a bed for {one}?",
    "pregnant": (
        "The listing does not say whether you take pregnant or postpartum women: do you, with "
        "obstetric care, and will you continue methadone or buprenorphine through the pregnancy?"
    ),
    "language": (
        "The listing does not say whether you offer treatment in {language}: can the person "
        "be treated in {language}, or with an interpreter?"
    ),
    "veteran": (
        "The listing does not say whether you have a program for veterans: do you, and do you "
        "work with the VA or TRICARE?"
    ),
    "co_occurring": (
        "The listing does not say whether you treat co-occurring mental illness: do you have "
        "psychiatric care on site for someone with both?"
    ),
}


def unrecorded_questions(
    facility: Mapping[str, object], query: SearchQuery | None = None
) -> list[str]:
    """Return questions about what the listing does not record that matters for ``query``."""
    if query is None:
        return []
    questions = [
        _trait_question(trait, query)
        for trait, state in row_person_states(facility, query).items()
        if state == UNKNOWN
    ]
    if query.pregnant and _yes(facility.get("program_pregnant_postpartum")):
        questions.append(
            "The listing says you have a program for pregnant women: is that still true, and "
            "will you start or continue methadone or buprenorphine during the pregnancy?"
        )
    if query.detox not in (None, "any") and _unknown(facility.get(f"detox_{query.detox}")):
        level = col.SERVICE_LABELS[f"detox_{query.detox}"].lower()
        questions.append(f"The listing does not say whether you offer {level}: do you?")
    return questions


def _trait_question(trait: str, query: SearchQuery) -> str:
    if trait == "age_group" and query.age_group is not None:
        return (
            f"The listing does not say whether you accept {_AGE_PHRASES[query.age_group]}: do "
            "you, and in which program?"
        )
    female = query.person_sex == "female"
    language = str(query.language or "")
    return _TRAIT_QUESTIONS[trait].format(
        sex="women" if female else "men",
        one="a woman" if female else "a man",
        language={"spanish": "Spanish", "sign": "sign language"}.get(language, language.title()),
    )


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


def _unknown(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def _yes(value: object) -> bool:
    return value is not None and not pd.isna(value) and bool(value)
