"""Placement: the pipeline at each candidate facility, from shortlisted to a held bed and intake.

Facilities come from a shortlist. Each one records calls, confirmed availability, the
verification of benefits (or payment), the hold and its expiry, the intake, or why it said no;
every step lands in its contact log with the time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pandas as pd
import streamlit as st

from app_pages import cases_ui, ui
from matching.case import Case, CaseError, pipeline
from matching.case.pipeline import (
    BED_TYPES,
    CLOSED_STAGES,
    PAYMENT_METHODS,
    ROLES,
    STAGE_LABELS,
    Placement,
)
from matching.case.readiness import format_local
from matching.directory import columns as col
from matching.records import shortlist
from matching.render.safe_text import md_escape

ROLE_LABELS = {"primary": "Primary", "backup": "Backup", "candidate": "Candidate"}
UNKNOWN_YES_NO = {None: "Unknown", True: "Yes", False: "No"}

st.title("Placement")
st.caption(
    "Call each facility, confirm a bed, verify insurance, and get a bed HELD past the "
    "intervention. Mark one facility as primary and another as backup."
)
case = cases_ui.require_case()
zone = case.intervention.time_zone

# ------------------------------------------------------------------------ add from a shortlist

with st.expander("Add facilities from a shortlist", expanded=not case.placements):
    engine = ui.get_engine()
    lists = shortlist.list_shortlists(engine)
    chosen_list = st.selectbox(
        "Shortlist", lists, format_func=lambda item: item.name, key=cases_ui.key(case, "from_list")
    )
    items = shortlist.shortlist_items_frame(engine, chosen_list.id)
    present = {p.facility.facility_id for p in case.placements}
    items = items[~items[col.FACILITY_ID].isin(present)]
    if items.empty:
        st.info(
            "Every facility of this shortlist is already in the case, or the list is empty. "
            "Add facilities on the Search page."
        )
    else:
        with st.form(cases_ui.key(case, "add_form")):
            picked = st.multiselect(
                "Facilities to add",
                list(items[col.FACILITY_ID]),
                format_func=dict(zip(items[col.FACILITY_ID], items[col.NAME], strict=True)).get,
            )
            if st.form_submit_button("Add to the case", type="primary") and picked:
                chosen = items[items[col.FACILITY_ID].isin(picked)]
                updated = case
                for snapshot in pipeline.snapshots_from_shortlist(chosen, ui.active_directory()):
                    role = "primary" if updated.primary() is None else "candidate"
                    placement = pipeline.new_placement(snapshot, now=ui.now(), role=role)
                    updated = updated.with_placement(placement)
                cases_ui.save_and_rerun(updated, f"Added {len(picked)} facility(ies).")

if not case.placements:
    st.info(
        "No facilities in this case yet. Search, add facilities to a shortlist, then add them here."
    )
    st.stop()

# -------------------------------------------------------------------------- one facility each


def apply(step: Callable[[Placement], Placement], placement: Placement, message: str) -> None:
    """Run a pipeline step and save; show a pipeline error as a sentence."""
    try:
        changed = step(placement)
    except (pipeline.PipelineError, CaseError) as error:
        st.error(f"Not saved: {error}")
        return
    cases_ui.save_and_rerun(case.with_placement(changed), message)


def overview(current: Case) -> pd.DataFrame:
    """Return one line per facility for the summary table."""
    return pd.DataFrame(
        [
            {
                "Facility": p.facility.name,
                "Role": ROLE_LABELS[p.role],
                "Stage": STAGE_LABELS[p.stage],
                "Hold expires": format_local(p.hold.expires_at, zone) if p.hold else "",
                "Intake": format_local(p.intake.at, zone) if p.intake else "",
                "Phone": p.facility.intake_phone or p.facility.phone,
            }
            for p in current.placements
        ]
    )


st.dataframe(overview(case), hide_index=True, width="stretch")


def show_placement(placement: Placement) -> None:
    """Show one facility: role, the pipeline steps as tabs, and its contact log."""
    facility = placement.facility
    fid = facility.facility_id
    name = md_escape(facility.name)  # listing text: never Markdown
    label = f"{name} — {ROLE_LABELS[placement.role]} — {STAGE_LABELS[placement.stage]}"
    with st.expander(label, expanded=placement.role == "primary"):
        contact = [f"**Phone** {md_escape(facility.phone or 'unknown')}"]
        if facility.intake_phone:
            contact.append(f"**Intake** {md_escape(facility.intake_phone)}")
        contact.append(md_escape(facility.address or "address unknown"))
        st.markdown(" · ".join(contact))
        st.caption(
            f"Opioid detox: {UNKNOWN_YES_NO[facility.detox_opioid]} · Buprenorphine: "
            f"{UNKNOWN_YES_NO[facility.buprenorphine]} · Methadone: "
            f"{UNKNOWN_YES_NO[facility.methadone]} · Accepts clients on MOUD: "
            f"{UNKNOWN_YES_NO[facility.accepts_moud_clients]}"
        )
        role_col, remove_col = st.columns([3, 1])
        new_role = role_col.radio(
            "Role",
            ROLES,
            index=ROLES.index(placement.role),
            format_func=ROLE_LABELS.__getitem__,
            horizontal=True,
            key=cases_ui.key(case, f"role_{fid}"),
        )
        if new_role != placement.role:
            cases_ui.save_and_rerun(
                case.with_role(fid, new_role, now=ui.now()), f"{name} is now {new_role}."
            )
        if remove_col.button("Remove", key=cases_ui.key(case, f"remove_{fid}")):
            cases_ui.save_and_rerun(case.without_placement(fid), f"Removed {name}.")

        tabs = st.tabs(
            ["Call", "Availability", "Insurance", "Hold", "Intake", "Outcome", "Contact log"]
        )
        with tabs[0], st.form(cases_ui.key(case, f"call_{fid}")):
            note = st.text_area("What was said (who answered, what they asked for)")
            if st.form_submit_button("Log the call"):
                apply(
                    lambda p: pipeline.record_call(p, note=note, now=ui.now()),
                    placement,
                    "Call logged.",
                )

        with tabs[1], st.form(cases_ui.key(case, f"availability_{fid}")):
            left, middle, right = st.columns(3)
            beds = left.number_input("Beds open", min_value=0, max_value=500, value=1)
            bed_type = middle.selectbox("Bed type", BED_TYPES)
            confirmed_by = right.text_input("Confirmed by (staff name)")
            if st.form_submit_button("Confirm availability (now)"):
                apply(
                    lambda p: pipeline.confirm_availability(
                        p,
                        pipeline.Availability(
                            beds_open=int(beds),
                            bed_type=bed_type,
                            confirmed_by=confirmed_by.strip(),
                            confirmed_at=ui.now(),
                        ),
                        now=ui.now(),
                    ),
                    placement,
                    "Availability confirmed.",
                )

        with tabs[2]:
            with st.form(cases_ui.key(case, f"vob_{fid}")):
                st.markdown("**Verification of benefits**")
                left, right = st.columns(2)
                insurer = left.text_input("Insurer")
                plan_type = right.text_input("Plan type (HMO, PPO, Medicaid...)")
                level = left.text_input("Level of care covered (e.g. 3.7-WM detox)")
                network = right.radio(
                    "Network",
                    [None, True, False],
                    horizontal=True,
                    format_func={None: "Unknown", True: "In network", False: "Out of network"}.get,
                )
                deductible = left.number_input(
                    "Deductible remaining ($)", min_value=0.0, value=None
                )
                oop = right.number_input("Out-of-pocket remaining ($)", min_value=0.0, value=None)
                auth_needed = left.checkbox("Prior authorisation required")
                auth_obtained = right.checkbox("Prior authorisation obtained")
                days = left.number_input("Covered days", min_value=0, value=None)
                reference = right.text_input("Reference number")
                verified_by = left.text_input("Verified by (name)")
                reverify_days = right.number_input("Re-verify in (days)", min_value=1, value=30)
                if st.form_submit_button("Save verification"):
                    now = ui.now()
                    apply(
                        lambda p: pipeline.verify_insurance(
                            p,
                            pipeline.VerificationOfBenefits(
                                insurer=insurer.strip(),
                                plan_type=plan_type.strip(),
                                level_of_care=level.strip(),
                                in_network=network,
                                deductible_remaining_usd=deductible,
                                out_of_pocket_remaining_usd=oop,
                                prior_auth_required=auth_needed,
                                prior_auth_obtained=auth_obtained,
                                covered_days=None if days is None else int(days),
                                reference_number=reference.strip(),
                                verified_by=verified_by.strip(),
                                verified_at=now,
                                reverify_by=now + timedelta(days=int(reverify_days)),
                            ),
                            now=now,
                        ),
                        placement,
                        "Insurance verification saved.",
                    )
            if placement.vob is not None:
                st.caption(f"Current: {placement.vob.summary()}")
            with st.form(cases_ui.key(case, f"payment_{fid}")):
                st.markdown("**Or: self-pay / other funding arranged**")
                method = st.selectbox(
                    "How", PAYMENT_METHODS, format_func=lambda m: m.replace("_", "-")
                )
                payment_note = st.text_input("Details (amount, who pays)")
                if st.form_submit_button("Save payment arrangement"):
                    apply(
                        lambda p: pipeline.arrange_payment(
                            p,
                            pipeline.PaymentArrangement(
                                method=method, note=payment_note.strip(), arranged_at=ui.now()
                            ),
                            now=ui.now(),
                        ),
                        placement,
                        "Payment arrangement saved.",
                    )

        with tabs[3], st.form(cases_ui.key(case, f"hold_{fid}")):
            st.caption("Ask for the bed to be held past the intervention start plus travel time.")
            current = placement.hold.expires_at if placement.hold else None
            hold_date, hold_time, hold_zone = cases_ui.datetime_inputs(
                "Hold expires", case=case, name=f"hold_{fid}", default=current, zone=zone
            )
            held_by = st.text_input("Held by (staff name)")
            if st.form_submit_button("Save the hold", type="primary"):
                try:
                    expires = cases_ui.to_instant(
                        hold_date, hold_time, hold_zone, what="hold expiry"
                    )
                except CaseError as error:
                    st.error(f"Not saved: {error}")
                else:
                    apply(
                        lambda p: pipeline.hold_bed(
                            p, expires_at=expires, held_by=held_by, now=ui.now()
                        ),
                        placement,
                        "Bed hold saved.",
                    )

        with tabs[4], st.form(cases_ui.key(case, f"intake_{fid}")):
            current = placement.intake.at if placement.intake else None
            intake_date, intake_time, intake_zone = cases_ui.datetime_inputs(
                "Intake", case=case, name=f"intake_{fid}", default=current, zone=zone
            )
            paperwork = st.checkbox(
                "Intake paperwork done",
                value=placement.intake.paperwork_done if placement.intake else False,
            )
            left, right = st.columns(2)
            if left.form_submit_button("Save intake"):
                try:
                    at = cases_ui.to_instant(intake_date, intake_time, intake_zone, what="intake")
                except CaseError as error:
                    st.error(f"Not saved: {error}")
                else:
                    apply(
                        lambda p: pipeline.schedule_intake(
                            p, at=at, paperwork_done=paperwork, now=ui.now()
                        ),
                        placement,
                        "Intake saved.",
                    )
            if right.form_submit_button("Mark admitted"):
                apply(lambda p: pipeline.admit(p, now=ui.now()), placement, "Marked admitted.")

        with tabs[5], st.form(cases_ui.key(case, f"outcome_{fid}")):
            outcome = st.radio(
                "Outcome", CLOSED_STAGES, format_func=STAGE_LABELS.__getitem__, horizontal=True
            )
            reason = st.text_input("Reason they gave")
            left, right = st.columns(2)
            if left.form_submit_button("Save outcome"):
                apply(
                    lambda p: pipeline.close(p, stage=outcome, reason=reason, now=ui.now()),
                    placement,
                    "Outcome saved.",
                )
            if placement.closed and right.form_submit_button("Reopen"):
                apply(lambda p: pipeline.reopen(p, now=ui.now()), placement, "Reopened.")

        with tabs[6]:
            log = pd.DataFrame(
                [
                    {
                        "When": format_local(e.at, zone),
                        "Stage": STAGE_LABELS[e.stage],
                        "Note": e.note,
                    }
                    for e in reversed(placement.log)
                ]
            )
            st.dataframe(log, hide_index=True, width="stretch")
            with st.form(cases_ui.key(case, f"note_{fid}")):
                extra = st.text_input("Add a note")
                if st.form_submit_button("Add note"):
                    apply(
                        lambda p: pipeline.add_note(p, note=extra, now=ui.now()),
                        placement,
                        "Note added.",
                    )


for each in case.placements:
    show_placement(each)
