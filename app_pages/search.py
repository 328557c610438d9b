"""Search: where and what is needed -> ranked facilities, each opening its details in place.

Results are cards (name, distance, beds and their age, a tap-to-call link, Details) or a table
that starts with the name and the distance. Opening a result shows its details,
call script and call log right there; the ranking uses a logged call at once. The form and its
results stay in step across page changes and reloads (see ``search_form``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from app_pages import calls_ui, case_person_ui, live_ui, person_ui, ui
from app_pages.links import phone_link, phone_links, plain
from app_pages.search_form import (
    FormInput,
    active_filters,
    current_form,
    fold_search_form,
    new_search,
    offer_resume,
    remember,
    replace_form,
    search_form,
    to_query,
)
from matching.directory import columns as col
from matching.directory.default import DEFAULT_EDITION
from matching.errors import LocationError, QueryError
from matching.records import calllog
from matching.render import basemap, display
from matching.render.callscript import call_script
from matching.render.safe_text import md_escape, safe_link
from matching.search.engine import search
from matching.search.exclusions import Exclusion, filter_exclusions
from matching.search.explain import loosen_suggestions, no_single_change
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery
from matching.wording import count_of

MAX_SHOWN = 200
RESULTS_MEMO = "_results_memo"  # session key: (what the results depend on, shown, table)
MAP_OPEN = "map_open"  # session key: whether the Map expander is open
CARDS_STEP = 10  # cards shown at first, and added by "Show more"
VIEWS = ("Cards", "Table")
# The name, how far, then how to call and what they have: a desktop shows these without
# scrolling sideways.
RESULT_COLUMNS = [
    display.RESULT_FACILITY,
    display.RESULT_DISTANCE,
    display.RESULT_PHONE,
    display.RESULT_CALL,
    display.RESULT_NEEDED,
    display.RESULT_AVAILABILITY,
    display.RESULT_FRESHNESS,
    display.RESULT_SCORE,
    display.RESULT_WHY,
    display.RESULT_ADDRESS,
    display.RESULT_WEBSITE,
    display.RESULT_LISTING,
]


@dataclass(frozen=True, kw_only=True)
class Results:
    """One search's results as the page shows them (the same rows, the same order)."""

    query: SearchQuery
    shown: pd.DataFrame  # ranked result rows (at most MAX_SHOWN)
    table: pd.DataFrame  # the same rows as the labelled table columns
    total: int
    now: datetime
    tz: str

    @property
    def names(self) -> dict[str, str]:
        """Return facility id -> name, in rank order."""
        return dict(zip(self.shown[col.FACILITY_ID], self.shown[col.NAME], strict=True))


def main() -> None:
    """Draw the page in the order of the journey: ask, rank and open, shortlist, map."""
    ui.init_state()
    st.session_state.setdefault("map_opt_in", False)  # the street map loads online images
    st.session_state.setdefault("open_facility", None)  # the result whose details are open
    st.session_state.setdefault("cards_shown", CARDS_STEP)
    st.title("Find a detox or treatment bed")
    st.caption(
        "Enter where the person is and what they need. Results are a starting list: call to "
        "confirm every bed before you rely on it."
    )
    ui.flash()
    directory_line()

    offer_resume()
    submitted = search_form(current_form() or case_prefill())
    if submitted is not None:
        remember(submitted)
        _results_reset()
        fold_search_form()
        st.rerun()  # draw the form again, folded to its summary line above the results
    show_filters(current_form())
    results = run_search()
    if results is None:
        return
    selected_rows = show_results(results)
    add_to_shortlist(results, selected_rows)
    show_map(results)


def case_prefill() -> FormInput | None:
    """Return a new search filled in from the open case's person (and say so), or None."""
    case = case_person_ui.open_case()
    prefill = None if case is None else case_person_ui.search_prefill(case)
    if case is not None and prefill is not None:
        case_person_ui.prefill_note(case)
    return prefill


def directory_line() -> None:
    """Name the directory that answers this search, its age, and where to switch it."""
    entry = ui.active_entry()
    if entry.is_demo:
        age = "fictional facilities for trying ReadyBed"
    elif entry.imported_at is None:
        age = f"SAMHSA's {DEFAULT_EDITION} edition, shipped with ReadyBed"
    else:
        days = max((ui.now() - entry.imported_at).days, 0)
        age = f"imported {entry.imported_at:%Y-%m-%d} ({count_of(days, 'day')} ago)"
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.caption(f"Directory: **{md_escape(entry.name)}** - {age}.")
    right.page_link(ui.DATA_PAGE, label="Switch directory", icon=":material/swap_horiz:")


