"""Plan: who the intervention is for, safety first, when and where, who leads, the team, letters.

Each section is a form that saves the case (with the optimistic version check) when submitted.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from app_pages import case_person_ui, cases_ui, craft_ui, links, plan_view, team_ui, ui
from matching.case import (
    Case,
    CaseError,
    Intervention,
    Lead,
    Logistics,
    SafetyScreen,
    TeamMember,
)
from matching.case.letters import LANGUAGES, Finding, review_letter, rules_table
from matching.case.model import LetterStatus
from matching.case.readiness import PASS, check_time_and_place
from matching.errors import AccessError, LocationError
from matching.records.team import check_email
from matching.render.crisis import NALOXONE_GUIDANCE
from matching.render.safe_text import md_escape
from matching.search.geo import FORMS_HINT, resolve_location
from matching.wording import count_of

ANSWERS = {None: "Not answered", False: "No", True: "Yes"}
TEAM_COLUMNS = ["name", "relationship", "role", "consequence", "rehearsal_attended"]
# Team mode: whose sign-in may write the letter (TeamMember.account).
ACCOUNT = "account"


def main() -> None:
    """Draw the plan in the order it is made: person and safety, when, who, team, letters."""
    st.title("Plan the intervention")
    where = (
        "stays in the local store on this computer"
        if team_ui.mode() == "local"
        else "is seen only by the people invited to this case, and stored encrypted"
    )
    st.caption(
        f"Everything here {where}. Use a first name or alias for your loved one — never a "
        "full name."
    )
    case = cases_ui.require_case()
    if not cases_ui.may("save"):
        # A member or viewer of a team case: the plan read-only, their own letters editable.
        plan_view.show(case)
        letters(case)
        plan_view.getting_there(case)
        return
    craft_ui.choose_approach(case)
    person_and_safety(case)
    case_person_ui.person_needs_form(case)
    if case.approach == "craft":  # no intervention day: a weekly plan instead
        craft_ui.weekly_plan(case)
    else:
        time_and_place(case)
    who_leads(case)
    team(case)
    letters(case)
    getting_there(case)


# ------------------------------------------------------------------------ the person and safety


def person_and_safety(case: Case) -> None:
    """Ask for the loved one's alias, the substance and the safety screen."""
    st.header("Your loved one and safety")
    with st.form(cases_ui.key(case, "person_form")):
        alias = st.text_input(
            "First name or alias only",
            value=case.loved_one_alias,
            key=cases_ui.key(case, "alias"),
            max_chars=40,
            help="ReadyBed never needs a full name.",
        )
        substance = st.text_input("Substance", value=case.substance)
        st.markdown("**Safety screen** — any *yes* means call for help now instead.")
        answers = {}
        for question_key, question in SafetyScreen.QUESTIONS.items():
            answers[question_key] = st.radio(
                question,
                list(ANSWERS),
                index=list(ANSWERS).index(getattr(case.safety, question_key)),
                format_func=ANSWERS.__getitem__,
                horizontal=True,
                key=cases_ui.key(case, f"safety_{question_key}"),
            )
        uses_alone = st.radio(
            SafetyScreen.USES_ALONE_QUESTION + " (not an emergency by itself; we will say how "
            "to lower the risk)",
            list(ANSWERS),
            index=list(ANSWERS).index(case.safety.uses_alone),
            format_func=ANSWERS.__getitem__,
            horizontal=True,
            key=cases_ui.key(case, "safety_uses_alone"),
        )
        if st.form_submit_button("Save", type="primary", key=cases_ui.key(case, "save_person")):
            try:
                updated = replace(
                    case,
                    loved_one_alias=alias.strip(),
                    substance=substance.strip() or case.substance,
                    safety=SafetyScreen(**answers, uses_alone=uses_alone),
                )
            except CaseError as error:
                st.error(str(error))
            else:
                cases_ui.save_and_rerun(updated, "Saved the person and safety screen.")


# ---------------------------------------------------------------------------- time and place


