"""What a member and a viewer see of a case, a member's own letter, and sealing at rest."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
from access_team import EMAILS, LETTERS, Team, build_team
from case_factory import NOW, primary_of
from sqlalchemy import text

from matching.case import INSURER_HIDDEN, Case, readiness
from matching.case.permissions import PAYMENT_HIDDEN, REASON_HIDDEN
from matching.case.pipeline import PaymentArrangement, arrange_payment, close
from matching.errors import AccessError, CaseError, ConflictError
from matching.records.cases import create_case, load_case, save_case
from matching.records.members import remove_member, save_own_letter
from matching.records.sealing import PREFIX, bind_keys, generate_key
from matching.records.store import open_engine


@pytest.fixture
def engine(team_db_url: str):
    """What a member is shown is redacted in Python from what the store returns, the same on
    either backend: these run on a real PostgreSQL, a team server's backend."""
    opened = open_engine(team_db_url)
    yield opened
    opened.dispose()


@pytest.fixture
def team(engine) -> Team:
    return build_team(engine)


def _letters(case: Case) -> dict[str, str]:
    return {entry.name.removeprefix("Entry-"): entry.letter for entry in case.team}


def test_the_lead_sees_everything(engine, team: Team) -> None:
    case = load_case(engine, team.case_id, actor=team.actors["lead"])
    assert case == team.case
    vob = primary_of(case).vob
    assert vob is not None and vob.insurer == "Aetna"


def test_a_member_sees_their_own_letter_only(engine, team: Team) -> None:
    case = load_case(engine, team.case_id, actor=team.actors["member"])
    assert _letters(case) == {
        who: (LETTERS[who] if who == "member" else "") for who in _letters(team.case)
    }
    # The authors and their progress stay visible.
    assert [(e.name, e.letter_status) for e in case.team] == [
        (e.name, e.letter_status) for e in team.case.team
    ]


def test_a_viewer_sees_no_letter_text_at_all(engine, team: Team) -> None:
    case = load_case(engine, team.case_id, actor=team.actors["viewer"])
    assert set(_letters(case).values()) == {""}


@pytest.mark.parametrize("who", ["member", "viewer"])
def test_insurance_details_and_notes_are_blank_for_non_leads(engine, team: Team, who: str) -> None:
    case = load_case(engine, team.case_id, actor=team.actors[who])
    vob = primary_of(case).vob
    assert vob is not None
    assert vob.insurer == INSURER_HIDDEN
    assert vob is not None
    assert (vob.plan_type, vob.level_of_care, vob.reference_number, vob.verified_by) == ("",) * 4
    assert vob is not None
    assert (vob.deductible_remaining_usd, vob.out_of_pocket_remaining_usd, vob.covered_days) == (
        None,
    ) * 3
    stored = primary_of(team.case).vob
    # What readiness needs stays: network, prior authorisation, when to verify again.
    assert stored is not None
    assert vob is not None
    assert (vob.in_network, vob.prior_auth_required, vob.reverify_by) == (
        stored.in_network,
        stored.prior_auth_required,
        stored.reverify_by,
    )
    assert {event.note for p in case.placements for event in p.log} == {""}
    assert all(
        len(a.log) == len(b.log) for a, b in zip(case.placements, team.case.placements, strict=True)
    )
    # The placement status, and the safety screen (the crisis alert reaches everyone), stay.
    assert [(p.stage, p.role, p.hold, p.intake, p.availability) for p in case.placements] == [
        (p.stage, p.role, p.hold, p.intake, p.availability) for p in team.case.placements
    ]
    assert case.safety == team.case.safety
    assert "REF-1" not in repr(case) and "Aetna" not in repr(case)


def test_readiness_reads_the_same_for_a_member(engine, team: Team) -> None:
    lead_view = load_case(engine, team.case_id, actor=team.actors["lead"])
    member_view = load_case(engine, team.case_id, actor=team.actors["member"])
    assert readiness.run_checks(member_view, NOW) == readiness.run_checks(lead_view, NOW)


