"""Organisation membership is the organisation's to grant (issue 19, point 1), tried as an
attacker who is already a member would, on a real PostgreSQL.

The practice's admin (Pat) runs a case with a family member made second lead (Fran); an
outsider (Olly) is who Fran would like to pull into the practice.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from case_factory import NOW, ready_case

from matching.errors import AccessError, StoreError
from matching.records import audit, calllog, library, shortlist
from matching.records.calllog import CallReport
from matching.records.cases import create_case
from matching.records.members import invite
from matching.records.store import open_engine
from matching.records.team import (
    list_org_members,
    remove_org_member,
    set_org_role,
    sign_in,
)

PRACTICE = "pat@practice.org"
FAMILY = "fran@family.example"
OUTSIDER = "olly@elsewhere.example"
COLLEAGUE = "cole@practice.org"


@pytest.fixture
def engine(team_db_url: str):
    opened = open_engine(team_db_url)
    yield opened
    opened.dispose()


@pytest.fixture
def practice(engine):
    """Pat (admin of the practice) with a case whose second lead is Fran, of the family."""
    pat = sign_in(engine, email=PRACTICE, now=NOW)
    case = create_case(engine, ready_case(), actor=pat, now=NOW)
    assert case.id is not None
    invite(engine, case.id, email=FAMILY, role="lead", actor=pat, now=NOW)
    fran = sign_in(engine, email=FAMILY, now=NOW)
    return pat, fran, case.id


def _emails(engine, actor) -> list[str]:
    return [member.email for member in list_org_members(engine, actor=actor)]


def test_a_family_lead_cannot_pull_an_outsider_into_the_practice(engine, practice) -> None:
    pat, fran, case_id = practice
    with pytest.raises(AccessError, match="Only an admin of this case's organisation"):
        invite(engine, case_id, email=OUTSIDER, role="viewer", join_org=True, actor=fran)
    invite(engine, case_id, email=OUTSIDER, role="viewer", actor=fran)  # the case alone: fine
    olly = sign_in(engine, email=OUTSIDER, now=NOW)
    assert olly.org_id != pat.org_id
    assert OUTSIDER not in _emails(engine, pat)


def test_an_invitation_made_by_an_admin_since_demoted_joins_the_case_alone(engine) -> None:
    pat = sign_in(engine, email=PRACTICE, now=NOW)
    cole = sign_in(engine, email=COLLEAGUE, now=NOW)
    case = create_case(engine, ready_case(), actor=pat, now=NOW)
    assert case.id is not None
    # Cole joins the practice as staff, is made admin, invites Olly "to the organisation".
    invite(engine, case.id, email=COLLEAGUE, role="lead", join_org=True, actor=pat)
    cole = sign_in(engine, email=COLLEAGUE, now=NOW + timedelta(days=1))
    assert cole.org_id == pat.org_id  # signed in before, yet now works in the practice
    set_org_role(engine, cole.user_id, "admin", actor=pat)
    invite(engine, case.id, email=OUTSIDER, role="viewer", join_org=True, actor=cole)
    set_org_role(engine, cole.user_id, "staff", actor=pat)  # then Pat demotes Cole
    olly = sign_in(engine, email=OUTSIDER, now=NOW)
    assert olly.org_id != pat.org_id
    assert OUTSIDER not in _emails(engine, pat)


def test_staff_cannot_manage_the_organization_and_the_last_admin_stays(engine) -> None:
    pat = sign_in(engine, email=PRACTICE, now=NOW)
    case = create_case(engine, ready_case(), actor=pat, now=NOW)
    assert case.id is not None
    invite(engine, case.id, email=COLLEAGUE, role="member", join_org=True, actor=pat)
    cole = sign_in(engine, email=COLLEAGUE, now=NOW)
    with pytest.raises(AccessError, match="Only an admin"):
        set_org_role(engine, cole.user_id, "admin", actor=cole)  # promote oneself
    with pytest.raises(AccessError, match="Only an admin"):
        remove_org_member(engine, pat.user_id, actor=cole)
    with pytest.raises(StoreError, match="only admin"):
        set_org_role(engine, pat.user_id, "staff", actor=pat)
    with pytest.raises(StoreError, match="only admin"):
        remove_org_member(engine, pat.user_id, actor=pat)
    remove_org_member(engine, cole.user_id, actor=pat)
    cole = sign_in(engine, email=COLLEAGUE, now=NOW)
    assert cole.org_id != pat.org_id  # out of the practice: its log and shortlists are gone
    assert [entry.action for entry in _org_trail(engine, pat.org_id)][:1] == [
        "organisation member removed"
    ]


def _org_trail(engine, org_id: int):
    with engine.connect() as connection:
        return audit.org_trail(connection, org_id)


def test_organization_wide_deletions_need_an_admin_and_are_logged(engine) -> None:
    pat = sign_in(engine, email=PRACTICE, now=NOW)
    case = create_case(engine, ready_case(), actor=pat, now=NOW)
    assert case.id is not None
    invite(engine, case.id, email=COLLEAGUE, role="member", join_org=True, actor=pat)
    cole = sign_in(engine, email=COLLEAGUE, now=NOW)
    calllog.log_call(
        engine,
        CallReport(facility_id="F1", availability_status="openings", note="Intake said yes"),
        actor=cole,
    )
    kept = shortlist.create_shortlist(engine, "Practice list", actor=pat)
    with pytest.raises(AccessError, match="Only an admin"):
        calllog.clear_call_log(engine, actor=cole)
    with pytest.raises(AccessError, match="Only an admin"):
        shortlist.delete_shortlist(engine, kept.id, actor=cole)
    assert len(calllog.call_history(engine, actor=pat)) == 1
    assert [each.id for each in shortlist.list_shortlists(engine, actor=pat)] == [kept.id]
    assert calllog.clear_call_log(engine, actor=pat) == 1
    shortlist.delete_shortlist(engine, kept.id, actor=pat)
    actions = [entry.action for entry in _org_trail(engine, pat.org_id)]
    assert actions[:2] == ["shortlist deleted", "call log cleared"]
    assert all(entry.actor_email == PRACTICE for entry in _org_trail(engine, pat.org_id)[:2])


def test_staff_cannot_delete_an_imported_directory(engine, tmp_path) -> None:
    pat = sign_in(engine, email=PRACTICE, now=NOW)
    case = create_case(engine, ready_case(), actor=pat, now=NOW)
    assert case.id is not None
    invite(engine, case.id, email=COLLEAGUE, role="member", join_org=True, actor=pat)
    cole = sign_in(engine, email=COLLEAGUE, now=NOW)
    from matching import load_demo_directory

    entry = library.save_import(
        engine,
        load_demo_directory(now=NOW).head(5),
        name="Practice import",
        format="generic-csv",
        actor=cole,
    )
    with pytest.raises(AccessError, match="Only an admin"):
        library.delete_directory(engine, entry.key, actor=cole)
    library.delete_directory(engine, entry.key, actor=pat)
    assert _org_trail(engine, pat.org_id)[0].action == "directory deleted"
