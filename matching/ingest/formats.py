"""The names of the import formats: a leaf module, so any ingest module can name them."""

from __future__ import annotations

from typing import Literal

ImportFormat = Literal[
    "findtreatment-csv",
    "findtreatment-xlsx",
    "findtreatment-json",
    "directory-2015",
    "generic-csv",
    "national-directory",
    "ca-dhcs-licensing",
    "co-ladders",
]
# What a caller may ask for: a format, or "auto" to detect it.
FormatChoice = Literal["auto"] | ImportFormat
