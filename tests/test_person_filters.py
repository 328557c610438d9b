"""The person's profile in search: exact against a brute-force check, and each rule by example."""

from __future__ import annotations

from typing import Any, get_args

import pandas as pd
import pytest
from geographiclib.geodesic import Geodesic
from hypothesis import given, settings
from hypothesis import strategies as st
from search_frames import NOW, ORIGIN, directory, facility

from matching.directory import columns as col
from matching.errors import QueryError
from matching.search.engine import search
from matching.search.explain import loosen_suggestions
from matching.search.index import FacilityIndex
from matching.search.person import ZIP_CENTROID_TOLERANCE_MILES
from matching.search.query import AGE_GROUPS, SearchQuery, Sex

SETTINGS = settings(max_examples=60, deadline=None)
tri = st.sampled_from([True, False, None])
LANGUAGE_TEXTS = ["", "Arabic", "Arabic; Chinese", "Vietnamese; Spanish", "Portuguese Creole"]


@st.composite
def person_rows(draw: st.DrawFn, number: int) -> dict[str, Any]:
    return facility(
        number,
        miles=draw(st.floats(0, 40)),
        **{name: draw(tri) for name in col.PROFILE_COLUMNS},
        methadone=draw(tri),
        buprenorphine=draw(tri),
        languages=draw(st.sampled_from(LANGUAGE_TEXTS)),
        location_precision=draw(st.sampled_from(["exact", "zip_centroid"])),
    )


@st.composite
def person_directories(draw: st.DrawFn) -> pd.DataFrame:
    count = draw(st.integers(1, 12))
    return directory(*(draw(person_rows(number)) for number in range(count)))


@st.composite
def person_queries(draw: st.DrawFn) -> SearchQuery:
    sex: Sex | None = draw(st.one_of(st.none(), st.sampled_from(get_args(Sex))))
    return SearchQuery(
        origin=ORIGIN,
        radius_miles=draw(st.sampled_from([5.0, 20.0, 35.0])),
        age_group=draw(st.one_of(st.none(), st.sampled_from(AGE_GROUPS))),
        sex=sex,
        pregnant=draw(st.booleans()) and sex != "male",
        language=draw(
            st.one_of(st.none(), st.sampled_from(["spanish", "sign", "arabic", "creole", "chin"]))
        ),
        veteran=draw(st.booleans()),
        co_occurring=draw(st.booleans()),
        include_unverified=draw(st.booleans()),
    )


# ----------------------------------------------------------------------------- brute force


def _value(row: dict[str, Any], name: str) -> bool | None:
    value = row[name]
    return None if value is pd.NA or value is None else bool(value)


def _accepted(primary: bool | None, *programs: bool | None) -> bool | None:
    return True if any(program is True for program in programs) else primary


def _language(row: dict[str, Any], language: str) -> bool | None:
    names = [part.strip().casefold() for part in row["languages"].split(";") if part.strip()]
    words = {word for name in names for word in name.split()}
    named = language in names or language in words
    if language in ("spanish", "sign"):
        return True if named else _value(row, f"lang_{language}")
    recorded = bool(names) or any(_value(row, f"lang_{n}") is not None for n in ("spanish", "sign"))
    return True if named else (False if recorded else None)


def _answers(row: dict[str, Any], query: SearchQuery) -> list[bool | None]:
    """Re-derive each trait's answer the slow way, one row and one rule at a time."""
    answers = []
    if query.age_group:
        plural = {"adolescent": "adolescents", "young_adult": "young_adults"}.get(
            query.age_group, query.age_group + "s"
        )
        program = _value(row, f"program_{plural}") if query.age_group != "adult" else None
        answers.append(_accepted(_value(row, f"accepts_{plural}"), program))
    else:  # no age given: an adult is assumed, and only a "no adults" leaves a program out
        answers.append(_value(row, "accepts_adults") is not False)
    if query.sex == "female" or query.pregnant:
        answers.append(
            _accepted(
                _value(row, "accepts_female"),
                _value(row, "program_women"),
                _value(row, "program_pregnant_postpartum"),
            )
        )
    if query.sex == "male":
        answers.append(_accepted(_value(row, "accepts_male"), _value(row, "program_men")))
    if query.pregnant:
        answers.append(_value(row, "program_pregnant_postpartum"))
    if query.language:
        answers.append(_language(row, query.language))
    if query.veteran:
        answers.append(_value(row, "program_veterans"))
    if query.co_occurring:
        answers.append(_value(row, "program_co_occurring"))
    return answers


