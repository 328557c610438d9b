"""Live sources in the app: refresh an area, geocode ZIP-centre rows, import the LA registry.

Each online action is a button the user presses after reading what it sends and to whom
(docs/privacy.md). A result is saved as a new directory in the library and made active, so the
directory searched before stays in the list, untouched; a failure shows one sentence and
changes nothing.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import ui
from matching.directory import columns as col
from matching.errors import FacilityDataError, LocationError, OnlineSourceError, StoreError
from matching.ingest.sbat import import_sbat_directory, is_sbat, merge_sbat
from matching.live.census_geocoder import geocode_directory
from matching.live.findtreatment_api import MAX_RADIUS_MILES, FetchArea, fetch_area
from matching.live.http import CACHE_DIR_ENV, LiveSettings, Progress
from matching.live.merge import merge_listings
from matching.records import library
from matching.render import display
from matching.render.safe_text import md_escape
from matching.search.geo import resolve_location
from matching.search.query import SearchQuery

REFRESH_SENDS = "sends the area you searched (its centre and radius) to SAMHSA"
GEOCODE_SENDS = "sends these facilities' street addresses to the US Census Bureau"


def _settings() -> LiveSettings:
    if os.environ.get(CACHE_DIR_ENV, "").strip():
        return LiveSettings.from_env()
    folder = ui.workspace().library.library_folder().parent / "http-cache"
    return LiveSettings.from_env(cache_dir=folder)


def _base_directory() -> tuple[library.DirectoryEntry, pd.DataFrame]:
    """Return the active entry and its directory as saved (without the call log on top)."""
    entry = ui.active_entry()
    return entry, library.load_entry(entry)


def _bar(text: str) -> tuple[Any, Progress]:
    """Return a progress bar and the callback that moves it (fractions clipped to 0..1)."""
    bar = st.progress(0.0, text=text)

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message)

    return bar, progress


def _save(frame: pd.DataFrame, *, name: str, fmt: str, summary: str) -> bool:
    try:
        entry = ui.workspace().library.save_import(frame, name=name, format=fmt, summary=summary)
        ui.workspace().library.set_active(entry.key)
    except (OSError, StoreError, FacilityDataError) as exc:
        st.error(f"The result could not be saved ({md_escape(exc)}); nothing changed.")
        return False
    st.session_state["flash"] = summary
    return True


def refresh_area(lat: float, lon: float, radius_miles: float, label: str) -> None:
    """Fetch FindTreatment.gov listings for an area and merge them into the active directory."""
    entry, directory = _base_directory()
    bar, progress = _bar(f"Asking FindTreatment.gov about {label}...")
    try:
        area = FetchArea(lat=lat, lon=lon, radius_miles=min(radius_miles, MAX_RADIUS_MILES))
        fetched = fetch_area(area, settings=_settings(), progress=progress)
        merged = merge_listings(directory, fetched.frame)
    except (OnlineSourceError, FacilityDataError, ValueError) as exc:
        bar.empty()
        st.error(
            f"{md_escape(exc)} The directory you were searching is unchanged.",
            icon=":material/error:",
        )
        return
    stamp = f"{fetched.fetched_at:%Y-%m-%d %H:%M} UTC"
    name = f"{entry.name} + FindTreatment.gov near {label} ({stamp})"
    if _save(merged.frame, name=name, fmt="findtreatment-api", summary=merged.summary_text()):
        st.rerun()


def search_offer(query: SearchQuery) -> None:
    """Offer, below a search, to get current listings for the searched area."""
    with st.expander(
        "Get current listings for this area from FindTreatment.gov",
        icon=":material/cloud_download:",
    ):
        st.caption(
            f"Optional and online: this {REFRESH_SENDS} - nothing about the person. The "
            "listings are merged into a copy of the directory, which becomes the one searched."
        )
        if st.button("Get current listings", key="live_search_refresh", icon=":material/sync:"):
            refresh_area(query.origin.lat, query.origin.lon, query.radius_miles, query.origin.label)


def refresh_form() -> None:
    """Data page: refresh the listings of any area."""
    st.header("Get current listings from FindTreatment.gov")
    st.caption(
        "Online, on request: this sends the area you enter (its centre and radius) to SAMHSA, "
        "nothing else. Repeating it within a day uses a copy "
        "kept on this computer."
    )
    with st.form("live_refresh_form"):
        left, right = st.columns([3, 1])
        place = left.text_input(
            "Area: ZIP, city or coordinates",
            placeholder="90013 or Los Angeles, CA",
            key="live_place",
        )
        radius = right.number_input(
            "Radius (miles)",
            min_value=1,
            max_value=int(MAX_RADIUS_MILES),
            value=25,
            key="live_radius",
        )
        clicked = st.form_submit_button(
            "Get current listings", icon=":material/sync:", key="live_refresh_submit"
        )
    if clicked:
        try:
            origin = resolve_location(place)
        except LocationError as exc:
            st.error(md_escape(exc))
            return
        refresh_area(origin.lat, origin.lon, float(radius), origin.label)


def geocode_button() -> None:
    """Data page: geocode the active directory's ZIP-centre rows with the Census geocoder."""
    entry, directory = _base_directory()
    approximate = int(
        (
            (directory[col.LOCATION_PRECISION] == "zip_centroid") & (directory[col.STREET] != "")
        ).sum()
    )
    st.header("Exact locations for ZIP-centre addresses")
    if not approximate:
        st.caption(
            "Every facility in the active directory has street-level coordinates, or no "
            "street address to look up."
        )
        return
    st.caption(
        f"{approximate:,} facilities are placed at their ZIP's centre, so their distances are "
        f"approximate. Geocoding {GEOCODE_SENDS} (never anything about the person)."
    )
    if not st.button(
        f"Geocode {approximate:,} addresses", key="live_geocode", icon=":material/my_location:"
    ):
        return
    bar, progress = _bar("Sending addresses to the US Census geocoder...")
    try:
        result = geocode_directory(directory, settings=_settings(), progress=progress)
    except (OnlineSourceError, FacilityDataError) as exc:
        bar.empty()
        st.error(f"{md_escape(exc)} The directory is unchanged.", icon=":material/error:")
        return
    if result.geocoded == 0:
        bar.empty()
        st.info(md_escape(result.summary_text()))
        return
    stamp = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    if _save(
        result.frame,
        name=f"{entry.name} (geocoded {stamp})",
        fmt=entry.format,
        summary=result.summary_text(),
    ):
        st.rerun()


