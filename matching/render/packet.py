"""The readiness packet: one printable PDF the team carries on the day.

Date and place, the team and their roles, the primary and backup facilities (phones,
addresses, hold expiry, intake time), the insurance summary, transport, the packing list,
the readiness verdict and the crisis lines. Letters are private; they are printed only when
the user asks. Built on :class:`matching.pdf.ReadyBedPDF`.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Final
from zoneinfo import ZoneInfo

from matching.case.model import Case, TeamMember
from matching.case.pipeline import Placement, stage_label
from matching.case.planb import PlanB
from matching.case.readiness import (
    FAIL,
    PASS,
    WARN,
    format_local,
    intervention_start,
    run_checks,
    travel_minutes,
    verdict,
)
from matching.render.crisis import SAFETY_ACTIONS, USES_ALONE_GUIDANCE
from matching.render.pdf import ReadyBedPDF
from matching.render.planb import write_plan_b
from matching.wording import count_of

PACKING_LIST: Final = (
    "Photo ID",
    "Insurance card (front and back copy)",
    "List of current medications and doses, and allergies",
    "Phone, charger and a written list of family phone numbers",
    "Clothes for 5-7 days, no alcohol-based toiletries",
    "Naloxone (Narcan) for the journey",
)
_STATUS_TEXT: Final = {PASS: "[ok]", WARN: "[!]", FAIL: "[X]"}


def _placement_lines(pdf: ReadyBedPDF, placement: Placement, zone: str) -> None:
    facility = placement.facility
    pdf.paragraph(facility.name, bold=True)
    pdf.field("Phone", facility.phone or "-")
    pdf.field("Intake phone", facility.intake_phone or facility.phone or "-")
    pdf.field("Address", facility.address or "-")
    pdf.field(
        "Stage",
        stage_label(placement) + (f" ({placement.reason})" if placement.reason else ""),
    )
    if placement.availability is not None:
        availability = placement.availability
        who = f" by {availability.confirmed_by}" if availability.confirmed_by else ""
        pdf.field(
            "Availability",
            f"{count_of(availability.beds_open, availability.bed_type + ' bed')}, confirmed{who} "
            f"{format_local(availability.confirmed_at, zone)}",
        )
    pdf.field(
        "Hold expires",
        format_local(placement.hold.expires_at, zone) if placement.hold else "no hold",
    )
    intake = placement.intake
    if intake is None:
        pdf.field("Intake", "not scheduled")
    else:
        paperwork = "done" if intake.paperwork_done else "NOT done"
        pdf.field("Intake", f"{format_local(intake.at, zone)}; paperwork {paperwork}")
    if placement.vob is not None:
        pdf.field("Insurance", placement.vob.summary())
        if placement.vob.reverify_by is not None:
            pdf.field("Re-verify by", format_local(placement.vob.reverify_by, zone))
    if placement.payment is not None:
        note = f": {placement.payment.note}" if placement.payment.note else ""
        pdf.field("Payment", placement.payment.method.replace("_", "-") + note)
    if placement.vob is None and placement.payment is None:
        pdf.field("Insurance", "not verified, no payment arranged")
    pdf.ln(2)


def readiness_packet_pdf(
    case: Case, *, now: datetime, include_letters: bool = False, plan_b: PlanB | None = None
) -> bytes:
    """Return the packet PDF; letters only when ``include_letters``; Plan B when given."""
    pdf = ReadyBedPDF(
        title="Readiness packet",
        generated_at=now.astimezone(ZoneInfo(case.intervention.time_zone)),
        subtitle=f"Plan for {case.loved_one_alias}" if case.loved_one_alias else case.title,
    )
    # Safety first: an emergency answer, then the advice for someone who uses alone.
    pdf.keep_together(lambda doc: _safety(doc, case))
    pdf.keep_together(lambda doc: _verdict_lines(doc, case, now))
    if case.approach == "craft":
        pdf.keep_together(lambda doc: _craft_week(doc, case))
    else:
        pdf.keep_together(lambda doc: _date_and_place(doc, case))
    pdf.keep_together(lambda doc: _team_and_roles(doc, case))
    _facilities(pdf, case)
    pdf.keep_together(lambda doc: _transport(doc, case))
    pdf.keep_together(lambda doc: _packing(doc, case))
    if plan_b is not None:
        _plan_b(pdf, plan_b)
    if include_letters:
        _letters(pdf, case)
    pdf.crisis_block()
    return pdf.to_bytes()


def _safety(pdf: ReadyBedPDF, case: Case) -> None:
    safety = case.safety
    if safety.any_yes:
        pdf.paragraph("Call now - do not stage an intervention", bold=True, size=13)
        for key in safety.triggered():
            pdf.paragraph(f"- {SAFETY_ACTIONS[key]}")
        pdf.ln(2)
    if safety.uses_alone:
        pdf.paragraph("They use alone: naloxone and Never Use Alone", bold=True)
        pdf.paragraph(USES_ALONE_GUIDANCE)
        pdf.ln(2)


def _verdict_lines(pdf: ReadyBedPDF, case: Case, now: datetime) -> None:
    result = verdict(run_checks(case, now))
    pdf.paragraph(result.headline, bold=True, size=13)
    for check in result.failures + result.warnings:
        pdf.paragraph(f"{_STATUS_TEXT[check.status]} {check.title}: {check.message}")


# The parts of a CRAFT week (matching.case.craft.PARTS) as the packet labels them.
CRAFT_LABELS: Final[dict[str, str]] = {
    "communication": "Positive communication",
    "rewards": "Rewarding time without use",
    "natural_consequences": "Natural consequences",
    "self_care": "Your own self-care",
    "safety": "Safety",
    "windows": "Windows of opportunity",
}


def _craft_week(pdf: ReadyBedPDF, case: Case) -> None:
    """CRAFT (issue 22): the newest week the family wrote, part by part; no intervention day."""
    pdf.heading("CRAFT: this week's plan")
    weeks = sorted((w for w in case.craft_weeks if not w.empty), key=lambda w: w.week_of)
    if not weeks:
        pdf.paragraph("No week written yet: the Plan page keeps one plan a week.")
        return
    latest = weeks[-1]
    pdf.paragraph(f"Week of {latest.week_of:%a %d %b %Y} ({count_of(len(weeks), 'week')} kept)")
    for part, label in CRAFT_LABELS.items():
        text = getattr(latest, part).strip()
        if text:
            pdf.field(label, text)


def _date_and_place(pdf: ReadyBedPDF, case: Case) -> None:
    pdf.heading("Date and place")
    try:
        start = intervention_start(case)
    except ValueError as error:
        pdf.field("When", str(error))
    else:
        when = format_local(start.earliest, case.intervention.time_zone) if start else "not set"
        pdf.field("When", when)
    intervention = case.intervention
    pdf.field("Where", intervention.place or "not set")
    checklist = [
        f"{'[x]' if ticked else '[ ]'} {label}"
        for label, ticked in (
            ("private", intervention.private),
            ("neutral", intervention.neutral),
            ("likely sober", intervention.likely_sober),
        )
    ]
    pdf.field("Checklist", "   ".join(checklist))


def _team_and_roles(pdf: ReadyBedPDF, case: Case) -> None:
    pdf.heading("Team and roles")
    lead = case.lead
    if lead.interventionist_name:
        booked = "booked" if lead.interventionist_booked else "NOT booked"
        pdf.field(
            "Interventionist",
            f"{lead.interventionist_name} {lead.interventionist_phone} ({booked})".strip(),
        )
    if lead.lead_name:
        pdf.field("Lead", lead.lead_name)
    for member in case.team:
        details = ", ".join(part for part in (member.relationship, member.role) if part)
        pdf.field(member.name, details or "-")
        if member.consequence:
            pdf.paragraph(f"    Consequence if help is refused: {member.consequence}")
    if not case.team:
        pdf.paragraph("No team members yet.")


def _facilities(pdf: ReadyBedPDF, case: Case) -> None:
    """Print the primary and each backup, every facility's block kept on one page."""
    zone = case.intervention.time_zone
    pdf.keep_together(lambda doc: _primary(doc, case, zone))
    backups = case.backups()
    for index, backup in enumerate(backups):
        pdf.keep_together(partial(_backup, backup=backup, zone=zone, first=index == 0))
    if not backups:
        pdf.keep_together(_no_backup)


