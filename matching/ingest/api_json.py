"""Read FindTreatment.gov's API JSON (a page with "rows", as the locator's search API returns it).

Each row's services come as category/name lists; they become the long ``keys`` frame that
``normalize`` maps through the one service mapping. ``api_rows_to_raw`` is shared with the live
refresh (``matching.live.findtreatment_api``).
"""

from __future__ import annotations

import json
from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.errors import ImportFormatError
from matching.ingest.findtreatment import (
    ANSWERED_NAMES,
    FINDTREATMENT_ADDRESS,
    PLACEMENT_CATEGORIES,
)
from matching.ingest.keys import long_keys
from matching.ingest.report import Raw
from matching.ingest.safe_json import JsonShapeError, load_json_safely

# The API JSON names the same fields, except the facility type.
_API_FIELDS: Final[dict[str, str]] = {
    **{key: value for key, value in FINDTREATMENT_ADDRESS.items() if value != col.FACILITY_TYPE},
    "typeFacility": col.FACILITY_TYPE,
}


def read_findtreatment_json(data: bytes, filename: str) -> Raw:
    try:
        document = load_json_safely(data)
    except JsonShapeError as exc:
        raise ImportFormatError(f"{filename} was not read: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{filename} is not UTF-8 JSON (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"{filename} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "the file may be truncated — download it again"
        ) from exc
    rows = document.get("rows") if isinstance(document, dict) else document
    if not isinstance(rows, list):
        raise ImportFormatError(
            f"{filename} is JSON but has no 'rows' list; expected a FindTreatment.gov API page"
        )
    if not rows:
        raise ImportFormatError(f"{filename} has an empty 'rows' list: no facilities to import")
    return api_rows_to_raw(rows)


def api_rows_to_raw(rows: list[object]) -> Raw:
    """Return the raw columns and listed services of API rows already parsed from JSON."""
    records = [row if isinstance(row, dict) else {} for row in rows]
    columns = {
        target: ["" if (value := row.get(source)) is None else str(value) for row in records]
        for source, target in _API_FIELDS.items()
    }
    positions: list[int] = []
    keys: list[str] = []
    placement: list[bool] = []
    # Rows repeat the same category lists ("Cash or self-payment; Medicaid; ..."): each
    # distinct (category, list) is split once. A 10,000-row refresh lists ~a million names.
    split: dict[tuple[object, object], tuple[list[str], list[bool]]] = {}
    for position, row in enumerate(records):
        services = row.get("services") or []
        for service in services if isinstance(services, list) else []:
            if not isinstance(service, dict):
                continue
            key = (service.get("f2"), service.get("f3"))
            if key not in split:
                split[key] = _split_names(*key)
            names, placed = split[key]
            positions.extend([position] * len(names))
            keys.extend(names)
            placement.extend(placed)
    long = long_keys(positions, keys, "name", placement)
    table = pd.DataFrame(columns, dtype="str")
    return Raw(table, np.arange(1, len(rows) + 1), long, answered_groups=ANSWERED_NAMES)


def _split_names(category: object, names: object) -> tuple[list[str], list[bool]]:
    """Return a service list's names and, for each, whether its category is placement-relevant."""
    listed = [name.strip() for name in str(names or "").split(";") if name.strip()]
    relevant = str(category or "").strip().upper() in PLACEMENT_CATEGORIES
    return listed, [relevant] * len(listed)
