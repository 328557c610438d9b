"""The licensing signal: licensed capacity (never availability) and an expired licence.

A state licensing list (California DHCS) says how many beds a facility is licensed for and
when its licence expires. Capacity is worded so nobody reads it as open beds; an expired
licence - marked so by the list, or past its expiry date - is a warning on the facility and
in the ranking's reasons. Neither changes the score: the list can lag a renewal.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from matching.directory import columns as col

EXPIRED_WARNING = "⚠ state licence expired - ask whether it was renewed"


def license_notes(directory: pd.DataFrame, positions: np.ndarray, now: datetime) -> list[str]:
    """Return, per facility at ``positions``, its licensing note ("" when the list says nothing)."""
    # Only the three licensing columns are taken: all of a directory's rows cost ~10 ms.
    names = [
        n for n in (col.LICENSED_BEDS, col.LICENSE_EXPIRED, col.LICENSE_EXPIRES) if n in directory
    ]
    rows = directory[names].iloc[positions] if len(positions) else directory[names].iloc[:0]
    capacity = _column(rows, col.LICENSED_BEDS, "Float64").to_numpy(
        dtype="float64", na_value=np.nan
    )
    marked = _column(rows, col.LICENSE_EXPIRED, "boolean").fillna(False).to_numpy(dtype=bool)
    expires = pd.to_datetime(_column(rows, col.LICENSE_EXPIRES, "datetime64[ns, UTC]"), utc=True)
    past = (expires < pd.Timestamp(now).tz_convert("UTC")).fillna(False).to_numpy(dtype=bool)
    notes = []
    for beds, expired in zip(capacity.tolist(), (marked | past).tolist(), strict=True):
        parts = [capacity_text(beds)] if np.isfinite(beds) else []
        if expired:
            parts.append(EXPIRED_WARNING)
        notes.append(" · ".join(parts))
    return notes


def capacity_text(beds: float) -> str:
    """Return licensed capacity in words that cannot be read as open beds."""
    count = int(beds)
    return f"licensed for {count} bed{'s' if count != 1 else ''} (capacity, not availability)"


def _column(rows: pd.DataFrame, name: str, dtype: str) -> pd.Series:
    if name in rows.columns:
        return rows[name].astype(dtype)
    return pd.Series(pd.NA, index=rows.index).astype(dtype)
