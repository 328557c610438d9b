"""Sign-in, organisations, invitations and the team of a case."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from access_team import EMAILS, Team, build_team, team_plan
from case_factory import NOW
from sqlalchemy import select

from matching.errors import AccessError, CaseError, StoreError
from matching.records.audit import trail
from matching.records.cases import create_case
from matching.records.members import (
    invite,
    list_invitations,
    list_members,
    remove_member,
    revoke_invitation,
    role_in_case,
    set_member_role,
)
from matching.records.store import cases, users
from matching.records.team import LOCAL, list_org_members, org_of, sign_in


@pytest.fixture
def engine(db_engine):
    """Run this file's tests on SQLite and on a real PostgreSQL (conftest's db_engine)."""
    return db_engine


@pytest.fixture
def team(engine) -> Team:
    return build_team(engine)


@pytest.mark.parametrize("email", ["", "local", "LOCAL", "bob", "bob@", "@a.org", "a b@c.org"])
def test_sign_in_refuses_what_is_not_an_address(engine, email: str) -> None:
    with pytest.raises(AccessError, match="not an e-mail address"):
        sign_in(engine, email=email)


def test_sign_in_lower_cases_and_finds_the_same_person_again(engine) -> None:
    first = sign_in(engine, email="  Dana@Example.ORG ", display_name="Dana", now=NOW)
    later = NOW + timedelta(days=1)
    again = sign_in(engine, email="dana@example.org", now=later)
    assert (first.email, first.user_id, first.org_id) == ("dana@example.org",) + (
        again.user_id,
        again.org_id,
    )
    with engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.id == first.user_id)).one()
    assert (row.display_name, row.last_seen_at) == ("Dana", later.replace(tzinfo=None))


def test_a_person_with_no_organization_gets_their_own_as_admin(engine) -> None:
    dana = sign_in(engine, email="dana@example.org", display_name="Dana")
    assert org_of(engine, actor=dana) == (dana.org_id, "Dana's organisation")
    assert dana.org_id != LOCAL.org_id
    members = list_org_members(engine, actor=dana)
    assert [(m.email, m.org_role) for m in members] == [("dana@example.org", "admin")]


def test_an_invitation_is_accepted_at_sign_in(engine, team: Team) -> None:
    lead = team.actors["lead"]
    invite(engine, team.case_id, email="New@A.org", role="viewer", actor=lead, now=NOW)
    (pending,) = [i for i in list_invitations(engine, team.case_id, actor=lead) if i.pending]
    assert (pending.email, pending.role) == ("new@a.org", "viewer")
    newcomer = sign_in(engine, email="new@a.org", now=NOW)
    assert role_in_case(engine, team.case_id, actor=newcomer) == "viewer"
    assert not any(i.pending for i in list_invitations(engine, team.case_id, actor=lead))
    assert "joined by invitation" in [e.action for e in trail(engine, team.case_id, actor=lead)]
    # Not a colleague: they got an organisation of their own, not the lead's.
    assert newcomer.org_id != lead.org_id


def test_a_colleague_invited_with_join_org_shares_the_organization(engine, team: Team) -> None:
    lead, colleague = team.actors["lead"], team.actors["same_org"]
    assert colleague.org_id == lead.org_id
    staff = {m.email: m.org_role for m in list_org_members(engine, actor=lead)}
    assert staff == {EMAILS["lead"]: "admin", EMAILS["same_org"]: "staff"}
    # Claiming another organisation's id gets nothing: membership is checked, not trusted.
    outsider = replace(team.actors["other_org"], org_id=lead.org_id)
    with pytest.raises(AccessError):
        list_org_members(engine, actor=outsider)


def test_the_team_lists_leads_first(engine, team: Team) -> None:
    members = list_members(engine, team.case_id, actor=team.actors["lead"])
    assert [(m.email, m.role) for m in members] == [
        (EMAILS["lead"], "lead"),
        (EMAILS["member"], "member"),
        (EMAILS["viewer"], "viewer"),
    ]


def test_invite_checks_the_address_the_role_and_duplicates(engine, team: Team) -> None:
    lead = team.actors["lead"]
    with pytest.raises(AccessError, match="not an e-mail address"):
        invite(engine, team.case_id, email="uncle bob", role="member", actor=lead)
    with pytest.raises(CaseError, match="not a case role"):
        invite(engine, team.case_id, email="bob@a.org", role="owner", actor=lead)
    invite(engine, team.case_id, email="bob@a.org", role="member", actor=lead)
    with pytest.raises(StoreError, match="already has a pending invitation"):
        invite(engine, team.case_id, email="BOB@a.org", role="viewer", actor=lead)
    with pytest.raises(StoreError, match="already on this case's team"):
        invite(engine, team.case_id, email=EMAILS["member"], role="viewer", actor=lead)
    assert len(list_invitations(engine, team.case_id, actor=lead)) == 3


def test_a_removed_member_can_be_invited_again(engine, team: Team) -> None:
    lead, member = team.actors["lead"], team.actors["member"]
    remove_member(engine, team.case_id, member.user_id, actor=lead)
    invite(engine, team.case_id, email=EMAILS["member"], role="viewer", actor=lead)
    sign_in(engine, email=EMAILS["member"])
    assert role_in_case(engine, team.case_id, actor=member) == "viewer"


def test_a_revoked_invitation_is_not_accepted(engine, team: Team) -> None:
    lead = team.actors["lead"]
    invitation = invite(engine, team.case_id, email="gone@a.org", role="member", actor=lead)
    revoke_invitation(engine, invitation.id, actor=lead)
    gone = sign_in(engine, email="gone@a.org")
    with pytest.raises(AccessError):
        role_in_case(engine, team.case_id, actor=gone)
    accepted = next(i for i in list_invitations(engine, team.case_id, actor=lead) if not i.pending)
    with pytest.raises(StoreError, match="already accepted"):
        revoke_invitation(engine, accepted.id, actor=lead)


def test_the_last_lead_can_neither_leave_nor_be_demoted(engine, team: Team) -> None:
    lead, member = team.actors["lead"], team.actors["member"]
    with pytest.raises(StoreError, match="only lead"):
        remove_member(engine, team.case_id, lead.user_id, actor=lead)
    with pytest.raises(StoreError, match="only lead"):
        set_member_role(engine, team.case_id, lead.user_id, "member", actor=lead)
    set_member_role(engine, team.case_id, member.user_id, "lead", actor=lead)
    remove_member(engine, team.case_id, lead.user_id, actor=member)
    assert [m.email for m in list_members(engine, team.case_id, actor=member)] == [
        EMAILS["member"],
        EMAILS["viewer"],
    ]
    with pytest.raises(AccessError):
        role_in_case(engine, team.case_id, actor=lead)


def test_changing_the_role_of_someone_not_on_the_team_says_so(engine, team: Team) -> None:
    lead = team.actors["lead"]
    outsider = team.actors["other_org"]
    with pytest.raises(StoreError, match="not on the team"):
        set_member_role(engine, team.case_id, outsider.user_id, "viewer", actor=lead)
    with pytest.raises(CaseError, match="not a case role"):
        set_member_role(engine, team.case_id, team.actors["viewer"].user_id, "boss", actor=lead)


def test_a_new_case_is_in_the_creators_organization_and_led_by_them(engine) -> None:
    dana = sign_in(engine, email="dana@example.org")
    case = create_case(engine, team_plan(), actor=dana)
    assert case.id is not None
    assert role_in_case(engine, case.id, actor=dana) == "lead"
    with engine.connect() as connection:
        org = connection.execute(select(cases.c.org_id).where(cases.c.id == case.id)).scalar()
    assert org == dana.org_id
