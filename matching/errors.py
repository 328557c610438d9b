"""Exceptions raised by ReadyBed.

A shallow hierarchy: everything derives from :class:`ReadyBedError`, and each class also
inherits the builtin a caller would naturally catch (``ValueError``), like geopy's exceptions.
The message of every exception is a sentence a user can act on: what is wrong, where, and how
to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class ReadyBedError(Exception):
    """Base class of every error ReadyBed raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one cell (or row, when ``column`` is empty) of a table.

    ``code`` names the check for programs (``"lat_range"``, ``"zip_pattern"``, see
    :func:`matching.directory.schema.check_rows`); ``message`` says it in words.
    """

    row: int | None
    column: str
    value: object
    message: str
    code: str = ""

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        if self.column:
            where += f", column {self.column!r}"
        shown = "" if self.value is None else f" (value {str(self.value)[:60]!r})"
        return f"{where}: {self.message}{shown}"


class FacilityDataError(ReadyBedError, ValueError):
    """A facility table or file is unusable; carries every problem found, not only the first."""

    def __init__(self, summary: str, problems: Iterable[Problem] = ()) -> None:
        self.summary = summary
        self.problems: list[Problem] = list(problems)
        super().__init__(self._message())

    def _message(self, limit: int = 20) -> str:
        if not self.problems:
            return self.summary
        lines = [f"{self.summary} ({len(self.problems)} problem(s)):"]
        lines += [f"  - {problem}" for problem in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more")
        return "\n".join(lines)

    def one_line(self) -> str:
        """Summarise for a command line's stderr: the summary and the first problem."""
        if not self.problems:
            return self.summary
        more = f" (+{len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"{self.summary}: {self.problems[0]}{more}"


class ImportFormatError(FacilityDataError):
    """A file is not in the format asked for (or no known format could be detected)."""


class LocationError(ReadyBedError, ValueError):
    """A place (ZIP, city, coordinates or address) could not be resolved."""


class QueryError(ReadyBedError, ValueError):
    """A search query has an invalid parameter."""


class StoreError(ReadyBedError):
    """The local store could not complete an operation."""


class ConflictError(StoreError):
    """A record changed since it was read (optimistic version check failed); nothing was saved."""


class AccessError(StoreError):
    """The signed-in person may not see or do this (not a member of the case, or their role)."""


class CaseError(ReadyBedError, ValueError):
    """A plan field holds something that cannot be right (an unknown time zone, ...)."""


class CaseFormatError(CaseError):
    """A case JSON file is unusable; carries every problem found, each with its field path."""

    def __init__(self, summary: str, problems: Iterable[str] = ()) -> None:
        self.summary = summary
        self.problems = list(problems)
        lines = [summary] + [f"  - {problem}" for problem in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(f"  ... and {len(self.problems) - 20} more")
        super().__init__("\n".join(lines))


class PipelineError(ReadyBedError, ValueError):
    """A pipeline step was given facts that cannot be true (a hold that already expired, ...)."""


class OnlineSourceError(ReadyBedError):
    """An online source (FindTreatment.gov, the Census geocoder) gave no usable answer.

    The message is one sentence saying what went wrong and that nothing was changed.
    """
