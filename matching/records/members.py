"""A case's team in the store: who is on it (roles), invitations, a member's own letter.

Every function acts for an ``actor`` (required: a :class:`~matching.records.team.Actor`; pages
and the CLI pass one through :class:`~matching.records.workspace.Workspace`). What the actor's
role may do is decided by the one permission table, :mod:`matching.case.permissions`, through
:func:`require_in` here: the role is read from ``case_members`` in the caller's transaction and
handed to :func:`matching.case.permissions.require`.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, RowMapping, delete, func, insert, select, update

from matching.case.codec import plan_plain
from matching.case.model import LETTER_STATUSES, Case, CaseError
from matching.case.permissions import CASE_ROLES, Action, CaseRole, not_a_member, redact, require
from matching.errors import AccessError, StoreError
from matching.records import audit
from matching.records.case_rows import case_of, read_plain, role_of, sealed_plan
from matching.records.store import (
    case_members,
    cases,
    from_naive_utc,
    invitations,
    to_naive_utc,
    users,
    write_transaction,
)
from matching.records.team import Actor, check_email, is_admin_of


def require_in(connection: Connection, case_id: int, actor: Actor, action: Action) -> CaseRole:
    """Return the actor's role in the case; raise AccessError unless it may do ``action``."""
    return require(role_of(connection, case_id, actor.user_id), action, case_id)


def role_in_case(engine: Engine, case_id: int, *, actor: Actor) -> CaseRole:
    """Return the actor's role in case ``case_id``; AccessError when they are not a member."""
    with engine.connect() as connection:
        return require_in(connection, case_id, actor, "view")


# --- The team: members and invitations (the lead manages them) ---------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class Member:
    """One person of a case's team and their role."""

    user_id: int
    email: str
    display_name: str
    role: CaseRole
    added_at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class Invitation:
    """An invitation of an e-mail address to a case (pending until that person signs in)."""

    id: int
    case_id: int
    email: str
    role: CaseRole
    join_org: bool
    invited_by: int | None
    created_at: datetime
    accepted_at: datetime | None

    @property
    def pending(self) -> bool:
        """Return whether the invited person has not signed in since."""
        return self.accepted_at is None


def _check_role(role: str) -> CaseRole:
    if role not in CASE_ROLES:
        raise CaseError(f"{role!r} is not a case role; choose one of {', '.join(CASE_ROLES)}.")
    return typing.cast(CaseRole, role)


def _org_of_case(connection: Connection, case_id: int) -> int:
    return int(connection.execute(select(cases.c.org_id).where(cases.c.id == case_id)).scalar_one())


def list_members(engine: Engine, case_id: int, *, actor: Actor) -> list[Member]:
    """Return the team of case ``case_id``: leads first, then members and viewers."""
    with engine.connect() as connection:
        require_in(connection, case_id, actor, "manage_members")
        rows = connection.execute(
            select(users.c.id, users.c.email, users.c.display_name, case_members)
            .join(case_members, case_members.c.user_id == users.c.id)
            .where(case_members.c.case_id == case_id)
        ).mappings()
        members = [
            Member(
                user_id=row["id"],
                email=row["email"],
                display_name=row["display_name"],
                role=row["role"],
                added_at=from_naive_utc(row["added_at"]),
            )
            for row in rows
        ]
    return sorted(members, key=lambda member: (CASE_ROLES.index(member.role), member.email))


def _invitation(row: RowMapping) -> Invitation:
    accepted = row["accepted_at"]
    return Invitation(
        id=row["id"],
        case_id=row["case_id"],
        email=row["email"],
        role=row["role"],
        join_org=bool(row["join_org"]),
        invited_by=row["invited_by"],
        created_at=from_naive_utc(row["created_at"]),
        accepted_at=None if accepted is None else from_naive_utc(accepted),
    )


