"""The call log: what facilities said about open beds, as recorded by the user.

Every phone call (or imported feed row) becomes one availability report in the local store.
Reports are never edited, only added, so the log doubles as each facility's availability
history. Search sees the newest report per facility through :func:`overlay_call_log`, which
hands the reports to :func:`matching.availability.apply_reports` (an older report never
overwrites a newer one, whatever its source).

The log is shared within an organisation: every function acts for an ``actor`` (required; the
workspace binds it) and reads or writes only the rows of ``actor.org_id``, so colleagues see
each other's calls and another organisation sees none of them. A call's note is what someone
typed, so it is sealed at rest in team mode (:mod:`matching.records.sealing`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Row, Select, delete, func, insert, select

from matching.directory import columns as col
from matching.directory.call_terms import (
    CALL_PAYERS,
    NEEDS,
    NO_REPORT_OUTCOMES,
    OUTCOME_LABELS,
    OUTCOMES,
    outcome_of,
)
from matching.directory.schema import MAX_BEDS
from matching.errors import QueryError
from matching.ingest.availability import MergeReport, apply_reports, apply_reports_at
from matching.records import audit
from matching.records.sealing import seal, unseal
from matching.records.store import LOCAL_ORG_ID, call_log, to_naive_utc, write_transaction
from matching.records.team import Actor, require_org_admin

# A phone clock a few minutes ahead of the server's is normal; a report from the future is not.
FUTURE_TOLERANCE: Final = timedelta(minutes=10)
# The facility table's bound (directory.schema), so a call and an import agree.
MAX_BEDS_REPORTED: Final = MAX_BEDS
# The answers to the MOUD question a call records ('' = not asked).
MOUD_ANSWERS: Final = ("", "yes", "no")

HISTORY_COLUMNS: Final = (
    "id",
    col.FACILITY_ID,
    col.BEDS_OPEN_DETOX,
    col.BEDS_OPEN_RESIDENTIAL,
    col.AVAILABILITY_STATUS,
    "reported_at",
    "answered_by",
    "source",
    "note",
    "logged_at",
)


@dataclass(frozen=True, kw_only=True)
class CallReport:
    """What one facility said on the phone; validates itself.

    reported_at: when the facility gave the answer (timezone-aware); defaults to now.
    answered_by: who answered (e.g. "intake nurse Maria"); free text, may be empty.
    logged_by: who made the call, shown as the report's source ("you" when not given).
    """

    facility_id: str
    availability_status: col.AvailabilityStatus
    beds_open_detox: int | None = None
    beds_open_residential: int | None = None
    reported_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    answered_by: str = ""
    logged_by: str = ""
    note: str = ""
    # What was asked and how the call ended (matching.directory.call_terms; '' = not recorded:
    # the outcome is then read from the availability reported).
    need: str = ""
    payer: str = ""
    outcome: str = ""
    # Issue 22: will they continue (or start) buprenorphine / methadone from the day of
    # admission? "yes", "no", or "" when it was not asked (matching.records.moudfacts).
    moud_continues: str = ""

    def __post_init__(self) -> None:
        if not str(self.facility_id).strip():
            raise QueryError("A call must name the facility it was made to.")
        if self.availability_status not in col.AVAILABILITY_STATUSES:
            raise QueryError(
                f"Status {self.availability_status!r} is not one of "
                + ", ".join(col.STATUS_LABELS[s] for s in col.AVAILABILITY_STATUSES)
            )
        for name in (col.BEDS_OPEN_DETOX, col.BEDS_OPEN_RESIDENTIAL):
            beds = getattr(self, name)
            if beds is None:
                continue
            if isinstance(beds, bool) or not isinstance(beds, int):
                raise QueryError(f"Open beds must be a whole number, got {beds!r}.")
            if not 0 <= beds <= MAX_BEDS_REPORTED:
                raise QueryError(
                    f"Open beds must be between 0 and {MAX_BEDS_REPORTED}, got {beds}."
                )
        for name, allowed in (("need", NEEDS), ("payer", CALL_PAYERS), ("outcome", OUTCOMES)):
            value = getattr(self, name)
            if value and value not in allowed:
                raise QueryError(f"A call's {name} {value!r} is not one of {', '.join(allowed)}.")
        if self.moud_continues not in MOUD_ANSWERS:
            raise QueryError(
                f"The answer on buprenorphine / methadone {self.moud_continues!r} is not one of "
                "yes, no, or empty (not asked)."
            )
        if self.outcome in NO_REPORT_OUTCOMES and self.availability_status != "unknown":
            raise QueryError(
                f"A call that ended with {OUTCOME_LABELS[self.outcome].lower()!r} reports no "
                "availability; leave the status unknown."
            )
        if not isinstance(self.reported_at, datetime) or self.reported_at.utcoffset() is None:
            raise QueryError("The time of the call must include its time zone.")
        if self.reported_at - datetime.now(UTC) > FUTURE_TOLERANCE:
            raise QueryError(
                "The time of the call is in the future; enter when the facility answered."
            )

    @property
    def source(self) -> str:
        """Return the report's provenance as shown next to the availability."""
        who = " ".join(self.logged_by.split()) or "you"
        return f"phone call logged by {who}"


