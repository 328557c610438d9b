"""The membership matrix: every role (and non-members of both organisations) x every action.

Each cell either does what was asked or is refused, and the refusal is asserted as itself: an
AccessError with the sentence of that refusal (not a member; a role that may not; someone
else's letter), or, for the case list only, the case left out. A function that returns
nothing (an empty audit trail, a False) instead of refusing fails its cell. The expected
cells are written here independently of matching.case.permissions.PERMISSIONS, so a wrong
permission table fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from access_team import EMAILS, LETTERS, PEOPLE, Team, build_team
from case_factory import NOW

from matching.case import Case, case_to_json
from matching.errors import AccessError
from matching.records.audit import trail
from matching.records.cases import (
    count_cases,
    delete_case,
    import_case,
    list_cases,
    load_case,
    save_case,
)
from matching.records.members import (
    invite,
    list_invitations,
    list_members,
    remove_member,
    revoke_invitation,
    role_in_case,
    save_own_letter,
    set_member_role,
)
from matching.records.team import LOCAL


@pytest.fixture
def engine(db_engine):
    """Run this file's tests on SQLite and on a real PostgreSQL (conftest's db_engine)."""
    return db_engine


def _user_id(engine, team: Team, who: str) -> int:
    return team.actors[who].user_id


def _own_letter(engine, team: Team, who: str, owner: str) -> bool:
    saved = save_own_letter(
        engine,
        team.case_id,
        member_name=f"Entry-{owner}",
        letter="A new draft.",
        letter_status="reviewed",
        keep_as_written=False,
        actor=team.actors[who],
    )
    own = next(entry for entry in saved.team if entry.name == f"Entry-{owner}")
    return (saved.version, own.letter) == (team.case.version + 1, "A new draft.")


def _stored_id(case: Case) -> int:
    """Return a stored case's id (stored cases always have one)."""
    assert case.id is not None
    return case.id


def _returns_nothing(action: Callable[[], None]) -> bool:
    """Run an action that returns nothing when allowed; reaching the end means it was allowed."""
    action()
    return True


def _pending(engine, team: Team) -> int:
    lead = team.actors["lead"]
    return invite(engine, team.case_id, email="later@a.org", role="viewer", actor=lead).id


Act = Callable[..., object]

ACTIONS: dict[str, Act] = {
    "load": lambda engine, team, who: (
        load_case(engine, team.case_id, actor=team.actors[who]).id == team.case_id
    ),
    "list": lambda engine, team, who: (
        team.case_id in {summary.id for summary in list_cases(engine, actor=team.actors[who])}
    ),
    "role": lambda engine, team, who: (
        role_in_case(engine, team.case_id, actor=team.actors[who]) == who
    ),
    "save": lambda engine, team, who: (
        save_case(engine, replace(team.case, title="Renamed"), actor=team.actors[who]).version == 2
    ),
    "save_own_letter": lambda engine, team, who: _own_letter(engine, team, who, who),
    "save_others_letter": lambda engine, team, who: _own_letter(
        engine, team, who, "member" if who != "member" else "viewer"
    ),
    "invite": lambda engine, team, who: (
        invite(
            engine, team.case_id, email="new@c.org", role="member", actor=team.actors[who]
        ).pending
    ),
    "list_members": lambda engine, team, who: (
        len(list_members(engine, team.case_id, actor=team.actors[who])) == 3
    ),
    "list_invitations": lambda engine, team, who: (
        len(list_invitations(engine, team.case_id, actor=team.actors[who])) == 2
    ),
    "set_role": lambda engine, team, who: _returns_nothing(
        lambda: set_member_role(
            engine,
            team.case_id,
            _user_id(engine, team, "viewer"),
            "member",
            actor=team.actors[who],
        )
    ),
    "remove_member": lambda engine, team, who: _returns_nothing(
        lambda: remove_member(
            engine, team.case_id, _user_id(engine, team, "viewer"), actor=team.actors[who]
        )
    ),
    "revoke_invitation": lambda engine, team, who: _returns_nothing(
        lambda: revoke_invitation(engine, _pending(engine, team), actor=team.actors[who])
    ),
    "audit_trail": lambda engine, team, who: (
        len(trail(engine, team.case_id, actor=team.actors[who])) > 0
    ),
    "delete": lambda engine, team, who: (
        delete_case(engine, team.case_id, actor=team.actors[who]) > 0
    ),
    "import": lambda engine, team, who: (
        role_in_case(
            engine,
            _stored_id(
                import_case(engine, case_to_json(team.case, now=NOW), actor=team.actors[who])
            ),
            actor=team.actors[who],
        )
        == "lead"
    ),
}