def sbat_form() -> None:
    """Data page: import an LA County SBAT export (open beds by level and sex)."""
    st.header("Import LA County bed availability (SBAT)")
    st.caption(
        "A CSV export of Los Angeles County's Service & Bed Availability Tool: open detox and "
        "residential beds by sex. Apply it to the active directory (facilities matched by "
        "address and name), or use it as a directory of its own (placed at ZIP centres)."
    )
    with st.form("sbat_form"):
        upload = st.file_uploader("SBAT export", type=["csv"], key="sbat_file")
        mode = st.radio(
            "Use it to",
            ["apply", "directory"],
            format_func={
                "apply": "Update open beds in the active directory",
                "directory": "Search it as its own directory",
            }.__getitem__,
            horizontal=True,
            key="sbat_mode",
        )
        clicked = st.form_submit_button(
            "Import registry", icon=":material/upload:", key="sbat_submit"
        )
    if not clicked:
        return
    if upload is None:
        st.error("Choose the SBAT export first.")
        return
    data = upload.getvalue()
    if not is_sbat(data):
        st.error(
            f"{md_escape(upload.name)} is not an SBAT export (it needs the columns agency_name, "
            "agency_address, available_beds and last_updated); nothing changed."
        )
        return
    try:
        if mode == "apply":
            entry, directory = _base_directory()
            merged = merge_sbat(directory, data, upload.name)
            frame, summary, name = (
                merged.frame,
                merged.summary_text(),
                f"{entry.name} + {upload.name}",
            )
            st.session_state["sbat_unmatched"] = merged.unmatched
        else:
            result = import_sbat_directory(data, upload.name)
            frame, summary, name = result.frame, result.report.summary_text(), upload.name
    except FacilityDataError as exc:
        st.error(
            f"{md_escape(upload.name)} was not imported: {md_escape(exc.summary)}; nothing changed."
        )
        return
    if _save(frame, name=name, fmt="la-sbat", summary=summary.splitlines()[0]):
        st.rerun()


def sbat_unmatched() -> None:
    """Data page: list the agencies the last SBAT import could not match."""
    unmatched = st.session_state.get("sbat_unmatched") or []
    if unmatched:
        with st.expander(
            f"{len(unmatched)} SBAT agencies matched no facility", icon=":material/help:"
        ):
            st.dataframe(pd.DataFrame({"Agency": unmatched}), hide_index=True, width="stretch")


def data_page_sections() -> None:
    """Data page: every live-source section, in the order a user needs them."""
    refresh_form()
    geocode_button()
    sbat_form()
    sbat_unmatched()


def facility_notes(row: pd.Series) -> None:
    """Details panel: the beds this search needs and the licensing signal, where known."""
    kind = row.get("beds_needed_kind")
    if isinstance(kind, str) and kind and display.offers_level(row, kind):
        beds = row.get("beds_needed")
        figure = "not reported" if pd.isna(beds) else f"{int(beds)} open"
        beds_kind, _, note = kind.partition(" (")
        figure += f" ({note}" if note else ""
        st.markdown(f"**Open {md_escape(beds_kind)}:** {md_escape(figure)}")
    note = row.get("licence_note")
    if isinstance(note, str) and note:
        if "expired" in note:
            st.warning(md_escape(note), icon=":material/gpp_maybe:")
        else:
            st.caption(md_escape(note.capitalize()))
