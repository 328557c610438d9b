"""Shared pieces of every page: the store, the active directory and its index, the banners.

Pages call these instead of loading anything themselves, so the caches are in one place:

* :func:`workspace` - the store and the person every call acts for, bound once: the one way a
  page reaches the store (``ui.workspace().shortlists.list_shortlists()``). The engine is
  ``st.cache_resource`` (one per database URL); the person is :func:`team_ui.current_actor`
  (the signed-in person in team mode, the local person on a laptop).
* :func:`active_entry` / :func:`active_index` / :func:`active_directory` - the directory the
  user chose, with their logged calls applied. The file load is ``st.cache_data`` keyed on
  the file's path and modification time; the search index is ``st.cache_resource`` keyed on
  that plus the organisation and its call log's revision, so logging a call re-ranks at once
  while the spatial grid is reused. Never modify what these return.
* :func:`crisis_banner`, :func:`demo_banner` - shown on every page by ``app.py``.
* :func:`init_state` - the session-state keys shared across pages, set with ``setdefault``.
* :func:`browser_timezone` - the reader's time zone, for showing and entering times.
"""

from __future__ import annotations

import gc
import html
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import streamlit as st

from app_pages import team_ui
from matching.directory.demo import is_demo_directory
from matching.directory.io import read_directory
from matching.records import library, sealing, store
from matching.records.calllog import Overlay
from matching.records.workspace import Workspace
from matching.render.crisis import crisis_links
from matching.search.index import FacilityIndex

DATA_PAGE = "app_pages/data.py"
SEARCH_PAGE = "app_pages/search.py"
SHORTLIST_PAGE = "app_pages/shortlist.py"


def init_state() -> None:
    """Create the session-state keys pages share (never overwriting what is there)."""
    st.session_state.setdefault("shortlist_id", None)  # the shortlist being built
    st.session_state.setdefault("flash", "")  # a success message to show after a rerun


def workspace() -> Workspace:
    """Return the workspace of this run: the store and whom the app acts for.

    Every page reaches the store through this, so no call can forget the signed-in person (in
    local mode the actor is the local person, lead of every local case).
    """
    return Workspace(get_engine(), team_ui.current_actor())


def get_engine() -> store.Engine:
    """Return the engine of the store (``READYBED_DB_URL``, the secrets, or the default file).

    In team mode the engine has the encryption keys bound, so what is stored is sealed.
    """
    server = team_ui.server_mode()
    return _engine(server.database_url, server.encryption_keys)


@st.cache_resource(show_spinner=False)
def _engine(url: str, keys: tuple[str, ...] = ()) -> store.Engine:
    engine = store.open_engine(url)
    if keys:
        # Once per engine: bind_keys raises StoreError (a sentence) for a key that is not one.
        sealing.bind_keys(engine, keys)
    return engine


def active_entry() -> library.DirectoryEntry:
    """Return the directory the organisation chose (the demo set until they import one)."""
    return workspace().library.active_entry()


def active_index() -> FacilityIndex:
    """Return the search index of the active directory with the call log applied."""
    entry = active_entry()
    path = str(entry.path)
    current = workspace()
    revision = current.calls.revision()
    return _overlaid_index(
        current.engine.url.render_as_string(),
        current.actor.org_id,
        entry.key,
        path,
        file_mtime(path),
        revision,
        current,
    )


def active_directory() -> pd.DataFrame:
    """Return the active directory with the call log applied (shared: do not modify)."""
    return active_index().directory


@st.cache_data(show_spinner="Loading the facility directory...", max_entries=3)
def load_directory(key: str, path: str, mtime: float) -> pd.DataFrame:
    """Read a directory; ``mtime`` is in the key so a re-imported file is read again."""
    if key == library.DEMO_KEY:
        return library.load_entry(library.demo_entry())
    return read_directory(path)


@st.cache_resource(show_spinner="Building the search index...", max_entries=2)
def _base_index(key: str, path: str, mtime: float) -> FacilityIndex:
    return FacilityIndex(load_directory(key, path, mtime))


