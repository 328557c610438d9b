"""The level-of-care guide (issue 22 part 1): vignettes with the answer and the source behind it."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from matching.case import Case, case_from_json, case_to_json
from matching.case.carelevel import CareAnswers, CareAnswersError, answers_from_plain, assess
from matching.cli.main import main

BASE = CareAnswers(substances=("cannabis",), daily_use=False, age=30)


def person(**answers: object) -> CareAnswers:
    return replace(BASE, **answers)  # type: ignore[arg-type]


# (vignette, answers, expected result fields, source in docs/clinical.md)
VIGNETTES = [
    ("alcohol, past seizures", person(substances=("alcohol",), daily_use=True,
     withdrawal_history=("seizures",)), {"withdrawal_management": "inpatient"}, "TIP 45; ASAM"),
    ("alcohol, past delirium, not daily", person(substances=("alcohol",),
     withdrawal_history=("delirium",)), {"withdrawal_management": "inpatient"}, "TIP 45"),
    ("daily benzodiazepines", person(substances=("benzodiazepines",), daily_use=True),
     {"withdrawal_management": "inpatient"}, "TIP 45"),
    ("daily alcohol, supportive home", person(substances=("alcohol",), daily_use=True),
     {"withdrawal_management": "outpatient", "treatment_level": "intensive_outpatient"},
     "ASAM 2-WM; TIP 45"),
    ("daily alcohol, homeless", person(substances=("alcohol",), daily_use=True, home="homeless"),
     {"withdrawal_management": "residential", "treatment_level": "residential"}, "ASAM 3.2-WM"),
    ("opioids, not on MOUD", person(substances=("opioids",), daily_use=True),
     {"moud": "offer", "naloxone": True, "withdrawal_management": "outpatient"}, "TIP 63"),
    ("on methadone", person(substances=("opioids",), daily_use=True, moud="methadone"),
     {"moud": "continue", "naloxone": True, "withdrawal_management": "none"}, "TIP 63"),
    ("on buprenorphine", person(substances=("opioids",), moud="buprenorphine"),
     {"moud": "continue", "naloxone": True}, "TIP 63"),
    ("opioids in pregnancy", person(substances=("opioids",), daily_use=True, pregnant=True),
     {"moud": "offer", "withdrawal_management": "none"}, "ACOG Committee Opinion 711"),
    ("medically unstable", person(substances=("alcohol",), daily_use=True, medical="unstable"),
     {"emergency": "911", "treatment_level": "inpatient"}, "ASAM dimension 2"),
    ("suicide plan", person(suicide_risk="plan_or_attempt"), {"emergency": "911"}, "988/911"),
    ("suicidal thoughts", person(suicide_risk="thoughts"),
     {"emergency": "988", "treatment_level": "intensive_outpatient"}, "988"),
    ("severe psychiatric", person(psychiatric="severe"),
     {"emergency": "988", "treatment_level": "inpatient"}, "ASAM dimension 3"),
    ("stimulants daily", person(substances=("stimulants",), daily_use=True),
     {"withdrawal_management": "none", "naloxone": True}, "TIP 45; SAMHSA toolkit"),
    ("cannabis, occasional", BASE,
     {"withdrawal_management": "none", "treatment_level": "outpatient", "naloxone": False},
     "ASAM"),
    ("relapse after residential", person(prior_treatment="relapsed_after_residential"),
     {"treatment_level": "residential"}, "ASAM dimension 5"),
    ("others using at home", person(home="others_using"), {"treatment_level": "residential"},
     "ASAM dimension 6"),
    ("recent overdose", person(substances=("opioids",), overdose_last_30_days=True),
     {"naloxone": True, "treatment_level": "intensive_outpatient"}, "SAMHSA toolkit"),
    ("alcohol in pregnancy", person(substances=("alcohol",), daily_use=True, pregnant=True),
     {"withdrawal_management": "inpatient"}, "TIP 45"),
    ("adolescent", person(age=16), {"treatment_level": "outpatient"}, "ASAM (adolescents)"),
    ("alcohol, past seizures, medically unstable", person(substances=("alcohol",),
     daily_use=True, withdrawal_history=("seizures",), medical="unstable"),
     {"emergency": "911", "withdrawal_management": "inpatient", "treatment_level": "inpatient"},
     "ASAM 4-WM; ASAM alcohol withdrawal guideline 2020"),
]  # fmt: skip


@pytest.mark.parametrize(("answers", "expected", "source"), [v[1:] for v in VIGNETTES],
                         ids=[v[0] for v in VIGNETTES])  # fmt: skip
def test_vignette(answers: CareAnswers, expected: dict[str, object], source: str) -> None:
    result = assess(answers).plain()
    assert {key: result[key] for key in expected} == expected, source
    assert result["reasons"], "every result says why"


def test_emergency_comes_first_and_hides_nothing() -> None:
    result = assess(person(substances=("opioids",), daily_use=True, medical="unstable"))
    assert result.reasons[0] == result.emergency_reason
    assert result.moud == "offer" and result.naloxone and len(result.reasons) > 2


def test_search_implied_by_the_answers() -> None:
    result = assess(person(substances=("opioids",), moud="methadone", age=19, pregnant=True))
    assert result.search["moud"] == ["methadone", "accepts_moud_clients"]
    assert result.search["age_group"] == "young_adult" and result.search["pregnant"] is True


@pytest.mark.parametrize(
    ("change", "named"),
    [({"moud": "heroin"}, "'moud'"), ({"age": "30"}, "'age'"), ({"colour": 1}, "'colour'"),
     ({"substances": []}, "'substances'"), ({"daily_use": "yes"}, "'daily_use'")],
)  # fmt: skip
def test_bad_answers_name_the_key(change: dict[str, object], named: str) -> None:
    with pytest.raises(CareAnswersError, match=named):
        answers_from_plain({**BASE.plain(), **change})


def test_answers_are_kept_with_the_case() -> None:
    case = Case(care=person(substances=("opioids",), moud="buprenorphine"))
    assert case_from_json(case_to_json(case)).care == case.care


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(person(substances=("opioids",), moud="methadone").plain()))
    assert main(["care-level", "--answers", str(answers), "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["moud"] == "continue" and printed["naloxone"] is True
    answers.write_text(json.dumps({**BASE.plain(), "home": "castle"}))
    assert main(["care-level", "--answers", str(answers)]) == 2
    assert "'home'" in capsys.readouterr().err
