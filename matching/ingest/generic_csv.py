"""generic_csv (split from importers.py)."""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.directory.service_codes import MAPPABLE_COLUMNS
from matching.errors import ImportFormatError, Problem
from matching.ingest.report import _Raw
from matching.ingest.text import read_csv_text

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
}


_GENERIC_REQUIRED: Final = (col.NAME, col.STATE, col.ZIP, col.LAT, col.LON)


# Canonical columns a generic CSV may carry under their own names (e.g. a ReadyBed export).
_GENERIC_PASSTHROUGH: Final = tuple(
    dict.fromkeys(
        (*MAPPABLE_COLUMNS, *col.AVAILABILITY_COLUMNS, col.SOURCE, *col.SECOND_ROUND_COLUMNS)
    )
)


def _read_generic_csv(data: bytes, filename: str) -> _Raw:
    frame = read_csv_text(data, filename)
    by_key: dict[str, str] = {}
    for name in frame.columns:
        by_key.setdefault(_header_key(name), name)
    chosen: dict[str, str] = {}
    for target, aliases in HEADER_ALIASES.items():
        found = next((by_key[alias] for alias in aliases if alias in by_key), None)
        if found is not None:
            chosen[target] = found
    missing = [target for target in _GENERIC_REQUIRED if target not in chosen]
    if missing:
        raise ImportFormatError(
            f"{filename} is missing required field(s) {', '.join(missing)}; accepted headers: "
            + "; ".join(f"{target}: {'/'.join(HEADER_ALIASES[target])}" for target in missing),
            [Problem(None, target, None, "no column with this meaning") for target in missing],
        )
    table = pd.DataFrame({target: frame[source] for target, source in chosen.items()})
    for name in _GENERIC_PASSTHROUGH:
        if name in frame.columns and name not in table.columns:
            table[name] = frame[name]
    return _Raw(table.reset_index(drop=True), np.arange(1, len(frame) + 1), None)


def _header_key(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())
