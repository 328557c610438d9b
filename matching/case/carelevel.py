"""The level-of-care guide: a dozen plain answers in, the care they point to out (docs/clinical.md).

Guidance for a family choosing what to search for, never a diagnosis: the facility's own
assessment decides. Every rule below cites its source in docs/clinical.md ("Level-of-care
guide"); each reason names the answer that led to it.

The answers and the result use fixed keys and values (the CLI contract of issue 22)::

    >>> answers = answers_from_plain({
    ...     "substances": ["alcohol"], "daily_use": True, "moud": "none",
    ...     "withdrawal_history": ["seizures"], "overdose_last_30_days": False,
    ...     "medical": "none", "pregnant": False, "suicide_risk": "none",
    ...     "psychiatric": "none", "home": "supportive", "prior_treatment": "none", "age": 52})
    >>> result = assess(answers)
    >>> result.withdrawal_management, result.emergency
    ('inpatient', 'none')

Pure: no Streamlit, no store.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from matching.errors import CaseError

Substance = Literal["opioids", "alcohol", "benzodiazepines", "stimulants", "cannabis", "other"]
Moud = Literal["none", "methadone", "buprenorphine", "naltrexone"]
WithdrawalSign = Literal["seizures", "delirium", "hallucinations", "none"]
Medical = Literal["none", "stable", "unstable"]
SuicideRisk = Literal["none", "thoughts", "plan_or_attempt"]
Psychiatric = Literal["none", "stable", "severe"]
Home = Literal["supportive", "unstable", "others_using", "homeless"]
PriorTreatment = Literal["none", "outpatient_did_not_work", "relapsed_after_residential"]
Emergency = Literal["none", "988", "911"]
WithdrawalLevel = Literal["none", "outpatient", "residential", "inpatient"]
TreatmentLevel = Literal["outpatient", "intensive_outpatient", "residential", "inpatient"]
MoudAdvice = Literal["continue", "offer", "not_applicable"]

SUBSTANCES: Final = typing.get_args(Substance)
MOUDS: Final = typing.get_args(Moud)
WITHDRAWAL_SIGNS: Final = typing.get_args(WithdrawalSign)
MEDICAL: Final = typing.get_args(Medical)
SUICIDE_RISKS: Final = typing.get_args(SuicideRisk)
PSYCHIATRIC: Final = typing.get_args(Psychiatric)
HOMES: Final = typing.get_args(Home)
PRIOR_TREATMENTS: Final = typing.get_args(PriorTreatment)
AGE_RANGE: Final = (10, 120)

# The choices of every answer key, in the contract's order (a tuple: a list of them).
CHOICES: Final[dict[str, tuple[str, ...]]] = {
    "substances": SUBSTANCES,
    "moud": MOUDS,
    "withdrawal_history": WITHDRAWAL_SIGNS,
    "medical": MEDICAL,
    "suicide_risk": SUICIDE_RISKS,
    "psychiatric": PSYCHIATRIC,
    "home": HOMES,
    "prior_treatment": PRIOR_TREATMENTS,
}
BOOLEANS: Final = ("daily_use", "overdose_last_30_days", "pregnant")
KEYS: Final = (
    "substances",
    "daily_use",
    "moud",
    "withdrawal_history",
    "overdose_last_30_days",
    "medical",
    "pregnant",
    "suicide_risk",
    "psychiatric",
    "home",
    "prior_treatment",
    "age",
)

ASSESSMENT_DECIDES: Final = (
    "This is guidance for choosing what to search for, not a diagnosis: the facility's own "
    "assessment decides the level of care."
)


class CareAnswersError(CaseError):
    """The guide's answers are missing a key or hold a value it does not know."""


