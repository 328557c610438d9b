"""The import formats, one record each: the single place a format is declared.

Every front end reads this registry: the CLI's ``--format`` choices, the Data page's labels,
how a row's ``source`` reads to a person (``render.display.source_name``), the error that names
the right format when a file is forced into the wrong one, and the reader ``import_file`` runs.
A new format is one reader module and one ``Format(...)`` line in ``REGISTRY`` (plus its name in
``ImportFormat``, which ``tests/test_format_registry.py`` checks against this table, and a rule
in ``sniff.detect_format`` if its bytes can tell it apart).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from matching.directory import columns as col
from matching.ingest.api_json import read_findtreatment_json
from matching.ingest.ca_dhcs import read_ca_dhcs
from matching.ingest.co_ladders import FEES, LEVEL_COLUMNS, read_co_ladders
from matching.ingest.directory_2015 import read_directory_2015
from matching.ingest.findtreatment import read_findtreatment_csv, read_findtreatment_xlsx
from matching.ingest.formats import FormatChoice, ImportFormat
from matching.ingest.generic_csv import read_generic_csv
from matching.ingest.national_directory import read_national_directory
from matching.ingest.report import Raw

Container = Literal["csv", "xlsx", "json"]

# Every yes/no column of the canonical table: what a source with a full code list can deny.
EVERY_FLAG: Final[frozenset[str]] = frozenset(
    (*col.SERVICE_COLUMNS, *col.PROFILE_COLUMNS, col.ACCREDITED)
)


@dataclass(frozen=True, kw_only=True)
class Format:
    """One import format: what people call it, what its files hold, and how to read it.

    ``label`` is the choice on the Data page; ``source_name`` how its rows' source reads
    ("SAMHSA National Directory (file.xlsx)"); ``hint`` completes "this file looks like …";
    ``container`` is the kind of file; ``expects`` completes "--format NAME expects …" when a
    file forced into this format is not one (empty: any file of its container will do);
    ``reader`` turns the file's bytes into raw canonical columns. ``denies`` holds the
    columns the format can ever say "not offered" (False) for; every other column of its rows
    is yes or unknown, never no (a test imports each format and checks). Within these, each
    reader denies only on rows that answer the column's category (``data/README.md``).
    """

    name: ImportFormat
    label: str
    source_name: str
    hint: str
    container: Container
    expects: str
    reader: Callable[[bytes, str], Raw]
    denies: frozenset[str]


REGISTRY: Final[tuple[Format, ...]] = (
    Format(name="findtreatment-csv", label="FindTreatment.gov export (CSV)",
           source_name="FindTreatment.gov export", hint="a FindTreatment.gov CSV export",
           container="csv", expects="the columns name1, latitude and longitude",
           reader=read_findtreatment_csv,
           denies=EVERY_FLAG),
    Format(name="findtreatment-xlsx", label="FindTreatment.gov export (Excel)",
           source_name="FindTreatment.gov export", hint="a FindTreatment.gov Excel export",
           container="xlsx", expects="an Excel workbook", reader=read_findtreatment_xlsx,
           denies=EVERY_FLAG),
    Format(name="findtreatment-json", label="FindTreatment.gov API (JSON)",
           source_name="FindTreatment.gov data", hint="a FindTreatment.gov API JSON page",
           container="json", expects="a JSON object with 'rows'",
           reader=read_findtreatment_json,
           denies=EVERY_FLAG),
    Format(name="directory-2015", label="National Directory 2015 (CSV)",
           source_name="SAMHSA directory (2015 format)", hint="the 2015 National Directory",
           container="csv", expects="a 'Keys' column", reader=read_directory_2015,
           denies=EVERY_FLAG),
    Format(name="generic-csv", label="Other CSV (name, address, ZIP, latitude, longitude)",
           source_name="Imported listing", hint="a generic CSV", container="csv", expects="",
           reader=read_generic_csv,
           denies=EVERY_FLAG),
    Format(name="national-directory", label="National Directory 2022-2025 (Excel)",
           source_name="SAMHSA National Directory",
           hint="SAMHSA's National Directory workbook (2022-2025)", container="xlsx",
           expects="an Excel workbook", reader=read_national_directory,
           denies=EVERY_FLAG),
    Format(name="ca-dhcs-licensing", label="California DHCS licensing list (CSV)",
           source_name="California DHCS licensing list",
           hint="California DHCS's licensing list", container="csv",
           expects="the columns license_number, setting_code and treatment_capacity",
           reader=read_ca_dhcs,
           denies=frozenset({"residential", "detox_any", "accepts_female", "accepts_male",
                               col.LICENSE_EXPIRED})),
    Format(name="co-ladders", label="Colorado LADDERS provider directory (CSV)",
           source_name="Colorado LADDERS provider directory",
           hint="Colorado's LADDERS provider directory feed", container="csv",
           expects="the columns AccountName, AddressOneLine and SubstanceUseServices",
           reader=read_co_ladders,
           denies=frozenset({*LEVEL_COLUMNS, *FEES.values(), "lang_spanish", "lang_sign",
                               "otp_certified", "telehealth"})),
)  # fmt: skip

BY_NAME: Final[dict[str, Format]] = {entry.name: entry for entry in REGISTRY}
# What a caller may ask for: "auto" (detect from the bytes) or a registered format.
FORMATS: Final[tuple[FormatChoice, ...]] = ("auto", *(entry.name for entry in REGISTRY))
AUTO_LABEL: Final = "Detect automatically"


def label_of(choice: str) -> str:
    """Return the Data page's words for a format choice ("auto" included)."""
    if choice == "auto":
        return AUTO_LABEL
    return BY_NAME[choice].label if choice in BY_NAME else choice
