"""The workspace: one store and one person, bound once, and every repository over them.

A :class:`Workspace` is the handle the app and the command line act through. It is made in one
place (``app_pages.ui.workspace()`` for every page; a command-line handler that reads a
person's records makes one the same way) from the engine of the store and the
:class:`~matching.records.team.Actor` the call acts for; local mode is a workspace whose actor
is :data:`~matching.records.team.LOCAL`, the one person of a laptop. (The ``team`` commands
act on the whole store for whoever runs the server, not for a person: :mod:`.admin`.)
Its repositories (``cases``, ``members``, ``calls``, ``shortlists``, ``library``, ``audit``,
``searches``, ``privacy``, ``sharing``, ``team``) are the only way the front ends reach the
store, and every method passes the workspace's actor on, so no call can forget whom it acts
for::

    >>> from matching.records.store import open_engine
    >>> from matching.records.team import LOCAL
    >>> workspace = Workspace(open_engine("sqlite://"), LOCAL)
    >>> workspace.shortlists.default_shortlist().name
    'My shortlist'

The functions of the modules below take the same ``actor`` as a required argument (never a
default): the repositories here only bind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from matching.case.model import Case
from matching.case.permissions import CaseRole
from matching.case.pipeline import Availability, ClosedStage, Placement
from matching.ingest.availability import MergeReport
from matching.records import (
    audit,
    calllog,
    cases,
    library,
    members,
    privacy,
    searches,
    sharing,
    shortlist,
    team,
)
from matching.records.audit import AuditEntry
from matching.records.calllog import CallReport
from matching.records.cases import CaseSummary
from matching.records.library import DirectoryEntry
from matching.records.members import Invitation, Member
from matching.records.shortlist import Shortlist
from matching.records.team import Actor, OrgMember


@dataclass(frozen=True, slots=True)
class _Repository:
    engine: Engine
    actor: Actor


class CallLog(_Repository):
    """The organisation's call log (:mod:`matching.records.calllog`)."""

    def log_call(self, report: CallReport, *, now: datetime | None = None) -> int:
        """Store ``report`` in the call log of ``actor``'s organisation and return its id."""
        return calllog.log_call(self.engine, report, now=now, actor=self.actor)

    def log_reports(self, reports: pd.DataFrame, *, now: datetime | None = None) -> int:
        """Store every row of an availability-report frame (e.g. a feed) and return how many."""
        return calllog.log_reports(self.engine, reports, now=now, actor=self.actor)

    def log_feed(self, directory: pd.DataFrame, feed: pd.DataFrame) -> MergeReport:
        """Apply a feed (:func:`matching.availability.read_feed`) to ``directory`` and log what
        applied.
        """
        return calllog.log_feed(self.engine, directory, feed, actor=self.actor)

    def call_history(self, facility_id: str | None = None) -> pd.DataFrame:
        """Return the organisation's logged reports, newest first; only ``facility_id``'s when
        given.
        """
        return calllog.call_history(self.engine, facility_id, actor=self.actor)

    def latest_notes(self, facility_ids: Sequence[str]) -> pd.DataFrame:
        """Return the newest call note of each of ``facility_ids`` that has one, with its time."""
        return calllog.latest_notes(self.engine, facility_ids, actor=self.actor)

    def latest_reports(self) -> pd.DataFrame:
        """Return the newest logged report per facility, in the availability-report format."""
        return calllog.latest_reports(self.engine, actor=self.actor)

    def export_calls(self, *, tz: str) -> tuple[pd.DataFrame, int]:
        """Return the organisation's phone calls with need, payer and outcome (times in
        ``tz``), and how many calls lacked one of them."""
        return calllog.export_calls(self.engine, tz=tz, actor=self.actor)

    def clear_call_log(self) -> int:
        """Delete the organisation's logged reports for good and return how many there were."""
        return calllog.clear_call_log(self.engine, actor=self.actor)

    def revision(self) -> str:
        """Return a key that changes whenever the organisation's log changes ("" if empty)."""
        return calllog.revision(self.engine, actor=self.actor)

    def overlay_call_log(self, directory: pd.DataFrame) -> pd.DataFrame:
        """Return ``directory`` with the newest report of each facility in the org's log applied."""
        return calllog.overlay_call_log(directory, self.engine, actor=self.actor)

    def overlay_log(
        self, directory: pd.DataFrame, *, since: calllog.Overlay | None = None
    ) -> calllog.Overlay:
        """Return ``directory`` with the org's log applied, extending the overlay ``since`` (of
        the same directory) by the calls logged after it."""
        return calllog.overlay_log(directory, self.engine, actor=self.actor, since=since)

    def moud_answers(self) -> pd.DataFrame:
        """Return each facility's newest answer to the day-one MOUD question, with its date."""
        return calllog.moud_answers(self.engine, actor=self.actor)


