"""Load a team server: twenty people log calls, save letters and read readiness for a minute.

Run: ``python benchmarks/team_load.py [--seconds 60] [--members 20] [--team-size 5]
[--pause-ms 0] [--processes 1] [--db URL]``; the multi-process run of deploy/README.md is
``--processes 4 --members 100``.
Without ``--db`` a throwaway PostgreSQL server is started in a temporary folder (initdb and
pg_ctl from the Debian packages, run as the ``postgres`` user when this runs as root, since
PostgreSQL refuses to run as root) and removed afterwards.

Who: ``--members`` simulated people in cases of ``--team-size`` (one lead and the family
members of each case), all colleagues of one practice (invited with ``join_org``), so they
share one call log: the harshest case for it. Each person is a thread with its own engine
(its own connection pool, like a separate server process), its own :class:`Actor` from
``sign_in``, and the server's encryption key bound, so every write is sealed as in team mode.

With ``--processes N`` (N > 1) the people run in N separate processes, as behind a proxy with
sticky sessions in front of N app servers: person i in process i mod N (so a case's people are
spread over the processes, as its family's browsers would be), each process with ONE engine
shared by its people's threads (one Streamlit server's cached engine, SQLAlchemy's default
pool of 5 + 10 connections) against the same PostgreSQL. The loss check runs on the merged
results.

What each does, in a random mix, for ``--seconds``: as fast as it can (the server's capacity),
or with ``--pause-ms`` a random pause of 0 to twice that between operations (people's pace):

* log a call (``log_call`` with ``actor=``) - half of the operations;
* save: a member saves their own letter (``save_own_letter``), a lead saves the plan
  (``save_case`` from the copy they loaded last); a stale lead copy gets a ConflictError,
  which is counted, reloaded and retried, never dropped - a quarter;
* read readiness: ``load_case`` as that person, then ``run_checks`` - a quarter.

Printed: operations per second and p50/p95 latency per kind (a save's latency includes its
retries), the conflicts, and the loss check: the call-log rows of each person against their
successful ``log_call`` count, and each person's letter (or the lead's plan field) in the
store against the last text they saved successfully. ``OK`` or ``LOST`` per check; the exit
status is 1 on any loss or unexpected error.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from case_factory import ready_case  # noqa: E402
from sqlalchemy import Engine, func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from matching.case import TeamMember  # noqa: E402
from matching.case.readiness import run_checks  # noqa: E402
from matching.errors import ConflictError  # noqa: E402
from matching.records import sealing  # noqa: E402
from matching.records.calllog import CallReport, log_call  # noqa: E402
from matching.records.cases import create_case, load_case, save_case  # noqa: E402
from matching.records.members import invite, save_own_letter  # noqa: E402
from matching.records.store import call_log, open_engine  # noqa: E402
from matching.records.team import Actor, sign_in  # noqa: E402

# What a person picks (a save is their letter, or a lead's plan), and how it is reported.
CHOICES = ("log call", "save", "read readiness")
WEIGHTS = (2, 1, 1)
KINDS = ("log call", "save letter", "save plan", "read readiness")
MAX_RETRIES = 50
# The first unexpected error's traceback is printed (once, not once per thread).
FIRST_ERROR_SHOWN = threading.Event()
LETTER_BODY = (
    "I love you. On the night of the fire you drove the kids home and could not remember it. "
    "We are here because we want you back, and a bed is ready for you today. "
) * 8


# --- A throwaway PostgreSQL ----------------------------------------------------------------


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise SystemExit(f"error: {name} not found; install postgresql or pass --db URL")
    return str(candidates[-1])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _quietly(command: list[str]) -> None:
    """Run ``command``; on failure exit with its error output (a setup problem, not a result)."""
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"error: {' '.join(command[:4])} failed: {done.stderr.strip()[:300]}")


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a PostgreSQL server in a temporary folder; yield its URL; stop and remove it."""
    folder = Path(tempfile.mkdtemp(prefix="readybed-load-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: run initdb and the server as its own user.
        shutil.chown(folder, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()
    pg_ctl = [*as_postgres, _pg_bin("pg_ctl"), "-D", str(data)]
    try:
        _quietly(
            [*as_postgres, _pg_bin("initdb"), "-D", str(data), "-U", "postgres"]
            + ["-A", "trust", "-E", "UTF8", "--no-sync"]
        )
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
        _quietly([*pg_ctl, "-l", str(folder / "log"), "-o", options, "-w", "start"])
        _quietly(
            [_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
            + ["readybed_load"]
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/readybed_load"
    finally:
        subprocess.run(
            [*pg_ctl, "-m", "fast", "-w", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


# --- The people and their cases ------------------------------------------------------------


@dataclass(kw_only=True)
class Person:
    """One simulated team member: who they are, their case, and what they did."""

    index: int
    email: str
    name: str
    case_id: int = 0
    is_lead: bool = False
    actor: Actor | None = None
    engine: Engine | None = None
    calls_logged: int = 0
    last_saved: str | None = None
    conflicts: int = 0
    gave_up: int = 0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: list[str] = field(default_factory=list)


def open_sealed(url: str, key: str) -> Engine:
    """Open the store as a team server does: migrated, with the encryption key bound."""
    engine = open_engine(url)
    sealing.bind_keys(engine, [key])
    return engine


def set_up(
    url: str, key: str, *, members: int, team_size: int, run: str, own_engines: bool = True
) -> list[Person]:
    """Create the practice, its cases and invitations; sign every person in.

    With ``own_engines`` each person keeps an engine of their own (the threads mode); else
    they sign in on one engine that is then closed (each worker process opens its own).
    """
    admin_engine = open_sealed(url, key)
    admin = sign_in(admin_engine, email=f"admin-{run}@practice.example", display_name="Admin")
    people = [
        Person(index=i, email=f"p{i:02d}-{run}@team.example", name=f"Person {i:02d}")
        for i in range(members)
    ]
    for start in range(0, members, team_size):
        group = people[start : start + team_size]
        group[0].is_lead = True
        base = ready_case(datetime.now(UTC))
        team = tuple(
            TeamMember(name=p.name, relationship="family", letter="", account=p.email)
            for p in group[1:]
        )
        case = create_case(
            admin_engine,
            replace(base, title=f"Load case {start // team_size}", team=team),
            actor=admin,
        )
        for person in group:
            person.case_id = int(case.id or 0)
            role = "lead" if person.is_lead else "member"
            invite(
                admin_engine,
                person.case_id,
                email=person.email,
                role=role,
                join_org=True,
                actor=admin,
            )
    admin_engine.dispose()
    shared = None if own_engines else open_sealed(url, key)
    for person in people:
        person.engine = shared or open_sealed(url, key)
        person.actor = sign_in(person.engine, email=person.email, display_name=person.name)
    if shared is not None:
        shared.dispose()
        for person in people:
            person.engine = None
    return people


# --- What each person does -----------------------------------------------------------------


def log_one_call(person: Person, number: int) -> None:
    assert person.engine is not None and person.actor is not None
    report = CallReport(
        facility_id=f"load-{person.email}-{number % 40}",
        availability_status="openings",
        beds_open_detox=number % 5,
        answered_by="intake nurse",
        logged_by=person.name,
        note="Spoke to intake; call back after 3 pm to confirm the bed.",
    )
    log_call(person.engine, report, actor=person.actor)
    person.calls_logged += 1


def save_once(person: Person, number: int, copy: dict) -> None:
    """Save the person's letter (member) or plan (lead); a conflict reloads and retries."""
    assert person.engine is not None and person.actor is not None
    text = f"Revision {number} by {person.name}. {LETTER_BODY}"
    for _attempt in range(MAX_RETRIES):
        try:
            if person.is_lead:
                case = copy.get("case") or load_case(
                    person.engine, person.case_id, actor=person.actor
                )
                edited = replace(case, logistics=replace(case.logistics, transport=text[:180]))
                copy["case"] = save_case(person.engine, edited, actor=person.actor)
            else:
                save_own_letter(
                    person.engine,
                    person.case_id,
                    member_name=person.name,
                    letter=text,
                    letter_status="drafted",
                    keep_as_written=False,
                    actor=person.actor,
                )
        except ConflictError:
            person.conflicts += 1
            copy["case"] = None  # reload the latest version, then apply the edit again
            continue
        person.last_saved = text[:180] if person.is_lead else text
        return
    person.gave_up += 1


def read_readiness(person: Person, copy: dict) -> None:
    assert person.engine is not None and person.actor is not None
    case = load_case(person.engine, person.case_id, actor=person.actor)
    run_checks(case, datetime.now(UTC))
    if person.is_lead and copy.get("case") is None:
        copy["case"] = case


def work(
    person: Person, start: threading.Barrier, seconds: float, seed: int, pause_ms: float
) -> None:
    """Run the mix until the deadline, timing each operation (not the pauses)."""
    chooser = random.Random(seed)
    copy: dict = {"case": None}
    actions: dict[str, Callable[[int], None]] = {
        "log call": lambda n: log_one_call(person, n),
        "save": lambda n: save_once(person, n, copy),
        "read readiness": lambda n: read_readiness(person, copy),
    }
    start.wait()
    deadline = time.perf_counter() + seconds
    number = 0
    while time.perf_counter() < deadline:
        if pause_ms:
            time.sleep(chooser.uniform(0, 2 * pause_ms) / 1000)
        number += 1
        choice = chooser.choices(CHOICES, weights=WEIGHTS)[0]
        kind = choice if choice != "save" else ("save plan" if person.is_lead else "save letter")
        began = time.perf_counter()
        try:
            actions[choice](number)
        except Exception as exc:  # counted and shown; a crash would hide the others' figures
            person.errors.append(f"{kind}: {type(exc).__name__}: {exc}".splitlines()[0])
            if not FIRST_ERROR_SHOWN.is_set():
                FIRST_ERROR_SHOWN.set()
                traceback.print_exc()
            continue
        person.latencies[kind].append((time.perf_counter() - began) * 1000)


# --- Separate processes (more than one app server) -----------------------------------------


def process_worker(
    url: str,
    key: str,
    people: list[Person],
    seconds: float,
    pause_ms: float,
    ready: object,
    results: object,
) -> None:
    """One "app server": one engine for its people's threads; put the people back when done."""
    engine = open_sealed(url, key)
    for person in people:
        person.engine = engine
    start = threading.Barrier(len(people) + 1)
    threads = [
        threading.Thread(
            target=work, args=(person, start, seconds, person.index, pause_ms), daemon=True
        )
        for person in people
    ]
    for thread in threads:
        thread.start()
    ready.wait()  # type: ignore[attr-defined]  # every process is set up: start together
    start.wait()
    for thread in threads:
        thread.join()
    engine.dispose()
    for person in people:
        person.engine = None
    results.put(people)  # type: ignore[attr-defined]


def run_in_processes(
    url: str, key: str, people: list[Person], *, seconds: float, pause_ms: float, processes: int
) -> tuple[list[Person], float]:
    """Run ``people`` in ``processes`` worker processes; return them with their results."""
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(processes + 1)
    results = context.Queue()
    workers = [
        context.Process(
            target=process_worker,
            args=(url, key, people[number::processes], seconds, pause_ms, ready, results),
        )
        for number in range(processes)
    ]
    for worker in workers:
        worker.start()
    ready.wait()
    began = time.perf_counter()
    done: list[Person] = []
    for _ in workers:
        done += results.get(timeout=seconds + 600)
    elapsed = time.perf_counter() - began
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise SystemExit(f"error: a worker process exited with status {worker.exitcode}")
    return sorted(done, key=lambda person: person.index), elapsed


def run_in_threads(people: list[Person], *, seconds: float, pause_ms: float) -> float:
    """Run ``people`` as threads of this process (each with its own engine); return the time."""
    start = threading.Barrier(len(people))
    threads = [
        threading.Thread(
            target=work, args=(person, start, seconds, person.index, pause_ms), daemon=True
        )
        for person in people
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    for person in people:
        if person.engine is not None:
            person.engine.dispose()
    return elapsed


# --- Report --------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def report_throughput(people: list[Person], seconds: float) -> None:
    print(f"{'kind':<16}{'ops':>8}{'ops/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
    total = 0
    for kind in KINDS:
        values = [value for person in people for value in person.latencies[kind]]
        total += len(values)
        print(
            f"{kind:<16}{len(values):>8}{len(values) / seconds:>9.1f}"
            f"{percentile(values, 0.50):>9.1f}{percentile(values, 0.95):>9.1f}"
        )
    print(f"{'all':<16}{total:>8}{total / seconds:>9.1f}")
    conflicts = sum(person.conflicts for person in people)
    gave_up = sum(person.gave_up for person in people)
    print(
        f"conflicts: {conflicts} (a lead's plan saved from a stale copy: reloaded and retried; "
        f"{gave_up} save(s) still in conflict after {MAX_RETRIES} tries, reported to the person, "
        "not counted as saved)"
    )


def check_losses(url: str, key: str, people: list[Person]) -> bool:
    """Print the loss check from the store's rows; return whether nothing was lost."""
    engine = open_sealed(url, key)
    lost_calls, lost_saves = [], []
    with engine.connect() as connection:
        for person in people:
            assert person.actor is not None
            rows = connection.execute(
                select(func.count())
                .select_from(call_log)
                .where(
                    call_log.c.facility_id.like(f"load-{person.email}-%"),
                    call_log.c.org_id == person.actor.org_id,
                )
            ).scalar_one()
            if rows != person.calls_logged:
                lost_calls.append(f"{person.name}: {rows} rows for {person.calls_logged} calls")
    for person in people:
        assert person.actor is not None
        case = load_case(engine, person.case_id, actor=person.actor)
        if person.is_lead:
            stored = case.logistics.transport
        else:
            stored = next(m.letter for m in case.team if m.account == person.email)
        if person.last_saved is not None and stored != person.last_saved:
            lost_saves.append(f"{person.name}: stored {stored[:30]!r}")
    engine.dispose()
    calls = sum(person.calls_logged for person in people)
    saved = sum(person.last_saved is not None for person in people)
    print(
        f"loss check, call log: {calls} successful calls, rows match for "
        f"{len(people) - len(lost_calls)} of {len(people)} people: "
        + ("OK" if not lost_calls else "LOST " + "; ".join(lost_calls[:5]))
    )
    print(
        f"loss check, saves: {saved} people saved; the stored letter or plan is their last "
        f"successful save for {saved - len(lost_saves)} of {saved}: "
        + ("OK" if not lost_saves else "LOST " + "; ".join(lost_saves[:5]))
    )
    return not lost_calls and not lost_saves


def run(
    url: str,
    *,
    seconds: float,
    members: int,
    team_size: int,
    pause_ms: float = 0,
    processes: int = 1,
) -> int:
    key = sealing.generate_key()
    run_id = uuid.uuid4().hex[:8]
    people = set_up(
        url, key, members=members, team_size=team_size, run=run_id, own_engines=processes == 1
    )
    orgs = {person.actor.org_id for person in people if person.actor is not None}
    shown = make_url(url).render_as_string(hide_password=True)
    print(
        f"ReadyBed team load: {members} people in {len(set(p.case_id for p in people))} "
        f"case(s) of up to {team_size}, {len(orgs)} organisation(s), {seconds:g} s, "
        + (f"pauses of 0-{2 * pause_ms:g} ms, " if pause_ms else "no pauses, ")
        + (
            f"{processes} processes of about {members // processes} people (one engine each), "
            if processes > 1
            else "one process (an engine per person), "
        )
        + f"{os.cpu_count()} CPU(s), "
        + shown
    )
    if processes > 1:
        people, elapsed = run_in_processes(
            url, key, people, seconds=seconds, pause_ms=pause_ms, processes=processes
        )
    else:
        elapsed = run_in_threads(people, seconds=seconds, pause_ms=pause_ms)
    report_throughput(people, elapsed)
    calls = [value for person in people for value in person.latencies["log call"]]
    print(f"log a call: p95 {percentile(calls, 0.95):.1f} ms over {len(calls)} calls")
    errors = [error for person in people for error in person.errors]
    nothing_lost = check_losses(url, key, people)
    if errors:
        print(f"unexpected errors: {len(errors)}, e.g. {errors[0]}")
    return 0 if nothing_lost and not errors else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--team-size", type=int, default=5, help="people per case (1 lead)")
    parser.add_argument(
        "--pause-ms", type=float, default=0.0, help="mean pause between operations (0: none)"
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="worker processes, as app servers behind a sticky proxy (1: threads of this one)",
    )
    parser.add_argument("--db", metavar="URL", help="default: a throwaway PostgreSQL server")
    args = parser.parse_args(argv)
    if args.members < 1 or args.team_size < 2 or args.seconds <= 0 or args.pause_ms < 0:
        parser.error("--members >= 1, --team-size >= 2, --seconds > 0, --pause-ms >= 0, please")
    if not 1 <= args.processes <= args.members:
        parser.error("--processes between 1 and --members, please")
    options = {
        "seconds": args.seconds,
        "members": args.members,
        "team_size": args.team_size,
        "pause_ms": args.pause_ms,
        "processes": args.processes,
    }
    if args.db:
        return run(args.db, **options)
    with throwaway_postgres() as url:
        return run(url, **options)


if __name__ == "__main__":
    sys.exit(main())
