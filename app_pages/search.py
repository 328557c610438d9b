"""Search: where and what is needed -> ranked facilities, a map, one facility's details.

From the details the user calls the facility (with the call script) and logs what it said;
the ranking uses the logged call at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import live_ui, person_ui, ui
from matching.directory import columns as col
from matching.errors import LocationError, QueryError
from matching.records import calllog, privacy, shortlist
from matching.render import display
from matching.render.callscript import call_script
from matching.render.safe_text import md_escape, safe_link
from matching.search.engine import search
from matching.search.explain import loosen_suggestions, nearest_miles
from matching.search.geo import NominatimGeocoder, resolve_location
from matching.search.index import FacilityIndex
from matching.search.query import (
    AFTER_CARE,
    DETOX_NEEDS,
    MOUD_NEEDS,
    PAYERS,
    AfterCare,
    DetoxNeed,
    MoudNeed,
    Payer,
    SearchQuery,
)
from matching.search.scoring import PRESET_DESCRIPTIONS, PRESETS

MAX_SHOWN = 200
AGE_CHOICES = {None: "Any age", 24.0: "Last 24 hours", 72.0: "Last 3 days", 168.0: "Last week"}
RESULT_COLUMNS = [
    display.RESULT_FACILITY,
    display.RESULT_PHONE,
    display.RESULT_CALL,
    display.RESULT_NEEDED,
    display.RESULT_AVAILABILITY,
    display.RESULT_FRESHNESS,
    display.RESULT_DISTANCE,
    display.RESULT_SCORE,
    display.RESULT_WHY,
    display.RESULT_ADDRESS,
    display.RESULT_WEBSITE,
    display.RESULT_LISTING,
]


def main() -> None:
    """Draw the page in the order of the journey: ask, rank, shortlist, map, call."""
    ui.init_state()
    st.session_state.setdefault("map_opt_in", False)  # the street map loads online images
    st.title("Find a detox or treatment bed")
    st.caption(
        "Enter where the person is and what they need. Results are a starting list: call to "
        "confirm every bed before you rely on it."
    )
    ui.flash()

    submitted = search_form()
    if submitted is not None:
        st.session_state["search_query"] = submitted
    query = query_to_run()
    if query is None:
        return

    index = ui.active_index()
    now = ui.now()
    tz = ui.browser_timezone()
    # Only the rows shown are built (reasons and all); the total comes with them.
    shown = search(index, query, now=now, top=MAX_SHOWN)
    live_ui.search_offer(query)
    if shown.empty:
        show_no_results(index, query, now=now)
        return

    table = display.results_table(shown, now=now, tz=tz)
    selected_rows = show_results(shown, table, query, now=now)
    names = dict(zip(shown[col.FACILITY_ID], shown[col.NAME], strict=True))
    add_to_shortlist(shown, names, selected_rows, query)
    show_map(shown, query)
    show_details(shown, table, names, query, now=now, tz=tz)


# ----------------------------------------------------------------------------- what is needed


@dataclass(frozen=True, kw_only=True)
class FormInput:
    """What the search form holds, as entered (turned into a SearchQuery on submit)."""

    place: str
    online: bool
    radius: int
    payers: list[Payer]
    detox: DetoxNeed | None
    moud: list[MoudNeed]
    after_care: AfterCare | None
    min_beds: int | float
    max_age: float | None
    include_unverified: bool
    intervention_day: date | None
    intervention_time: time
    preset: str


def search_form() -> SearchQuery | None:
    """Show the search form; return the new query when it was submitted and is valid.

    Why an invalid submit failed is kept in the session state for :func:`query_to_run`.
    """
    with st.form("search_form"):
        place = st.text_input(
            "Where is the person? ZIP, city or coordinates",
            placeholder='10001, "Boston, MA" or "40.75, -73.99"',
            key="place",
        )
        online = st.checkbox(
            "Look up a street address online - this sends the address to OpenStreetMap's "
            "Nominatim service",
            value=False,
        )
        inputs = _filter_inputs(place, online)
        person = person_ui.about_the_person()
        submitted = st.form_submit_button(
            "Search", type="primary", icon=":material/search:", key="search_submit"
        )
    if not submitted:
        return None
    try:
        query = _to_query(inputs, person)
    except (LocationError, QueryError) as exc:
        st.session_state["search_error"] = str(exc)
        return None
    st.session_state["search_error"] = ""
    return query


def _filter_inputs(place: str, online: bool) -> FormInput:
    """Show the filters (the main three, then the rest folded away) and return the form."""
    left, middle, right = st.columns(3)
    radius = left.slider("Distance (miles)", min_value=5, max_value=300, value=50, step=5)
    payers = middle.multiselect(
        "Insurance or payment (any of)", PAYERS, format_func=display.PAYER_LABELS.__getitem__
    )
    detox = right.selectbox(
        "Detox needed",
        [None, *DETOX_NEEDS],
        format_func=_detox_label,
    )
    with st.expander("More: medication, after-care, open beds, timing, ranking"):
        left, middle, right = st.columns(3)
        moud = left.multiselect(
            "Medication for opioid use disorder (any of)",
            MOUD_NEEDS,
            format_func=display.MOUD_LABELS.__getitem__,
        )
        after_care = left.selectbox(
            "Care after detox",
            [None, *AFTER_CARE],
            format_func=_after_care_label,
        )
        min_beds = middle.number_input("Open beds needed now", min_value=0, max_value=20, value=0)
        max_age = middle.selectbox(
            "Count bed reports from", list(AGE_CHOICES), format_func=AGE_CHOICES.__getitem__
        )
        include_unverified = middle.checkbox(
            "Include unconfirmed listings",
            help="Keep facilities whose listing does not say whether they meet a requirement; "
            "they rank lower and are marked 'call to confirm'.",
        )
        intervention_day = right.date_input("Intervention date (optional)", value=None)
        intervention_time = right.time_input("Intervention time", value=time(10, 0))
        preset = st.radio(
            "Rank for",
            list(PRESETS),
            key="preset",
            horizontal=True,
            format_func=lambda name: f"{name.title()}: {PRESET_DESCRIPTIONS[name]}",
        )
    return FormInput(
        place=place,
        online=online,
        radius=radius,
        payers=payers,
        detox=detox,
        moud=moud,
        after_care=after_care,
        min_beds=min_beds,
        max_age=max_age,
        include_unverified=include_unverified,
        intervention_day=intervention_day,
        intervention_time=intervention_time,
        preset=preset,
    )


def _detox_label(need: str | None) -> str:
    return "No detox requirement" if need is None else display.DETOX_LABELS[need]


def _after_care_label(care: str | None) -> str:
    return "No requirement" if care is None else display.AFTER_CARE_LABELS[care]


def _to_query(inputs: FormInput, person: person_ui.PersonAnswers) -> SearchQuery:
    """Locate the place and build the query; raise LocationError or QueryError with a sentence."""
    geocoder = (
        NominatimGeocoder(cache_path=privacy.geocode_cache_path(ui.get_engine()))
        if inputs.online
        else None
    )
    origin = resolve_location(inputs.place, geocoder=geocoder)
    intervention_at = (
        datetime.combine(
            inputs.intervention_day, inputs.intervention_time, ZoneInfo(ui.browser_timezone())
        )
        if inputs.intervention_day is not None
        else None
    )
    return SearchQuery(
        origin=origin,
        radius_miles=float(inputs.radius),
        payers=tuple(inputs.payers),
        detox=inputs.detox,
        moud=tuple(inputs.moud),
        after_care=inputs.after_care,
        min_beds=int(inputs.min_beds),
        max_age_hours=inputs.max_age,
        include_unverified=inputs.include_unverified,
        intervention_at=intervention_at,
        preset=inputs.preset,
        **person.query_fields(),
    )


def query_to_run() -> SearchQuery | None:
    """Return the last valid query; None, with what to do, when there is none to run."""
    if st.session_state["search_error"]:
        st.error(st.session_state["search_error"], icon=":material/location_off:")
        return None
    query: SearchQuery | None = st.session_state["search_query"]
    if query is None:
        st.info("Enter a place and press **Search** to see facilities near it.")
    return query


# ----------------------------------------------------------------------------- results


def show_no_results(index: FacilityIndex, query: SearchQuery, *, now: datetime) -> None:
    """Say nothing fits, and which single loosened filter would find some (or how far)."""
    st.warning(
        f"No facility within {query.radius_miles:g} miles of {md_escape(query.origin.label)} fits."
    )
    suggestions = [s for s in loosen_suggestions(index, query, now=now) if s.count]
    if suggestions:
        st.markdown("Try loosening one filter:")
        st.markdown("\n".join(f"- {s.change}: **{s.count}** facilities" for s in suggestions))
    else:
        nearest = nearest_miles(index, query.origin.lat, query.origin.lon)
        st.markdown(
            "No facility in this directory is in reach."
            if nearest is None
            else f"The nearest facility in this directory is {nearest:.0f} miles away."
        )


def show_results(
    shown: pd.DataFrame, table: pd.DataFrame, query: SearchQuery, *, now: datetime
) -> list[int]:
    """Show the ranked table of the rows shown; return the positions of selected rows."""
    total = shown.attrs["total_matches"]
    st.subheader(f"{total} facilities near {md_escape(query.origin.label)}")
    if total > MAX_SHOWN:
        st.caption(f"Showing the best {MAX_SHOWN}; narrow the search to see others.")
    person_ui.results_notes(shown, query, now)
    selection = st.dataframe(
        table,
        key="results_table",
        hide_index=True,
        on_select="rerun",
        selection_mode="multi-row",
        width="stretch",
        column_order=RESULT_COLUMNS,
        column_config={
            display.RESULT_FACILITY: st.column_config.TextColumn(width=220, pinned=True),
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
    # A selection made on an earlier, longer result list may point past the end of this one.
    return [row for row in (selection.selection.rows if selection else []) if row < len(table)]


# ----------------------------------------------------------------------------- shortlist


def add_to_shortlist(
    shown: pd.DataFrame, names: dict[str, str], selected_rows: list[int], query: SearchQuery
) -> None:
    """Let the user add the selected (or picked by name) facilities to the current shortlist."""
    shortlists = shortlist.list_shortlists(ui.get_engine())
    by_id = {s.id: s for s in shortlists}
    if st.session_state["shortlist_id"] not in by_id:
        st.session_state["shortlist_id"] = shortlists[0].id
    target = by_id[st.session_state["shortlist_id"]]

    picked = st.multiselect(
        "Or pick facilities by name",
        list(names),
        format_func=names.__getitem__,
        key="pick_by_name",
        help="The same as selecting rows in the table, for keyboards and screen readers.",
    )
    chosen_ids = list(dict.fromkeys([*shown[col.FACILITY_ID].iloc[selected_rows], *picked]))
    if st.button(
        f"Add {len(chosen_ids)} to {md_escape(target.name)}",
        disabled=not chosen_ids,
        type="primary",
        key="add_to_shortlist",
        icon=":material/playlist_add:",
    ):
        chosen = shown[shown[col.FACILITY_ID].isin(chosen_ids)]
        added = shortlist.add_facilities(
            ui.get_engine(), target.id, chosen, origin_label=query.origin.label
        )
        st.success(
            f"Added {added} to {md_escape(target.name)}"
            + (f" ({len(chosen_ids) - added} already there)." if added < len(chosen_ids) else ".")
        )
        st.page_link(ui.SHORTLIST_PAGE, label="Open the shortlist", icon=":material/checklist:")


# ----------------------------------------------------------------------------- map


def show_map(shown: pd.DataFrame, query: SearchQuery) -> None:
    """Show the results around the origin: the street map if opted in, else an offline plot."""
    with st.expander("Map", expanded=True, icon=":material/map:"):
        # Off by default: the street map's images come from an online service (CARTO), which
        # then sees the area being searched - the same kind of disclosure as online geocoding.
        st.session_state["map_opt_in"] = st.toggle(
            "Show the street map (loads map images from an online map service, which sees the "
            "area shown)",
            value=st.session_state["map_opt_in"],
        )
        points = display.map_points(shown, query.origin.lat, query.origin.lon)
        if st.session_state["map_opt_in"]:
            st.map(points, latitude="lat", longitude="lon", color="color", size="size", height=380)
        else:
            st.altair_chart(offline_plot(points), width="stretch")
            st.caption(
                "Street map off: this plot is drawn on your computer from the results alone."
            )
        st.caption(
            "Dark blue: the place you entered. Colours are about the beds this search needs "
            "(detox if detox is required, else residential; the person's sex where reported). "
            "Green: openings reported in the last 24 h; amber: openings reported earlier; red: "
            "no openings or waitlist; grey: not reported."
        )


def offline_plot(points: pd.DataFrame) -> alt.Chart:
    """Return a longitude/latitude plot drawn in the browser: no map images leave the machine."""
    return (
        alt.Chart(points)
        .mark_circle(opacity=0.85)
        .encode(
            x=alt.X("lon", title="longitude", scale=alt.Scale(zero=False)),
            y=alt.Y("lat", title="latitude", scale=alt.Scale(zero=False)),
            color=alt.Color("color", scale=None),
            size=alt.Size("size", scale=alt.Scale(range=[40, 160]), legend=None),
            order=alt.Order("size"),  # the origin (largest) is drawn on top
        )
        .properties(height=380)
    )


# ----------------------------------------------------------------------------- one facility


def show_details(
    shown: pd.DataFrame,
    table: pd.DataFrame,
    names: dict[str, str],
    query: SearchQuery,
    *,
    now: datetime,
    tz: str,
) -> None:
    """Show one chosen facility: contact and services, then call script, history, call log."""
    st.subheader("Facility details, call script and call log")
    facility_id = st.selectbox(
        "Facility",
        list(names),
        format_func=names.__getitem__,
        key="detail_facility",
    )
    row = shown[shown[col.FACILITY_ID] == facility_id].iloc[0]
    facility_card(row, table.loc[row.name], now=now)

    script_tab, history_tab, log_tab = st.tabs(
        ["Call script", "Availability history", "Log a call"]
    )
    with script_tab:
        st.markdown("\n".join(f"{n}. {q}" for n, q in enumerate(call_script(row, query), start=1)))
    with history_tab:
        history = calllog.call_history(ui.get_engine(), facility_id)
        if history.empty:
            st.caption("No calls logged for this facility yet.")
        else:
            st.dataframe(display.history_table(history, tz=tz), hide_index=True, width="stretch")
    with log_tab:
        log_call_form(facility_id, row[col.NAME], now=now, tz=tz)


def facility_card(row: pd.Series, details: pd.Series, *, now: datetime) -> None:
    """Show a facility's name, address, phones, availability and services side by side."""
    info, services_column = st.columns([3, 2])
    with info:
        # Every listing value is escaped: a name or street is text, never Markdown (safe_text).
        st.markdown(f"### {md_escape(row[col.NAME])}")
        if row[col.NAME2]:
            st.caption(md_escape(row[col.NAME2]))
        address = md_escape(details[display.RESULT_ADDRESS])
        st.markdown(f"{address} - **{md_escape(details[display.RESULT_DISTANCE])}**")
        for label, number in (("Main", row[col.PHONE]), ("Intake", row[col.INTAKE_PHONE])):
            link = display.tel_link(number)
            if link:
                st.markdown(f"{label}: {safe_link(number, link)}")
        if details[display.RESULT_WEBSITE]:
            st.markdown(safe_link("Website", details[display.RESULT_WEBSITE]))
        st.markdown(f"**Availability:** {md_escape(details[display.RESULT_AVAILABILITY])}")
        live_ui.facility_notes(row)
        if row[col.AVAILABILITY_SOURCE]:
            st.caption(f"Source: {md_escape(row[col.AVAILABILITY_SOURCE])}")
        person_ui.listing_notes(row, now)
    with services_column:
        service_lists = display.service_lists(row)
        for heading, services in service_lists.items():
            if services:
                st.markdown(f"**{heading.capitalize()}:** " + "; ".join(services))
        if row[col.SERVICES]:
            st.caption(f"Listed services: {md_escape(row[col.SERVICES])}")


