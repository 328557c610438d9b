"""A case as the store keeps it: the plan's JSON, one row per placement, one per log entry.

What a family typed (the plan with its letters and safety answers, each placement's details,
the contact-log notes) goes through :func:`~matching.records.sealing.seal` on the way in and
:func:`~matching.records.sealing.unseal` on the way out, so a team server stores it encrypted
and a laptop stores it plain. Every function here works inside the caller's transaction;
who may call them is decided by :mod:`matching.records.members` and
:mod:`matching.records.cases`.
"""

from __future__ import annotations

import json
import typing
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from matching.case.codec import from_plain, placement_plain, to_plain
from matching.case.model import Case
from matching.case.permissions import CaseRole
from matching.errors import StoreError
from matching.records.sealing import seal, unseal
from matching.records.store import (
    case_contact_log,
    case_members,
    case_placements,
    cases,
    from_naive_utc,
    to_naive_utc,
)


def sealed_plan(connection: Connection, plain: dict[str, Any]) -> str:
    """Return the ``plan_json`` text of ``plain`` as stored (sealed in team mode)."""
    return seal(connection.engine, json.dumps(plain, ensure_ascii=False))


def write_children(connection: Connection, case_id: int, case: Case) -> None:
    """Replace the placements and contact logs of case ``case_id`` with those of ``case``."""
    engine = connection.engine
    connection.execute(delete(case_contact_log).where(case_contact_log.c.case_id == case_id))
    connection.execute(delete(case_placements).where(case_placements.c.case_id == case_id))
    for position, placement in enumerate(case.placements):
        data = json.dumps(placement_plain(placement), ensure_ascii=False)
        connection.execute(
            insert(case_placements).values(
                case_id=case_id,
                position=position,
                facility_id=placement.facility.facility_id,
                role=placement.role,
                stage=placement.stage,
                data_json=seal(engine, data),
            )
        )
        for event in placement.log:
            connection.execute(
                insert(case_contact_log).values(
                    case_id=case_id,
                    facility_id=placement.facility.facility_id,
                    at=to_naive_utc(event.at),
                    stage=event.stage,
                    note=seal(engine, event.note),
                )
            )


def read_plain(connection: Connection, case_id: int) -> dict[str, Any] | None:
    """Return the stored case ``case_id`` as plain data (placements with logs), or None."""
    engine = connection.engine
    row = connection.execute(select(cases).where(cases.c.id == case_id)).mappings().first()
    if row is None:
        return None
    logs: dict[str, list[dict[str, Any]]] = {}
    for log in connection.execute(
        select(case_contact_log)
        .where(case_contact_log.c.case_id == case_id)
        .order_by(case_contact_log.c.id)
    ).mappings():
        logs.setdefault(log["facility_id"], []).append(
            {
                "at": to_plain(from_naive_utc(log["at"])),
                "stage": log["stage"],
                "note": unseal(engine, log["note"]),
            }
        )
    placements = []
    for placement_row in connection.execute(
        select(case_placements)
        .where(case_placements.c.case_id == case_id)
        .order_by(case_placements.c.position)
    ).mappings():
        plain = json.loads(unseal(engine, placement_row["data_json"]))
        plain["log"] = logs.get(placement_row["facility_id"], [])
        placements.append(plain)
    plain_case = json.loads(unseal(engine, row["plan_json"]))
    plain_case.update(id=row["id"], version=row["version"], placements=placements)
    return typing.cast(dict[str, Any], plain_case)


def case_of(case_id: int, plain_case: dict[str, Any]) -> Case:
    """Build the Case of stored plain data; raise StoreError when the store holds nonsense."""
    problems: list[str] = []
    case = from_plain(Case, plain_case, "", problems)
    if problems or case is None:
        raise StoreError(f"Case {case_id} in the store is damaged: " + "; ".join(problems[:5]))
    return typing.cast(Case, case)


def role_of(connection: Connection, case_id: int, user_id: int) -> CaseRole | None:
    """Return the role of ``user_id`` in case ``case_id``, or None when not a member."""
    role = connection.execute(
        select(case_members.c.role).where(
            case_members.c.case_id == case_id, case_members.c.user_id == user_id
        )
    ).scalar_one_or_none()
    return typing.cast(CaseRole | None, role)
