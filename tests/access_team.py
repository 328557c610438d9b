"""Build a team case for the access tests (a helper module, not a test file).

Organisation A: a lead who created the case, a member and a viewer invited to it, and a
colleague who joined organisation A through another case but is not on this one. Organisation
B: an outsider. Every one of them has a team entry linked to their e-mail, so "their own
letter" exists for each; only the entry's author and role decide what they may do with it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from case_factory import NOW, ready_case

from matching.case import Case, TeamMember
from matching.records.cases import create_case
from matching.records.members import invite
from matching.records.team import Actor, sign_in

LETTERS = {
    "lead": "Lead's letter: I remember your laugh at the lake.",
    "member": "Member's letter: you taught me to ride a bike.",
    "viewer": "Viewer's letter: I am scared every night.",
    "same_org": "Colleague's letter.",
    "other_org": "Outsider's letter.",
}
EMAILS = {
    "lead": "lead@a.org",
    "member": "member@a.org",
    "viewer": "viewer@a.org",
    "same_org": "colleague@a.org",
    "other_org": "outsider@b.org",
}
PEOPLE = tuple(EMAILS)


@dataclass(frozen=True, kw_only=True, slots=True)
class Team:
    """The people, the case and its stored version."""

    actors: dict[str, Actor]
    case: Case
    other_case: Case

    @property
    def case_id(self) -> int:
        """The stored case's id (a stored case always has one)."""
        assert self.case.id is not None
        return self.case.id

    @property
    def other_case_id(self) -> int:
        """The other organisation's stored case's id."""
        assert self.other_case.id is not None
        return self.other_case.id


def team_plan() -> Case:
    """Return the ready case with one team entry per person, each linked to their e-mail."""
    entries = tuple(
        TeamMember(
            name=f"Entry-{who}",
            relationship="sibling",
            letter=LETTERS[who],
            letter_status="drafted",
            account=EMAILS[who],
        )
        for who in PEOPLE
    )
    return replace(ready_case(), title="Family A", team=entries)


def build_team(engine) -> Team:
    """Sign everyone in and create the case as described in the module docstring."""
    lead = sign_in(engine, email=EMAILS["lead"], display_name="Pat", now=NOW)
    case = create_case(engine, team_plan(), actor=lead, now=NOW)
    other = create_case(engine, replace(ready_case(), title="Family C"), actor=lead, now=NOW)
    assert case.id is not None
    invite(engine, case.id, email=EMAILS["member"], role="member", actor=lead, now=NOW)
    assert case.id is not None
    invite(engine, case.id, email=EMAILS["viewer"], role="viewer", actor=lead, now=NOW)
    assert other.id is not None
    invite(engine, other.id, email=EMAILS["same_org"], role="member", join_org=True, actor=lead)
    actors = {"lead": lead}
    for who in ("member", "viewer", "same_org", "other_org"):
        actors[who] = sign_in(engine, email=EMAILS[who], now=NOW)
    return Team(actors=actors, case=case, other_case=other)