@dataclass(frozen=True, kw_only=True, slots=True)
class CareAnswers:
    """The guide's answers (no names); the keys and values of issue 22's contract."""

    substances: tuple[Substance, ...]
    daily_use: bool
    moud: Moud = "none"
    withdrawal_history: tuple[WithdrawalSign, ...] = ("none",)
    overdose_last_30_days: bool = False
    medical: Medical = "none"
    pregnant: bool = False
    suicide_risk: SuicideRisk = "none"
    psychiatric: Psychiatric = "none"
    home: Home = "supportive"
    prior_treatment: PriorTreatment = "none"
    age: int = 30

    def __post_init__(self) -> None:
        for key in KEYS:
            _check_value(key, getattr(self, key))
        if not self.substances:
            raise CareAnswersError(
                "'substances' is empty: choose at least one of " + ", ".join(SUBSTANCES) + "."
            )
        if "none" in self.withdrawal_history and len(self.withdrawal_history) > 1:
            raise CareAnswersError(
                "'withdrawal_history' says 'none' and also names signs: keep 'none' alone or "
                "remove it."
            )
        if not self.withdrawal_history:
            object.__setattr__(self, "withdrawal_history", ("none",))

    def has(self, *substances: str) -> bool:
        """Return True when any of ``substances`` is among the answers."""
        return any(substance in self.substances for substance in substances)

    def plain(self) -> dict[str, Any]:
        """Return the answers as the contract's JSON values."""
        values = {key: getattr(self, key) for key in KEYS}
        values["substances"] = list(self.substances)
        values["withdrawal_history"] = list(self.withdrawal_history)
        return values


def _check_value(key: str, value: object) -> None:
    if key in BOOLEANS:
        if not isinstance(value, bool):
            raise CareAnswersError(f"'{key}' must be true or false, got {value!r}.")
    elif key == "age":
        if isinstance(value, bool) or not isinstance(value, int):
            raise CareAnswersError(f"'age' must be a whole number of years, got {value!r}.")
        if not AGE_RANGE[0] <= value <= AGE_RANGE[1]:
            raise CareAnswersError(
                f"'age' must be between {AGE_RANGE[0]} and {AGE_RANGE[1]}, got {value}."
            )
    elif key in ("substances", "withdrawal_history"):
        if not isinstance(value, tuple | list):
            raise CareAnswersError(f"'{key}' must be a list, e.g. [\"{CHOICES[key][0]}\"].")
        for item in value:
            _check_choice(key, item)
    else:
        _check_choice(key, value)


def _check_choice(key: str, value: object) -> None:
    if value not in CHOICES[key]:
        raise CareAnswersError(
            f"'{key}' cannot be {value!r}: use one of " + ", ".join(CHOICES[key]) + "."
        )


def answers_from_plain(data: object) -> CareAnswers:
    """Return the answers in ``data`` (parsed JSON); CareAnswersError names the bad key."""
    if not isinstance(data, dict):
        raise CareAnswersError(
            "The answers must be a JSON object with the keys " + ", ".join(KEYS) + "."
        )
    unknown = sorted(str(key) for key in data if key not in KEYS)
    if unknown:
        raise CareAnswersError(
            f"'{unknown[0]}' is not a question of the guide; the keys are " + ", ".join(KEYS) + "."
        )
    missing = [key for key in KEYS if key not in data]
    if missing:
        raise CareAnswersError(
            f"'{missing[0]}' is missing: every question needs an answer (unknown is not no)."
        )
    for key in KEYS:
        _check_value(key, data[key])
    values = dict(data)
    values["substances"] = tuple(dict.fromkeys(data["substances"]))
    values["withdrawal_history"] = tuple(dict.fromkeys(data["withdrawal_history"]))
    return CareAnswers(**values)


@dataclass(frozen=True, kw_only=True, slots=True)
class CareResult:
    """What the answers point to; see the module docstring for the contract."""

    emergency: Emergency
    emergency_reason: str
    withdrawal_management: WithdrawalLevel
    treatment_level: TreatmentLevel
    asam: str
    moud: MoudAdvice
    naloxone: bool
    reasons: tuple[str, ...]
    search: dict[str, Any] = field(default_factory=dict)

    def plain(self) -> dict[str, Any]:
        """Return the result as the contract's JSON values."""
        return {
            "emergency": self.emergency,
            "emergency_reason": self.emergency_reason,
            "withdrawal_management": self.withdrawal_management,
            "treatment_level": self.treatment_level,
            "asam": self.asam,
            "moud": self.moud,
            "naloxone": self.naloxone,
            "reasons": list(self.reasons),
            "search": dict(self.search),
            "note": ASSESSMENT_DECIDES,
        }


