"""Build the long ``keys`` frame (row, key, kind) that every coded reader hands to ``normalize``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def long_keys(positions: Any, keys: Any, kind: str, placement: Any) -> pd.DataFrame:
    """Return the long form of listed services: one row per (row position, key)."""
    return pd.DataFrame(
        {
            "position": np.asarray(positions, dtype=int),
            "key": pd.Series(np.asarray(keys, dtype=object), dtype="str"),
            "kind": kind,
            "placement": placement,
        }
    )
