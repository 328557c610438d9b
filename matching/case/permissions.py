"""Who may do what in a case: the roles, the one permission table, and redaction.

A case is seen only by its members, whatever their organisation; each has one role. What a
role may do is :data:`PERMISSIONS`, one role x action table, consulted only through
:func:`require` (which raises the refusal) and :func:`allowed` (which asks), by the records
layer and the pages alike (docs/team.md):

- *lead* - everything: edit the plan and placements, see insurance, manage the team, read the
  audit trail, export, delete.
- *member* - sees the plan (the safety screen too, so a crisis alert reaches them) and the
  placement status, writes only their own letter (team entries whose ``account`` is their
  sign-in e-mail); insurance details, how a placement is paid for, why a facility declined,
  contact-log notes, other people's letter text and consequences and which sign-in e-mail
  writes each letter are blanked by :func:`redact`.
- *viewer* - like a member, but writes no letter and sees no letter text.

Local mode has one person, lead of every case, so nothing changes on a laptop. Pure: no store.
"""

from __future__ import annotations

import typing
from dataclasses import replace
from typing import Final, Literal

from matching.case.model import Case, TeamMember
from matching.case.pipeline import ContactEvent, Placement
from matching.errors import AccessError

CaseRole = Literal["lead", "member", "viewer"]
CASE_ROLES: Final[tuple[CaseRole, ...]] = typing.get_args(CaseRole)

Action = Literal[
    "view",
    "save",
    "write_own_letter",
    "see_own_letter",
    "see_others_letters",
    "see_insurance",
    "see_contact_notes",
    "see_decline_reasons",
    "see_payment_method",
    "see_others_consequences",
    "see_accounts",
    "manage_members",
    "audit_trail",
    "export",
    "delete",
]
ACTIONS: Final[tuple[Action, ...]] = typing.get_args(Action)

_ALL: Final = frozenset(CASE_ROLES)
_LEAD: Final = frozenset({"lead"})
_WRITERS: Final = frozenset({"lead", "member"})

# The role x action table: who may do each action, and the words of the refusal.
PERMISSIONS: Final[dict[Action, tuple[frozenset[str], str]]] = {
    "view": (_ALL, "open this case"),
    "save": (_LEAD, "change the plan and the placements"),
    "write_own_letter": (_WRITERS, "write a letter in this case"),
    "see_own_letter": (_WRITERS, "read letters in this case"),
    "see_others_letters": (_LEAD, "read the other team members' letters"),
    "see_insurance": (_LEAD, "see the insurance details"),
    "see_contact_notes": (_LEAD, "read the contact-log notes"),
    "see_decline_reasons": (_LEAD, "read why a facility declined or waitlisted"),
    "see_payment_method": (_LEAD, "see how a placement is paid for"),
    "see_others_consequences": (_LEAD, "read the consequences other team members hold to"),
    "see_accounts": (_LEAD, "see which sign-in e-mail writes each letter"),
    "manage_members": (_LEAD, "manage the team and its invitations"),
    "audit_trail": (_LEAD, "see the audit trail"),
    "export": (_LEAD, "export the case"),
    "delete": (_LEAD, "delete the case"),
}

# What a member sees of an insurer: readiness still reads "prior authorisation from the insurer".
INSURER_HIDDEN: Final = "the insurer"
# What a member or viewer reads instead of a decline's reason and of a payment's method (the
# method itself reads "other": that a payment is arranged still counts for readiness).
REASON_HIDDEN: Final = "reason seen by the lead only"
PAYMENT_HIDDEN: Final = "method seen by the lead only"


def allowed(role: CaseRole, action: Action) -> bool:
    """Return whether ``role`` may do ``action`` (see :data:`PERMISSIONS`)."""
    return role in PERMISSIONS[action][0]


def not_a_member(case_id: int) -> AccessError:
    """Return the one refusal for a case that is missing or not the actor's (no existence leak)."""
    return AccessError(
        f"Case {case_id} does not exist or you are not a member of it (it may have been "
        "deleted, or your access removed)."
    )


def require(role: CaseRole | None, action: Action, case_id: int) -> CaseRole:
    """Return ``role`` when it may do ``action`` in case ``case_id``; raise AccessError if not.

    ``role`` None (not a member, or no such case) is refused with :func:`not_a_member`.
    """
    if role is None:
        raise not_a_member(case_id)
    if not allowed(role, action):
        roles, doing = PERMISSIONS[action]
        who = " or ".join(sorted(roles, key=CASE_ROLES.index))
        raise AccessError(f"Only the {who} of case {case_id} can {doing}; you are a {role}.")
    return role


# --- Redaction ---------------------------------------------------------------------------


def redact(case: Case, role: CaseRole, email: str) -> Case:
    """Return ``case`` as ``role`` may see it (``email``: whose letters are theirs)."""
    if allowed(role, "see_others_letters"):
        return case
    own = email.strip().lower()
    team = tuple(_redact_entry(member, role, own) for member in case.team)
    placements = tuple(_redact_placement(placement, role) for placement in case.placements)
    return replace(case, team=team, placements=placements)


def _redact_entry(member: TeamMember, role: CaseRole, own: str) -> TeamMember:
    """Return one team entry as ``role`` sees it: their own entry whole, others' redacted."""
    if member.account.strip().lower() == own:
        return member if allowed(role, "see_own_letter") else replace(member, letter="")
    return replace(
        member,
        letter="",
        consequence=member.consequence if allowed(role, "see_others_consequences") else "",
        account=member.account if allowed(role, "see_accounts") else "",
    )


def _redact_placement(placement: Placement, role: CaseRole) -> Placement:
    vob, payment, log = placement.vob, placement.payment, placement.log
    reason = placement.reason
    if reason and not allowed(role, "see_decline_reasons"):
        reason = REASON_HIDDEN
    if payment is not None and not allowed(role, "see_payment_method"):
        payment = replace(payment, method="other", note=PAYMENT_HIDDEN)
    if not allowed(role, "see_insurance"):
        if vob is not None:
            # Only what readiness needs: network, prior authorisation, when to verify again.
            vob = type(vob)(
                insurer=INSURER_HIDDEN,
                in_network=vob.in_network,
                prior_auth_required=vob.prior_auth_required,
                prior_auth_obtained=vob.prior_auth_obtained,
                verified_at=vob.verified_at,
                reverify_by=vob.reverify_by,
            )
        if payment is not None and allowed(role, "see_payment_method"):
            payment = replace(payment, note="")
    if not allowed(role, "see_contact_notes"):
        log = tuple(ContactEvent(at=event.at, stage=event.stage, note="") for event in log)
    return replace(placement, reason=reason, vob=vob, payment=payment, log=log)
