"""Placement: the pipeline at each candidate facility, from shortlisted to a held bed and intake.

Facilities come from a shortlist. Each one records calls, confirmed availability, the
verification of benefits (or payment), the hold and its expiry, the intake, or why it said no;
every step lands in its contact log with the time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import cases_ui, links, ui
from matching.case import Case, CaseError, pipeline
from matching.case.pipeline import (
    BED_TYPES,
    CLOSED_STAGES,
    PAYMENT_METHODS,
    ROLES,
    STAGE_LABELS,
    Placement,
    Role,
)
from matching.case.readiness import format_local, hold_needed_until
from matching.directory import columns as col
from matching.render.safe_text import md_escape
from matching.wording import count_of

ROLE_LABELS = {"primary": "Primary", "backup": "Backup", "candidate": "Candidate"}
UNKNOWN_YES_NO = {None: "Unknown", True: "Yes", False: "No"}
NETWORK_LABELS = {None: "Unknown", True: "In network", False: "Out of network"}
TABS = ["Call", "Availability", "Insurance", "Hold", "Intake", "Outcome", "Contact log"]


def main() -> None:
    """Draw the page: add facilities, the summary table, then each facility's pipeline."""
    st.title("Placement")
    st.caption(
        "Call each facility, confirm a bed, verify insurance, and get a bed HELD past the "
        "intervention. Mark one facility as primary and another as backup."
    )
    case = cases_ui.require_case()
    leads = cases_ui.may("save")
    if leads:
        add_from_shortlist(case)
    if not case.placements:
        st.info(
            "No facilities in this case yet. Search, add facilities to a shortlist, then add "
            "them here."
            if leads
            else "No facilities in this case yet; the lead adds them."
        )
        return
    st.dataframe(overview(case), hide_index=True, width="stretch")
    for each in case.placements:
        if leads:
            show_placement(case, each)
        else:
            show_status(case, each)


def show_status(case: Case, placement: Placement) -> None:
    """Show a member or viewer where one facility stands (no forms, no insurance details)."""
    label = (
        f"{md_escape(placement.facility.name)} — {ROLE_LABELS[placement.role]} — "
        f"{pipeline.stage_label(placement)}"
    )
    zone = case.intervention.time_zone
    with st.expander(label, expanded=placement.role == "primary"):
        facility_summary(placement)
        beds = placement.availability
        lines = [
            f"**Beds:** {beds.beds_open} {beds.bed_type} open, confirmed "
            f"{format_local(beds.confirmed_at, zone)}"
            if beds
            else "**Beds:** not confirmed yet",
            f"**Hold:** until {format_local(placement.hold.expires_at, zone)}"
            if placement.hold
            else "**Hold:** no bed held yet",
            f"**Intake:** {format_local(placement.intake.at, zone)}"
            if placement.intake
            else "**Intake:** not scheduled",
        ]
        if placement.reason:
            lines.append(f"**Why closed:** {md_escape(placement.reason)}")
        st.markdown("  \n".join(lines))
        st.caption("Insurance and payment details are seen by the case's lead only.")


# ------------------------------------------------------------------------ add from a shortlist


def add_from_shortlist(case: Case) -> None:
    """Let the user add facilities of a shortlist that are not in the case yet."""
    with st.expander("Add facilities from a shortlist", expanded=not case.placements):
        shortlists = ui.workspace().shortlists
        lists = shortlists.list_shortlists()
        chosen_list = st.selectbox(
            "Shortlist",
            lists,
            format_func=lambda item: item.name,
            key=cases_ui.key(case, "from_list"),
        )
        items = shortlists.shortlist_items_frame(chosen_list.id)
        present = {p.facility.facility_id for p in case.placements}
        items = items[~items[col.FACILITY_ID].isin(present)]
        if items.empty:
            st.info(
                "Every facility of this shortlist is already in the case, or the list is empty. "
                "Add facilities on the Search page."
            )
            return
        names = dict(zip(items[col.FACILITY_ID], items[col.NAME], strict=True))
        with st.form(cases_ui.key(case, "add_form")):
            picked = st.multiselect(
                "Facilities to add", list(items[col.FACILITY_ID]), format_func=names.__getitem__
            )
            if st.form_submit_button("Add to the case", type="primary") and picked:
                chosen = items[items[col.FACILITY_ID].isin(picked)]
                updated = case
                for snapshot in pipeline.snapshots_from_shortlist(chosen, ui.active_directory()):
                    role: Role = "primary" if updated.primary() is None else "candidate"
                    placement = pipeline.new_placement(snapshot, now=ui.now(), role=role)
                    updated = updated.with_placement(placement)
                cases_ui.save_and_rerun(updated, f"Added {count_of(len(picked), 'facility')}.")


