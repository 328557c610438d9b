"""Readiness additions of issue 22: the MOUD answers from the call log, and Plan B.

Plan B shows when the intervention is within 48 h and no primary holds a bed
(:mod:`matching.case.planb`); it lists same-day programs from the active directory, and is
downloadable on its own (PDF, text) as well as printed in the packet.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

import pandas as pd
import streamlit as st

from app_pages import downloads_ui, ui
from app_pages.links import plain
from matching.case import Case, readiness
from matching.case.planb import PlanB, build_plan_b, plan_b_reason
from matching.directory import columns as col
from matching.render.planb import plan_b_pdf, plan_b_sections, plan_b_text
from matching.render.safe_text import md_escape


def with_call_facts(case: Case) -> Case:
    """Return ``case`` with each placement's MOUD answer from the facility record (call log)."""
    directory = ui.active_directory()
    if "moud_continues" not in directory.columns or not case.placements:
        return case
    ids = {placement.facility.facility_id for placement in case.placements}
    rows = directory[directory[col.FACILITY_ID].isin(ids)]
    facts = {}
    for row in rows.to_dict("records"):
        asked = row.get("moud_asked_at")
        when = "" if asked is None or pd.isna(asked) else pd.Timestamp(asked).isoformat()
        facts[str(row[col.FACILITY_ID])] = (str(row["moud_continues"]), when)
    return readiness.with_moud_facts(case, facts)


def current_plan_b(case: Case, now: datetime) -> PlanB | None:
    """Return Plan B when it is needed now (within 48 h, no bed held), else None."""
    reason = plan_b_reason(case, now)
    if reason is None:
        return None
    return build_plan_b(case, ui.active_directory(), reason=reason)


def show_plan_b(case: Case, plan: PlanB, now: datetime) -> None:
    """Show Plan B: why, the places nearest first with phones, what to ask, and downloads."""
    st.subheader("Plan B: same-day treatment")
    st.warning(md_escape(plan.reason), icon=":material/emergency:")
    for heading, lines in plan_b_sections(plan):
        if heading == "Why Plan B":
            continue
        st.markdown(f"**{md_escape(heading)}**")
        st.markdown("\n".join(f"- {plain(line)}" for line in lines))
    st.caption("Guidance, not a diagnosis: the program's own assessment decides.")
    downloads_ui.prepared_download(
        case,
        "Plan B (PDF)",
        partial(plan_b_pdf, plan, now=now),
        file_name="readybed-plan-b.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
    )
    downloads_ui.prepared_download(
        case,
        "Plan B (text)",
        partial(_text_bytes, plan),
        file_name="readybed-plan-b.txt",
        mime="text/plain",
        icon=":material/description:",
    )


def _text_bytes(plan: PlanB) -> bytes:
    return plan_b_text(plan).encode("utf-8")
