"""The SAMHSA service code/name -> canonical column mapping, read from ``data/service_codes.csv``.

Every importer asks this module what a code (``HID``) or a service name ("Hospital inpatient
detoxification") means. One key may set several columns (``DM`` is methadone *and* detox), and a
key listed with an empty column is known but irrelevant to placement. A key absent from the file
is *unmapped*: importers count and report it, never drop it silently.

Names are matched after :func:`normalize_name`, which forgives case, punctuation, trademark
signs and the renamings SAMHSA made between years ("Substance abuse" became "Substance use").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Final

from matching.directory import columns as col
from matching.errors import FacilityDataError, Problem
from matching.paths import DATA_DIR

MAPPING_PATH: Final = DATA_DIR / "service_codes.csv"

# Columns a mapping row may name: the service flags, the accreditation flag, the §1b flags and
# the two text columns that collect the labels of the codes a row lists.
MAPPED_TEXT_COLUMNS: Final[tuple[str, ...]] = (col.LANGUAGES, col.ACCREDITATIONS)
MAPPABLE_FLAG_COLUMNS: Final[tuple[str, ...]] = (
    *col.SERVICE_COLUMNS,
    col.ACCREDITED,
    *col.PROFILE_COLUMNS,
)
MAPPABLE_COLUMNS: Final[tuple[str, ...]] = (*MAPPABLE_FLAG_COLUMNS, *MAPPED_TEXT_COLUMNS)

# A row's optional ``scope``: empty = the key *defines* its column (a source whose vocabulary
# holds the key can say "no"); ``implies`` = listing the key means yes, but a source that has it
# and not a defining key cannot say no (methadone detoxification implies opioid detox, yet a
# directory without an opioid-detox code says nothing about other opioid detox).
SCOPES: Final = ("", "implies")

_MARKS = re.compile(r"[\u00ae\u2122\u00a9]")  # ® ™ ©
_NON_WORD = re.compile(r"[^0-9a-z]+")

# Wording SAMHSA changed between directory years, applied to normalised text (old -> current).
# Brand names in parentheses vary by year too, so they are dropped.
RENAMINGS: Final[tuple[tuple[str, str], ...]] = (
    ("substance abuse", "substance use"),
    ("federal military insurance", "military insurance"),
    ("military insurance e g va tricare", "military insurance e g tricare"),
    ("relapse prevention from naltrexone", "relapse prevention with naltrexone"),
    ("prescribes administers", "prescribes"),
    ("for example sublocade", ""),
    ("suboxone", ""),
    ("vivitrol", ""),
    ("extended release injectable naltrexone", "naltrexone extended release injectable"),
    ("do not use medication", "does not use medication"),
    ("samhsa certified opioid treatment program", "federally certified opioid treatment program"),
    ("pre determined time", "predetermined time"),
    ("state substance use treatment agency", "state substance use agency"),
)
_RENAMING_PATTERNS: Final = tuple(
    (re.compile(rf"\b{re.escape(old)}\b"), new) for old, new in RENAMINGS
)


def normalize_name(name: str) -> str:
    """Return the matching key of a service name: casefolded, marks and punctuation removed."""
    text = _MARKS.sub("", name).casefold().replace("&", " and ")
    text = _NON_WORD.sub(" ", text).strip()
    for pattern, new in _RENAMING_PATTERNS:
        text = pattern.sub(new, text)
    return " ".join(text.split())


def normalize_code(code: str) -> str:
    """Return the matching key of a service code (``" hid "`` -> ``"HID"``)."""
    return code.strip().upper()


@dataclass(frozen=True)
class ServiceMapping:
    """Lookup from codes and normalised names to the canonical columns they set."""

    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    # The columns each code *defines* (scope empty): what a vocabulary holding it can deny.
    defining_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def columns_for_code(self, code: str) -> tuple[str, ...] | None:
        """Return the columns ``code`` sets, ``()`` if known but unused, None if unmapped."""
        return self.codes.get(normalize_code(code))

    def columns_for_name(self, name: str) -> tuple[str, ...] | None:
        """Return the columns a service name sets, ``()`` if known but unused, None if unmapped."""
        return self.names.get(normalize_name(name))

    def answerable_columns(self, vocabulary: Iterable[str] | None) -> frozenset[str]:
        """Return the columns a source whose code list is ``vocabulary`` can answer yes *or no*.

        ``None`` stands for the whole current vocabulary (service names of the live API, whose
        list ReadyBed cannot see): every mappable column is answerable.
        """
        if vocabulary is None:
            return frozenset(MAPPABLE_COLUMNS)
        return frozenset(
            column
            for code in vocabulary
            for column in self.defining_codes.get(normalize_code(code), ())
        )


def parse_mapping(text: str, origin: str = "service_codes.csv") -> ServiceMapping:
    """Build a :class:`ServiceMapping` from the CSV text of a mapping file.

    Raises FacilityDataError listing every row with an unknown kind, column or scope.
    """
    codes: dict[str, list[str]] = {}
    names: dict[str, list[str]] = {}
    defining: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    problems: list[Problem] = []
    reader = csv.DictReader(text.splitlines())
    missing = {"kind", "key", "column", "label"} - set(reader.fieldnames or ())
    if missing:
        raise FacilityDataError(
            f"{origin} must have the columns kind,key,column,label",
            [Problem(None, name, None, "column is missing") for name in sorted(missing)],
        )
    for number, row in enumerate(reader, start=1):
        kind, key = row["kind"].strip(), row["key"].strip()
        column, label = row["column"].strip(), row["label"].strip()
        scope = (row.get("scope") or "").strip()
        if scope not in SCOPES:
            problems.append(Problem(number, "scope", scope, "scope must be empty or 'implies'"))
            continue
        if kind not in ("code", "name"):
            problems.append(Problem(number, "kind", kind, "kind must be 'code' or 'name'"))
            continue
        if not key:
            problems.append(Problem(number, "key", key, "key is empty"))
            continue
        if column and column not in MAPPABLE_COLUMNS:
            problems.append(Problem(number, "column", column, "not a canonical service column"))
            continue
        table, lookup_key = (
            (codes, normalize_code(key)) if kind == "code" else (names, normalize_name(key))
        )
        targets = table.setdefault(lookup_key, [])
        if column and column not in targets:
            targets.append(column)
        if kind == "code" and column and not scope:
            defined = defining.setdefault(lookup_key, [])
            if column not in defined:
                defined.append(column)
        labels.setdefault(f"{kind}:{lookup_key}", label)
    if problems:
        raise FacilityDataError(f"{origin} has invalid rows", problems)
    return ServiceMapping(
        codes={key: tuple(value) for key, value in codes.items()},
        names={key: tuple(value) for key, value in names.items()},
        labels=labels,
        defining_codes={key: tuple(value) for key, value in defining.items()},
    )


@lru_cache(maxsize=1)
def load_mapping(path: Path = MAPPING_PATH) -> ServiceMapping:
    """Return the project's mapping (read once per process)."""
    return parse_mapping(path.read_text(encoding="utf-8"), origin=path.name)
