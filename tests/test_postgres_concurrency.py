"""Concurrent writers against one real store (PostgreSQL, and SQLite for comparison).

Each writer is a thread with its own engine, so its own connection and session, as two people
on a team server are. A barrier lines them up so that their writes really overlap.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from case_factory import NOW, ready_case
from sqlalchemy import func, select

from matching.case import Case
from matching.errors import ConflictError
from matching.records import cases as case_records
from matching.records.calllog import CallReport, call_history, log_call
from matching.records.store import call_log, case_contact_log, case_placements, open_engine
from matching.records.team import LOCAL

ROUNDS = 3
CALL_WRITERS = 6
CALLS_EACH = 15


def _children(url: str, case_id: int) -> tuple[int, int]:
    engine = open_engine(url)
    with engine.connect() as connection:
        placements = connection.execute(
            select(func.count()).where(case_placements.c.case_id == case_id)
        ).scalar_one()
        logs = connection.execute(
            select(func.count()).where(case_contact_log.c.case_id == case_id)
        ).scalar_one()
    engine.dispose()
    return int(placements), int(logs)


def _save_together(url: str, edits: list[Case]) -> list[Case | ConflictError]:
    """Save each edit from its own engine, all at the same moment; return what each got."""
    barrier = threading.Barrier(len(edits))

    def save(edit: Case) -> Case | ConflictError:
        engine = open_engine(url)
        try:
            barrier.wait(timeout=30)
            return case_records.save_case(engine, edit, now=NOW, actor=LOCAL)
        except ConflictError as conflict:
            return conflict
        finally:
            engine.dispose()

    with ThreadPoolExecutor(max_workers=len(edits)) as pool:
        return list(pool.map(save, edits))


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_two_writers_from_one_version_one_wins_the_other_is_told(
    db_url: str, round_number: int
) -> None:
    setup = open_engine(db_url)
    bystander = case_records.create_case(
        setup, replace(ready_case(), title="Other family"), now=NOW, actor=LOCAL
    )
    base = case_records.create_case(setup, ready_case(), now=NOW, actor=LOCAL)
    setup.dispose()
    children = _children(db_url, base.id)  # type: ignore[arg-type]
    edits = [
        replace(base, title=f"Renamed by A in round {round_number}"),
        replace(base, loved_one_alias="Jay", placements=base.placements[:1]),
    ]

    outcomes = _save_together(db_url, edits)

    saved = [outcome for outcome in outcomes if isinstance(outcome, Case)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, ConflictError)]
    assert (len(saved), len(refused)) == (1, 1)
    assert "changed in another window" in str(refused[0])
    reader = open_engine(db_url)
    stored = case_records.load_case(reader, base.id, actor=LOCAL)  # type: ignore[arg-type]
    assert stored == saved[0]  # the winner's case, whole, at version 2
    assert stored.version == 2
    winner = outcomes.index(saved[0])
    expected_children = children if winner == 0 else _children_of(edits[1])
    assert _children(db_url, base.id) == expected_children  # type: ignore[arg-type]
    assert case_records.load_case(reader, bystander.id, actor=LOCAL) == bystander  # type: ignore[arg-type]
    reader.dispose()


def _children_of(case: Case) -> tuple[int, int]:
    return len(case.placements), sum(len(placement.log) for placement in case.placements)


def test_the_refused_writer_saves_after_reloading(db_url: str) -> None:
    setup = open_engine(db_url)
    base = case_records.create_case(setup, ready_case(), now=NOW, actor=LOCAL)
    setup.dispose()
    outcomes = _save_together(db_url, [replace(base, title="A"), replace(base, title="B")])
    loser = next(
        edit for edit, got in zip(("A", "B"), outcomes, strict=True) if not isinstance(got, Case)
    )
    engine = open_engine(db_url)
    fresh = case_records.load_case(engine, base.id, actor=LOCAL)  # type: ignore[arg-type]
    saved = case_records.save_case(engine, replace(fresh, title=loser), now=NOW, actor=LOCAL)
    assert (saved.version, case_records.load_case(engine, base.id, actor=LOCAL).title) == (3, loser)  # type: ignore[arg-type]
    engine.dispose()


def test_calls_logged_at_once_by_many_people_are_all_kept(db_url: str) -> None:
    barrier = threading.Barrier(CALL_WRITERS)
    reported = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)

    def log_many(writer: int) -> list[int]:
        engine = open_engine(db_url)
        try:
            barrier.wait(timeout=30)
            return [
                log_call(
                    engine,
                    CallReport(
                        facility_id=f"f{writer:03d}",
                        availability_status="openings",
                        beds_open_detox=number % 5,
                        reported_at=reported,
                        note=f"call {number} by writer {writer}",
                    ),
                    actor=LOCAL,
                )
                for number in range(CALLS_EACH)
            ]
        finally:
            engine.dispose()

    with ThreadPoolExecutor(max_workers=CALL_WRITERS) as pool:
        ids = [call_id for batch in pool.map(log_many, range(CALL_WRITERS)) for call_id in batch]

    assert len(set(ids)) == CALL_WRITERS * CALLS_EACH
    engine = open_engine(db_url)
    with engine.connect() as connection:
        stored_ids = set(connection.execute(select(call_log.c.id)).scalars())
    history = call_history(engine, actor=LOCAL)
    engine.dispose()
    assert stored_ids == set(ids)
    notes = set(history["note"])
    assert notes == {
        f"call {number} by writer {writer}"
        for writer in range(CALL_WRITERS)
        for number in range(CALLS_EACH)
    }
    assert set(history["reported_at"]) == {reported}  # the same instant on both backends
