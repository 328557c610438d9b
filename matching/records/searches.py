"""The last search: the search form as the user submitted it, kept in the local store.

The Search page shows the form with these values and the results of exactly these values, so
the two stay in step across page changes and a browser reload. It is stored on this machine
only, like the call log - never in the URL, where a place would travel in history and logs.
Values are plain JSON (strings, numbers, booleans, lists, ISO dates); the page owns their
meaning, so this module stays below the search layer.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import Engine, delete, insert, select, update

from matching.records.store import saved_searches

LAST: Final = "last"


def save_last_search(engine: Engine, form: dict[str, Any], *, now: datetime | None = None) -> None:
    """Store ``form`` (JSON-serialisable values) as the last search, replacing the previous one."""
    text = json.dumps(form, sort_keys=True)
    saved_at = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    with engine.begin() as connection:
        changed = connection.execute(
            update(saved_searches)
            .where(saved_searches.c.name == LAST)
            .values(form_json=text, saved_at=saved_at)
        ).rowcount
        if not changed:
            connection.execute(
                insert(saved_searches).values(name=LAST, form_json=text, saved_at=saved_at)
            )


def load_last_search(engine: Engine) -> dict[str, Any] | None:
    """Return the last search form, or None when there is none (or it cannot be read)."""
    with engine.connect() as connection:
        text = connection.execute(
            select(saved_searches.c.form_json).where(saved_searches.c.name == LAST)
        ).scalar_one_or_none()
    if text is None:
        return None
    try:
        form = json.loads(text)
    except ValueError:
        return None  # A damaged row only costs the user a new search.
    return form if isinstance(form, dict) else None


def forget_last_search(engine: Engine) -> bool:
    """Delete the stored last search; return True when there was one."""
    with engine.begin() as connection:
        return bool(
            connection.execute(delete(saved_searches).where(saved_searches.c.name == LAST)).rowcount
        )