def log_call(
    engine: Engine, report: CallReport, *, now: datetime | None = None, actor: Actor
) -> int:
    """Store ``report`` in the call log of ``actor``'s organisation and return its id."""
    logged_at = now or datetime.now(UTC)
    with engine.begin() as connection:
        result = connection.execute(
            insert(call_log).values(
                org_id=actor.org_id,
                facility_id=report.facility_id,
                beds_open_detox=report.beds_open_detox,
                beds_open_residential=report.beds_open_residential,
                availability_status=report.availability_status,
                reported_at=to_naive_utc(report.reported_at),
                answered_by=report.answered_by.strip(),
                source=report.source,
                note=seal(engine, report.note.strip()),
                logged_at=to_naive_utc(logged_at),
                need=report.need,
                payer=report.payer,
                outcome=report.outcome,
                moud_continues=report.moud_continues,
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]


def log_reports(
    engine: Engine, reports: pd.DataFrame, *, now: datetime | None = None, actor: Actor
) -> int:
    """Store every row of an availability-report frame (e.g. a feed) and return how many.

    ``reports`` has the columns :func:`matching.availability.read_feed` returns; rows without a
    facility id or a report time are skipped (the feed reader reports those to the user).
    """
    logged_at = to_naive_utc(now or datetime.now(UTC))
    stamps = pd.to_datetime(reports[col.AVAILABILITY_REPORTED_AT], utc=True)
    rows = []
    for position in range(len(reports)):
        facility_id = str(reports[col.FACILITY_ID].iloc[position] or "").strip()
        stamp = stamps.iloc[position]
        if not facility_id or pd.isna(stamp):
            continue
        rows.append(
            {
                "org_id": actor.org_id,
                "facility_id": facility_id,
                "beds_open_detox": _int_or_none(reports[col.BEDS_OPEN_DETOX].iloc[position]),
                "beds_open_residential": _int_or_none(
                    reports[col.BEDS_OPEN_RESIDENTIAL].iloc[position]
                ),
                "availability_status": str(reports[col.AVAILABILITY_STATUS].iloc[position]),
                "reported_at": to_naive_utc(stamp.to_pydatetime()),
                "answered_by": "",
                "source": str(reports[col.AVAILABILITY_SOURCE].iloc[position] or "feed"),
                "note": "",
                "logged_at": logged_at,
            }
        )
    if rows:
        with engine.begin() as connection:
            connection.execute(insert(call_log), rows)
    return len(rows)


def log_feed(
    engine: Engine, directory: pd.DataFrame, feed: pd.DataFrame, *, actor: Actor
) -> MergeReport:
    """Apply a feed (:func:`matching.availability.read_feed`) to ``directory`` and log what applied.

    Feed rows may name a facility by name + ZIP; only reports that matched a facility and are
    newer than what ``directory`` already shows are stored. Returns the merge report (matched,
    applied, unmatched rows with reasons) to show the user.
    """
    merged = apply_reports(directory, feed)
    before = directory[list(col.AVAILABILITY_COLUMNS)]
    after = merged.frame[list(col.AVAILABILITY_COLUMNS)]
    changed = ~(before.eq(after) | (before.isna() & after.isna())).all(axis=1)
    applied = merged.frame.loc[changed.to_numpy(), [col.FACILITY_ID, *col.AVAILABILITY_COLUMNS]]
    log_reports(engine, applied, actor=actor)
    return merged.report


def call_history(engine: Engine, facility_id: str | None = None, *, actor: Actor) -> pd.DataFrame:
    """Return the organisation's logged reports, newest first; only ``facility_id``'s when given."""
    statement = _newest_first(actor, HISTORY_COLUMNS)
    if facility_id is not None:
        statement = statement.where(call_log.c.facility_id == facility_id)
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    frame = _history_frame(rows, HISTORY_COLUMNS)
    frame["note"] = frame["note"].map(lambda note: unseal(engine, note)).astype("str")
    return frame


# Where a phone call's source starts: feeds and imports log availability too, but are not calls.
PHONE_SOURCE: Final = "phone call logged by"
EXPORT_COLUMNS: Final = ("facility_id", "called_at", "need", "payer", "outcome")


def export_calls(engine: Engine, *, tz: str, actor: Actor) -> tuple[pd.DataFrame, int]:
    """Return the organisation's phone calls that say need, payer and outcome (oldest first,
    ``called_at`` aware in ``tz``), and how many calls were left out for lacking one of them."""
    names = ("facility_id", "reported_at", "need", "payer", "outcome", "availability_status",
             "beds_open_detox", "beds_open_residential")  # fmt: skip
    statement = (
        select(*(call_log.c[name] for name in names))
        .where(call_log.c.org_id == actor.org_id, call_log.c.source.startswith(PHONE_SOURCE))
        .order_by(call_log.c.reported_at, call_log.c.id)
    )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    frame = pd.DataFrame(rows, columns=list(names))
    frame["outcome"] = [
        outcome_of(status, (detox or 0) + (residential or 0), given)
        for status, detox, residential, given in zip(
            frame["availability_status"],
            frame["beds_open_detox"],
            frame["beds_open_residential"],
            frame["outcome"],
            strict=True,
        )
    ]
    complete = (frame["need"] != "") & (frame["payer"] != "") & (frame["outcome"] != "")
    kept = frame[complete]
    stamps = pd.to_datetime(kept["reported_at"]).dt.tz_localize("UTC").dt.tz_convert(tz)
    out = pd.DataFrame(
        {
            "facility_id": kept["facility_id"].astype("str"),
            "called_at": list(stamps),
            "need": kept["need"],
            "payer": kept["payer"],
            "outcome": kept["outcome"],
        },
        columns=list(EXPORT_COLUMNS),
    ).reset_index(drop=True)
    return out, int((~complete).sum())


LAST_CALL_COLUMNS: Final = (col.FACILITY_ID, "last_call_note", "last_call_at")


def latest_notes(engine: Engine, facility_ids: Sequence[str], *, actor: Actor) -> pd.DataFrame:
    """Return the newest logged call with a note for each of ``facility_ids`` (those that have
    one): ``facility_id, last_call_note, last_call_at`` (UTC). Only these notes are unsealed."""
    wanted = sorted({str(facility_id) for facility_id in facility_ids})
    if not wanted:
        return pd.DataFrame(columns=list(LAST_CALL_COLUMNS))
    statement = (
        _newest_first(actor, ("facility_id", "note", "reported_at"))
        .where(call_log.c.facility_id.in_(wanted))
        .where(call_log.c.note != "")
    )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    frame = pd.DataFrame(rows, columns=["facility_id", "note", "reported_at"])
    frame = frame.drop_duplicates("facility_id", keep="first")
    return pd.DataFrame(
        {
            col.FACILITY_ID: frame["facility_id"].astype("str"),
            "last_call_note": [unseal(engine, note) for note in frame["note"]],
            "last_call_at": pd.to_datetime(frame["reported_at"]).dt.tz_localize("UTC"),
        },
        columns=list(LAST_CALL_COLUMNS),
    ).reset_index(drop=True)


def latest_reports(engine: Engine, *, actor: Actor) -> pd.DataFrame:
    """Return the newest logged report per facility, in the availability-report format."""
    with engine.connect() as connection:
        return _latest_reports(connection, actor)


def _latest_reports(
    connection: Connection,
    actor: Actor,
    *,
    through_id: int | None = None,
    facility_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The newest report per facility among the reports up to ``through_id`` (all when None),
    of ``facility_ids`` only when given."""
    # Only what an availability report has (no note: Search reads this on every change of the
    # log, and the notes would only be unsealed to be dropped).
    names = (
        col.FACILITY_ID,
        col.BEDS_OPEN_DETOX,
        col.BEDS_OPEN_RESIDENTIAL,
        col.AVAILABILITY_STATUS,
        "reported_at",
        "source",
    )
    statement = _bounded(_newest_first(actor, names), through_id, facility_ids)
    newest: dict[str, Row] = {}
    for row in connection.execute(statement):  # newest first: keep each facility's first
        newest.setdefault(str(row[0]), row)
    ids, detox, residential, status, reported_at, source = (
        (list(values) for values in zip(*newest.values(), strict=True))
        if newest
        else ([] for _ in names)
    )
    return pd.DataFrame(
        {
            col.FACILITY_ID: pd.Series(ids, dtype="str"),
            col.BEDS_OPEN_DETOX: pd.Series(detox, dtype="Int64"),
            col.BEDS_OPEN_RESIDENTIAL: pd.Series(residential, dtype="Int64"),
            col.AVAILABILITY_STATUS: pd.Series(status, dtype="str"),
            col.AVAILABILITY_REPORTED_AT: pd.to_datetime(
                pd.Series(reported_at, dtype="datetime64[us]")
            ).dt.tz_localize("UTC"),
            col.AVAILABILITY_SOURCE: pd.Series(source, dtype="str"),
        }
    )


def _bounded(
    statement: Select, through_id: int | None, facility_ids: Sequence[str] | None
) -> Select:
    if through_id is not None:
        statement = statement.where(call_log.c.id <= through_id)
    if facility_ids is not None:
        statement = statement.where(call_log.c.facility_id.in_(sorted(set(facility_ids))))
    return statement


def clear_call_log(engine: Engine, *, actor: Actor) -> int:
    """Delete the organisation's logged reports for good and return how many there were.

    Only an admin of the organisation may; the organisation's log records who did, and how
    many reports went.
    """
    with write_transaction(engine) as connection:
        require_org_admin(connection, actor, "clear the organisation's call log")
        cleared = int(
            connection.execute(delete(call_log).where(call_log.c.org_id == actor.org_id)).rowcount
        )
        audit.append_org(
            connection,
            org_id=actor.org_id,
            actor=actor,
            action="call log cleared",
            detail=f"{cleared} reports deleted",
        )
        return cleared


def revision(engine: Engine, *, actor: Actor) -> str:
    """Return a key that changes whenever the organisation's log changes ("" when it is empty).

    Ids alone are not enough: after the log is cleared SQLite may hand out the same ids again.
    Another organisation's calls leave the key alone; a team organisation's key names it, so a
    cache keyed on it never hands one organisation's overlay to another.
    """
    with engine.connect() as connection:
        count, latest_id, _, latest_logged = connection.execute(_log_summary(actor)).one()
    if not count:
        return ""
    owner = "" if actor.org_id == LOCAL_ORG_ID else f"org-{actor.org_id}:"
    return f"{owner}{count}:{latest_id}:{latest_logged}"


def overlay_call_log(directory: pd.DataFrame, engine: Engine, *, actor: Actor) -> pd.DataFrame:
    """Return ``directory`` with the newest report of each facility in the org's log applied."""
    return overlay_log(directory, engine, actor=actor).frame


@dataclass(frozen=True, kw_only=True)
class Overlay:
    """A directory with the organisation's call log applied, and how much of the log that is.

    ``calls`` reports of the organisation, every one with an id up to ``through_id``; the
    newest of them was logged at ``latest_logged`` (naive UTC, as stored) and the ids add up
    to ``id_sum``. :func:`overlay_log` extends it with the reports logged since.
    """

    frame: pd.DataFrame
    calls: int = 0
    through_id: int = 0
    id_sum: int = 0
    latest_logged: datetime | None = None
    extended: bool = False  # made from an earlier overlay (only its availability changed)
    # The directory's facility ids as a hash index (row positions), built once per directory.
    ids: pd.Index = field(default_factory=lambda: pd.Index([], dtype="str"))


def overlay_log(
    directory: pd.DataFrame, engine: Engine, *, actor: Actor, since: Overlay | None = None
) -> Overlay:
    """Return ``directory`` with the newest report of each facility in the org's log applied.

    ``since``, an earlier overlay of the same ``directory``, is extended: only the facilities
    called since it are read again, so logging one call costs one facility's reports, not the
    whole log's (issue 23). When reports it covers are gone (the log was cleared), the log is
    applied anew. The reports read are those up to the newest id seen, in one connection, so
    the overlay and its count always describe the same reports.
    """
    with engine.connect() as connection:
        if since is not None and _still_holds(connection, actor, since):
            return _extended(connection, actor, since)
        calls, through_id, id_sum, latest_logged = connection.execute(_log_summary(actor)).one()
        through_id = int(through_id or 0)
        reports = _latest_reports(connection, actor, through_id=through_id)
        facts = _moud_answers(connection, actor, through_id=through_id)
    # A hash lookup in the (unique, validated) ids: Series.isin on text costs ~0.2 s at 12k.
    ids = pd.Index(directory[col.FACILITY_ID].astype("str"))
    found = ids.get_indexer(reports[col.FACILITY_ID]) >= 0
    known = reports[found]
    frame = directory if known.empty else apply_reports(directory, known).frame
    return Overlay(
        frame=with_moud_answers(frame, facts),
        calls=int(calls),
        through_id=through_id,
        id_sum=int(id_sum or 0),
        latest_logged=latest_logged,
        ids=ids,
    )


def _log_summary(actor: Actor, *, through_id: int | None = None) -> Select:
    """Count, highest id, sum of ids and newest logged_at of the org's reports (up to an id)."""
    statement = select(
        func.count(),
        func.max(call_log.c.id),
        func.sum(call_log.c.id),
        func.max(call_log.c.logged_at),
    ).where(call_log.c.org_id == actor.org_id)
    return _bounded(statement, through_id, None)


def _still_holds(connection: Connection, actor: Actor, since: Overlay) -> bool:
    """Return whether every report ``since`` covers is still in the log, unchanged in number.

    Reports are only added or cleared (never edited). A cleared log whose ids were handed out
    again (SQLite may) would need the same count, the same ids and the same newest logged_at
    below ``since.through_id`` to pass.
    """
    calls, _, id_sum, latest_logged = connection.execute(
        _log_summary(actor, through_id=since.through_id)
    ).one()
    return (int(calls), int(id_sum or 0), latest_logged) == (
        since.calls,
        since.id_sum,
        since.latest_logged,
    )


def _extended(connection: Connection, actor: Actor, since: Overlay) -> Overlay:
    """Return ``since`` with the reports logged after it applied (``since`` when there are none).

    Applying a called facility's newest report onto ``since`` gives what applying it onto the
    directory would: the newest report wins either way (apply_reports), and ``since`` already
    holds the facility's older reports or the directory's own newer one.
    """
    added = connection.execute(
        select(call_log.c.id, call_log.c.facility_id, call_log.c.logged_at).where(
            call_log.c.org_id == actor.org_id, call_log.c.id > since.through_id
        )
    ).all()
    if not added:
        return since
    through_id = max(int(row.id) for row in added)
    called = sorted({str(row.facility_id) for row in added})
    reports = _latest_reports(connection, actor, through_id=through_id, facility_ids=called)
    facts = _moud_answers(connection, actor, through_id=through_id, facility_ids=called)
    # Row positions from the overlay's id index: no 12k-row lookup is built per call.
    at = since.ids.get_indexer(reports[col.FACILITY_ID])
    found = at >= 0
    frame = since.frame
    if found.any():
        frame = apply_reports_at(frame, reports[found], at[found])
    newest = max(row.logged_at for row in added)
    return Overlay(
        frame=_with_moud_at(frame, facts, called, since.ids.get_indexer(called)),
        calls=since.calls + len(added),
        through_id=through_id,
        id_sum=since.id_sum + sum(int(row.id) for row in added),
        latest_logged=newest if since.latest_logged is None else max(since.latest_logged, newest),
        extended=True,
        ids=since.ids,
    )


def _newest_first(actor: Actor, names: tuple[str, ...]) -> Select:
    """Return the query of ``actor``'s organisation's reports, newest report first."""
    return (
        select(*(call_log.c[name] for name in names))
        .where(call_log.c.org_id == actor.org_id)
        .order_by(call_log.c.reported_at.desc(), call_log.c.id.desc())
    )


def _history_frame(rows: Sequence[Row], names: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(names))
    for name in ("reported_at", "logged_at"):
        frame[name] = pd.to_datetime(frame[name]).dt.tz_localize("UTC")
    for name in col.BED_COLUMNS:
        frame[name] = frame[name].astype("Int64")
    text = ("facility_id", "answered_by", "source", "note")
    return frame.astype({name: "str" for name in text if name in names})


def _int_or_none(value: object) -> int | None:
    if value is None or pd.isna(value):
        return None
    return int(value)  # type: ignore[call-overload]


# Issue 22, part 2: the facility's answer to "Will you continue (or start) buprenorphine /
# methadone from the day of admission?", as columns of the one facility record.
MOUD_CONTINUES: Final = "moud_continues"
MOUD_ASKED_AT: Final = "moud_asked_at"
MOUD_LABELS: Final = {
    "yes": "Continues MOUD from admission: yes",
    "no": "Continues MOUD from admission: no",
    "not_asked": "Continues MOUD from admission: not asked",
}


def moud_answers(engine: Engine, *, actor: Actor) -> pd.DataFrame:
    """Return each facility's newest answer to the MOUD question and when it was given."""
    with engine.connect() as connection:
        return _moud_answers(connection, actor)


def _moud_answers(
    connection: Connection,
    actor: Actor,
    *,
    through_id: int | None = None,
    facility_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    query = (
        select(call_log.c.facility_id, call_log.c.moud_continues, call_log.c.reported_at)
        .where(call_log.c.org_id == actor.org_id, call_log.c.moud_continues != "")
        .order_by(call_log.c.reported_at.desc(), call_log.c.id.desc())
    )
    rows = connection.execute(_bounded(query, through_id, facility_ids)).all()
    frame = pd.DataFrame(rows, columns=[col.FACILITY_ID, MOUD_CONTINUES, MOUD_ASKED_AT])
    frame[MOUD_ASKED_AT] = pd.to_datetime(frame[MOUD_ASKED_AT]).dt.tz_localize("UTC")
    return frame.drop_duplicates(col.FACILITY_ID, keep="first").reset_index(drop=True)


def with_moud_answers(directory: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """Return ``directory`` with ``moud_continues`` (yes / no / not_asked) and its date (UTC)."""
    frame = directory.copy(deep=False)  # copy-on-write: ``directory`` stays as it was
    # Each facility's row in ``answers`` (one a facility), -1 for none: a hash lookup, since a
    # loop over 12k ids cost ~30 ms on every call logged.
    at = pd.Index(answers[col.FACILITY_ID].astype("str")).get_indexer(
        frame[col.FACILITY_ID].astype("str")
    )
    found = at >= 0
    said = np.full(len(frame), "not_asked", dtype=object)
    said[found] = answers[MOUD_CONTINUES].to_numpy(dtype=object)[at[found]]
    frame[MOUD_CONTINUES] = said
    stamps = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
    if found.any():
        asked = pd.to_datetime(answers[MOUD_ASKED_AT], utc=True).to_numpy()
        stamps.iloc[np.flatnonzero(found)] = asked[at[found]]
    frame[MOUD_ASKED_AT] = stamps
    return frame


def _with_moud_at(
    overlaid: pd.DataFrame, answers: pd.DataFrame, called: Sequence[str], positions: np.ndarray
) -> pd.DataFrame:
    """Return ``overlaid`` (with_moud_answers' columns) with the rows at ``positions`` (those
    of the facilities ``called``, in order; -1 for none) set from their newest ``answers``."""
    frame = overlaid.copy(deep=False)
    said = frame[MOUD_CONTINUES].to_numpy(dtype=object).copy()
    stamps = frame[MOUD_ASKED_AT].array.copy()
    newest = {
        str(facility_id): (answer, asked)
        for facility_id, answer, asked in zip(
            answers[col.FACILITY_ID], answers[MOUD_CONTINUES], answers[MOUD_ASKED_AT], strict=True
        )
    }
    for facility_id, position in zip(called, positions, strict=True):
        if position >= 0:
            said[position], stamps[position] = newest.get(facility_id, ("not_asked", pd.NaT))
    frame[MOUD_CONTINUES] = said
    frame[MOUD_ASKED_AT] = stamps
    return frame