def test_a_payment_note_is_blank_for_a_member(engine, team: Team) -> None:
    lead = team.actors["lead"]
    paid = arrange_payment(
        primary_of(team.case),
        PaymentArrangement(method="scholarship", note="Grandma pays $4,000", arranged_at=NOW),
        now=NOW,
    )
    save_case(engine, team.case.with_placement(paid), actor=lead)
    seen = primary_of(load_case(engine, team.case_id, actor=team.actors["member"])).payment
    assert seen is not None
    # How it is paid for is the lead's; that a payment is arranged still counts for readiness.
    assert (seen.method, seen.note) == ("other", PAYMENT_HIDDEN)


def test_a_member_saves_their_letter_and_a_stale_lead_save_conflicts(engine, team: Team) -> None:
    lead, member = team.actors["lead"], team.actors["member"]
    lead_window = load_case(engine, team.case_id, actor=lead)
    saved = save_own_letter(
        engine,
        team.case_id,
        member_name="Entry-member",
        letter="I love you and I am scared.",
        letter_status="reviewed",
        keep_as_written=True,
        actor=member,
    )
    assert saved.version == lead_window.version + 1
    assert _letters(saved)["member"] == "I love you and I am scared."
    with pytest.raises(ConflictError):
        save_case(engine, replace(lead_window, title="Lead's rename"), actor=lead)
    stored = load_case(engine, team.case_id, actor=lead)
    entry = next(e for e in stored.team if e.name == "Entry-member")
    assert (entry.letter, entry.letter_status, entry.keep_as_written) == (
        "I love you and I am scared.",
        "reviewed",
        True,
    )
    assert _letters(stored)["lead"] == LETTERS["lead"]


def test_a_member_cannot_save_anothers_letter_or_a_bad_status(engine, team: Team) -> None:
    member = team.actors["member"]
    args: dict[str, Any] = {"letter": "forged", "keep_as_written": False, "actor": member}
    with pytest.raises(AccessError, match="only your own letter"):
        save_own_letter(
            engine, team.case_id, member_name="Entry-lead", letter_status="drafted", **args
        )
    with pytest.raises(CaseError, match="Letter status"):
        save_own_letter(
            engine, team.case_id, member_name="Entry-member", letter_status="done", **args
        )
    assert load_case(engine, team.case_id, actor=team.actors["lead"]) == team.case


def test_removal_takes_effect_on_the_next_load(engine, team: Team) -> None:
    member = team.actors["member"]
    assert load_case(engine, team.case_id, actor=member).id == team.case_id
    remove_member(engine, team.case_id, member.user_id, actor=team.actors["lead"])
    with pytest.raises(AccessError, match="not a member"):
        load_case(engine, team.case_id, actor=member)
    with pytest.raises(AccessError):
        save_own_letter(
            engine,
            team.case_id,
            member_name="Entry-member",
            letter="still here?",
            letter_status="drafted",
            keep_as_written=False,
            actor=member,
        )


# --- Sealing at rest ------------------------------------------------------------------


def _raw(engine, case_id: int) -> str:
    with engine.connect() as connection:
        parts = [
            connection.execute(
                text("SELECT plan_json FROM cases WHERE id = :id"), {"id": case_id}
            ).scalar_one()
        ]
        for table, column in (("case_placements", "data_json"), ("case_contact_log", "note")):
            parts += connection.execute(
                text(f"SELECT {column} FROM {table} WHERE case_id = :id"), {"id": case_id}
            ).scalars()
    return "\n".join(parts)