def time_and_place(case: Case) -> None:
    """Ask when and where, whether the setting fits, and how long the drive to the bed takes."""
    st.header("When and where")
    intervention = case.intervention
    when_check = check_time_and_place(case, ui.now())
    if when_check.status != PASS:
        st.warning(when_check.message, icon=":material/schedule:")
    with st.form(cases_ui.key(case, "when_form")):
        left, middle, right = st.columns(3)
        picked_date = left.date_input("Date", value=intervention.local_date)
        picked_time = middle.time_input("Time", value=intervention.local_time, step=900)
        zone = right.selectbox(
            "Time zone of the place",
            cases_ui.ALL_ZONES,
            index=cases_ui.ALL_ZONES.index(intervention.time_zone),
        )
        place = st.text_input(
            "Place (as you would describe it to the team)",
            value=intervention.place,
            placeholder="e.g. Aunt Jo's living room",
        )
        place_location = st.text_input(
            "Where is it? ZIP, city or coordinates — used for the travel time to the facility",
            value=intervention.place_location,
            help=FORMS_HINT,
        )
        private, neutral, likely_sober = setting_inputs(intervention)
        talk_minutes = talk_input(intervention)
        logistics = case.logistics
        speed, minutes = travel_inputs(logistics)
        if not st.form_submit_button("Save", type="primary", key=cases_ui.key(case, "save_when")):
            return
        try:
            located = resolve_location(place_location) if place_location.strip() else None
            updated = replace(
                case,
                intervention=Intervention(
                    local_date=picked_date,
                    local_time=picked_time,
                    time_zone=zone,
                    place=place.strip(),
                    place_location=place_location.strip(),
                    place_lat=located.lat if located else None,
                    place_lon=located.lon if located else None,
                    private=private,
                    neutral=neutral,
                    likely_sober=likely_sober,
                    talk_minutes=int(talk_minutes),
                ),
                logistics=replace(
                    logistics,
                    average_speed_mph=float(speed),
                    travel_minutes_override=None if minutes is None else int(minutes),
                ),
            )
        except (LocationError, CaseError) as error:
            st.error(f"Not saved: {error}")
        else:
            cases_ui.save_and_rerun(updated, "Saved the time and place.")


def setting_inputs(intervention: Intervention) -> tuple[bool, bool, bool]:
    """Ask whether the place and time are private, neutral and when they are likely sober."""
    st.markdown("**The place and time are...**")
    checks = st.columns(3)
    private = checks[0].checkbox("Private", value=intervention.private)
    neutral = checks[1].checkbox("Neutral (not their room)", value=intervention.neutral)
    likely_sober = checks[2].checkbox("When they are likely sober", value=intervention.likely_sober)
    return private, neutral, likely_sober


def talk_input(intervention: Intervention) -> int:
    """Ask how long the talk itself may take (the hold must cover it too)."""
    minutes = st.number_input(
        "Time to allow for the talk itself (minutes) — the bed must be held past the start "
        "plus this plus the travel",
        min_value=0,
        max_value=12 * 60,
        value=intervention.talk_minutes,
        step=15,
    )
    return int(minutes)


def travel_inputs(logistics: Logistics) -> tuple[float, int | float | None]:
    """Ask for the average travel speed, or a travel time that overrides the distance."""
    speed_col, minutes_col = st.columns(2)
    speed = speed_col.number_input(
        "Average travel speed (mph)",
        min_value=5.0,
        max_value=90.0,
        value=float(logistics.average_speed_mph),
        step=5.0,
    )
    minutes = minutes_col.number_input(
        "Or the travel time in minutes (overrides the distance)",
        min_value=0,
        max_value=24 * 60,
        value=logistics.travel_minutes_override,
        step=5,
    )
    return speed, minutes


# ---------------------------------------------------------------------------------- who leads


def who_leads(case: Case) -> None:
    """Ask for the interventionist (and whether booked), or a named family lead."""
    st.header("Who leads")
    with st.form(cases_ui.key(case, "lead_form")):
        left, right = st.columns(2)
        name = left.text_input(
            "Interventionist",
            value=case.lead.interventionist_name,
            key=cases_ui.key(case, "interventionist"),
        )
        phone = right.text_input("Interventionist's phone", value=case.lead.interventionist_phone)
        booked = st.checkbox("Booked for the date", value=case.lead.interventionist_booked)
        lead_name = st.text_input(
            "Or a named family lead (if there is no interventionist)", value=case.lead.lead_name
        )
        if st.form_submit_button("Save", type="primary", key=cases_ui.key(case, "save_lead")):
            updated = replace(
                case,
                lead=Lead(
                    interventionist_name=name.strip(),
                    interventionist_phone=phone.strip(),
                    interventionist_booked=booked,
                    lead_name=lead_name.strip(),
                ),
            )
            cases_ui.save_and_rerun(updated, "Saved who leads.")
    if case.lead.interventionist_phone:
        st.markdown(links.phone_link(case.lead.interventionist_phone, "Call the interventionist"))


