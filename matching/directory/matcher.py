"""The one facility matcher: is a row of a feed the same facility as a row of the directory?

Every feed that updates a directory goes through :func:`match_facilities`: the FindTreatment
refresh (``live.merge``), a state file imported into a directory (``import --into``: LADDERS,
licensing lists, other CSVs). Names, streets and phones are written differently by every
source ("Denver Health & Hospital Authority - Denver CARES" / "DENVER CARES"; "1155 Cherokee
Street" / "1155 Cherokee St., Suite 2"), so no single field is trusted alone:

1. **Same id** (a refresh of the same source): the same facility.
2. **Candidates:** directory rows in the same ZIP, or within :data:`NEAR_MILES` of the feed
   row when both have coordinates.
3. **Evidence** for each candidate, each between 0 and 1: the names' word overlap (the best of
   name and second name on either side, after dropping words every program has, such as
   "inc", "llc", "center", "services"); the street (1 when house number and street name agree
   once units and USPS abbreviations are folded, 0.5 when only the house number and one street
   word agree); the phone (1 when the last ten digits agree).
4. **Decision:** a candidate is the same facility when its evidence reaches
   :data:`SAME_SCORE` (``name + street + phone``, with a street or phone needed besides a
   name unless the name agrees entirely and the rows lie within :data:`NEAR_MILES` or in one
   ZIP; never when both give house numbers that are not the same building). One clear
   winner is *matched*; two that both pass and are close (within :data:`TIE_MARGIN`), or a
   directory row claimed by two feed rows, are *ambiguous*: reported, never merged. Everything
   else is *new*.

Its precision and recall are measured on facility pairs labelled by hand from the shared real
data (``tests/fixtures/matcher_pairs.csv``, ``tests/test_matcher.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

from matching.directory import columns as col

MatchStatus = Literal["matched", "new", "ambiguous"]
NEAR_MILES: Final = 0.5
SAME_SCORE: Final = 1.2
TIE_MARGIN: Final = 0.25
# Words that say nothing about which program it is.
_COMMON_WORDS: Final = frozenset(
    {
        "a", "an", "and", "the", "of", "for", "at", "in", "on", "inc", "llc", "pllc", "pc",
        "co", "corp", "corporation", "ltd", "company", "lp", "center", "centers", "centre",
        "services", "service", "program", "programs", "treatment", "clinic", "clinics",
        "health", "healthcare", "behavioral", "recovery", "counseling",
    }
)  # fmt: skip
_STREET_WORDS: Final[dict[str, str]] = {
    "street": "st", "avenue": "ave", "av": "ave", "boulevard": "blvd", "road": "rd",
    "drive": "dr", "place": "pl", "lane": "ln", "court": "ct", "highway": "hwy",
    "parkway": "pkwy", "north": "n", "south": "s", "east": "e", "west": "w", "circle": "cir",
    "terrace": "ter", "square": "sq", "trail": "trl", "first": "1st", "second": "2nd",
    "third": "3rd",
}  # fmt: skip
_UNIT: Final = re.compile(r"\b(ste|suite|unit|room|rm|bldg|building|floor|fl|apt|#)\b.*$|#.*$")
_NON_WORD: Final = re.compile(r"[^\w#]+")
_EXTENSION: Final = re.compile(r"\s*(?:x|ext\.?|extension)\s*\d+\s*$", re.IGNORECASE)
# House numbers this close are one building written two ways ("24458 1/4" and "24460").
_NEXT_DOOR: Final = 4


@dataclass(frozen=True)
class FacilityMatch:
    """For each feed row (in its order): the directory position it is (``target``, -1 when
    none), ``status`` (matched / new / ambiguous), the evidence ``score`` and a ``reason``."""

    target: np.ndarray
    status: np.ndarray
    score: np.ndarray
    reason: list[str]

    def counts(self) -> dict[str, int]:
        """Return how many feed rows were matched, new and ambiguous."""
        return {name: int((self.status == name).sum()) for name in ("matched", "new", "ambiguous")}

    def summary_text(self) -> str:
        """Return the counts as one sentence."""
        found = self.counts()
        return (
            f"{found['matched']:,} matched a facility of the directory, {found['new']:,} are new, "
            f"{found['ambiguous']:,} could be more than one facility (left out: check them)"
        )


def name_tokens(names: pd.Series) -> list[frozenset[str]]:
    """Return each name's telling words (folded, "&" as "and", common words dropped)."""
    folded = names.fillna("").astype("str").str.casefold().str.replace("&", " and ", regex=False)
    words = folded.str.replace(r"[\W_]+", " ", regex=True).str.split()
    return [frozenset(w for w in parts if w not in _COMMON_WORDS) for parts in words]


