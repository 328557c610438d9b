"""repository (split from cases.py)."""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update

from matching.case.codec import case_from_json, from_plain, to_plain
from matching.case.model import Case
from matching.case.pipeline import Placement
from matching.errors import ConflictError, StoreError
from matching.records.store import (
    case_contact_log,
    case_placements,
    cases,
    from_naive_utc,
    to_naive_utc,
)


@dataclass(frozen=True, kw_only=True, slots=True)
class CaseSummary:
    """One line of the case list."""

    id: int
    title: str
    version: int
    updated_at: datetime


def _plan_json(case: Case) -> str:
    plain = to_plain(case)
    for key in ("id", "version", "placements"):
        plain.pop(key)
    return json.dumps(plain, ensure_ascii=False)


def _placement_json(placement: Placement) -> str:
    plain = to_plain(placement)
    plain.pop("log")
    return json.dumps(plain, ensure_ascii=False)


def _write_children(connection: Any, case_id: int, case: Case) -> None:
    connection.execute(delete(case_contact_log).where(case_contact_log.c.case_id == case_id))
    connection.execute(delete(case_placements).where(case_placements.c.case_id == case_id))
    for position, placement in enumerate(case.placements):
        connection.execute(
            insert(case_placements).values(
                case_id=case_id,
                position=position,
                facility_id=placement.facility.facility_id,
                role=placement.role,
                stage=placement.stage,
                data_json=_placement_json(placement),
            )
        )
        for event in placement.log:
            connection.execute(
                insert(case_contact_log).values(
                    case_id=case_id,
                    facility_id=placement.facility.facility_id,
                    at=to_naive_utc(event.at),
                    stage=event.stage,
                    note=event.note,
                )
            )


def create_case(engine: Engine, case: Case, *, now: datetime | None = None) -> Case:
    """Insert ``case`` as a new case and return it with its id and version 1."""
    stamp = to_naive_utc(now or datetime.now(UTC))
    with engine.begin() as connection:
        result = connection.execute(
            insert(cases).values(
                title=case.title,
                version=1,
                plan_json=_plan_json(case),
                created_at=stamp,
                updated_at=stamp,
            )
        )
        case_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        _write_children(connection, case_id, case)
    return replace(case, id=case_id, version=1)


def save_case(
    engine: Engine, case: Case, *, expected_version: int | None = None, now: datetime | None = None
) -> Case:
    """Save ``case`` if the stored version is still ``expected_version`` (default: case.version).

    Raises ConflictError, changing nothing, when another window saved the case in between.
    """
    if case.id is None:
        raise StoreError("This case was never saved; create it first.")
    expected = case.version if expected_version is None else expected_version
    stamp = to_naive_utc(now or datetime.now(UTC))
    with engine.begin() as connection:
        changed = connection.execute(
            update(cases)
            .where(cases.c.id == case.id, cases.c.version == expected)
            .values(
                title=case.title,
                version=expected + 1,
                plan_json=_plan_json(case),
                updated_at=stamp,
            )
        ).rowcount
        if changed == 0:
            stored = connection.execute(
                select(cases.c.version).where(cases.c.id == case.id)
            ).scalar_one_or_none()
            if stored is None:
                raise StoreError("This case no longer exists (it was deleted); nothing was saved.")
            raise ConflictError(
                "This case was changed in another window (it is now at version "
                f"{stored}, you edited version {expected}); nothing was saved. Reload to see "
                "their changes; your edits are kept on this page."
            )
        _write_children(connection, case.id, case)
    return replace(case, version=expected + 1)


def load_case(engine: Engine, case_id: int) -> Case:
    """Load a case with its placements and contact logs; raise StoreError when it is gone."""
    with engine.connect() as connection:
        row = connection.execute(select(cases).where(cases.c.id == case_id)).mappings().first()
        if row is None:
            raise StoreError(f"Case {case_id} does not exist (it may have been deleted).")
        placement_rows = connection.execute(
            select(case_placements)
            .where(case_placements.c.case_id == case_id)
            .order_by(case_placements.c.position)
        ).mappings()
        placements = []
        for placement_row in placement_rows:
            plain = json.loads(placement_row["data_json"])
            log_rows = connection.execute(
                select(case_contact_log)
                .where(
                    case_contact_log.c.case_id == case_id,
                    case_contact_log.c.facility_id == placement_row["facility_id"],
                )
                .order_by(case_contact_log.c.id)
            ).mappings()
            plain["log"] = [
                {
                    "at": to_plain(from_naive_utc(log["at"])),
                    "stage": log["stage"],
                    "note": log["note"],
                }
                for log in log_rows
            ]
            placements.append(plain)
    plain_case = json.loads(row["plan_json"])
    plain_case.update(id=row["id"], version=row["version"], placements=placements)
    problems: list[str] = []
    case = from_plain(Case, plain_case, "", problems)
    if problems or case is None:
        raise StoreError(f"Case {case_id} in the store is damaged: " + "; ".join(problems[:5]))
    return typing.cast(Case, case)


def list_cases(engine: Engine) -> list[CaseSummary]:
    """Return every case, most recently updated first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(cases.c.id, cases.c.title, cases.c.version, cases.c.updated_at).order_by(
                cases.c.updated_at.desc(), cases.c.id.desc()
            )
        ).all()
    return [
        CaseSummary(
            id=row.id,
            title=row.title,
            version=row.version,
            updated_at=from_naive_utc(row.updated_at),
        )
        for row in rows
    ]


def delete_case(engine: Engine, case_id: int) -> None:
    """Delete a case and every row that belongs to it: gone, not flagged."""
    with engine.begin() as connection:
        connection.execute(delete(case_contact_log).where(case_contact_log.c.case_id == case_id))
        connection.execute(delete(case_placements).where(case_placements.c.case_id == case_id))
        connection.execute(delete(cases).where(cases.c.id == case_id))


def count_cases(engine: Engine) -> int:
    """Return how many cases the store holds."""
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(cases)).scalar_one())


def import_case(engine: Engine, raw: bytes | str, *, now: datetime | None = None) -> Case:
    """Validate a case backup and store it as a new case; nothing is written when it is invalid."""
    case = case_from_json(raw)
    return create_case(engine, replace(case, id=None, version=0), now=now)
