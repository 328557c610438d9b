"""The search page's "About the person" group, and the notes on listings shown with results.

Nothing here asks for a name: only what decides where the person can go (docs/clinical.md). What is
entered stays in this browser session and is used for the search only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypedDict, cast

import pandas as pd
import streamlit as st

from matching.directory import columns as col
from matching.errors import QueryError
from matching.render import display
from matching.render.safe_text import md_escape
from matching.search.query import AGE_GROUPS, SEXES, AgeGroup, SearchQuery, Sex

OTHER_LANGUAGE = "other"
LANGUAGE_CHOICES: dict[str | None, str] = {
    None: "No need (English is fine)",
    "spanish": "Spanish",
    "sign": "Sign language (ASL)",
    OTHER_LANGUAGE: "Another language (type it below)",
}


def active_answers(answers: PersonAnswers) -> list[tuple[str, PersonAnswers]]:
    """Return each answer given about the person: its words, and the answers without it."""
    given: list[tuple[str, PersonAnswers]] = []
    if answers.age_group is not None:
        label = display.AGE_GROUP_LABELS[answers.age_group]
        given.append((label, replace(answers, age_group=None)))
    if answers.sex is not None:
        given.append((display.SEX_LABELS[answers.sex], replace(answers, sex=None)))
    if answers.pregnant:
        given.append(("Pregnant or postpartum", replace(answers, pregnant=False)))
    typed, chosen = answers.other_language.strip(), answers.language_choice
    if chosen is not None or typed:
        words = typed if chosen in (None, OTHER_LANGUAGE) else LANGUAGE_CHOICES[chosen]
        cleared = replace(answers, language_choice=None, other_language="")
        given.append((f"Language: {words}", cleared))
    if answers.veteran:
        given.append(("Veteran", replace(answers, veteran=False)))
    if answers.non_veteran:
        given.append(("Not a veteran", replace(answers, non_veteran=False)))
    if answers.co_occurring:
        given.append(("Co-occurring mental illness", replace(answers, co_occurring=False)))
    return given


class PersonFields(TypedDict):
    """The SearchQuery fields that describe the person."""

    age_group: AgeGroup | None
    sex: Sex | None
    pregnant: bool
    language: str | None
    veteran: bool
    co_occurring: bool
    non_veteran: bool


@dataclass(frozen=True, kw_only=True)
class PersonAnswers:
    """What the form's "About the person" group holds, before it is checked."""

    age_group: str | None = None
    sex: str | None = None
    pregnant: bool = False
    language_choice: str | None = None
    other_language: str = ""
    veteran: bool = False
    co_occurring: bool = False
    non_veteran: bool = False

    def query_fields(self) -> PersonFields:
        """Return the SearchQuery fields; QueryError when the answers do not fit together."""
        language: str | None = self.language_choice
        typed = self.other_language.strip()
        if typed and language not in (None, OTHER_LANGUAGE):
            chosen = LANGUAGE_CHOICES[language]
            raise QueryError(
                f"You chose {chosen} and also typed {typed!r} as another language: search one "
                "language at a time (clear the box, or choose 'Another language')."
            )
        if language == OTHER_LANGUAGE or (language is None and typed):
            if not typed:
                raise QueryError(
                    "You chose another language but did not type it: enter its name "
                    "(e.g. Vietnamese) or choose a language from the list."
                )
            language = typed
        if self.pregnant and self.sex == "male":
            raise QueryError(
                "Pregnant or postpartum is ticked and sex is male: untick one of them, "
                "or set sex to female."
            )
        return {
            # The selectboxes offer only AGE_GROUPS and SEXES; SearchQuery checks them again.
            "age_group": cast("AgeGroup | None", self.age_group),
            "sex": cast("Sex | None", self.sex),
            "pregnant": self.pregnant,
            "language": language,
            "veteran": self.veteran,
            "co_occurring": self.co_occurring,
            "non_veteran": self.non_veteran,
        }