def _brute_force(frame: pd.DataFrame, query: SearchQuery) -> dict[str, bool]:
    """Return {facility_id: unverified} of the rows that must be found."""
    found = {}
    for row in frame.to_dict("records"):
        meters = Geodesic.WGS84.Inverse(ORIGIN.lat, ORIGIN.lon, row["lat"], row["lon"])["s12"]
        slack = ZIP_CENTROID_TOLERANCE_MILES if row["location_precision"] == "zip_centroid" else 0
        if meters / 1609.344 > query.radius_miles + slack:
            continue
        answers = _answers(row, query)
        if any(answer is False for answer in answers):
            continue
        unknown = any(answer is None for answer in answers)
        if unknown and not query.include_unverified:
            continue
        found[row[col.FACILITY_ID]] = unknown
    return found


@SETTINGS
@given(person_directories(), person_queries())
def test_person_filters_are_exact_against_brute_force(
    frame: pd.DataFrame, query: SearchQuery
) -> None:
    result = search(FacilityIndex(frame), query, now=NOW)
    got = dict(zip(result[col.FACILITY_ID], result["unverified"].tolist(), strict=True))
    assert got == _brute_force(frame, query)


@SETTINGS
@given(person_directories(), person_queries())
def test_verified_person_matches_come_before_unverified_ones(
    frame: pd.DataFrame, query: SearchQuery
) -> None:
    unverified = search(FacilityIndex(frame), query, now=NOW)["unverified"].tolist()
    assert unverified == sorted(unverified)


# ----------------------------------------------------------------------------- by example


def _ids(frame: pd.DataFrame, **query: Any) -> list[str]:
    result = search(FacilityIndex(frame), SearchQuery(origin=ORIGIN, **query), now=NOW)
    return result[col.FACILITY_ID].tolist()


def test_a_facility_that_accepts_women_is_not_thereby_a_pregnancy_program() -> None:
    frame = directory(
        facility(1, accepts_female=True, program_pregnant_postpartum=False),
        facility(2, accepts_female=True),  # pregnancy program unknown
        facility(3, accepts_female=False, accepts_male=True),  # men only, program unknown
        facility(4, program_pregnant_postpartum=True),
    )
    assert _ids(frame, pregnant=True) == ["f004"]
    assert _ids(frame, pregnant=True, include_unverified=True) == ["f004", "f002"]


def test_a_pregnant_woman_sees_pregnancy_programs_with_moud_first_and_why() -> None:
    frame = directory(
        facility(1, miles=1, program_pregnant_postpartum=True),
        facility(2, miles=20, program_pregnant_postpartum=True, buprenorphine=True),
    )
    result = search(FacilityIndex(frame), SearchQuery(origin=ORIGIN, pregnant=True), now=NOW)
    assert result[col.FACILITY_ID].tolist() == ["f002", "f001"]
    assert "with methadone or buprenorphine - listed first" in result["reasons"].iloc[0]
    assert "no methadone or buprenorphine listed" in result["reasons"].iloc[1]


def test_an_age_program_counts_as_accepting_that_age() -> None:
    frame = directory(
        facility(1, accepts_adolescents=False, program_adolescents=True),
        facility(2, accepts_adolescents=False),
        facility(3, accepts_adolescents=True, program_adolescents=False),
    )
    assert sorted(_ids(frame, age_group="adolescent")) == ["f001", "f003"]


