"""What an import says back: ``ImportReport`` (counts, rejected rows with reasons, unmapped codes,
notes), ``ImportResult`` (the canonical table and its report) and ``Raw``, a reader's output
before the shared steps.
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matching.ingest.formats import ImportFormat
    from matching.ingest.locate import LocateCounts

Progress = Callable[[float, str], None]

# Rejected rows whose reasons are kept; all are counted. A file where every one of millions of
# rows is bad needs its count and a sample of reasons, not millions of strings held in memory.
MAX_REJECTED_KEPT: Final = 500


@dataclass
class ImportReport:
    """What an import did: rows read, imported and rejected (with reasons), unmapped keys."""

    # An importer's format, or the LA County registry read as a directory of its own.
    format: ImportFormat | Literal["la-sbat"]
    source: str
    rows_read: int = 0
    rows_imported: int = 0
    # (row number, reason) of the first MAX_REJECTED_KEPT rejected rows; rejected_count has all.
    rejected: list[tuple[int, str]] = field(default_factory=list)
    rejected_count: int = 0
    unmapped: collections.Counter[str] = field(default_factory=collections.Counter)
    notes: list[str] = field(default_factory=list)
    # How rows without coordinates were located (None = every row had coordinates).
    locate_counts: LocateCounts | None = None

    def summary_text(self) -> str:
        """Return the report as a few lines for a terminal or the app."""
        lines = [
            f"Imported {self.rows_imported} of {self.rows_read} rows from {self.source} "
            f"(format {self.format}); {self.rejected_count} rejected."
        ]
        for row, reason in self.rejected[:10]:
            lines.append(f"  rejected row {row}: {reason}")
        if self.rejected_count > 10:
            lines.append(f"  ... and {self.rejected_count - 10} more rejected rows")
        if self.unmapped:
            total = sum(self.unmapped.values())
            shown = ", ".join(f"{key} ({count})" for key, count in self.unmapped.most_common(10))
            more = len(self.unmapped) - 10
            lines.append(
                f"Unmapped service codes/names: {len(self.unmapped)} distinct, {total} in all: "
                + shown
                + (f", ... and {more} more" if more > 0 else "")
            )
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def record_rejected(self, row_numbers: np.ndarray, reasons: pd.Series) -> None:
        """Count every rejected row (reason not "") and keep the first MAX_REJECTED_KEPT."""
        positions = np.flatnonzero(reasons.ne("").to_numpy())
        self.rejected_count = len(positions)
        self.rejected = [
            (int(row_numbers[i]), str(reasons.iloc[i])) for i in positions[:MAX_REJECTED_KEPT]
        ]


@dataclass(frozen=True)
class ImportResult:
    """A validated canonical table and the report of the import that made it."""

    frame: pd.DataFrame
    report: ImportReport


@dataclass(frozen=True)
class Raw:
    """What a format reader hands to the shared steps."""

    table: pd.DataFrame  # canonical column names, str values, RangeIndex
    row_numbers: np.ndarray  # the user's row number (1 = first data row) of each table row
    # Long form (position, key, kind "code"/"name", placement); None = source lists no services.
    keys: pd.DataFrame | None
    # The codes the source's own code list holds (its reference sheet, its code columns):
    # a column no code of it defines stays unknown on every row. None = the whole mapping.
    vocabulary: frozenset[str] | None = None
    # Groups of codes that every facility answers with at least one (ages, sex, payment): a
    # row listing none of a group did not answer, so that group's columns are unknown there.
    answered_groups: tuple[frozenset[str], ...] = ()
    # Reasons the reader found to leave a row out ('' = none), added to the shared checks.
    problems: pd.Series | None = None
    # Sentences about the file as a whole for the import report (rows withheld, ...).
    notes: tuple[str, ...] = ()
    # Rows the reader left out on purpose (said in ``notes``): read, but neither kept nor rejected.
    withheld: int = 0
