"""A case: the intervention plan a family or interventionist fills in (docs/readiness.md).

The plan is a tree of frozen dataclasses (:class:`Case` at the root, placements from
:mod:`matching.case.pipeline`). It is saved to the local store as JSON plus one row per placement
and one row per contact-log entry, under an optimistic version check: a save names the version
it was based on and fails with :class:`~matching.errors.ConflictError` when another window
saved first, so no update is silently lost.

The same JSON, wrapped with a format tag and schema version, is the backup export. Import
validates every field (type, range, time zone) and reports every problem at once before
anything is written.

Only a first name or alias of the loved one is kept; nothing here is logged.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from matching.case.carelevel import CareAnswers
from matching.case.craft import Approach, CraftWeek
from matching.case.pipeline import ROLES, Placement, Role, set_role
from matching.errors import CaseError as CaseError
from matching.errors import CaseFormatError as CaseFormatError

LetterStatus = Literal["not_started", "drafted", "reviewed"]
LETTER_STATUSES: Final[tuple[LetterStatus, ...]] = typing.get_args(LetterStatus)


DEFAULT_TIME_ZONE: Final = "America/New_York"


DEFAULT_SUBSTANCE: Final = "heroin/opioids"


# A typical door-to-door average for a drive mixing highway and town streets; users can change it.
DEFAULT_AVERAGE_SPEED_MPH: Final = 45.0
# Time allowed for the talk itself, between the start and leaving for the facility.
DEFAULT_TALK_MINUTES: Final = 120


MAX_ALIAS_LENGTH: Final = 40


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
    """Four questions that decide whether to call for help now instead (docs/readiness.md, item 1).

    ``None`` means not answered yet.
    """

    recent_overdose: bool | None = None
    suicidal_thoughts: bool | None = None
    violence: bool | None = None
    medical_instability: bool | None = None
    # Not an emergency by itself, but the highest overdose risk: naloxone and never-use-alone
    # guidance, without stopping the plan.
    uses_alone: bool | None = None

    QUESTIONS: typing.ClassVar[dict[str, str]] = {
        "recent_overdose": "Has there been an overdose recently?",
        "suicidal_thoughts": "Have they spoken of suicide or of wanting to die?",
        "violence": "Has there been violence, threats, or are weapons at hand?",
        "medical_instability": "Are they medically unstable (seizures, chest pain, confusion)?",
    }

    USES_ALONE_QUESTION: typing.ClassVar[str] = "Do they use alone?"

    def answers(self) -> dict[str, bool | None]:
        """Return the answers to the emergency questions by question key."""
        return {key: getattr(self, key) for key in self.QUESTIONS}

    def triggered(self) -> tuple[str, ...]:
        """Return the keys of the emergency questions answered yes, in screen order."""
        return tuple(key for key, value in self.answers().items() if value is True)

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
    # How long the talk itself may take before you leave for the facility (issue 11: 2 h).
    talk_minutes: int = DEFAULT_TALK_MINUTES

    def __post_init__(self) -> None:
        check_time_zone(self.time_zone)
        if not 0 <= self.talk_minutes <= 12 * 60:
            raise CaseError("Time for the talk must be between 0 and 720 minutes.")
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
    letter_status: LetterStatus = "not_started"
    # The author read the review's findings and chose to keep the letter as written.
    keep_as_written: bool = False
    consequence: str = ""
    rehearsal_attended: bool = False
    # Team mode: the sign-in e-mail of the person who writes this letter ("" = the lead writes
    # it). A case member may edit only the letters whose account is theirs.
    account: str = ""

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


PersonMoud = Literal["not_asked", "none", "methadone", "buprenorphine", "naltrexone"]
PERSON_MOUDS: Final[tuple[PersonMoud, ...]] = typing.get_args(PersonMoud)
MAX_LANGUAGE_LENGTH: Final = 40


@dataclass(frozen=True, kw_only=True, slots=True)
class PersonNeeds:
    """What decides where the loved one can go (issue 23), recorded once on the case: it fills
    the search and Readiness checks the primary against it. Nothing here names the person.

    ``language`` is a language other than English they need treatment in ("" when English is
    fine); ``moud`` the medication for opioid use disorder they take now ("not_asked" until
    someone answers: unknown is not no).
    """

    pregnant: bool = False
    language: str = ""
    moud: PersonMoud = "not_asked"

    def __post_init__(self) -> None:
        if self.moud not in PERSON_MOUDS:
            raise CaseError(
                f"Medication {self.moud!r} is not one of {', '.join(PERSON_MOUDS)}; choose one."
            )
        if len(self.language) > MAX_LANGUAGE_LENGTH or "\n" in self.language:
            raise CaseError(
                f"Write the language as one name of at most {MAX_LANGUAGE_LENGTH} characters "
                "(e.g. Spanish)."
            )

    @property
    def recorded(self) -> bool:
        """Return whether anything about the person was recorded."""
        return self.pregnant or bool(self.language.strip()) or self.moud != "not_asked"


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
    # The level-of-care guide's answers (issue 22), kept with the plan; None until answered.
    care: CareAnswers | None = None
    # Pregnancy, language and medication (issue 23); old case files load with nothing recorded.
    person: PersonNeeds = field(default_factory=PersonNeeds)
    # The approach chosen on the Plan page, and CRAFT's weekly plan (issue 22 part 4).
    approach: Approach = "intervention"
    craft_weeks: tuple[CraftWeek, ...] = ()

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

    def with_role(self, facility_id: str, role: Role, *, now: datetime) -> Case:
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
