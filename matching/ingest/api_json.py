"""api_json (split from importers.py)."""

from __future__ import annotations

import json
from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.errors import ImportFormatError
from matching.ingest.findtreatment import (
    _FINDTREATMENT_ADDRESS,
    ANSWERED_NAMES,
    PLACEMENT_CATEGORIES,
)
from matching.ingest.keys import _long_keys
from matching.ingest.report import _Raw

# The API JSON names the same fields, except the facility type.
_API_FIELDS: Final[dict[str, str]] = {
    **{key: value for key, value in _FINDTREATMENT_ADDRESS.items() if value != col.FACILITY_TYPE},
    "typeFacility": col.FACILITY_TYPE,
}


def _read_findtreatment_json(data: bytes, filename: str) -> _Raw:
    try:
        document = json.loads(data.decode("utf-8-sig"))
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
    fields = _API_FIELDS
    records: dict[str, list[str]] = {target: [] for target in fields.values()}
    positions: list[int] = []
    keys: list[str] = []
    placement: list[bool] = []
    for position, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        for source, target in fields.items():
            value = row.get(source)
            records[target].append("" if value is None else str(value))
        services = row.get("services") or []
        for service in services if isinstance(services, list) else []:
            if not isinstance(service, dict):
                continue
            category = str(service.get("f2") or "").strip().upper()
            for name in str(service.get("f3") or "").split(";"):
                if name.strip():
                    positions.append(position)
                    keys.append(name.strip())
                    placement.append(category in PLACEMENT_CATEGORIES)
    long = _long_keys(positions, keys, "name", placement)
    table = pd.DataFrame(records, dtype="str")
    return _Raw(table, np.arange(1, len(rows) + 1), long, answered_groups=ANSWERED_NAMES)
