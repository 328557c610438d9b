"""Build, coerce, validate, load and save the canonical facility table.

``validate_directory`` is the one gate every table passes before it is used: it checks the
contract columns, their types, coordinate ranges, states, ZIPs and duplicate ids, and raises a
:class:`~matching.errors.FacilityDataError` that lists every problem at once.
"""

from __future__ import annotations

import re

import pandas as pd

from matching.directory import columns as col
from matching.errors import FacilityDataError, Problem

_STATE_RE = re.compile(r"^[A-Z]{2}$")


_ZIP_RE = re.compile(r"^\d{5}$")


# Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def empty_directory() -> pd.DataFrame:
    """Return a canonical table with no rows and every column at its dtype."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in col.DTYPES.items()})


def coerce_directory(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every canonical column present and cast to its dtype.

    Missing text columns become empty strings, missing service columns unknown (NA), missing
    availability columns unknown. Values that cannot be cast raise a FacilityDataError listing
    each bad cell.
    """
    out = frame.copy()
    problems: list[Problem] = []
    for name, dtype in col.DTYPES.items():
        if name not in out.columns:
            out[name] = _default_column(name, len(out), out.index)
            continue
        try:
            out[name] = _cast(out[name], dtype, name)
        except FacilityDataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FacilityDataError("Some values have the wrong type", problems)
    out[col.LOCATION_PRECISION] = _location_precision(out)
    ordered = list(col.ALL_COLUMNS) + [c for c in out.columns if c not in col.DTYPES]
    return out[ordered]


def _location_precision(table: pd.DataFrame) -> pd.Series:
    """Fill an empty precision: coordinates a source gives are exact, 0,0 is no location."""
    stated = table[col.LOCATION_PRECISION].str.strip()
    located = has_location(table)
    derived = pd.Series("none", index=table.index, dtype="str").where(~located, "exact")
    chosen = stated.where(stated != "", derived).where(stated != "none", derived)
    return chosen.where(located, "none").astype("str")


def _default_column(name: str, length: int, index: pd.Index) -> pd.Series:
    dtype = col.DTYPES[name]
    if name == col.LOCATION_PRECISION:
        return pd.Series(["none"] * length, index=index, dtype="str")
    if name == col.AVAILABILITY_STATUS:
        return pd.Series(["unknown"] * length, index=index, dtype="str")
    if dtype == "str":
        return pd.Series([""] * length, index=index, dtype="str")
    return pd.Series([pd.NA] * length, index=index).astype(dtype)


def _cast(series: pd.Series, dtype: str, name: str) -> pd.Series:
    if dtype == "str":
        return series.astype("str").where(series.notna(), "").astype("str")
    if dtype == "boolean":
        return _to_boolean(series, name)
    if dtype.startswith("datetime64"):
        parsed = pd.to_datetime(series, errors="coerce", utc=True, format="mixed")
        bad = parsed.isna() & series.notna() & (series.astype("str").str.strip() != "")
        _raise_bad(
            series, bad, name, "is not a date and time (use ISO 8601, e.g. 2026-11-26T14:30Z)"
        )
        return parsed.astype(dtype)
    numeric = pd.to_numeric(series, errors="coerce")
    bad = numeric.isna() & series.notna() & (series.astype("str").str.strip() != "")
    _raise_bad(series, bad, name, "is not a number")
    if dtype == "Int64":
        fractional = numeric.notna() & (numeric % 1 != 0)
        _raise_bad(series, fractional, name, "is not a whole number")
        return numeric.astype("Int64")
    return numeric.astype(dtype)


_TRUE = {"true", "1", "1.0", "yes", "y", "t"}


_FALSE = {"false", "0", "0.0", "no", "n", "f"}


