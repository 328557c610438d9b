"""Call odds on the Search page: a band on each card and details, and "Call these first".

The estimate (:mod:`matching.search.callodds`) learns from the organisation's logged calls;
it is shown only once the team has logged calls that say what was asked and how they ended,
always as a band with what it rests on, and a fresh report of open beds always comes first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Final, cast

import numpy as np
import pandas as pd
import streamlit as st

from app_pages import ui
from app_pages.links import phone_links, plain
from app_pages.search_form import current_form, to_query
from matching.directory import columns as col
from matching.directory.call_terms import (
    CALL_PAYERS,
    NEED_LABELS,
    NEEDS,
    NO_REPORT_OUTCOMES,
    OUTCOME_LABELS,
    PAYER_LABELS,
)
from matching.errors import LocationError, QueryError
from matching.render import display
from matching.render.callscript import MOUD_DAY_ONE_QUESTION, asks_day_one
from matching.search.callodds import (
    MIN_OUTCOMES,
    OddsReport,
    band_text,
    estimate,
    programs_like_it,
)
from matching.search.query import SearchQuery

ODDS_COLUMN = "call_odds"
CHANCE_COLUMN = "p_bed_offered"
FIRST_COUNT = 5


def need_of(query: SearchQuery) -> str:
    """Return the call log's need for a search: detox, residential or outpatient."""
    if query.detox is not None:
        return "detox"
    if query.after_care in (None, "residential", "hospital_inpatient"):
        return "residential"
    return "outpatient"


def payer_of(query: SearchQuery) -> str:
    """Return the call log's payer for a search: its first payer, else self-pay."""
    return query.payers[0] if query.payers else "self"


def with_call_odds(shown: pd.DataFrame, query: SearchQuery, now: datetime) -> pd.DataFrame:
    """Return ``shown`` with each row's chance and band text, when the team has logged calls
    to learn from; ``shown`` unchanged otherwise."""
    current = ui.workspace()
    revision = current.calls.revision()
    if not revision:
        return shown
    need, payer = need_of(query), payer_of(query)
    ids = shown[col.FACILITY_ID].astype("str")
    hour = now.replace(minute=0, second=0, microsecond=0)
    report = _odds(revision, need, payer, hour, tuple(ids))
    if report is None:
        return shown
    odds = report.frame.set_index("facility_id")
    chance = ids.map(odds[CHANCE_COLUMN]).astype("float64")
    calls = ids.map(odds["calls"]).fillna(0).astype("int64")
    asked = f"for {NEED_LABELS[need].lower()}, {PAYER_LABELS[payer]}"
    texts = [
        f"{band_text(p, n, report, report.offered.get(i, 0))} {asked}" if pd.notna(p) else ""
        for p, n, i in zip(chance, calls, ids, strict=True)
    ]
    return shown.assign(**{CHANCE_COLUMN: chance.to_numpy(), ODDS_COLUMN: texts})


def _odds(
    revision: str, need: str, payer: str, hour: datetime, ids: tuple[str, ...]
) -> OddsReport | None:
    """Return the estimate for the facilities ``ids`` of the active directory (cached per log
    revision, hour and facilities; the model still learns from every logged call)."""
    entry = ui.active_entry()
    return _cached_odds(revision, entry.key, need, payer, hour, ids)


# A resource, not data: the report is shared read-only, never copied back out of a pickle.
@st.cache_resource(show_spinner=False, max_entries=8)
def _cached_odds(
    revision: str, directory_key: str, need: str, payer: str, hour: datetime, ids: tuple[str, ...]
) -> OddsReport | None:
    current = ui.workspace()
    calls, _ = current.calls.export_calls(tz=str(hour.tzinfo or "UTC"))
    if calls.empty:
        return None
    # The model is refit when the log has grown by a tenth (or the hour, need or payer
    # changed): a fit costs ~100 ms, and one more call hardly moves it. The called facility's
    # own record, in estimate, counts every call at once.
    like = None
    if len(calls) >= MIN_OUTCOMES:  # below, nothing can be fit: estimate uses the prior
        first = str(calls["called_at"].min())
        step = log_size_step(len(calls))
        like = _fitted_like(
            current.actor.org_id, first, step, directory_key, need, payer, hour, calls
        )
    directory = ui.active_directory()
    return estimate(directory, calls, need=need, payer=payer, at=hour, only=ids, like=like)


