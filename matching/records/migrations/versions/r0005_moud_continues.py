"""A logged call says whether the facility continues buprenorphine / methadone from day one.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

One text column on the call log (issue 22, part 2): ``moud_continues`` is ``yes`` or ``no``
when the caller asked "Will you continue (or start) buprenorphine / methadone from the day of
admission?", and empty when it was not asked (every call logged before). Adding a column with
a default is safe on both backends in place; ``schema_meta`` stays at 2.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add moud_continues to the call log (empty: not asked)."""
    op.add_column(
        "call_log",
        sa.Column("moud_continues", sa.String(8), nullable=False, server_default=""),
    )


def downgrade() -> None:
    """Refuse: ReadyBed does not go back to an older schema (restore a backup instead)."""
    raise NotImplementedError("ReadyBed's store cannot be downgraded; restore a backup instead.")
