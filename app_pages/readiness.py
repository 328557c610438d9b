"""Readiness: may the intervention begin? The checks, the countdown, and the packet to print.

Also the case backup: export the case as JSON, encrypted with a passphrase, and import one
(validated before anything is written).
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from app_pages import cases_ui, downloads_ui, ui
from matching import case as cases
from matching.case import Case, readiness
from matching.render.crisis import NALOXONE_GUIDANCE
from matching.render.safe_text import md_escape

# Material icons render everywhere; emoji need a font the reader's machine may lack.
STATUS_ICONS = {
    readiness.PASS: ":green[:material/check_circle:]",
    readiness.WARN: ":orange[:material/warning:]",
    readiness.FAIL: ":red[:material/cancel:]",
}


def main() -> None:
    """Draw the page: the verdict first, then the countdown, every check, the exports."""
    st.title("Are we ready?")
    st.caption(
        "The intervention should not begin until a bed is held past its start plus the time "
        "for the talk and the travel, insurance is verified or payment arranged, and the team "
        "is prepared."
    )
    case = cases_ui.require_case()
    now = ui.now()
    checks = readiness.run_checks(case, now)
    show_verdict(checks)
    show_countdown(case, now)
    show_checks(checks)
    st.info(NALOXONE_GUIDANCE, icon=":material/medication:")
    if cases_ui.may("export"):
        show_exports(case, now)
    else:
        st.caption("The case's lead prints the packet and keeps the backups.")
    import_backup()


def show_verdict(checks: tuple[readiness.Check, ...]) -> None:
    """Say in one headline whether the intervention may begin, and what fails if not."""
    result = readiness.verdict(checks)
    if result.ready:
        st.success(f"## {md_escape(result.headline)}", icon=":material/verified:")
    else:
        st.error(f"## {md_escape(result.headline)}", icon=":material/block:")
        st.markdown("\n".join(f"- **{c.title}:** {md_escape(c.message)}" for c in result.failures))


def show_countdown(case: Case, now: datetime) -> None:
    """Show the time left until the intervention and until the primary bed's hold expires."""
    left, right = st.columns(2)
    remaining = readiness.countdown(case, now)
    zone = case.intervention.time_zone
    try:
        start = readiness.intervention_start(case)
    except cases.CaseError:
        start = None
    if remaining.to_intervention is not None and start is not None:
        left.metric(
            "Until the intervention",
            readiness.format_duration(remaining.to_intervention),
            help=f"{readiness.format_local(start.earliest, zone)} ({zone})",
        )
        left.caption(readiness.format_local(start.earliest, zone))
    else:
        left.metric("Until the intervention", "not set")
    primary = case.primary()
    if remaining.to_hold_expiry is not None and primary is not None and primary.hold is not None:
        right.metric("Until the hold expires", readiness.format_duration(remaining.to_hold_expiry))
        right.caption(
            md_escape(primary.facility.name)
            + f": {readiness.format_local(primary.hold.expires_at, zone)}"
        )
    else:
        right.metric("Until the hold expires", "no hold")


def show_checks(checks: tuple[readiness.Check, ...]) -> None:
    """List every check with its status icon."""
    st.header("Checks")
    for check in checks:
        st.markdown(f"{STATUS_ICONS[check.status]} **{check.title}** — {md_escape(check.message)}")


def show_exports(case: Case, now: datetime) -> None:
    """Offer the packet, the calendar and the encrypted backup, each built once asked for."""
    st.header("Print and save")
    st.caption(
        "Each file is built when you ask for it and offered once: it holds the plan's details."
    )
    include_letters = st.checkbox(
        "Include the letters in the packet", value=False, key=cases_ui.key(case, "with_letters")
    )
    # Sensitive downloads are built only on request (docs/team.md, "Downloads").
    downloads_ui.packet_download(case, now, include_letters=include_letters)
    downloads_ui.calendar_download(case, now)
    downloads_ui.backup_download(case, now)


def import_backup() -> None:
    """Import a case backup as a new case; an invalid file changes nothing."""
    with st.expander("Import a case backup"), st.form("import_case_form", clear_on_submit=True):
        upload = st.file_uploader("ReadyBed case file (.json)", type=["json"])
        passphrase = st.text_input(
            "Its passphrase (an encrypted backup)", type="password", key="import_passphrase"
        )
        if st.form_submit_button("Import as a new case") and upload is not None:
            try:
                imported = ui.workspace().cases.import_case(
                    upload.getvalue(), passphrase=passphrase, now=ui.now()
                )
            except cases.CaseFormatError as error:
                st.error(f"Nothing was imported. {md_escape(error)}")
            else:
                cases_ui.open_case(imported, f"Imported {md_escape(imported.title)} as a new case.")


main()
