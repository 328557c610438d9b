"""Team mode under AppTest: signed-in people see only their cases and do what their role allows.

Each person is their own AppTest session against one real store with encryption keys, on
SQLite and on PostgreSQL; Streamlit's sign-in is simulated by setting ``at.user`` (no provider
is contacted).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from case_factory import ready_case
from signin_support import AUTH
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from app_pages.links import plain
from matching.directory import columns as col
from matching.records import audit, library, members, sealing, shortlist, store, team
from matching.records import cases as case_records
from matching.records.store import open_engine

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60
LEAD = "pat@practice.example"
SAM = "sam@family.example"
VIC = "vic@family.example"
EVE = "eve@elsewhere.example"
ISSUER = "https://idp.example.org"
SAMS_LETTER = "Sam here. On 3 May you missed my wedding and I was scared."


def texts(at: AppTest) -> str:
    parts = [
        element.value
        for kind in (
            "title",
            "header",
            "subheader",
            "markdown",
            "caption",
            "warning",
            "error",
            "success",
            "info",
        )
        for element in getattr(at, kind)
    ]
    parts += [expander.label for expander in at.expander]
    return "\n".join(str(part) for part in parts)


@pytest.fixture
def key() -> str:
    return sealing.generate_key()


@pytest.fixture
def team_engine(team_db_url: str, key: str):
    """The team store on a real PostgreSQL, the backend a team server runs (the access rules
    themselves run on both backends in test_access_matrix and test_org_sharing)."""
    opened = open_engine(team_db_url)
    sealing.bind_keys(opened, [key])
    yield opened
    opened.dispose()


@pytest.fixture
def lead_case(team_engine):
    """A ready case led by LEAD; its first team entry's letter is Sam's to write."""
    lead = team.sign_in(team_engine, email=LEAD, display_name="Pat Lee")
    built = ready_case(datetime.now(UTC))
    sams = replace(built.team[0], name="Sam", letter="", letter_status="not_started", account=SAM)
    return case_records.create_case(
        team_engine,
        replace(built, title="The Rivera family", team=(sams, *built.team[1:])),
        actor=lead,
    )


def session(email: str, key: str, page: str = "app_pages/plan.py") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = dict(AUTH)
    at.secrets["readybed"] = {"encryption_keys": [key]}
    at.user = {
        "is_logged_in": True,
        "email": email,
        "name": email.split("@")[0].title(),
        # What every OpenID Connect provider sends: who it is, whom it means, verified or not.
        "iss": ISSUER,
        "sub": "subject-" + email,
        "email_verified": True,
    }
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def widget(at: Any, kind: str, label: str) -> Any:
    """Return the one widget of ``kind`` with ``label`` on the page (fails when not exactly one)."""
    (found,) = [w for w in getattr(at, kind) if w.label == label]
    return found


def invite(lead: AppTest, email: str, role: str) -> AppTest:
    lead.switch_page("app_pages/team.py").run()
    lead.text_input(key="invite_email").input(email)
    lead.selectbox(key="invite_role").set_value(role)
    widget(lead, "button", "Invite").click().run()
    assert not lead.exception, lead.exception
    return lead


def test_the_signed_in_person_is_named_in_the_sidebar_with_sign_out(lead_case, key) -> None:
    at = session(LEAD, key)
    (caption,) = [c.value for c in at.sidebar.caption if c.value.startswith("Signed in as")]
    # The provider's name claim, escaped (never Markdown), and the address.
    assert caption.startswith("Signed in as **Pat** (pat@") and "practice.example" in caption
    assert "Sign out" in [button.label for button in at.sidebar.button]


def test_an_invited_member_sees_the_case_writes_only_their_letter_and_no_insurance(
    lead_case, team_engine, key
) -> None:
    lead = session(LEAD, key)
    invite(lead, SAM, "member")
    assert f"Invited {SAM} as member" in texts(lead)

    sam = session(SAM, key)
    assert "The Rivera family" in str(sam.sidebar.selectbox[0].options)
    assert "Aunt's living room" in texts(sam)  # the plan, read-only
    assert not [w for w in sam.text_input if w.label == "First name or alias only"]
    assert [w.label for w in sam.text_area] == ["Letter"]  # Sam's own, no other
    assert "I love you. On 3 May" not in texts(sam)  # another member's letter text
    widget(sam, "text_area", "Letter").input(SAMS_LETTER)
    widget(sam, "button", "Review and save").click().run()
    assert not sam.exception
    stored = case_records.load_case(
        team_engine, lead_case.id, actor=team.sign_in(team_engine, email=LEAD)
    )
    assert stored.team[0].letter == SAMS_LETTER
    assert stored.team[1].letter.startswith("I love you")  # the others' letters untouched

    sam.switch_page("app_pages/placement.py").run()
    assert not sam.exception
    shown = texts(sam)
    assert "Harbor Detox" in shown and "Hold:" in shown
    assert "Aetna" not in shown and "REF-1" not in shown
    assert not sam.tabs and not [w for w in sam.text_input if "nsur" in w.label]
    assert "seen by the case's lead only" in shown


def test_a_viewer_reads_the_plan_but_cannot_edit_or_read_letters(lead_case, key) -> None:
    invite(session(LEAD, key), VIC, "viewer")
    vic = session(VIC, key)
    assert "Aunt's living room" in texts(vic)
    assert not vic.main.text_area and not vic.main.text_input and not vic.main.checkbox
    assert "I love you" not in texts(vic)
    assert "As a viewer" in texts(vic)


def test_a_person_of_another_organization_sees_no_case(lead_case, key) -> None:
    eve = session(EVE, key)
    assert "No case yet" in texts(eve)
    assert "Rivera" not in texts(eve) and not eve.sidebar.selectbox
    eve.switch_page("app_pages/team.py").run()
    assert "No case yet" in texts(eve)


def test_a_removed_member_loses_the_case_on_their_next_run(lead_case, key) -> None:
    lead = invite(session(LEAD, key), SAM, "member")
    sam = session(SAM, key)
    assert "Aunt's living room" in texts(sam)

    lead.switch_page("app_pages/team.py").run()
    removes = [b for b in lead.button if b.label == "Remove"]
    assert len(removes) == 2  # the lead and Sam
    removes[1].click().run()
    assert f"Removed {SAM}" in texts(lead)

    sam.run()
    assert not sam.exception
    assert "No case yet" in texts(sam) and "Aunt's living room" not in texts(sam)


def test_the_last_lead_cannot_be_demoted_and_the_page_says_why(lead_case, team_engine, key) -> None:
    lead = session(LEAD, key, "app_pages/team.py")
    own = f"member_role_{lead_case.id}_{team.sign_in(team_engine, email=LEAD).user_id}"
    lead.selectbox(key=own).set_value("viewer").run()
    assert not lead.exception
    assert "only lead" in texts(lead)
    assert lead.selectbox(key=own).value == "lead"
    assert case_records.list_cases(team_engine, actor=team.sign_in(team_engine, email=LEAD))[
        0
    ].role == ("lead")


def test_the_audit_trail_lists_the_changes_for_the_lead_only(lead_case, key) -> None:
    lead = invite(session(LEAD, key), SAM, "member")
    sam = session(SAM, key)
    widget(sam, "text_area", "Letter").input(SAMS_LETTER)
    widget(sam, "button", "Review and save").click().run()

    lead.switch_page("app_pages/team.py").run()
    history = lead.dataframe[-1].value
    assert {"invited", "own letter saved"} <= set(history["What"])
    assert SAM in set(history["Who"]) and LEAD in set(history["Who"])
    assert SAMS_LETTER not in history.to_string()  # which parts changed, never the text

    sam.switch_page("app_pages/team.py").run()
    assert not sam.dataframe and "You are a **Member**" in texts(sam)


def test_a_lead_invitation_made_on_the_page_gives_the_full_plan(lead_case, key) -> None:
    invite(session(LEAD, key), SAM, "lead")
    sam = session(SAM, key)
    assert widget(sam, "text_input", "First name or alias only").value == "Sam"
    assert len(widget(sam, "selectbox", "Letter of").options) == 4  # every letter is theirs
    sam.switch_page("app_pages/placement.py").run()
    assert sam.tabs  # the pipeline forms, insurance included


def test_the_lead_links_a_letter_to_a_sign_in_e_mail(lead_case, team_engine, key) -> None:
    lead = session(LEAD, key)
    widget(lead, "text_input", "Their first name").input("Vic")
    widget(
        lead, "text_input", "Their sign-in e-mail, so they can write their own letter (optional)"
    ).input("VIC@family.example ")
    widget(lead, "button", "Add to the team").click().run()
    assert not lead.exception
    stored = case_records.load_case(
        team_engine, lead_case.id, actor=team.sign_in(team_engine, email=LEAD)
    )
    assert stored.team[-1].name == "Vic" and stored.team[-1].account == VIC


def test_a_typo_in_the_sign_in_e_mail_is_refused_with_a_sentence(lead_case, key) -> None:
    lead = session(LEAD, key)
    widget(lead, "text_input", "Their first name").input("Vic")
    widget(
        lead, "text_input", "Their sign-in e-mail, so they can write their own letter (optional)"
    ).input("vic at family")
    widget(lead, "button", "Add to the team").click().run()
    assert "not an e-mail address" in texts(lead)


def test_deleting_a_case_says_its_change_history_goes_too(lead_case, team_engine, key) -> None:
    lead = invite(session(LEAD, key), SAM, "member")
    lead.switch_page("app_pages/plan.py").run()
    entries = len(
        audit.trail(team_engine, lead_case.id, actor=team.sign_in(team_engine, email=LEAD))
    )
    assert entries >= 2  # created, invited
    assert f"change history ({entries} entries)" in texts(lead)
    lead.button(key="delete_case").click().run()
    assert f"Its change history ({entries} entries) was deleted with it" in texts(lead)


def test_a_colleague_shares_the_shortlist_a_family_member_does_not(lead_case, team_engine, key):
    lead = team.sign_in(team_engine, email=LEAD)
    directory = library.load_entry(library.demo_entry())
    first = directory.head(1)
    target = shortlist.default_shortlist(team_engine, actor=lead)
    shortlist.add_facilities(team_engine, target.id, first, actor=lead)
    members.invite(team_engine, lead_case.id, email=VIC, role="viewer", join_org=True, actor=lead)
    members.invite(team_engine, lead_case.id, email=SAM, role="member", actor=lead)
    name = plain(str(first[col.NAME].iloc[0]))

    colleague = session(VIC, key, "app_pages/shortlist.py")
    assert f"1. {name}" in texts(colleague)
    family = session(SAM, key, "app_pages/shortlist.py")
    assert name not in texts(family)


def test_what_a_member_types_is_stored_encrypted(lead_case, team_engine, key):
    invite(session(LEAD, key), SAM, "member")
    sam = session(SAM, key)
    widget(sam, "text_area", "Letter").input(SAMS_LETTER)
    widget(sam, "button", "Review and save").click().run()
    assert not sam.exception
    with team_engine.connect() as connection:
        (stored,) = connection.execute(select(store.cases.c.plan_json)).scalars()
    assert stored.startswith(sealing.PREFIX)
    assert "missed my wedding" not in stored and "Aunt's living room" not in stored
    if team_engine.url.get_backend_name() == "sqlite":
        # Nowhere in the file either (no plain copy in the audit log or a leftover page).
        raw = Path(str(team_engine.url.database)).read_bytes()
        assert b"missed my wedding" not in raw and b"Aunt's living room" not in raw


def test_a_sign_in_without_an_e_mail_is_refused_with_a_sentence(store_url, key):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = dict(AUTH)
    at.secrets["readybed"] = {"encryption_keys": [key]}
    at.user = {"is_logged_in": True, "name": "No Address", "iss": ISSUER, "sub": "x"}
    at.run()
    assert not at.exception
    assert "cannot open your account" in texts(at) and "not an e-mail address" in texts(at)
    assert "Sign out" in [button.label for button in at.button]
    assert "Fictional facilities" not in texts(at)


def test_a_changed_role_applies_on_the_next_run(lead_case, team_engine, key) -> None:
    invite(session(LEAD, key), SAM, "lead")
    sam = session(SAM, key)
    assert widget(sam, "text_input", "First name or alias only").value == "Sam"

    lead = session(LEAD, key, "app_pages/team.py")
    sams_id = team.sign_in(team_engine, email=SAM).user_id
    lead.selectbox(key=f"member_role_{lead_case.id}_{sams_id}").set_value("viewer").run()
    assert not lead.exception and f"{SAM} is now viewer" in texts(lead)

    sam.run()
    assert not sam.exception
    assert not sam.main.text_input and "As a viewer" in texts(sam)
    assert "I love you" not in texts(sam)


def test_invitations_refuse_a_typo_list_pending_and_can_be_revoked(lead_case, key) -> None:
    lead = invite(session(LEAD, key), "sam at family", "member")
    assert "Not invited" in texts(lead) and "not an e-mail address" in texts(lead)
    assert "Pending invitations" not in texts(lead)

    invite(lead, SAM, "viewer")
    assert "Pending invitations" in texts(lead) and "Viewer" in texts(lead)
    invite(lead, SAM, "member")
    assert "already has a pending invitation" in texts(lead)

    widget(lead, "button", "Revoke").click().run()
    assert not lead.exception
    assert f"Revoked the invitation of {SAM}" in texts(lead)
    assert "Pending invitations" not in texts(lead)
    sam = session(SAM, key)
    assert "No case yet" in texts(sam)  # the revoked invitation gave them nothing


def test_the_only_lead_cannot_remove_themselves(lead_case, key) -> None:
    lead = session(LEAD, key, "app_pages/team.py")
    widget(lead, "button", "Remove").click().run()
    assert not lead.exception
    assert "Not removed" in texts(lead) and "only lead" in texts(lead)
    lead.switch_page("app_pages/plan.py").run()
    assert "Aunt's living room" in str([w.value for w in lead.text_input])


def test_signing_out_leaves_only_the_sign_in_page(lead_case, key) -> None:
    at = session(LEAD, key)
    widget(at.sidebar, "button", "Sign out").click().run()
    assert not at.exception
    assert "Plan the intervention" not in texts(at)  # nothing more is drawn once signed out
    at.run()
    assert [button.label for button in at.button] == ["Sign in"]
    assert "Aunt's living room" not in texts(at) and "Rivera" not in texts(at)


def test_only_an_admin_of_the_organization_is_offered_also_join_it(lead_case, key) -> None:
    join = "Also join my organisation"
    lead = invite(session(LEAD, key), SAM, "lead")  # the family's second lead
    assert [box for box in lead.checkbox if box.label.startswith(join)]
    assert "Your organisation" in texts(lead)
    sam = session(SAM, key, "app_pages/team.py")
    assert "People on this case" in texts(sam)  # Sam manages the case's team ...
    assert not [box for box in sam.checkbox if box.label.startswith(join)]  # ... not the org
    # Nor the practice's people: Sam administers only the organisation made for them.
    org_buttons = [b for b in sam.button if b.label == "Remove from organisation"]
    assert len(org_buttons) <= 1