def log_size_step(calls: int) -> int:
    """Return the step of a log of ``calls`` calls: it changes each time the log grows by a
    tenth (every call below 10), so a model fit at one step serves the whole step."""
    return calls if calls < 10 else int(math.log(calls) / math.log(1.1))


@st.cache_data(show_spinner=False, max_entries=4)
def _fitted_like(
    org_id: int,
    first_call: str,
    step: int,
    directory_key: str,
    need: str,
    payer: str,
    hour: datetime,
    _calls: pd.DataFrame,
) -> np.ndarray | None:
    """Fit "programs like it" on the organization's log ``_calls`` as it is now (not hashed:
    keyed by the organization, the log's first call, so a cleared and refilled log is fit
    anew, and its size step)."""
    return programs_like_it(ui.active_directory(), _calls, need=need, payer=payer, at=hour)


def call_first(shown: pd.DataFrame) -> pd.DataFrame:
    """Return the rows to call first: a fresh report of open beds, then the best odds."""
    if CHANCE_COLUMN not in shown.columns:
        return shown.iloc[:0]
    fresh = shown["freshness"].eq("fresh").to_numpy(dtype=bool)
    open_beds = shown["availability_for_need"].isin(["openings", "accepting_assessments"])
    needed = shown["beds_needed"].astype("Float64").fillna(0).gt(0)
    fresh_open = fresh & (open_beds | needed).to_numpy(dtype=bool)
    chance = shown[CHANCE_COLUMN].to_numpy(dtype="float64", na_value=np.nan)
    # A fresh call beats any estimate: it sorts first whatever the odds say; then the best
    # odds (unknown last), ties in rank order. Only the first rows are taken from the frame.
    order = np.lexsort((-chance, ~fresh_open))
    return shown.iloc[order[:FIRST_COUNT]]


def show_call_first(shown: pd.DataFrame) -> None:
    """Show "Call these first" above the results, when there are odds to order by."""
    first = call_first(shown)
    if first.empty:
        return
    with st.expander("Call these first", icon=":material/phone_in_talk:"):
        st.caption(
            "Ordered by a bed reported open in the last day, then by how likely a call is to "
            "end with a bed offered, learned from your team's logged calls. A guide to the "
            "order of your calls, not a promise: every program stays in the results."
        )
        shown_columns = [col.NAME, col.PHONE, col.INTAKE_PHONE, ODDS_COLUMN]
        for position, record in enumerate(first[shown_columns].to_dict("records"), start=1):
            phones = phone_links(("Call", record[col.PHONE]), ("Intake", record[col.INTAKE_PHONE]))
            st.markdown(
                f"{position}. **{plain(record[col.NAME])}** · {plain(record[ODDS_COLUMN])}"
                + (f"  \n{phones}" if phones else "")
            )


# "What did they say?": what a facility reported, or a call that reported nothing.
SAID_CHOICES: tuple[str, ...] = (*col.AVAILABILITY_STATUSES, *NO_REPORT_OUTCOMES)


def said_label(choice: str) -> str:
    """Return the words for a choice of SAID_CHOICES."""
    return col.STATUS_LABELS.get(choice) or OUTCOME_LABELS[choice]


def status_and_outcome(choice: str) -> tuple[col.AvailabilityStatus, str]:
    """Return (availability status, outcome) for a choice: a call not answered, or refused for
    the payer, reports no availability ("unknown"); the others leave the outcome to the status."""
    if choice in NO_REPORT_OUTCOMES:
        return "unknown", choice
    return cast(col.AvailabilityStatus, choice), ""


