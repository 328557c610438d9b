"""Time the readiness work a page does on every rerun, on a large case.

Run: ``python benchmarks/bench_readiness.py [runs]``. The case is an interventionist's busy
one: 8 team members with letters and 20 candidate facilities, each with a 10-entry contact log.
Figures printed (median of ``runs``, in ms):

* checks - all readiness rules and the verdict (the Readiness page runs them every rerun);
* letter review - one 300-word letter;
* packet PDF - with letters; .ics calendar; case JSON export and import;
* store save and load - a real SQLite file in a temporary folder.

Goal: the Readiness page's own work on a rerun (checks + calendar + JSON; the packet PDF is
built only when its button is clicked) well under 300 ms, the rerun budget of the app, and the
packet itself under 300 ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from case_factory import facility, ready_case  # noqa: E402

from matching import case as cases  # noqa: E402
from matching.case import pipeline, readiness  # noqa: E402
from matching.case.letters import review_letter  # noqa: E402
from matching.records.store import open_engine  # noqa: E402
from matching.records.team import LOCAL  # noqa: E402
from matching.records.workspace import Workspace  # noqa: E402
from matching.render.calendar import case_to_ics  # noqa: E402
from matching.render.packet import readiness_packet_pdf  # noqa: E402

GOAL_MS = 300.0
LETTER = (
    "Sam, I love you. Last Thanksgiving you fell asleep at the table and I could not wake you. "
) * 20


def big_case(now: datetime) -> cases.Case:
    case = ready_case(now)
    team = tuple(replace(case.team[0], name=f"Member{i}", letter=LETTER) for i in range(8))
    case = replace(case, team=team)
    for number in range(20):
        placement = pipeline.new_placement(facility(f"C{number}", f"Candidate {number}"), now=now)
        for call in range(9):
            placement = pipeline.record_call(
                placement, note=f"Call {call}", now=now + timedelta(minutes=call)
            )
        case = case.with_placement(placement)
    return case


def median_ms(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main(runs: int) -> None:
    now = datetime.now(UTC)
    case = big_case(now)
    exported = cases.case_to_json(case, now=now)
    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        store = Workspace(engine, LOCAL).cases
        stored = store.create_case(case, now=now)
        holder = {"case": stored}

        def save() -> None:
            holder["case"] = store.save_case(holder["case"], now=now)

        figures = {
            "checks + verdict": median_ms(
                lambda: readiness.verdict(readiness.run_checks(case, now)), runs
            ),
            "letter review (300 words)": median_ms(lambda: review_letter(LETTER), runs),
            "packet PDF (with letters)": median_ms(
                lambda: readiness_packet_pdf(case, now=now, include_letters=True), runs
            ),
            ".ics calendar": median_ms(lambda: case_to_ics(case, now=now), runs),
            "JSON export": median_ms(lambda: cases.case_to_json(case, now=now), runs),
            "JSON import (validated)": median_ms(lambda: cases.case_from_json(exported), runs),
            "store save": median_ms(save, runs),
            "store load": median_ms(lambda: store.load_case(stored.id), runs),
        }
        engine.dispose()
    for name, value in figures.items():
        print(f"{name:28s} {value:8.2f} ms")
    page = sum(
        figures[name]
        for name in (
            "checks + verdict",
            ".ics calendar",
            "JSON export",
        )
    )
    for name, value in (
        ("Readiness page rerun", page),
        ("packet on click", figures["packet PDF (with letters)"]),
    ):
        print(f"{name:28s} {value:8.2f} ms  ({value / GOAL_MS:.2f} of the {GOAL_MS:.0f} ms goal)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
