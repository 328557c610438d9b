"""Team: who works on the active case, with which role, invitations, and the change history.

On a team server the lead manages the case's people here: changes roles, removes members (the
data layer never lets the last lead go), invites by e-mail, revokes pending invitations and
reads the audit trail. A member or viewer sees their own role. In local mode there is one
person and no team to manage: the page says how team mode works instead.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from app_pages import cases_ui, team_ui, ui
from matching.case.permissions import CASE_ROLES, CaseRole
from matching.errors import StoreError
from matching.records.members import Member
from matching.records.team import ORG_ROLES, OrgMember
from matching.records.workspace import Workspace
from matching.render.safe_text import md_escape

ROLE_LABELS: dict[CaseRole, str] = {
    "lead": "Lead — everything, including insurance, the team and the change history",
    "member": "Member — reads the plan, writes their own letter, sees the placement status",
    "viewer": "Viewer — reads the plan and the placement status, no letters",
}
SHORT_LABELS: dict[CaseRole, str] = {"lead": "Lead", "member": "Member", "viewer": "Viewer"}


def main() -> None:
    """Draw the team of the active case (team mode) or explain team mode (local mode)."""
    st.title("Team")
    if team_ui.mode() == "local":
        local_explanation()
        return
    case = cases_ui.require_case()
    if not cases_ui.may("manage_members"):
        st.info(
            f"You are a **{SHORT_LABELS[cases_ui.role()]}** of this case: "
            f"{ROLE_LABELS[cases_ui.role()].split(' — ', 1)[1]}. The lead manages the team.",
            icon=":material/badge:",
        )
        organization(ui.workspace())
        return
    assert case.id is not None  # a stored case
    workspace = ui.workspace()
    members(case.id, workspace)
    invitations(case.id, workspace)
    trail(case.id, workspace)
    organization(workspace)


def local_explanation() -> None:
    """Say that this copy is single-person and how a team server works."""
    st.info(
        "ReadyBed runs on this computer for one person: nobody else can see your cases, so "
        "there is no one to invite.",
        icon=":material/person:",
    )
    st.markdown(
        "**Team mode** puts ReadyBed on a server with sign-in, so the family and the "
        "interventionist work on one case: the lead invites people by e-mail as *member* "
        "(sees the plan, writes their own letter, sees the placement status but not the "
        "insurance details) or *viewer*, and sees who changed what. Letters, safety answers "
        "and notes are stored encrypted. How to set it up: `deploy/README.md`."
    )


def _done(message: str) -> None:
    """Show ``message`` after the rerun that redraws the team as it is now."""
    st.session_state["case_flash"] = message
    st.rerun()


# ------------------------------------------------------------------------------- members


def members(case_id: int, workspace: Workspace) -> None:
    """List the team with each role; the lead changes a role or removes someone."""
    st.header("People on this case")
    problem = st.session_state.pop("team_problem", "")
    if problem:
        st.error(problem)
    for member in workspace.members.list_members(case_id):
        shown = md_escape(member.display_name or member.email)
        you = " (you)" if member.user_id == workspace.actor.user_id else ""
        role_key = f"member_role_{case_id}_{member.user_id}"
        with st.container(border=True):
            st.markdown(f"**{shown}**{you} · {md_escape(member.email)}")
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            # Callbacks run before the next run draws the page, so a refused change can put
            # the selectbox back to the role the person really has.
            left.selectbox(
                "Role",
                CASE_ROLES,
                index=CASE_ROLES.index(member.role),
                format_func=SHORT_LABELS.__getitem__,
                key=role_key,
                on_change=change_role,
                args=(case_id, member, role_key, workspace),
            )
            right.button(
                "Remove",
                key=f"remove_member_{case_id}_{member.user_id}",
                on_click=remove,
                args=(case_id, member, workspace),
            )
    st.caption(
        "Roles: " + " · ".join(ROLE_LABELS.values()) + ". A removed person loses the case the "
        "next time their page loads."
    )


def change_role(case_id: int, member: Member, role_key: str, workspace: Workspace) -> None:
    """Give ``member`` the role picked; the data layer refuses to leave the case without a lead."""
    role: CaseRole = st.session_state[role_key]
    try:
        workspace.members.set_member_role(case_id, member.user_id, role)
    except StoreError as error:
        st.session_state[role_key] = member.role
        st.session_state["team_problem"] = f"Not changed: {error}"
        return
    st.session_state["case_flash"] = f"{member.email} is now {SHORT_LABELS[role].lower()}."


def remove(case_id: int, member: Member, workspace: Workspace) -> None:
    """Take ``member`` off the case (not the last lead)."""
    try:
        workspace.members.remove_member(case_id, member.user_id)
    except StoreError as error:
        st.session_state["team_problem"] = f"Not removed: {error}"
        return
    st.session_state["case_flash"] = f"Removed {member.email} from this case."


# --------------------------------------------------------------------------- invitations


def invitations(case_id: int, workspace: Workspace) -> None:
    """Invite someone by e-mail with a role; list the pending invitations with a revoke."""
    st.header("Invite someone")
    with st.form(f"invite_form_{case_id}", clear_on_submit=True):
        left, right = st.columns([3, 2])
        email = left.text_input("Their e-mail (the one they sign in with)", key="invite_email")
        role = right.selectbox(
            "Role",
            ("member", "viewer", "lead"),
            format_func=SHORT_LABELS.__getitem__,
            key="invite_role",
        )
        # Only an admin of the organisation grants membership of it (the data layer refuses
        # anyone else too); a family member made lead invites to the case alone.
        join_org = workspace.members.may_grant_org(case_id) and st.checkbox(
            "Also join my organisation (a colleague: shares the facility directory, call "
            "reports and shortlists)"
        )
        if st.form_submit_button("Invite", type="primary", icon=":material/person_add:"):
            try:
                invited = workspace.members.invite(
                    case_id, email=email, role=role, join_org=join_org, now=ui.now()
                )
            except StoreError as error:
                st.error(f"Not invited: {error}")
            else:
                _done(
                    f"Invited {invited.email} as {role}: the case appears when they sign in "
                    "with that address. ReadyBed sends no e-mail; tell them yourself."
                )
    pending = [
        each for each in workspace.members.list_invitations(case_id) if each.accepted_at is None
    ]
    if not pending:
        st.caption("No pending invitations.")
        return
    st.subheader("Pending invitations")
    for invitation in pending:
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.markdown(
            f"{md_escape(invitation.email)} — {SHORT_LABELS[invitation.role]}"
            + (" · joins the organisation" if invitation.join_org else "")
        )
        if right.button("Revoke", key=f"revoke_{invitation.id}"):
            try:
                workspace.members.revoke_invitation(invitation.id)
            except StoreError as error:
                st.error(f"Not revoked: {error}")
            else:
                _done(f"Revoked the invitation of {invitation.email}.")


# ------------------------------------------------------------------------------ the trail


def trail(case_id: int, workspace: Workspace) -> None:
    """Show who changed what in this case and when (which parts, never the typed text)."""
    st.header("Change history")
    entries = workspace.audit.trail(case_id)
    if not entries:
        st.caption("No changes recorded yet.")
        return
    zone = ui.browser_timezone()
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "When": entry.at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M"),
                    "Who": entry.actor_email,
                    "What": entry.action,
                    "Changed": entry.detail,
                }
                for entry in entries
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(f"Times in {zone}. Only the lead sees this history; it cannot be edited.")


# ------------------------------------------------------------------------ the organisation


def organization(workspace: Workspace) -> None:
    """An admin lists the organisation's people, changes who is admin and removes people."""
    if not workspace.team.is_org_admin():
        return
    _org_id, name = workspace.team.org_of()
    st.header("Your organisation")
    st.caption(
        f"The people of {md_escape(name)} share its facility directory, call reports and "
        "shortlists. Only an admin adds people (the invitation's checkbox), changes who is "
        "admin, removes people, clears the call log or deletes shortlists and directories; "
        "the organisation always keeps one admin."
    )
    problem = st.session_state.pop("org_problem", "")
    if problem:
        st.error(problem)
    for person in workspace.team.list_org_members():
        you = " (you)" if person.user_id == workspace.actor.user_id else ""
        role_key = f"org_role_{person.user_id}"
        with st.container(border=True):
            st.markdown(f"**{md_escape(person.display_name or person.email)}**{you}")
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            left.selectbox(
                "Organisation role",
                ORG_ROLES,
                index=ORG_ROLES.index(person.org_role),
                format_func=str.capitalize,
                key=role_key,
                on_change=change_org_role,
                args=(person, role_key, workspace),
            )
            right.button(
                "Remove from organisation",
                key=f"remove_org_member_{person.user_id}",
                on_click=remove_from_org,
                args=(person, workspace),
            )


def change_org_role(person: OrgMember, role_key: str, workspace: Workspace) -> None:
    """Make ``person`` admin or staff; the data layer keeps at least one admin."""
    role = st.session_state[role_key]
    try:
        workspace.team.set_org_role(person.user_id, role)
    except StoreError as error:
        st.session_state[role_key] = person.org_role
        st.session_state["org_problem"] = f"Not changed: {error}"
        return
    st.session_state["case_flash"] = f"{person.email} is now {role} of the organisation."


def remove_from_org(person: OrgMember, workspace: Workspace) -> None:
    """Take ``person`` out of the organisation (never its last admin)."""
    try:
        workspace.team.remove_org_member(person.user_id)
    except StoreError as error:
        st.session_state["org_problem"] = f"Not removed: {error}"
        return
    st.session_state["case_flash"] = f"Removed {person.email} from the organisation."


main()