# ------------------------------------------------------------------------------------- rules


def emergency(answers: CareAnswers) -> tuple[Emergency, str]:
    """Return who to call now (911, 988 or none) and why; docs/clinical.md "Emergency first"."""
    if answers.medical == "unstable":
        return "911", (
            "Call 911 or go to an emergency department now: you said a medical condition needs "
            "a doctor or nurse now (medical: unstable)."
        )
    if answers.suicide_risk == "plan_or_attempt":
        return "911", (
            "Call 911 now if they are in danger, or 988: you said there is a suicide plan or "
            "attempt (suicide_risk: plan_or_attempt). Do not leave them alone."
        )
    if answers.suicide_risk == "thoughts":
        return "988", (
            "Call or text 988 (Suicide & Crisis Lifeline) today: you said they have spoken of "
            "suicide (suicide_risk: thoughts)."
        )
    if answers.psychiatric == "severe":
        return "988", (
            "Call 988 for a mobile crisis team or psychiatric help: you said there is psychosis, "
            "mania or they cannot care for themselves (psychiatric: severe)."
        )
    return "none", ""


def withdrawal(answers: CareAnswers) -> tuple[WithdrawalLevel, str, list[str]]:
    """Return the withdrawal management level, its ASAM label and the reasons."""
    history = {str(sign) for sign in answers.withdrawal_history} - {"none"}
    dangerous = _dangerous_sedative_withdrawal(answers, history)
    if dangerous is not None:
        return _inpatient(answers, [dangerous])
    if not answers.daily_use:
        return (
            "none",
            "",
            [
                "No daily or near-daily use now (daily_use: no), so no withdrawal care is "
                "expected; the facility will check."
            ],
        )
    if answers.has("alcohol"):
        return _alcohol_withdrawal(answers, history)
    if answers.has("opioids") and answers.moud in ("methadone", "buprenorphine"):
        return (
            "none",
            "",
            [
                f"On {answers.moud}: it is continued, not withdrawn, so no opioid detox is needed "
                "(moud; TIP 63)."
            ],
        )
    if answers.has("opioids"):
        return _opioid_withdrawal(answers)
    if answers.has("other"):
        return (
            "outpatient",
            "1-WM",
            [
                "Some other drugs (barbiturates, GHB, gabapentin) withdraw like alcohol: a doctor "
                "should see them before they stop (substances: other; TIP 45)."
            ],
        )
    return (
        "none",
        "",
        [
            "Stimulant and cannabis withdrawal is uncomfortable but rarely dangerous: no "
            "withdrawal unit is needed (substances; TIP 45)."
        ],
    )


def _dangerous_sedative_withdrawal(answers: CareAnswers, history: set[str]) -> str | None:
    """Return why alcohol or benzodiazepine withdrawal needs medical monitoring, or None."""
    severe = history & {"seizures", "delirium"}
    if answers.has("alcohol", "benzodiazepines") and severe:
        return (
            f"Alcohol or benzodiazepine withdrawal after past withdrawal "
            f"{' and '.join(sorted(severe))} (withdrawal_history: {', '.join(sorted(history))}) "
            "can be life-threatening: it needs medically monitored withdrawal with nurses and "
            "doctors (ASAM; TIP 45)."
        )
    if answers.has("benzodiazepines") and answers.daily_use:
        return (
            "Daily benzodiazepines must not be stopped suddenly (seizures): a medically "
            "supervised taper is needed (substances: benzodiazepines, daily_use: yes; TIP 45)."
        )
    return None


def _inpatient(answers: CareAnswers, reasons: list[str]) -> tuple[WithdrawalLevel, str, list[str]]:
    if answers.medical == "unstable":
        reasons.append(
            "With a medical condition that needs a doctor or nurse now, withdrawal belongs in a "
            "hospital (medical: unstable; ASAM Level 4-WM)."
        )
        return "inpatient", "4-WM", reasons
    return "inpatient", "3.7-WM", reasons


