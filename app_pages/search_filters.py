"""The Search page's active filters as removable chips, "New search" and "Resume my last search".

Filters folded inside the form's collapsed sections ("More", "About the person") are easy to
forget; a previous search's pregnancy, language or medication answers must never narrow the
next one unseen. So every active filter shows above the results as a chip: clicking it removes
that filter and reruns the search. "New search" clears the form. A new browser session starts
empty (a shared family computer must not show the last person's answers) and offers to resume
the last search saved on this computer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final

import streamlit as st

from app_pages import ui
from app_pages.person_ui import LANGUAGE_CHOICES, OTHER_LANGUAGE, PersonAnswers
from app_pages.search_form import AGE_CHOICES, SESSION_KEY, FormInput, form_from_json, remember
from matching.render import display

# The form's widgets (each keeps its state by key): cleared when the form is replaced, so they
# show the new form's values.
WIDGET_KEYS: Final = (
    "place", "online", "radius", "payers", "detox", "moud", "after_care", "min_beds", "max_age",
    "include_unverified", "intervention_day", "intervention_time", "preset",
) + tuple(
    f"person_{name}"
    for name in (
        "age", "sex", "pregnant", "language", "other_language", "veteran", "co_occurring",
        "non_veteran",
    )
)  # fmt: skip
_FORM_DEFAULTS: Final = FormInput()
_PERSON_DEFAULTS: Final = PersonAnswers()


def _join(values: tuple[str, ...], labels: dict[str, str]) -> str:
    return ", ".join(labels[value] for value in values)


def active_filters(form: FormInput) -> dict[str, str]:
    """Return each active filter of ``form`` (beyond place and distance) and its chip label."""
    chips: dict[str, str] = {}
    if form.payers:
        chips["payers"] = f"Payment: {_join(form.payers, display.PAYER_LABELS)}"
    if form.detox is not None:
        chips["detox"] = f"Detox: {display.DETOX_LABELS[form.detox]}"
    if form.moud:
        chips["moud"] = f"Medication: {_join(form.moud, display.MOUD_LABELS)}"
    if form.after_care is not None:
        chips["after_care"] = f"After detox: {display.AFTER_CARE_LABELS[form.after_care]}"
    if form.min_beds:
        chips["min_beds"] = f"At least {form.min_beds} open bed(s) now"
    if form.max_age is not None:
        chips["max_age"] = f"Bed reports: {AGE_CHOICES[form.max_age].lower()}"
    if form.include_unverified:
        chips["include_unverified"] = "Including unconfirmed listings"
    if form.intervention_day is not None:
        chips["intervention_day"] = f"Intervention {form.intervention_day:%b %d}"
    return chips | _person_filters(form.person)


def _person_filters(person: PersonAnswers) -> dict[str, str]:
    chips: dict[str, str] = {}
    if person.age_group is not None:
        chips["person.age_group"] = f"Age: {display.AGE_GROUP_LABELS[person.age_group]}"
    if person.sex is not None:
        chips["person.sex"] = f"Sex: {display.SEX_LABELS[person.sex]}"
    if person.pregnant:
        chips["person.pregnant"] = "Pregnant or postpartum"
    language = person.other_language.strip() or LANGUAGE_CHOICES.get(person.language_choice)
    if person.language_choice not in (None, OTHER_LANGUAGE) or person.other_language.strip():
        chips["person.language"] = f"Language: {language}"
    for name, label in (
        ("veteran", "Veteran"),
        ("co_occurring", "Co-occurring mental illness"),
        ("non_veteran", "Not a veteran"),
    ):
        if getattr(person, name):
            chips[f"person.{name}"] = label
    return chips


def without(form: FormInput, key: str) -> FormInput:
    """Return ``form`` with the filter ``key`` (from :func:`active_filters`) back at its default."""
    if not key.startswith("person."):
        return replace(form, **{key: getattr(_FORM_DEFAULTS, key)})
    name = key.removeprefix("person.")
    names = ("language_choice", "other_language") if name == "language" else (name,)
    reset: dict[str, Any] = {field: getattr(_PERSON_DEFAULTS, field) for field in names}
    if name == "pregnant" and form.person.sex is None:
        reset["sex"] = None
    return replace(form, person=replace(form.person, **reset))


def show_form(form: FormInput | None) -> None:
    """Make ``form`` the search shown, and let the form's keyed widgets take its values."""
    for key in WIDGET_KEYS:
        st.session_state.pop(key, None)
    st.session_state["open_facility"] = None
    if form is None:
        st.session_state[SESSION_KEY] = None
    else:
        remember(form)


def _drop(key: str, label: str) -> None:
    form: FormInput | None = st.session_state.get(SESSION_KEY)
    if form is not None:
        show_form(without(form, key))
        st.session_state["flash"] = f"Removed the filter {label}; the search ran again."


def _new_search() -> None:
    show_form(None)


def filter_bar(form: FormInput | None) -> None:
    """Above the results: each active filter as a chip that removes it, and "New search"."""
    if form is None:
        return
    chips = active_filters(form)
    if chips:
        st.caption("Active filters - click one to remove it:")
    with st.container(horizontal=True, gap="small"):
        for key, label in chips.items():
            st.button(
                label,
                icon=":material/close:",
                key=f"drop_filter_{key}",
                on_click=_drop,
                args=(key, label),
                help=f"Remove this filter ({label}) and search again",
            )
        st.button(
            "New search", icon=":material/restart_alt:", key="new_search", on_click=_new_search
        )


def _resume() -> None:
    stored = ui.workspace().searches.load_last_search()
    show_form(None if stored is None else form_from_json(stored))


def resume_offer(form: FormInput | None) -> None:
    """In a session with no search yet, offer the last search saved on this computer."""
    if form is not None or ui.workspace().searches.load_last_search() is None:
        return
    st.button(
        "Resume my last search",
        icon=":material/history:",
        key="resume_search",
        on_click=_resume,
        help="Fills the form with the last search made on this computer (place and answers).",
    )
