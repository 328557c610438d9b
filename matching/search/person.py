"""Who the person is, as hard filters on the directory, and distances that are only approximate.

Each trait of the person in a :class:`~matching.search.query.SearchQuery` becomes a tri-state
answer per facility (1 yes, 0 no, -1 unknown), filtered by the engine like every other hard
requirement: a "no" excludes, an unknown is kept only with ``include_unverified`` and marked.

How each trait reads the §1b columns (docs/facility-table.md, docs/clinical.md):

* **age group** - ``accepts_<group>`` decides; a special program for that age
  (``program_adolescents``, ``program_young_adults``, ``program_seniors``) counts as a yes even
  where the accepts column is no or unknown. "No program" never means "not accepted".
* **sex** - ``accepts_female`` / ``accepts_male``; a program for women (or for pregnant or
  postpartum women) counts as yes for a woman, a program for men for a man. A pregnant person
  with no sex given is taken to be a woman.
* **pregnant or postpartum** - ``program_pregnant_postpartum`` only: a program that accepts
  women does not thereby take pregnant clients (they need obstetric care and MOUD continued).
  Her sex requirement applies too, so a men-only facility is a "no" even where the pregnancy
  program is unknown.
* **language** - ``spanish`` reads ``lang_spanish``, ``sign`` reads ``lang_sign`` (each also
  yes when the ``languages`` text names it). Another language is looked up by whole words,
  case-insensitively, in ``languages``. The text column cannot hold "unknown" (an empty cell
  reads as ""), so a row counts as recording its languages when the text is non-empty or
  either language flag is known: its source then has a language vocabulary, and a language it
  does not name is a "no". A row with none of these is unknown.
* **veteran**, **co-occurring mental illness** - ``program_veterans``,
  ``program_co_occurring``.

Ranking (:func:`person_priority`, applied before the score): for a pregnant woman, programs for
pregnant women that provide methadone or buprenorphine come first (withdrawal without MOUD is
not recommended in pregnancy, docs/clinical.md); rows kept only because a trait of the person is
unknown come after every row known to fit.

**Distances to ZIP centres** (``location_precision == "zip_centroid"``): the row's coordinates
are its ZIP's centre, not its door, so its true distance may be more or less than the one
computed. Such a row is kept when its distance is within the radius plus
ZIP_CENTROID_TOLERANCE_MILES, and always shown as "about N mi (ZIP centre)"; past the radius
it also says it may be outside it. Rows with street-level coordinates keep the exact rule
(geodesic distance <= radius).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Protocol

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.search.index import (
    LAMBERT_ERROR_MILES,
    VA_NAME,
    FacilityIndex,
    geodesic_miles,
    tri_state,
)
from matching.search.query import SearchQuery

# The encoding of matching.search.index.tri_state.
YES, NO, UNKNOWN = 1, 0, -1

# The mean land area of a US ZIP Code Tabulation Area is about 107 sq mi (3.53 million sq mi
# over 33,120 ZCTAs, Census 2010); a circle of that area has a radius of 5.8 mi, and most
# facilities are in smaller urban ZIPs. So a facility placed at its ZIP's centre is, for most
# ZIPs, within 5 mi of where it is drawn.
ZIP_CENTROID_TOLERANCE_MILES: Final = 5.0

# Plain words for each person requirement, for "unverified: ... unknown" and hints.
PERSON_WORDS: Final[dict[str, str]] = {
    "age_group": "age group",
    "sex": "sex accepted",
    "pregnant": "program for pregnant women",
    "language": "language",
    "veteran": "veterans program",
    "co_occurring": "co-occurring program",
}
AGE_WORDS: Final[dict[str, str]] = {
    "adolescent": "adolescents",
    "young_adult": "young adults",
    "adult": "adults",
    "senior": "seniors",
}
# Which accepts column decides each age group, and which program columns upgrade it to yes.
_AGE_COLUMNS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "adolescent": ("accepts_adolescents", ("program_adolescents",)),
    "young_adult": ("accepts_young_adults", ("program_young_adults",)),
    "adult": ("accepts_adults", ()),
    "senior": ("accepts_seniors", ("program_seniors",)),
}
_SEX_COLUMNS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "female": ("accepts_female", ("program_women", "program_pregnant_postpartum")),
    "male": ("accepts_male", ("program_men",)),
}
_LANGUAGE_FLAGS: Final = {"spanish": "lang_spanish", "sign": "lang_sign"}
_LANGUAGE_WORDS: Final = {"spanish": "Spanish", "sign": "sign language"}
_PROGRAM_TRAITS: Final = {"veteran": "program_veterans", "co_occurring": "program_co_occurring"}
# Filters that only leave out, never add a reason: no veterans-only (VA) facility for a person
# who is not a veteran.
SILENT_TRAITS: Final = frozenset({"non_veteran", "adult_assumed"})


def within_radius(index: FacilityIndex, query: SearchQuery) -> tuple[np.ndarray, np.ndarray]:
    """Return positions (ascending) and miles of the rows in reach of the query's radius.

    Street-level rows within the radius; ZIP-centre rows within it plus
    ZIP_CENTROID_TOLERANCE_MILES.
    """
    lat, lon, radius = query.origin.lat, query.origin.lon, query.radius_miles
    if not index.zip_centroid.any():
        return index.within(lat, lon, radius)
    positions, miles = index.within(lat, lon, radius + ZIP_CENTROID_TOLERANCE_MILES)
    approximate = index.zip_centroid[positions]
    # index.within settles the edge of the wider reach exactly; settle the radius too.
    edge = np.flatnonzero(~approximate & (np.abs(miles - radius) <= LAMBERT_ERROR_MILES))
    if len(edge):
        rows = positions[edge]
        miles[edge] = geodesic_miles(lat, lon, index.lat[rows], index.lon[rows])
    keep = approximate | (miles <= radius)
    return positions[keep], miles[keep]


class PersonColumns(Protocol):
    """The arrays person filters read (a FacilityIndex has them)."""

    @property
    def flags(self) -> dict[str, np.ndarray]: ...  # tri-state flags by column

    @property
    def languages(self) -> np.ndarray: ...  # case-folded ``languages`` texts

    @property
    def veterans_only(self) -> np.ndarray: ...  # a VA facility, serving veterans only


@dataclass(frozen=True, kw_only=True)
class _RowColumns:
    flags: dict[str, np.ndarray]
    languages: np.ndarray
    veterans_only: np.ndarray


def _tri_state_value(value: object) -> int:
    """Return :func:`tri_state` of one cell (1 yes, 0 no, -1 unknown) without a Series."""
    if value is None or value is pd.NA:
        return -1
    if isinstance(value, bool | np.bool_):
        return int(value)
    return int(tri_state(pd.Series([value], dtype="object"))[0])


def row_person_states(row: Mapping[str, object], query: SearchQuery) -> dict[str, int]:
    """Return the tri-state answer of one directory row to each trait the query gives."""
    flags = {
        name: np.array([_tri_state_value(row.get(name, pd.NA))], dtype="int8")
        for name in col.PROFILE_COLUMNS
    }
    text = row.get(col.LANGUAGES)
    languages = np.array([text.casefold() if isinstance(text, str) else ""], dtype="str")
    names = " ".join(str(row.get(name) or "") for name in (col.NAME, col.NAME2))
    veterans_only = np.array([bool(re.search(VA_NAME, names))])
    row_columns = _RowColumns(flags=flags, languages=languages, veterans_only=veterans_only)
    states = person_states(row_columns, query, np.arange(1))
    return {name: int(state[0]) for name, state in states.items()}


def person_states(
    index: PersonColumns, query: SearchQuery, positions: np.ndarray
) -> dict[str, np.ndarray]:
    """Return, per trait of the person the query gives, a tri-state answer per candidate."""
    flags = {name: index.flags[name][positions] for name in col.PROFILE_COLUMNS}
    states: dict[str, np.ndarray] = {}
    if query.age_group is not None:
        primary, upgrades = _AGE_COLUMNS[query.age_group]
        states["age_group"] = _upgraded(flags[primary], [flags[name] for name in upgrades])
    else:
        # No age given: an adult is assumed. A program that says it takes no adults is left
        # out; one that does not say is kept, after those that do (person_priority).
        states["adult_assumed"] = np.where(flags["accepts_adults"] == NO, NO, YES).astype("int8")
    if query.non_veteran:
        states["non_veteran"] = np.where(index.veterans_only[positions], NO, YES).astype("int8")
    sex = query.person_sex
    if sex is not None:
        primary, upgrades = _SEX_COLUMNS[sex]
        states["sex"] = _upgraded(flags[primary], [flags[name] for name in upgrades])
    if query.pregnant:
        states["pregnant"] = flags["program_pregnant_postpartum"]
    if query.language is not None:
        states["language"] = _language_state(index, query.language, positions, flags)
    for trait, column in _PROGRAM_TRAITS.items():
        if getattr(query, trait):
            states[trait] = flags[column]
    return states


def _upgraded(primary: np.ndarray, upgrades: list[np.ndarray]) -> np.ndarray:
    """Return ``primary`` with a yes wherever one of ``upgrades`` says yes."""
    out = primary.copy()
    for upgrade in upgrades:
        out[upgrade == YES] = YES
    return out


def _names_language(texts: np.ndarray, name: str) -> np.ndarray:
    """Return where the case-folded ``languages`` texts name ``name`` as whole words."""
    pattern = rf"(?<!\w){re.escape(name.casefold())}(?!\w)"
    return pd.Series(texts, dtype="str").str.contains(pattern, regex=True).to_numpy(dtype="bool")


def _language_state(
    index: PersonColumns, language: str, positions: np.ndarray, flags: dict[str, np.ndarray]
) -> np.ndarray:
    texts = index.languages[positions]
    named = _names_language(texts, language)
    if language in _LANGUAGE_FLAGS:
        out = flags[_LANGUAGE_FLAGS[language]].copy()
        out[named] = YES
        return out
    recorded = (texts != "") | (flags["lang_spanish"] != UNKNOWN) | (flags["lang_sign"] != UNKNOWN)
    return np.select([named, recorded], [YES, NO], default=UNKNOWN).astype("int8")


def pregnancy_moud(index: FacilityIndex, positions: np.ndarray) -> np.ndarray:
    """Return where a program for pregnant women provides methadone or buprenorphine."""
    program = index.flags["program_pregnant_postpartum"][positions] == YES
    moud = (index.flags["methadone"][positions] == YES) | (
        index.flags["buprenorphine"][positions] == YES
    )
    return program & moud


def person_priority(
    index: FacilityIndex,
    query: SearchQuery,
    positions: np.ndarray,
    unknown_by: dict[str, np.ndarray],
) -> np.ndarray:
    """Return a rank tier per row, sorted before the score (higher first).

    +1: the person is pregnant and this program for pregnant women provides methadone or
    buprenorphine. -1: no age was given, so an adult is assumed, and the listing does not say
    whether it takes adults. -2: kept although a trait of the person is unknown here.
    """
    tier = np.zeros(len(positions), dtype="int8")
    if query.pregnant:
        tier += pregnancy_moud(index, positions)
    if query.age_group is None:
        tier[(index.flags["accepts_adults"][positions] == UNKNOWN) & (tier == 0)] = -1
    for name, unknown in unknown_by.items():
        if name in PERSON_WORDS:
            tier[unknown] = -2
    return tier


@dataclass(frozen=True, kw_only=True, slots=True)
class PersonReasons:
    """What a result row adds to its reasons: its distance wording and the person's fit."""

    distance: str | None
    texts: tuple[str, ...]
    # What to ask about, after everything else ("does not list the ages it takes").
    asks: tuple[str, ...] = ()


