"""A case: the intervention plan a family or interventionist fills in (domain.md §6).

The plan is a tree of frozen dataclasses (:class:`Case` at the root, placements from
:mod:`matching.pipeline`). It is saved to the local store as JSON plus one row per placement
and one row per contact-log entry, under an optimistic version check: a save names the version
it was based on and fails with :class:`~matching.errors.ConflictError` when another window
saved first, so no update is silently lost.

The same JSON, wrapped with a format tag and schema version, is the backup export. Import
validates every field (type, range, time zone) and reports every problem at once before
anything is written.

Only a first name or alias of the loved one is kept; nothing here is logged.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import Engine, delete, func, insert, select, update

from matching.errors import ConflictError, ReadyBedError, StoreError
from matching.pipeline import ROLES, PipelineError, Placement, set_role
from matching.store import case_contact_log, case_placements, cases

EXPORT_FORMAT: Final = "readybed-case"
EXPORT_SCHEMA_VERSION: Final = 1
LETTER_STATUSES: Final = ("not_started", "drafted", "reviewed")
DEFAULT_TIME_ZONE: Final = "America/New_York"
DEFAULT_SUBSTANCE: Final = "heroin/opioids"
# A typical door-to-door average for a drive mixing highway and town streets; users can change it.
DEFAULT_AVERAGE_SPEED_MPH: Final = 45.0
MAX_ALIAS_LENGTH: Final = 40


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


def check_time_zone(name: str) -> str:
    """Return ``name`` if it is an IANA time zone (e.g. America/Denver), else raise CaseError."""
    if name in _ZONES:
        return name
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CaseError(
            f"{name!r} is not a time zone name; use an IANA name such as America/New_York, "
            "America/Chicago, America/Denver or America/Los_Angeles."
        ) from None
    return name


_ZONES = frozenset(available_timezones())


@dataclass(frozen=True, kw_only=True, slots=True)
class SafetyScreen:
    """Four questions that decide whether to call for help now instead (domain.md §6.1).

    ``None`` means not answered yet.
    """

    recent_overdose: bool | None = None
    suicidal_thoughts: bool | None = None
    violence: bool | None = None
    medical_instability: bool | None = None

    QUESTIONS: typing.ClassVar[dict[str, str]] = {
        "recent_overdose": "Has there been an overdose recently (or do they use alone)?",
        "suicidal_thoughts": "Have they spoken of suicide or of wanting to die?",
        "violence": "Has there been violence, threats, or are weapons at hand?",
        "medical_instability": "Are they medically unstable (seizures, chest pain, confusion)?",
    }

    def answers(self) -> dict[str, bool | None]:
        """Return the answers by question key."""
        return {key: getattr(self, key) for key in self.QUESTIONS}

    @property
    def any_yes(self) -> bool:
        """Return True when any answer is yes: call for help now."""
        return any(value is True for value in self.answers().values())

    @property
    def complete(self) -> bool:
        """Return True when every question has an answer."""
        return all(value is not None for value in self.answers().values())


@dataclass(frozen=True, kw_only=True, slots=True)
class Intervention:
    """When and where: a local date and time in an IANA zone, and the place checklist."""

    local_date: date | None = None
    local_time: time | None = None
    time_zone: str = DEFAULT_TIME_ZONE
    place: str = ""
    # What the user typed to locate the place (ZIP, "City, ST", "lat, lon"), and its resolution.
    place_location: str = ""
    place_lat: float | None = None
    place_lon: float | None = None
    private: bool = False
    neutral: bool = False
    likely_sober: bool = False

    def __post_init__(self) -> None:
        check_time_zone(self.time_zone)
        if (self.place_lat is None) != (self.place_lon is None):
            raise CaseError("The place needs both a latitude and a longitude, or neither.")
        if self.place_lat is not None and not -90 <= self.place_lat <= 90:
            raise CaseError(f"Latitude {self.place_lat} is outside -90..90.")
        if self.place_lon is not None and not -180 <= self.place_lon <= 180:
            raise CaseError(f"Longitude {self.place_lon} is outside -180..180.")

    @property
    def location(self) -> tuple[float, float] | None:
        """Return the place as (lat, lon), or None when not located."""
        if self.place_lat is None or self.place_lon is None:
            return None
        return (self.place_lat, self.place_lon)


@dataclass(frozen=True, kw_only=True, slots=True)
class Lead:
    """Who leads: a professional interventionist (recommended) or a named family lead."""

    interventionist_name: str = ""
    interventionist_phone: str = ""
    interventionist_booked: bool = False
    lead_name: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class TeamMember:
    """One person on the intervention team, their letter and the consequence they will hold to."""

    name: str
    relationship: str = ""
    role: str = ""
    letter: str = ""
    letter_status: str = "not_started"
    consequence: str = ""
    rehearsal_attended: bool = False

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise CaseError("Every team member needs a name (a first name is enough).")
        if self.letter_status not in LETTER_STATUSES:
            raise CaseError(f"Letter status must be one of {', '.join(LETTER_STATUSES)}.")


@dataclass(frozen=True, kw_only=True, slots=True)
class Logistics:
    """Getting there and what comes after: transport, bag, naloxone, aftercare, travel speed."""

    transport: str = ""
    escort: str = ""
    bag_packed: bool = False
    naloxone_on_hand: bool = False
    aftercare_plan: str = ""
    average_speed_mph: float = DEFAULT_AVERAGE_SPEED_MPH
    travel_minutes_override: int | None = None

    def __post_init__(self) -> None:
        if not 5 <= self.average_speed_mph <= 90:
            raise CaseError("Average travel speed must be between 5 and 90 mph.")
        if self.travel_minutes_override is not None and not (
            0 <= self.travel_minutes_override <= 24 * 60
        ):
            raise CaseError("Travel time must be between 0 and 1440 minutes.")


@dataclass(frozen=True, kw_only=True, slots=True)
class Case:
    """The whole plan; ``id`` and ``version`` are set by the store (None and 0 until saved)."""

    id: int | None = None
    version: int = 0
    title: str = "Our case"
    loved_one_alias: str = ""
    substance: str = DEFAULT_SUBSTANCE
    safety: SafetyScreen = field(default_factory=SafetyScreen)
    intervention: Intervention = field(default_factory=Intervention)
    lead: Lead = field(default_factory=Lead)
    team: tuple[TeamMember, ...] = ()
    logistics: Logistics = field(default_factory=Logistics)
    placements: tuple[Placement, ...] = ()

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise CaseError("A case needs a title (it is only shown to you).")
        if len(self.loved_one_alias) > MAX_ALIAS_LENGTH:
            raise CaseError(
                f"Use a first name or alias of at most {MAX_ALIAS_LENGTH} characters for your "
                "loved one; ReadyBed does not need a full name."
            )
        ids = [placement.facility.facility_id for placement in self.placements]
        if len(ids) != len(set(ids)):
            raise CaseError("A facility appears twice in the placements; keep one.")
        if sum(placement.role == "primary" for placement in self.placements) > 1:
            raise CaseError("Only one facility can be the primary placement.")

    def primary(self) -> Placement | None:
        """Return the primary placement, if one is chosen."""
        return next((p for p in self.placements if p.role == "primary"), None)

    def backups(self) -> tuple[Placement, ...]:
        """Return the backup placements."""
        return tuple(p for p in self.placements if p.role == "backup")

    def placement(self, facility_id: str) -> Placement:
        """Return the placement of ``facility_id``; raise CaseError when it is not in the case."""
        for candidate in self.placements:
            if candidate.facility.facility_id == facility_id:
                return candidate
        raise CaseError(f"Facility {facility_id!r} is not part of this case.")

    def with_placement(self, placement: Placement) -> Case:
        """Return the case with ``placement`` added, or replacing the one of the same facility."""
        facility_id = placement.facility.facility_id
        others = [p for p in self.placements if p.facility.facility_id != facility_id]
        if len(others) == len(self.placements):
            return replace(self, placements=(*self.placements, placement))
        merged = tuple(
            placement if p.facility.facility_id == facility_id else p for p in self.placements
        )
        return replace(self, placements=merged)

    def with_role(self, facility_id: str, role: str, *, now: datetime) -> Case:
        """Return the case with ``facility_id`` in ``role``; a new primary demotes the old one.

        Each role change is written to the facility's contact log.
        """
        if role not in ROLES:
            raise CaseError(f"Role must be one of {', '.join(ROLES)}.")
        self.placement(facility_id)
        placements = []
        for placement in self.placements:
            if placement.facility.facility_id == facility_id:
                if placement.role != role:
                    placement = set_role(placement, role=role, now=now)
            elif role == "primary" and placement.role == "primary":
                placement = set_role(placement, role="backup", now=now)
            placements.append(placement)
        return replace(self, placements=tuple(placements))

    def without_placement(self, facility_id: str) -> Case:
        """Return the case without the placement of ``facility_id``."""
        self.placement(facility_id)
        kept = tuple(p for p in self.placements if p.facility.facility_id != facility_id)
        return replace(self, placements=kept)


# --- JSON ------------------------------------------------------------------------------------


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
            return parsed.astimezone(UTC)
        if hint is date:
            return date.fromisoformat(value)
        if hint is time:
            return time.fromisoformat(value)
    except ValueError as error:
        problems.append(f"{path}: {value!r} is not a valid {hint.__name__} ({error})")
        return None
    raise TypeError(f"no JSON conversion for {hint!r}")  # a programming error, not bad input


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return names.get(type(value), type(value).__name__)


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
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        document = json.loads(text)
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


# --- Store -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class CaseSummary:
    """One line of the case list."""

    id: int
    title: str
    version: int
    updated_at: datetime


def _plan_json(case: Case) -> str:
    plain = to_plain(case)
    for key in ("id", "version", "placements"):
        plain.pop(key)
    return json.dumps(plain, ensure_ascii=False)


def _placement_json(placement: Placement) -> str:
    plain = to_plain(placement)
    plain.pop("log")
    return json.dumps(plain, ensure_ascii=False)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _write_children(connection: Any, case_id: int, case: Case) -> None:
    connection.execute(delete(case_contact_log).where(case_contact_log.c.case_id == case_id))
    connection.execute(delete(case_placements).where(case_placements.c.case_id == case_id))
    for position, placement in enumerate(case.placements):
        connection.execute(
            insert(case_placements).values(
                case_id=case_id,
                position=position,
                facility_id=placement.facility.facility_id,
                role=placement.role,
                stage=placement.stage,
                data_json=_placement_json(placement),
            )
        )
        for event in placement.log:
            connection.execute(
                insert(case_contact_log).values(
                    case_id=case_id,
                    facility_id=placement.facility.facility_id,
                    at=_naive_utc(event.at),
                    stage=event.stage,
                    note=event.note,
                )
            )


def create_case(engine: Engine, case: Case, *, now: datetime | None = None) -> Case:
    """Insert ``case`` as a new case and return it with its id and version 1."""
    stamp = _naive_utc(now or datetime.now(UTC))
    with engine.begin() as connection:
        result = connection.execute(
            insert(cases).values(
                title=case.title,
                version=1,
                plan_json=_plan_json(case),
                created_at=stamp,
                updated_at=stamp,
            )
        )
        case_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        _write_children(connection, case_id, case)
    return replace(case, id=case_id, version=1)


def save_case(
    engine: Engine, case: Case, *, expected_version: int | None = None, now: datetime | None = None
) -> Case:
    """Save ``case`` if the stored version is still ``expected_version`` (default: case.version).

    Raises ConflictError, changing nothing, when another window saved the case in between.
    """
    if case.id is None:
        raise StoreError("This case was never saved; create it first.")
    expected = case.version if expected_version is None else expected_version
    stamp = _naive_utc(now or datetime.now(UTC))
    with engine.begin() as connection:
        changed = connection.execute(
            update(cases)
            .where(cases.c.id == case.id, cases.c.version == expected)
            .values(
                title=case.title,
                version=expected + 1,
                plan_json=_plan_json(case),
                updated_at=stamp,
            )
        ).rowcount
        if changed == 0:
            stored = connection.execute(
                select(cases.c.version).where(cases.c.id == case.id)
            ).scalar_one_or_none()
            if stored is None:
                raise StoreError("This case no longer exists (it was deleted); nothing was saved.")
            raise ConflictError(
                "This case was changed in another window (it is now at version "
                f"{stored}, you edited version {expected}); nothing was saved. Reload to see "
                "their changes; your edits are kept on this page."
            )
        _write_children(connection, case.id, case)
    return replace(case, version=expected + 1)


def load_case(engine: Engine, case_id: int) -> Case:
    """Load a case with its placements and contact logs; raise StoreError when it is gone."""
    with engine.connect() as connection:
        row = connection.execute(select(cases).where(cases.c.id == case_id)).mappings().first()
        if row is None:
            raise StoreError(f"Case {case_id} does not exist (it may have been deleted).")
        placement_rows = connection.execute(
            select(case_placements)
            .where(case_placements.c.case_id == case_id)
            .order_by(case_placements.c.position)
        ).mappings()
        placements = []
        for placement_row in placement_rows:
            plain = json.loads(placement_row["data_json"])
            log_rows = connection.execute(
                select(case_contact_log)
                .where(
                    case_contact_log.c.case_id == case_id,
                    case_contact_log.c.facility_id == placement_row["facility_id"],
                )
                .order_by(case_contact_log.c.id)
            ).mappings()
            plain["log"] = [
                {
                    "at": to_plain(log["at"].replace(tzinfo=UTC)),
                    "stage": log["stage"],
                    "note": log["note"],
                }
                for log in log_rows
            ]
            placements.append(plain)
    plain_case = json.loads(row["plan_json"])
    plain_case.update(id=row["id"], version=row["version"], placements=placements)
    problems: list[str] = []
    case = from_plain(Case, plain_case, "", problems)
    if problems or case is None:
        raise StoreError(f"Case {case_id} in the store is damaged: " + "; ".join(problems[:5]))
    return typing.cast(Case, case)


def list_cases(engine: Engine) -> list[CaseSummary]:
    """Return every case, most recently updated first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(cases.c.id, cases.c.title, cases.c.version, cases.c.updated_at).order_by(
                cases.c.updated_at.desc(), cases.c.id.desc()
            )
        ).all()
    return [
        CaseSummary(
            id=row.id,
            title=row.title,
            version=row.version,
            updated_at=row.updated_at.replace(tzinfo=UTC),
        )
        for row in rows
    ]


def delete_case(engine: Engine, case_id: int) -> None:
    """Delete a case and every row that belongs to it: gone, not flagged."""
    with engine.begin() as connection:
        connection.execute(delete(case_contact_log).where(case_contact_log.c.case_id == case_id))
        connection.execute(delete(case_placements).where(case_placements.c.case_id == case_id))
        connection.execute(delete(cases).where(cases.c.id == case_id))


def count_cases(engine: Engine) -> int:
    """Return how many cases the store holds."""
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(cases)).scalar_one())


def import_case(engine: Engine, raw: bytes | str, *, now: datetime | None = None) -> Case:
    """Validate a case backup and store it as a new case; nothing is written when it is invalid."""
    case = case_from_json(raw)
    return create_case(engine, replace(case, id=None, version=0), now=now)


__all__ = [
    "Case",
    "CaseError",
    "CaseFormatError",
    "CaseSummary",
    "Intervention",
    "Lead",
    "Logistics",
    "PipelineError",
    "SafetyScreen",
    "TeamMember",
    "case_from_json",
    "case_to_json",
    "check_time_zone",
    "count_cases",
    "create_case",
    "delete_case",
    "import_case",
    "list_cases",
    "load_case",
    "save_case",
]
