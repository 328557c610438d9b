"""Read FindTreatment.gov exports (CSV or Excel): one wide row per facility, one column per service.

The service columns (a code per column, "1" where offered) become the long ``keys`` frame.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.errors import ImportFormatError
from matching.ingest.keys import long_keys
from matching.ingest.report import Raw
from matching.ingest.text import read_csv_text, require_columns
from matching.ingest.workbook import read_sheet_frame

# FindTreatment.gov locator export: address columns; every other column is a service code.
FINDTREATMENT_ADDRESS: Final[dict[str, str]] = {
    "frid": col.FACILITY_ID,
    "name1": col.NAME,
    "name2": col.NAME2,
    "street1": col.STREET,
    "street2": "street2",
    "city": col.CITY,
    "state": col.STATE,
    "zip": col.ZIP,
    "county": col.COUNTY,
    "phone": col.PHONE,
    "intake1": col.INTAKE_PHONE,
    "website": col.WEBSITE,
    "latitude": col.LAT,
    "longitude": col.LON,
    "type_facility": col.FACILITY_TYPE,
    "typefacility": col.FACILITY_TYPE,
}


_FINDTREATMENT_OTHER: Final = frozenset(
    {"zip4", "intake_prompt", "intake2", "hotline1", "miles", "_irow"}
)


# FindTreatment API categories whose names matter for placement; unmapped names elsewhere
# (therapies, languages, age groups, ...) are counted separately in the report's notes.
PLACEMENT_CATEGORIES: Final = frozenset(
    {"TC", "SET", "OT", "OM", "PHR", "PAY", "PYAS", "LCA", "EXCL", "HOSP", "DETOX", "SUBDT"}
)


# Questions every facility answers with at least one service name (see Raw.answered_groups):
# a mental-health row of the API often has no "Gender accepted" category at all.
ANSWERED_NAMES: Final = (
    frozenset({"Female", "Male"}),
    frozenset(
        {"Adults", "Children/adolescents", "Seniors (65 or older)", "Seniors", "Young adults"}
    ),
)


def read_findtreatment_csv(data: bytes, filename: str) -> Raw:
    return _findtreatment_wide(read_csv_text(data, filename), filename)


def read_findtreatment_xlsx(data: bytes, filename: str) -> Raw:
    frame = read_sheet_frame(data, filename)
    frame.columns = [str(name).strip() for name in frame.columns]
    if frame.empty:
        raise ImportFormatError(f"{filename} has a header but no data rows")
    return _findtreatment_wide(frame, filename)


def _findtreatment_wide(frame: pd.DataFrame, filename: str) -> Raw:
    headers = {name.lower(): name for name in frame.columns}
    required = ("name1", "state", "zip", "latitude", "longitude")
    require_columns(headers, required, filename, "the FindTreatment.gov column(s)")
    table = pd.DataFrame(
        {
            target: frame[headers[source]].astype("str")
            for source, target in FINDTREATMENT_ADDRESS.items()
            if source in headers
        }
    )
    service_columns = [
        name
        for lower, name in headers.items()
        if lower not in FINDTREATMENT_ADDRESS and lower not in _FINDTREATMENT_OTHER
    ]
    parts = []
    for name in service_columns:
        cells = frame[name].astype("str").str.strip()
        if name.lower().startswith("svc_"):
            # A flattened API page: one column per category holding "; "-joined service names.
            names = cells.str.split(";").explode().str.strip()
            names = names[names.notna() & (names != "")]
            category = name[4:].upper()
            parts.append(long_keys(names.index, names, "name", category in PLACEMENT_CATEGORIES))
        else:
            offered = cells.str.lower().isin({"1", "1.0", "true", "yes", "y", "x"})
            positions = offered.to_numpy().nonzero()[0]
            parts.append(long_keys(positions, [name.upper()] * len(positions), "code", True))
    long = pd.concat(parts, ignore_index=True) if parts else long_keys([], [], "code", True)
    # The export's vocabulary is its code columns: a mental-health export has no detox or
    # MOUD column, so it says nothing about them; a flattened API page lists names (None).
    flattened = any(name.lower().startswith("svc_") for name in service_columns)
    vocabulary = None if flattened else frozenset(name.upper() for name in service_columns)
    return Raw(
        table.reset_index(drop=True),
        np.arange(1, len(frame) + 1),
        long,
        vocabulary,
        answered_groups=ANSWERED_NAMES if flattened else (),
    )