def test_with_keys_bound_the_database_holds_no_letter_or_insurance_text(engine, team: Team) -> None:
    bind_keys(engine, [generate_key()])
    lead = team.actors["lead"]
    sealed = create_case(engine, team.case, actor=lead, now=NOW)
    assert sealed.id is not None
    raw = _raw(engine, sealed.id)
    for secret in (*LETTERS.values(), "Aetna", "REF-1", "Spoke to intake"):
        assert secret not in raw
    assert all(part.startswith(PREFIX) for part in raw.split("\n") if part)
    assert sealed.id is not None
    assert load_case(engine, sealed.id, actor=lead) == replace(team.case, id=sealed.id, version=1)
    assert sealed.id is not None
    save_own_letter(
        engine,
        sealed.id,
        member_name="Entry-lead",
        letter="Sealed too.",
        letter_status="drafted",
        keep_as_written=False,
        actor=lead,
    )
    assert sealed.id is not None
    assert "Sealed too." not in _raw(engine, sealed.id)


def test_without_keys_local_mode_stores_plain_text(engine, team: Team) -> None:
    raw = _raw(engine, team.case_id)
    assert LETTERS["lead"] in raw and "Aetna" in raw and "Spoke to intake" in raw
    assert PREFIX not in raw


def test_letters_saved_at_the_same_time_by_two_people_are_both_kept(engine, team: Team) -> None:
    rounds = 6

    def write(who: str) -> None:
        for number in range(rounds):
            save_own_letter(
                engine,
                team.case_id,
                member_name=f"Entry-{who}",
                letter=f"{who} draft {number}",
                letter_status="drafted",
                keep_as_written=False,
                actor=team.actors[who],
            )

    with ThreadPoolExecutor(max_workers=2) as pool:
        for done in [pool.submit(write, who) for who in ("lead", "member")]:
            done.result()
    stored = load_case(engine, team.case_id, actor=team.actors["lead"])
    # Each save read, changed and wrote the plan under the case's lock: none undid another.
    assert stored.version == team.case.version + 2 * rounds
    assert (_letters(stored)["lead"], _letters(stored)["member"]) == (
        f"lead draft {rounds - 1}",
        f"member draft {rounds - 1}",
    )


# --- What a member or viewer tries to read that is the lead's (issue 19, point 5) -----------


def _sensitive_case(engine, team: Team) -> Case:
    """Store a case with a declined placement, a payment, consequences and linked accounts."""
    lead = team.actors["lead"]
    base = load_case(engine, team.case_id, actor=lead)
    declined = close(
        base.placements[1],
        stage="declined",
        reason="Declined: he assaulted staff here in 2021",
        now=NOW,
    )
    paid = arrange_payment(
        primary_of(base),
        PaymentArrangement(method="funding", note="", arranged_at=NOW),
        now=NOW,
    )
    team_entries = tuple(
        replace(entry, consequence=f"{entry.name} will change the locks") for entry in base.team
    )
    changed = replace(base.with_placement(declined).with_placement(paid), team=team_entries)
    return save_case(engine, changed, actor=lead)


@pytest.mark.parametrize("who", ["member", "viewer"])
def test_a_member_or_viewer_reads_no_decline_reason_payment_method_consequence_or_e_mail(
    engine, team: Team, who: str
) -> None:
    stored = _sensitive_case(engine, team)
    seen = load_case(engine, team.case_id, actor=team.actors[who])
    declined = [placement for placement in seen.placements if placement.stage == "declined"]
    assert [placement.reason for placement in declined] == [REASON_HIDDEN]
    payment = primary_of(seen).payment
    assert payment is not None and (payment.method, payment.note) == ("other", PAYMENT_HIDDEN)
    own = f"Entry-{who}"
    for entry in seen.team:
        if entry.name == own:
            # Their own entry stays theirs: the consequence they hold to, their address.
            assert entry.consequence == f"{own} will change the locks"
            assert entry.account == team.actors[who].email
        else:
            assert (entry.consequence, entry.account) == ("", ""), entry.name
    others = [email for person, email in EMAILS.items() if person != who]
    for secret in ("assaulted", "funding", *others):
        assert secret not in repr(seen), secret
    # The lead still sees all of it.
    assert load_case(engine, team.case_id, actor=team.actors["lead"]) == stored
