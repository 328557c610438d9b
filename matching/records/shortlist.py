"""Shortlists: named, ordered lists of facilities to call, kept in the local store.

Each item keeps a snapshot of the facility (name, phones, address, location, distance from the
search origin) taken when it was added, so a shortlist survives switching or re-importing the
directory. :func:`shortlist_view` joins the items with the current directory, so exports show
today's availability and services where the facility is still listed.

Positions run 1..n with no gaps; moving and removing keep them that way.

Shortlists are shared within an organisation: every function acts for an ``actor`` (required; the
workspace binds it) and reaches only the shortlists of ``actor.org_id``. Another organisation's
shortlist id behaves exactly like a shortlist that does not exist: nothing is shown, nothing is
changed. Names are unique per organisation; a note is typed text and is sealed at rest in team
mode (:mod:`matching.records.sealing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from matching.directory import columns as col
from matching.errors import QueryError, StoreError
from matching.records import audit
from matching.records.sealing import seal, unseal
from matching.records.store import (
    from_naive_utc,
    shortlist_items,
    shortlists,
    to_naive_utc,
    write_transaction,
)
from matching.records.team import Actor, require_org_admin

DEFAULT_SHORTLIST_NAME: Final = "My shortlist"
MAX_NAME_LENGTH: Final = 200

SNAPSHOT_COLUMNS: Final = (
    col.NAME,
    col.PHONE,
    col.INTAKE_PHONE,
    col.WEBSITE,
    col.STREET,
    col.CITY,
    col.STATE,
    col.ZIP,
    col.LAT,
    col.LON,
)
ITEM_COLUMNS: Final = (
    "shortlist_id",
    col.FACILITY_ID,
    "position",
    "note",
    "added_at",
    *SNAPSHOT_COLUMNS,
    "distance_miles",
    "origin_label",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Shortlist:
    """One named shortlist."""

    id: int
    name: str
    created_at: datetime


def list_shortlists(engine: Engine, *, actor: Actor) -> list[Shortlist]:
    """Return the organisation's shortlists, the default one first (creating it when none)."""
    default_shortlist(engine, actor=actor)
    with engine.connect() as connection:
        rows = connection.execute(
            select(shortlists).where(shortlists.c.org_id == actor.org_id).order_by(shortlists.c.id)
        ).all()
    return [_shortlist(row) for row in rows]


def default_shortlist(engine: Engine, *, actor: Actor) -> Shortlist:
    """Return the organisation's first shortlist, creating "My shortlist" when it has none."""
    first = (
        select(shortlists)
        .where(shortlists.c.org_id == actor.org_id)
        .order_by(shortlists.c.id)
        .limit(1)
    )
    with engine.connect() as connection:
        row = connection.execute(first).first()
    if row is None:
        try:
            # Checked again under the write lock: another process may have just created it.
            with write_transaction(engine) as connection:
                row = connection.execute(first).first()
                if row is None:
                    connection.execute(
                        insert(shortlists).values(
                            org_id=actor.org_id,
                            name=DEFAULT_SHORTLIST_NAME,
                            created_at=to_naive_utc(datetime.now(UTC)),
                        )
                    )
                    row = connection.execute(first).one()
        except IntegrityError:
            # PostgreSQL has no database-wide write lock: a colleague's session created the
            # default one at the same moment (names are unique per organisation). Use theirs.
            with engine.connect() as connection:
                row = connection.execute(first).first()
            if row is None:
                raise StoreError(
                    f"Organisation {actor.org_id} is not in the store, so it cannot have a "
                    "shortlist; sign in again."
                ) from None
    return _shortlist(row)


def get_shortlist(engine: Engine, shortlist_id: int, *, actor: Actor) -> Shortlist:
    """Return the organisation's shortlist ``shortlist_id``; StoreError when it has no such one."""
    with engine.connect() as connection:
        row = connection.execute(select(shortlists).where(_owned(shortlist_id, actor))).first()
    if row is None:
        # Also another organisation's id: it must not even be told that the shortlist exists.
        raise StoreError(f"Shortlist {shortlist_id} does not exist (it may have been deleted).")
    return _shortlist(row)