@st.cache_resource(show_spinner=False, max_entries=4)
def _overlaid_index(
    url: str,
    org_id: int,
    key: str,
    path: str,
    mtime: float,
    revision: str,
    _workspace: Workspace,
) -> FacilityIndex:
    # Keyed by the organisation (whose call log) and its revision; ``_workspace`` (not hashed)
    # is the signed-in person of that organisation and the store, for the query.
    base = _base_index(key, path, mtime)
    if not revision:
        return base
    chain = _overlay_chain(url, org_id, key, path, mtime)
    with chain.lock:
        overlay = _workspace.calls.overlay_log(base.directory, since=chain.overlay)
        if overlay is chain.overlay and chain.index is not None:
            return chain.index
        if overlay.extended and chain.index is not None:
            index = chain.index.with_availability(overlay.frame)  # only availability changed
        else:
            index = base.with_directory(overlay.frame)
        chain.overlay, chain.index = overlay, index
        return index


@dataclass
class _OverlayChain:
    """The newest call-log overlay of one directory for one organisation, and its index.

    The next revision extends it by the calls logged since (calllog.overlay_log) instead of
    reading the whole log again: saving a call re-reads that facility's reports only.
    """

    lock: threading.Lock = field(default_factory=threading.Lock)
    overlay: Overlay | None = None
    index: FacilityIndex | None = None


@st.cache_resource(show_spinner=False, max_entries=8)
def _overlay_chain(url: str, org_id: int, key: str, path: str, mtime: float) -> _OverlayChain:
    return _OverlayChain()


# How many times a server process moves what it has loaded out of the collector's sight.
MAX_FREEZES: Final = 5
_freezes: list[int] = []  # the full-collection count at each freeze


def keep_loaded_data_out_of_gc() -> None:
    """After a run in which Python made a full garbage collection, freeze what survived it.

    A full collection walks every object the process holds: with the modules, the directory,
    the map outlines and (once calls are logged) scikit-learn loaded, ~200k objects and
    20-160 ms, landing in whichever click it happens in. What survives one lives as long as
    the server, so ``gc.freeze()`` moves it out of every later collection (objects still free
    as soon as nothing refers to them; only cycles among them are no longer collected). At
    most MAX_FREEZES times a process, and only when a full collection happened since the last.
    """
    full = gc.get_stats()[2]["collections"]
    if len(_freezes) < MAX_FREEZES and full > (_freezes[-1] if _freezes else 0):
        gc.freeze()
        _freezes.append(full)


def file_mtime(path: str) -> float:
    """Return when the file at ``path`` last changed (0 when it cannot be read)."""
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return 0.0


def crisis_banner() -> None:
    """Show the crisis lines as tap-to-call (and text) links, in a bar that stays in view.

    The bar sticks to the top of the page while the rest scrolls (CSS below), so 988 is one tap
    away on a long results page; every number is a ``tel:`` link, 988 also ``sms:``.
    """
    st.html(f"<style>{CRISIS_CSS}</style>")
    links = " · ".join(_crisis_link(text, href) for text, href in crisis_links())
    st.markdown(
        f'<div class="crisis-bar" role="region" aria-label="Crisis lines">'
        f"<strong>In a crisis:</strong> {links}</div>",
        unsafe_allow_html=True,
        help="988 covers substance-use crises too. The SAMHSA National Helpline is free, "
        "confidential and open 24/7; TTY 1-800-487-4889. Call 911 for an overdose or a medical "
        "emergency.",
    )


# On a phone the bar keeps one line: the words around these numbers are dropped from view (the
# link's name still says them all).
PHONE_SHORT = {
    "SAMHSA Helpline 1-800-662-4357": "1-800-662-4357",
    "911 (overdose, emergency)": "911",
}


