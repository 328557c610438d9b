"""Where ReadyBed's shipped data files live (``data/`` at the project root)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

PROJECT_ROOT: Final = Path(__file__).resolve().parents[1]
DATA_DIR: Final = PROJECT_ROOT / "data"


def cache_dir() -> Path:
    """Return where ReadyBed keeps rebuildable caches: ``$READYBED_CACHE_DIR`` or the user cache.

    Only derived data lives there (nothing a user typed), so deleting it loses nothing.
    """
    configured = os.environ.get("READYBED_CACHE_DIR", "").strip()
    if configured:
        return Path(configured)
    from platformdirs import user_cache_path

    return user_cache_path("readybed", appauthor=False)
