"""Where ReadyBed's shipped data files live (``data/`` at the project root)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

PROJECT_ROOT: Final = Path(__file__).resolve().parents[1]
DATA_DIR: Final = PROJECT_ROOT / "data"