def invite(
    engine: Engine,
    case_id: int,
    *,
    email: str,
    role: str,
    join_org: bool = False,
    actor: Actor,
    now: datetime | None = None,
) -> Invitation:
    """Invite ``email`` to case ``case_id`` as ``role``; they join when they next sign in.

    ``join_org`` also makes them staff of the case's organisation (a colleague, who then shares
    its directory, call reports and shortlists): only an admin of that organisation may ask
    for it (a family member made lead may not pull anyone into the practice).
    """
    address = check_email(email, what="The e-mail to invite")
    checked = _check_role(role)
    stamp = to_naive_utc(now or datetime.now(UTC))
    with write_transaction(engine) as connection:
        require_in(connection, case_id, actor, "manage_members")
        if join_org and not is_admin_of(connection, _org_of_case(connection, case_id), actor):
            raise AccessError(
                "Only an admin of this case's organisation can invite someone to join it; "
                "invite them to the case alone, or ask an admin of the organisation."
            )
        _clear_the_way(connection, case_id, address)
        result = connection.execute(
            insert(invitations).values(
                case_id=case_id,
                email=address,
                role=checked,
                join_org=join_org,
                invited_by=actor.user_id,
                created_at=stamp,
            )
        )
        invitation_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        audit.append(
            connection,
            case_id=case_id,
            org_id=_org_of_case(connection, case_id),
            actor=actor,
            action="invited",
            detail=f"invitation {invitation_id}: role {checked}"
            + ("; joins the organisation" if join_org else ""),
            now=stamp,
        )
        row = (
            connection.execute(select(invitations).where(invitations.c.id == invitation_id))
            .mappings()
            .one()
        )
        return _invitation(row)


def may_grant_org(engine: Engine, case_id: int, *, actor: Actor) -> bool:
    """Return whether the actor may invite someone to join the case's organisation too.

    Only an admin of the case's organisation (not of their own) may, and only as the lead.
    """
    with engine.connect() as connection:
        require_in(connection, case_id, actor, "manage_members")
        return is_admin_of(connection, _org_of_case(connection, case_id), actor)


def _clear_the_way(connection: Connection, case_id: int, address: str) -> None:
    """Refuse inviting a team member or someone invited already; drop an old accepted one."""
    member = connection.execute(
        select(case_members.c.role)
        .join(users, users.c.id == case_members.c.user_id)
        .where(case_members.c.case_id == case_id, users.c.email == address)
    ).scalar_one_or_none()
    if member is not None:
        raise StoreError(
            f"{address} is already on this case's team (as {member}); change their role "
            "instead of inviting them again."
        )
    earlier = (
        connection.execute(
            select(invitations).where(
                invitations.c.case_id == case_id, invitations.c.email == address
            )
        )
        .mappings()
        .first()
    )
    if earlier is not None and earlier["accepted_at"] is None:
        raise StoreError(
            f"{address} already has a pending invitation to this case (as "
            f"{earlier['role']}); revoke it first to invite them with another role."
        )
    if earlier is not None:
        # Accepted once, since removed from the team: this is a new invitation.
        connection.execute(delete(invitations).where(invitations.c.id == earlier["id"]))


def list_invitations(engine: Engine, case_id: int, *, actor: Actor) -> list[Invitation]:
    """Return the invitations to case ``case_id``, oldest first (pending and accepted)."""
    with engine.connect() as connection:
        require_in(connection, case_id, actor, "manage_members")
        rows = connection.execute(
            select(invitations)
            .where(invitations.c.case_id == case_id)
            .order_by(invitations.c.created_at, invitations.c.id)
        ).mappings()
        return [_invitation(row) for row in rows]


def revoke_invitation(engine: Engine, invitation_id: int, *, actor: Actor) -> None:
    """Withdraw a pending invitation; an accepted one is undone by removing the member."""
    with write_transaction(engine) as connection:
        row = (
            connection.execute(select(invitations).where(invitations.c.id == invitation_id))
            .mappings()
            .first()
        )
        if row is None or role_of(connection, row["case_id"], actor.user_id) is None:
            raise AccessError(
                f"Invitation {invitation_id} does not exist or is not to a case of yours."
            )
        require_in(connection, row["case_id"], actor, "manage_members")
        if row["accepted_at"] is not None:
            raise StoreError(
                "That invitation was already accepted; remove the person from the team instead."
            )
        connection.execute(delete(invitations).where(invitations.c.id == invitation_id))
        audit.append(
            connection,
            case_id=row["case_id"],
            org_id=_org_of_case(connection, row["case_id"]),
            actor=actor,
            action="invitation revoked",
            detail=f"invitation {invitation_id}: role {row['role']}",
        )


def _lock_case(connection: Connection, case_id: int) -> None:
    """Lock the case's row before its team is read: changes to one team run one at a time.

    Two leads demoting or removing each other at the same moment would each count two leads
    and both go ahead; with the row locked (PostgreSQL ``FOR UPDATE``; SQLite's write
    transaction holds the database), the second waits, then reads the team as the first left
    it, and is refused ("at least one lead" holds under any interleaving).
    """
    connection.execute(select(cases.c.id).where(cases.c.id == case_id).with_for_update())


def _leads(connection: Connection, case_id: int) -> int:
    return int(
        connection.execute(
            select(func.count())
            .select_from(case_members)
            .where(case_members.c.case_id == case_id, case_members.c.role == "lead")
        ).scalar_one()
    )


