"""Shared pieces of the Plan, Placement and Readiness pages: the active case and saving it.

The case a page edits is kept in ``st.session_state["case_base"]`` as it was loaded (or last
saved). Saves name that version, so a save from a stale window fails with a conflict message
instead of overwriting; the user's inputs stay in the form widgets until they reload.
Widget keys include the case id and version, so switching or reloading a case refreshes them.

Every call goes through :func:`ui.workspace` (whose actor is the local person in local mode):
the data layer lists, loads and saves only the cases that person is a member of, redacted for
their role.
The case list is read on every run, so a removed member loses the case on their next run and a
changed role reloads the case as the new role may see it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, available_timezones

import streamlit as st

from app_pages import team_ui, ui
from matching import case as cases
from matching.case import Case, Intervention, SafetyScreen
from matching.case.model import LetterStatus
from matching.case.permissions import Action, CaseRole, allowed
from matching.case.readiness import local_start
from matching.errors import AccessError, ConflictError, StoreError
from matching.render.crisis import CRISIS_LINES, SAFETY_ACTIONS, USES_ALONE_GUIDANCE
from matching.render.safe_text import md_escape
from matching.wording import count_of

COMMON_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
)
# (case id, why) of a case the configured encryption keys cannot open (issue 19).
UNREADABLE = "case_unreadable"
ALL_ZONES = COMMON_ZONES + tuple(sorted(available_timezones() - set(COMMON_ZONES)))


def init_state() -> None:
    """Create the case keys of the session state."""
    st.session_state.setdefault("case_id", None)
    st.session_state.setdefault("case_base", None)
    st.session_state.setdefault("case_conflict", "")
    st.session_state.setdefault("case_flash", "")
    st.session_state.setdefault("case_role", "lead")


def _select(case_id: int | None, *, by_widget: bool = False) -> None:
    st.session_state["case_id"] = case_id
    if not by_widget:
        # The selectbox may already be drawn this run; it picks the new case up on the next run.
        st.session_state["case_select_next"] = case_id
    st.session_state["case_base"] = None if case_id is None else _load(case_id)
    st.session_state["case_conflict"] = ""


def _load(case_id: int) -> Case | None:
    """Load the case as the signed-in person may see it; None when they no longer may."""
    try:
        loaded = ui.workspace().cases.load_case(case_id)
    except AccessError:
        return None  # removed between the list and the load: the next run drops it
    except StoreError as error:  # the configured keys cannot open it: said by require_case
        st.session_state[UNREADABLE] = (case_id, str(error))
        return None
    st.session_state.pop(UNREADABLE, None)
    st.session_state["case_base_role"] = st.session_state.get("case_role")
    return loaded


def role() -> CaseRole:
    """Return the signed-in person's role in the active case (local mode: always lead)."""
    found: CaseRole = st.session_state.get("case_role", "lead")
    return found


def may(action: Action) -> bool:
    """Return whether the signed-in person's role in the active case allows ``action``."""
    return allowed(role(), action)


def open_case(stored: Case, message: str) -> None:
    """Make ``stored`` (a case just created or imported) the active case and rerun."""
    st.session_state["case_flash"] = message
    st.session_state["case_role"] = "lead"  # its creator (or importer) leads it
    _select(stored.id)
    st.rerun()


def case_picker() -> Case | None:
    """Show the case list in the sidebar (switch, create, delete) and return the active case."""
    init_state()
    summaries = ui.workspace().cases.list_cases()
    by_id = {summary.id: summary.title for summary in summaries}
    roles = {summary.id: summary.role for summary in summaries}
    if st.session_state["case_id"] not in by_id:
        st.session_state["case_role"] = roles[summaries[0].id] if summaries else "lead"
        _select(summaries[0].id if summaries else None)
    else:
        st.session_state["case_role"] = roles[st.session_state["case_id"]]
        if st.session_state.get("case_base_role") != st.session_state["case_role"]:
            _select(st.session_state["case_id"])  # the lead changed this person's role
    pending = st.session_state.pop("case_select_next", None)
    if pending in by_id:
        st.session_state["case_select"] = pending
    if st.session_state.get("case_select") not in by_id:
        st.session_state["case_select"] = st.session_state["case_id"]
    with st.sidebar:
        st.subheader("Case")
        if by_id:
            chosen = st.selectbox(
                "Active case",
                list(by_id),
                format_func=lambda case_id: f"{by_id[case_id]} (#{case_id})",
                key="case_select",
            )
            # None only when the widget lost its state (e.g. a page switch); keep the case.
            if chosen is not None and chosen != st.session_state["case_id"]:
                st.session_state["case_role"] = roles[chosen]
                _select(chosen, by_widget=True)
        new_case_form()
        if st.session_state["case_id"] is not None and may("delete"):
            delete_case_popover(st.session_state["case_id"])
    flash()
    conflict_box()
    return st.session_state["case_base"]


