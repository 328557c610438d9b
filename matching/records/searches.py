"""The last search: the search form as the user submitted it, kept in the local store.

The Search page shows the form with these values and the results of exactly these values, so
the two stay in step across page changes and a browser reload. It is stored on this machine
only, like the call log - never in the URL, where a place would travel in history and logs.
Values are plain JSON (strings, numbers, booleans, lists, ISO dates); the page owns their
meaning, so this module stays below the search layer.

The last search is each person's own (``actor.user_id``), not the organisation's: it holds the
place and the answers about one family, and colleagues work on different families at once.
For the same reason it is sealed at rest in team mode (:mod:`matching.records.sealing`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from matching.errors import StoreError
from matching.records.sealing import seal, unseal
from matching.records.store import saved_searches
from matching.records.team import Actor

LAST: Final = "last"


def save_last_search(
    engine: Engine, form: dict[str, Any], *, now: datetime | None = None, actor: Actor
) -> None:
    """Store ``form`` (JSON-serialisable values) as the person's last search, replacing theirs."""
    text = seal(engine, json.dumps(form, sort_keys=True))
    saved_at = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    replace = (
        update(saved_searches).where(_last_of(actor)).values(form_json=text, saved_at=saved_at)
    )
    try:
        with engine.begin() as connection:
            if not connection.execute(replace).rowcount:
                connection.execute(
                    insert(saved_searches).values(
                        user_id=actor.user_id, name=LAST, form_json=text, saved_at=saved_at
                    )
                )
    except IntegrityError:
        # The same person's other tab saved its first search in between: replace that one.
        with engine.begin() as connection:
            if not connection.execute(replace).rowcount:
                raise StoreError(
                    f"The search could not be saved: person {actor.user_id} is not in the store "
                    "(sign in again)."
                ) from None


def load_last_search(engine: Engine, *, actor: Actor) -> dict[str, Any] | None:
    """Return the person's last search form, or None when there is none (or it is unreadable)."""
    with engine.connect() as connection:
        text = connection.execute(
            select(saved_searches.c.form_json).where(_last_of(actor))
        ).scalar_one_or_none()
    if text is None:
        return None
    try:
        form = json.loads(unseal(engine, text))
    except (ValueError, StoreError):
        return None  # A damaged row (or one sealed with a lost key) only costs a new search.
    return form if isinstance(form, dict) else None


def forget_last_search(engine: Engine, *, actor: Actor) -> bool:
    """Delete the person's stored last search; return True when there was one."""
    with engine.begin() as connection:
        return bool(connection.execute(delete(saved_searches).where(_last_of(actor))).rowcount)


def _last_of(actor: Actor) -> ColumnElement[bool]:
    return (saved_searches.c.user_id == actor.user_id) & (saved_searches.c.name == LAST)
