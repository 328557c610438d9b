"""The local store as ReadyBed created it before team mode (schema_meta version 1).

Revision ID: 0001
Revises:
Create Date: 2026-12-01

Call log, shortlists, the directory library, settings, the last search and cases, exactly as
``metadata.create_all`` made them, so a store written by that version is stamped 0001 as it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables of schema version 1."""
    meta = op.create_table(
        "schema_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(256), nullable=False),
    )
    op.bulk_insert(meta, [{"key": "schema_version", "value": "1"}])
    _call_log_and_shortlists()
    _library_and_settings()
    _cases()


def _call_log_and_shortlists() -> None:
    op.create_table(
        "call_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("facility_id", sa.String(128), nullable=False),
        sa.Column("beds_open_detox", sa.Integer, nullable=True),
        sa.Column("beds_open_residential", sa.Integer, nullable=True),
        sa.Column("availability_status", sa.String(32), nullable=False),
        sa.Column("reported_at", sa.DateTime, nullable=False),
        sa.Column("answered_by", sa.String(200), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("logged_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_call_log_facility_id", "call_log", ["facility_id"])
    op.create_table(
        "shortlists",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "shortlist_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "shortlist_id",
            sa.Integer,
            sa.ForeignKey("shortlists.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("facility_id", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
        *(
            sa.Column(name, sa.String(length), nullable=False)
            for name, length in (
                ("name", 300),
                ("phone", 64),
                ("intake_phone", 64),
                ("website", 500),
                ("street", 300),
                ("city", 120),
                ("state", 2),
                ("zip", 10),
            )
        ),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("distance_miles", sa.Float, nullable=True),
        sa.Column("origin_label", sa.String(200), nullable=False),
        sa.UniqueConstraint("shortlist_id", "facility_id", name="uq_shortlist_facility"),
    )
    op.create_index("ix_shortlist_items_shortlist_id", "shortlist_items", ["shortlist_id"])


def _library_and_settings() -> None:
    op.create_table(
        "directories",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("format", sa.String(64), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(500), nullable=False),
    )
    op.create_table(
        "saved_searches",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("form_json", sa.Text, nullable=False),
        sa.Column("saved_at", sa.DateTime, nullable=False),
    )


def _cases() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("plan_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "case_placements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _case_id(),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("facility_id", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("data_json", sa.Text, nullable=False),
        sa.UniqueConstraint("case_id", "facility_id", name="uq_case_facility"),
    )
    op.create_index("ix_case_placements_case_id", "case_placements", ["case_id"])
    op.create_table(
        "case_contact_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _case_id(),
        sa.Column("facility_id", sa.String(128), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_case_contact_log_case_id", "case_contact_log", ["case_id"])


def _case_id() -> sa.Column:
    return sa.Column(
        "case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
    )


def downgrade() -> None:
    """Refuse: ReadyBed does not go back to an older schema (restore a backup instead)."""
    raise NotImplementedError("ReadyBed's store cannot be downgraded; restore a backup instead.")
