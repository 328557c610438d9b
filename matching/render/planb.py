"""Plan B in words: as lines of text (the page, the text download) and as a PDF (issue 22).

The places come from :func:`matching.case.planb.build_plan_b`; the advice on emergency
departments, naloxone, Never Use Alone and pregnancy is cited in docs/clinical.md ("A plan
when no bed is found"). Nothing here names a hospital: the directory does not record
emergency departments, so the text says what to ask and where.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from matching.case.planb import PlanB, PlanBPlace
from matching.render.crisis import CRISIS_LINES, NALOXONE_GUIDANCE, NEVER_USE_ALONE_LINE
from matching.render.pdf import ReadyBedPDF

EMERGENCY_DEPARTMENT: Final = (
    "Hospital emergency departments can start buprenorphine for opioid withdrawal and refer "
    "to a clinic that continues it. The directory does not record which emergency departments "
    "do, so call the nearest hospital's emergency department and ask: \"Do you start "
    "buprenorphine in the emergency department for opioid withdrawal, and do you refer the "
    'person to a clinic that continues it the next day?" In an emergency, call 911.'
)
SAME_DAY_QUESTION: Final = (
    'Ask each: "Can you see the person today for an assessment and start (or continue) '
    'buprenorphine or methadone today? What should we bring?"'
)
NEVER_USE_ALONE: Final = (
    f"Never Use Alone: {NEVER_USE_ALONE_LINE} - if they use, someone stays on the phone and "
    "sends help if they stop responding."
)
PREGNANCY: Final = (
    "She is pregnant. Programs funded by the federal substance use block grant must give "
    "pregnant women preference in admission and, when they have no room, must refer her and "
    "make interim services available within 48 hours (42 U.S.C. 300x-27; 45 CFR 96.131). "
    'Ask each program: "Do you receive block-grant funding? She is pregnant: can you admit '
    "her with priority, and if you are full, what interim services can she have within 48 "
    "hours, and where do you refer her?\" The state's substance use agency, or the SAMHSA "
    "Helpline (1-800-662-4357), can name the funded programs."
)
NOT_LOCATED: Final = (
    "The intervention place is not located, so no programs can be listed by distance: enter "
    "the place on the Plan page, or call the SAMHSA Helpline (1-800-662-4357) for programs "
    "near you."
)


def _place_line(place: PlanBPlace) -> str:
    phone = place.phone or "no phone listed"
    where = f", {place.address}" if place.address else ""
    return f"{place.name} - {phone} - {place.miles:.1f} mi{where} ({place.offers})"


def plan_b_sections(plan: PlanB) -> list[tuple[str, list[str]]]:
    """Return Plan B as (heading, lines) sections, in the order to act on them."""
    sections: list[tuple[str, list[str]]] = []
    if plan.reason:
        sections.append(("Why Plan B", [plan.reason]))
    if plan.on_moud:
        sections.append(
            (
                "Keep the medication going",
                [
                    f"They take {plan.on_moud}: do not let the doses stop while a bed is found. "
                    "Call the prescriber or clinic that gives it today."
                ],
            )
        )
    if not plan.located:
        sections.append(("Same-day treatment", [NOT_LOCATED]))
    else:
        empty = "None listed within reach in the directory; call the SAMHSA Helpline."
        sections.append(
            (
                "Opioid treatment programs (methadone, buprenorphine), nearest first",
                [_place_line(p) for p in plan.programs] or [empty],
            )
        )
        sections.append(
            (
                "Buprenorphine prescribers (outpatient), nearest first",
                [_place_line(p) for p in plan.prescribers] or [empty],
            )
        )
        sections.append(("What to ask", [SAME_DAY_QUESTION]))
    sections.append(("Hospital emergency department", [EMERGENCY_DEPARTMENT]))
    if plan.pregnant:
        sections.append(("Pregnancy: admission preference", [PREGNANCY]))
    sections.append(("Naloxone and Never Use Alone", [NALOXONE_GUIDANCE, NEVER_USE_ALONE]))
    sections.append(
        ("Crisis lines", [f"{name}: {number} ({note})" for number, name, note in CRISIS_LINES])
    )
    return sections


def plan_b_text(plan: PlanB) -> str:
    """Return Plan B as plain text (the download and the CLI)."""
    lines = ["PLAN B - same-day treatment when no bed is found", ""]
    for heading, body in plan_b_sections(plan):
        lines.append(heading.upper())
        lines.extend(f"- {line}" for line in body)
        lines.append("")
    lines.append("Guidance, not a diagnosis: the program's own assessment decides.")
    return "\n".join(lines) + "\n"


def write_plan_b(pdf: ReadyBedPDF, plan: PlanB) -> None:
    """Print Plan B's sections (crisis lines excepted: the PDF's own box prints them)."""
    for heading, body in plan_b_sections(plan):
        if heading == "Crisis lines":
            continue
        pdf.heading(heading)
        for line in body:
            pdf.paragraph(line)


def plan_b_pdf(plan: PlanB, *, now: datetime) -> bytes:
    """Return Plan B on its own as a PDF."""
    pdf = ReadyBedPDF(title="Plan B", generated_at=now, subtitle="Same-day treatment")
    write_plan_b(pdf, plan)
    pdf.crisis_block()
    return pdf.to_bytes()
