"""ZIP centres for importers that have an address but no coordinates (offline, ``zipcodes``).

Ingest cannot use :mod:`matching.search.geo` (a higher layer), so this is the importers' own
small lookup over the same bundled data. A centre is approximate (median 1.2 mi from the
facility): rows located this way get ``location_precision = "zip_centroid"``.
"""

from __future__ import annotations

from functools import lru_cache

import zipcodes


@lru_cache(maxsize=1)
def _centroids() -> dict[str, tuple[float, float]]:
    # One pass over the bundled data (a fraction of a second, once per process); 0,0 entries
    # (military and some PO boxes) have no centre and are left out.
    table = {}
    for record in zipcodes.list_all():
        lat, lon = float(record["lat"] or 0), float(record["long"] or 0)
        if lat or lon:
            table[record["zip_code"]] = (lat, lon)
    return table


def zip_centroid(zip_code: str) -> tuple[float, float] | None:
    """Return the (lat, lon) centre of a 5-digit ZIP, or None when it has none."""
    return _centroids().get(zip_code.strip()[:5])
