"""The audit log: who changed what, when; append-only, names parts never values."""

from __future__ import annotations

import inspect
from dataclasses import replace
from datetime import timedelta

import pytest
from access_team import EMAILS, Team, build_team
from case_factory import NOW, primary_of, ready_case
from sqlalchemy import func, select

from matching.case import SafetyScreen, case_to_json
from matching.case.pipeline import add_note, hold_bed
from matching.records import audit
from matching.records.cases import create_case, delete_case, import_case, load_case, save_case
from matching.records.members import save_own_letter
from matching.records.store import audit_log
from matching.records.team import LOCAL


@pytest.fixture
def engine(db_engine):
    """Run this file's tests on SQLite and on a real PostgreSQL (conftest's db_engine)."""
    return db_engine


@pytest.fixture
def team(engine) -> Team:
    return build_team(engine)


def test_the_trail_says_who_did_what_newest_first(engine, team: Team) -> None:
    lead = team.actors["lead"]
    entries = audit.trail(engine, team.case_id, actor=lead)
    assert [(e.action, e.actor_email) for e in entries][-3:] == [
        ("invited", EMAILS["lead"]),
        ("invited", EMAILS["lead"]),
        ("created", EMAILS["lead"]),
    ]
    joined = [e for e in entries if e.action == "joined by invitation"]
    assert {e.actor_email for e in joined} == {EMAILS["member"], EMAILS["viewer"]}
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)


def test_a_save_names_the_sections_and_placement_steps_it_changed(engine, team: Team) -> None:
    lead = team.actors["lead"]
    later = NOW + timedelta(hours=1)
    primary = primary_of(team.case)
    held = hold_bed(primary, expires_at=NOW + timedelta(days=5), held_by="Ana", now=later)
    backup = add_note(team.case.backups()[0], note="Asked about Sam's methadone dose", now=later)
    secret = "Secret words only the family knows"
    team_entries = (replace(team.case.team[0], letter=secret), *team.case.team[1:])
    changed = replace(
        team.case.with_placement(held).with_placement(backup),
        safety=replace(team.case.safety, violence=True),
        team=team_entries,
    )
    save_case(engine, changed, actor=lead, now=later)
    latest = audit.trail(engine, team.case_id, actor=lead)[0]
    assert latest.action == "saved"
    assert latest.detail == (
        "safety (violence); team/letters (letter); placement F1 (hold, contact log); "
        "placement F2 (contact log)"
    )
    assert secret not in latest.detail and "methadone" not in latest.detail


def test_adding_and_removing_placements_and_members_are_named(engine, team: Team) -> None:
    lead = team.actors["lead"]
    fewer = replace(
        team.case.without_placement("F2"),
        title="Family A (renamed)",
        safety=SafetyScreen(),
        team=team.case.team[:3],
    )
    save_case(engine, fewer, actor=lead)
    detail = audit.trail(engine, team.case_id, actor=lead)[0].detail
    assert detail == (
        "title; safety (medical_instability, recent_overdose, suicidal_thoughts, violence); "
        "team/letters (2 removed); placement F2 removed"
    )


def test_a_members_letter_is_audited_without_its_text(engine, team: Team) -> None:
    save_own_letter(
        engine,
        team.case_id,
        member_name="Entry-member",
        letter="Words nobody else should read",
        letter_status="reviewed",
        keep_as_written=False,
        actor=team.actors["member"],
    )
    latest = audit.trail(engine, team.case_id, actor=team.actors["lead"])[0]
    assert (latest.action, latest.actor_email) == ("own letter saved", EMAILS["member"])
    assert latest.detail == "team/letters: own letter (letter, letter status)"


def test_rows_are_only_ever_added(engine, team: Team) -> None:
    lead = team.actors["lead"]
    before = audit.trail(engine, team.case_id, actor=lead)
    save_case(engine, replace(team.case, title="Again"), actor=lead)
    after = audit.trail(engine, team.case_id, actor=lead)
    assert after[1:] == before
    # The module offers adding and reading, nothing that changes or removes a row.
    public = {
        name
        for name, value in vars(audit).items()
        if inspect.isfunction(value)
        and value.__module__ == audit.__name__
        and not name.startswith("_")
    }
    assert public == {"append", "append_org", "org_trail", "trail"}


def test_deleting_a_case_deletes_its_trail_and_counts_it(engine, team: Team) -> None:
    lead = team.actors["lead"]
    expected = len(audit.trail(engine, team.case_id, actor=lead))
    other_before = len(audit.trail(engine, team.other_case_id, actor=lead))
    assert delete_case(engine, team.case_id, actor=lead) == expected > 3
    with engine.connect() as connection:
        left = connection.execute(
            select(func.count()).where(audit_log.c.case_id == team.case_id)
        ).scalar_one()
    assert left == 0
    assert len(audit.trail(engine, team.other_case_id, actor=lead)) == other_before


def test_import_and_local_cases_are_audited_too(engine) -> None:
    local = create_case(engine, replace(ready_case(), title="Local"), now=NOW, actor=LOCAL)
    imported = import_case(engine, case_to_json(local, now=NOW), now=NOW, actor=LOCAL)
    assert local.id is not None
    assert [e.action for e in audit.trail(engine, local.id, actor=LOCAL)] == ["created"]
    assert imported.id is not None
    (entry,) = audit.trail(engine, imported.id, actor=LOCAL)
    assert (entry.action, entry.actor_email, entry.detail) == ("imported", "local", "")
    assert imported.id is not None
    assert load_case(engine, imported.id, actor=LOCAL).title == "Local"


def test_a_row_deleted_while_its_case_exists_is_refused(engine, team: Team) -> None:
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match="only with their case"), engine.begin() as connection:
        connection.execute(audit_log.delete().where(audit_log.c.case_id == team.case_id))


def test_a_removed_row_breaks_the_chain_and_a_deletion_lands_in_the_org_log(
    engine, team: Team
) -> None:
    from sqlalchemy import text

    from matching.records import chain

    lead = team.actors["lead"]
    with engine.connect() as connection:
        assert chain.verify(connection, "audit_log").intact
    # Someone who bypasses the guard (the tables' owner) removes one row of the middle.
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_keep"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_keep"))
        middle = connection.execute(
            select(audit_log.c.id)
            .where(audit_log.c.case_id == team.case_id)
            .order_by(audit_log.c.id)
        ).all()[1][0]
        connection.execute(audit_log.delete().where(audit_log.c.id == middle))
    with engine.connect() as connection:
        report = chain.verify(connection, "audit_log")
    assert report.broken == 1
    gone = delete_case(engine, team.other_case_id, actor=lead)
    with engine.connect() as connection:
        logged = audit.org_trail(connection, lead.org_id)
        assert chain.verify(connection, "org_log").intact
    assert (logged[0].action, logged[0].actor_email) == ("case deleted", EMAILS["lead"])
    assert logged[0].detail == f"case {team.other_case_id}; {gone} audit entries deleted with it"