# ------------------------------------------------------------------------------------- team


def team(case: Case) -> None:
    """Edit the team as a table, or add one person with a form (easier on a phone)."""
    st.header("Team")
    st.caption(
        "About 4-6 people close to your loved one. Leave out anyone likely to argue or "
        "sabotage. Each person defines a consequence they will truly hold to if help is refused."
    )
    team_table(case)
    add_member_form(case)


def team_columns() -> list[str]:
    """Return the team table's columns: the sign-in e-mail too on a team server."""
    return TEAM_COLUMNS + ([ACCOUNT] if team_ui.mode() == "team" else [])


def team_table(case: Case) -> None:
    """Show the team in an editable table and save it when every row is usable."""
    columns = team_columns()
    team_frame = pd.DataFrame(
        [{column: getattr(member, column) for column in columns} for member in case.team],
        columns=columns,
    ).astype({"rehearsal_attended": "bool"})
    with st.form(cases_ui.key(case, "team_form")):
        edited = st.data_editor(
            team_frame,
            num_rows="dynamic",
            width="stretch",
            hide_index=True,
            column_config={
                "name": st.column_config.TextColumn("Name", required=True),
                "relationship": st.column_config.TextColumn("Relationship"),
                "role": st.column_config.TextColumn("Role on the day"),
                "consequence": st.column_config.TextColumn(
                    "Consequence they will hold to", width="medium"
                ),
                "rehearsal_attended": st.column_config.CheckboxColumn("Rehearsed", default=False),
                ACCOUNT: st.column_config.TextColumn(
                    "Writes their letter (sign-in e-mail)",
                    help="The e-mail this person signs in with; they can then write and edit "
                    "their own letter (and no other). Leave empty if you write it for them.",
                ),
            },
            key=cases_ui.key(case, "team_editor"),
        )
        if st.form_submit_button("Save team", type="primary"):
            members, problems = members_from_rows(edited, case)
            if problems:
                st.error("Not saved: " + " ".join(problems))
            else:
                cases_ui.save_and_rerun(replace(case, team=tuple(members)), "Saved the team.")


def members_from_rows(edited: pd.DataFrame, case: Case) -> tuple[list[TeamMember], list[str]]:
    """Return the team members of the edited table (letters kept by name) and its problems."""
    previous = {member.name: member for member in case.team}
    members = []
    problems = []
    for number, row in enumerate(edited.to_dict("records"), start=1):
        text = {c: "" if pd.isna(row.get(c)) else str(row.get(c)).strip() for c in TEAM_COLUMNS[:4]}
        typed_account = row.get(ACCOUNT)
        account = "" if typed_account is None or pd.isna(typed_account) else str(typed_account)
        if not any(text.values()) and not account.strip():
            continue
        if not text["name"]:
            problems.append(f"Row {number} has no name; add a first name or delete the row.")
            continue
        kept = previous.get(text["name"])
        try:
            account = account_of(account, text["name"], kept)
        except AccessError as error:
            problems.append(str(error))
            continue
        members.append(
            TeamMember(
                name=text["name"],
                relationship=text["relationship"],
                role=text["role"],
                consequence=text["consequence"],
                rehearsal_attended=bool(row.get("rehearsal_attended")),
                letter=kept.letter if kept else "",
                letter_status=kept.letter_status if kept else "not_started",
                keep_as_written=kept.keep_as_written if kept else False,
                account=account,
            )
        )
    names = [member.name for member in members]
    if len(names) != len(set(names)):
        problems.append("Two team members have the same name; add an initial to tell them apart.")
    return members, problems


def account_of(typed: str, name: str, kept: TeamMember | None) -> str:
    """Return the letter author's sign-in e-mail as typed (checked), or as it was."""
    if ACCOUNT not in team_columns():
        return kept.account if kept else ""  # local mode: the column is not shown
    if not typed.strip():
        return ""
    return check_email(typed, what=f"The sign-in e-mail of {name}")


