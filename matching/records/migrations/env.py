"""Alembic's environment for the store: run the migrations on the connection it is handed.

:func:`matching.records.migrate.upgrade` opens the connection (inside the store's write lock)
and passes it in ``config.attributes["connection"]``; the migrations run in that transaction,
so an upgrade is all or nothing on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "ReadyBed's migrations run on an open store connection: use "
        "matching.records.store.open_engine(url) (or `python -m matching team migrate`)."
    )
# Batch mode, so the same operations rebuild tables on SQLite (which cannot alter a column or a
# constraint in place) and alter them in place on PostgreSQL.
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
