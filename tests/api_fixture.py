"""Thirty FindTreatment.gov API rows near Charlottesville, made from a committed fixture.

tests/fixtures/import_api.json holds two hand-written rows in the API's shape; these are copied
into distinct facilities (own id, name, street and coordinates), so paging, retries, caching and
merging are tested on every checkout, without the real page in ../shared.
"""

from __future__ import annotations

import json
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "import_api.json"


def api_rows(count: int = 30) -> list[dict]:
    """Return ``count`` distinct facility rows in the API's shape."""
    base = json.loads(FIXTURE.read_text(encoding="utf-8"))["rows"]
    rows = []
    for number in range(count):
        row = json.loads(json.dumps(base[number % len(base)]))  # a deep copy
        row |= {
            "frid": f"ft-{number + 1:04d}",
            "name1": f"{row['name1']} {number + 1}",
            "street1": f"{10 + number} {row['street1']}",
            "latitude": f"{38.0 + number * 0.002:.4f}",
            "longitude": f"{-78.48 + number * 0.002:.4f}",
        }
        rows.append(row)
    return rows
