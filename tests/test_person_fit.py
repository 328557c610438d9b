"""The case knows the person (issue 23, point 4): pregnancy, language and MOUD recorded on the
case; Readiness checks the primary against them; old case files still load."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from case_factory import NOW, held_primary, ready_case, with_primary

from matching.case.codec import case_from_json, case_to_json
from matching.case.model import CaseError, PersonNeeds
from matching.case.readiness import FAIL, PASS, WARN, person_needs, run_checks, verdict


def _fit(case):
    return next((check for check in run_checks(case, NOW) if check.key == "person_fit"), None)


def test_nothing_recorded_adds_no_check_and_the_ready_case_stays_ready() -> None:
    case = ready_case()
    assert _fit(case) is None
    assert verdict(run_checks(case, NOW)).ready


def test_a_men_only_primary_for_a_pregnant_woman_fails() -> None:
    case = replace(ready_case(), person=PersonNeeds(pregnant=True))
    case = with_primary(case, held_primary(accepts_female=False, name="Men's Lodge"))
    check = _fit(case)
    assert check is not None and check.status == FAIL
    assert "Men's Lodge takes men only" in check.message
    assert not verdict(run_checks(case, NOW)).ready


def test_a_program_for_pregnant_women_passes_and_unknown_is_check_on_the_call() -> None:
    pregnant = replace(ready_case(), person=PersonNeeds(pregnant=True))
    fits = with_primary(
        pregnant, held_primary(accepts_female=True, program_pregnant_postpartum=True)
    )
    assert _fit(fits).status == PASS
    unknown = _fit(pregnant)  # the factory's facility does not say
    assert unknown is not None and unknown.status == WARN
    assert "check on the call" in unknown.message.lower()


def test_language_not_listed_warns_and_unknown_says_check_on_the_call() -> None:
    spanish = replace(ready_case(), person=PersonNeeds(language="Spanish"))
    listed = with_primary(spanish, held_primary(languages="English, Spanish"))
    assert _fit(listed).status == PASS
    flagged = with_primary(spanish, held_primary(lang_spanish=True))
    assert _fit(flagged).status == PASS
    missing = _fit(with_primary(spanish, held_primary(languages="English", lang_spanish=False)))
    assert missing is not None and missing.status == WARN
    assert "does not list Spanish" in missing.message
    unknown = _fit(spanish)
    assert unknown is not None and unknown.status == WARN
    assert "check on the call" in unknown.message.lower()


def test_moud_the_person_is_on_must_continue() -> None:
    on_methadone = replace(ready_case(), person=PersonNeeds(moud="methadone"))
    none = held_primary(methadone=False, accepts_moud_clients=False)
    check = _fit(with_primary(on_methadone, none))
    assert check is not None and check.status == WARN and "does not list methadone" in check.message
    assert _fit(on_methadone).status == PASS  # accepts clients on it
    unknown = held_primary(methadone=None, accepts_moud_clients=None)
    said = _fit(with_primary(on_methadone, unknown))
    assert said is not None and "check on the call" in said.message.lower()


def test_care_level_answers_complete_the_person() -> None:
    from matching.case.carelevel import CareAnswers

    case = replace(
        ready_case(),
        care=CareAnswers(substances=("opioids",), daily_use=True, moud="buprenorphine"),
    )
    assert person_needs(case).moud == "buprenorphine"
    assert person_needs(replace(case, person=PersonNeeds(moud="none"))).moud == "none"


def test_person_round_trips_and_old_case_files_still_load() -> None:
    case = replace(
        ready_case(), person=PersonNeeds(pregnant=True, language="Spanish", moud="methadone")
    )
    assert case_from_json(case_to_json(case, now=NOW)).person == case.person
    document = json.loads(case_to_json(ready_case(), now=NOW))
    del document["case"]["person"]
    for placement in document["case"]["placements"]:
        del placement["facility"]["accepts_female"]
    old = case_from_json(json.dumps(document))
    assert old.person == PersonNeeds() and not old.person.recorded


def test_bad_person_answers_say_what_to_fix() -> None:
    with pytest.raises(CaseError, match="Medication 'heroin'"):
        PersonNeeds(moud="heroin")  # type: ignore[arg-type]
    with pytest.raises(CaseError, match="one name of at most 40"):
        PersonNeeds(language="x" * 41)