def test_a_language_the_source_records_elsewhere_is_no_but_unrecorded_is_unknown() -> None:
    frame = directory(
        facility(1, languages="Arabic; Chinese"),
        facility(2, languages="Vietnamese"),
        facility(3, languages="", lang_spanish=True),  # records languages; names none other
        facility(4, languages=""),  # records nothing about languages
    )
    assert _ids(frame, language="ARABIC") == ["f001"]
    assert _ids(frame, language="arabic", include_unverified=True) == ["f001", "f004"]
    assert _ids(frame, language="Español") == ["f003"]


def test_the_person_filters_are_hard_and_say_what_is_unverified() -> None:
    frame = directory(
        facility(1, program_veterans=True, program_co_occurring=True, accepts_male=True),
        facility(2, program_veterans=False, accepts_male=True),
        facility(3, accepts_male=True),
    )
    query = SearchQuery(origin=ORIGIN, veteran=True, sex="male", include_unverified=True)
    result = search(FacilityIndex(frame), query, now=NOW)
    assert result[col.FACILITY_ID].tolist() == ["f001", "f003"]
    assert "veterans program" in result["reasons"].iloc[0]
    assert "unverified: veterans program unknown" in result["reasons"].iloc[1]
    assert result["unverified"].tolist() == [False, True]


def test_a_zip_center_row_is_kept_within_the_stated_tolerance_and_says_so() -> None:
    frame = directory(
        facility(1, miles=22.0, location_precision="zip_centroid"),
        facility(2, miles=22.0),
        facility(
            3, miles=20.0 + ZIP_CENTROID_TOLERANCE_MILES + 0.5, location_precision="zip_centroid"
        ),
        facility(4, miles=8.0, location_precision="zip_centroid"),
    )
    result = search(FacilityIndex(frame), SearchQuery(origin=ORIGIN, radius_miles=20), now=NOW)
    assert result[col.FACILITY_ID].tolist() == ["f004", "f001"]
    assert result["reasons"].iloc[0].startswith("about 8 mi (ZIP centre)")
    assert result["reasons"].iloc[1].startswith("about 22 mi (ZIP centre; may be past 20 mi)")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"pregnant": True, "sex": "male"}, "contradict"),
        ({"age_group": "child"}, "age_group 'child' is not allowed"),
        ({"sex": "other"}, "sex 'other' is not allowed"),
        ({"language": "=HYPERLINK()"}, "is not a language name"),
        ({"language": "x" * 41}, "up to 40 characters"),
        ({"veteran": "yes"}, "veteran must be True or False"),
    ],
)
def test_a_bad_profile_is_refused_with_a_sentence(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        SearchQuery(origin=ORIGIN, **fields)


def test_an_empty_profile_search_says_which_trait_to_drop_and_what_that_finds() -> None:
    frame = directory(
        facility(1, lang_spanish=False, program_veterans=True, accepts_adolescents=True),
        facility(2, lang_spanish=True, program_veterans=False, accepts_adolescents=True),
        facility(3, program_pregnant_postpartum=False, accepts_female=True),
    )
    index = FacilityIndex(frame)
    query = SearchQuery(origin=ORIGIN, language="spanish", veteran=True, age_group="adolescent")
    assert search(index, query, now=NOW).empty
    counts = {s.change: s.count for s in loosen_suggestions(index, query, now=NOW)}
    assert counts["Drop the language requirement (spanish)"] == 1
    assert counts["Drop the veterans-program requirement"] == 1
    assert counts["Drop the age requirement (accepts adolescents)"] == 0

    pregnant = SearchQuery(origin=ORIGIN, pregnant=True)
    counts = {s.change: s.count for s in loosen_suggestions(index, pregnant, now=NOW)}
    # Dropping the pregnancy program keeps her a woman: facility 3 (women) is found, 1-2 not.
    assert counts["Drop the program-for-pregnant-women requirement (still women accepted)"] == 1