def add_member_form(case: Case) -> None:
    """Add one person to the team (a name already on the team is refused)."""
    with st.form(cases_ui.key(case, "member_form"), clear_on_submit=True):
        # The one-person form is easier than the table on a phone.
        st.markdown("**Add one person**")
        left, right = st.columns(2)
        member_name = left.text_input("Their first name")
        relationship = right.text_input("Relationship (e.g. sister)")
        role = left.text_input("Role on the day (e.g. speaks first)")
        consequence = right.text_input("The consequence they will hold to")
        typed_account = ""
        if ACCOUNT in team_columns():
            typed_account = st.text_input(
                "Their sign-in e-mail, so they can write their own letter (optional)"
            )
        rehearsed = st.checkbox("Has rehearsed")
        if not st.form_submit_button("Add to the team"):
            return
        if member_name.strip() in {member.name for member in case.team}:
            st.error(f"{member_name.strip()} is already on the team; add an initial.")
            return
        try:
            added = TeamMember(
                name=member_name.strip(),
                relationship=relationship.strip(),
                role=role.strip(),
                consequence=consequence.strip(),
                rehearsal_attended=rehearsed,
                account=account_of(typed_account, member_name.strip() or "this person", None),
            )
        except (CaseError, AccessError) as error:
            st.error(f"Not added: {error}")
        else:
            cases_ui.save_and_rerun(
                replace(case, team=(*case.team, added)), f"Added {added.name} to the team."
            )


# ---------------------------------------------------------------------------------- letters


def letters(case: Case) -> None:
    """Pick a team member, edit their letter, and show what the review found.

    The lead edits every letter; a member only the letters linked to their sign-in e-mail
    (the others are listed with their status; their text was never loaded); a viewer none.
    """
    st.header("Letters")
    st.caption(
        "Each member writes a short letter: a specific time their use hurt or scared you, your "
        "love and concern, and the hope they accept help today. No blame."
    )
    if not case.team:
        st.info("Add team members above to draft their letters.")
        return
    editable = writable_letters(case)
    others = [member for member in case.team if member not in editable]
    if others and not cases_ui.may("see_others_letters"):
        st.caption(
            "Only the lead reads the other letters: "
            + "; ".join(
                f"{md_escape(m.name)} — {plan_view.LETTER_LABELS[m.letter_status]}" for m in others
            )
        )
    if not editable:
        if not cases_ui.may("write_own_letter"):
            st.info("As a viewer you see where the letters stand, not their text.")
        else:
            st.info("No letter is linked to your sign-in yet; ask the lead to add your e-mail.")
        return
    member_names = [member.name for member in editable]
    last_writer = st.session_state.get("last_letter_writer")
    writer = st.selectbox(
        "Letter of",
        member_names,
        index=member_names.index(last_writer) if last_writer in member_names else 0,
        key=cases_ui.key(case, "letter_writer"),
    )
    member = editable[member_names.index(writer)]
    letter_form(case, member)
    letter_review(member, chosen_letter_language(case, member.name))


def writable_letters(case: Case) -> list[TeamMember]:
    """Return the team entries whose letter the signed-in person may write."""
    if cases_ui.may("see_others_letters"):
        return list(case.team)
    if not cases_ui.may("write_own_letter"):
        return []
    own = ui.workspace().actor.email.strip().lower()
    return [member for member in case.team if member.account.strip().lower() == own]


def letter_form(case: Case, member: TeamMember) -> None:
    """Save the member's letter; mark it ready only once its saved text was reviewed."""
    writer = member.name
    with st.form(cases_ui.key(case, f"letter_form_{writer}")):
        letter = st.text_area("Letter", value=member.letter, height=220)
        language = letter_language_choice(case, writer)
        reviewed = st.checkbox(
            "I have read the review and the letter is ready",
            value=member.letter_status == "reviewed",
        )
        keep = st.checkbox(
            "Keep as written: I read what the review flagged and choose these words",
            value=member.keep_as_written,
        )
        if not st.form_submit_button("Review and save", type="primary"):
            return
        status, kept, message = letter_outcome(
            member, letter, reviewed=reviewed, keep=keep, language=language
        )
        st.session_state["last_letter_writer"] = writer  # stay on this letter after saving
        if not cases_ui.may("save"):
            # A member saves their own letter only; the lead's plan is not theirs to overwrite.
            cases_ui.save_own_letter_and_rerun(
                writer, letter=letter, status=status, keep=kept, message=message
            )
            return
        updated_team = tuple(
            replace(m, letter=letter, letter_status=status, keep_as_written=kept)
            if m.name == writer
            else m
            for m in case.team
        )
        cases_ui.save_and_rerun(replace(case, team=updated_team), message)