def _alcohol_withdrawal(
    answers: CareAnswers, history: set[str]
) -> tuple[WithdrawalLevel, str, list[str]]:
    if "hallucinations" in history or answers.pregnant or answers.medical == "stable":
        why = (
            "past withdrawal hallucinations (withdrawal_history: hallucinations)"
            if "hallucinations" in history
            else "a pregnancy (pregnant: yes)"
            if answers.pregnant
            else "a medical condition (medical: stable)"
        )
        return _inpatient(
            answers,
            [
                f"Daily drinking with {why} needs medically monitored alcohol withdrawal "
                "(daily_use: yes; ASAM; TIP 45)."
            ],
        )
    if answers.home == "supportive" and answers.age < 65:
        return (
            "outpatient",
            "2-WM",
            [
                "Daily drinking with no past seizures, delirium or hallucinations and a supportive "
                "home: withdrawal can be managed as an outpatient with daily checks (daily_use, "
                "withdrawal_history, home; ASAM 2-WM; TIP 45)."
            ],
        )
    why = "age 65 or over (age)" if answers.age >= 65 else f"{_HOME_WORDS[answers.home]} (home)"
    return (
        "residential",
        "3.2-WM",
        [
            f"Daily drinking with {why}: withdrawal in a residential unit, away from alcohol, with "
            "staff around the clock (daily_use; ASAM 3.2-WM; TIP 45)."
        ],
    )


def _opioid_withdrawal(answers: CareAnswers) -> tuple[WithdrawalLevel, str, list[str]]:
    if answers.pregnant:
        return (
            "none",
            "",
            [
                "Opioid use in pregnancy: the advice is methadone or buprenorphine with obstetric "
                "care, not withdrawal alone, which risks relapse and harm to the pregnancy "
                "(substances: opioids, pregnant: yes; ACOG Committee Opinion 711)."
            ],
        )
    if answers.home == "supportive":
        return (
            "outpatient",
            "1-WM",
            [
                "Daily opioid use with a supportive home: withdrawal is rarely dangerous and is "
                "best managed by starting buprenorphine or methadone as an outpatient "
                "(daily_use, home; TIP 63; ASAM 1-WM)."
            ],
        )
    return (
        "residential",
        "3.2-WM",
        [
            f"Daily opioid use and {_HOME_WORDS[answers.home]} (home): withdrawal in a "
            "residential unit that starts buprenorphine or methadone (ASAM 3.2-WM; TIP 63)."
        ],
    )


_TREATMENT_ASAM: Final[dict[TreatmentLevel, str]] = {
    "outpatient": "Level 1 (outpatient)",
    "intensive_outpatient": "Level 2.1 (intensive outpatient)",
    "residential": "Level 3.5 (clinically managed high-intensity residential)",
    "inpatient": "Level 4 (medically managed intensive inpatient)",
}
_WM_ASAM: Final[dict[str, str]] = {
    "1-WM": "Level 1-WM (ambulatory withdrawal management without extended on-site monitoring)",
    "2-WM": "Level 2-WM (ambulatory withdrawal management with extended on-site monitoring)",
    "3.2-WM": "Level 3.2-WM (clinically managed residential withdrawal management)",
    "3.7-WM": "Level 3.7-WM (medically monitored inpatient withdrawal management)",
    "4-WM": "Level 4-WM (medically managed intensive inpatient withdrawal management)",
}


_HOME_WORDS: Final = {
    "supportive": "a supportive home",
    "unstable": "an unstable home",
    "others_using": "a home where others use",
    "homeless": "no home",
}