def about_the_person(saved: PersonAnswers | None = None) -> PersonAnswers:
    """Show the optional "About the person" group (inside the search form) and return it.

    ``saved`` fills it in (the last search, so the form shown is the search shown).
    """
    saved = saved or PersonAnswers()
    ages: list[str | None] = [None, *AGE_GROUPS]
    sexes: list[str | None] = [None, *SEXES]
    with st.expander("About the person (optional) - age, sex, pregnancy, language, ..."):
        st.caption(
            "Only what decides where they can go; no names. Each answer given must fit: "
            "programs that cannot take this person are left out."
        )
        left, right = st.columns(2)
        age_group = left.selectbox(
            "Age group",
            ages,
            index=ages.index(saved.age_group) if saved.age_group in ages else 0,
            format_func=lambda group: (
                "Not given" if group is None else display.AGE_GROUP_LABELS[group]
            ),
            key="person_age",
        )
        sex = right.selectbox(
            "Sex (for single-sex programs and beds)",
            sexes,
            index=sexes.index(saved.sex) if saved.sex in sexes else 0,
            format_func=lambda sex: "Not given" if sex is None else display.SEX_LABELS[sex],
            key="person_sex",
        )
        pregnant = st.checkbox(
            "Pregnant or postpartum",
            value=saved.pregnant,
            key="person_pregnant",
            help="Finds programs for pregnant women; those with methadone or buprenorphine "
            "come first (stopping MOUD is not recommended in pregnancy).",
        )
        language_choice, other_language, veteran, co_occurring = _language_and_programs(saved)
        non_veteran = st.checkbox(
            "Not a veteran",
            value=saved.non_veteran,
            key="person_non_veteran",
            help="Leaves out VA facilities, which serve veterans only.",
        )
    return PersonAnswers(
        age_group=age_group,
        sex=sex,
        pregnant=pregnant,
        language_choice=language_choice,
        other_language=other_language,
        veteran=veteran,
        co_occurring=co_occurring,
        non_veteran=non_veteran,
    )


def _language_and_programs(saved: PersonAnswers) -> tuple[str | None, str, bool, bool]:
    """Show the language and special-program answers of the group, filled in from ``saved``."""
    languages = list(LANGUAGE_CHOICES)
    left, right = st.columns(2)
    language_choice = left.selectbox(
        "Treatment in another language",
        languages,
        index=languages.index(saved.language_choice) if saved.language_choice in languages else 0,
        format_func=LANGUAGE_CHOICES.__getitem__,
        key="person_language",
    )
    other_language = right.text_input(
        "Other language",
        value=saved.other_language,
        placeholder="e.g. Vietnamese",
        key="person_other_language",
    )
    left, right = st.columns(2)
    veteran = left.checkbox(
        "Veteran",
        value=saved.veteran,
        key="person_veteran",
        help="Finds programs for veterans.",
    )
    co_occurring = right.checkbox(
        "Co-occurring mental illness",
        value=saved.co_occurring,
        key="person_co_occurring",
        help="Finds programs that treat a mental illness alongside substance use.",
    )
    return language_choice, other_language, veteran, co_occurring


def results_notes(results: pd.DataFrame, query: SearchQuery, now: datetime) -> None:
    """Say whom the results are for and warn when listings are old."""
    who = display.person_text(query)
    if who:
        st.caption(f"For: {md_escape(who)}. Programs that cannot take this person are left out.")
    warning = display.results_listing_warning(results, now=now)
    if warning:
        st.warning(warning, icon=":material/history:")


def listing_notes(row: pd.Series, now: datetime) -> None:
    """Show where one facility's listing comes from, how old it is, and how it is located."""
    listing = display.listing_text(row[col.SOURCE], row.get(col.LISTED_AT))
    st.caption(f"Listing: {md_escape(listing)}")  # the source name comes from the file
    warning = display.listing_age_warning(row.get(col.LISTED_AT), now=now)
    if warning:
        st.warning(md_escape(warning), icon=":material/history:")
    if row.get(col.LOCATION_PRECISION) == "zip_centroid":
        st.caption(
            "Located at the centre of its ZIP code (the listing has no coordinates): the "
            "distance is approximate."
        )