def log_call_form(facility_id: str, name: str, *, now: datetime, tz: str) -> None:
    """Show the form that logs what a facility said; save it and rerun so the ranking uses it."""
    with st.form("log_call", clear_on_submit=True):
        status = st.selectbox(
            "What did they say?",
            col.AVAILABILITY_STATUSES,
            format_func=col.STATUS_LABELS.__getitem__,
            key="log_status",
        )
        beds_left, beds_right = st.columns(2)
        detox_beds = beds_left.number_input(
            "Detox beds open", min_value=0, max_value=1000, value=None, key="log_detox_beds"
        )
        residential_beds = beds_right.number_input(
            "Residential beds open", min_value=0, max_value=1000, value=None, key="log_residential"
        )
        who_left, who_right = st.columns(2)
        answered_by = who_left.text_input(
            "Who answered", placeholder="e.g. intake nurse Maria", key="log_answered_by"
        )
        logged_by = who_right.text_input("Your name (optional)")
        local_now = now.astimezone(ZoneInfo(tz))
        when_left, when_right = st.columns(2)
        call_day = when_left.date_input("Date of the call", value=local_now.date())
        call_time = when_right.time_input(
            "Time of the call", value=local_now.time().replace(second=0, microsecond=0)
        )
        note = st.text_input("Note", placeholder="e.g. call back after 6 pm to confirm")
        if not st.form_submit_button("Save the call", icon=":material/call:", key="log_submit"):
            return
        try:
            report = calllog.CallReport(
                facility_id=facility_id,
                availability_status=status,
                beds_open_detox=None if detox_beds is None else int(detox_beds),
                beds_open_residential=None if residential_beds is None else int(residential_beds),
                reported_at=datetime.combine(call_day, call_time, ZoneInfo(tz)),
                answered_by=answered_by,
                logged_by=logged_by,
                note=note,
            )
        except QueryError as exc:
            st.error(str(exc))
        else:
            calllog.log_call(ui.get_engine(), report)
            st.session_state["flash"] = f"Call to {md_escape(name)} saved; the ranking uses it now."
            st.rerun()


main()
