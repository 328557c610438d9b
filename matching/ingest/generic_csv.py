"""Read any CSV with names and addresses: columns guessed from their headers, or named by --map.

Such a file names no service codes, so ``keys`` is None and every service stays unknown, never
"no" — unless the user names a column of yes/no answers for it: ``--map methadone=MAT`` reads a
column of yes/no, y/n, true/false or 1/0 as that service (or payer, or who is accepted);
anything else in it (blank, "maybe") stays unknown and the import report counts it.
``choose_columns`` and ``missing_fields`` also serve the Data page's column-mapping form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.directory.service_codes import MAPPABLE_COLUMNS
from matching.errors import ImportFormatError, Problem
from matching.ingest.address import split_addresses
from matching.ingest.report import Raw
from matching.ingest.text import read_csv_text

# A whole address in one cell, split into street, city, state and ZIP when those are missing.
ADDRESS_LINE: Final = "address_line"

# Generic CSV headers, compared after lower-casing and removing everything but letters/digits.
HEADER_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    col.FACILITY_ID: ("facilityid", "id", "frid"),
    col.NAME: ("name", "name1", "facilityname", "facility", "providername", "provider"),
    col.NAME2: ("name2", "program", "programname", "dba"),
    col.STREET: ("street", "street1", "address", "address1", "streetaddress"),
    "street2": ("street2", "address2"),
    col.CITY: ("city", "town"),
    col.STATE: ("state", "st", "statecode"),
    col.ZIP: ("zip", "zipcode", "postal", "postalcode", "zip5", "postcode"),
    col.COUNTY: ("county",),
    col.PHONE: ("phone", "telephone", "phonenumber", "tel"),
    col.INTAKE_PHONE: ("intakephone", "intake", "intake1"),
    col.WEBSITE: ("website", "url", "web", "homepage"),
    col.LAT: ("lat", "latitude", "y"),
    col.LON: ("lon", "lng", "long", "longitude", "x"),
    col.FACILITY_TYPE: ("facilitytype", "typefacility", "type"),
    ADDRESS_LINE: ("addressoneline", "onelineaddress", "fulladdress", "agencyaddress"),
}


# Yes/no columns a user may name with --map: services, payers, who is accepted, programs.
FLAG_FIELDS: Final[tuple[str, ...]] = (*col.SERVICE_COLUMNS, *col.PROFILE_COLUMNS)
_YES: Final = frozenset({"yes", "y", "true", "t", "1", "x"})
_NO: Final = frozenset({"no", "n", "false", "f", "0"})

# Coordinates are optional: a row without them is located by address or ZIP centre.
_GENERIC_REQUIRED: Final = (col.NAME, col.STATE, col.ZIP)


# Canonical columns a generic CSV may carry under their own names (e.g. a ReadyBed export).
GENERIC_PASSTHROUGH: Final = tuple(
    dict.fromkeys(
        (*MAPPABLE_COLUMNS, *col.AVAILABILITY_COLUMNS, col.SOURCE, *col.SECOND_ROUND_COLUMNS)
    )
)


def read_generic_csv(
    data: bytes, filename: str, column_map: Mapping[str, str] | None = None
) -> Raw:
    frame = read_csv_text(data, filename)
    chosen = choose_columns(list(frame.columns), filename, column_map)
    flags = {target: source for target, source in chosen.items() if target in FLAG_FIELDS}
    table = pd.DataFrame(
        {target: frame[source] for target, source in chosen.items() if target not in flags}
    )
    problems = None
    if ADDRESS_LINE in table.columns:
        table, problems = _split_address_line(table)
    missing = missing_fields(list(table.columns))
    if missing:
        raise ImportFormatError(
            f"{filename} is missing required field(s) {', '.join(missing)}; accepted headers: "
            + "; ".join(f"{target}: {'/'.join(HEADER_ALIASES[target])}" for target in missing)
            + " (or name the column with --map FIELD=HEADER)",
            [Problem(None, target, None, "no column with this meaning") for target in missing],
        )
    for name in GENERIC_PASSTHROUGH:
        if name in frame.columns and name not in table.columns:
            table[name] = frame[name]
    for name in (col.LAT, col.LON):
        if name not in table.columns:
            table[name] = ""
    notes = []
    for target, source in flags.items():
        table[target], unread = yes_no(frame[source])
        if unread:
            notes.append(
                f"{unread} cell(s) of {source!r} (--map {target}) are not yes/no, y/n, "
                "true/false or 1/0: unknown on those rows"
            )
    table = table.reset_index(drop=True)
    return Raw(table, np.arange(1, len(frame) + 1), None, problems=problems, notes=tuple(notes))


def yes_no(cells: pd.Series) -> tuple[pd.Series, int]:
    """Return a yes/no column as 'true'/'false' ('' where blank or unreadable), and how many
    non-blank cells could not be read."""
    folded = cells.fillna("").astype("str").str.strip().str.casefold()
    out = pd.Series("", index=cells.index, dtype="str")
    out[folded.isin(_YES)] = "true"
    out[folded.isin(_NO)] = "false"
    unread = int(((folded != "") & (out == "")).sum())
    return out, unread


def choose_columns(
    headers: list[str], filename: str, column_map: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Return canonical field -> header: the user's ``column_map`` first, then the aliases.

    Raises ImportFormatError when the map names an unknown field or a header the file lacks.
    """
    column_map = dict(column_map or {})
    unknown = [
        field for field in column_map if field not in HEADER_ALIASES and field not in FLAG_FIELDS
    ]
    absent = [header for header in column_map.values() if header not in headers]
    if unknown or absent:
        raise ImportFormatError(
            f"{filename}: "
            + "; ".join(
                [
                    f"--map field {f!r} is not one of {', '.join(HEADER_ALIASES)}, or a yes/no "
                    "column such as methadone, residential, pay_medicaid, accepts_female"
                    for f in unknown
                ]
                + [
                    f"--map header {h!r} is not a column (columns: {', '.join(headers)})"
                    for h in absent
                ]
            ),
            [Problem(None, f, None, "unknown field") for f in unknown]
            + [Problem(None, h, None, "no such column") for h in absent],
        )
    by_key: dict[str, str] = {}
    for name in headers:
        by_key.setdefault(_header_key(name), name)
    taken = set(column_map.values())
    chosen = dict(column_map)
    for target, aliases in HEADER_ALIASES.items():
        if target in chosen:
            continue
        found = next((by_key[a] for a in aliases if a in by_key and by_key[a] not in taken), None)
        if found is not None:
            chosen[target] = found
    return chosen


def missing_fields(fields: list[str]) -> list[str]:
    """Return the required canonical fields absent from ``fields``."""
    return [target for target in _GENERIC_REQUIRED if target not in fields]


def _split_address_line(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Fill street, city, state and ZIP from the one-line address where the file lacks them."""
    parts = split_addresses(table[ADDRESS_LINE])
    wanted = [name for name in (col.STREET, col.CITY, col.STATE, col.ZIP) if name not in table]
    out = table.drop(columns=[ADDRESS_LINE]).assign(**{name: parts[name] for name in wanted})
    problems = parts["problem"] if wanted else pd.Series("", index=table.index, dtype="str")
    return out, problems.reset_index(drop=True)


def _header_key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())
