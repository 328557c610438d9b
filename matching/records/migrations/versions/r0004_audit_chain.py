"""Trust, round 2: verified identities, a tamper-evident audit log, the organisation log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

- ``users`` gains the sign-in provider's ``issuer`` and ``subject`` (unique together): a
  person is bound to the provider's identity at first sign-in, the e-mail only matches
  invitations.
- ``audit_log`` gains ``prev_hash`` and ``row_hash`` (a hash chain per case, filled in here
  for the rows already there), and refuses DELETE while its case exists, and TRUNCATE.
- ``org_log`` is new: what happens to an organisation as a whole (today: a case deleted, by
  whom, when, how many audit entries went with it). Append-only and hash-chained too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from matching.records import chain

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY = "audit_log is append-only: its rows are never changed"
KEEP = "audit_log rows are deleted only with their case"
NO_TRUNCATE = "the audit logs are never truncated"
ORG_LOG = "org_log is append-only: its rows are never changed or deleted"


def upgrade() -> None:
    """Add the identity columns, the hash chain, the organisation log and their guards."""
    op.add_column("users", sa.Column("issuer", sa.String(500), nullable=True))
    op.add_column("users", sa.Column("subject", sa.String(255), nullable=True))
    op.create_index("uq_users_identity", "users", ["issuer", "subject"], unique=True)
    op.add_column(
        "audit_log", sa.Column("prev_hash", sa.String(64), nullable=False, server_default="")
    )
    op.add_column(
        "audit_log", sa.Column("row_hash", sa.String(64), nullable=False, server_default="")
    )
    op.create_table(
        "org_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "org_id", sa.Integer, sa.ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("actor_email", sa.String(320), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False, server_default=""),
        sa.Column("row_hash", sa.String(64), nullable=False, server_default=""),
    )
    op.create_index("ix_org_log_org_id", "org_log", ["org_id"])
    _chain_existing_rows()
    if op.get_bind().dialect.name == "postgresql":
        _guard_postgresql()
    else:
        _guard_sqlite()


def _chain_existing_rows() -> None:
    """Fill in the hash chain of the audit rows already stored (the UPDATE guard is lifted)."""
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    op.execute(
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"
        if postgresql
        else "DROP TRIGGER audit_log_append_only"
    )
    audit = sa.table(
        "audit_log",
        *(
            sa.column(name)
            for name in ("id", "prev_hash", "row_hash", *chain.CHAINS["audit_log"][1])
        ),
    )
    heads: dict[int, str] = {}
    rows = bind.execute(sa.select(audit).order_by(audit.c.case_id, audit.c.id)).mappings().all()
    for row in rows:
        prev = heads.get(row["case_id"], "")
        digest = chain.row_hash("audit_log", prev, row)
        bind.execute(
            sa.update(audit).where(audit.c.id == row["id"]).values(prev_hash=prev, row_hash=digest)
        )
        heads[row["case_id"]] = digest
    if postgresql:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    else:
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def _guard_postgresql() -> None:
    op.execute(
        "CREATE FUNCTION audit_log_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF EXISTS (SELECT 1 FROM cases WHERE id = OLD.case_id) THEN "
        f"RAISE EXCEPTION '{KEEP}'; END IF; RETURN OLD; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_keep BEFORE DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_delete()"
    )
    op.execute(
        "CREATE FUNCTION audit_logs_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{NO_TRUNCATE}'; END $$"
    )
    op.execute(
        "CREATE FUNCTION org_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{ORG_LOG}'; END $$"
    )
    for table in ("audit_log", "org_log"):
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_refuse_truncate()"
        )
    op.execute(
        "CREATE TRIGGER org_log_append_only BEFORE UPDATE OR DELETE ON org_log "
        "FOR EACH ROW EXECUTE FUNCTION org_log_refuse_change()"
    )


def _guard_sqlite() -> None:
    # SQLite has no TRUNCATE: its "DELETE FROM t" without a WHERE runs the DELETE triggers too.
    op.execute(
        "CREATE TRIGGER audit_log_keep BEFORE DELETE ON audit_log "
        "WHEN EXISTS (SELECT 1 FROM cases WHERE id = OLD.case_id) "
        f"BEGIN SELECT RAISE(ABORT, '{KEEP}'); END"
    )
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER org_log_append_only_{event.lower()} BEFORE {event} ON org_log "
            f"BEGIN SELECT RAISE(ABORT, '{ORG_LOG}'); END"
        )


def downgrade() -> None:
    """Refuse: ReadyBed does not go back to an older schema (restore a backup instead)."""
    raise NotImplementedError("ReadyBed's store cannot be downgraded; restore a backup instead.")
