"""The audit log of a case: who changed what, and when (append-only; the lead reads it).

Each row names the person (user id and sign-in e-mail), the time, the action and *which*
parts changed (section and field names such as ``safety (violence)`` or ``placement F1
(stage, hold)``), never what was typed in them: the log itself holds nothing personal about
the family. Rows are only ever added, by :func:`append` inside the transaction of the change
they describe, so a change and its audit row commit or fail together. This module has no
function that updates or deletes a row; deleting a case deletes its rows with it
(:func:`matching.records.cases.delete_case`, which says how many, and records the deletion
in the organisation's log, :func:`append_org`). Each row is chained to the one before it
(:mod:`matching.records.chain`), and the database refuses UPDATE, DELETE while the case
exists, and TRUNCATE, so a removed or edited row is detected by ``team status``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Connection, Engine, Table, insert, select

from matching.case.permissions import require
from matching.records import chain
from matching.records.case_rows import role_of
from matching.records.store import audit_log, cases, from_naive_utc, org_log, orgs, to_naive_utc


class Who(Protocol):
    """Whoever acts (a :class:`matching.records.team.Actor`): their id and e-mail."""

    @property
    def user_id(self) -> int: ...

    @property
    def email(self) -> str: ...


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditEntry:
    """One line of a case's audit trail."""

    id: int
    case_id: int
    at: datetime
    user_id: int | None
    actor_email: str
    action: str
    detail: str


def append(
    connection: Connection,
    *,
    case_id: int,
    org_id: int,
    actor: Who,
    action: str,
    detail: str = "",
    now: datetime | None = None,
) -> None:
    """Add one row to the audit log, in the caller's transaction, chained to the case's last.

    The case's row is locked first (PostgreSQL; SQLite's write transaction holds the whole
    database), so two changes of one case at once chain one after the other, never both
    after the same row.
    """
    connection.execute(select(cases.c.id).where(cases.c.id == case_id).with_for_update())
    row = {"case_id": case_id, "org_id": org_id, **_who_and_what(actor, action, detail, now)}
    _insert_chained(connection, audit_log, case_id, row)


def append_org(
    connection: Connection,
    *,
    org_id: int,
    actor: Who,
    action: str,
    detail: str = "",
    now: datetime | None = None,
) -> None:
    """Add one row to the organisation's log (append-only, chained), in the caller's transaction.

    It records what outlives a case: its deletion (who, when, how many audit rows went).
    """
    connection.execute(select(orgs.c.id).where(orgs.c.id == org_id).with_for_update())
    row = {"org_id": org_id, **_who_and_what(actor, action, detail, now)}
    _insert_chained(connection, org_log, org_id, row)


def _who_and_what(actor: Who, action: str, detail: str, now: datetime | None) -> dict[str, object]:
    """The columns both logs share: who did what, when."""
    return {
        "user_id": actor.user_id,
        "actor_email": actor.email,
        "at": to_naive_utc(now or datetime.now(UTC)),
        "action": action,
        "detail": detail,
    }


def _insert_chained(connection: Connection, table: Table, key: int, row: dict[str, object]) -> None:
    """Insert ``row`` into ``table``, chained to the last row of its case or organisation."""
    prev = chain.last_hash(connection, table.name, key)
    row_hash = chain.row_hash(table.name, prev, row)
    connection.execute(insert(table).values(**row, prev_hash=prev, row_hash=row_hash))


@dataclass(frozen=True, kw_only=True, slots=True)
class OrgEntry:
    """One line of an organisation's log."""

    at: datetime
    user_id: int | None
    actor_email: str
    action: str
    detail: str


def org_trail(connection: Connection, org_id: int) -> list[OrgEntry]:
    """Return the organisation's log, newest first (callers check who may read it)."""
    rows = connection.execute(
        select(org_log).where(org_log.c.org_id == org_id).order_by(org_log.c.id.desc())
    ).mappings()
    return [
        OrgEntry(
            at=from_naive_utc(row["at"]),
            user_id=row["user_id"],
            actor_email=row["actor_email"],
            action=row["action"],
            detail=row["detail"],
        )
        for row in rows
    ]


def trail(engine: Engine, case_id: int, *, actor: Who) -> list[AuditEntry]:
    """Return the audit trail of case ``case_id``, newest first, as the permission table allows.

    Raises AccessError when the actor is not on the case's team or their role may not
    ``audit_trail`` (:data:`matching.case.permissions.PERMISSIONS`: only the lead).
    """
    with engine.connect() as connection:
        require(role_of(connection, case_id, actor.user_id), "audit_trail", case_id)
        rows = connection.execute(
            select(audit_log)
            .where(audit_log.c.case_id == case_id)
            .order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        ).mappings()
        return [
            AuditEntry(
                id=row["id"],
                case_id=row["case_id"],
                at=from_naive_utc(row["at"]),
                user_id=row["user_id"],
                actor_email=row["actor_email"],
                action=row["action"],
                detail=row["detail"],
            )
            for row in rows
        ]
