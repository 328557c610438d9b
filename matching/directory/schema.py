"""Build, coerce, validate, load and save the canonical facility table.

:data:`FIELDS` is the one declarative schema of the table: each column's dtype, whether the
contract requires it, its range, pattern or allowed values, and its label. :func:`check_rows`
applies it and returns every problem, each with a machine-readable ``code``; importers drop the
rows it flags and report them, and :func:`validate_directory` -- the one gate every table passes
before it is used -- raises a :class:`~matching.errors.FacilityDataError` that lists them all.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from matching.directory import columns as col
from matching.errors import FacilityDataError, Problem

# A bed count above this is a typing error, not a facility (the largest US programmes have a
# few thousand beds); it keeps 1e30 and the like out of integer columns.
MAX_BEDS: Final = 10_000

BED_COUNT_COLUMNS: Final[tuple[str, ...]] = (
    col.BED_COLUMNS + col.BEDS_BY_SEX_COLUMNS + (col.BEDS_OPEN_YOUTH, col.LICENSED_BEDS)
)

# Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, kw_only=True, slots=True)
class Field:
    """One column of the facility table and the rules each row's value must follow."""

    name: str
    dtype: str
    label: str
    # A contract column (docs/facility-table.md): a table without it is refused.
    required: bool = False
    # An empty cell (blank text, or no number) is a problem; ``if_empty`` says how to fix it.
    not_empty: bool = False
    if_empty: str = "is empty"
    unique: bool = False
    minimum: float | None = None
    maximum: float | None = None
    # Full-match regular expression for text, and what a mismatch means in words.
    pattern: str | None = None
    pattern_hint: str = ""
    allowed: tuple[str, ...] = ()
    # The other half of a pair given together or not at all (lat and lon).
    pair: str | None = None
    # How messages name the column, when not by its name ("ZIP", "status").
    noun: str = ""

    @property
    def subject(self) -> str:
        """Return how a message names this column."""
        return self.noun or self.name


_LABELS: Final[dict[str, str]] = {
    col.FACILITY_ID: "Facility id",
    col.NAME: "Name",
    col.NAME2: "Second name or programme",
    col.STREET: "Street",
    col.CITY: "City",
    col.STATE: "State",
    col.ZIP: "ZIP",
    col.PHONE: "Phone",
    col.INTAKE_PHONE: "Intake phone",
    col.WEBSITE: "Website",
    col.LAT: "Latitude",
    col.LON: "Longitude",
    col.FACILITY_TYPE: "Facility type",
    col.SOURCE: "Source of the listing",
    col.BEDS_OPEN_DETOX: "Open detox beds",
    col.BEDS_OPEN_RESIDENTIAL: "Open residential beds",
    col.AVAILABILITY_STATUS: "Availability",
    col.AVAILABILITY_REPORTED_AT: "Availability reported at",
    col.AVAILABILITY_SOURCE: "Availability reported by",
    col.LISTED_AT: "Listed at",
    col.LOCATION_PRECISION: "Location precision",
    col.LANGUAGES: "Languages",
    col.ACCREDITATIONS: "Accreditations",
    col.LICENSED_BEDS: "Licensed beds",
    col.BEDS_OPEN_DETOX_FEMALE: "Open detox beds for women",
    col.BEDS_OPEN_DETOX_MALE: "Open detox beds for men",
    col.BEDS_OPEN_RESIDENTIAL_FEMALE: "Open residential beds for women",
    col.BEDS_OPEN_RESIDENTIAL_MALE: "Open residential beds for men",
    col.BEDS_OPEN_YOUTH: "Open beds for youth",
    col.LICENSE_EXPIRES: "Licence expires",
    col.LICENSE_EXPIRED: "Licence expired",
    col.COUNTY: "County",
    col.ACCREDITED: "Accredited",
    col.SERVICES: "Services",
    col.ACCEPTING_NEW_PATIENTS: "Accepting new patients (state listing)",
}


def _field(name: str, **rules: Any) -> Field:
    """Return the field ``name`` with its dtype and label from the column table, plus ``rules``."""
    label = {**_LABELS, **col.SERVICE_LABELS, **col.PROFILE_LABELS}[name]
    required = name in col.CANONICAL_COLUMNS
    return Field(name=name, dtype=col.DTYPES[name], label=label, required=required, **rules)


_UNKNOWN_LOCATION: Final = "is missing (use 0,0 for an unknown location)"

