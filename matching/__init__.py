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

from matching.directory.demo import load_demo_directory
from matching.directory.io import read_directory, write_directory
from matching.directory.schema import validate_directory
from matching.errors import (
    ConflictError,
    FacilityDataError,
    ImportFormatError,
    LocationError,
    QueryError,
    ReadyBedError,
    StoreError,
)
from matching.ingest.availability import apply_reports, merge_feed_file, read_feed
from matching.ingest.importers import import_bytes, import_file
from matching.ingest.report import ImportReport, ImportResult
from matching.search.engine import search as search_facilities
from matching.search.geo import Location, NominatimGeocoder, resolve_location
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery
from matching.search.scoring import PRESETS, Weights

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
