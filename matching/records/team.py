"""Team mode's people and organisations: who is asking (:class:`Actor`).

Every function of the records layer that reads or writes shared data takes the ``actor`` it
acts for, always given (never a default). Local mode has one person in one organisation
(:data:`LOCAL`), bound once in the app's and the CLI's workspace
(:class:`~matching.records.workspace.Workspace`), so a laptop works as before; on a team
server the workspace's actor is the signed-in person, and what they get is filtered by their
organisation (directories, call reports, shortlists) or their case membership (cases,
placements, letters, contact logs). The local person belongs to no team case: they see
nothing of the team's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from matching.errors import AccessError
from matching.records import audit
from matching.records.store import (
    LOCAL_EMAIL,
    LOCAL_ORG_ID,
    LOCAL_USER_ID,
    case_members,
    cases,
    invitations,
    org_members,
    orgs,
    to_naive_utc,
    users,
    write_transaction,
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Actor:
    """The person a call acts for: their user id, sign-in e-mail and organisation."""

    user_id: int
    email: str
    org_id: int
    display_name: str = ""

    @property
    def is_local(self) -> bool:
        """Return whether this is the single person of local mode."""
        return self.user_id == LOCAL_USER_ID


LOCAL = Actor(user_id=LOCAL_USER_ID, email=LOCAL_EMAIL, org_id=LOCAL_ORG_ID, display_name="You")


@dataclass(frozen=True, kw_only=True, slots=True)
class OrgMember:
    """One person of an organisation and their part in it (admin or staff)."""

    user_id: int
    email: str
    display_name: str
    org_role: str


# Enough to catch a typo or a name typed instead of an address; the provider proves the rest.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def check_email(email: str, *, what: str = "The e-mail address") -> str:
    """Return ``email`` normalised (NFKC + casefold); raise AccessError when it is not usable.

    An address is refused when its normalised form differs from what was given in more than
    plain letter case: a compatibility character (the Kelvin sign in ``"\u212aate@..."``, a
    full-width letter, a ligature), a decomposed accent, or a letter whose case folding changes
    it (``ß`` folds to ``ss``). Each would let one address stand for another person's.
    """
    stripped = email.strip()
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", stripped).casefold())
    if folded == LOCAL_EMAIL or not _EMAIL.fullmatch(folded):
        shown = repr(stripped[:80]) if stripped else "empty"
        raise AccessError(
            f"{what} is {shown}, which is not an e-mail address; use the full address "
            "the person signs in with, such as name@example.org."
        )
    if (
        unicodedata.normalize("NFKC", stripped) != stripped
        or stripped.casefold() != stripped.lower()
    ):
        odd = sorted(
            {
                char
                for char in stripped
                if unicodedata.normalize("NFKC", char).casefold() != char.lower()
            }
        )
        named = ", ".join(f"U+{ord(char):04X} {unicodedata.name(char, '?')}" for char in odd)
        raise AccessError(
            f"{what} {ascii(stripped[:80])} contains characters that read as another address "
            f"({folded[:80]}){': ' + named if named else ''}. ReadyBed refuses such an address "
            "so that it cannot stand for someone else's; use the address written in plain "
            "characters."
        )
    return folded


@dataclass(frozen=True, kw_only=True, slots=True)
class Identity:
    """Who the sign-in provider says the person is: its issuer and subject, and their e-mail."""

    issuer: str
    subject: str
    email: str
    display_name: str = ""


def identity_from_claims(
    claims: Mapping[str, object], *, accept_missing_email_verified: bool = False
) -> Identity:
    """Return the identity in an OpenID Connect provider's claims; AccessError when unusable.

    The provider must name the person (``iss`` and ``sub``) and vouch for the address:
    ``email_verified`` false is refused, and so is a missing ``email_verified`` unless the
    server allows providers that never send it (``[readybed] accept_missing_email_verified``).
    """
    issuer, subject = str(claims.get("iss") or "").strip(), str(claims.get("sub") or "").strip()
    if not issuer or not subject:
        raise AccessError(
            "The sign-in provider did not say who you are (no issuer or subject in its answer), "
            "so ReadyBed cannot tell you apart from anyone else. Tell whoever runs this server: "
            "the provider must be an OpenID Connect one (deploy/README.md)."
        )
    email = str(claims.get("email") or "")
    address = check_email(email, what="The sign-in e-mail")
    verified = claims.get("email_verified")
    if isinstance(verified, str):
        verified = {"true": True, "false": False}.get(verified.strip().lower(), verified)
    if verified is False:
        raise AccessError(
            f"Your sign-in provider says the address {address} is not verified. Verify it with "
            "the provider (it sends a link to that address), then sign in again."
        )
    if verified is not True and not accept_missing_email_verified:
        raise AccessError(
            f"Your sign-in provider did not say whether {address} is verified, and ReadyBed "
            "accepts only verified addresses. If this provider never says so, whoever runs this "
            "server can allow it (accept_missing_email_verified, docs/team.md)."
        )
    return Identity(
        issuer=issuer[:500],
        subject=subject[:255],
        email=address,
        display_name=str(claims.get("name") or ""),
    )


def sign_in(
    engine: Engine,
    *,
    email: str,
    display_name: str = "",
    issuer: str = "",
    subject: str = "",
    now: datetime | None = None,
) -> Actor:
    """Return the Actor of the person signed in as ``email``, recording them on first sign-in.

    With the provider's ``issuer`` and ``subject`` (the app always passes them), the person is
    the one bound to that identity: bound at their first sign-in, found by it afterwards, the
    e-mail only matching invitations (and following the provider when the address changes).
    An address already bound to another identity is refused. Without an identity (scripts and
    tests, never the app) the person is found by e-mail.

    In one transaction: the person is created when new, every pending invitation to their
    e-mail is accepted (case membership with the invited role, the case's organisation when
    the invitation says so, an audit row), a person in no organisation gets their own as its
    admin, and ``last_seen_at`` is updated.
    """
    address = check_email(email, what="The sign-in e-mail")
    stamp = to_naive_utc(now or datetime.now(UTC))
    name = display_name.strip()[:200]
    bound = (
        (issuer.strip()[:500], subject.strip()[:255])
        if issuer.strip() and subject.strip()
        else None
    )
    for attempt in (1, 2):
        try:
            with write_transaction(engine) as connection:
                user_id = _upsert_user(connection, address, name, stamp, bound)
                _accept_invitations(connection, user_id, address, stamp)
                org_id = _home_org(connection, user_id, name or address, stamp)
            break
        except IntegrityError:
            # Two first sign-ins of one person at once: the other created the row; read it.
            if attempt == 2:
                raise
    return Actor(user_id=user_id, email=address, org_id=org_id, display_name=name)


def _upsert_user(
    connection: Connection,
    address: str,
    name: str,
    stamp: datetime,
    bound: tuple[str, str] | None,
) -> int:
    changes: dict[str, object] = {"last_seen_at": stamp}
    if name:
        changes["display_name"] = name
    row = _bound_user(connection, bound) if bound else None
    if row is not None and row.email != address:
        _refuse_taken(connection, address, int(row.id))
        changes["email"] = address  # the provider's address changed: invitations follow it
    if row is None:
        row = connection.execute(
            select(users.c.id, users.c.issuer, users.c.subject).where(users.c.email == address)
        ).first()
        taken = row is not None and row.issuer is not None and bound is not None
        if taken and (row.issuer, row.subject) != bound:  # type: ignore[union-attr]
            raise AccessError(
                f"The address {address} belongs to a person who signs in with another account "
                "of their provider. Sign in with that account; ReadyBed does not let a second "
                "account take an address over."
            )
        if row is not None and bound is not None:
            changes["issuer"], changes["subject"] = bound  # bound at this first sign-in
    if row is None:
        identity = {"issuer": bound[0], "subject": bound[1]} if bound else {}
        result = connection.execute(
            insert(users).values(
                email=address, display_name=name, created_at=stamp, last_seen_at=stamp, **identity
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]
    connection.execute(update(users).where(users.c.id == row.id).values(**changes))
    return int(row.id)


def _bound_user(connection: Connection, bound: tuple[str, str]) -> Any:
    return connection.execute(
        select(users.c.id, users.c.email).where(
            users.c.issuer == bound[0], users.c.subject == bound[1]
        )
    ).first()


def _refuse_taken(connection: Connection, address: str, user_id: int) -> None:
    other = connection.execute(
        select(users.c.id).where(users.c.email == address, users.c.id != user_id)
    ).first()
    if other is not None:
        raise AccessError(
            f"Your provider now gives your address as {address}, which another person of this "
            "server signs in with; ask whoever runs this server to sort the two accounts out."
        )


def _accept_invitations(
    connection: Connection, user_id: int, address: str, stamp: datetime
) -> None:
    pending = connection.execute(
        select(invitations, cases.c.org_id.label("case_org_id"))
        .join(cases, cases.c.id == invitations.c.case_id)
        .where(invitations.c.email == address, invitations.c.accepted_at.is_(None))
        .order_by(invitations.c.id)
    ).mappings()
    for invitation in list(pending):
        case_id, org_id = invitation["case_id"], invitation["case_org_id"]
        already = connection.execute(
            select(case_members.c.role).where(
                case_members.c.case_id == case_id, case_members.c.user_id == user_id
            )
        ).first()
        if already is None:
            connection.execute(
                insert(case_members).values(
                    case_id=case_id, user_id=user_id, role=invitation["role"], added_at=stamp
                )
            )
        if invitation["join_org"] and not _in_org(connection, org_id, user_id):
            connection.execute(
                insert(org_members).values(
                    org_id=org_id, user_id=user_id, org_role="staff", added_at=stamp
                )
            )
        connection.execute(
            update(invitations)
            .where(invitations.c.id == invitation["id"])
            .values(accepted_at=stamp)
        )
        who = Actor(user_id=user_id, email=address, org_id=org_id)
        audit.append(
            connection,
            case_id=case_id,
            org_id=org_id,
            actor=who,
            action="joined by invitation",
            detail=f"role {invitation['role']}"
            + ("; joined the organisation" if invitation["join_org"] else ""),
            now=stamp,
        )


def _in_org(connection: Connection, org_id: int, user_id: int) -> bool:
    found = connection.execute(
        select(org_members.c.org_id).where(
            org_members.c.org_id == org_id, org_members.c.user_id == user_id
        )
    ).first()
    return found is not None


def _home_org(connection: Connection, user_id: int, name: str, stamp: datetime) -> int:
    """Return the person's organisation (the one joined first), creating their own if none."""
    org_id = connection.execute(
        select(org_members.c.org_id)
        .where(org_members.c.user_id == user_id)
        .order_by(org_members.c.added_at, org_members.c.org_id)
        .limit(1)
    ).scalar_one_or_none()
    if org_id is not None:
        return int(org_id)
    result = connection.execute(
        insert(orgs).values(name=f"{name}'s organisation"[:200], created_at=stamp)
    )
    org_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    connection.execute(
        insert(org_members).values(org_id=org_id, user_id=user_id, org_role="admin", added_at=stamp)
    )
    return org_id