def new_case_form() -> None:
    """Create a case (its creator becomes its lead)."""
    who_sees = "only you see it" if team_ui.mode() == "local" else "the case's team sees it"
    with (
        st.popover("New case", icon=":material/add:"),
        st.form("new_case_form", clear_on_submit=True),
    ):
        title = st.text_input(f"Case title ({who_sees})", placeholder="e.g. Family A or Our plan")
        if st.form_submit_button("Create case"):
            _create(title.strip() or "Our case")


def delete_case_popover(case_id: int) -> None:
    """Delete the case, saying that its change history goes with it (the lead only)."""
    history = count_of(len(ui.workspace().audit.trail(case_id)), "entry", "entries")
    where = "from this computer" if team_ui.mode() == "local" else "for every member"
    with st.popover("Delete this case", icon=":material/delete:"):
        st.write(
            f"Deletes the plan, team, letters, placements and contact log {where}, and the "
            f"case's change history ({history}). This cannot be undone."
        )
        if st.button("Delete for good", type="primary", key="delete_case"):
            try:
                deleted = ui.workspace().cases.delete_case(case_id)
            except StoreError as error:
                st.error(str(error))
                return
            entries = count_of(deleted, "entry", "entries")
            st.session_state["case_flash"] = (
                f"The case was deleted. Its change history ({entries}) was deleted with it."
            )
            _select(None)
            st.rerun()


def _create(title: str) -> None:
    try:
        zone = ui.browser_timezone()
        intervention = Intervention(time_zone=zone) if zone != "UTC" else Intervention()
        created = ui.workspace().cases.create_case(
            Case(title=title, intervention=intervention), now=ui.now()
        )
    except cases.CaseError as error:
        st.error(str(error))
        return
    open_case(created, f"Created {created.title}.")


def require_case() -> Case:
    """Return the active case, or explain how to create one and stop the page.

    Every case page goes through here, so a "yes" on the safety screen shows the crisis alert
    on all of them.
    """
    case = case_picker()
    if case is None and st.session_state["case_id"] is not None:
        case = _retry_unreadable(st.session_state["case_id"])
    if case is None:
        st.info("No case yet. Create one with **New case** in the sidebar to start a plan.")
        if st.button("Create my first case", type="primary"):
            _create("Our case")
        st.stop()
    if case.safety.any_yes:
        crisis_alert(case.safety)
    if case.safety.uses_alone:  # after the emergency alert, never instead of it
        st.warning(USES_ALONE_GUIDANCE, icon=":material/health_and_safety:")
    return case


def _retry_unreadable(case_id: int) -> Case | None:
    """Load ``case_id`` again (the keys may be fixed); say why it cannot open and stop if not.

    One case the keys cannot open never blocks the others: the sidebar still lists them.
    """
    _select(case_id, by_widget=True)
    if st.session_state["case_base"] is not None:
        return st.session_state["case_base"]
    unreadable = st.session_state.get(UNREADABLE)
    if unreadable is None or unreadable[0] != case_id:
        return None
    title = next(
        (s.title for s in ui.workspace().cases.list_cases() if s.id == case_id), "this case"
    )
    reason = md_escape(unreadable[1])
    st.error(
        f"The case **{md_escape(title)}** (#{case_id}) cannot be opened on this server: "
        f"{reason} Your other cases are in the list on the left. Tell whoever runs this "
        "server: `python -m matching team status` shows what does not open (deploy/README.md, "
        '"Rotating the encryption key").',
        icon=":material/lock:",
    )
    st.stop()


