"""Search: where and what is needed -> ranked facilities, a map, one facility's details.

From the details the user calls the facility (with the call script) and logs what it said;
the ranking uses the logged call at once.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import altair as alt
import streamlit as st

from app_pages import live_ui, ui
from matching.directory import columns as col
from matching.errors import LocationError, QueryError
from matching.records import calllog, library, shortlist
from matching.render import display
from matching.render.callscript import call_script
from matching.search.engine import search
from matching.search.explain import loosen_suggestions, nearest_miles
from matching.search.geo import NominatimGeocoder, resolve_location
from matching.search.query import AFTER_CARE, DETOX_NEEDS, MOUD_NEEDS, PAYERS, SearchQuery
from matching.search.scoring import PRESET_DESCRIPTIONS, PRESETS

ui.init_state()
st.session_state.setdefault("map_opt_in", False)  # the street map loads online images
MAX_SHOWN = 200
AGE_CHOICES = {None: "Any age", 24.0: "Last 24 hours", 72.0: "Last 3 days", 168.0: "Last week"}

st.title("Find a detox or treatment bed")
st.caption(
    "Enter where the person is and what they need. Results are a starting list: call to "
    "confirm every bed before you rely on it."
)
ui.flash()

# ----------------------------------------------------------------------------- what is needed

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
    left, middle, right = st.columns(3)
    radius = left.slider("Distance (miles)", min_value=5, max_value=300, value=50, step=5)
    payers = middle.multiselect(
        "Insurance or payment (any of)", PAYERS, format_func=display.PAYER_LABELS.__getitem__
    )
    detox = right.selectbox(
        "Detox needed",
        [None, *DETOX_NEEDS],
        format_func=lambda need: (
            "No detox requirement" if need is None else display.DETOX_LABELS[need]
        ),
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
            format_func=lambda care: (
                "No requirement" if care is None else display.AFTER_CARE_LABELS[care]
            ),
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
    submitted = st.form_submit_button(
        "Search", type="primary", icon=":material/search:", key="search_submit"
    )

if submitted:
    try:
        geocoder = (
            NominatimGeocoder(
                cache_path=library.library_folder(ui.get_engine()).parent / "geocode.json"
            )
            if online
            else None
        )
        origin = resolve_location(place, geocoder=geocoder)
        intervention_at = (
            datetime.combine(intervention_day, intervention_time, ZoneInfo(ui.browser_timezone()))
            if intervention_day is not None
            else None
        )
        st.session_state["search_query"] = SearchQuery(
            origin=origin,
            radius_miles=float(radius),
            payers=tuple(payers),
            detox=detox,
            moud=tuple(moud),
            after_care=after_care,
            min_beds=int(min_beds),
            max_age_hours=max_age,
            include_unverified=include_unverified,
            intervention_at=intervention_at,
            preset=preset,
        )
        st.session_state["search_error"] = ""
    except (LocationError, QueryError) as exc:
        st.session_state["search_error"] = str(exc)

if st.session_state["search_error"]:
    st.error(st.session_state["search_error"], icon=":material/location_off:")
    st.stop()
query: SearchQuery | None = st.session_state["search_query"]
if query is None:
    st.info("Enter a place and press **Search** to see facilities near it.")
    st.stop()

# ----------------------------------------------------------------------------- results

index = ui.active_index()
now = ui.now()
tz = ui.browser_timezone()
results = search(index, query, now=now)
live_ui.search_offer(query)

if results.empty:
    st.warning(f"No facility within {query.radius_miles:g} miles of {query.origin.label} fits.")
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
    st.stop()

shown = results.head(MAX_SHOWN)
st.subheader(f"{len(results)} facilities near {query.origin.label}")
if len(results) > MAX_SHOWN:
    st.caption(f"Showing the best {MAX_SHOWN}; narrow the search to see others.")

table = display.results_table(shown, now=now, tz=tz)
selection = st.dataframe(
    table,
    key="results_table",
    hide_index=True,
    on_select="rerun",
    selection_mode="multi-row",
    width="stretch",
    column_order=[
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
    ],
    column_config={
        display.RESULT_FACILITY: st.column_config.TextColumn(width=220, pinned=True),
        display.RESULT_CALL: st.column_config.LinkColumn(
            help="Tap to call (intake line where listed)", display_text="Call"
        ),
        display.RESULT_AVAILABILITY: st.column_config.TextColumn(width="large"),
        display.RESULT_FRESHNESS: st.column_config.TextColumn(
            help="fresh: under 24 h old; aging: under 72 h; stale: older; unknown: never reported"
        ),
        display.RESULT_DISTANCE: st.column_config.NumberColumn(format="%.1f mi"),
        display.RESULT_SCORE: st.column_config.ProgressColumn(
            min_value=0, max_value=100, format="%.0f"
        ),
        display.RESULT_WHY: st.column_config.TextColumn(width="large"),
        display.RESULT_WEBSITE: st.column_config.LinkColumn(display_text="website"),
    },
)

# ----------------------------------------------------------------------------- shortlist

shortlists = shortlist.list_shortlists(ui.get_engine())
by_id = {s.id: s for s in shortlists}
if st.session_state["shortlist_id"] not in by_id:
    st.session_state["shortlist_id"] = shortlists[0].id
target = by_id[st.session_state["shortlist_id"]]

# A selection made on an earlier, longer result list may point past the end of this one.
selected_rows = [row for row in (selection.selection.rows if selection else []) if row < len(shown)]
names = dict(zip(shown[col.FACILITY_ID], shown[col.NAME], strict=True))
picked = st.multiselect(
    "Or pick facilities by name",
    list(names),
    format_func=names.__getitem__,
    key="pick_by_name",
    help="The same as selecting rows in the table, for keyboards and screen readers.",
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
    added = shortlist.add_facilities(
        ui.get_engine(), target.id, chosen, origin_label=query.origin.label
    )
    st.success(
        f"Added {added} to {target.name}"
        + (f" ({len(chosen_ids) - added} already there)." if added < len(chosen_ids) else ".")
    )
    st.page_link(ui.SHORTLIST_PAGE, label="Open the shortlist", icon=":material/checklist:")

# ----------------------------------------------------------------------------- map

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
        # Drawn in the browser from these points alone: no map images, nothing leaves the machine.
        st.altair_chart(
            alt.Chart(points)
            .mark_circle(opacity=0.85)
            .encode(
                x=alt.X("lon", title="longitude", scale=alt.Scale(zero=False)),
                y=alt.Y("lat", title="latitude", scale=alt.Scale(zero=False)),
                color=alt.Color("color", scale=None),
                size=alt.Size("size", scale=alt.Scale(range=[40, 160]), legend=None),
                order=alt.Order("size"),  # the origin (largest) is drawn on top
            )
            .properties(height=380),
            width="stretch",
        )
        st.caption("Street map off: this plot is drawn on your computer from the results alone.")
    st.caption(
        "Dark blue: the place you entered. Colours are about the beds this search needs "
        "(detox if detox is required, else residential; the person's sex where reported). "
        "Green: openings reported in the last 24 h; amber: openings reported earlier; red: no "
        "openings or waitlist; grey: not reported."
    )

# ----------------------------------------------------------------------------- one facility

st.subheader("Facility details, call script and call log")
facility_id = st.selectbox(
    "Facility",
    list(names),
    format_func=names.__getitem__,
    key="detail_facility",
)
row = shown[shown[col.FACILITY_ID] == facility_id].iloc[0]
details = table.loc[row.name]

info, services_column = st.columns([3, 2])
with info:
    st.markdown(f"### {row[col.NAME]}")
    if row[col.NAME2]:
        st.caption(row[col.NAME2])
    st.markdown(f"{details[display.RESULT_ADDRESS]} - **{row['distance_miles']:.1f} miles**")
    for label, number in (("Main", row[col.PHONE]), ("Intake", row[col.INTAKE_PHONE])):
        link = display.tel_link(number)
        if link:
            st.markdown(f"{label}: [{number}]({link})")
    if details[display.RESULT_WEBSITE]:
        st.markdown(f"[Website]({details[display.RESULT_WEBSITE]})")
    st.markdown(f"**Availability:** {details[display.RESULT_AVAILABILITY]}")
    live_ui.facility_notes(row)
    if row[col.AVAILABILITY_SOURCE]:
        st.caption(f"Source: {row[col.AVAILABILITY_SOURCE]}")
with services_column:
    service_lists = display.service_lists(row)
    for heading, services in service_lists.items():
        if services:
            st.markdown(f"**{heading.capitalize()}:** " + "; ".join(services))
    if row[col.SERVICES]:
        st.caption(f"Listed services: {row[col.SERVICES]}")

script_tab, history_tab, log_tab = st.tabs(["Call script", "Availability history", "Log a call"])
with script_tab:
    st.markdown("\n".join(f"{n}. {q}" for n, q in enumerate(call_script(row, query), start=1)))
with history_tab:
    history = calllog.call_history(ui.get_engine(), facility_id)
    if history.empty:
        st.caption("No calls logged for this facility yet.")
    else:
        st.dataframe(display.history_table(history, tz=tz), hide_index=True, width="stretch")
with log_tab, st.form("log_call", clear_on_submit=True):
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
    if st.form_submit_button("Save the call", icon=":material/call:", key="log_submit"):
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
            st.session_state["flash"] = f"Call to {row[col.NAME]} saved; the ranking uses it now."
            st.rerun()