def org_of(engine: Engine, *, actor: Actor) -> tuple[int, str]:
    """Return the id and name of the actor's organisation; AccessError when not a member."""
    with engine.connect() as connection:
        row = connection.execute(
            select(orgs.c.id, orgs.c.name)
            .join(org_members, org_members.c.org_id == orgs.c.id)
            .where(orgs.c.id == actor.org_id, org_members.c.user_id == actor.user_id)
        ).first()
    if row is None:
        raise AccessError(
            f"Organisation {actor.org_id} does not exist or you are not a member of it."
        )
    return int(row.id), str(row.name)


def list_org_members(engine: Engine, *, actor: Actor) -> list[OrgMember]:
    """Return the people of the actor's organisation (admins first, then by e-mail)."""
    org_id, _name = org_of(engine, actor=actor)
    with engine.connect() as connection:
        rows = connection.execute(
            select(users.c.id, users.c.email, users.c.display_name, org_members.c.org_role)
            .join(org_members, org_members.c.user_id == users.c.id)
            .where(org_members.c.org_id == org_id)
            .order_by(org_members.c.org_role, users.c.email)
        ).all()
    return [
        OrgMember(
            user_id=row.id, email=row.email, display_name=row.display_name, org_role=row.org_role
        )
        for row in rows
    ]
