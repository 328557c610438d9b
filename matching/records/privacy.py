"""What the Data page's privacy controls delete: addresses looked up online, shortlists.

The online address lookup (opt-in on the Search page) keeps its answers in a small JSON file
beside the store, so a repeated search does not ask OpenStreetMap again; that file holds the
addresses a family typed, so the user must be able to empty it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

from sqlalchemy import Engine

from matching.records.library import library_folder

GEOCODE_CACHE_NAME: Final = "geocode.json"


def geocode_cache_path(engine: Engine) -> Path:
    """Return the file the online address lookup caches its answers in (beside the store)."""
    return library_folder(engine).parent / GEOCODE_CACHE_NAME


def geocoded_address_count(engine: Engine) -> int:
    """Return how many typed addresses the lookup cache holds (0 when there is no cache)."""
    path = geocode_cache_path(engine)
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    return len(cached) if isinstance(cached, dict) else 0


def forget_geocoded_addresses(engine: Engine) -> int:
    """Delete the lookup cache (every typed address in it); return how many addresses it held.

    The file is overwritten with zeros before it is removed, so its text is not left in the
    file's old blocks by this program (the disk itself may still keep copies; see README).
    """
    path = geocode_cache_path(engine)
    count = geocoded_address_count(engine)
    if path.exists():
        size = path.stat().st_size
        with path.open("r+b") as stream:
            stream.write(b"\0" * size)
        path.unlink()
    return count