_RULES: Final[tuple[Field, ...]] = (
    _field(col.FACILITY_ID, not_empty=True, unique=True),
    _field(col.NAME, not_empty=True),
    _field(col.STATE, pattern=r"[A-Z]{2}", pattern_hint="is not 2 letters"),
    _field(col.ZIP, pattern=r"\d{5}", pattern_hint="is not 5 digits", noun="ZIP"),
    _field(
        col.LAT, not_empty=True, if_empty=_UNKNOWN_LOCATION, minimum=-90, maximum=90, pair=col.LON
    ),
    _field(
        col.LON, not_empty=True, if_empty=_UNKNOWN_LOCATION, minimum=-180, maximum=180, pair=col.LAT
    ),
    _field(col.AVAILABILITY_STATUS, allowed=col.AVAILABILITY_STATUSES, noun="status"),
    _field(col.LOCATION_PRECISION, allowed=col.LOCATION_PRECISIONS, noun="location precision"),
    *(_field(name, minimum=0, maximum=MAX_BEDS) for name in BED_COUNT_COLUMNS),
)

# The schema: every column of the table in order; columns without rules only have a dtype.
FIELDS: Final[tuple[Field, ...]] = tuple(
    next((rule for rule in _RULES if rule.name == name), None) or _field(name)
    for name in col.ALL_COLUMNS
)
SCHEMA: Final[dict[str, Field]] = {field.name: field for field in FIELDS}


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


# (mask of bad cells, code suffix, message): what parsing a column to its dtype found.
_Bad = tuple[pd.Series, str, str]

# Above this a float no longer holds every whole number exactly; Int64 would overflow later.
_MAX_EXACT_INTEGER: Final = 2**53


def _parse(series: pd.Series, dtype: str) -> tuple[pd.Series, list[_Bad]]:
    """Return ``series`` parsed for ``dtype`` (bad cells NA; counts stay float) and what was bad."""
    if dtype == "str":
        return series.astype("str").where(series.notna(), "").astype("str"), []
    if dtype == "boolean":
        return _parse_boolean(series)
    given = ~_blank(series)
    if dtype.startswith("datetime64"):
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            return series, []
        parsed = pd.to_datetime(series, errors="coerce", utc=True, format="mixed")
        message = "is not a date and time (use ISO 8601, e.g. 2026-11-26T14:30Z)"
        return parsed, [(parsed.isna() & given, "type", message)]
    if pd.api.types.is_numeric_dtype(series.dtype):
        numeric = series.astype("float64")
    else:
        numeric = pd.to_numeric(series.astype("str").str.strip(), errors="coerce")
    bad: list[_Bad] = [(numeric.isna() & given, "type", "is not a number")]
    if dtype == "Int64":
        fractional = numeric.notna() & (numeric % 1 != 0)
        bad.append((fractional, "type", "is not a whole number"))
        numeric = numeric.where(~fractional)
    return numeric.astype("float64"), bad


_TRUE = {"true", "1", "1.0", "yes", "y", "t"}


_FALSE = {"false", "0", "0.0", "no", "n", "f"}


def _parse_boolean(series: pd.Series) -> tuple[pd.Series, list[_Bad]]:
    if series.dtype == "boolean":
        return series, []
    text = series.astype("str").str.strip().str.lower()
    unknown = series.isna() | text.isin({"", "nan", "<na>", "none", "unknown"})
    is_true = text.isin(_TRUE)
    is_false = text.isin(_FALSE)
    result = pd.Series(pd.NA, index=series.index, dtype="boolean")
    result[is_true] = True
    result[is_false] = False
    return result, [(~(unknown | is_true | is_false), "type", "is not true/false")]


def _cast(series: pd.Series, dtype: str, name: str) -> pd.Series:
    values, bad = _parse(series, dtype)
    if dtype == "Int64":
        bad.append((values.abs() > _MAX_EXACT_INTEGER, "type", "is too large to be a count"))
    problems = [
        Problem(int(i) + 1, name, series.iloc[i], message, f"{name}_{code}")
        for mask, code, message in bad
        for i in mask.to_numpy().nonzero()[0]
    ]
    if problems:
        raise FacilityDataError(f"Column {name!r} has values that are not valid", problems)
    return values.astype(dtype)


def check_rows(frame: pd.DataFrame, columns: tuple[str, ...] | None = None) -> list[Problem]:
    """Return every problem the schema finds in ``frame``'s rows, ordered by row.

    Checks each schema column present in ``frame`` (or only ``columns``): the value parses as
    the column's dtype (text such as an imported file's is parsed first), is not empty where
    a value is required, lies in its range, matches its pattern, is one of the allowed values,
    and does not repeat an earlier usable row's. Rows are numbered from 1, as a user counts
    data rows in a spreadsheet; each problem's ``code`` is ``<column>_<check>`` (``lat_range``,
    ``zip_pattern``, ``name_empty``, ``lon_unpaired``, ``facility_id_duplicate``, ...).
    """
    names = [name for name in (columns or tuple(SCHEMA)) if name in frame.columns]
    found: list[tuple[int, int, Problem]] = []
    parsed: dict[str, pd.Series] = {}
    for order, name in enumerate(names):
        field = SCHEMA[name]
        values, bad = _parse(frame[name], field.dtype)
        parsed[name] = values
        for mask, code, message in bad + _rule_masks(field, values, frame):
            for position in mask.to_numpy().nonzero()[0]:
                cell = frame[name].iloc[position]
                problem = Problem(int(position) + 1, name, cell, message, f"{name}_{code}")
                found.append((int(position), order, problem))
    found += _duplicates(frame, names, parsed, {position for position, _, _ in found})
    return [problem for _, _, problem in sorted(found, key=lambda item: item[:2])]