def street_parts(streets: pd.Series) -> list[tuple[str, tuple[str, ...]]]:
    """Return (house number, street words) of each street line, units and suites dropped."""
    first = streets.fillna("").astype("str").str.split(",", n=1).str[0].str.casefold()
    out = []
    for text in first:
        words = _NON_WORD.sub(" ", _UNIT.sub("", text)).split()
        words = [_STREET_WORDS.get(word, word) for word in words]
        number = words[0] if words and words[0][:1].isdigit() else ""
        out.append((number, tuple(words[1:] if number else words)))
    return out


def phone_digits(phones: pd.Series) -> list[str]:
    """Return the ten digits of each US phone, its extension and a leading 1 dropped ('' when
    it has fewer)."""
    text = phones.fillna("").astype("str").str.replace(_EXTENSION, "", regex=True)
    digits = text.str.replace(r"\D", "", regex=True).str.replace(r"^1(?=\d{10}$)", "", regex=True)
    return [number[:10] if len(number) >= 10 else "" for number in digits]


@dataclass(frozen=True)
class _Side:
    """What the matcher compares, for every row of one table."""

    ids: np.ndarray
    names: list[frozenset[str]]
    names2: list[frozenset[str]]
    streets: list[tuple[str, tuple[str, ...]]]
    phones: list[str]
    zips: np.ndarray
    lat: np.ndarray
    lon: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> _Side:
        empty = pd.Series("", index=frame.index)
        located = _located(frame)
        return cls(
            ids=frame.get(col.FACILITY_ID, empty).fillna("").astype("str").to_numpy(),
            names=name_tokens(frame[col.NAME]),
            names2=name_tokens(frame.get(col.NAME2, empty)),
            streets=street_parts(frame.get(col.STREET, empty)),
            phones=phone_digits(frame.get(col.PHONE, empty)),
            zips=frame.get(col.ZIP, empty).fillna("").astype("str").str[:5].to_numpy(),
            lat=np.where(located, _numbers(frame, col.LAT), np.nan),
            lon=np.where(located, _numbers(frame, col.LON), np.nan),
        )