def person_reasons(
    index: FacilityIndex, query: SearchQuery, chosen: np.ndarray, distance_miles: np.ndarray
) -> list[PersonReasons]:
    """Return, per chosen row, the distance wording (None: exact) and the traits it meets."""
    approximate = index.zip_centroid[chosen].tolist()
    states = {name: state.tolist() for name, state in person_states(index, query, chosen).items()}
    ranked_first = pregnancy_moud(index, chosen).tolist() if query.pregnant else []
    no_moud = (
        (
            (index.flags["methadone"][chosen] == NO) & (index.flags["buprenorphine"][chosen] == NO)
        ).tolist()
        if query.pregnant
        else []
    )
    ages_unknown = (
        (index.flags["accepts_adults"][chosen] == UNKNOWN).tolist()
        if query.age_group is None
        else [False] * len(chosen)
    )
    out = []
    for i, miles in enumerate(distance_miles.tolist()):
        distance = zip_centroid_miles_text(miles, query.radius_miles) if approximate[i] else None
        texts = [
            _trait_text(name, query)
            for name, values in states.items()
            if values[i] == YES and name not in SILENT_TRAITS
        ]
        if query.pregnant and ranked_first[i]:
            texts.insert(
                0,
                "program for pregnant women with methadone or buprenorphine - listed first "
                "(MOUD should continue in pregnancy)",
            )
        elif query.pregnant and states["pregnant"][i] == YES and no_moud[i]:
            texts.append(
                "⚠ no methadone or buprenorphine listed (withdrawal without MOUD is not "
                "recommended in pregnancy)"
            )
        asks = ("does not list the ages it takes (an adult is assumed) - ask",)
        out.append(
            PersonReasons(
                distance=distance, texts=tuple(texts), asks=asks if ages_unknown[i] else ()
            )
        )
    return out


def _trait_text(name: str, query: SearchQuery) -> str:
    if name == "age_group" and query.age_group is not None:
        return f"accepts {AGE_WORDS[query.age_group]}"
    if name == "sex":
        return "accepts women" if query.person_sex == "female" else "accepts men"
    if name == "pregnant":
        return "program for pregnant women"
    if name == "language" and query.language is not None:
        return f"in {_LANGUAGE_WORDS.get(query.language, query.language.title())}"
    return {"veteran": "veterans program", "co_occurring": "co-occurring program"}[name]


def zip_centroid_miles_text(miles: float, radius_miles: float) -> str:
    """Return "about 12 mi (ZIP centre)", saying so when it may be past the radius."""
    text = f"about {miles:.0f} mi (ZIP centre)"
    if miles > radius_miles:
        text = text[:-1] + f"; may be past {radius_miles:g} mi)"
    return text


def merge_person_reasons(parts: list[str], person: PersonReasons) -> list[str]:
    """Return the reasons ``parts`` (distance first) with the person's distance and fit."""
    out = list(parts)
    if person.distance is not None:
        out[0] = person.distance
    # After distance and availability, before the rest; what to ask about, last.
    out[2:2] = person.texts
    return out + list(person.asks)