# Who may do each action (written out by hand: this is the specification).
EXPECTED: dict[str, set[str]] = {
    "load": {"lead", "member", "viewer"},
    "list": {"lead", "member", "viewer"},
    "role": {"lead", "member", "viewer"},
    "save": {"lead"},
    "save_own_letter": {"lead", "member"},
    "save_others_letter": set(),
    "invite": {"lead"},
    "list_members": {"lead"},
    "list_invitations": {"lead"},
    "set_role": {"lead"},
    "remove_member": {"lead"},
    "revoke_invitation": {"lead"},
    "audit_trail": {"lead"},
    "delete": {"lead"},
    "import": set(PEOPLE),
}


@pytest.fixture
def team(engine) -> Team:
    return build_team(engine)


NOT_A_MEMBER = "refused: not a member"
BY_ROLE = "refused: not for this role"
NOT_THEIRS = "refused: not their letter"
LEFT_OUT = "refused: left out of the list"
NON_MEMBERS = {"same_org", "other_org"}


def _refusal(error: AccessError) -> str:
    """Name the refusal ``error`` is; fail on an AccessError that is none of them."""
    message = str(error)
    if "does not exist or you are not a member of it" in message or (
        "does not exist or is not to a case of yours" in message
    ):
        return NOT_A_MEMBER
    if message.startswith("Only the lead") or message.startswith("Only the lead or member"):
        return BY_ROLE
    if message.startswith("You can save only your own letter"):
        return NOT_THEIRS
    raise AssertionError(f"an AccessError that is no known refusal: {message}")


def _expected(action: str, who: str) -> str:
    if who in EXPECTED[action]:
        return "allowed"
    if action == "list":
        return LEFT_OUT
    if who in NON_MEMBERS:
        return NOT_A_MEMBER
    if action == "save_others_letter" and who != "viewer":
        return NOT_THEIRS  # they may write letters, only not this one
    return BY_ROLE


def _outcome(engine, team: Team, action: str, who: str) -> str:
    if action == "revoke_invitation" and who != "lead":
        invitation_id = _pending(engine, team)
        try:
            revoke_invitation(engine, invitation_id, actor=team.actors[who])
        except AccessError as error:
            return _refusal(error)
        return "allowed"
    try:
        done = ACTIONS[action](engine, team, who)
    except AccessError as error:
        return _refusal(error)
    if action == "list" and done is False:
        return LEFT_OUT  # the case list refuses by leaving the case out, never by raising
    # Anything else that neither did it nor raised the refusal is a bug (an empty trail...).
    assert done is True, f"{action} by {who} neither did it nor refused: {done!r}"
    return "allowed"


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_membership_matrix(engine, team: Team, action: str, who: str) -> None:
    assert _outcome(engine, team, action, who) == _expected(action, who)


def test_each_person_counts_only_the_cases_they_are_on(engine, team: Team) -> None:
    counts = {who: count_cases(engine, actor=team.actors[who]) for who in PEOPLE}
    # The lead made both cases; the colleague is on the other one only.
    assert counts == {"lead": 2, "member": 1, "viewer": 1, "same_org": 1, "other_org": 0}
    assert count_cases(engine, actor=LOCAL) == 0  # the local person is on no team case