def asked_questions(query: SearchQuery | None) -> tuple[str, str]:
    """Ask, inside the call form, what the call was for and the payer (defaults: the search)."""
    need_default = need_of(query) if query is not None else "detox"
    payer_default = payer_of(query) if query is not None and query.payers else "self"
    left, right = st.columns(2)
    need = left.selectbox(
        "Asked for",
        NEEDS,
        index=NEEDS.index(need_default),
        format_func=NEED_LABELS.__getitem__,
        key="log_need",
    )
    payer = right.selectbox(
        "Paying with", CALL_PAYERS, index=CALL_PAYERS.index(payer_default),
        format_func=PAYER_LABELS.__getitem__, key="log_payer",
    )  # fmt: skip
    return str(need), str(payer)


TABLE_COLUMN = "Call odds"
LAST_CALL_TABLE_COLUMN = "Last call"


def with_odds_column(table: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """Return the results table with "Call odds" and "Last call" columns after the
    availability, where there are any."""
    out = table.copy()
    at = list(table.columns).index(display.RESULT_AVAILABILITY) + 1
    if LAST_CALL_COLUMN in shown.columns and shown[LAST_CALL_COLUMN].ne("").any():
        out.insert(at, LAST_CALL_TABLE_COLUMN, shown[LAST_CALL_COLUMN].to_numpy())
    if ODDS_COLUMN in shown.columns:
        out.insert(at, TABLE_COLUMN, shown[ODDS_COLUMN].to_numpy())
    return out


LAST_CALL_COLUMN = "last_call"


def with_last_call(frame: pd.DataFrame, *, tz: str | None = None) -> pd.DataFrame:
    """Return ``frame`` with each facility's newest call note (``last_call_note``,
    ``last_call_at``) and its text (``last_call``), read only for these facilities."""
    ids = frame[col.FACILITY_ID].astype("str").tolist()
    notes = ui.workspace().calls.latest_notes(ids).set_index(col.FACILITY_ID)
    out = frame.drop(columns=[c for c in ("last_call_note", "last_call_at") if c in frame])
    found = notes.reindex(ids)
    out = out.assign(
        last_call_note=found["last_call_note"].astype("object").fillna("").astype("str").to_numpy(),
        last_call_at=pd.to_datetime(found["last_call_at"], utc=True).to_numpy(),
    )
    return out.assign(**{LAST_CALL_COLUMN: display.last_call_text(out, tz=tz).to_numpy()})


def with_odds_of_last_search(view: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """Return a shortlist view with call odds for the need and payer of the search on the
    Search page (none when there is no search, or it no longer reads)."""
    form = current_form()
    if form is None:
        return view
    try:
        query = to_query(form)
    except (LocationError, QueryError):
        return view
    return with_call_odds(view, query, now)


# Issue 22, part 2: the answer to the day-one MOUD question, logged with the call.
MOUD_CHOICES: Final = ("", "yes", "no")
_MOUD_CHOICE_LABELS: Final = {"": "Not asked", "yes": "Yes", "no": "No"}


def moud_answer(query: SearchQuery | None) -> str:
    """Ask, inside the call form, the facility's answer on continuing MOUD from admission."""
    help_text = "Asked when the person takes, or may start, buprenorphine or methadone."
    if query is not None and asks_day_one(query):
        help_text = "This person needs it: ask every facility. " + help_text
    answer = st.radio(
        MOUD_DAY_ONE_QUESTION,
        MOUD_CHOICES,
        format_func=_MOUD_CHOICE_LABELS.__getitem__,
        horizontal=True,
        help=help_text,
        key="log_moud",
    )
    return str(answer or "")


def moud_caption(row: Mapping[str, object]) -> str:
    """Return "Continues MOUD from admission: yes (asked ...)" once answered, else ""."""
    said = row.get("moud_continues")
    if said not in ("yes", "no"):
        return ""
    frame = pd.DataFrame([{"moud_continues": said, "moud_asked_at": row.get("moud_asked_at")}])
    return f"Continues MOUD from admission: {display.moud_text(frame).iloc[0]}"