def save(case: Case) -> bool:
    """Save ``case`` against the version this page was based on; return True when saved."""
    base: Case = st.session_state["case_base"]
    try:
        saved = ui.workspace().cases.save_case(case, expected_version=base.version, now=ui.now())
    except ConflictError:
        st.session_state["case_conflict"] = (
            "This case was changed in another window — reload to see their changes; your edits "
            "are kept below (copy what you need before reloading)."
        )
        return False
    except StoreError as error:
        st.error(str(error))
        return False
    st.session_state["case_base"] = saved
    st.session_state["case_conflict"] = ""
    return True


def save_own_letter_and_rerun(
    member_name: str, *, letter: str, status: LetterStatus, keep: bool, message: str
) -> None:
    """Save only the signed-in member's letter (the rest of the plan is the lead's)."""
    try:
        saved = ui.workspace().members.save_own_letter(
            st.session_state["case_id"],
            member_name=member_name,
            letter=letter,
            letter_status=status,
            keep_as_written=keep,
            now=ui.now(),
        )
    except (StoreError, cases.CaseError) as error:
        st.error(f"Not saved: {error}")
        return
    st.session_state["case_base"] = saved
    st.session_state["case_conflict"] = ""
    st.session_state["case_flash"] = message
    st.rerun()


def save_and_rerun(case: Case, message: str) -> None:
    """Save; on success show ``message`` after a rerun, on conflict keep the page as it is."""
    if save(case):
        st.session_state["case_flash"] = message
        st.rerun()
    if st.session_state["case_conflict"]:
        # The conflict box shows at the top after the rerun; form inputs keep their values.
        st.rerun()


def conflict_box() -> None:
    """Show the conflict message with a reload button while a save conflict is pending."""
    message = st.session_state.get("case_conflict", "")
    if not message:
        return
    with st.container(border=True):
        st.error(message, icon=":material/sync_problem:")
        if st.button("Reload the latest version", key=f"reload_case_{len(message)}"):
            _select(st.session_state["case_id"])
            st.rerun()


def flash() -> None:
    """Show, once, the message left before a rerun."""
    message = st.session_state.get("case_flash", "")
    if message:
        st.success(message, icon=":material/check_circle:")
        st.session_state["case_flash"] = ""


def key(case: Case, name: str) -> str:
    """Return a widget key tied to this case and version (new version, fresh widgets)."""
    return f"{name}_{case.id}_{case.version}"


def crisis_alert(safety: SafetyScreen) -> None:
    """Say plainly to call now, which answer says so and what to do, with the crisis lines."""
    actions = "\n".join(f"- {SAFETY_ACTIONS[key]}" for key in safety.triggered())
    lines = "\n".join(f"- **{name}: {number}** — {note}" for number, name, note in CRISIS_LINES)
    st.error(
        "**Call now — do not stage an intervention.** What you answered on the safety screen "
        f"means the person may be in danger now:\n\n{actions}\n\n{lines}",
        icon=":material/emergency:",
    )


def datetime_inputs(
    label: str, *, case: Case, name: str, default: datetime | None, zone: str
) -> tuple[date | None, time | None, str]:
    """Show date, time and zone inputs; return what was entered."""
    left, middle, right = st.columns(3)
    local = default.astimezone(ZoneInfo(zone)) if default is not None else None
    picked_date = left.date_input(
        f"{label}: date", value=local.date() if local else None, key=key(case, f"{name}_date")
    )
    picked_time = middle.time_input(
        f"{label}: time",
        value=local.time().replace(second=0, microsecond=0) if local else None,
        key=key(case, f"{name}_time"),
        step=900,
    )
    picked_zone = right.selectbox(
        f"{label}: time zone", ALL_ZONES, index=ALL_ZONES.index(zone), key=key(case, f"{name}_zone")
    )
    return picked_date, picked_time, picked_zone


def to_instant(
    picked_date: date | None, picked_time: time | None, zone: str, *, what: str
) -> datetime:
    """Return the UTC instant of a local date/time; raise CaseError with a sentence if unusable.

    An ambiguous time (clocks falling back) is read as its first occurrence, the earlier and
    therefore safer reading for an expiry.
    """
    if picked_date is None or picked_time is None:
        raise cases.CaseError(f"Enter both the date and the time of the {what}.")
    return local_start(picked_date, picked_time, zone).earliest
