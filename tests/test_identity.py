"""Sign-in is the provider's verified identity (issue 19, point 4), on a real PostgreSQL.

A person is bound to the provider's issuer and subject at their first sign-in; the e-mail only
matches invitations. An address the provider does not vouch for, or one that reads as another
person's once normalised (NFKC + casefold), is refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from case_factory import NOW
from signin_support import AUTH
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from matching.errors import AccessError
from matching.records import config, sealing
from matching.records.members import invite, role_in_case
from matching.records.store import open_engine, users
from matching.records.team import check_email, identity_from_claims, sign_in

APP = str(Path(__file__).resolve().parents[1] / "app.py")
ISSUER = "https://idp.example.org"
OTHER_ISSUER = "https://other-idp.example.net"
KELVIN_KATE = "\u212aate@example.org"  # KELVIN SIGN, which NFKC turns into a plain K


@pytest.fixture
def engine(team_db_url: str):
    opened = open_engine(team_db_url)
    yield opened
    opened.dispose()


def claims(email: str, **more: object) -> dict[str, object]:
    return {"iss": ISSUER, "sub": "sub-" + email, "email": email, "email_verified": True} | more


# --- e-mail normalisation ------------------------------------------------------------------


@pytest.mark.parametrize(
    "alias",
    [
        KELVIN_KATE,
        "\uff4bate@example.org",  # FULLWIDTH LATIN SMALL LETTER K
        "kate@exa\ufb00.org".replace("\ufb00", "\ufb01"),  # the "fi" ligature
        "jose\u0301@example.org",  # e + COMBINING ACUTE: the same as é once composed
        "stra\u00dfe@example.de",  # ß folds to ss: strasse@example.de
    ],
)
def test_an_address_that_reads_as_another_is_refused(alias: str) -> None:
    with pytest.raises(AccessError, match="read as another address"):
        check_email(alias, what="The sign-in e-mail")


def test_plain_letter_case_is_only_case() -> None:
    assert check_email("  Kate@Example.ORG ") == "kate@example.org"
    assert check_email("jos\u00e9@example.org") == "jos\u00e9@example.org"


def test_the_kelvin_sign_does_not_sign_in_as_kate(engine) -> None:
    kate = sign_in(engine, email="kate@example.org", issuer=ISSUER, subject="kate", now=NOW)
    with pytest.raises(AccessError, match="read as another address"):
        sign_in(engine, email=KELVIN_KATE, issuer=OTHER_ISSUER, subject="mallory", now=NOW)
    with pytest.raises(AccessError, match="read as another address"):
        identity_from_claims(claims(KELVIN_KATE))
    with engine.connect() as connection:
        rows = connection.execute(select(users.c.id, users.c.email)).all()
    assert [(row.id, row.email) for row in rows if row.email != "local"] == [
        (kate.user_id, "kate@example.org")
    ]


# --- email_verified ------------------------------------------------------------------------


@pytest.mark.parametrize("said", [False, "false", "False"])
def test_an_unverified_address_is_refused(said: object) -> None:
    with pytest.raises(AccessError, match="is not verified"):
        identity_from_claims(claims("kate@example.org", email_verified=said))
    # The setting for providers that never send the claim does not let "false" through.
    with pytest.raises(AccessError, match="is not verified"):
        identity_from_claims(
            claims("kate@example.org", email_verified=said), accept_missing_email_verified=True
        )


def test_a_missing_email_verified_is_refused_unless_the_server_allows_it() -> None:
    without = {k: v for k, v in claims("kate@example.org").items() if k != "email_verified"}
    with pytest.raises(AccessError, match="did not say whether"):
        identity_from_claims(without)
    identity = identity_from_claims(without, accept_missing_email_verified=True)
    assert (identity.issuer, identity.subject, identity.email) == (
        ISSUER,
        "sub-kate@example.org",
        "kate@example.org",
    )


def test_no_issuer_or_subject_is_refused() -> None:
    for missing in ("iss", "sub"):
        partial = {k: v for k, v in claims("kate@example.org").items() if k != missing}
        with pytest.raises(AccessError, match="did not say who you are"):
            identity_from_claims(partial)


def test_the_setting_is_off_by_default_and_must_be_true_or_false(tmp_path: Path) -> None:
    assert not config.accept_missing_email_verified({})
    assert config.accept_missing_email_verified(
        {"readybed": {"accept_missing_email_verified": True}}
    )
    errors = config.config_errors({"readybed": {"accept_missing_email_verified": "yes"}})
    assert errors and "must be true or false" in errors[0]


# --- issuer + subject ----------------------------------------------------------------------


def test_a_person_is_bound_to_issuer_and_subject_at_first_sign_in(engine) -> None:
    first = sign_in(engine, email="kate@example.org", issuer=ISSUER, subject="k-1", now=NOW)
    with engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.id == first.user_id)).one()
    assert (row.issuer, row.subject) == (ISSUER, "k-1")
    # Another account (another provider, or another subject) with the same address: refused.
    for issuer, subject in ((OTHER_ISSUER, "k-1"), (ISSUER, "someone-else")):
        with pytest.raises(AccessError, match="signs in with another account"):
            sign_in(engine, email="kate@example.org", issuer=issuer, subject=subject, now=NOW)


def test_later_sign_ins_match_on_the_identity_and_follow_a_changed_address(engine) -> None:
    kate = sign_in(engine, email="kate@example.org", issuer=ISSUER, subject="k-1", now=NOW)
    moved = sign_in(engine, email="kate@new.example", issuer=ISSUER, subject="k-1", now=NOW)
    assert (moved.user_id, moved.org_id, moved.email) == (
        kate.user_id,
        kate.org_id,
        "kate@new.example",
    )
    # The old address is free again: whoever the provider gives it to is a new person.
    other = sign_in(engine, email="kate@example.org", issuer=ISSUER, subject="k-2", now=NOW)
    assert other.user_id != kate.user_id


def test_a_person_from_before_binding_is_bound_at_their_next_sign_in(engine) -> None:
    before = sign_in(engine, email="kate@example.org", now=NOW)  # no identity recorded yet
    bound = sign_in(engine, email="kate@example.org", issuer=ISSUER, subject="k-1", now=NOW)
    assert bound.user_id == before.user_id
    with pytest.raises(AccessError):
        sign_in(engine, email="kate@example.org", issuer=ISSUER, subject="k-2", now=NOW)


def test_the_invitation_is_matched_by_the_normalized_address(engine) -> None:
    from case_factory import ready_case

    from matching.records.cases import create_case

    lead = sign_in(engine, email="pat@example.org", issuer=ISSUER, subject="pat", now=NOW)
    case = create_case(engine, ready_case(NOW), actor=lead)
    assert case.id is not None
    invite(engine, case.id, email="Kate@Example.org", role="viewer", actor=lead, now=NOW)
    with pytest.raises(AccessError):
        sign_in(engine, email=KELVIN_KATE, issuer=ISSUER, subject="mallory", now=NOW)
    kate = sign_in(engine, email="KATE@example.org", issuer=ISSUER, subject="kate", now=NOW)
    assert role_in_case(engine, case.id, actor=kate) == "viewer"


# --- the app -------------------------------------------------------------------------------


def signed_in_app(user: dict[str, object], **readybed: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = dict(AUTH)
    at.secrets["readybed"] = {"encryption_keys": [sealing.generate_key()], **readybed}
    at.user = {"is_logged_in": True, **user}
    return at.run()


def shown(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in (*at.title, *at.error, *at.markdown, *at.caption))


@pytest.mark.parametrize(
    ("user", "words"),
    [
        (claims("kate@example.org", email_verified=False), "is not verified"),
        (
            {k: v for k, v in claims("kate@example.org").items() if k != "email_verified"},
            "did not say whether",
        ),
        (claims(KELVIN_KATE), "read as another address"),
    ],
)
def test_the_app_refuses_such_a_sign_in_with_a_sentence(team_db_url, user, words) -> None:
    at = signed_in_app(user)
    assert not at.exception
    assert "cannot open your account" in shown(at) and words in shown(at)
    assert "Fictional facilities" not in shown(at)
    assert "Sign out" in [button.label for button in at.button]


def test_the_app_signs_in_a_provider_without_the_claim_when_allowed(team_db_url) -> None:
    user = {k: v for k, v in claims("kate@example.org").items() if k != "email_verified"}
    at = signed_in_app(user, accept_missing_email_verified=True)
    assert not at.exception
    assert "cannot open your account" not in shown(at)
    assert any(c.value.startswith("Signed in as") for c in at.sidebar.caption)