def _blank(series: pd.Series) -> pd.Series:
    """Return a mask of cells that hold nothing (NA, or only white space)."""
    if pd.api.types.is_numeric_dtype(series.dtype) or isinstance(series.dtype, pd.DatetimeTZDtype):
        return series.isna()
    return series.isna() | (series.astype("str").str.strip() == "")


def _rule_masks(field: Field, values: pd.Series, frame: pd.DataFrame) -> list[_Bad]:
    """Return the bad-cell masks of ``field``'s rules over its parsed ``values``."""
    masks: list[_Bad] = []
    empty = _blank(frame[field.name]) if field.not_empty else None
    if empty is not None and field.pair is not None and field.pair in frame.columns:
        partner_given = ~_blank(frame[field.pair])
        message = f"is empty but {field.pair} is given; give both coordinates"
        masks.append((empty & partner_given, "unpaired", message))
        masks.append((empty & ~partner_given, "empty", field.if_empty))
    elif empty is not None:
        masks.append((empty, "empty", field.if_empty))
    if field.minimum is not None and field.maximum is not None:
        outside = values.notna() & ~values.between(field.minimum, field.maximum)
        masks.append((outside, "range", f"is outside {field.minimum:g}..{field.maximum:g}"))
    if field.pattern is not None:
        masks.append((~values.str.fullmatch(field.pattern), "pattern", field.pattern_hint))
    if field.allowed:
        masks.append(
            (~values.isin(field.allowed), "allowed", "must be one of " + ", ".join(field.allowed))
        )
    return masks


def _duplicates(
    frame: pd.DataFrame, names: list[str], parsed: dict[str, pd.Series], flagged: set[int]
) -> list[tuple[int, int, Problem]]:
    """Flag values of unique columns that repeat an earlier row without other problems."""
    found = []
    for order, name in enumerate(names):
        if not SCHEMA[name].unique:
            continue
        values = parsed[name]
        usable = (values != "") & ~pd.Series(range(len(frame)), index=frame.index).isin(flagged)
        repeated = usable & values.where(usable).duplicated(keep="first")
        for position in repeated.to_numpy().nonzero()[0]:
            cell = frame[name].iloc[position]
            problem = Problem(
                int(position) + 1, name, cell, "repeats an earlier row", f"{name}_duplicate"
            )
            found.append((int(position), order, problem))
    return found


def describe(problem: Problem, *, quote_value: bool = True) -> str:
    """Return ``problem`` as one clause naming its column: "ZIP '0210' is not 5 digits"."""
    field = SCHEMA.get(problem.column)
    subject = field.subject if field is not None else problem.column
    missing = problem.value is None or pd.isna(problem.value)
    if quote_value and not missing and not problem.code.endswith(("_empty", "_unpaired")):
        subject += f" '{str(problem.value).strip()[:40]}'"
    return f"{subject} {problem.message}"


def validate_directory(frame: pd.DataFrame) -> pd.DataFrame:
    """Check ``frame`` against the canonical contract and return it coerced to canonical dtypes.

    Raises FacilityDataError listing every problem (row, column, value): missing contract
    columns, unusable types, and every rule of :data:`FIELDS` that a row breaks (see
    :func:`check_rows`): latitude/longitude out of range or missing, states that are not two
    letters, ZIPs that are not five digits, empty or duplicate ``facility_id``, unknown
    availability statuses, bed counts outside 0..MAX_BEDS. A 0,0 coordinate pair is allowed
    and means "location unknown".
    """
    missing = [field.name for field in FIELDS if field.required and field.name not in frame]
    if missing:
        raise FacilityDataError(
            "The facility table is missing required columns",
            [Problem(None, name, None, "column is missing", f"{name}_missing") for name in missing],
        )
    table = coerce_directory(frame)
    problems = [
        dataclasses.replace(problem, message=describe(problem, quote_value=False))
        for problem in check_rows(table)
    ]
    if problems:
        raise FacilityDataError("The facility table is not valid", problems)
    return table


def has_location(frame: pd.DataFrame) -> pd.Series:
    """Return a mask of rows with a usable location (0,0 and NaN mean unknown)."""
    lat, lon = frame[col.LAT], frame[col.LON]
    return lat.notna() & lon.notna() & ~((lat == 0) & (lon == 0))
