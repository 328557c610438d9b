"""Small canonical directories for search tests: every service "no" unless a row says otherwise."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd

from matching.directory import columns as col
from matching.directory.schema import validate_directory
from matching.search.geo import Location

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
# Midtown Manhattan (ZIP 10001's centroid); facilities are placed relative to it.
ORIGIN = Location(lat=40.7484, lon=-73.9967, label="10001 (New York, NY)", kind="zip")


def facility(number: int, **values: Any) -> dict[str, Any]:
    """Return one facility row: ~``miles`` north of ORIGIN, no services, unknown availability."""
    miles = values.pop("miles", 1.0)
    row: dict[str, Any] = {name: "" for name in col.TEXT_COLUMNS}
    row |= {name: False for name in col.SERVICE_COLUMNS}
    row |= {
        col.FACILITY_ID: f"f{number:03d}",
        col.NAME: f"Facility {number}",
        col.CITY: "New York",
        col.STATE: "NY",
        col.ZIP: "10001",
        col.LAT: ORIGIN.lat + miles / 69.05,
        col.LON: ORIGIN.lon,
        col.BEDS_OPEN_DETOX: pd.NA,
        col.BEDS_OPEN_RESIDENTIAL: pd.NA,
        col.AVAILABILITY_STATUS: "unknown",
        col.AVAILABILITY_REPORTED_AT: pd.NaT,
        col.AVAILABILITY_SOURCE: "",
    }
    return row | values


def directory(*rows: dict[str, Any]) -> pd.DataFrame:
    """Return a validated canonical table of ``rows``."""
    return validate_directory(pd.DataFrame(list(rows)))
