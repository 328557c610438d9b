"""Team mode: organisations, people, case membership, invitations and the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Every shared row gains the organisation it belongs to (the local one, id 1, for what is already
there), the last search form becomes per person, and every existing case gets the local person
(id 1) as its lead, so local mode goes on exactly as before. The audit log refuses UPDATE.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LOCAL_ID = 1
APPEND_ONLY = "audit_log is append-only: its rows are never changed"


def upgrade() -> None:
    """Add the team tables and columns, seed the local org and person, guard the audit log."""
    now = datetime.now(UTC).replace(tzinfo=None)
    _people()
    # Before the org_id columns: their foreign key needs organisation 1 to exist.
    _seed_local(now)
    _org_columns()
    _cases_team()
    _make_local_person_lead(now)
    _refuse_audit_updates()
    op.execute("UPDATE schema_meta SET value = '2' WHERE key = 'schema_version'")


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


# SQLite keeps the old shortlists' unique name constraint unnamed; a rebuild names what it
# reflects by this pattern, so that the constraint can be dropped (as uq_shortlists_name).
_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _rebuild(table: str) -> AbstractContextManager[BatchOperations]:
    # SQLite cannot add a constraint or a foreign key to a table in place: rebuild it (copy the
    # rows into a new table). PostgreSQL alters it in place.
    return op.batch_alter_table(
        table, recreate="auto" if _is_postgresql() else "always", naming_convention=_NAMES
    )


def _org_id(table: str, *, primary_key: bool = False) -> sa.Column:
    # Named as PostgreSQL names a foreign key itself (a table rebuild needs a name).
    return sa.Column(
        "org_id",
        sa.Integer,
        sa.ForeignKey("orgs.id", ondelete="CASCADE", name=f"{table}_org_id_fkey"),
        nullable=False,
        primary_key=primary_key,
        server_default=str(LOCAL_ID),
    )


def _people() -> None:
    op.create_table(
        "orgs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "org_members",
        sa.Column(
            "org_id", sa.Integer, sa.ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("org_role", sa.String(16), nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
    )


def _org_columns() -> None:
    for table in ("call_log", "directories", "cases"):
        with _rebuild(table) as batch:
            batch.add_column(_org_id(table))
            batch.create_index(f"ix_{table}_org_id", ["org_id"])
    # A shortlist's name is unique within its organisation, no longer across the store.
    old_unique = "shortlists_name_key" if _is_postgresql() else "uq_shortlists_name"
    with _rebuild("shortlists") as batch:
        batch.drop_constraint(old_unique, type_="unique")
        batch.add_column(_org_id("shortlists"))
        batch.create_index("ix_shortlists_org_id", ["org_id"])
        batch.create_unique_constraint("uq_shortlist_org_name", ["org_id", "name"])
    # Settings become per organisation, the last search per person: both join the primary key.
    _widen_primary_key("app_settings", _org_id("app_settings", primary_key=True), ["org_id", "key"])
    user_id = sa.Column(
        "user_id",
        sa.Integer,
        sa.ForeignKey("users.id", ondelete="CASCADE", name="saved_searches_user_id_fkey"),
        nullable=False,
        primary_key=True,
        server_default=str(LOCAL_ID),
    )
    _widen_primary_key("saved_searches", user_id, ["user_id", "name"])


def _widen_primary_key(table: str, column: sa.Column, key: list[str]) -> None:
    if _is_postgresql():
        op.drop_constraint(f"{table}_pkey", table, type_="primary")
        op.add_column(table, column)
        op.create_primary_key(f"{table}_pkey", table, key)
        return
    with _rebuild(table) as batch:
        batch.add_column(column)
        batch.create_primary_key(f"pk_{table}", key)


def _cases_team() -> None:
    op.create_table(
        "case_members",
        sa.Column(
            "case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("join_org", sa.Boolean, nullable=False),
        sa.Column(
            "invited_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("accepted_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("case_id", "email", name="uq_invitation_case_email"),
    )
    op.create_index("ix_invitations_case_id", "invitations", ["case_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("org_id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("actor_email", sa.String(320), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_log_case_id", "audit_log", ["case_id"])


def _seed_local(now: datetime) -> None:
    # The one organisation and person of local mode.
    stamp = {"now": now}
    op.get_bind().execute(
        sa.text("INSERT INTO orgs (id, name, created_at) VALUES (1, 'This computer', :now)"),
        stamp,
    )
    op.get_bind().execute(
        sa.text(
            "INSERT INTO users (id, email, display_name, created_at) "
            "VALUES (1, 'local', 'You', :now)"
        ),
        stamp,
    )
    op.get_bind().execute(
        sa.text(
            "INSERT INTO org_members (org_id, user_id, org_role, added_at) "
            "VALUES (1, 1, 'admin', :now)"
        ),
        stamp,
    )
    if _is_postgresql():
        # The ids were given explicitly: move the sequences past them, or the first team org or
        # person would be given id 1 again and collide.
        for table in ("orgs", "users"):
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )


def _make_local_person_lead(now: datetime) -> None:
    # Every case so far is the local person's own: they lead it, as they always did.
    op.get_bind().execute(
        sa.text(
            "INSERT INTO case_members (case_id, user_id, role, added_at) "
            "SELECT id, 1, 'lead', :now FROM cases"
        ),
        {"now": now},
    )


def _refuse_audit_updates() -> None:
    if _is_postgresql():
        op.execute(
            "CREATE FUNCTION audit_log_refuse_update() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_update()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def downgrade() -> None:
    """Refuse: ReadyBed does not go back to an older schema (restore a backup instead)."""
    raise NotImplementedError("ReadyBed's store cannot be downgraded; restore a backup instead.")