def _primary(pdf: ReadyBedPDF, case: Case, zone: str) -> None:
    pdf.heading("Primary facility")
    primary = case.primary()
    if primary is None:
        pdf.paragraph("No primary facility chosen.")
        return
    _placement_lines(pdf, primary, zone)
    minutes = travel_minutes(case)
    if minutes is not None:
        pdf.field("Travel time", f"about {minutes:.0f} min")


def _backup(pdf: ReadyBedPDF, backup: Placement, zone: str, *, first: bool) -> None:
    if first:  # the heading stays with the first backup's block
        pdf.heading("Backup facilities")
    _placement_lines(pdf, backup, zone)


def _no_backup(pdf: ReadyBedPDF) -> None:
    pdf.heading("Backup facilities")
    pdf.paragraph("No backup facility.")


def _transport(pdf: ReadyBedPDF, case: Case) -> None:
    pdf.heading("Transport and aftercare")
    logistics = case.logistics
    pdf.field("Transport", logistics.transport or "not planned")
    pdf.field("Escort", logistics.escort or "-")
    pdf.field("Naloxone on hand", "yes" if logistics.naloxone_on_hand else "NO")
    pdf.field("Aftercare", logistics.aftercare_plan or "not planned")


def _packing(pdf: ReadyBedPDF, case: Case) -> None:
    logistics = case.logistics
    pdf.heading("Packing list")
    packed = "packed" if logistics.bag_packed else "not packed yet"
    pdf.paragraph(f"Bag: {packed}")
    for item in PACKING_LIST:
        pdf.paragraph(f"[ ] {item}")


def _letters(pdf: ReadyBedPDF, case: Case) -> None:
    # Letters are private: the caller includes them only when the user asked.
    pdf.heading("Letters")
    for member in case.team:
        pdf.keep_together(partial(_letter, member=member))


def _letter(pdf: ReadyBedPDF, member: TeamMember) -> None:
    pdf.paragraph(f"From {member.name}", bold=True)
    # Only a letter its author finished after reading the review is read aloud.
    if member.letter_status == "reviewed" and member.letter.strip():
        pdf.paragraph(member.letter)
    else:
        pdf.paragraph("(not printed: this letter is not reviewed yet)")
    pdf.ln(2)


def _plan_b(pdf: ReadyBedPDF, plan: PlanB) -> None:
    """Plan B (issue 22): same-day treatment when no bed is held, on a page of its own."""
    pdf.add_page()
    pdf.paragraph("Plan B - same-day treatment when no bed is found", bold=True, size=13)
    write_plan_b(pdf, plan)
