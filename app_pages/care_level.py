"""Level of care: a dozen plain questions (no names), the care they point to, the search implied.

The rules live in :mod:`matching.case.carelevel` (sources in docs/clinical.md, "Level-of-care
guide"). "Use this for the search" fills the Search form (and with it the call script); when a
case is open, the case keeps the answers (``Case.care``, sealed with the plan).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

import streamlit as st

from app_pages import cases_ui
from app_pages.search_form import FormInput, current_form, replace_form
from matching.case.carelevel import (
    CareAnswers,
    CareAnswersError,
    CareResult,
    answers_from_plain,
    assess,
    label,
)
from matching.render import crisis

WORDS: dict[str, dict[str, str]] = {
    "substances": {
        "opioids": "Opioids (heroin, fentanyl, pills)",
        "alcohol": "Alcohol",
        "benzodiazepines": "Benzodiazepines (Xanax, Valium...)",
        "stimulants": "Stimulants (meth, cocaine)",
        "cannabis": "Cannabis",
        "other": "Something else",
    },
    "moud": {
        "none": "None",
        "methadone": "Methadone",
        "buprenorphine": "Buprenorphine (Suboxone...)",
        "naltrexone": "Naltrexone (Vivitrol...)",
    },
    "withdrawal_history": {
        "seizures": "Seizures",
        "delirium": "Delirium (confused, DTs)",
        "hallucinations": "Hallucinations",
        "none": "None of these",
    },
    "medical": {"none": "No", "stable": "Yes, but stable", "unstable": "Yes, needs care now"},
    "suicide_risk": {
        "none": "No",
        "thoughts": "Has talked about it",
        "plan_or_attempt": "Has a plan or attempted",
    },
    "psychiatric": {
        "none": "No",
        "stable": "Yes, stable",
        "severe": "Severe (psychosis, mania, can't care for self)",
    },
    "home": {
        "supportive": "Supportive",
        "unstable": "Unstable",
        "others_using": "Others there use",
        "homeless": "No home",
    },
    "prior_treatment": {
        "none": "None",
        "outpatient_did_not_work": "Outpatient, didn't work",
        "relapsed_after_residential": "Relapsed after residential",
    },
}
RESULT_KEY = "care_result"  # the answers last assessed on this page, as plain JSON


def _choice(key: str, question: str, column: Any) -> str:
    options = list(WORDS[key])
    return cast(str, column.selectbox(question, options, format_func=WORDS[key].__getitem__,
                                      key=f"care_{key}"))  # fmt: skip


def questions(saved: CareAnswers | None) -> dict[str, Any] | None:
    """Show the questions (prefilled from a case's saved answers); return them when submitted."""
    if saved is not None:
        for key, value in saved.plain().items():
            st.session_state.setdefault(f"care_{key}", value)
    st.session_state.setdefault("care_age", 30)
    with st.form("care_form", border=False):
        substances = st.multiselect(
            "What do they use?", list(WORDS["substances"]),
            format_func=WORDS["substances"].__getitem__, key="care_substances",
        )  # fmt: skip
        daily = st.toggle("Daily or almost daily now", key="care_daily_use")
        moud = _choice("moud", "Medication for opioids now", st)
        history = st.multiselect(
            "When they stopped before, did they have...", list(WORDS["withdrawal_history"]),
            format_func=WORDS["withdrawal_history"].__getitem__, key="care_withdrawal_history",
        )  # fmt: skip
        overdose = st.toggle("Overdose in the last 30 days", key="care_overdose_last_30_days")
        medical = _choice("medical", "A medical condition needing a doctor or nurse", st)
        pregnant = st.toggle("Pregnant", key="care_pregnant")
        suicide = _choice("suicide_risk", "Talk of suicide", st)
        psychiatric = _choice("psychiatric", "Mental illness", st)
        home = _choice("home", "Home", st)
        prior = _choice("prior_treatment", "Treatment before", st)
        age = st.number_input("Age", min_value=10, max_value=120, key="care_age")
        submitted = st.form_submit_button("Show the level of care", type="primary")
    if not submitted:
        return None
    return {
        "substances": substances, "daily_use": daily, "moud": moud,
        "withdrawal_history": history or ["none"], "overdose_last_30_days": overdose,
        "medical": medical, "pregnant": pregnant, "suicide_risk": suicide,
        "psychiatric": psychiatric, "home": home, "prior_treatment": prior, "age": int(age),
    }  # fmt: skip


def show_result(result: CareResult) -> None:
    """Show the result in plain words: an emergency first and prominent, then the rest."""
    if result.emergency != "none":
        st.error(f"**Call {result.emergency} now.** {result.emergency_reason}", icon="🚨")
    st.subheader("What to look for")
    st.markdown(
        f"- **Withdrawal care:** {label('withdrawal_management', result.withdrawal_management)}\n"
        f"- **Treatment:** {label('treatment_level', result.treatment_level)}\n"
        f"- **ASAM level:** {result.asam}\n"
        f"- **Medication for opioid use disorder:** {label('moud', result.moud)}"
    )
    if result.naloxone:
        st.warning(
            "**Keep naloxone (Narcan) at hand** and never let them use alone. Pharmacies sell "
            "it without a prescription; Never Use Alone: " + crisis.NEVER_USE_ALONE_LINE + ".",
            icon=":material/medication:",
        )
    with st.expander("Why", expanded=True):
        st.markdown("\n".join(f"- {reason}" for reason in result.reasons))
    st.info(
        "The facility's own assessment decides; this is guidance, not a diagnosis.",
        icon=":material/info:",
    )


def search_from(result: CareResult, form: FormInput) -> FormInput:
    """Return ``form`` with the detox level, care after, MOUD and person the result implies."""
    search = result.search
    person = replace(
        form.person,
        age_group=search["age_group"],
        pregnant=bool(search["pregnant"]),
        co_occurring=bool(search["co_occurring"]),
    )
    if search["pregnant"]:
        person = replace(person, sex="female")
    return replace(
        form,
        detox=search["detox"],
        after_care=search["after_care"],
        moud=tuple(search["moud"]),
        person=person,
    )


def use_for_search(answers: CareAnswers, result: CareResult, case: Any) -> None:
    """Fill the Search form (and the call script, which follows it); keep answers on the case."""
    replace_form(search_from(result, current_form() or FormInput()))
    message = "The Search form now asks for this level of care: open **Search** to run it."
    if case is not None and cases_ui.may("save") and cases_ui.save(replace(case, care=answers)):
        message += f" The answers are kept with {case.title}."
    st.session_state["care_flash"] = message
    st.rerun()


def main() -> None:
    """Draw the page."""
    st.title("Level of care")
    st.caption(
        "About a dozen questions, no names: what kind of care to search for. The facility's own "
        "assessment decides; this is guidance, not a diagnosis."
    )
    if flash := st.session_state.pop("care_flash", ""):
        st.success(flash)
    case = cases_ui.case_picker()
    saved = case.care if case is not None else None
    top = st.container()  # the result shows above the questions: on a phone, no scrolling to it
    answered = bool(st.session_state.get(RESULT_KEY)) or saved is not None
    with st.expander("The questions", expanded=not answered) if answered else st.container():
        submitted = questions(saved)
    if submitted is not None:
        try:
            st.session_state[RESULT_KEY] = answers_from_plain(submitted).plain()
        except CareAnswersError as error:
            st.error(f"Check the answers: {error}")
    plain = st.session_state.get(RESULT_KEY) or (saved.plain() if saved else None)
    if plain is None:
        return
    answers = answers_from_plain(plain)
    result = assess(answers)
    with top:
        show_result(result)
        if st.button("Use this for the search", type="primary", key="care_use"):
            use_for_search(answers, result, case)
        st.divider()


main()
