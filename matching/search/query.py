"""What a family or interventionist is looking for: a validated, hashable search query.

Hard requirements (payers, detox level, medication, after-care, open beds and their age, and
who the person is: age group, sex, pregnancy, language, veteran, co-occurring illness) exclude
facilities; everything else only changes the order (see :mod:`matching.search.scoring`). A facility
whose answer to a requirement is unknown is left out unless ``include_unverified`` is set; then
it is kept, marked unverified and ranked lower.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, get_args

from matching.errors import QueryError
from matching.search.geo import Location
from matching.search.scoring import PRESETS

Payer = Literal["self", "medicaid", "medicare", "private", "military", "state", "ihs"]
DetoxNeed = Literal["any", "hospital", "residential", "outpatient", "opioid"]
MoudNeed = Literal["methadone", "buprenorphine", "naltrexone", "accepts_moud_clients"]
AfterCare = Literal[
    "residential",
    "hospital_inpatient",
    "partial_hospitalization",
    "intensive_outpatient",
    "outpatient",
]
PAYERS: Final[tuple[Payer, ...]] = get_args(Payer)
DETOX_NEEDS: Final[tuple[DetoxNeed, ...]] = get_args(DetoxNeed)
MOUD_NEEDS: Final[tuple[MoudNeed, ...]] = get_args(MoudNeed)
AFTER_CARE: Final[tuple[AfterCare, ...]] = get_args(AfterCare)
AgeGroup = Literal["adolescent", "young_adult", "adult", "senior"]
Sex = Literal["female", "male"]
AGE_GROUPS: Final[tuple[str, ...]] = get_args(AgeGroup)
SEXES: Final[tuple[str, ...]] = get_args(Sex)
# Spellings of the two languages the directory records as flags (docs/facility-table.md: SP, AH).
LANGUAGE_ALIASES: Final[dict[str, str]] = {
    "spanish": "spanish",
    "español": "spanish",
    "espanol": "spanish",
    "sign": "sign",
    "sign language": "sign",
    "asl": "sign",
    "american sign language": "sign",
}
MAX_LANGUAGE_CHARS: Final = 40
_LANGUAGE_NAME_RE: Final = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*$")
MAX_RADIUS_MILES: Final = 3000.0
MAX_BEDS: Final = 1000


@dataclass(frozen=True, kw_only=True)
class SearchQuery:
    """A search around ``origin``; validates itself and can be used as a cache key.

    payers: accepted if the facility takes at least one of them ("self" is cash/self-payment;
        a sliding fee or payment assistance then earns extra points but is not required).
    detox: the withdrawal-management level required ("any" = any level).
    moud: accepted if the facility offers at least one of the listed medications (or, for
        "accepts_moud_clients", takes clients already on medication).
    after_care: the care level required after detox, e.g. "residential".
    min_beds: open beds needed now - detox beds when ``detox`` is set, else residential beds;
        the count must be known and reported within ``max_age_hours`` (when given).
    max_age_hours: availability reports older than this count as unknown.
    intervention_at: when the intervention happens (timezone-aware), for hold coverage.
    preset: the name of the weights preset in :data:`matching.scoring.PRESETS`.
    sex: the person's sex, so open beds count only where the source reports them for it
        (beds reported by sex); None = any bed.

    Who the person is (all optional; each one set is a hard requirement, see
    :mod:`matching.search.engine` for how each maps to the directory's columns):

    age_group: the age group a program must accept.
    sex: the sex a program must accept (a pregnant person is taken to be a woman).
    pregnant: pregnant or postpartum: the program must take pregnant or postpartum women.
    language: "spanish", "sign" or another language by name (letters, up to 40 characters);
        spellings such as "Español" or "ASL" are folded to "spanish" / "sign", other names to
        lower case.
    veteran: a program for veterans is required.
    non_veteran: the person is not a veteran: facilities of the Department of Veterans Affairs
        (veterans only) are left out.
    co_occurring: a program for co-occurring mental illness is required.

    Lists are stored as tuples in the order of PAYERS / MOUD_NEEDS, without duplicates, so
    equal requests compare (and hash) equal.
    """

    origin: Location
    radius_miles: float = 50.0
    payers: tuple[Payer, ...] = ()
    detox: DetoxNeed | None = None
    moud: tuple[MoudNeed, ...] = ()
    after_care: AfterCare | None = None
    min_beds: int = 0
    max_age_hours: float | None = None
    include_unverified: bool = False
    intervention_at: datetime | None = None
    preset: str = "family"
    age_group: AgeGroup | None = None
    sex: Sex | None = None
    pregnant: bool = False
    language: str | None = None
    veteran: bool = False
    co_occurring: bool = False
    non_veteran: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.origin, Location):
            raise QueryError(
                f"origin must be a Location (use matching.geo.resolve_location), "
                f"got {type(self.origin).__name__}"
            )
        radius = _number("radius_miles", self.radius_miles)
        if not 0 < radius <= MAX_RADIUS_MILES:
            raise QueryError(
                f"radius_miles must be above 0 and at most {MAX_RADIUS_MILES:g}, got {radius:g}"
            )
        object.__setattr__(self, "radius_miles", radius)
        object.__setattr__(self, "payers", _choices("payers", self.payers, PAYERS))
        object.__setattr__(self, "moud", _choices("moud", self.moud, MOUD_NEEDS))
        object.__setattr__(self, "detox", _choice("detox", self.detox, DETOX_NEEDS))
        object.__setattr__(self, "after_care", _choice("after_care", self.after_care, AFTER_CARE))
        if isinstance(self.min_beds, bool) or not isinstance(self.min_beds, int):
            raise QueryError(f"min_beds must be a whole number, got {self.min_beds!r}")
        if not 0 <= self.min_beds <= MAX_BEDS:
            raise QueryError(f"min_beds must be between 0 and {MAX_BEDS}, got {self.min_beds}")
        if self.max_age_hours is not None:
            age = _number("max_age_hours", self.max_age_hours)
            if age <= 0:
                raise QueryError(f"max_age_hours must be above 0 (or left empty), got {age:g}")
            object.__setattr__(self, "max_age_hours", age)
        if not isinstance(self.include_unverified, bool):
            raise QueryError(
                f"include_unverified must be True or False, got {self.include_unverified!r}"
            )
        if self.intervention_at is not None and (
            not isinstance(self.intervention_at, datetime)
            or self.intervention_at.utcoffset() is None
        ):
            raise QueryError(
                "intervention_at must be a timezone-aware date and time "
                f"(e.g. 2026-12-01T09:00-05:00), got {self.intervention_at!r}"
            )
        if self.preset not in PRESETS:
            raise QueryError(
                f"preset {self.preset!r} is not known; choose one of {', '.join(PRESETS)}"
            )
        self._check_person()

    def _check_person(self) -> None:
        object.__setattr__(self, "age_group", _choice("age_group", self.age_group, AGE_GROUPS))
        object.__setattr__(self, "sex", _choice("sex", self.sex, SEXES))
        for name in ("pregnant", "veteran", "co_occurring", "non_veteran"):
            if not isinstance(getattr(self, name), bool):
                raise QueryError(f"{name} must be True or False, got {getattr(self, name)!r}")
        if self.pregnant and self.sex == "male":
            raise QueryError(
                "pregnant and sex 'male' contradict each other; leave sex empty or set 'female'"
            )
        if self.veteran and self.non_veteran:
            raise QueryError(
                "veteran and not a veteran contradict each other; give one of them, or neither"
            )
        object.__setattr__(self, "language", _language(self.language))

    @property
    def person_sex(self) -> str | None:
        """Return the sex a program must accept: the one given, or female when pregnant."""
        return self.sex or ("female" if self.pregnant else None)

    @property
    def bed_column(self) -> str:
        """Return the availability column ``min_beds`` applies to."""
        return "beds_open_detox" if self.detox is not None else "beds_open_residential"


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise QueryError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise QueryError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.strip().lower() not in allowed:
        raise QueryError(f"{name} {value!r} is not allowed; choose one of {', '.join(allowed)}")
    return value.strip().lower()


def _choices(name: str, values: object, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    if not isinstance(values, tuple | list | set | frozenset):
        raise QueryError(f"{name} must be a list of values, got {values!r}")
    chosen = {_choice(name, value, allowed) for value in values}
    return tuple(value for value in allowed if value in chosen)


def _language(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise QueryError(f"language must be a language name, got {value!r}")
    name = " ".join(value.split()).casefold()
    if not name:
        return None
    if name in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[name]
    if len(name) > MAX_LANGUAGE_CHARS or not _LANGUAGE_NAME_RE.fullmatch(name):
        raise QueryError(
            f"language {value!r} is not a language name; use spanish, sign, or a name such as "
            f"Arabic or Vietnamese (letters only, up to {MAX_LANGUAGE_CHARS} characters)"
        )
    return name