def _to_boolean(series: pd.Series, name: str) -> pd.Series:
    if series.dtype == "boolean":
        return series
    text = series.astype("str").str.strip().str.lower()
    unknown = series.isna() | text.isin({"", "nan", "<na>", "none", "unknown"})
    is_true = text.isin(_TRUE)
    is_false = text.isin(_FALSE)
    _raise_bad(series, ~(unknown | is_true | is_false), name, "is not true/false")
    result = pd.Series(pd.NA, index=series.index, dtype="boolean")
    result[is_true] = True
    result[is_false] = False
    return result


def _raise_bad(series: pd.Series, bad: pd.Series, name: str, message: str) -> None:
    # Rows are numbered from 1, as a user counts data rows in a spreadsheet.
    if bad.any():
        raise FacilityDataError(
            f"Column {name!r} has values that are not valid",
            [
                Problem(int(i) + 1, name, series.iloc[i], message)
                for i in bad.to_numpy().nonzero()[0]
            ],
        )


def validate_directory(frame: pd.DataFrame) -> pd.DataFrame:
    """Check ``frame`` against the canonical contract and return it coerced to canonical dtypes.

    Raises FacilityDataError listing every problem (row, column, value): missing contract
    columns, unusable types, latitude/longitude out of range or missing, states that are not
    two letters, ZIPs that are not five digits, empty or duplicate ``facility_id``, unknown
    availability statuses and negative bed counts. A 0,0 coordinate pair is allowed and means
    "location unknown".
    """
    missing = [name for name in col.CANONICAL_COLUMNS if name not in frame.columns]
    if missing:
        raise FacilityDataError(
            "The facility table is missing required columns",
            [Problem(None, name, None, "column is missing") for name in missing],
        )
    table = coerce_directory(frame)
    problems: list[Problem] = []

    def flag(mask: pd.Series, column: str, message: str) -> None:
        for position in mask.to_numpy().nonzero()[0]:
            problems.append(
                Problem(int(position) + 1, column, table[column].iloc[position], message)
            )

    ids = table[col.FACILITY_ID]
    flag(ids.str.strip() == "", col.FACILITY_ID, "facility_id is empty")
    flag(ids.duplicated(keep="first") & (ids != ""), col.FACILITY_ID, "duplicate facility_id")
    flag(table[col.NAME].str.strip() == "", col.NAME, "facility name is empty")
    flag(~table[col.STATE].str.fullmatch(_STATE_RE), col.STATE, "state must be 2 capital letters")
    flag(~table[col.ZIP].str.fullmatch(_ZIP_RE), col.ZIP, "ZIP must be 5 digits, kept as text")
    lat, lon = table[col.LAT], table[col.LON]
    flag(lat.isna(), col.LAT, "latitude is missing (use 0,0 for an unknown location)")
    flag(lon.isna(), col.LON, "longitude is missing (use 0,0 for an unknown location)")
    flag(lat.notna() & ~lat.between(-90, 90), col.LAT, "latitude must be between -90 and 90")
    flag(lon.notna() & ~lon.between(-180, 180), col.LON, "longitude must be between -180 and 180")
    status = table[col.AVAILABILITY_STATUS]
    flag(
        ~status.isin(col.AVAILABILITY_STATUSES),
        col.AVAILABILITY_STATUS,
        "status must be one of " + ", ".join(col.AVAILABILITY_STATUSES),
    )
    flag(
        ~table[col.LOCATION_PRECISION].isin(col.LOCATION_PRECISIONS),
        col.LOCATION_PRECISION,
        "location precision must be one of " + ", ".join(col.LOCATION_PRECISIONS),
    )
    for beds in col.BED_COLUMNS + col.BEDS_BY_SEX_COLUMNS + (col.LICENSED_BEDS,):
        flag(table[beds].fillna(0) < 0, beds, "open beds cannot be negative")
    if problems:
        raise FacilityDataError("The facility table is not valid", problems)
    return table


def has_location(frame: pd.DataFrame) -> pd.Series:
    """Return a mask of rows with a usable location (0,0 and NaN mean unknown)."""
    lat, lon = frame[col.LAT], frame[col.LON]
    return lat.notna() & lon.notna() & ~((lat == 0) & (lon == 0))
