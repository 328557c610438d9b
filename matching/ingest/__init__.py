"""Ingest: turn other people's files into the canonical facility table.

One module per source format (``findtreatment`` wide exports, ``api_json`` pages,
``directory_2015``, ``generic_csv``), each a small reader that hands raw columns and the
services each row lists to the shared steps in ``normalize`` (clean addresses, map services,
reject unusable rows with reasons, assign ids, validate). ``sniff`` detects the format,
``text`` decodes bytes safely, ``importers`` holds the entry points and the format registry,
and ``availability`` merges availability feeds into a directory. Ingest builds only on
:mod:`matching.directory`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from matching.ingest.registry import FORMATS
from matching.ingest.sniff import detect_format

if TYPE_CHECKING:
    from matching.ingest.importers import import_bytes, import_file
    from matching.ingest.report import ImportReport, ImportResult

# The importers pull in openpyxl and every format reader; the CLI needs only FORMATS to parse
# its arguments, so they load on first use (PEP 562) and ``from matching.ingest import X``
# still works.
_LAZY: dict[str, str] = {
    "import_bytes": "matching.ingest.importers",
    "import_file": "matching.ingest.importers",
    "ImportReport": "matching.ingest.report",
    "ImportResult": "matching.ingest.report",
}


def __getattr__(name: str) -> Any:
    """Import a public name of the subpackage on first access."""
    if name not in _LAZY:
        raise AttributeError(f"module 'matching.ingest' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


__all__ = [
    "FORMATS",
    "ImportReport",
    "ImportResult",
    "detect_format",
    "import_bytes",
    "import_file",
]
