"""Several processes starting at once on one new SQLite file: nothing fails, nothing doubles.

Real processes (forked, so they really hold separate SQLite connections and locks) open the
same new store at the same moment, create the default shortlist and append facilities to it.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from search_frames import directory, facility
from sqlalchemy import func, select

from matching.records import shortlist
from matching.records.store import open_engine, shortlist_items, shortlists
from matching.records.team import LOCAL

PROCESSES = 5
ROUNDS = 2
ADDS = 5


def _first_use(url: str, worker: int, barrier, errors) -> None:
    try:
        barrier.wait(timeout=60)
        engine = open_engine(url)
        target = shortlist.default_shortlist(engine, actor=LOCAL)
        for number in range(ADDS):
            rows = directory(facility(worker * 100 + number), facility(999))  # 999: shared
            shortlist.add_facilities(engine, target.id, rows, actor=LOCAL)
        engine.dispose()
    except Exception as exc:  # reported to the parent, which fails the test with it
        errors.put(f"worker {worker}: {type(exc).__name__}: {exc}")


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_processes_starting_together_share_one_store(tmp_path: Path, round_number: int) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'readybed.sqlite3'}"
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(PROCESSES)
    errors = context.Queue()
    workers = [
        context.Process(target=_first_use, args=(url, worker, barrier, errors))
        for worker in range(PROCESSES)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    assert [process.exitcode for process in workers] == [0] * PROCESSES
    engine = open_engine(url)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(shortlists)).scalar_one() == 1
        positions = connection.execute(select(shortlist_items.c.position)).scalars().all()
    assert len(positions) == PROCESSES * ADDS + 1  # the shared facility once
    assert sorted(positions) == list(range(1, len(positions) + 1))
