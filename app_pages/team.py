"""Team: who works on the active case, with which role, invitations, and the change history.

In local mode there is one person and no team to manage: the page says how team mode works.
"""

from __future__ import annotations

import streamlit as st

from app_pages import cases_ui, team_ui


def main() -> None:
    """Draw the team of the active case (team mode) or explain team mode (local mode)."""
    st.title("Team")
    if team_ui.mode() == "local":
        local_explanation()
        return
    cases_ui.require_case()


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


main()