def overview(case: Case) -> pd.DataFrame:
    """Return one line per facility for the summary table."""
    zone = case.intervention.time_zone
    return pd.DataFrame(
        [
            {
                "Facility": p.facility.name,
                "Role": ROLE_LABELS[p.role],
                "Stage": pipeline.stage_label(p),
                "Hold expires": format_local(p.hold.expires_at, zone) if p.hold else "",
                "Intake": format_local(p.intake.at, zone) if p.intake else "",
                "Phone": p.facility.intake_phone or p.facility.phone,
            }
            for p in case.placements
        ]
    )


# -------------------------------------------------------------------------- one facility each


def apply(
    case: Case, step: Callable[[Placement], Placement], placement: Placement, message: str
) -> None:
    """Run a pipeline step and save; show a pipeline error as a sentence."""
    try:
        changed = step(placement)
    except (pipeline.PipelineError, CaseError) as error:
        st.error(f"Not saved: {error}")
        return
    cases_ui.save_and_rerun(case.with_placement(changed), message)


def show_placement(case: Case, placement: Placement) -> None:
    """Show one facility: contact, role, the pipeline steps as tabs, and its contact log."""
    facility = placement.facility
    name = md_escape(facility.name)  # listing text: never Markdown
    label = f"{name} — {ROLE_LABELS[placement.role]} — {pipeline.stage_label(placement)}"
    with st.expander(label, expanded=placement.role == "primary"):
        facility_summary(placement)
        role_controls(case, placement)
        call, availability, insurance, hold, intake, outcome, contact_log = st.tabs(TABS)
        with call:
            call_tab(case, placement)
        with availability:
            availability_tab(case, placement)
        with insurance:
            insurance_tab(case, placement)
        with hold:
            hold_tab(case, placement)
        with intake:
            intake_tab(case, placement)
        with outcome:
            outcome_tab(case, placement)
        with contact_log:
            contact_log_tab(case, placement)


def facility_summary(placement: Placement) -> None:
    """Show the phones, the address and what the listing says about opioid care."""
    facility = placement.facility
    phones = links.phone_links(("Phone", facility.phone), ("Intake", facility.intake_phone))
    where = links.plain(facility.address) if facility.address else "address unknown"
    st.markdown(" · ".join([phones or "Phone unknown", where]))
    st.caption(
        f"Opioid detox: {UNKNOWN_YES_NO[facility.detox_opioid]} · Buprenorphine: "
        f"{UNKNOWN_YES_NO[facility.buprenorphine]} · Methadone: "
        f"{UNKNOWN_YES_NO[facility.methadone]} · Accepts clients on MOUD: "
        f"{UNKNOWN_YES_NO[facility.accepts_moud_clients]}"
    )


def role_controls(case: Case, placement: Placement) -> None:
    """Show the role choice (primary, backup, candidate) and the remove button."""
    facility = placement.facility
    fid = facility.facility_id
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
            case.with_role(fid, new_role, now=ui.now()),
            f"{md_escape(facility.name)} is now {new_role}.",
        )
    if remove_col.button("Remove", key=cases_ui.key(case, f"remove_{fid}")):
        cases_ui.save_and_rerun(case.without_placement(fid), f"Removed {md_escape(facility.name)}.")


def call_tab(case: Case, placement: Placement) -> None:
    """Log a call to the facility with what was said."""
    with st.form(cases_ui.key(case, f"call_{placement.facility.facility_id}")):
        note = st.text_area("What was said (who answered, what they asked for)")
        if st.form_submit_button("Log the call"):
            apply(
                case,
                lambda p: pipeline.record_call(p, note=note, now=ui.now()),
                placement,
                "Call logged.",
            )


