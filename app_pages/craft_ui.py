"""The Plan page's choice of approach (planned intervention or CRAFT) and CRAFT's weekly plan.

The model is :mod:`matching.case.craft`; the evidence and its sources are in docs/clinical.md
("CRAFT"). The plan is kept on the case, sealed like the rest of the plan.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import streamlit as st

from app_pages import cases_ui, ui
from matching.case import Case
from matching.case.craft import APPROACHES, PARTS, Approach, CraftWeek, with_week
from matching.errors import CaseError
from matching.render.safe_text import md_escape

EVIDENCE = (
    "**Two ways to help.** A planned intervention brings the family together on one day to ask "
    "the person to go to treatment that day. CRAFT (Community Reinforcement and Family "
    "Training) teaches the family, week by week, to reward time without use, let use carry its "
    "own costs, look after themselves and suggest treatment at a good moment. In a randomised "
    "trial of 130 family members (Miller, Meyers & Tonigan 1999, *J Consult Clin Psychol* "
    "67(5):688-697), CRAFT got 64% of loved ones into treatment, against 30% for a Johnson "
    "Institute intervention and 13% for Al-Anon facilitation; most families (70%) chose not to "
    "go through with the confrontation. A later trial with families of people using illicit "
    "drugs (Meyers et al. 2002) also found CRAFT engaged more people than the comparison "
    "approaches. Either way, keep a bed ready: the day they say yes, it must be there."
)


def choose_approach(case: Case) -> Case:
    """Show the two approaches with the evidence; save and return the case with the choice."""
    st.markdown(EVIDENCE)
    choices: list[Approach] = ["intervention", "craft"]
    chosen: Approach = st.radio(
        "Which approach does your family want to take?",
        choices,
        index=choices.index(case.approach),
        format_func=APPROACHES.__getitem__,
        key=cases_ui.key(case, "approach"),
    )
    if chosen != case.approach:
        cases_ui.save_and_rerun(replace(case, approach=chosen), f"Approach: {APPROACHES[chosen]}.")
    return case


def this_week(today: date) -> date:
    """Return the Monday of ``today``'s week (the week a new plan starts)."""
    return today - timedelta(days=today.weekday())


def weekly_plan(case: Case) -> None:
    """Show the weeks kept so far and a form for this week's (or another week's) plan."""
    st.header("This week's CRAFT plan")
    st.caption(
        "Keep the placement ready meanwhile: the Shortlist, Placement and Readiness pages work "
        "the same, so a bed can be held the day they say yes."
    )
    start = this_week(ui.now().date())
    week_of = st.date_input("Week starting", value=start, key=cases_ui.key(case, "craft_week"))
    kept = {week.week_of: week for week in case.craft_weeks}
    shown = kept.get(week_of, CraftWeek(week_of=week_of))
    with st.form(cases_ui.key(case, "craft_form")):
        texts = {
            part: st.text_area(question, value=getattr(shown, part), height=80,
                               key=cases_ui.key(case, f"craft_{part}_{week_of}"))
            for part, question in PARTS.items()
        }  # fmt: skip
        submitted = st.form_submit_button("Save this week", type="primary")
    if submitted:
        try:
            week = CraftWeek(
                week_of=week_of, **{part: text.strip() for part, text in texts.items()}
            )
        except CaseError as error:
            st.error(f"Not saved: {error}")
            return
        weeks = with_week(case.craft_weeks, week)
        cases_ui.save_and_rerun(
            replace(case, craft_weeks=weeks), f"Saved the week of {week_of:%B %-d}."
        )
    earlier = [week for week in case.craft_weeks if week.week_of != week_of and not week.empty]
    if earlier:
        with st.expander(f"Other weeks ({len(earlier)})"):
            show_weeks(tuple(earlier))


def show_weeks(weeks: tuple[CraftWeek, ...]) -> None:
    """Show ``weeks`` read-only, latest first (what each part of each week says)."""
    for week in reversed(weeks):
        st.markdown(f"**Week of {week.week_of:%B %-d, %Y}**")
        lines = [
            f"- *{question.split(' (')[0]}:* {md_escape(getattr(week, part))}"
            for part, question in PARTS.items()
            if getattr(week, part).strip()
        ]
        st.markdown("\n".join(lines) or "Nothing written yet.")
