"""The plan as a member or viewer of a team case sees it: every section read-only.

Only the case's lead changes the plan; the data layer refuses anyone else's save, so these
sections show text instead of forms (the crisis alert and the naloxone guidance still show).
What the role may not see was already blanked by the data layer when the case was loaded.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import craft_ui, links, ui
from matching.case import Case, SafetyScreen
from matching.render.crisis import NALOXONE_GUIDANCE
from matching.render.safe_text import md_escape

ANSWERS = {None: "Not answered", False: "No", True: "Yes"}
YES_NO = {False: "No", True: "Yes"}
LETTER_LABELS = {"not_started": "Not started", "drafted": "Drafted", "reviewed": "Ready"}


def show(case: Case) -> None:
    """Draw every section of the plan read-only, in the order the lead fills them in."""
    st.info(
        "Only the case's lead changes the plan. You can read it here"
        + (" and write your own letter below." if _writes_letters(case) else "."),
        icon=":material/visibility:",
    )
    person_and_safety(case)
    if case.approach == "craft":  # the family's weekly CRAFT plan instead of a day
        st.subheader("The family's CRAFT plan")
        craft_ui.show_weeks(case.craft_weeks)
    else:
        time_and_place(case)
    who_leads(case)
    team(case)


def _writes_letters(case: Case) -> bool:
    own = ui.workspace().actor.email
    return any(member.account.strip().lower() == own for member in case.team)


def _lines(rows: list[tuple[str, str]]) -> None:
    """Show label/value lines; a value the lead has not entered yet says so."""
    lines = []
    for label, value in rows:
        colon = "" if label.endswith("?") else ":"  # a question needs no colon after it
        lines.append(f"- **{label}{colon}** {md_escape(value) if value else '—'}")
    st.markdown("\n".join(lines))


def person_and_safety(case: Case) -> None:
    """Show the alias, the substance and the safety screen's answers."""
    st.header("Your loved one and safety")
    _lines([("First name or alias", case.loved_one_alias), ("Substance", case.substance)])
    st.markdown("**Safety screen** — any *yes* means call for help now instead.")
    answers = [
        (question, ANSWERS[getattr(case.safety, key)])
        for key, question in SafetyScreen.QUESTIONS.items()
    ]
    answers.append((SafetyScreen.USES_ALONE_QUESTION, ANSWERS[case.safety.uses_alone]))
    _lines(answers)


def time_and_place(case: Case) -> None:
    """Show when and where, and whether the setting fits."""
    st.header("When and where")
    when = case.intervention
    day = when.local_date.strftime("%a %d %b %Y") if when.local_date else ""
    clock = when.local_time.strftime("%H:%M") if when.local_time else ""
    _lines(
        [
            ("Date and time", f"{day} {clock} ({when.time_zone})" if day and clock else ""),
            ("Place", when.place),
            ("Private", YES_NO[when.private]),
            ("Neutral (not their room)", YES_NO[when.neutral]),
            ("When they are likely sober", YES_NO[when.likely_sober]),
            ("Time allowed for the talk", f"{when.talk_minutes} minutes"),
        ]
    )


def who_leads(case: Case) -> None:
    """Show the interventionist or the family lead, with a call link."""
    st.header("Who leads")
    lead = case.lead
    _lines(
        [
            ("Interventionist", lead.interventionist_name),
            ("Booked for the date", YES_NO[lead.interventionist_booked]),
            ("Family lead", lead.lead_name),
        ]
    )
    if lead.interventionist_phone:
        st.markdown(links.phone_link(lead.interventionist_phone, "Call the interventionist"))


def team(case: Case) -> None:
    """Show the team and where each letter stands (never the letter text)."""
    st.header("Team")
    if not case.team:
        st.caption("The lead has not added the team yet.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Name": member.name,
                    "Relationship": member.relationship,
                    "Role on the day": member.role,
                    "Consequence they will hold to": member.consequence,
                    "Rehearsed": member.rehearsal_attended,
                    "Letter": LETTER_LABELS.get(member.letter_status, member.letter_status),
                }
                for member in case.team
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def getting_there(case: Case) -> None:
    """Show transport, escort, the bag, naloxone and the aftercare plan."""
    st.header("Getting there and after")
    logistics = case.logistics
    _lines(
        [
            ("Transport to the facility", logistics.transport),
            ("Escort", logistics.escort),
            ("Bag packed", YES_NO[logistics.bag_packed]),
            ("Naloxone (Narcan) on hand", YES_NO[logistics.naloxone_on_hand]),
            ("Aftercare plan", logistics.aftercare_plan),
        ]
    )
    st.caption(NALOXONE_GUIDANCE)