def availability_tab(case: Case, placement: Placement) -> None:
    """Confirm, as of now, how many beds of which type are open and who said so."""
    with st.form(cases_ui.key(case, f"availability_{placement.facility.facility_id}")):
        saved = placement.availability
        left, middle, right = st.columns(3)
        beds = left.number_input(
            "Beds open", min_value=0, max_value=500, value=saved.beds_open if saved else 1
        )
        bed_type = middle.selectbox(
            "Bed type", BED_TYPES, index=BED_TYPES.index(saved.bed_type) if saved else 0
        )
        confirmed_by = right.text_input(
            "Confirmed by (staff name)", value=saved.confirmed_by if saved else ""
        )
        if st.form_submit_button("Confirm availability (now)"):
            apply(
                case,
                lambda p: ui.workspace().sharing.confirm_and_share(
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


def insurance_tab(case: Case, placement: Placement) -> None:
    """Record the verification of benefits, or else a self-pay or other payment arrangement."""
    vob_form(case, placement)
    if placement.vob is not None:
        st.caption(f"Current: {placement.vob.summary()}")
    payment_form(case, placement)


def vob_form(case: Case, placement: Placement) -> None:
    """Record what the insurer said: network, costs left, authorisation, covered days."""
    with st.form(cases_ui.key(case, f"vob_{placement.facility.facility_id}")):
        st.markdown("**Verification of benefits**")
        if placement.vob is not None:
            st.caption("Filled in from the saved verification; change what is new and save.")
        fields, reverify_days = vob_inputs(placement.vob)
        if not st.form_submit_button("Save verification"):
            return
        now = ui.now()
        apply(
            case,
            # Built inside the step, so a value the record rejects is shown as a sentence.
            lambda p: pipeline.verify_insurance(
                p,
                pipeline.VerificationOfBenefits(
                    **fields,
                    verified_at=now,
                    reverify_by=now + timedelta(days=int(reverify_days)),
                ),
                now=now,
            ),
            placement,
            "Insurance verification saved.",
        )


def vob_inputs(saved: pipeline.VerificationOfBenefits | None) -> tuple[dict[str, Any], int]:
    """Show the VOB fields filled in from ``saved``; return them and the re-verify days."""
    left, right = st.columns(2)
    networks = [None, True, False]
    fields: dict[str, Any] = {
        "insurer": left.text_input("Insurer", value=saved.insurer if saved else "").strip(),
        "plan_type": right.text_input(
            "Plan type (HMO, PPO, Medicaid...)", value=saved.plan_type if saved else ""
        ).strip(),
        "level_of_care": left.text_input(
            "Level of care covered (e.g. 3.7-WM detox)", value=saved.level_of_care if saved else ""
        ).strip(),
        "in_network": right.radio(
            "Network",
            networks,
            index=networks.index(saved.in_network) if saved else 0,
            horizontal=True,
            format_func=NETWORK_LABELS.__getitem__,
        ),
        "deductible_remaining_usd": left.number_input(
            "Deductible remaining ($)",
            min_value=0.0,
            value=saved.deductible_remaining_usd if saved else None,
        ),
        "out_of_pocket_remaining_usd": right.number_input(
            "Out-of-pocket remaining ($)",
            min_value=0.0,
            value=saved.out_of_pocket_remaining_usd if saved else None,
        ),
        "prior_auth_required": left.checkbox(
            "Prior authorisation required", value=bool(saved and saved.prior_auth_required)
        ),
        "prior_auth_obtained": right.checkbox(
            "Prior authorisation obtained", value=bool(saved and saved.prior_auth_obtained)
        ),
    }
    days = left.number_input(
        "Covered days", min_value=0, value=saved.covered_days if saved else None
    )
    fields["covered_days"] = None if days is None else int(days)
    fields["reference_number"] = right.text_input(
        "Reference number", value=saved.reference_number if saved else ""
    ).strip()
    fields["verified_by"] = left.text_input(
        "Verified by (name)", value=saved.verified_by if saved else ""
    ).strip()
    reverify_days = right.number_input("Re-verify in (days)", min_value=1, value=30)
    return fields, int(reverify_days)


def payment_form(case: Case, placement: Placement) -> None:
    """Record a self-pay or other funding arrangement instead of insurance."""
    with st.form(cases_ui.key(case, f"payment_{placement.facility.facility_id}")):
        st.markdown("**Or: self-pay / other funding arranged**")
        saved = placement.payment
        method = st.selectbox(
            "How",
            PAYMENT_METHODS,
            index=PAYMENT_METHODS.index(saved.method) if saved else 0,
            format_func=lambda m: m.replace("_", "-"),
        )
        payment_note = st.text_input(
            "Details (amount, who pays)", value=saved.note if saved else ""
        )
        if st.form_submit_button("Save payment arrangement"):
            apply(
                case,
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


def hold_tab(case: Case, placement: Placement) -> None:
    """Record until when the facility holds the bed; say what expiry is needed, warn if short."""
    fid = placement.facility.facility_id
    zone = case.intervention.time_zone
    need = hold_needed_until(case, placement)
    with st.form(cases_ui.key(case, f"hold_{fid}")):
        if need is None:
            st.caption(
                "Set the intervention date, time and place on the Plan page to see until when "
                "the bed must be held (start + time for the talk + travel)."
            )
        else:
            st.markdown(f"**The hold must last until at least {need.explain(zone)}.**")
        saved = placement.hold
        default = saved.expires_at if saved else (need.until if need else None)
        hold_date, hold_time, hold_zone = cases_ui.datetime_inputs(
            "Hold expires", case=case, name=f"hold_{fid}", default=default, zone=zone
        )
        held_by = st.text_input("Held by (staff name)", value=saved.held_by if saved else "")
        short_ok = st.checkbox(
            "Save it even if it is shorter than needed (I will ask for longer)",
            key=cases_ui.key(case, f"hold_short_{fid}"),
        )
        if not st.form_submit_button("Save the hold", type="primary"):
            return
        try:
            expires = cases_ui.to_instant(hold_date, hold_time, hold_zone, what="hold expiry")
        except CaseError as error:
            st.error(f"Not saved: {error}")
            return
        if need is not None and expires <= need.until and not short_ok:
            st.warning(
                f"Not saved yet: a hold until {format_local(expires, zone)} ends before you "
                f"could arrive ({need.explain(zone)}). Ask the facility for longer, or tick "
                "'Save it even if it is shorter' to save it as it is."
            )
            return
        apply(
            case,
            lambda p: pipeline.hold_bed(
                p, expires_at=expires, held_by=held_by, now=ui.now(), zone=zone
            ),
            placement,
            "Bed hold saved.",
        )


def intake_tab(case: Case, placement: Placement) -> None:
    """Schedule the intake (and its paperwork), or mark the person admitted."""
    fid = placement.facility.facility_id
    with st.form(cases_ui.key(case, f"intake_{fid}")):
        current = placement.intake.at if placement.intake else None
        intake_date, intake_time, intake_zone = cases_ui.datetime_inputs(
            "Intake",
            case=case,
            name=f"intake_{fid}",
            default=current,
            zone=case.intervention.time_zone,
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
                    case,
                    lambda p: pipeline.schedule_intake(
                        p,
                        at=at,
                        paperwork_done=paperwork,
                        now=ui.now(),
                        zone=case.intervention.time_zone,
                    ),
                    placement,
                    "Intake saved.",
                )
        if right.form_submit_button("Mark admitted"):
            apply(case, lambda p: pipeline.admit(p, now=ui.now()), placement, "Marked admitted.")


def outcome_tab(case: Case, placement: Placement) -> None:
    """Close the placement with the reason the facility gave, or reopen it."""
    with st.form(cases_ui.key(case, f"outcome_{placement.facility.facility_id}")):
        outcome = st.radio(
            "Outcome", CLOSED_STAGES, format_func=STAGE_LABELS.__getitem__, horizontal=True
        )
        reason = st.text_input("Reason they gave")
        left, right = st.columns(2)
        if left.form_submit_button("Save outcome"):
            apply(
                case,
                lambda p: ui.workspace().sharing.close_and_share(
                    p, stage=outcome, reason=reason, now=ui.now()
                ),
                placement,
                "Outcome saved.",
            )
        if placement.closed and right.form_submit_button("Reopen"):
            apply(case, lambda p: pipeline.reopen(p, now=ui.now()), placement, "Reopened.")


def contact_log_tab(case: Case, placement: Placement) -> None:
    """Show every step with its time, newest first, and add a free note."""
    zone = case.intervention.time_zone
    log = pd.DataFrame(
        [
            {"When": format_local(e.at, zone), "Stage": STAGE_LABELS[e.stage], "Note": e.note}
            for e in reversed(placement.log)
        ]
    )
    st.dataframe(log, hide_index=True, width="stretch")
    with st.form(cases_ui.key(case, f"note_{placement.facility.facility_id}")):
        extra = st.text_input("Add a note")
        if st.form_submit_button("Add note"):
            apply(
                case,
                lambda p: pipeline.add_note(p, note=extra, now=ui.now()),
                placement,
                "Note added.",
            )


main()
