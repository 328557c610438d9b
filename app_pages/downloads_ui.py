"""The case's sensitive downloads: built only when the lead asks, the backup encrypted.

Streamlit serves a download button's bytes at ``/media/<id>`` to any request that knows the
address, signed in or not, for as long as the button is on the page (and one run more). So
nothing holding letters or insurance details is handed to a download button when the page
draws: the readiness packet and the calendar (its reminders name the insurer) are built only
after their "Prepare" button, and the case backup only
after the lead types a passphrase and presses "Prepare the encrypted backup". The backup is
encrypted with that passphrase (:mod:`matching.case.sealed_backup`), so its bytes are
ciphertext wherever they go. The download buttons appear on that one run and are gone on the
next.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

import streamlit as st

from app_pages import cases_ui
from matching import case as cases
from matching.case import Case
from matching.case.sealed_backup import MIN_PASSPHRASE, seal_backup
from matching.render.calendar import case_to_ics
from matching.render.packet import readiness_packet_pdf
from matching.render.safe_text import md_escape


def prepared_download(
    case: Case, what: str, build: Callable[[], bytes], *, file_name: str, mime: str, icon: str
) -> None:
    """Offer ``what`` (built by ``build``): a "Prepare" button first, the download on that run."""
    if not st.button(
        f"Prepare the {what}", key=cases_ui.key(case, f"prepare_{file_name}"), icon=icon
    ):
        return
    st.download_button(
        f"Download the {what}",
        data=build(),
        file_name=file_name,
        mime=mime,
        icon=":material/download:",
        type="primary",
        on_click="ignore",
        key=cases_ui.key(case, f"download_{file_name}"),
    )


def packet_download(case: Case, now: datetime, *, include_letters: bool) -> None:
    """Offer the readiness packet (PDF) once asked for."""
    prepared_download(
        case,
        "readiness packet (PDF)",
        partial(readiness_packet_pdf, case, now=now, include_letters=include_letters),
        file_name="readybed-packet.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
    )


def calendar_download(case: Case, now: datetime) -> None:
    """Offer the calendar with reminders (.ics; its reminders name the insurer) once asked for."""
    prepared_download(
        case,
        "calendar with reminders (.ics)",
        partial(case_to_ics, case, now=now),
        file_name="readybed-plan.ics",
        mime="text/calendar",
        icon=":material/event:",
    )


def backup_download(case: Case, now: datetime) -> None:
    """Offer the case backup, encrypted with a passphrase the lead types, once it is asked for."""
    st.markdown(
        "**Case backup** — the whole case (letters and insurance included) to keep or to "
        "move, encrypted with a passphrase you choose."
    )
    with st.form(cases_ui.key(case, "backup_form"), clear_on_submit=True, border=False):
        passphrase = st.text_input(
            "Passphrase for the case backup",
            type="password",
            help=f"At least {MIN_PASSPHRASE} characters. Restoring the backup asks for it; "
            "without it nobody, ReadyBed included, can open the file. Keep it apart from the "
            "file.",
        )
        again = st.text_input("The passphrase again", type="password")
        asked = st.form_submit_button("Prepare the encrypted backup", icon=":material/lock:")
    if not asked:
        return
    if passphrase != again:
        st.error("The two passphrases differ; type the same one twice. Nothing was prepared.")
        return
    try:
        sealed = seal_backup(cases.case_to_json(case, now=now), passphrase)
    except cases.CaseFormatError as error:
        st.error(f"Nothing was prepared. {md_escape(error)}")
        return
    st.download_button(
        "Download the encrypted case backup",
        data=sealed,
        file_name="readybed-case.json",
        mime="application/json",
        icon=":material/download:",
        type="primary",
        on_click="ignore",
        key=cases_ui.key(case, "backup_download"),
    )
    st.caption("Encrypted with your passphrase: restoring it asks for it.")