def treatment(answers: CareAnswers) -> tuple[TreatmentLevel, str, list[str]]:
    """Return the treatment level after any withdrawal care, its ASAM label and the reasons."""
    acute = [
        (answers.medical == "unstable", "a medical condition that needs care now (medical)"),
        (answers.psychiatric == "severe", "severe psychiatric symptoms (psychiatric)"),
        (answers.suicide_risk == "plan_or_attempt", "a suicide plan or attempt (suicide_risk)"),
    ]
    acute_reasons = [why for flagged, why in acute if flagged]
    if acute_reasons:
        return (
            "inpatient",
            _TREATMENT_ASAM["inpatient"],
            [
                f"Treatment in a hospital setting first, because of {' and '.join(acute_reasons)} "
                "(ASAM dimensions 2 and 3)."
            ],
        )
    unsupportive = answers.home != "supportive"
    residential = [
        (answers.home in ("others_using", "homeless"), f"{_HOME_WORDS[answers.home]} (home)"),
        (
            answers.home == "unstable" and (answers.daily_use or answers.overdose_last_30_days),
            "daily use or a recent overdose with an unstable home (home)",
        ),
        (
            answers.prior_treatment == "relapsed_after_residential",
            "a relapse after residential treatment (prior_treatment)",
        ),
        (
            unsupportive and answers.prior_treatment == "outpatient_did_not_work",
            "outpatient care that did not work and a home that is not supportive",
        ),
    ]
    reasons = list(dict.fromkeys(why for flagged, why in residential if flagged))
    if reasons:
        return (
            "residential",
            _TREATMENT_ASAM["residential"],
            [
                f"Residential treatment (24-hour structure) because of {'; '.join(reasons)} "
                "(ASAM dimensions 5 and 6)."
            ],
        )
    return _outpatient_treatment(answers)


def _outpatient_treatment(answers: CareAnswers) -> tuple[TreatmentLevel, str, list[str]]:
    intensive = [
        (answers.daily_use, "daily or near-daily use (daily_use)"),
        (answers.overdose_last_30_days, "an overdose in the last 30 days (overdose_last_30_days)"),
        (
            answers.prior_treatment == "outpatient_did_not_work",
            "outpatient care that did not work (prior_treatment)",
        ),
        (answers.psychiatric == "stable", "a mental illness alongside (psychiatric)"),
        (answers.suicide_risk == "thoughts", "thoughts of suicide (suicide_risk)"),
    ]
    reasons = [why for flagged, why in intensive if flagged]
    if reasons:
        return (
            "intensive_outpatient",
            _TREATMENT_ASAM["intensive_outpatient"],
            [
                f"Intensive outpatient (9 or more hours a week) because of {'; '.join(reasons)}, "
                "with a supportive home (home; ASAM)."
            ],
        )
    return (
        "outpatient",
        _TREATMENT_ASAM["outpatient"],
        ["Outpatient care: no daily use, recent overdose or risk at home was reported (ASAM)."],
    )


def moud_advice(answers: CareAnswers) -> tuple[MoudAdvice, list[str]]:
    """Return whether to continue, offer or leave aside medication for opioid use disorder."""
    if answers.moud != "none":
        reasons = [
            f"Keep taking {answers.moud} without a gap: stopping it raises the risk of relapse "
            "and overdose, so the program must continue it from the day of admission (moud; "
            "TIP 63)."
        ]
        if answers.pregnant:
            reasons.append(
                "In pregnancy, stay on it with obstetric care (pregnant; ACOG Committee Opinion "
                "711)."
            )
        return "continue", reasons
    if answers.has("opioids"):
        if answers.pregnant:
            return "offer", [
                "Pregnant and using opioids: start methadone or buprenorphine with obstetric "
                "care, not withdrawal alone (substances: opioids, pregnant: yes; ACOG Committee "
                "Opinion 711)."
            ]
        return "offer", [
            "Opioid use: ask for buprenorphine or methadone, which lower the risk of overdose "
            "death; detox alone leaves a high overdose risk after discharge, when tolerance has "
            "dropped (substances: opioids; TIP 63)."
        ]
    return "not_applicable", []


def naloxone_needed(answers: CareAnswers) -> tuple[bool, list[str]]:
    """Return whether the family should keep naloxone at hand, and why."""
    why = [
        (answers.has("opioids"), "opioid use (substances: opioids)"),
        (answers.moud != "none", f"treatment with {answers.moud} (moud)"),
        (answers.overdose_last_30_days, "an overdose in the last 30 days (overdose_last_30_days)"),
        (
            answers.has("stimulants"),
            "stimulant use: street stimulants are often laced with fentanyl (substances)",
        ),
    ]
    reasons = [text for flagged, text in why if flagged]
    if not reasons:
        return False, []
    return True, [
        f"Keep naloxone (Narcan) at hand and never let them use alone, because of "
        f"{'; '.join(reasons)}. Pharmacies sell it without a prescription (SAMHSA Overdose "
        "Prevention and Response Toolkit)."
    ]