def show_filters(form: FormInput | None) -> None:
    """Show every filter the search applies as a chip that removes it, and "New search"."""
    if form is None:
        return
    chips = active_filters(form)
    st.caption(
        "Filters in this search (press one to remove it):"
        if chips
        else "No filters beyond the place and the distance."
    )
    with st.container(horizontal=True, key="filter_chips"):
        for number, (label, without) in enumerate(chips):
            st.button(
                label,
                key=f"chip_{number}",
                icon=":material/close:",
                help=f"Remove this filter: {label}",
                on_click=_apply_form,
                args=(without,),
            )
        st.button(
            "New search",
            key="new_search",
            icon=":material/restart_alt:",
            type="tertiary",
            help="Clear the place and every filter",
            on_click=new_search,
        )


def _apply_form(form: FormInput) -> None:
    replace_form(form)
    _results_reset()


def _results_reset() -> None:
    st.session_state["open_facility"] = None
    st.session_state["cards_shown"] = CARDS_STEP


def run_search() -> Results | None:
    """Run the search the form shows; None (with what to do) when there is nothing to show."""
    form = current_form()
    if form is None:
        st.info("Enter a place and press **Search** to see facilities near it.")
        return None
    try:
        query = to_query(form)
    except (LocationError, QueryError) as exc:
        st.error(str(exc), icon=":material/location_off:")
        return None
    index = ui.active_index()
    now = ui.now()
    tz = ui.browser_timezone()
    live_ui.search_offer(query)
    shown, table = _ranked(index, query, now, tz)
    if shown.empty:
        show_no_results(index, query, now=now)
        return None
    return Results(
        query=query, shown=shown, table=table, total=shown.attrs["total_matches"], now=now, tz=tz
    )


