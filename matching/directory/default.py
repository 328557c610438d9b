"""The directory ReadyBed ships: SAMHSA's National Directory 2023, located (see data/README.md).

It is the default of ``python -m matching search`` and of the app, and the default reference
for locating an import by address. It is a canonical CSV built by one command (data/README.md,
"The embedded directory"); nothing at run time reads the raw SAMHSA files.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from matching.directory.io import read_directory
from matching.paths import DATA_DIR

DEFAULT_CSV: Final = DATA_DIR / "national_directory_2023.csv"
DEFAULT_EDITION: Final = 2023
DEFAULT_NAME: Final = f"SAMHSA National Directory {DEFAULT_EDITION} (real facilities)"
# Said wherever a listing from it shows: its age and that a call confirms it.
DEFAULT_NOTICE: Final = f"SAMHSA National Directory {DEFAULT_EDITION} — call to confirm"


def load_default_directory() -> pd.DataFrame:
    """Read and validate the shipped directory."""
    return read_directory(DEFAULT_CSV)
