"""Shortlist: the facilities to call, in order, with notes -> CSV, Excel and printable PDF."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import calls_ui, ui
from app_pages.links import phone_links, plain
from matching.errors import QueryError, StoreError
from matching.records import shortlist
from matching.records.workspace import Workspace
from matching.render import exports


def main() -> None:
    """Draw the page: which shortlist, its facilities in calling order, the downloads."""
    ui.init_state()
    workspace = ui.workspace()
    st.title("Shortlist")
    st.caption(
        "Put the facilities in the order you will call them, note what you learn, then download "
        "or print the list. Availability shown is the latest you or a feed reported."
    )
    ui.flash()
    current = choose_shortlist(workspace)
    items = workspace.shortlists.shortlist_items_frame(current.id)
    view = shortlist.shortlist_view(items, ui.active_directory())
    if not view.empty:
        view = calls_ui.with_last_call(view, tz=ui.browser_timezone())
        view = calls_ui.with_odds_of_last_search(view, ui.now())
    table = exports.shortlist_table(view, now=ui.now(), tz=ui.browser_timezone())
    if items.empty:
        st.info("This shortlist is empty. Select facilities on the Search page and add them here.")
        st.page_link(ui.SEARCH_PAGE, label="Go to Search", icon=":material/search:")
    for position, record in enumerate(table.to_dict("records")):
        show_item(workspace, current.id, view, position, record, last=len(table) - 1)
    if not items.empty:
        # Downloads keep the report times but no "3 h ago (fresh)" that a copy would freeze.
        downloads(
            current, view, exports.shortlist_table(view, tz=ui.browser_timezone(), relative=False)
        )


# ----------------------------------------------------------------------------- which shortlist


def choose_shortlist(workspace: Workspace) -> shortlist.Shortlist:
    """Let the user pick a shortlist or create one; return the one being built."""
    shortlists = workspace.shortlists.list_shortlists()
    by_id = {s.id: s for s in shortlists}
    if st.session_state["shortlist_id"] not in by_id:
        st.session_state["shortlist_id"] = shortlists[0].id
    choice, new = st.columns([2, 1])
    current_id = choice.selectbox(
        "Shortlist",
        list(by_id),
        index=list(by_id).index(st.session_state["shortlist_id"]),
        format_func=lambda key: by_id[key].name,
    )
    st.session_state["shortlist_id"] = current_id
    with new.popover("New shortlist", icon=":material/add:"), st.form("new_shortlist"):
        name = st.text_input("Name", placeholder="e.g. Sam - December")
        if st.form_submit_button("Create"):
            try:
                created = workspace.shortlists.create_shortlist(name)
            except QueryError as exc:
                st.error(str(exc))
            else:
                st.session_state["flash"] = f"Created {plain(created.name)}."
                st.session_state["shortlist_id"] = created.id
                st.rerun()
    return by_id[current_id]


# ----------------------------------------------------------------------------- the list


def _save_note(workspace: Workspace, shortlist_id: int, facility_id: str, key: str) -> None:
    workspace.shortlists.set_note(shortlist_id, facility_id, st.session_state[key])


def _move(workspace: Workspace, shortlist_id: int, facility_id: str, offset: int) -> None:
    try:
        workspace.shortlists.move_facility(shortlist_id, facility_id, offset)
    except StoreError as exc:
        st.session_state["flash"] = str(exc)


def _remove(workspace: Workspace, shortlist_id: int, facility_id: str, name: str) -> None:
    workspace.shortlists.remove_facility(shortlist_id, facility_id)
    st.session_state["flash"] = f"Removed {plain(name)}."


def show_item(
    workspace: Workspace,
    shortlist_id: int,
    view: pd.DataFrame,
    position: int,
    record: dict,
    *,
    last: int,
) -> None:
    """Show one facility of the list: phones, address, availability, its note, move/remove."""
    facility_id = record[exports.FACILITY_ID]
    with st.container(border=True):
        st.markdown(f"**{record[exports.POSITION]}. {plain(record[exports.FACILITY])}**")
        if not view["listed"].iloc[position]:
            st.caption("Not in the active directory: details are from when it was added.")
        phones = phone_links(
            ("Call", record[exports.PHONE]), ("Intake", record[exports.INTAKE_PHONE])
        )
        distance = record[exports.DISTANCE_TEXT]  # "about N miles (ZIP centre)" where approximate
        where = plain(record[exports.ADDRESS]) + (f" - {plain(distance)}" if distance else "")
        st.markdown(" · ".join(part for part in (phones, where) if part))
        st.markdown(f"**Availability:** {plain(record[exports.AVAILABILITY])}")
        if record[exports.LAST_CALL]:
            st.markdown(f"**Last call:** {plain(record[exports.LAST_CALL])}")
        odds = view[calls_ui.ODDS_COLUMN].iloc[position] if calls_ui.ODDS_COLUMN in view else ""
        if odds:
            st.caption(f"Call odds: {plain(odds)}")
        if record[exports.SERVICES]:
            st.caption(plain(record[exports.SERVICES]))
        st.caption(f"Listing: {plain(record[exports.LISTING])}")
        note_key = f"note_{shortlist_id}_{facility_id}"
        st.session_state.setdefault(note_key, record[exports.NOTE])
        st.text_input(
            "Note",
            key=note_key,
            on_change=_save_note,
            args=(workspace, shortlist_id, facility_id, note_key),
            placeholder="e.g. hold until 5 pm; ask for Maria",
        )
        item_buttons(workspace, shortlist_id, facility_id, record[exports.FACILITY], position, last)


def item_buttons(
    workspace: Workspace, shortlist_id: int, facility_id: str, name: str, position: int, last: int
) -> None:
    """Show the Up, Down and Remove buttons of one facility of the list."""
    with st.container(horizontal=True):
        st.button(
            "Up",
            key=f"up_{facility_id}",
            icon=":material/arrow_upward:",
            on_click=_move,
            args=(workspace, shortlist_id, facility_id, -1),
            disabled=position == 0,
        )
        st.button(
            "Down",
            key=f"down_{facility_id}",
            icon=":material/arrow_downward:",
            on_click=_move,
            args=(workspace, shortlist_id, facility_id, 1),
            disabled=position == last,
        )
        st.button(
            "Remove",
            key=f"remove_{facility_id}",
            icon=":material/delete:",
            on_click=_remove,
            args=(workspace, shortlist_id, facility_id, name),
        )


# ----------------------------------------------------------------------------- downloads


def downloads(current: shortlist.Shortlist, view: pd.DataFrame, table: pd.DataFrame) -> None:
    """Offer the list as CSV, Excel and a printable PDF."""
    st.header("Download or print")
    # A neutral file name: shortlist names may be personal, and download names travel in URLs.
    stem = f"readybed-shortlist-{current.id}"
    origin = view["origin_label"].iloc[0] if "origin_label" in view.columns else ""
    csv_column, xlsx_column, pdf_column = st.columns(3)
    csv_column.download_button(
        "CSV",
        exports.csv_bytes(table),
        f"{stem}.csv",
        "text/csv",
        icon=":material/csv:",
        width="stretch",
        on_click="ignore",
    )
    xlsx_column.download_button(
        "Excel",
        exports.xlsx_bytes(table),
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table:",
        width="stretch",
        on_click="ignore",
    )
    pdf_column.download_button(
        "PDF (printable)",
        exports.shortlist_pdf(
            table, title=current.name, tz=ui.browser_timezone(), origin_label=origin
        ),
        f"{stem}.pdf",
        "application/pdf",
        icon=":material/print:",
        width="stretch",
        on_click="ignore",
    )
    st.caption("Spreadsheet cells that start like a formula (=, +, -, @) are saved as plain text.")


main()