class Library(_Repository):
    """The organisation's imported directories (:mod:`matching.records.library`)."""

    def data_folder(self) -> Path:
        """Return the folder of ``actor``'s organisation's files (the root itself in local mode)."""
        return library.data_folder(self.engine, actor=self.actor)

    def library_folder(self) -> Path:
        """Return the folder the organisation's imported listings are saved in."""
        return library.library_folder(self.engine, actor=self.actor)

    def list_directories(self) -> list[DirectoryEntry]:
        """Return the built-in entries (active default first), then the org's imports."""
        return library.list_directories(self.engine, actor=self.actor)

    def save_import(
        self,
        frame: pd.DataFrame,
        *,
        name: str,
        format: str,
        summary: str = "",
        now: datetime | None = None,
    ) -> DirectoryEntry:
        """Save an imported (validated) listing in the organisation's library; return its entry."""
        return library.save_import(
            self.engine, frame, name=name, format=format, summary=summary, now=now, actor=self.actor
        )

    def get_entry(self, key: str) -> DirectoryEntry:
        """Return the entry for ``key``; StoreError when the organisation has no such directory."""
        return library.get_entry(self.engine, key, actor=self.actor)

    def active_entry(self) -> DirectoryEntry:
        """Return the org's active directory; the built-in one when none is chosen."""
        return library.active_entry(self.engine, actor=self.actor)

    def set_active(self, key: str) -> DirectoryEntry:
        """Make ``key`` the organisation's active directory and return its entry."""
        return library.set_active(self.engine, key, actor=self.actor)

    def delete_directory(self, key: str) -> None:
        """Delete one of the org's imported listings (file and record); built-in sets stay."""
        return library.delete_directory(self.engine, key, actor=self.actor)


class Privacy(_Repository):
    """The address cache and privacy controls (:mod:`matching.records.privacy`)."""

    def geocode_cache_path(self) -> Path:
        """Return the file the person's online address lookups are cached in."""
        return privacy.geocode_cache_path(self.engine, actor=self.actor)

    def geocoded_address_count(self) -> int:
        """Return how many typed addresses the person's lookup cache holds (0 if none)."""
        return privacy.geocoded_address_count(self.engine, actor=self.actor)

    def forget_geocoded_addresses(self) -> int:
        """Delete the person's lookup cache (every address in it); return how many it held."""
        return privacy.forget_geocoded_addresses(self.engine, actor=self.actor)


class Searches(_Repository):
    """The person's last search (:mod:`matching.records.searches`)."""

    def save_last_search(self, form: dict[str, Any], *, now: datetime | None = None) -> None:
        """Store ``form`` (JSON-serialisable values) as the person's last search."""
        return searches.save_last_search(self.engine, form, now=now, actor=self.actor)

    def load_last_search(self) -> dict[str, Any] | None:
        """Return the person's last search form, or None (none, or unreadable)."""
        return searches.load_last_search(self.engine, actor=self.actor)

    def forget_last_search(self) -> bool:
        """Delete the person's stored last search; return True when there was one."""
        return searches.forget_last_search(self.engine, actor=self.actor)


class Shortlists(_Repository):
    """The organisation's shortlists (:mod:`matching.records.shortlist`)."""

    def list_shortlists(self) -> list[Shortlist]:
        """Return the organisation's shortlists, the default one first (creating it when none)."""
        return shortlist.list_shortlists(self.engine, actor=self.actor)

    def default_shortlist(self) -> Shortlist:
        """Return the organisation's first shortlist, creating "My shortlist" when it has none."""
        return shortlist.default_shortlist(self.engine, actor=self.actor)

    def get_shortlist(self, shortlist_id: int) -> Shortlist:
        """Return the organisation's shortlist ``shortlist_id``; StoreError when there is none."""
        return shortlist.get_shortlist(self.engine, shortlist_id, actor=self.actor)

    def create_shortlist(self, name: str, *, now: datetime | None = None) -> Shortlist:
        """Create an empty shortlist called ``name`` (names are unique within an organisation)."""
        return shortlist.create_shortlist(self.engine, name, now=now, actor=self.actor)

    def delete_shortlist(self, shortlist_id: int) -> None:
        """Delete one of the organisation's shortlists and its items for good."""
        return shortlist.delete_shortlist(self.engine, shortlist_id, actor=self.actor)

    def add_facilities(
        self,
        shortlist_id: int,
        facilities: pd.DataFrame,
        *,
        origin_label: str = "",
        now: datetime | None = None,
    ) -> int:
        """Append the rows of ``facilities`` (directory or search rows) and return how many were
        new.
        """
        return shortlist.add_facilities(
            self.engine,
            shortlist_id,
            facilities,
            origin_label=origin_label,
            now=now,
            actor=self.actor,
        )

    def remove_facility(self, shortlist_id: int, facility_id: str) -> None:
        """Remove one facility and close the gap in positions."""
        return shortlist.remove_facility(self.engine, shortlist_id, facility_id, actor=self.actor)

    def move_facility(self, shortlist_id: int, facility_id: str, offset: int) -> None:
        """Move one facility ``offset`` places (negative = up); the ends are a hard stop."""
        return shortlist.move_facility(
            self.engine, shortlist_id, facility_id, offset, actor=self.actor
        )

    def set_note(self, shortlist_id: int, facility_id: str, note: str) -> None:
        """Replace the note on one shortlisted facility."""
        return shortlist.set_note(self.engine, shortlist_id, facility_id, note, actor=self.actor)

    def shortlist_items_frame(self, shortlist_id: int) -> pd.DataFrame:
        """Return the items of one of the organisation's shortlists, in order, with snapshots."""
        return shortlist.shortlist_items_frame(self.engine, shortlist_id, actor=self.actor)