def _numbers(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").astype("float64").to_numpy()


def _located(frame: pd.DataFrame) -> np.ndarray:
    if col.LAT not in frame.columns or col.LON not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    lat, lon = frame[col.LAT].astype("float64"), frame[col.LON].astype("float64")
    return (lat.notna() & lon.notna() & ~((lat == 0) & (lon == 0))).to_numpy()


def match_facilities(directory: pd.DataFrame, feed: pd.DataFrame) -> FacilityMatch:
    """Return which directory row (position) each feed row is, and how sure (module docstring)."""
    old, new = _Side.of(directory.reset_index(drop=True)), _Side.of(feed.reset_index(drop=True))
    by_id = pd.Series(np.arange(len(old.ids)), index=old.ids)
    by_id = by_id[~by_id.index.duplicated(keep=False)]
    by_zip: dict[str, np.ndarray] = {
        zip_code: np.asarray(rows)
        for zip_code, rows in pd.Series(old.zips).groupby(old.zips).groups.items()
    }
    target = np.full(len(new.ids), -1)
    status = np.full(len(new.ids), "new", dtype=object)
    score = np.zeros(len(new.ids))
    reason = [""] * len(new.ids)
    for row in range(len(new.ids)):
        if new.ids[row] and new.ids[row] in by_id.index:
            target[row], status[row], score[row] = by_id[new.ids[row]], "matched", 9.0
            reason[row] = "same id"
            continue
        candidates = _candidates(old, new, row, by_zip)
        target[row], status[row], score[row], reason[row] = _decide(old, new, row, candidates)
    _claimed_twice(target, status, score, reason)
    return FacilityMatch(target=target, status=status.astype("str"), score=score, reason=reason)


def _candidates(old: _Side, new: _Side, row: int, by_zip: dict[str, np.ndarray]) -> np.ndarray:
    """Return the directory positions in the feed row's ZIP or within NEAR_MILES of it."""
    same_zip = by_zip.get(str(new.zips[row]), np.zeros(0, dtype=int))
    if np.isnan(new.lat[row]):
        return same_zip
    near = np.flatnonzero(miles_between(new.lat[row], new.lon[row], old.lat, old.lon) <= NEAR_MILES)
    return np.union1d(same_zip, near).astype(int)


def miles_between(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Return great-circle miles from one point to many (NaN where a point is unknown)."""
    phi1, phi2 = np.radians(lat), np.radians(lats)
    dphi, dlmb = phi2 - phi1, np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * 3958.8 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _decide(
    old: _Side, new: _Side, row: int, candidates: np.ndarray
) -> tuple[int, str, float, str]:
    """Return (target, status, score, reason) for one feed row among its candidates."""
    scored = sorted(
        ((*evidence(old, new, row, candidate), candidate) for candidate in candidates),
        key=lambda item: -item[0],
    )
    passing = [item for item in scored if item[0] >= SAME_SCORE and item[1]]
    if not passing:
        return -1, "new", scored[0][0] if scored else 0.0, "no facility of the directory alike"
    best = passing[0]
    if len(passing) > 1 and passing[1][0] >= best[0] - TIE_MARGIN:
        return -1, "ambiguous", best[0], f"{len(passing)} facilities of the directory alike"
    return int(best[3]), "matched", best[0], str(best[2])


def evidence(old: _Side, new: _Side, row: int, candidate: int) -> tuple[float, bool, str]:
    """Return (score, enough, what agreed) for a feed row and a directory candidate."""
    name = max(
        _overlap(a, b)
        for a in (new.names[row], new.names2[row])
        for b in (old.names[candidate], old.names2[candidate])
    )
    street = _street_agreement(new.streets[row], old.streets[candidate])
    phone = 1.0 if new.phones[row] and new.phones[row] == old.phones[candidate] else 0.0
    near = bool(
        miles_between(new.lat[row], new.lon[row], old.lat[candidate : candidate + 1],
                      old.lon[candidate : candidate + 1])[0] <= NEAR_MILES
    ) or bool(new.zips[row] and new.zips[row] == old.zips[candidate])  # fmt: skip
    # Two house numbers that disagree are two sites, whatever the name and phone (chains share
    # a central phone). A name alone is enough only when it agrees entirely, close by (within
    # half a mile, or in the same ZIP) and no house numbers disagree.
    conflict = street == 0 and _numbers_differ(new.streets[row], old.streets[candidate])
    # Names must agree at least half, unless the same street address and phone say it all (a
    # program listed under its parent's name).
    named = name >= 0.5 or (street == 1.0 and phone == 1.0)
    enough = not conflict and named and (street > 0 or phone > 0 or (name == 1.0 and near))
    said = [f"name {name:.2f}"] + (
        ["street"] if street == 1 else ["house number"] if street else []
    )
    said += ["phone"] if phone else []
    score = name + street + phone
    if enough and name == 1.0 and near:
        # The whole name, in the same ZIP or next door, with no address against it.
        score, said = max(score, SAME_SCORE), [*said, "same place"]
    return score, enough, ", ".join(said)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Return the share of the smaller name's telling words that the other has too; none when
    both names carry numbers that differ ("Clinic 2", "Clinic 3": two sites)."""
    if not a or not b:
        return 0.0
    numbers_a = {word for word in a if word.isdigit()}
    numbers_b = {word for word in b if word.isdigit()}
    if numbers_a and numbers_b and not numbers_a & numbers_b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _numbers_differ(a: tuple[str, tuple[str, ...]], b: tuple[str, tuple[str, ...]]) -> bool:
    """Return whether both streets give a house number and they are not the same building."""
    return bool(a[0] and b[0]) and not _same_building(a[0], b[0])


def _same_building(a: str, b: str) -> bool:
    if a == b:
        return True
    if a.isdigit() and b.isdigit():
        return abs(int(a) - int(b)) <= _NEXT_DOOR
    return False


def _street_agreement(a: tuple[str, tuple[str, ...]], b: tuple[str, tuple[str, ...]]) -> float:
    number_a, words_a = a
    number_b, words_b = b
    if not number_a or not _same_building(number_a, number_b):
        return 0.0
    if number_a != number_b:
        return 0.5 if set(words_a) & set(words_b) - {"n", "s", "e", "w"} else 0.0
    if words_a == words_b:
        return 1.0
    telling = {w for w in words_a if w not in ("n", "s", "e", "w")}
    shared = telling & set(words_b)
    if shared and len(shared) >= min(len(telling), 2) - 1:
        return 1.0 if shared == telling or shared == set(words_b) - {"n", "s", "e", "w"} else 0.5
    return 0.0


def _claimed_twice(
    target: np.ndarray, status: np.ndarray, score: np.ndarray, reason: list[str]
) -> None:
    """Mark as ambiguous every feed row but the best one that claims an already-claimed row."""
    claimed = pd.Series(target[target >= 0]).value_counts()
    for position in claimed[claimed > 1].index:
        rows = np.flatnonzero(target == position)
        keep = rows[np.argmax(score[rows])]
        for row in rows:
            if row != keep:
                target[row], status[row] = -1, "ambiguous"
                reason[row] = "another row of the feed is the same facility of the directory"