def test_the_matrix_covers_every_action_and_person() -> None:
    assert set(EXPECTED) == set(ACTIONS)
    assert set(EMAILS) == set(LETTERS) == set(PEOPLE)


# --- Another organisation's case, through every function that loads one -----------------


READERS: dict[str, Act] = {
    "load_case": lambda engine, case_id, actor: load_case(engine, case_id, actor=actor),
    "role_in_case": lambda engine, case_id, actor: role_in_case(engine, case_id, actor=actor),
    "list_members": lambda engine, case_id, actor: list_members(engine, case_id, actor=actor),
    "list_invitations": lambda engine, case_id, actor: list_invitations(
        engine, case_id, actor=actor
    ),
    "trail": lambda engine, case_id, actor: trail(engine, case_id, actor=actor),
    "save_own_letter": lambda engine, case_id, actor: save_own_letter(
        engine,
        case_id,
        member_name="Entry-other_org",
        letter="x",
        letter_status="drafted",
        keep_as_written=False,
        actor=actor,
    ),
    "save_case": lambda engine, case_id, actor: save_case(
        engine, replace(load_case(engine, case_id, actor=LOCAL), id=case_id), actor=actor
    ),
    "delete_case": lambda engine, case_id, actor: delete_case(engine, case_id, actor=actor),
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_another_organizations_case_cannot_be_read(engine, team: Team, reader: str) -> None:
    outsider = team.actors["other_org"]
    with pytest.raises(AccessError) as refused:
        READERS[reader](engine, team.case_id, outsider)
    with pytest.raises(AccessError) as missing:
        READERS[reader](engine, 999, outsider)
    # The same sentence for "not yours" and "does not exist": no probing for case ids.
    assert str(refused.value).replace(str(team.case_id), "N") == str(missing.value).replace(
        "999", "N"
    )
    assert LETTERS["lead"] not in str(refused.value)


def test_an_outsider_lists_and_counts_nothing_of_the_team(engine, team: Team) -> None:
    outsider = team.actors["other_org"]
    assert list_cases(engine, actor=outsider) == []
    assert count_cases(engine, actor=outsider) == 0
    own = import_case(engine, case_to_json(team.case, now=NOW), actor=outsider)
    assert [summary.id for summary in list_cases(engine, actor=outsider)] == [own.id]
    assert own.id is not None
    assert team.actors["lead"].user_id not in {
        member.user_id for member in list_members(engine, own.id, actor=outsider)
    }


def test_the_local_person_and_a_team_never_see_each_others_cases(engine, team: Team) -> None:
    local_case = import_case(engine, case_to_json(team.case, now=NOW), actor=LOCAL)
    assert [summary.id for summary in list_cases(engine, actor=LOCAL)] == [local_case.id]
    with pytest.raises(AccessError):
        load_case(engine, team.case_id, actor=LOCAL)
    with pytest.raises(AccessError):
        assert local_case.id is not None
        load_case(engine, local_case.id, actor=team.actors["lead"])
    assert local_case.id not in {s.id for s in list_cases(engine, actor=team.actors["lead"])}


def test_list_cases_says_the_role(engine, team: Team) -> None:
    roles = {s.id: s.role for s in list_cases(engine, actor=team.actors["viewer"])}
    assert roles == {team.case_id: "viewer"}
    colleague = {s.id: s.role for s in list_cases(engine, actor=team.actors["same_org"])}
    assert colleague == {team.other_case_id: "member"}


def test_an_empty_answer_is_not_taken_for_a_refusal(engine, team: Team, monkeypatch) -> None:
    """The mutant of issue 18: an audit trail that returns [] instead of refusing must fail."""
    import sys

    monkeypatch.setattr(sys.modules[__name__], "trail", lambda *_args, **_kwargs: [])
    with pytest.raises(AssertionError, match="neither did it nor refused"):
        _outcome(engine, team, "audit_trail", "member")
