"""Save and load cases in the store, for the person who asks and as their role allows.

Every function takes the ``actor`` it acts for, always given (pages and the CLI pass it
through :class:`~matching.records.workspace.Workspace`; the local person is lead of every
local case). A case is found only through its ``case_members`` row for the actor, in the SQL
itself, so a case of someone else's is never read, let alone returned; what a member or viewer
may not see is blanked by :func:`matching.case.permissions.redact`. Saves are under an optimistic
version check, and each write (the case, its placements and contact log, its audit row) is
one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import Connection, Engine, Join, delete, func, insert, select, update

from matching.case.changes import describe_changes
from matching.case.codec import plan_plain
from matching.case.model import Case
from matching.case.permissions import CaseRole, not_a_member, redact
from matching.case.sealed_backup import open_backup
from matching.errors import ConflictError, StoreError
from matching.records import audit
from matching.records.case_rows import case_of, read_plain, sealed_plan, write_children
from matching.records.members import require_in
from matching.records.store import (
    audit_log,
    case_contact_log,
    case_members,
    case_placements,
    cases,
    from_naive_utc,
    invitations,
    read_transaction,
    to_naive_utc,
    write_transaction,
)
from matching.records.team import Actor


@dataclass(frozen=True, kw_only=True, slots=True)
class CaseSummary:
    """One line of the case list, with the asker's role in the case."""

    id: int
    title: str
    version: int
    updated_at: datetime
    role: CaseRole = "lead"


def _insert_case(
    engine: Engine,
    case: Case,
    *,
    actor: Actor,
    action: Literal["created", "imported"],
    now: datetime,
) -> Case:
    stamp = to_naive_utc(now)
    with write_transaction(engine) as connection:
        result = connection.execute(
            insert(cases).values(
                title=case.title,
                version=1,
                plan_json=sealed_plan(connection, plan_plain(case)),
                created_at=stamp,
                updated_at=stamp,
                org_id=actor.org_id,
            )
        )
        case_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        connection.execute(
            insert(case_members).values(
                case_id=case_id, user_id=actor.user_id, role="lead", added_at=stamp
            )
        )
        write_children(connection, case_id, case)
        audit.append(
            connection, case_id=case_id, org_id=actor.org_id, actor=actor, action=action, now=now
        )
    return replace(case, id=case_id, version=1)


def create_case(engine: Engine, case: Case, *, now: datetime | None = None, actor: Actor) -> Case:
    """Insert ``case`` as a new case led by ``actor``; return it with its id and version 1."""
    return _insert_case(engine, case, actor=actor, action="created", now=now or datetime.now(UTC))


def save_case(
    engine: Engine,
    case: Case,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
    actor: Actor,
) -> Case:
    """Save ``case`` if the stored version is still ``expected_version`` (default: case.version).

    Only the case's lead may. Raises ConflictError, changing nothing, when another window (or a
    member saving their letter) saved the case in between.
    """
    if case.id is None:
        raise StoreError("This case was never saved; create it first.")
    expected = case.version if expected_version is None else expected_version
    moment = now or datetime.now(UTC)
    with write_transaction(engine) as connection:
        require_in(connection, case.id, actor, "save")
        before = _locked(connection, case.id)
        changed = connection.execute(
            update(cases)
            .where(cases.c.id == case.id, cases.c.version == expected)
            .values(
                title=case.title,
                version=expected + 1,
                plan_json=sealed_plan(connection, plan_plain(case)),
                updated_at=to_naive_utc(moment),
            )
        ).rowcount
        if changed == 0:
            raise ConflictError(
                "This case was changed in another window (it is now at version "
                f"{before['version']}, you edited version {expected}); nothing was saved. "
                "Reload to see their changes; your edits are kept on this page."
            )
        write_children(connection, case.id, case)
        audit.append(
            connection,
            case_id=case.id,
            org_id=int(before["org_id"]),
            actor=actor,
            action="saved",
            detail=describe_changes(before, case),
            now=moment,
        )
    return replace(case, version=expected + 1)