def _crisis_link(text: str, href: str) -> str:
    """One crisis line as a link; on a phone only its number shows when PHONE_SHORT has it."""
    short = PHONE_SHORT.get(text)
    if short is None:
        return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'
    before, after = text.split(short, 1)
    parts = (
        f'<span class="long">{html.escape(before)}</span>' if before else "",
        html.escape(short),
        f'<span class="long">{html.escape(after)}</span>' if after else "",
    )
    return f'<a href="{html.escape(href)}" aria-label="{html.escape(text)}">{"".join(parts)}</a>'


# The element holding the bar sticks below Streamlit's header; ``:has`` finds that element.
CRISIS_CSS = """
div[data-testid="stElementContainer"]:has(.crisis-bar) {
  position: sticky; top: 3.75rem; z-index: 999;
}
.crisis-bar {
  background: #fde8e8; color: #7a1010; border: 1px solid #e8b4b4; border-radius: 0.5rem;
  padding: 0.35rem 0.7rem; line-height: 1.9; box-shadow: 0 2px 6px rgba(0, 0, 0, 0.08);
}
.crisis-bar a { color: #7a1010; font-weight: 600; white-space: nowrap; padding: 0.2rem 0; }
/* Every phone number is a tap target at least 24 px tall (WCAG 2.2 target size). */
a[href^="tel:"], a[href^="sms:"] { display: inline-block; min-height: 24px; line-height: 24px; }
/* ...except in the crisis bar, whose lines are already that tall and must stay compact. */
.crisis-bar a[href] { display: inline; min-height: 0; line-height: inherit; }
/* At 200 % zoom a phone is 195 CSS px wide: the bar shrinks beside its help icon and its long
   line wraps, so nothing scrolls sideways (WCAG 1.4.10 reflow). */
div[data-testid="stElementContainer"]:has(.crisis-bar) [data-testid="stMarkdownContainer"] {
  min-width: 0; flex: 1 1 auto;
}
/* On a phone: one line (about 34 px tall, issue 23), each number a 24 px tall tap target. */
@media (max-width: 640px) {
  .crisis-bar { font-size: 0.8rem; padding: 0.1rem 0.45rem; line-height: 24px; }
  .crisis-bar .long { display: none; }
  .crisis-bar a[href] { display: inline-block; min-height: 24px; line-height: 24px; }
}
/* The bar's help icon is a 24 px tap target: the bar floats over the page as it scrolls, so
   whatever lies beneath (an expander's header) may come closer than 24 px (WCAG 2.2). */
div[data-testid="stElementContainer"]:has(.crisis-bar) button[aria-label="Help"] {
  min-width: 24px; min-height: 24px;
}
@media (max-width: 320px) { .crisis-bar a { white-space: normal; } }
/* Captions in a grey dark enough for WCAG AA: Streamlit fades them to 60 % opacity (3.9:1 on
   white); this grey, opaque, is 6.6:1. */
[data-testid="stCaptionContainer"] { color: #5e5d5b; opacity: 1; }
"""


def demo_banner() -> None:
    """Warn, with a link to the Data page, when fictional facilities could be on screen."""
    if active_entry().is_demo or is_demo_directory(active_directory()):
        with st.container(border=True):
            st.warning(
                "**Fictional facilities** - this is the synthetic demo directory. Import the "
                "current FindTreatment.gov listing for real searches.",
                icon=":material/science:",
            )
            st.page_link(DATA_PAGE, label="Import a real listing", icon=":material/upload:")


def browser_timezone() -> str:
    """Return the reader's IANA time zone (from the browser), or "UTC" when unknown."""
    name = st.context.timezone or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def now() -> datetime:
    """Return the current time (UTC)."""
    return datetime.now(UTC)


def flash() -> None:
    """Show, once, the message a page left before rerunning (also as a toast, for readers
    scrolled far below the top of the page)."""
    message = st.session_state.get("flash", "")
    if message:
        st.success(message, icon=":material/check_circle:")
        st.toast(message, icon=":material/check_circle:")
        st.session_state["flash"] = ""
