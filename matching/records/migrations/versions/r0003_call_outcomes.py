"""Logged calls say what was asked and how the call ended: need, payer, outcome.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05

Three text columns on the call log, empty for the calls logged before (their outcome is read
from the availability they reported; need and payer were not recorded). Adding columns with a
default is safe on both backends in place, and a ReadyBed older than this refuses the store by
its revision, so ``schema_meta`` stays at 2.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = ("need", "payer", "outcome")


def upgrade() -> None:
    """Add need, payer and outcome to the call log (empty for the calls already logged)."""
    for name in COLUMNS:
        op.add_column(
            "call_log",
            sa.Column(name, sa.String(16), nullable=False, server_default=""),
        )