def _member_role(connection: Connection, case_id: int, user_id: int) -> CaseRole:
    role = role_of(connection, case_id, user_id)
    if role is None:
        raise StoreError(f"Person {user_id} is not on the team of case {case_id}.")
    return role


def set_member_role(engine: Engine, case_id: int, user_id: int, role: str, *, actor: Actor) -> None:
    """Give team member ``user_id`` the ``role``; the last lead cannot stop being lead."""
    checked = _check_role(role)
    with write_transaction(engine) as connection:
        _lock_case(connection, case_id)
        require_in(connection, case_id, actor, "manage_members")
        old = _member_role(connection, case_id, user_id)
        if old == "lead" and checked != "lead" and _leads(connection, case_id) == 1:
            raise StoreError(
                "This person is the case's only lead; make someone else lead first, so the "
                "case is never left without one."
            )
        connection.execute(
            update(case_members)
            .where(case_members.c.case_id == case_id, case_members.c.user_id == user_id)
            .values(role=checked)
        )
        audit.append(
            connection,
            case_id=case_id,
            org_id=_org_of_case(connection, case_id),
            actor=actor,
            action="role changed",
            detail=f"person {user_id}: {old} -> {checked}",
        )


def remove_member(engine: Engine, case_id: int, user_id: int, *, actor: Actor) -> None:
    """Take ``user_id`` off the case's team (from their next page load on); never the last lead."""
    with write_transaction(engine) as connection:
        _lock_case(connection, case_id)
        require_in(connection, case_id, actor, "manage_members")
        old = _member_role(connection, case_id, user_id)
        if old == "lead" and _leads(connection, case_id) == 1:
            raise StoreError(
                "This person is the case's only lead and cannot be removed; make someone else "
                "lead first."
            )
        connection.execute(
            delete(case_members).where(
                case_members.c.case_id == case_id, case_members.c.user_id == user_id
            )
        )
        audit.append(
            connection,
            case_id=case_id,
            org_id=_org_of_case(connection, case_id),
            actor=actor,
            action="member removed",
            detail=f"person {user_id} ({old})",
        )


# --- A member's own letter ---------------------------------------------------------------


def save_own_letter(
    engine: Engine,
    case_id: int,
    *,
    member_name: str,
    letter: str,
    letter_status: str,
    keep_as_written: bool,
    actor: Actor,
    now: datetime | None = None,
) -> Case:
    """Save the actor's own letter (team entry ``member_name`` linked to their e-mail).

    The case row is locked while the plan is read, changed and written, and its version is
    bumped: a lead's save from an older version then conflicts instead of overwriting the
    letter. Returns the case as the actor may see it.
    """
    if letter_status not in LETTER_STATUSES:
        raise CaseError(f"Letter status must be one of {', '.join(LETTER_STATUSES)}.")
    stamp = to_naive_utc(now or datetime.now(UTC))
    with write_transaction(engine) as connection:
        locked = connection.execute(
            select(cases.c.version, cases.c.org_id).where(cases.c.id == case_id).with_for_update()
        ).first()
        role = require_in(connection, case_id, actor, "write_own_letter")
        plain = read_plain(connection, case_id)
        if locked is None or plain is None:
            raise not_a_member(case_id)
        entry = _own_entry(plain["team"], member_name, actor)
        changes: dict[str, object] = {
            "letter": letter,
            "letter_status": letter_status,
            "keep_as_written": keep_as_written,
        }
        changed = [
            name.replace("_", " ") for name, value in changes.items() if entry[name] != value
        ]
        entry.update(changes)
        case = case_of(case_id, plain)
        version = int(locked.version) + 1
        connection.execute(
            update(cases)
            .where(cases.c.id == case_id)
            .values(
                version=version,
                plan_json=sealed_plan(connection, plan_plain(case)),
                updated_at=stamp,
            )
        )
        audit.append(
            connection,
            case_id=case_id,
            org_id=int(locked.org_id),
            actor=actor,
            action="own letter saved",
            detail="team/letters: own letter (" + (", ".join(changed) or "no changes") + ")",
            now=stamp,
        )
    return redact(replace(case, version=version), role, actor.email)


def _own_entry(team: list[dict[str, typing.Any]], member_name: str, actor: Actor) -> dict:
    for entry in team:
        if entry["name"] == member_name and entry.get("account", "").strip().lower() == (
            actor.email.strip().lower()
        ):
            return entry
    raise AccessError(
        f"You can save only your own letter: the team has no entry {member_name!r} linked to "
        f"your sign-in ({actor.email}). Ask the lead to link your entry to that address."
    )
