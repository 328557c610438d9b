"""Hostile case backups and JSON uploads get a sentence in the app, never a traceback."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from apptest_helpers import file_uploader
from case_factory import ready_case
from test_app_readiness import import_file, open_page

from matching import case as cases
from matching.records import cases as case_records
from matching.records.team import LOCAL

DEEP = b"[" * 50_000 + b"]" * 50_000


@pytest.fixture
def stored_case(engine):
    return case_records.create_case(engine, ready_case(datetime.now(UTC)), actor=LOCAL)


def _backup_with(stored_case, path: tuple[str, ...], value: str) -> bytes:
    document = json.loads(cases.case_to_json(stored_case))
    target = document["case"]["placements"][0]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(document).encode()


def test_a_deeply_nested_backup_is_refused_with_a_sentence() -> None:
    with pytest.raises(cases.CaseFormatError, match="nests 50,000 levels deep"):
        cases.case_from_json(DEEP)


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_a_backup_dated_at_the_edge_of_time_is_refused(stored_case, stamp: str) -> None:
    backup = _backup_with(stored_case, ("hold", "expires_at"), stamp)
    with pytest.raises(cases.CaseFormatError) as raised:
        cases.case_from_json(backup)
    assert "is outside the years 1900-2200" in str(raised.value)


@pytest.mark.parametrize("kind", ["deep", "year one"])
def test_the_readiness_page_shows_a_sentence(engine, stored_case, kind: str) -> None:
    data = (
        DEEP
        if kind == "deep"
        else _backup_with(stored_case, ("hold", "expires_at"), "0001-01-01T00:00:00+14:00")
    )
    at = import_file(open_page("app_pages/readiness.py"), data)
    assert not at.exception
    assert "Nothing was imported" in at.error[0].value
    assert case_records.count_cases(engine, actor=LOCAL) == 1


def test_the_data_page_refuses_deep_json_with_a_sentence(store_url: str) -> None:
    at = open_page("app_pages/data.py")
    file_uploader(at).set_value(("page.json", b'{"rows": ' + DEEP + b"}", "application/json"))
    at.button(key="import_submit").click()
    at.run()
    assert not at.exception
    assert "page.json was not imported" in at.error[0].value
    assert "levels deep" in at.error[0].value
