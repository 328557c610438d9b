"""Team invariants under concurrency: a case never loses its last lead, an organisation its
last admin, however two people's changes interleave (PostgreSQL and SQLite).

Each person is a thread with its own engine (its own connection), as two people on a team
server are; a barrier lines them up so that their changes really overlap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from case_factory import NOW, ready_case
from sqlalchemy import func, select

from matching.errors import StoreError
from matching.records import members, team
from matching.records.cases import create_case
from matching.records.store import case_members, open_engine, org_members
from matching.records.team import Actor, sign_in

CASES = 20


def _together(url: str, moves: Sequence[Callable[..., None]]) -> list[str]:
    """Run each move with its own engine, all at the same moment; return "done" or "refused"."""
    barrier = threading.Barrier(len(moves))

    def run(move: Callable[..., None]) -> str:
        engine = open_engine(url)
        try:
            barrier.wait(timeout=60)
            move(engine)
            return "done"
        except StoreError:
            return "refused"
        finally:
            engine.dispose()

    with ThreadPoolExecutor(max_workers=len(moves)) as pool:
        return list(pool.map(run, moves))


def _two_leads(engine, number: int) -> tuple[int, Actor, Actor]:
    first = sign_in(engine, email=f"lead-a-{number}@example.org", now=NOW)
    case = create_case(engine, ready_case(), actor=first, now=NOW)
    assert case.id is not None
    members.invite(
        engine, case.id, email=f"lead-b-{number}@example.org", role="lead", actor=first, now=NOW
    )
    second = sign_in(engine, email=f"lead-b-{number}@example.org", now=NOW)
    return case.id, first, second


def _leads(engine, case_id: int) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count()).where(
                    case_members.c.case_id == case_id, case_members.c.role == "lead"
                )
            ).scalar_one()
        )


def test_two_leads_demoting_each_other_at_once_leave_a_lead(db_url: str) -> None:
    setup = open_engine(db_url)
    outcomes: list[str] = []
    built = [_two_leads(setup, number) for number in range(CASES)]
    for case_id, first, second in built:
        outcomes += _together(
            db_url,
            [
                lambda engine, c=case_id, a=first, b=second: members.set_member_role(
                    engine, c, b.user_id, "member", actor=a
                ),
                lambda engine, c=case_id, a=first, b=second: members.set_member_role(
                    engine, c, a.user_id, "viewer", actor=b
                ),
            ],
        )
    leads = [_leads(setup, case_id) for case_id, _first, _second in built]
    setup.dispose()
    assert min(leads) >= 1, f"cases left without a lead: {leads.count(0)} of {CASES}"
    assert outcomes.count("done") == CASES  # one of each pair went ahead, the other was told


def test_two_leads_removing_each_other_at_once_leave_a_lead(db_url: str) -> None:
    setup = open_engine(db_url)
    built = [_two_leads(setup, number) for number in range(CASES)]
    for case_id, first, second in built:
        _together(
            db_url,
            [
                lambda engine, c=case_id, a=first, b=second: members.remove_member(
                    engine, c, b.user_id, actor=a
                ),
                lambda engine, c=case_id, a=first, b=second: members.remove_member(
                    engine, c, a.user_id, actor=b
                ),
            ],
        )
    leads = [_leads(setup, case_id) for case_id, _first, _second in built]
    setup.dispose()
    assert min(leads) >= 1, f"cases left without a lead: {leads.count(0)} of {CASES}"


def _two_admins(engine, number: int) -> tuple[Actor, Actor]:
    first = sign_in(engine, email=f"admin-a-{number}@example.org", now=NOW)
    case = create_case(engine, ready_case(), actor=first, now=NOW)
    assert case.id is not None
    address = f"admin-b-{number}@example.org"
    members.invite(engine, case.id, email=address, role="member", join_org=True, actor=first)
    second = sign_in(engine, email=address, now=NOW)
    team.set_org_role(engine, second.user_id, "admin", actor=first)
    assert second.org_id == first.org_id
    return first, second


def _admins(engine, org_id: int) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                select(func.count()).where(
                    org_members.c.org_id == org_id, org_members.c.org_role == "admin"
                )
            ).scalar_one()
        )


def test_two_admins_demoting_or_removing_each_other_at_once_leave_an_admin(db_url: str) -> None:
    setup = open_engine(db_url)
    built = [_two_admins(setup, number) for number in range(CASES)]
    for number, (first, second) in enumerate(built):
        moves: list[Callable[..., None]]
        if number % 2:
            moves = [
                lambda engine, a=first, b=second: team.set_org_role(
                    engine, b.user_id, "staff", actor=a
                ),
                lambda engine, a=first, b=second: team.set_org_role(
                    engine, a.user_id, "staff", actor=b
                ),
            ]
        else:
            moves = [
                lambda engine, a=first, b=second: team.remove_org_member(
                    engine, b.user_id, actor=a
                ),
                lambda engine, a=first, b=second: team.remove_org_member(
                    engine, a.user_id, actor=b
                ),
            ]
        _together(db_url, moves)
    admins = [_admins(setup, first.org_id) for first, _second in built]
    setup.dispose()
    assert min(admins) >= 1, f"organisations left without an admin: {admins.count(0)}"
