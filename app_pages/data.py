"""Data: import a facility listing or an availability feed, and choose the directory to search."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages import column_mapping, live_ui, team_ui, ui
from matching.errors import FacilityDataError, StoreError
from matching.ingest import import_bytes
from matching.ingest.availability import read_feed
from matching.ingest.formats import FormatChoice
from matching.ingest.registry import FORMATS, label_of
from matching.records import library
from matching.records.workspace import Workspace
from matching.render.safe_text import md_escape


def main() -> None:
    """Draw the page: which directory to search, imports, and where the data is kept."""
    ui.init_state()
    st.session_state.setdefault("import_report", None)  # (summary, rejected, unmapped, notes)
    st.session_state.setdefault("feed_report", "")
    workspace = ui.workspace()
    st.title("Facility data")
    ui.flash()
    entries = {entry.key: entry for entry in workspace.library.list_directories()}
    choose_directory(workspace, entries)
    import_listing(workspace)
    last_import_report()
    import_feed(workspace)
    live_ui.data_page_sections()  # opt-in online sources and the LA County registry
    data_location(workspace, entries)


def _problem_lines(error: FacilityDataError, limit: int = 5) -> str:
    lines = [f"- {md_escape(problem)}" for problem in error.problems[:limit]]
    if len(error.problems) > limit:
        lines.append(f"- ... and {len(error.problems) - limit} more")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- active directory


def choose_directory(workspace: Workspace, entries: dict[str, library.DirectoryEntry]) -> None:
    """Let the user pick the directory to search among the demo set and their imports."""
    st.header("Directory to search")
    active = ui.active_entry()

    def describe(key: str) -> str:
        entry = entries[key]
        if entry.is_builtin:
            return md_escape(entry.name)
        imported = f"{entry.imported_at:%Y-%m-%d %H:%M} UTC"
        return f"{md_escape(entry.name)} - {entry.rows:,} facilities, imported {imported}"

    chosen = st.radio(
        "Search this directory",
        list(entries),
        index=list(entries).index(active.key) if active.key in entries else 0,
        format_func=describe,
    )
    if chosen != active.key:
        try:
            workspace.library.set_active(chosen)
        except StoreError as exc:
            st.error(str(exc))
        else:
            st.session_state["flash"] = f"Now searching {md_escape(entries[chosen].name)}."
            st.rerun()
    st.caption(
        f"Active: **{md_escape(active.name)}**. {len(ui.active_directory()):,} facilities, "
        f"{ui.active_index().unlocated_count:,} of them without a location (not searchable)."
    )


# ----------------------------------------------------------------------------- import a listing


def import_listing(workspace: Workspace) -> None:
    """Import an uploaded listing and make it active; a failure keeps the previous directory."""
    st.header("Import a facility listing")
    st.markdown(
        "Download the current listing from [FindTreatment.gov](https://findtreatment.gov/) "
        "(Export as CSV or Excel), or use the API's JSON, the 2015 National Directory or any CSV "
        "with names, addresses and coordinates. The file stays on this computer."
    )
    with st.form("import_form", clear_on_submit=False):
        upload = st.file_uploader("Listing file", type=["csv", "xlsx", "json"], key="listing_file")
        fmt = st.selectbox("Format", FORMATS, format_func=label_of)
        import_clicked = st.form_submit_button(
            "Import", type="primary", icon=":material/upload:", key="import_submit"
        )
    if import_clicked or column_mapping.retry_requested():
        _import_upload(workspace, upload, fmt)
    column_mapping.column_mapping_form()


def _import_upload(workspace: Workspace, upload: Any, fmt: FormatChoice) -> None:
    """Import the uploaded file (with any column mapping the user gave) and make it active."""
    if upload is None:
        st.error("Choose a file first.")
        return
    shown_name = md_escape(upload.name)
    bar = st.progress(0.0, text=f"Reading {shown_name}...")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

    try:
        result = import_bytes(
            upload.getvalue(),
            upload.name,
            fmt=fmt,
            column_map=column_mapping.column_map_for(upload.name),
            progress=progress,
        )
        bar.progress(1.0, text="Saving...")
        entry = workspace.library.save_import(
            result.frame,
            name=upload.name,
            format=result.report.format,
            summary=result.report.summary_text(),
        )
        workspace.library.set_active(entry.key)
    except FacilityDataError as exc:
        bar.empty()
        column_mapping.offer_column_mapping(upload.name, upload.getvalue(), exc)
        st.error(
            f"{shown_name} was not imported: {md_escape(exc.summary)}. The directory you were "
            f"searching stays active.\n\n{_problem_lines(exc)}",
            icon=":material/error:",
        )
    except (OSError, StoreError) as exc:
        bar.empty()
        st.error(f"{shown_name} could not be saved ({md_escape(exc)}); nothing changed.")
    else:
        column_mapping.clear_column_mapping()
        report = result.report
        st.session_state["import_report"] = (
            report.summary_text().splitlines()[0],
            (report.rejected_count, report.rejected),
            dict(report.unmapped),
            list(report.notes),
        )
        st.session_state["flash"] = f"Imported {shown_name}; it is now the active directory."
        st.rerun()


def last_import_report() -> None:
    """Show what the last import kept, rejected (and why) and did not recognise."""
    if st.session_state["import_report"] is None:
        return
    summary, rejected, unmapped, notes = st.session_state["import_report"]
    with st.container(border=True):
        st.markdown(f"**Last import:** {md_escape(summary)}")
        for note in notes:
            st.caption(md_escape(note))
        rejected_count, rejected = rejected
        if rejected:
            shown = len(rejected)
            listed = "" if shown == rejected_count else f", the first {shown} listed"
            st.markdown(f"Rejected rows ({rejected_count:,}{listed}):")
            st.dataframe(
                pd.DataFrame(rejected, columns=["Row", "Reason"]), hide_index=True, width="stretch"
            )
        if unmapped:
            st.markdown(
                f"Service codes or names not recognised ({len(unmapped)}): they were ignored; "
                "the facilities were still imported."
            )
            st.dataframe(
                pd.DataFrame(
                    sorted(unmapped.items(), key=lambda kv: -kv[1]), columns=["Name", "Rows"]
                ),
                hide_index=True,
                width="stretch",
            )


# ----------------------------------------------------------------------------- availability feed


def import_feed(workspace: Workspace) -> None:
    """Add an uploaded feed of bed reports to the call log, and show what it merged."""
    st.header("Import an availability feed")
    st.markdown(
        "A CSV of bed reports (e.g. from a state registry): `facility_id` or `name` + `zip`, "
        "`beds_open_detox`, `beds_open_residential`, `availability_status`, "
        "`availability_reported_at`, `availability_source`. Reports are added to your call log; "
        "an older report never replaces a newer one."
    )
    with st.form("feed_form"):
        feed_upload = st.file_uploader("Feed file", type=["csv"], key="feed_file")
        feed_clicked = st.form_submit_button(
            "Import feed", icon=":material/upload:", key="feed_submit"
        )
    if feed_clicked:
        if feed_upload is None:
            st.error("Choose a feed file first.")
        else:
            try:
                feed = read_feed(feed_upload.getvalue())
                merge = workspace.calls.log_feed(ui.active_directory(), feed)
            except FacilityDataError as exc:
                st.error(
                    f"{md_escape(feed_upload.name)} was not imported: {md_escape(exc.summary)}."
                    f"\n\n{_problem_lines(exc)}"
                )
            else:
                st.session_state["feed_report"] = merge.summary_text()
                st.rerun()
    if st.session_state["feed_report"]:
        st.code(st.session_state["feed_report"], language=None)


# ----------------------------------------------------------------------------- where data lives


def privacy_controls(workspace: Workspace) -> None:
    """Offer to forget the last search, the addresses looked up online, and a shortlist."""
    # The last search holds the place typed and the "About the person" answers.
    if st.button("Forget the last search", icon=":material/search_off:", key="forget_search"):
        workspace.searches.forget_last_search()
        st.session_state.pop("search_form_shown", None)
        st.session_state["flash"] = "Forgot the last search (place and answers about the person)."
        st.rerun()
    remembered = workspace.privacy.geocoded_address_count()
    with st.form("forget_addresses"):
        st.markdown(
            f"Addresses looked up online are remembered on this computer: **{remembered}**."
        )
        if st.form_submit_button(
            "Forget the looked-up addresses",
            icon=":material/location_off:",
            key="forget_addresses_submit",
            disabled=remembered == 0,
        ):
            count = workspace.privacy.forget_geocoded_addresses()
            st.session_state["flash"] = f"Forgot {count} looked-up address(es)."
            st.rerun()
    lists = {item.id: item for item in workspace.shortlists.list_shortlists()}
    with st.form("delete_shortlist"):
        doomed = st.selectbox(
            "Shortlist", list(lists), format_func=lambda key: lists[key].name, key="doomed_list"
        )
        sure = st.checkbox("Yes, delete this shortlist and its notes", key="delete_list_sure")
        if st.form_submit_button(
            "Delete this shortlist", icon=":material/delete:", key="delete_shortlist_submit"
        ):
            if not sure:
                st.error("Tick the box to confirm; nothing was deleted.")
            else:
                workspace.shortlists.delete_shortlist(doomed)
                st.session_state["flash"] = (
                    f"Deleted the shortlist {md_escape(lists[doomed].name)}."
                )
                st.rerun()


def where_data_lives(workspace: Workspace) -> str:
    """Say where calls, shortlists and listings are kept (this computer, or the team server)."""
    if team_ui.mode() == "team":
        return (
            "Calls, shortlists and imported listings are kept in this team server's database, "
            "shared with the colleagues of your organisation (not with other organisations)."
        )
    folder = workspace.library.library_folder().parent
    return (
        f"Calls, shortlists and imported listings are stored only on this computer, in "
        f"`{folder}` (readable by your user account only). "
        'To keep it in another database, see "Run the app" in the README.'
    )


def data_location(workspace: Workspace, entries: dict[str, library.DirectoryEntry]) -> None:
    """Say where the data is kept, and delete an imported listing or the whole call log."""
    with st.expander("Where your data is kept, and deleting it", icon=":material/lock:"):
        st.markdown(where_data_lives(workspace))
        imported = {key: entry for key, entry in entries.items() if not entry.is_builtin}
        if imported:
            with st.form("delete_listing"):
                doomed = st.selectbox(
                    "Imported listing", list(imported), format_func=lambda key: imported[key].name
                )
                if st.form_submit_button(
                    "Delete this listing", icon=":material/delete:", key="delete_listing_submit"
                ):
                    workspace.library.delete_directory(doomed)
                    st.session_state["flash"] = f"Deleted {md_escape(imported[doomed].name)}."
                    st.rerun()
        privacy_controls(workspace)
        with st.form("clear_calls"):
            sure = st.checkbox("Yes, delete every call and feed report I logged")
            if st.form_submit_button(
                "Delete the call log", icon=":material/delete_forever:", key="clear_calls_submit"
            ):
                if sure:
                    count = workspace.calls.clear_call_log()
                    st.session_state["flash"] = f"Deleted {count} logged reports."
                    st.rerun()
                else:
                    st.error("Tick the box to confirm; nothing was deleted.")


main()