def _locked(connection: Connection, case_id: int) -> dict:
    """Return the stored case as plain data with its org id, its row locked (PostgreSQL)."""
    row = connection.execute(
        select(cases.c.org_id).where(cases.c.id == case_id).with_for_update()
    ).first()
    stored = read_plain(connection, case_id)
    if row is None or stored is None:
        raise StoreError("This case no longer exists (it was deleted); nothing was saved.")
    return {**stored, "org_id": row.org_id}


def load_case(engine: Engine, case_id: int, *, actor: Actor) -> Case:
    """Load a case with its placements and contact logs, as the actor's role may see it.

    Raises AccessError when the case is gone or the actor is not (or no longer) on its team.
    """
    with read_transaction(engine) as connection:
        role = require_in(connection, case_id, actor, "view")
        plain = read_plain(connection, case_id)
    if plain is None:
        raise not_a_member(case_id)
    return redact(case_of(case_id, plain), role, actor.email)


def _member_cases(actor: Actor) -> Join:
    """Return the join of cases to the actor's memberships (the only way cases are listed)."""
    return cases.join(
        case_members,
        (case_members.c.case_id == cases.c.id) & (case_members.c.user_id == actor.user_id),
    )


def list_cases(engine: Engine, *, actor: Actor) -> list[CaseSummary]:
    """Return the cases the actor is on the team of, most recently updated first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(cases.c.id, cases.c.title, cases.c.version, cases.c.updated_at)
            .add_columns(case_members.c.role)
            .select_from(_member_cases(actor))
            .order_by(cases.c.updated_at.desc(), cases.c.id.desc())
        ).all()
    return [
        CaseSummary(
            id=row.id,
            title=row.title,
            version=row.version,
            updated_at=from_naive_utc(row.updated_at),
            role=row.role,
        )
        for row in rows
    ]


def delete_case(engine: Engine, case_id: int, *, actor: Actor, now: datetime | None = None) -> int:
    """Delete a case and every row that belongs to it (its audit trail too): gone, not flagged.

    Only the lead may. The case goes first: the database refuses to delete audit rows of a
    case that still exists. The deletion itself (who, when, how many audit rows went with
    it; not the title) is recorded in the organisation's log. Returns how many audit rows
    were deleted, so the page can say so.
    """
    with write_transaction(engine) as connection:
        require_in(connection, case_id, actor, "delete")
        org_id = connection.execute(
            select(cases.c.org_id).where(cases.c.id == case_id).with_for_update()
        ).scalar_one()
        for child in (case_contact_log, case_placements, invitations, case_members):
            connection.execute(delete(child).where(child.c.case_id == case_id))
        connection.execute(delete(cases).where(cases.c.id == case_id))
        audit_rows = int(
            connection.execute(delete(audit_log).where(audit_log.c.case_id == case_id)).rowcount
        )
        audit.append_org(
            connection,
            org_id=int(org_id),
            actor=actor,
            action="case deleted",
            detail=f"case {case_id}; {audit_rows} audit entries deleted with it",
            now=now,
        )
    return audit_rows


def count_cases(engine: Engine, *, actor: Actor) -> int:
    """Return how many cases the actor is on the team of."""
    with engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(_member_cases(actor))).scalar_one()
        )


def import_case(
    engine: Engine,
    raw: bytes | str,
    *,
    passphrase: str = "",
    now: datetime | None = None,
    actor: Actor,
) -> Case:
    """Validate a case backup and store it as a new case led by ``actor`` (nothing if invalid).

    An encrypted backup (:mod:`matching.case.sealed_backup`) opens only with ``passphrase``.
    """
    case = open_backup(raw, passphrase)
    return _insert_case(
        engine,
        replace(case, id=None, version=0),
        actor=actor,
        action="imported",
        now=now or datetime.now(UTC),
    )