def implied_search(answers: CareAnswers, result: CareResult) -> dict[str, Any]:
    """Return the Search form values the result implies (detox, care after, MOUD, person)."""
    detox = {"none": None, "outpatient": "outpatient", "residential": "residential"}.get(
        result.withdrawal_management, "hospital"
    )
    after_care = {
        "outpatient": "outpatient",
        "intensive_outpatient": "intensive_outpatient",
        "residential": "residential",
        "inpatient": "hospital_inpatient",
    }[result.treatment_level]
    moud: list[str] = []
    if result.moud == "continue":
        moud = [answers.moud, "accepts_moud_clients"]
    elif result.moud == "offer":
        moud = ["buprenorphine", "methadone"]
    return {
        "detox": detox,
        "after_care": after_care,
        "moud": moud,
        "pregnant": answers.pregnant,
        "age_group": age_group(answers.age),
        "co_occurring": answers.psychiatric != "none" or answers.suicide_risk != "none",
    }


def age_group(age: int) -> str:
    """Return the Search page's age group of ``age`` (docs/clinical.md: programs by age)."""
    if age < 18:
        return "adolescent"
    if age <= 25:
        return "young_adult"
    return "adult" if age < 65 else "senior"


def assess(answers: CareAnswers) -> CareResult:
    """Return the care the answers point to; an emergency comes first and hides nothing else."""
    call, why_call = emergency(answers)
    withdrawal_level, wm_asam, wm_reasons = withdrawal(answers)
    level, level_asam, level_reasons = treatment(answers)
    moud, moud_reasons = moud_advice(answers)
    naloxone, naloxone_reasons = naloxone_needed(answers)
    asam = f"Treatment: {level_asam}"
    if wm_asam:
        asam = f"Withdrawal: {_WM_ASAM[wm_asam]}; then {asam[0].lower()}{asam[1:]}"
    reasons = [why_call] if why_call else []
    reasons += wm_reasons + level_reasons + moud_reasons + naloxone_reasons
    if answers.age < 18:
        reasons.append("Under 18: look for a program for adolescents (age).")
    result = CareResult(
        emergency=call,
        emergency_reason=why_call,
        withdrawal_management=withdrawal_level,
        treatment_level=level,
        asam=asam,
        moud=moud,
        naloxone=naloxone,
        reasons=tuple(reasons),
    )
    object.__setattr__(result, "search", implied_search(answers, result))
    return result


_LABELS: Final = {
    "withdrawal_management": {
        "none": "No withdrawal unit expected",
        "outpatient": "Outpatient withdrawal care",
        "residential": "Residential withdrawal care",
        "inpatient": "Medically monitored (inpatient) withdrawal care",
    },
    "treatment_level": {
        "outpatient": "Outpatient",
        "intensive_outpatient": "Intensive outpatient",
        "residential": "Residential",
        "inpatient": "Inpatient (hospital setting)",
    },
    "moud": {
        "continue": "Continue their medication (MOUD) from day one",
        "offer": "Ask for buprenorphine or methadone",
        "not_applicable": "Not applicable",
    },
}


def label(key: str, value: str) -> str:
    """Return the plain words for a result value (e.g. withdrawal_management 'inpatient')."""
    return _LABELS[key][value]


def result_text(result: CareResult) -> str:
    """Return the result as plain text for a terminal or a printout."""
    lines = []
    if result.emergency != "none":
        lines.append(f"EMERGENCY - call {result.emergency}: {result.emergency_reason}")
    lines += [
        f"Withdrawal care: {label('withdrawal_management', result.withdrawal_management)}",
        f"Treatment: {label('treatment_level', result.treatment_level)}",
        f"ASAM: {result.asam}",
        f"Medication for opioid use disorder: {label('moud', result.moud)}",
        "Naloxone: "
        + ("yes, keep it at hand" if result.naloxone else "not indicated by the answers"),
        "Why:",
        *(f"  - {reason}" for reason in result.reasons),
        "Search: " + ", ".join(f"{key}={value}" for key, value in result.search.items() if value),
        ASSESSMENT_DECIDES,
    ]
    return "\n".join(lines)
