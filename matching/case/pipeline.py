"""The placement pipeline: what a family has learned and secured at each candidate facility.

A facility moves through the stages below as calls are made (docs/availability.md,
docs/insurance.md):

    shortlisted -> called -> availability_confirmed -> insurance_verified
                -> bed_held -> intake_scheduled -> admitted

or it is closed as ``declined`` / ``waitlisted`` with a reason. Calls happen in whatever order
the facility allows (insurance is often verified before a bed is offered), so each step records
its facts and moves the stage forward to the furthest step reached, never backwards. Every change
appends a timestamped entry to the placement's contact log.

All functions are pure: they take a :class:`Placement` and ``now`` and return a new placement.
Instants are timezone-aware and normalised to UTC; a naive datetime is refused because a hold
expiry without a zone cannot be compared with an intervention start.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Final, Literal
from zoneinfo import ZoneInfo

import pandas as pd

from matching.directory.columns import FACILITY_ID
from matching.errors import PipelineError as PipelineError
from matching.wording import count_of

# The closed vocabularies are Literal types (so mypy catches "shortlistd"); each tuple of
# values is read off its type, so the words are written once.
OpenStage = Literal[
    "shortlisted",
    "called",
    "availability_confirmed",
    "insurance_verified",
    "bed_held",
    "intake_scheduled",
    "admitted",
]
ClosedStage = Literal["declined", "waitlisted"]
Stage = OpenStage | ClosedStage
Role = Literal["primary", "backup", "candidate"]
PaymentMethod = Literal["self_pay", "funding", "scholarship", "other"]
BedType = Literal["detox", "residential", "other"]

STAGES: Final[tuple[OpenStage, ...]] = typing.get_args(OpenStage)
CLOSED_STAGES: Final[tuple[ClosedStage, ...]] = typing.get_args(ClosedStage)
STAGE_LABELS: Final[dict[Stage, str]] = {
    "shortlisted": "Shortlisted",
    "called": "Called",
    "availability_confirmed": "Availability confirmed",
    "insurance_verified": "Insurance verified / payment arranged",
    "bed_held": "Bed held",
    "intake_scheduled": "Intake scheduled",
    "admitted": "Admitted",
    "declined": "Declined",
    "waitlisted": "Waitlisted",
}
ROLES: Final[tuple[Role, ...]] = typing.get_args(Role)
PAYMENT_METHODS: Final[tuple[PaymentMethod, ...]] = typing.get_args(PaymentMethod)
BED_TYPES: Final[tuple[BedType, ...]] = typing.get_args(BedType)


def as_utc(moment: datetime, *, what: str) -> datetime:
    """Return ``moment`` in UTC; refuse a naive datetime (its zone would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise PipelineError(
            f"{what} has no time zone; give the time with its zone (e.g. 2026-11-27 09:00 "
            "America/New_York) so it can be compared with the intervention."
        )
    return moment.astimezone(UTC)


@dataclass(frozen=True, kw_only=True, slots=True)
class FacilitySnapshot:
    """The facility as it was when added to the case, so the case outlives a directory change.

    Service flags are ``None`` when the source did not say (unknown is not "no").
    """

    facility_id: str
    name: str
    phone: str = ""
    intake_phone: str = ""
    street: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    lat: float | None = None
    lon: float | None = None
    detox_opioid: bool | None = None
    methadone: bool | None = None
    buprenorphine: bool | None = None
    naltrexone: bool | None = None
    accepts_moud_clients: bool | None = None
    # Issue 22: the call's answer to "continue (or start) MOUD from admission?": "yes", "no",
    # "not_asked" ("" for a snapshot from before the question), and when it was given (ISO).
    moud_continues: str = ""
    moud_asked_at: str = ""
    # Whom it takes, for the person's needs on the case (issue 23); old cases load as unknown.
    accepts_female: bool | None = None
    program_pregnant_postpartum: bool | None = None
    lang_spanish: bool | None = None
    lang_sign: bool | None = None
    languages: str = ""

    def __post_init__(self) -> None:
        if not self.facility_id.strip():
            raise PipelineError("A facility needs its facility_id (from the directory).")
        if not self.name.strip():
            raise PipelineError(f"Facility {self.facility_id!r} needs a name.")

    @property
    def address(self) -> str:
        """Return the one-line postal address (empty parts left out)."""
        place = " ".join(part for part in (self.state, self.zip) if part)
        return ", ".join(part for part in (self.street, self.city, place) if part)

    @property
    def location(self) -> tuple[float, float] | None:
        """Return (lat, lon), or None when the directory had no usable coordinates."""
        if self.lat is None or self.lon is None or (self.lat == 0 and self.lon == 0):
            return None
        return (self.lat, self.lon)


# The real field types (the module uses postponed annotations, so fields hold strings).
_SNAPSHOT_TYPES: Final = typing.get_type_hints(FacilitySnapshot)


def snapshot_from_row(row: Mapping[str, object]) -> FacilitySnapshot:
    """Build a snapshot from a row with canonical column names (a shortlist item, a facility).

    Missing or NA values become "" for text and None for coordinates and service flags.
    """
    values: dict[str, object] = {}
    for spec in dataclasses.fields(FacilitySnapshot):
        value = row.get(spec.name)
        values[spec.name] = _coerce(_SNAPSHOT_TYPES[spec.name], None if _missing(value) else value)
    return FacilitySnapshot(**values)  # type: ignore[arg-type]


def _coerce(kind: object, value: object) -> object:
    """Return ``value`` as the snapshot field type ``kind`` wants (None stays None if allowed)."""
    if kind is str:
        return "" if value is None else str(value)
    if value is None:
        return None
    if kind == float | None:
        return float(value)  # type: ignore[arg-type]
    if kind == bool | None:
        return bool(value)
    raise TypeError(f"FacilitySnapshot has a field of type {kind!r} that rows cannot fill.")


def snapshots_from_shortlist(
    items: pd.DataFrame, directory: pd.DataFrame
) -> list[FacilitySnapshot]:
    """Build snapshots of shortlist ``items``, with service flags from the current ``directory``.

    The shortlist's own snapshot (name, phones, address, location) wins; the directory only adds
    what the shortlist does not keep. Facilities no longer in the directory get unknown flags.
    """
    extra = [c for c in directory.columns if c == FACILITY_ID or c not in items.columns]
    current = directory[extra].drop_duplicates(FACILITY_ID)
    joined = items.merge(current, on=FACILITY_ID, how="left")
    return [snapshot_from_row(row) for row in joined.to_dict("records")]


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


@dataclass(frozen=True, kw_only=True, slots=True)
class Availability:
    """A bed the facility said is open: how many, of which type, who said so and when."""

    beds_open: int
    bed_type: BedType = "detox"
    confirmed_by: str = ""
    confirmed_at: datetime

    def __post_init__(self) -> None:
        if self.beds_open < 0:
            raise PipelineError("Beds open cannot be negative; enter 0 or more.")
        if self.bed_type not in BED_TYPES:
            raise PipelineError(f"Bed type must be one of {', '.join(BED_TYPES)}.")
        object.__setattr__(self, "confirmed_at", as_utc(self.confirmed_at, what="Confirmed at"))


@dataclass(frozen=True, kw_only=True, slots=True)
class VerificationOfBenefits:
    """A VOB (docs/insurance.md): a status with provenance, not a yes/no."""

    insurer: str
    plan_type: str = ""
    level_of_care: str = ""
    in_network: bool | None = None
    deductible_remaining_usd: float | None = None
    out_of_pocket_remaining_usd: float | None = None
    prior_auth_required: bool | None = None
    prior_auth_obtained: bool | None = None
    covered_days: int | None = None
    reference_number: str = ""
    verified_by: str = ""
    verified_at: datetime
    reverify_by: datetime | None = None

    def __post_init__(self) -> None:
        if not self.insurer.strip():
            raise PipelineError("A verification of benefits needs the insurer's name.")
        for name in ("deductible_remaining_usd", "out_of_pocket_remaining_usd", "covered_days"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise PipelineError(f"{name.replace('_', ' ')} cannot be negative.")
        object.__setattr__(self, "verified_at", as_utc(self.verified_at, what="Verified at"))
        if self.reverify_by is not None:
            object.__setattr__(self, "reverify_by", as_utc(self.reverify_by, what="Re-verify by"))

    @property
    def usable(self) -> bool:
        """Return True when this VOB covers admission (prior authorisation obtained if needed)."""
        return not (self.prior_auth_required and not self.prior_auth_obtained)

    def summary(self) -> str:
        """Return one line for the packet and the Placement page."""
        parts = [self.insurer]
        if self.plan_type:
            parts.append(self.plan_type)
        if self.in_network is not None:
            parts.append("in network" if self.in_network else "out of network")
        if self.level_of_care:
            parts.append(f"covers {self.level_of_care}")
        if self.deductible_remaining_usd is not None:
            parts.append(f"deductible left ${self.deductible_remaining_usd:,.0f}")
        if self.out_of_pocket_remaining_usd is not None:
            parts.append(f"out-of-pocket left ${self.out_of_pocket_remaining_usd:,.0f}")
        if self.covered_days is not None:
            parts.append(f"{self.covered_days} days covered")
        if self.prior_auth_required:
            parts.append(
                "prior authorisation obtained"
                if self.prior_auth_obtained
                else "prior authorisation NEEDED"
            )
        if self.reference_number:
            parts.append(f"ref {self.reference_number}")
        if self.verified_by:
            parts.append(f"verified by {self.verified_by}")
        return "; ".join(parts)


@dataclass(frozen=True, kw_only=True, slots=True)
class PaymentArrangement:
    """Self-pay or other funding arranged instead of (or on top of) insurance."""

    method: PaymentMethod
    note: str = ""
    arranged_at: datetime

    def __post_init__(self) -> None:
        if self.method not in PAYMENT_METHODS:
            raise PipelineError(f"Payment method must be one of {', '.join(PAYMENT_METHODS)}.")
        object.__setattr__(self, "arranged_at", as_utc(self.arranged_at, what="Arranged at"))


@dataclass(frozen=True, kw_only=True, slots=True)
class Hold:
    """A bed reserved until ``expires_at`` (docs/availability.md: a promise with an end)."""

    expires_at: datetime
    held_by: str = ""
    placed_at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "expires_at", as_utc(self.expires_at, what="Hold expiry"))
        object.__setattr__(self, "placed_at", as_utc(self.placed_at, what="Hold placed at"))


@dataclass(frozen=True, kw_only=True, slots=True)
class Intake:
    """The admission appointment and whether the intake paperwork is done."""

    at: datetime
    paperwork_done: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", as_utc(self.at, what="Intake time"))


@dataclass(frozen=True, kw_only=True, slots=True)
class ContactEvent:
    """One timestamped line of the contact log."""

    at: datetime
    stage: Stage
    note: str

    def __post_init__(self) -> None:
        if self.stage not in STAGES + CLOSED_STAGES:
            raise PipelineError(f"Unknown stage {self.stage!r}.")
        object.__setattr__(self, "at", as_utc(self.at, what="Contact log time"))


@dataclass(frozen=True, kw_only=True, slots=True)
class Placement:
    """One candidate facility of a case and everything secured there so far."""

    facility: FacilitySnapshot
    role: Role = "candidate"
    stage: Stage = "shortlisted"
    reason: str = ""
    availability: Availability | None = None
    vob: VerificationOfBenefits | None = None
    payment: PaymentArrangement | None = None
    hold: Hold | None = None
    intake: Intake | None = None
    log: tuple[ContactEvent, ...] = ()

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise PipelineError(f"Role must be one of {', '.join(ROLES)}.")
        if self.stage not in STAGES + CLOSED_STAGES:
            raise PipelineError(f"Unknown stage {self.stage!r}.")
        if self.stage in CLOSED_STAGES and not self.reason.strip():
            raise PipelineError(f"A {self.stage} facility needs a reason.")

    @property
    def closed(self) -> bool:
        """Return True when the facility declined or waitlisted us."""
        return self.stage in CLOSED_STAGES

    @property
    def payment_ready(self) -> bool:
        """Return True when insurance is verified (and usable) or payment is arranged."""
        return (self.vob is not None and self.vob.usable) or self.payment is not None


def new_placement(
    facility: FacilitySnapshot, *, now: datetime, role: Role = "candidate"
) -> Placement:
    """Start a placement at the shortlisted stage, with its first contact-log entry."""
    event = ContactEvent(at=now, stage="shortlisted", note=f"Added {facility.name} to the case.")
    return Placement(facility=facility, role=role, log=(event,))


def _advance(
    placement: Placement, stage: Stage, note: str, now: datetime, **facts: object
) -> Placement:
    if placement.closed or stage in CLOSED_STAGES:
        new_stage = stage
    else:
        new_stage = max(placement.stage, stage, key=STAGES.index)
    event = ContactEvent(at=now, stage=stage, note=note)
    reason = "" if new_stage not in CLOSED_STAGES else placement.reason
    changes: dict[str, object] = {"stage": new_stage, "reason": reason, **facts}
    return replace(placement, log=(*placement.log, event), **changes)  # type: ignore[arg-type]


def record_call(placement: Placement, *, note: str, now: datetime) -> Placement:
    """Log a call to the facility (who answered, what was said)."""
    return _advance(placement, "called", note.strip() or "Called the facility.", now)


def confirm_availability(
    placement: Placement, availability: Availability, *, now: datetime
) -> Placement:
    """Record that the facility confirmed an open bed."""
    who = f" by {availability.confirmed_by}" if availability.confirmed_by else ""
    beds = count_of(availability.beds_open, f"{availability.bed_type} bed")
    note = f"{beds} open, confirmed{who}."
    return _advance(placement, "availability_confirmed", note, now, availability=availability)


def verify_insurance(
    placement: Placement, vob: VerificationOfBenefits, *, now: datetime
) -> Placement:
    """Record a verification of benefits."""
    note = f"Insurance verified: {vob.summary()}."
    if not vob.usable:
        note += " Prior authorisation still needed."
    return _advance(placement, "insurance_verified", note, now, vob=vob)


def arrange_payment(
    placement: Placement, payment: PaymentArrangement, *, now: datetime
) -> Placement:
    """Record self-pay or other funding arranged instead of insurance."""
    label = payment.method.replace("_", "-")
    note = f"Payment arranged ({label})" + (f": {payment.note}." if payment.note else ".")
    return _advance(placement, "insurance_verified", note, now, payment=payment)


def _wall_clock(moment: datetime, zone: str) -> str:
    """Return ``moment`` as the case's wall clock, e.g. 'Sat 28 Nov 11:15 EST'."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %d %b %Y %H:%M %Z")


def hold_bed(
    placement: Placement, *, expires_at: datetime, held_by: str, now: datetime, zone: str = "UTC"
) -> Placement:
    """Record a bed hold; refuse one that has already expired.

    ``zone`` is the case's time zone: the contact log says the expiry on its wall clock.
    """
    hold = Hold(expires_at=expires_at, held_by=held_by.strip(), placed_at=now)
    if hold.expires_at <= hold.placed_at:
        raise PipelineError(
            "That hold expiry is already in the past; check the date, time and time zone."
        )
    who = f" by {hold.held_by}" if hold.held_by else ""
    note = f"Bed held{who} until {_wall_clock(hold.expires_at, zone)}."
    return _advance(placement, "bed_held", note, now, hold=hold)


def schedule_intake(
    placement: Placement,
    *,
    at: datetime,
    paperwork_done: bool,
    now: datetime,
    zone: str = "UTC",
) -> Placement:
    """Record the intake appointment (logged on the wall clock of the case's ``zone``)."""
    intake = Intake(at=at, paperwork_done=paperwork_done)
    paperwork = "paperwork done" if paperwork_done else "paperwork still to do"
    note = f"Intake scheduled for {_wall_clock(intake.at, zone)} ({paperwork})."
    return _advance(placement, "intake_scheduled", note, now, intake=intake)


def admit(placement: Placement, *, now: datetime) -> Placement:
    """Record the admission."""
    return _advance(placement, "admitted", "Admitted.", now)


def close(placement: Placement, *, stage: ClosedStage, reason: str, now: datetime) -> Placement:
    """Mark the facility declined or waitlisted, with the reason it gave.

    A decline or waitlist ends what the facility had offered: its open bed, the hold and the
    intake appointment become history (they stay in the contact log) and must be confirmed
    again if the facility is reopened. The insurance verification stays: it is about the
    person's plan, not about today's bed.
    """
    if stage not in CLOSED_STAGES:
        raise PipelineError(f"Close a placement as one of {', '.join(CLOSED_STAGES)}.")
    if not reason.strip():
        raise PipelineError(f"Say why the facility is {stage} (e.g. 'no detox beds until Monday').")
    note = f"{STAGE_LABELS[stage]}: {reason.strip()}"
    dropped = [
        label
        for label, fact in (
            ("the open bed", placement.availability),
            ("the bed hold", placement.hold),
            ("the intake appointment", placement.intake),
        )
        if fact is not None
    ]
    if dropped:
        note += f" ({_joined(dropped)} no longer count; confirm again if reopened.)"
    return _advance(
        placement,
        stage,
        note,
        now,
        reason=reason.strip(),
        availability=None,
        hold=None,
        intake=None,
    )


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def reopen(placement: Placement, *, now: datetime) -> Placement:
    """Reopen a declined or waitlisted facility at the stage its current facts support.

    Only what outlives a decline counts (a usable insurance verification or a payment
    arrangement); the bed, hold and intake were cleared when it closed.
    """
    reached: OpenStage = "insurance_verified" if placement.payment_ready else "called"
    event = ContactEvent(
        at=now, stage=reached, note="Reopened; confirm the open bed and the hold again."
    )
    return replace(placement, stage=reached, reason="", log=(*placement.log, event))


def stage_label(placement: Placement) -> str:
    """Return the stage in words that say exactly what is true of this placement.

    ``STAGE_LABELS`` names the furthest step reached; this adds what is still missing
    on the way, so "Insurance verified" never shows while prior authorisation is needed.
    """
    if placement.closed:
        return STAGE_LABELS[placement.stage]
    if placement.stage == "insurance_verified":
        if placement.payment is not None and not (placement.vob and placement.vob.usable):
            return "Payment arranged"
        if placement.vob is not None and not placement.vob.usable:
            return "Insurance checked - prior authorisation still needed"
        return "Insurance verified"
    label = STAGE_LABELS[placement.stage]
    past_payment = STAGES.index(placement.stage) > STAGES.index("insurance_verified")
    if past_payment and placement.stage != "admitted" and not placement.payment_ready:
        if placement.vob is not None and not placement.vob.usable:
            return f"{label} - prior authorisation still needed"
        return f"{label} - insurance not verified yet"
    return label


def set_role(placement: Placement, *, role: Role, now: datetime) -> Placement:
    """Make the facility the primary, a backup or a candidate, and log the change."""
    event = ContactEvent(at=now, stage=placement.stage, note=f"Role changed to {role}.")
    return replace(placement, role=role, log=(*placement.log, event))


def add_note(placement: Placement, *, note: str, now: datetime) -> Placement:
    """Append a free-text note to the contact log without changing the stage."""
    if not note.strip():
        raise PipelineError("The note is empty; type what was said.")
    event = ContactEvent(at=now, stage=placement.stage, note=note.strip())
    return replace(placement, log=(*placement.log, event))