def create_shortlist(
    engine: Engine, name: str, *, now: datetime | None = None, actor: Actor
) -> Shortlist:
    """Create an empty shortlist called ``name`` (names are unique within an organisation)."""
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise QueryError("Give the shortlist a name, e.g. the person's first name or a date.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise QueryError(f"A shortlist name can have at most {MAX_NAME_LENGTH} characters.")
    try:
        with engine.begin() as connection:
            result = connection.execute(
                insert(shortlists).values(
                    org_id=actor.org_id,
                    name=cleaned,
                    created_at=to_naive_utc(now or datetime.now(UTC)),
                )
            )
            new_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    except IntegrityError as exc:
        raise QueryError(
            f"A shortlist called {cleaned!r} already exists; pick another name."
        ) from exc
    return get_shortlist(engine, new_id, actor=actor)


def delete_shortlist(engine: Engine, shortlist_id: int, *, actor: Actor) -> None:
    """Delete one of the organisation's shortlists and its items for good (admins only, logged)."""
    with write_transaction(engine) as connection:
        require_org_admin(connection, actor, "delete a shortlist")
        if not _lock(connection, shortlist_id, actor):
            return  # Already gone (or not this organisation's): nothing to delete.
        audit.append_org(
            connection,
            org_id=actor.org_id,
            actor=actor,
            action="shortlist deleted",
            detail=f"shortlist {shortlist_id} ({_count(connection, shortlist_id)} facilities)",
        )
        connection.execute(
            delete(shortlist_items).where(shortlist_items.c.shortlist_id == shortlist_id)
        )
        connection.execute(delete(shortlists).where(_owned(shortlist_id, actor)))


def add_facilities(
    engine: Engine,
    shortlist_id: int,
    facilities: pd.DataFrame,
    *,
    origin_label: str = "",
    now: datetime | None = None,
    actor: Actor,
) -> int:
    """Append the rows of ``facilities`` (directory or search rows) and return how many were new.

    Facilities already on the shortlist are left where they are. A ``distance_miles`` column,
    when present (search results), is kept with the origin it was measured from.
    """
    get_shortlist(engine, shortlist_id, actor=actor)
    added_at = to_naive_utc(now or datetime.now(UTC))
    added = 0
    with write_transaction(engine) as connection:
        if not _lock(connection, shortlist_id, actor):
            # Deleted since the check above (by a colleague, or in another tab).
            raise StoreError(f"Shortlist {shortlist_id} does not exist (it may have been deleted).")
        present = set(
            connection.execute(
                select(shortlist_items.c.facility_id).where(
                    shortlist_items.c.shortlist_id == shortlist_id
                )
            ).scalars()
        )
        position = _count(connection, shortlist_id)
        for row in facilities.to_dict("records"):
            facility_id = str(row[col.FACILITY_ID])
            if facility_id in present:
                continue
            present.add(facility_id)
            position += 1
            added += 1
            distance = row.get("distance_miles")
            connection.execute(
                insert(shortlist_items).values(
                    shortlist_id=shortlist_id,
                    facility_id=facility_id,
                    position=position,
                    note="",
                    added_at=added_at,
                    origin_label=origin_label if distance is not None else "",
                    distance_miles=_float_or_none(distance),
                    **{name: _snapshot_value(name, row.get(name)) for name in SNAPSHOT_COLUMNS},
                )
            )
    return added


def remove_facility(engine: Engine, shortlist_id: int, facility_id: str, *, actor: Actor) -> None:
    """Remove one facility and close the gap in positions."""
    with engine.begin() as connection:
        if not _lock(connection, shortlist_id, actor):
            return  # The shortlist is gone, and the facility with it.
        connection.execute(
            delete(shortlist_items).where(
                (shortlist_items.c.shortlist_id == shortlist_id)
                & (shortlist_items.c.facility_id == facility_id)
            )
        )
        _renumber(connection, shortlist_id, _ordered_ids(connection, shortlist_id))


def move_facility(
    engine: Engine, shortlist_id: int, facility_id: str, offset: int, *, actor: Actor
) -> None:
    """Move one facility ``offset`` places (negative = up); the ends are a hard stop."""
    with engine.begin() as connection:
        owned = _lock(connection, shortlist_id, actor)
        order = _ordered_ids(connection, shortlist_id) if owned else []
        if facility_id not in order:
            raise StoreError("That facility is no longer on the shortlist; reload the page.")
        current = order.index(facility_id)
        target = min(max(current + offset, 0), len(order) - 1)
        order.insert(target, order.pop(current))
        _renumber(connection, shortlist_id, order)


def set_note(
    engine: Engine, shortlist_id: int, facility_id: str, note: str, *, actor: Actor
) -> None:
    """Replace the note on one shortlisted facility."""
    with engine.begin() as connection:
        if not _lock(connection, shortlist_id, actor):
            return  # The shortlist is gone, as it is for a missing facility.
        connection.execute(
            update(shortlist_items)
            .where(
                (shortlist_items.c.shortlist_id == shortlist_id)
                & (shortlist_items.c.facility_id == facility_id)
            )
            .values(note=seal(engine, note.strip()))
        )


def shortlist_items_frame(engine: Engine, shortlist_id: int, *, actor: Actor) -> pd.DataFrame:
    """Return the items of one of the organisation's shortlists in order, with their snapshots."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(*(shortlist_items.c[name] for name in ITEM_COLUMNS))
            .join(shortlists, shortlists.c.id == shortlist_items.c.shortlist_id)
            .where(_owned(shortlist_id, actor))
            .order_by(shortlist_items.c.position)
        ).all()
    frame = pd.DataFrame(rows, columns=list(ITEM_COLUMNS))
    frame["note"] = frame["note"].map(lambda note: unseal(engine, note))
    frame["added_at"] = pd.to_datetime(frame["added_at"]).dt.tz_localize("UTC")
    text = [name for name in ITEM_COLUMNS if name in col.TEXT_COLUMNS] + ["note", "origin_label"]
    return frame.astype(
        {name: "str" for name in text}
        | {col.LAT: "float64", col.LON: "float64", "distance_miles": "float64"}
    )


def shortlist_view(items: pd.DataFrame, directory: pd.DataFrame) -> pd.DataFrame:
    """Return the items with the directory's current availability and service columns.

    Facilities no longer in ``directory`` keep their snapshot; their availability is unknown
    and ``listed`` is False so the user knows to check them.
    """
    current = [
        name
        for name in (
            *col.SERVICE_COLUMNS,
            *col.AVAILABILITY_COLUMNS,
            col.SERVICES,
            col.NAME2,
            # Where the listing came from, how old it is and how exactly it is located.
            col.SOURCE,
            col.LISTED_AT,
            col.LOCATION_PRECISION,
            # Issue 22: the call's answer on continuing MOUD from admission, with its date.
            "moud_continues",
            "moud_asked_at",
        )
        if name in directory.columns
    ]
    lookup = directory[[col.FACILITY_ID, *current]].drop_duplicates(col.FACILITY_ID)
    view = items.merge(lookup, on=col.FACILITY_ID, how="left", indicator="_found")
    view["listed"] = view.pop("_found").eq("both")
    if col.AVAILABILITY_STATUS in view.columns:
        view[col.AVAILABILITY_STATUS] = view[col.AVAILABILITY_STATUS].fillna("unknown")
    for name in (col.AVAILABILITY_SOURCE, col.SERVICES, col.NAME2):
        if name in view.columns:
            view[name] = view[name].fillna("")
    return view


def _shortlist(row: object) -> Shortlist:
    mapping = row._mapping  # type: ignore[attr-defined]
    return Shortlist(
        id=int(mapping["id"]),
        name=str(mapping["name"]),
        created_at=from_naive_utc(mapping["created_at"]),
    )


def _owned(shortlist_id: int, actor: Actor) -> ColumnElement[bool]:
    """Return the condition "shortlist ``shortlist_id``, of ``actor``'s organisation"."""
    return (shortlists.c.id == shortlist_id) & (shortlists.c.org_id == actor.org_id)


def _lock(connection: Connection, shortlist_id: int, actor: Actor) -> bool:
    """Return whether the organisation has the shortlist, locking its row until the commit.

    The lock (``FOR UPDATE``; SQLite's write lock covers it) makes two colleagues' changes to
    one shortlist on PostgreSQL run one after the other, so positions stay 1..n without gaps.
    """
    found = connection.execute(
        select(shortlists.c.id).where(_owned(shortlist_id, actor)).with_for_update()
    ).first()
    return found is not None


def _count(connection: Connection, shortlist_id: int) -> int:
    return int(
        connection.execute(
            select(func.count())
            .select_from(shortlist_items)
            .where(shortlist_items.c.shortlist_id == shortlist_id)
        ).scalar_one()
    )


def _ordered_ids(connection: Connection, shortlist_id: int) -> list[str]:
    return list(
        connection.execute(
            select(shortlist_items.c.facility_id)
            .where(shortlist_items.c.shortlist_id == shortlist_id)
            .order_by(shortlist_items.c.position)
        ).scalars()
    )


def _renumber(connection: Connection, shortlist_id: int, order: list[str]) -> None:
    for position, facility_id in enumerate(order, start=1):
        connection.execute(
            update(shortlist_items)
            .where(
                (shortlist_items.c.shortlist_id == shortlist_id)
                & (shortlist_items.c.facility_id == facility_id)
            )
            .values(position=position)
        )


def _snapshot_value(name: str, value: object) -> object:
    if name in (col.LAT, col.LON):
        return _float_or_none(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _float_or_none(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)  # type: ignore[arg-type]