class Cases(_Repository):
    """The cases the person is on the team of (:mod:`matching.records.cases`)."""

    def create_case(self, case: Case, *, now: datetime | None = None) -> Case:
        """Insert ``case`` as a new case led by ``actor``; return it with its id and version 1."""
        return cases.create_case(self.engine, case, now=now, actor=self.actor)

    def save_case(
        self, case: Case, *, expected_version: int | None = None, now: datetime | None = None
    ) -> Case:
        """Save ``case`` if the stored version is still ``expected_version`` (default:
        case.version).
        """
        return cases.save_case(
            self.engine, case, expected_version=expected_version, now=now, actor=self.actor
        )

    def load_case(self, case_id: int) -> Case:
        """Load a case with its placements and contact logs, as the actor's role may see it."""
        return cases.load_case(self.engine, case_id, actor=self.actor)

    def list_cases(self) -> list[CaseSummary]:
        """Return the cases the actor is on the team of, most recently updated first."""
        return cases.list_cases(self.engine, actor=self.actor)

    def delete_case(self, case_id: int) -> int:
        """Delete a case and every row that belongs to it (its audit trail too)."""
        return cases.delete_case(self.engine, case_id, actor=self.actor)

    def count_cases(self) -> int:
        """Return how many cases the actor is on the team of."""
        return cases.count_cases(self.engine, actor=self.actor)

    def import_case(
        self, raw: bytes | str, *, passphrase: str = "", now: datetime | None = None
    ) -> Case:
        """Validate a case backup (encrypted: with ``passphrase``) and store it as a new case."""
        return cases.import_case(self.engine, raw, passphrase=passphrase, now=now, actor=self.actor)


class Members(_Repository):
    """Case teams and invitations (:mod:`matching.records.members`)."""

    def role_in_case(self, case_id: int) -> CaseRole:
        """Return the actor's role in case ``case_id``; AccessError when they are not a member."""
        return members.role_in_case(self.engine, case_id, actor=self.actor)

    def may_grant_org(self, case_id: int) -> bool:
        """Return whether the actor may have an invitee join the case's organisation too."""
        return members.may_grant_org(self.engine, case_id, actor=self.actor)

    def list_members(self, case_id: int) -> list[Member]:
        """Return the team of case ``case_id``: leads first, then members and viewers."""
        return members.list_members(self.engine, case_id, actor=self.actor)

    def invite(
        self,
        case_id: int,
        *,
        email: str,
        role: str,
        join_org: bool = False,
        now: datetime | None = None,
    ) -> Invitation:
        """Invite ``email`` to case ``case_id`` as ``role``; they join when they next sign in."""
        return members.invite(
            self.engine,
            case_id,
            email=email,
            role=role,
            join_org=join_org,
            now=now,
            actor=self.actor,
        )

    def list_invitations(self, case_id: int) -> list[Invitation]:
        """Return the invitations to case ``case_id``, oldest first (pending and accepted)."""
        return members.list_invitations(self.engine, case_id, actor=self.actor)

    def revoke_invitation(self, invitation_id: int) -> None:
        """Withdraw a pending invitation; an accepted one is undone by removing the member."""
        return members.revoke_invitation(self.engine, invitation_id, actor=self.actor)

    def set_member_role(self, case_id: int, user_id: int, role: str) -> None:
        """Give team member ``user_id`` the ``role``; the last lead cannot stop being lead."""
        return members.set_member_role(self.engine, case_id, user_id, role, actor=self.actor)

    def remove_member(self, case_id: int, user_id: int) -> None:
        """Take ``user_id`` off the case's team ; never the last lead."""
        return members.remove_member(self.engine, case_id, user_id, actor=self.actor)

    def save_own_letter(
        self,
        case_id: int,
        *,
        member_name: str,
        letter: str,
        letter_status: str,
        keep_as_written: bool,
        now: datetime | None = None,
    ) -> Case:
        """Save the actor's own letter (team entry ``member_name`` linked to their e-mail)."""
        return members.save_own_letter(
            self.engine,
            case_id,
            member_name=member_name,
            letter=letter,
            letter_status=letter_status,
            keep_as_written=keep_as_written,
            now=now,
            actor=self.actor,
        )


