"""codec (split from cases.py)."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import UTC, date, datetime, time
from typing import Any, Final

from matching.case.model import Case, CaseFormatError
from matching.case.pipeline import Placement
from matching.errors import ReadyBedError
from matching.ingest.safe_json import JsonShapeError, load_json_safely

EXPORT_FORMAT: Final = "readybed-case"


EXPORT_SCHEMA_VERSION: Final = 1


def to_plain(value: Any) -> Any:
    """Return ``value`` (a dataclass tree) as JSON-ready dicts, lists and strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_plain(item) for item in value]
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def from_plain(cls: type, data: object, path: str, problems: list[str]) -> Any:
    """Build ``cls`` from plain JSON data, appending a problem (with its path) for each bad field.

    Returns None when the value could not be built; the caller raises once every field was seen.
    """
    if not isinstance(data, dict):
        problems.append(f"{path or 'case'}: expected an object, got {_json_type(data)}")
        return None
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.init}
    for name in sorted(set(data) - known):
        problems.append(f"{_join(path, name)}: unknown field")
    kwargs: dict[str, Any] = {}
    before = len(problems)
    for f in dataclasses.fields(cls):
        if not f.init or f.name not in data:
            continue
        kwargs[f.name] = _convert(hints[f.name], data[f.name], _join(path, f.name), problems)
    if len(problems) > before:
        return None
    try:
        return cls(**kwargs)
    except (ReadyBedError, ValueError, TypeError) as error:
        problems.append(f"{path or 'case'}: {error}")
        return None


def _convert(hint: Any, value: object, path: str, problems: list[str]) -> Any:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if value is None:
            return None
        return _convert(options[0], value, path, problems)
    if origin is tuple:
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, got {_json_type(value)}")
            return ()
        item_hint = typing.get_args(hint)[0]
        return tuple(
            _convert(item_hint, item, f"{path}[{index}]", problems)
            for index, item in enumerate(value)
        )
    if origin is typing.Literal:
        # A word from a closed vocabulary; the dataclass itself says which words are allowed.
        return _convert_scalar(str, value, path, problems)
    if dataclasses.is_dataclass(hint):
        return from_plain(hint, value, path, problems)  # type: ignore[arg-type]
    return _convert_scalar(hint, value, path, problems)


def _convert_scalar(hint: Any, value: object, path: str, problems: list[str]) -> Any:
    expected = {bool: "true or false", str: "text", int: "a whole number", float: "a number"}
    if hint is bool and isinstance(value, bool):
        return value
    if hint is str and isinstance(value, str):
        return value
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint in expected:
        problems.append(f"{path}: expected {expected[hint]}, got {_json_type(value)}")
        return None
    if not isinstance(value, str):
        problems.append(f"{path}: expected a date/time as text, got {_json_type(value)}")
        return None
    try:
        if hint is datetime:
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError("it has no time zone (write it in UTC ending in Z)")
            return _plausible(parsed.astimezone(UTC))
        if hint is date:
            return _plausible(date.fromisoformat(value))
        if hint is time:
            return time.fromisoformat(value)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+14:00 is before year 1 in UTC
        problems.append(f"{path}: {value!r} is outside the years {_YEARS[0]}-{_YEARS[1]}")
        return None
    except ValueError as error:
        problems.append(f"{path}: {value!r} is not a valid {hint.__name__} ({error})")
        return None
    raise TypeError(f"no JSON conversion for {hint!r}")  # a programming error, not bad input


# Dates a case can mean; outside them a value is a typo (or a probe) that breaks arithmetic later.
_YEARS: Final = (1900, 2200)


_Day = typing.TypeVar("_Day", bound=date)


def _plausible(value: _Day) -> _Day:
    if not _YEARS[0] <= value.year <= _YEARS[1]:
        raise OverflowError(value.year)
    return value


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return names.get(type(value), type(value).__name__)


def plan_plain(case: Case) -> dict[str, Any]:
    """Return the plan of ``case`` as plain JSON data (no id, version or placements)."""
    plain = to_plain(case)
    for key in ("id", "version", "placements"):
        plain.pop(key)
    return typing.cast(dict[str, Any], plain)


def placement_plain(placement: Placement) -> dict[str, Any]:
    """Return ``placement`` as plain JSON data without its contact log (stored apart)."""
    plain = to_plain(placement)
    plain.pop("log")
    return typing.cast(dict[str, Any], plain)


def case_to_json(case: Case, *, now: datetime | None = None) -> bytes:
    """Export ``case`` as a versioned JSON backup (UTF-8 bytes)."""
    document = {
        "format": EXPORT_FORMAT,
        "schema_version": EXPORT_SCHEMA_VERSION,
        "exported_at": to_plain(now or datetime.now(UTC)),
        "case": to_plain(case),
    }
    return json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


def case_from_json(raw: bytes | str) -> Case:
    """Parse and validate a case backup; raise CaseFormatError listing every problem."""
    try:
        document = load_json_safely(raw.encode("utf-8") if isinstance(raw, str) else raw)
    except JsonShapeError as error:
        raise CaseFormatError(
            f"The file was not read: {error}. Choose a ReadyBed case .json file."
        ) from None
    except UnicodeDecodeError:
        raise CaseFormatError(
            "The file is not UTF-8 text; choose a ReadyBed case .json file."
        ) from None
    except json.JSONDecodeError as error:
        raise CaseFormatError(
            f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
            "it may be truncated. Choose the complete ReadyBed case .json file."
        ) from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise CaseFormatError(
            "This JSON is not a ReadyBed case export (its 'format' is not "
            f"{EXPORT_FORMAT!r}); choose a file saved with 'Export case'."
        )
    version = document.get("schema_version")
    if version != EXPORT_SCHEMA_VERSION:
        raise CaseFormatError(
            f"This case file has schema version {version!r}; this ReadyBed reads version "
            f"{EXPORT_SCHEMA_VERSION}. Export it again from the same ReadyBed version."
        )
    problems: list[str] = []
    case = from_plain(Case, document.get("case"), "", problems)
    if problems or case is None:
        raise CaseFormatError("The case file has problems; nothing was imported.", problems)
    return case
