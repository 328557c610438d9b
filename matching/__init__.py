"""ReadyBed's matching package: the facility directory, search and placement readiness.

The public API in a few lines::

    from matching import FacilityIndex, SearchQuery, load_demo_directory, resolve_location
    from matching import search_facilities

    index = FacilityIndex(load_demo_directory())          # build once, reuse for every query
    query = SearchQuery(origin=resolve_location("10001"), radius_miles=40, detox="any")
    ranked = search_facilities(index, query, top=20)      # best first, with reasons

Importers (``import_file``, ``import_bytes``) turn SAMHSA listings into the canonical table
(``matching.directory.columns``); ``apply_reports`` merges availability reports into it. This
package never imports streamlit: the app in ``app.py`` and ``app_pages/`` is a thin layer over it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from matching.errors import (
    ConflictError,
    FacilityDataError,
    ImportFormatError,
    LocationError,
    QueryError,
    ReadyBedError,
    StoreError,
)

if TYPE_CHECKING:
    from matching.directory.demo import load_demo_directory
    from matching.directory.io import read_directory, write_directory
    from matching.directory.schema import validate_directory
    from matching.ingest.availability import apply_reports, merge_feed_file, read_feed
    from matching.ingest.importers import import_bytes, import_file
    from matching.ingest.report import ImportReport, ImportResult
    from matching.search.engine import search as search_facilities
    from matching.search.geo import Location, NominatimGeocoder, resolve_location
    from matching.search.index import FacilityIndex
    from matching.search.query import SearchQuery
    from matching.search.scoring import PRESETS, Weights

# The rest of the public API is imported on first use (PEP 562): ``import matching`` then
# costs milliseconds instead of the ~1.5 s of pandas, geopy and every subpackage, so a
# command that needs one part (the CLI's search, an import) pays only for that part.
# ``from matching import X`` works as before. Errors above are light and imported at once.
_LAZY: dict[str, tuple[str, str]] = {
    "load_demo_directory": ("matching.directory.demo", "load_demo_directory"),
    "read_directory": ("matching.directory.io", "read_directory"),
    "write_directory": ("matching.directory.io", "write_directory"),
    "validate_directory": ("matching.directory.schema", "validate_directory"),
    "apply_reports": ("matching.ingest.availability", "apply_reports"),
    "merge_feed_file": ("matching.ingest.availability", "merge_feed_file"),
    "read_feed": ("matching.ingest.availability", "read_feed"),
    "import_bytes": ("matching.ingest.importers", "import_bytes"),
    "import_file": ("matching.ingest.importers", "import_file"),
    "ImportReport": ("matching.ingest.report", "ImportReport"),
    "ImportResult": ("matching.ingest.report", "ImportResult"),
    "search_facilities": ("matching.search.engine", "search"),
    "Location": ("matching.search.geo", "Location"),
    "NominatimGeocoder": ("matching.search.geo", "NominatimGeocoder"),
    "resolve_location": ("matching.search.geo", "resolve_location"),
    "FacilityIndex": ("matching.search.index", "FacilityIndex"),
    "SearchQuery": ("matching.search.query", "SearchQuery"),
    "PRESETS": ("matching.search.scoring", "PRESETS"),
    "Weights": ("matching.search.scoring", "Weights"),
}


def __getattr__(name: str) -> Any:
    """Import a public name of the package on first access."""
    if name not in _LAZY:
        raise AttributeError(f"module 'matching' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # later accesses skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "PRESETS",
    "ConflictError",
    "FacilityDataError",
    "FacilityIndex",
    "ImportFormatError",
    "ImportReport",
    "ImportResult",
    "Location",
    "LocationError",
    "NominatimGeocoder",
    "QueryError",
    "ReadyBedError",
    "SearchQuery",
    "StoreError",
    "Weights",
    "apply_reports",
    "import_bytes",
    "import_file",
    "load_demo_directory",
    "merge_feed_file",
    "read_directory",
    "read_feed",
    "resolve_location",
    "search_facilities",
    "validate_directory",
    "write_directory",
]
