"""ZIP code centres, offline, from the ``zipcodes`` package (GeoNames coordinates, CC BY 4.0).

Ingest uses them to place a facility whose address has no coordinates. They come from the ZIP
table search uses too (:mod:`matching.directory.ziptable`), so the two never disagree. A ZIP
whose centre the package gives as 0,0 (mostly military APO/FPO ZIPs) has no centre here, so
nothing is ever placed at 0,0.
"""

from __future__ import annotations

from functools import lru_cache

from matching.directory.ziptable import zip_table


@lru_cache(maxsize=1)
def zip_centroids() -> dict[str, tuple[float, float]]:
    """Return ``{zip: (lat, lon)}`` for every ZIP with a known, non-zero centre."""
    return zip_table().centroids()


def zip_centroid(zip_code: str) -> tuple[float, float] | None:
    """Return the (lat, lon) centre of a 5-digit ZIP, or None when it has none."""
    return zip_centroids().get(zip_code.strip()[:5])
