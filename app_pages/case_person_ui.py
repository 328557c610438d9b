"""The open case's person (issue 23): recorded on the Plan page, filling in the Search form.

Pregnancy, language and the medication the person takes are asked once, on the case; a new
search starts from them (the form shows them, the person can change them) and Readiness checks
the primary against them (:func:`matching.case.readiness.check_person_fit`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

import streamlit as st

from app_pages import cases_ui
from app_pages.person_ui import LANGUAGE_CHOICES, OTHER_LANGUAGE, PersonAnswers
from app_pages.search_form import FormInput
from matching.case.model import PERSON_MOUDS, Case, CaseError, PersonNeeds
from matching.case.readiness import person_needs
from matching.render.safe_text import md_escape

MOUD_ANSWERS: Final[dict[str, str]] = {
    "not_asked": "Not asked yet",
    "none": "No medication",
    "methadone": "Methadone",
    "buprenorphine": "Buprenorphine (Suboxone, Sublocade)",
    "naltrexone": "Naltrexone (Vivitrol)",
}


def person_needs_form(case: Case) -> None:
    """Ask for pregnancy, language and current MOUD, and save them on the case."""
    st.subheader("What decides where they can go")
    st.caption("Used to fill in the search and to check the chosen facility on the Readiness page.")
    with st.form(cases_ui.key(case, "needs_form")):
        pregnant = st.checkbox(
            "Pregnant or postpartum", value=case.person.pregnant, key=cases_ui.key(case, "preg")
        )
        language = st.text_input(
            "Language they need treatment in, if not English",
            value=case.person.language,
            max_chars=40,
            placeholder="e.g. Spanish",
            key=cases_ui.key(case, "language"),
        )
        moud = st.selectbox(
            "Medication for opioid use disorder they take now",
            PERSON_MOUDS,
            index=PERSON_MOUDS.index(case.person.moud),
            format_func=MOUD_ANSWERS.__getitem__,
            key=cases_ui.key(case, "moud"),
        )
        if st.form_submit_button("Save these answers", key=cases_ui.key(case, "save_needs")):
            try:
                person = PersonNeeds(pregnant=pregnant, language=language.strip(), moud=moud)
            except CaseError as error:
                st.error(str(error))
            else:
                cases_ui.save_and_rerun(replace(case, person=person), "Saved what decides where.")


def open_case() -> Case | None:
    """Return the case open in this session, if any."""
    case = st.session_state.get("case_base")
    return case if isinstance(case, Case) else None


def search_prefill(case: Case) -> FormInput | None:
    """Return a new search filled in from the case's person; None when nothing is recorded."""
    person = person_needs(case)
    if not person.recorded:
        return None
    language = person.language.strip()
    choice = next(
        (
            key
            for key, label in LANGUAGE_CHOICES.items()
            if key and label.casefold() == language.casefold()
        ),
        OTHER_LANGUAGE if language else None,
    )
    if language.casefold().startswith("sign"):
        choice = "sign"
    answers = PersonAnswers(
        pregnant=person.pregnant,
        sex="female" if person.pregnant else None,
        language_choice=choice,
        other_language=language if choice == OTHER_LANGUAGE else "",
    )
    taking = person.moud not in ("none", "not_asked")
    moud = (person.moud, "accepts_moud_clients") if taking else ()
    return FormInput(person=answers, moud=moud)  # type: ignore[arg-type]


def prefill_note(case: Case) -> None:
    """Say that the form was filled in from the case."""
    st.caption(
        f"Filled in from the case **{md_escape(case.title)}** (pregnancy, language, "
        "medication): change anything before you search."
    )