def _ranked(
    index: FacilityIndex, query: SearchQuery, now: datetime, tz: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the rows shown (with odds and last calls) and their table, from this session's
    last result when nothing they depend on changed.

    A rerun that leaves the search alone (opening a result, switching pages and back, the
    map toggle) then skips the search and the table, about 40 ms of a 90 ms rerun. The key is
    the search, the directory and its call log (which the index is built from), the reader's
    time zone and the minute: the ages in the table ("5 min ago") are at most a minute old.
    """
    entry = ui.active_entry()
    path = str(entry.path)
    revision = ui.workspace().calls.revision()
    minute = now.replace(second=0, microsecond=0)
    key = (query, entry.key, path, ui.file_mtime(path), revision, tz, minute)
    kept = st.session_state.get(RESULTS_MEMO)
    if kept is not None and kept[0] == key:
        return kept[1], kept[2]
    # Only the rows shown are built (reasons and all); the total comes with them.
    shown = search(index, query, now=now, top=MAX_SHOWN)
    table = shown
    if not shown.empty:
        shown = calls_ui.with_last_call(calls_ui.with_call_odds(shown, query, now), tz=tz)
        table = calls_ui.with_odds_column(display.results_table(shown, now=now, tz=tz), shown)
    st.session_state[RESULTS_MEMO] = (key, shown, table)
    return shown, table


# ----------------------------------------------------------------------------- results


def show_no_results(index: FacilityIndex, query: SearchQuery, *, now: datetime) -> None:
    """Say nothing fits, and which single loosened filter would find some (or how far)."""
    st.warning(
        f"No facility within {query.radius_miles:g} miles of {plain(query.origin.label)} fits."
    )
    show_exclusions(index, query, now=now)
    suggestions = [s for s in loosen_suggestions(index, query, now=now) if s.count]
    if suggestions:
        st.markdown("Try loosening one filter:")
        st.markdown(
            "\n".join(f"- {s.change}: **{count_of(s.count, 'facility')}**" for s in suggestions)
        )
    else:
        st.markdown(no_single_change(index, query, now=now))


def show_exclusions(index: FacilityIndex, query: SearchQuery, *, now: datetime) -> None:
    """Name each filter that excluded facilities within the radius, and how many."""
    report = filter_exclusions(index, query, now=now)
    excluding = report.excluding()
    if not excluding:
        return
    reach = f"{count_of(report.in_radius, 'facility')} within {query.radius_miles:g} miles"
    lines = "\n".join(f"- {_exclusion_text(item)}" for item in excluding)
    st.markdown(
        f"{reach}; your filters left them out. Each filter on its own:\n\n{lines}\n\n"
        "Remove a filter with its button above, or start a **New search**."
    )


def _exclusion_text(item: Exclusion) -> str:
    """Say what one filter kept out: listings that say no, and listings that do not say."""
    parts = []
    if item.excluded:
        parts.append(f"excluded {count_of(item.excluded, 'facility')} whose listing says no")
    if item.unstated:
        parts.append(
            f"left out {count_of(item.unstated, 'facility')} whose listing does not say "
            "(call to confirm, or tick Include unconfirmed listings)"
        )
    return f"**{md_escape(item.name)}** {' and '.join(parts)}"


def default_view() -> str:
    """Return "Cards" on a phone or tablet, "Table" on a computer.

    The server cannot see the screen's width; the browser's User-Agent says "Mobi" on phones
    (the hint MDN recommends). The reader can switch either way, and the choice is kept.
    """
    agent = st.context.headers.get("User-Agent", "") if st.context.headers else ""
    return "Cards" if "Mobi" in agent or "Android" in agent else "Table"


def show_results(results: Results) -> list[int]:
    """Show the results as cards or a table; return the table rows selected for the shortlist."""
    label = plain(results.query.origin.label)
    st.header(f"{count_of(results.total, 'facility')} near {label}")
    if results.total > MAX_SHOWN:
        st.caption(f"Showing the best {MAX_SHOWN}; narrow the search to see others.")
    person_ui.results_notes(results.shown, results.query, results.now)
    calls_ui.show_call_first(results.shown)
    st.session_state.setdefault("results_view", default_view())
    view = st.radio(
        "Show results as",
        VIEWS,
        index=VIEWS.index(st.session_state["results_view"]),
        horizontal=True,
        key="results_view_choice",
    )
    st.session_state["results_view"] = view
    if view == "Cards":
        show_cards(results)
        return []
    selected = show_table(results)
    show_table_details(results, selected)
    return selected


def show_cards(results: Results) -> None:
    """Show the best results as cards; the open one shows its details inside its card."""
    limit = min(st.session_state["cards_shown"], len(results.shown))
    for position in range(limit):
        row = results.shown.iloc[position]
        details = results.table.iloc[position]
        facility_id = str(row[col.FACILITY_ID])
        is_open = st.session_state["open_facility"] == facility_id
        with st.container(border=True, key=f"card_{facility_id}"):
            st.markdown(card_text(position, row, details))
            st.button(
                "Hide details" if is_open else "Details",
                key=f"open_{facility_id}",
                icon=":material/expand_less:" if is_open else ":material/info:",
                on_click=_toggle_open,
                args=(facility_id,),
                help=f"Details, call script and call log of {row[col.NAME]}",
            )
            if is_open:
                show_details(results, facility_id, in_card=True)
    if limit < len(results.shown):
        st.button(
            f"Show {min(CARDS_STEP, len(results.shown) - limit)} more",
            key="cards_more",
            on_click=_show_more,
        )


def card_text(position: int, row: pd.Series, details: pd.Series) -> str:
    """Return a result card's text as one Markdown block: name, distance, beds, the last call,
    the MOUD answer, the call odds (smaller) and the tap-to-call links.

    One block, not one element a line: each element is a message to the browser and a node to
    draw, and a phone's ten cards made a call save wait ~80 ms longer (issue 23).
    """
    lines = [
        f"**{position + 1}. {plain(row[col.NAME])}**",
        f"{plain(details[display.RESULT_DISTANCE])} · {plain(row[col.CITY])}",
        f"**Beds:** {plain(details[display.RESULT_AVAILABILITY])}",
    ]
    notes = [
        f"Last call: {plain(row[calls_ui.LAST_CALL_COLUMN])}"
        if row.get(calls_ui.LAST_CALL_COLUMN)
        else "",
        plain(calls_ui.moud_caption(row)),
        f"Call odds: {plain(row[calls_ui.ODDS_COLUMN])}" if row.get(calls_ui.ODDS_COLUMN) else "",
    ]
    lines += [f":small[{note}]" for note in notes if note]
    phones = phone_links(("Call", row[col.PHONE]), ("Intake", row[col.INTAKE_PHONE]))
    if phones:
        lines.append(phones)
    return "  \n".join(lines)


def _toggle_open(facility_id: str) -> None:
    opened = st.session_state["open_facility"]
    st.session_state["open_facility"] = None if opened == facility_id else facility_id


def _show_more() -> None:
    st.session_state["cards_shown"] += CARDS_STEP


def show_table(results: Results) -> list[int]:
    """Show the ranked table; return the positions of the rows selected."""
    selection = st.dataframe(
        results.table,
        key="results_table",
        hide_index=True,
        on_select="rerun",
        selection_mode="multi-row",
        width="stretch",
        column_order=RESULT_COLUMNS,
        column_config={
            # Not pinned: Streamlit draws a pinned column's text in a light grey (below AA
            # contrast); the distance beside the name keeps the row readable without it.
            display.RESULT_FACILITY: st.column_config.TextColumn(width=220),
            display.RESULT_CALL: st.column_config.LinkColumn(
                help="Tap to call (intake line where listed)", display_text="Call"
            ),
            display.RESULT_AVAILABILITY: st.column_config.TextColumn(width="large"),
            display.RESULT_FRESHNESS: st.column_config.TextColumn(
                help="fresh: under 24 h old; aging: under 72 h; stale: older; "
                "unknown: never reported"
            ),
            display.RESULT_DISTANCE: st.column_config.TextColumn(
                help="'about N miles (ZIP centre)': located at its ZIP's centre, so approximate"
            ),
            display.RESULT_SCORE: st.column_config.ProgressColumn(
                min_value=0, max_value=100, format="%.0f"
            ),
            display.RESULT_WHY: st.column_config.TextColumn(width="large"),
            display.RESULT_WEBSITE: st.column_config.LinkColumn(display_text="website"),
        },
    )
    st.caption("Tick a row to open its details below and to add it to a shortlist.")
    # A selection made on an earlier, longer result list may point past the end of this one.
    rows = selection.selection.rows if selection else []
    return [row for row in rows if row < len(results.table)]


def show_table_details(results: Results, selected: list[int]) -> None:
    """Show, right below the table, the details of the row ticked last (or one picked by name)."""
    names = results.names
    previous = set(st.session_state.get("previous_selection", []))
    newly = [row for row in selected if row not in previous]
    st.session_state["previous_selection"] = selected
    if newly:
        # Set before the selectbox is drawn: the details follow the row just ticked.
        st.session_state["detail_facility"] = str(results.shown[col.FACILITY_ID].iloc[newly[-1]])
    if st.session_state.get("detail_facility") not in names:
        st.session_state.pop("detail_facility", None)
    facility_id = st.selectbox(
        "Details of",
        list(names),
        format_func=names.__getitem__,
        key="detail_facility",
        help="Ticking a row in the table opens it here too.",
    )
    show_details(results, facility_id, in_card=False)


# ----------------------------------------------------------------------------- shortlist


def add_to_shortlist(results: Results, selected_rows: list[int]) -> None:
    """Let the user add the selected (or picked by name) facilities to the current shortlist."""
    shortlists = ui.workspace().shortlists.list_shortlists()
    by_id = {s.id: s for s in shortlists}
    if st.session_state["shortlist_id"] not in by_id:
        st.session_state["shortlist_id"] = shortlists[0].id
    target = by_id[st.session_state["shortlist_id"]]
    names = results.names
    shown = results.shown

    st.subheader(f"Add to {target.name}")
    picked = st.multiselect(
        "Pick facilities by name" if not selected_rows else "And pick more by name",
        list(names),
        format_func=names.__getitem__,
        key="pick_by_name",
        help="The same as ticking rows in the table, for keyboards and screen readers.",
    )
    chosen_ids = list(dict.fromkeys([*shown[col.FACILITY_ID].iloc[selected_rows], *picked]))
    if st.button(
        f"Add {len(chosen_ids)} to {target.name}",
        disabled=not chosen_ids,
        type="primary",
        key="add_to_shortlist",
        icon=":material/playlist_add:",
    ):
        chosen = shown[shown[col.FACILITY_ID].isin(chosen_ids)]
        added = ui.workspace().shortlists.add_facilities(
            target.id, chosen, origin_label=results.query.origin.label
        )
        st.success(
            f"Added {added} to {target.name}"
            + (f" ({len(chosen_ids) - added} already there)." if added < len(chosen_ids) else ".")
        )
        st.page_link(ui.SHORTLIST_PAGE, label="Open the shortlist", icon=":material/checklist:")


def add_one_to_shortlist(results: Results, facility_id: str) -> None:
    """Show a button that adds one facility to the current shortlist."""
    shortlists = ui.workspace().shortlists.list_shortlists()
    by_id = {s.id: s for s in shortlists}
    target = by_id.get(st.session_state["shortlist_id"], shortlists[0])
    if st.button(
        f"Add to {target.name}", key=f"add_one_{facility_id}", icon=":material/playlist_add:"
    ):
        chosen = results.shown[results.shown[col.FACILITY_ID] == facility_id]
        added = ui.workspace().shortlists.add_facilities(
            target.id, chosen, origin_label=results.query.origin.label
        )
        name = results.names[facility_id]
        st.success(f"Added {name} to {target.name}." if added else f"{name} is already there.")
        st.page_link(ui.SHORTLIST_PAGE, label="Open the shortlist", icon=":material/checklist:")


# ----------------------------------------------------------------------------- map


def show_map(results: Results) -> None:
    """Show the results around the origin: the street map if opted in, else an offline map."""
    query = results.query
    # Drawn only while open (a lazy expander): the map cost ~80 ms in the browser on every
    # click, for a view the results list already gives in words. Once opened it stays open.
    box = st.expander("Map", key=MAP_OPEN, on_change="rerun", icon=":material/map:")
    if not box.open:
        return
    with box:
        # Off by default: the street map's images come from an online service (CARTO), which
        # then sees the area being searched - the same kind of disclosure as online geocoding.
        st.session_state["map_opt_in"] = st.toggle(
            "Show the street map (loads map images from an online map service, which sees the "
            "area shown)",
            value=st.session_state["map_opt_in"],
        )
        points = display.map_points(
            results.shown,
            query.origin.lat,
            query.origin.lon,
            origin_label=query.origin.label,
            availability=results.table[display.RESULT_AVAILABILITY],
        )
        if st.session_state["map_opt_in"]:
            st.map(points, latitude="lat", longitude="lon", color="color", size="size", height=380)
        else:
            st.vega_lite_chart(basemap.offline_map_spec(points), width="stretch")
            st.caption(
                "Street map off: this map is drawn on your computer from the results and the "
                "state and county outlines that ship with ReadyBed (US Census Bureau). Point at "
                "a dot for its name, distance and beds."
            )
        st.caption(
            "Dark blue diamond: the place you entered. Colours and shapes are about the beds "
            "this search needs (detox if detox is required, else residential; the person's sex "
            "where reported). Green circle: openings reported in the last 24 h; "
            "amber square: openings reported earlier; red triangle: no openings or waitlist; "
            "grey cross: not reported."
        )


# ----------------------------------------------------------------------------- one facility


def show_details(results: Results, facility_id: str, *, in_card: bool) -> None:
    """Show one facility: contact and services, then call script, history, call log."""
    position = list(results.shown[col.FACILITY_ID]).index(facility_id)
    row = results.shown.iloc[position]
    with st.container(border=not in_card, key=f"details_{facility_id}"):
        facility_card(row, results.table.iloc[position], now=results.now)
        add_one_to_shortlist(results, facility_id)
        script_tab, history_tab, log_tab = st.tabs(
            ["Call script", "Availability history", "Log a call"]
        )
        with script_tab:
            script = call_script(row, results.query)
            st.markdown("\n".join(f"{n}. {q}" for n, q in enumerate(script, start=1)))
        with history_tab:
            history = ui.workspace().calls.call_history(facility_id)
            if history.empty:
                st.caption("No calls logged for this facility yet.")
            else:
                table = display.history_table(history, tz=results.tz)
                st.dataframe(table, hide_index=True, width="stretch")
        with log_tab:
            log_call_form(
                facility_id, row[col.NAME], now=results.now, tz=results.tz, query=results.query
            )


def facility_card(row: pd.Series, details: pd.Series, *, now: datetime) -> None:
    """Show a facility's name, address, phones, availability and services side by side."""
    info, services_column = st.columns([3, 2])
    with info:
        st.markdown(f"### {plain(row[col.NAME])}")
        if row[col.NAME2]:
            st.caption(plain(row[col.NAME2]))
        address, distance = details[display.RESULT_ADDRESS], details[display.RESULT_DISTANCE]
        st.markdown(f"{plain(address)} - **{plain(distance)}**")
        for label, number in (("Main", row[col.PHONE]), ("Intake", row[col.INTAKE_PHONE])):
            if number:
                st.markdown(phone_link(number, label))
        if details[display.RESULT_WEBSITE]:
            st.markdown(safe_link("Website", details[display.RESULT_WEBSITE]))
        st.markdown(f"**Availability:** {plain(details[display.RESULT_AVAILABILITY])}")
        if row.get(calls_ui.LAST_CALL_COLUMN):
            st.markdown(f"**Last call:** {plain(row[calls_ui.LAST_CALL_COLUMN])}")
        if calls_ui.moud_caption(row):
            st.markdown(plain(calls_ui.moud_caption(row)))
        if row.get(calls_ui.ODDS_COLUMN):
            st.markdown(f"**Call odds:** {plain(row[calls_ui.ODDS_COLUMN])}")
        live_ui.facility_notes(row)
        if row[col.AVAILABILITY_SOURCE]:
            st.caption(f"Source: {plain(row[col.AVAILABILITY_SOURCE])}")
        person_ui.listing_notes(row, now)
    with services_column:
        service_lists = display.service_lists(row)
        # "Offered" already says what the listing offers: no second "Listed services" line.
        for heading, services in service_lists.items():
            if services:
                st.markdown(f"**{heading.capitalize()}:** " + "; ".join(services))


def log_call_form(
    facility_id: str, name: str, *, now: datetime, tz: str, query: SearchQuery | None = None
) -> None:
    """Show the form that logs what a facility said; the save runs as the button's callback,
    before the page's one rerun, so the ranking uses it without a second rerun (issue 23)."""
    with st.form("log_call", clear_on_submit=True):
        # No default: the person picks what was said, so a hurried save never records "openings".
        st.selectbox(
            "What did they say?",
            calls_ui.SAID_CHOICES,
            index=None,
            placeholder="Pick what they said",
            format_func=calls_ui.said_label,
            key="log_status",
        )
        calls_ui.asked_questions(query)
        calls_ui.moud_answer(query)
        beds_left, beds_right = st.columns(2)
        beds_left.number_input(
            "Detox beds open", min_value=0, max_value=1000, value=None, key="log_detox_beds"
        )
        beds_right.number_input(
            "Residential beds open", min_value=0, max_value=1000, value=None, key="log_residential"
        )
        who_left, who_right = st.columns(2)
        who_left.text_input(
            "Who answered", placeholder="e.g. intake nurse Maria", key="log_answered_by"
        )
        who_right.text_input("Your name (optional)", key="log_logged_by")
        local_now = now.astimezone(ZoneInfo(tz))
        when_left, when_right = st.columns(2)
        when_left.date_input("Date of the call", value=local_now.date(), key="log_day")
        when_right.time_input(
            "Time of the call",
            value=local_now.time().replace(second=0, microsecond=0),
            key="log_time",
        )
        st.text_input("Note", placeholder="e.g. call back after 6 pm to confirm", key="log_note")
        st.form_submit_button(
            "Save the call",
            icon=":material/call:",
            key="log_submit",
            on_click=_save_call,
            args=(facility_id, name, tz),
        )
    error = st.session_state.pop("log_error", None)
    if error:
        st.error(error)


def _save_call(facility_id: str, name: str, tz: str) -> None:
    """Save the call form's answers (button callback); a bad answer is kept for the page to say."""
    state = st.session_state
    choice = state.get("log_status")
    if choice is None:
        state["log_error"] = "Pick what they said (openings, no openings, ...); nothing was saved."
        return
    status, outcome = calls_ui.status_and_outcome(choice)
    detox_beds, residential_beds = state.get("log_detox_beds"), state.get("log_residential")
    try:
        report = calllog.CallReport(
            facility_id=facility_id,
            availability_status=status,
            need=str(state["log_need"]),
            payer=str(state["log_payer"]),
            outcome=outcome,
            moud_continues=str(state.get("log_moud") or ""),
            beds_open_detox=None if detox_beds is None else int(detox_beds),
            beds_open_residential=None if residential_beds is None else int(residential_beds),
            reported_at=datetime.combine(state["log_day"], state["log_time"], ZoneInfo(tz)),
            answered_by=state.get("log_answered_by", ""),
            logged_by=state.get("log_logged_by", ""),
            note=state.get("log_note", ""),
        )
    except QueryError as exc:
        state["log_error"] = str(exc)
    else:
        ui.workspace().calls.log_call(report)
        state["flash"] = f"Call to {plain(name)} saved; the ranking uses it now."


main()
