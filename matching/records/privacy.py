"""What the Data page's privacy controls delete: addresses looked up online, shortlists.

The online address lookup (opt-in on the Search page) keeps its answers in a small JSON file
beside the store, so a repeated search does not ask OpenStreetMap again; that file holds the
addresses a family typed, so the user must be able to empty it.

On a team server the cache is each person's own, not their organisation's: the addresses are
places one person typed while searching for one family (like the last search, which is per
person too). A colleague should neither see how many a person typed nor empty someone else's;
and a shared cache would only save a few lookups. It lives in a ``user-<id>`` folder inside the
organisation's folder (:func:`matching.records.library.data_folder`); the local person keeps
today's file beside the store.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

from sqlalchemy import Engine

from matching.records.library import data_folder, private_folder
from matching.records.team import Actor

GEOCODE_CACHE_NAME: Final = "geocode.json"


def geocode_cache_path(engine: Engine, *, actor: Actor) -> Path:
    """Return the file the person's online address lookups are cached in (its folder created).

    The folder is created owner-only here: the lookup writes the file, and would otherwise make
    the folder with the default (world-readable) permissions.
    """
    path = _cache_file(engine, actor)
    private_folder(path.parent)
    return path


def geocoded_address_count(engine: Engine, *, actor: Actor) -> int:
    """Return how many typed addresses the person's lookup cache holds (0 when there is none)."""
    path = _cache_file(engine, actor)
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    return len(cached) if isinstance(cached, dict) else 0


def forget_geocoded_addresses(engine: Engine, *, actor: Actor) -> int:
    """Delete the person's lookup cache (every address in it); return how many it held.

    The file is overwritten with zeros before it is removed, so its text is not left in the
    file's old blocks by this program (the disk itself may still keep copies; see README).
    """
    path = _cache_file(engine, actor)
    count = geocoded_address_count(engine, actor=actor)
    if path.exists():
        size = path.stat().st_size
        with path.open("r+b") as stream:
            stream.write(b"\0" * size)
        path.unlink()
    return count


def _cache_file(engine: Engine, actor: Actor) -> Path:
    folder = data_folder(engine, actor=actor)
    if not actor.is_local:
        folder = folder / f"user-{actor.user_id}"
    return folder / GEOCODE_CACHE_NAME
