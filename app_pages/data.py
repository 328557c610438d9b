"""Data: import a facility listing or an availability feed, and choose the directory to search."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import column_mapping, ui
from matching.errors import FacilityDataError, StoreError
from matching.ingest import import_bytes
from matching.ingest.availability import read_feed
from matching.ingest.sniff import FORMATS
from matching.records import calllog, library

ui.init_state()
st.session_state.setdefault("import_report", None)  # (summary, rejected rows, unmapped, notes)
st.session_state.setdefault("feed_report", "")
engine = ui.get_engine()
FORMAT_LABELS = {
    "auto": "Detect automatically",
    "findtreatment-csv": "FindTreatment.gov export (CSV)",
    "findtreatment-xlsx": "FindTreatment.gov export (Excel)",
    "findtreatment-json": "FindTreatment.gov API (JSON)",
    "directory-2015": "National Directory 2015 (CSV)",
    "generic-csv": "Other CSV (name, address, ZIP, latitude, longitude)",
    "national-directory": "National Directory 2022-2025 (Excel)",
    "ca-dhcs-licensing": "California DHCS licensing list (CSV)",
}


def _problem_lines(error: FacilityDataError, limit: int = 5) -> str:
    lines = [f"- {problem}" for problem in error.problems[:limit]]
    if len(error.problems) > limit:
        lines.append(f"- ... and {len(error.problems) - limit} more")
    return "\n".join(lines)


st.title("Facility data")
ui.flash()

# ----------------------------------------------------------------------------- active directory

st.subheader("Directory to search")
entries = {entry.key: entry for entry in library.list_directories(engine)}
active = ui.active_entry()


def _describe(key: str) -> str:
    entry = entries[key]
    if entry.is_builtin:
        return entry.name
    return (
        f"{entry.name} - {entry.rows:,} facilities, imported {entry.imported_at:%Y-%m-%d %H:%M} UTC"
    )


chosen = st.radio(
    "Search this directory",
    list(entries),
    index=list(entries).index(active.key) if active.key in entries else 0,
    format_func=_describe,
)
if chosen != active.key:
    try:
        library.set_active(engine, chosen)
    except StoreError as exc:
        st.error(str(exc))
    else:
        st.session_state["flash"] = f"Now searching {entries[chosen].name}."
        st.rerun()
st.caption(
    f"Active: **{active.name}**. {len(ui.active_directory()):,} facilities, "
    f"{ui.active_index().unlocated_count:,} of them without a location (not searchable)."
)

# ----------------------------------------------------------------------------- import a listing

st.subheader("Import a facility listing")
st.markdown(
    "Download the current listing from [FindTreatment.gov](https://findtreatment.gov/) "
    "(Export as CSV or Excel), or use the API's JSON, the 2015 National Directory or any CSV "
    "with names, addresses and coordinates. The file stays on this computer."
)
with st.form("import_form", clear_on_submit=False):
    upload = st.file_uploader("Listing file", type=["csv", "xlsx", "json"], key="listing_file")
    fmt = st.selectbox("Format", FORMATS, format_func=lambda name: FORMAT_LABELS.get(name, name))
    import_clicked = st.form_submit_button(
        "Import", type="primary", icon=":material/upload:", key="import_submit"
    )

if import_clicked or column_mapping.retry_requested():
    if upload is None:
        st.error("Choose a file first.")
    else:
        bar = st.progress(0.0, text=f"Reading {upload.name}...")
        try:
            result = import_bytes(
                upload.getvalue(),
                upload.name,
                fmt=fmt,
                column_map=column_mapping.column_map_for(upload.name),
                progress=lambda fraction, message: bar.progress(
                    min(max(float(fraction), 0.0), 1.0), text=message
                ),
            )
            bar.progress(1.0, text="Saving...")
            entry = library.save_import(
                engine,
                result.frame,
                name=upload.name,
                format=result.report.format,
                summary=result.report.summary_text(),
            )
            library.set_active(engine, entry.key)
        except FacilityDataError as exc:
            bar.empty()
            column_mapping.offer_column_mapping(upload.name, upload.getvalue(), exc)
            st.error(
                f"{upload.name} was not imported: {exc.summary}. The directory you were "
                f"searching stays active.\n\n{_problem_lines(exc)}",
                icon=":material/error:",
            )
        except (OSError, StoreError) as exc:
            bar.empty()
            st.error(f"{upload.name} could not be saved ({exc}); nothing changed.")
        else:
            column_mapping.clear_column_mapping()
            report = result.report
            st.session_state["import_report"] = (
                report.summary_text().splitlines()[0],
                report.rejected,
                dict(report.unmapped),
                list(report.notes),
            )
            st.session_state["flash"] = f"Imported {upload.name}; it is now the active directory."
            st.rerun()

column_mapping.column_mapping_form()

if st.session_state["import_report"] is not None:
    summary, rejected, unmapped, notes = st.session_state["import_report"]
    with st.container(border=True):
        st.markdown(f"**Last import:** {summary}")
        for note in notes:
            st.caption(note)
        if rejected:
            st.markdown(f"Rejected rows ({len(rejected)}):")
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

st.subheader("Import an availability feed")
st.markdown(
    "A CSV of bed reports (e.g. from a state registry): `facility_id` or `name` + `zip`, "
    "`beds_open_detox`, `beds_open_residential`, `availability_status`, "
    "`availability_reported_at`, `availability_source`. Reports are added to your call log; "
    "an older report never replaces a newer one."
)
with st.form("feed_form"):
    feed_upload = st.file_uploader("Feed file", type=["csv"], key="feed_file")
    feed_clicked = st.form_submit_button("Import feed", icon=":material/upload:", key="feed_submit")
if feed_clicked:
    if feed_upload is None:
        st.error("Choose a feed file first.")
    else:
        try:
            feed = read_feed(feed_upload.getvalue())
            merge = calllog.log_feed(engine, ui.active_directory(), feed)
        except FacilityDataError as exc:
            st.error(
                f"{feed_upload.name} was not imported: {exc.summary}.\n\n{_problem_lines(exc)}"
            )
        else:
            st.session_state["feed_report"] = merge.summary_text()
            st.rerun()
if st.session_state["feed_report"]:
    st.code(st.session_state["feed_report"], language=None)

# ----------------------------------------------------------------------------- where data lives

with st.expander("Where your data is kept, and deleting it", icon=":material/lock:"):
    st.markdown(
        f"Calls, shortlists and imported listings are stored only on this computer, in "
        f"`{library.library_folder(engine).parent}` (readable by your user account only). "
        "Set `READYBED_DB_URL` to use another database."
    )
    imported = {key: entry for key, entry in entries.items() if not entry.is_builtin}
    if imported:
        with st.form("delete_listing"):
            doomed = st.selectbox(
                "Imported listing", list(imported), format_func=lambda key: imported[key].name
            )
            if st.form_submit_button(
                "Delete this listing", icon=":material/delete:", key="delete_listing_submit"
            ):
                library.delete_directory(engine, doomed)
                st.session_state["flash"] = f"Deleted {imported[doomed].name}."
                st.rerun()
    with st.form("clear_calls"):
        sure = st.checkbox("Yes, delete every call and feed report I logged")
        if st.form_submit_button(
            "Delete the call log", icon=":material/delete_forever:", key="clear_calls_submit"
        ):
            if sure:
                count = calllog.clear_call_log(engine)
                st.session_state["flash"] = f"Deleted {count} logged reports."
                st.rerun()
            else:
                st.error("Tick the box to confirm; nothing was deleted.")