def letter_language_choice(case: Case, writer: str) -> str:
    """Ask which language the letter is in (detected unless chosen); remembered per writer."""
    key = cases_ui.key(case, f"letter_language_{writer}")
    return str(
        st.radio(
            "Letter language",
            options=list(LANGUAGES),
            format_func=LANGUAGES.__getitem__,
            horizontal=True,
            key=key,
            help="The review reads English and Spanish. Detect reads both and tells you which it "
            "found; choose one if the letter mixes them.",
        )
    )


def chosen_letter_language(case: Case, writer: str) -> str:
    """Return the language chosen on the writer's letter form ("auto" when none was chosen)."""
    return str(st.session_state.get(cases_ui.key(case, f"letter_language_{writer}"), "auto"))


def letter_outcome(
    member: TeamMember, letter: str, *, reviewed: bool, keep: bool, language: str = "auto"
) -> tuple[LetterStatus, bool, str]:
    """Return the letter's new status, its keep-as-written flag and what to tell the author.

    A changed letter is reviewed again before it can be marked ready; a letter the review
    flags is ready only when its author explicitly keeps it as written.
    """
    writer = member.name
    if not letter.strip():
        return "not_started", False, f"Cleared {writer}'s letter."
    if not reviewed or letter != member.letter:
        return (
            "drafted",
            False,
            f"Saved {writer}'s letter. Read the review below, then tick the box and save again "
            "to mark it ready.",
        )
    findings = review_letter(letter, language).findings
    if findings and not keep:
        count = count_of(len(findings), "passage")
        return (
            "drafted",
            False,
            f"Not marked ready: the review flags {count} of {writer}'s letter. Change them, or "
            "tick 'Keep as written' to keep the words as they are.",
        )
    return "reviewed", bool(findings), f"{writer}'s letter is ready."


def letter_review(member: TeamMember, language: str = "auto") -> None:
    """Show what the review found in the saved letter (one warning a sentence), and its rules."""
    review = review_letter(member.letter, language)
    if member.letter.strip():
        st.caption(f"Reviewed as {LANGUAGES[review.language]}.")
        if review.ok:
            st.success("The review found nothing to change.", icon=":material/favorite:")
        for finding in review.findings:
            st.warning(finding_text(finding))
        for missing in review.missing:
            st.info(missing)
    with st.expander("What the review checks"):
        st.dataframe(pd.DataFrame(rules_table(review.language)), hide_index=True, width="stretch")


def finding_text(finding: Finding) -> str:
    """Return one sentence's warning: its kinds, the sentence, the words that triggered it."""
    also = [kind for kind in finding.kinds if kind != finding.kind]
    kinds = finding.kind.title() + (f" (also {', '.join(also)})" if also else "")
    words = ", ".join(f"“{md_escape(word)}”" for word in finding.words)
    return (
        f"**{kinds}:** “{md_escape(finding.excerpt)}” — **because of** {words}. {finding.why} "
        f"**Try:** {md_escape(finding.suggestion)}"
    )


# ------------------------------------------------------------------------------- logistics


def getting_there(case: Case) -> None:
    """Ask for transport, escort, the packed bag, naloxone and the aftercare plan."""
    st.header("Getting there and after")
    logistics = case.logistics
    with st.form(cases_ui.key(case, "logistics_form")):
        left, right = st.columns(2)
        transport = left.text_input(
            "Transport to the facility", value=logistics.transport, placeholder="e.g. Uncle drives"
        )
        escort = right.text_input("Escort", value=logistics.escort)
        bag = st.checkbox(
            "Bag packed (ID, insurance card, medication list, clothes)", value=logistics.bag_packed
        )
        naloxone = st.checkbox("Naloxone (Narcan) on hand", value=logistics.naloxone_on_hand)
        st.caption(NALOXONE_GUIDANCE)
        aftercare = st.text_area(
            "Aftercare plan (MOUD continuation, step-down care, family support)",
            value=logistics.aftercare_plan,
        )
        if st.form_submit_button("Save", type="primary", key=cases_ui.key(case, "save_logistics")):
            updated = replace(
                case,
                logistics=Logistics(
                    transport=transport.strip(),
                    escort=escort.strip(),
                    bag_packed=bag,
                    naloxone_on_hand=naloxone,
                    aftercare_plan=aftercare.strip(),
                    average_speed_mph=logistics.average_speed_mph,
                    travel_minutes_override=logistics.travel_minutes_override,
                ),
            )
            cases_ui.save_and_rerun(updated, "Saved transport and aftercare.")


main()
