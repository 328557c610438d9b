"""Ingest: turn other people's files into the canonical facility table.

One module per source format (``findtreatment`` wide exports, ``api_json`` pages,
``directory_2015``, ``generic_csv``), each a small reader that hands raw columns and the
services each row lists to the shared steps in ``normalize`` (clean addresses, map services,
reject unusable rows with reasons, assign ids, validate). ``sniff`` detects the format,
``text`` decodes bytes safely, ``importers`` holds the entry points and the format registry,
and ``availability`` merges availability feeds into a directory. Ingest builds only on
:mod:`matching.directory`.
"""

from matching.ingest.importers import import_bytes, import_file
from matching.ingest.report import ImportReport, ImportResult
from matching.ingest.sniff import FORMATS, detect_format

__all__ = [
    "FORMATS",
    "ImportReport",
    "ImportResult",
    "detect_format",
    "import_bytes",
    "import_file",
]