class Sharing(_Repository):
    """What a placement learns, shared with the call log (:mod:`matching.records.sharing`)."""

    def confirm_and_share(
        self, placement: Placement, availability: Availability, *, now: datetime
    ) -> Placement:
        """Confirm ``availability`` on the placement and log it for Search and the Shortlist."""
        return sharing.confirm_and_share(
            self.engine, placement, availability, now=now, actor=self.actor
        )

    def close_and_share(
        self, placement: Placement, *, stage: ClosedStage, reason: str, now: datetime
    ) -> Placement:
        """Close the placement; a waitlist is also logged as current availability."""
        return sharing.close_and_share(
            self.engine, placement, stage=stage, reason=reason, now=now, actor=self.actor
        )


class Audit(_Repository):
    """Case audit trails (:mod:`matching.records.audit`)."""

    def trail(self, case_id: int) -> list[AuditEntry]:
        """Return the audit trail of case ``case_id``, newest first (the lead only)."""
        return audit.trail(self.engine, case_id, actor=self.actor)


class Team(_Repository):
    """The person's organisation (:mod:`matching.records.team`)."""

    def org_of(self) -> tuple[int, str]:
        """Return the id and name of the actor's organisation; AccessError when not a member."""
        return team.org_of(self.engine, actor=self.actor)

    def list_org_members(self) -> list[OrgMember]:
        """Return the people of the actor's organisation (admins first, then by e-mail)."""
        return team.list_org_members(self.engine, actor=self.actor)

    def is_org_admin(self) -> bool:
        """Return whether the actor is an admin of their organisation."""
        return team.is_org_admin(self.engine, actor=self.actor)

    def set_org_role(self, user_id: int, role: str) -> None:
        """Make ``user_id`` admin or staff of the organisation (admins only; never the last)."""
        team.set_org_role(self.engine, user_id, role, actor=self.actor)

    def remove_org_member(self, user_id: int) -> None:
        """Take ``user_id`` out of the organisation (admins only; never the last admin)."""
        team.remove_org_member(self.engine, user_id, actor=self.actor)


@dataclass(frozen=True, slots=True)
class Workspace:
    """The store (``engine``) and the person every call acts for (``actor``), bound once."""

    engine: Engine
    actor: Actor

    @property
    def calls(self) -> CallLog:
        """The organisation's call log (:mod:`matching.records.calllog`)."""
        return CallLog(self.engine, self.actor)

    @property
    def library(self) -> Library:
        """The organisation's imported directories (:mod:`matching.records.library`)."""
        return Library(self.engine, self.actor)

    @property
    def privacy(self) -> Privacy:
        """The address cache and privacy controls (:mod:`matching.records.privacy`)."""
        return Privacy(self.engine, self.actor)

    @property
    def searches(self) -> Searches:
        """The person's last search (:mod:`matching.records.searches`)."""
        return Searches(self.engine, self.actor)

    @property
    def shortlists(self) -> Shortlists:
        """The organisation's shortlists (:mod:`matching.records.shortlist`)."""
        return Shortlists(self.engine, self.actor)

    @property
    def cases(self) -> Cases:
        """The cases the person is on the team of (:mod:`matching.records.cases`)."""
        return Cases(self.engine, self.actor)

    @property
    def members(self) -> Members:
        """Case teams and invitations (:mod:`matching.records.members`)."""
        return Members(self.engine, self.actor)

    @property
    def sharing(self) -> Sharing:
        """What a placement learns, shared with the call log (:mod:`matching.records.sharing`)."""
        return Sharing(self.engine, self.actor)

    @property
    def audit(self) -> Audit:
        """Case audit trails (:mod:`matching.records.audit`)."""
        return Audit(self.engine, self.actor)

    @property
    def team(self) -> Team:
        """The person's organisation (:mod:`matching.records.team`)."""
        return Team(self.engine, self.actor)
