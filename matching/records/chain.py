"""Hash chains that make the audit logs tamper-evident.

Every row of ``audit_log`` (one chain per case) and of ``org_log`` (one chain per
organisation) carries ``prev_hash``, the ``row_hash`` of the row before it in its chain (empty
for the first), and its own ``row_hash``: SHA-256 of the table's name, ``prev_hash`` and the
row's fields. Editing a row changes what its hash should be; removing one breaks the link of
the row after it; so :func:`verify` finds both, and ``team status`` reports them. (The newest
row of a chain has no row after it: removing it is found only against a count or head kept
elsewhere, which ``team status`` prints as a fingerprint.) The database itself refuses UPDATE,
DELETE outside case deletion, and TRUNCATE (triggers in the migrations), so a chain is broken
only by someone who bypassed those: the table's owner or a superuser.

This module depends on nothing but the standard library and SQLAlchemy Core, so that the
migration that fills in the hashes of existing rows computes exactly what the app computes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Integer, String, column, select, table
from sqlalchemy.sql.elements import ColumnClause

# Which column groups a table's rows into chains, and which fields each row's hash covers.
CHAINS: dict[str, tuple[str, tuple[str, ...]]] = {
    "audit_log": (
        "case_id",
        ("case_id", "org_id", "user_id", "actor_email", "at", "action", "detail"),
    ),
    "org_log": ("org_id", ("org_id", "user_id", "actor_email", "at", "action", "detail")),
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    return value


def row_hash(table_name: str, prev_hash: str, row: Mapping[str, Any] | Any) -> str:
    """Return the hash of one row of ``table_name`` whose chain's previous hash is ``prev_hash``."""
    fields = CHAINS[table_name][1]
    payload = json.dumps(
        [table_name, prev_hash, [_plain(row[name]) for name in fields]],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


@dataclass(frozen=True, kw_only=True, slots=True)
class ChainReport:
    """What :func:`verify` found in one table: rows, chains, broken chains, a fingerprint."""

    table: str
    rows: int
    chains: int
    broken: int
    fingerprint: str

    @property
    def intact(self) -> bool:
        """Return whether every chain of the table links and every row matches its hash."""
        return self.broken == 0


_TYPES: dict[str, Any] = {
    "at": DateTime(),
    "id": Integer(),
    "case_id": Integer(),
    "org_id": Integer(),
    "user_id": Integer(),
}


def typed_column(name: str) -> ColumnClause:
    """Return a typed column: an untyped one reads SQLite's times as text, not datetimes."""
    return column(name, _TYPES.get(name, String()))


def _rows(connection: Connection, table_name: str) -> list[Any]:
    key, fields = CHAINS[table_name]
    names = sorted({"id", key, "prev_hash", "row_hash", *fields})
    source = table(table_name, *(typed_column(name) for name in names))
    query = select(*source.columns).order_by(source.c[key], source.c.id)
    return list(connection.execute(query).mappings())


def verify(connection: Connection, table_name: str) -> ChainReport:
    """Check every chain of ``table_name``: each row's hash and its link to the row before.

    A chain is broken when a row was edited (its hash no longer matches its fields) or a row
    before another was removed (the later row's ``prev_hash`` points at nothing). The
    fingerprint is a hash of every chain's newest hash: note it, and a later removal of a
    newest row changes it.
    """
    key = CHAINS[table_name][0]
    broken: set[Any] = set()
    heads: dict[Any, str] = {}
    rows = _rows(connection, table_name)
    for row in rows:
        chain = row[key]
        expected_prev = heads.get(chain, "")
        if row["prev_hash"] != expected_prev or row["row_hash"] != row_hash(
            table_name, expected_prev, row
        ):
            broken.add(chain)
        heads[chain] = row["row_hash"]
    fingerprint = hashlib.sha256(
        "".join(f"{chain}:{head};" for chain, head in sorted(heads.items())).encode()
    ).hexdigest()
    return ChainReport(
        table=table_name,
        rows=len(rows),
        chains=len(heads),
        broken=len(broken),
        fingerprint=fingerprint[:16],
    )


def last_hash(connection: Connection, table_name: str, chain: int) -> str:
    """Return the newest ``row_hash`` of one chain ("" when the chain has no row yet)."""
    key = CHAINS[table_name][0]
    source = table(table_name, typed_column("id"), typed_column(key), typed_column("row_hash"))
    found = connection.execute(
        select(source.c.row_hash)
        .where(source.c[key] == chain)
        .order_by(source.c.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return str(found or "")
