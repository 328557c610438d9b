"""Open beds that fit the person: the level needed (detox or residential) and their sex."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from search_frames import NOW, ORIGIN, directory, facility

from matching.directory import columns as col
from matching.errors import QueryError
from matching.render import display
from matching.search.engine import search
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery

FRESH = NOW - timedelta(hours=2)


def run(*rows: dict, **query: object) -> pd.DataFrame:
    return search(
        FacilityIndex(directory(*rows)),
        SearchQuery(origin=ORIGIN, **query),  # type: ignore[arg-type]
        now=NOW,
    )


def reported(number: int, **values: object) -> dict:
    """A detox-and-residential facility with a fresh report (status openings by default)."""
    return facility(
        number,
        detox_any=True,
        detox_residential=True,
        residential=True,
        # Co-ed: the person's sex (a hard filter) fits, so the test is about the beds alone.
        accepts_female=True,
        accepts_male=True,
        **{col.AVAILABILITY_STATUS: "openings", col.AVAILABILITY_REPORTED_AT: FRESH} | values,
    )


def by_id(result: pd.DataFrame) -> pd.DataFrame:
    return result.set_index(col.FACILITY_ID)


def test_residential_beds_do_not_count_for_a_detox_search() -> None:
    # The example: "4 residential beds open, no detox" ranked first, green, for detox.
    residential_only = reported(1, miles=0.5, beds_open_residential=4, beds_open_detox=0)
    silent = facility(2, miles=1.0, detox_any=True, detox_residential=True, residential=True)
    result = by_id(run(residential_only, silent, detox="any"))
    assert result.loc["f001", "score_availability"] == 0
    assert result.loc["f002", "score_availability"] == 0
    assert display.availability_band(result).loc["f001"] == "no openings or waitlist"
    assert "no detox beds open" in result.loc["f001", "reasons"]


def test_a_status_reported_with_other_beds_only_is_not_reported_for_this_need() -> None:
    residential_counted = reported(1, beds_open_residential=4)  # detox count not given
    result = by_id(run(residential_counted, detox="any"))
    assert result.loc["f001", "availability_for_need"] == "unknown"
    assert result.loc["f001", "score_availability"] == 0
    assert display.availability_band(result).loc["f001"] == "not reported"
    assert "detox beds not reported" in result.loc["f001", "reasons"]


def test_a_bare_status_still_counts_when_no_bed_type_is_reported() -> None:
    result = by_id(run(reported(1), detox="any"))
    assert result.loc["f001", "availability_for_need"] == "openings"
    assert result.loc["f001", "score_availability"] > 0


def test_the_persons_sex_picks_the_count_where_the_source_reports_by_sex() -> None:
    # A co-ed program (it accepts both: the person filter keeps it) reporting beds by sex.
    men_only = reported(
        1,
        beds_open_residential=4,
        beds_open_residential_male=4,
        beds_open_residential_female=0,
    )
    result = by_id(run(men_only, sex="female"))
    assert result.loc["f001", "beds_needed"] == 0
    assert result.loc["f001", "beds_needed_kind"] == "residential beds for women"
    assert result.loc["f001", "score_availability"] == 0
    assert display.availability_band(result).loc["f001"] == "no openings or waitlist"
    for_men = by_id(run(men_only, sex="male"))
    assert for_men.loc["f001", "beds_needed"] == 4
    assert "4 residential beds for men open" in for_men.loc["f001", "reasons"]
    assert display.availability_band(for_men).loc["f001"] == "open, fresh"


def test_a_total_is_used_and_labelled_when_the_source_does_not_report_by_sex() -> None:
    result = by_id(run(reported(1, beds_open_detox=2), detox="any", sex="female"))
    assert result.loc["f001", "beds_needed"] == 2
    assert result.loc["f001", "beds_needed_kind"] == "detox beds (not reported by sex)"
    assert "2 detox beds open (not reported by sex)" in result.loc["f001", "reasons"]


def test_min_beds_uses_the_persons_beds() -> None:
    rows = (
        reported(1, beds_open_detox=3, beds_open_detox_male=3, beds_open_detox_female=0),
        reported(2, beds_open_detox=1, beds_open_detox_male=0, beds_open_detox_female=1),
    )
    result = run(*rows, detox="any", sex="female", min_beds=1)
    assert result[col.FACILITY_ID].tolist() == ["f002"]


def test_no_bed_of_the_needed_kind_never_ranks_above_not_reported() -> None:
    for beds, status in ((0, "openings"), (0, "accepting_assessments"), (0, "waitlist")):
        zero = reported(1, beds_open_detox=beds, availability_status=status)
        silent = facility(2, detox_any=True, detox_residential=True, residential=True)
        result = by_id(run(zero, silent, detox="any"))
        assert result.loc["f001", "score_availability"] <= result.loc["f002", "score_availability"]
        assert result.loc["f001", "score_freshness"] == 0


def test_sex_must_be_female_or_male() -> None:
    with pytest.raises(QueryError, match="sex 'other' is not allowed"):
        SearchQuery(origin=ORIGIN, sex="other")  # type: ignore[arg-type]


def test_results_table_says_which_beds_a_figure_is_about() -> None:
    row = reported(1, beds_open_detox=2, beds_open_detox_female=2, beds_open_detox_male=0)
    result = run(row, detox="any", sex="female")
    table = display.results_table(result, now=NOW)
    assert table[display.RESULT_NEEDED].iloc[0] == "2 detox beds for women"
    assert "women 2, men 0" in table[display.RESULT_AVAILABILITY].iloc[0]


def test_cli_search_counts_the_beds_for_the_persons_sex(tmp_path, capsys) -> None:
    from matching.cli.main import main
    from matching.directory.io import write_directory

    row = reported(1, beds_open_residential=3, beds_open_residential_female=0,
                   beds_open_residential_male=3)  # fmt: skip
    path = tmp_path / "directory.csv"
    write_directory(directory(row), path)
    code = main(["search", "--data", str(path), "--near", "10001", "--sex", "female",
                 "--format", "csv"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "residential beds for women" in out and ",no_openings," in out
