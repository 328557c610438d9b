"""The Search page's form and the one search it stands for, kept in step across pages and reloads.

The form as last submitted is the single source of truth: it is saved in the local store
(:mod:`matching.records.searches`) and in the session; the form is drawn with those values and
the results are computed from them. So the results on screen are always those of the form on
screen - after a page change, after a reload - and the place never goes into the URL.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from app_pages import person_ui, ui
from app_pages.person_ui import PersonAnswers
from matching.errors import LocationError, QueryError
from matching.render import display
from matching.search.geo import NominatimGeocoder, resolve_location
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

AGE_CHOICES = {None: "Any age", 24.0: "Last 24 hours", 72.0: "Last 3 days", 168.0: "Last week"}
RADIUS_RANGE = (5, 300)
SESSION_KEY = "search_form_shown"  # the FormInput the page shows, once loaded
EDIT_OPEN = "edit_search_open"  # session key: whether "Edit the search" is open


@dataclass(frozen=True, kw_only=True)
class FormInput:
    """What the search form holds, as submitted (turned into a SearchQuery to run)."""

    place: str = ""
    online: bool = False
    radius: int = 50
    payers: tuple[Payer, ...] = ()
    detox: DetoxNeed | None = None
    moud: tuple[MoudNeed, ...] = ()
    after_care: AfterCare | None = None
    min_beds: int = 0
    max_age: float | None = None
    include_unverified: bool = False
    intervention_day: date | None = None
    intervention_time: time = time(10, 0)
    preset: str = next(iter(PRESETS))
    person: PersonAnswers = PersonAnswers()

    def to_json(self) -> dict[str, Any]:
        """Return the form as JSON values (dates and times as ISO text)."""
        values = asdict(self)
        values["payers"], values["moud"] = list(self.payers), list(self.moud)
        values["intervention_day"] = self.intervention_day and self.intervention_day.isoformat()
        values["intervention_time"] = self.intervention_time.strftime("%H:%M")
        return values


def form_from_json(values: dict[str, Any]) -> FormInput:
    """Return the form stored as ``values``; a value this version cannot use falls back to its
    default (an option renamed since, a damaged row), so an old search never breaks the page."""
    form = FormInput()
    known = {field.name for field in fields(FormInput)}
    for name, value in values.items():
        if name not in known:
            continue
        try:
            form = replace(form, **{name: _parsed(name, value)})
        except (TypeError, ValueError):
            continue
    return form


def _parsed(name: str, value: Any) -> Any:  # noqa: PLR0911 - one case per field
    choices: dict[str, tuple[Any, ...]] = {
        "detox": (None, *DETOX_NEEDS),
        "after_care": (None, *AFTER_CARE),
        "max_age": tuple(AGE_CHOICES),
        "preset": tuple(PRESETS),
    }
    if name in choices:
        if value not in choices[name]:
            raise ValueError(name)
        return value
    if name in ("payers", "moud"):
        allowed = PAYERS if name == "payers" else MOUD_NEEDS
        return tuple(item for item in value if item in allowed)
    if name == "place":
        return str(value)[:200]
    if name in ("online", "include_unverified"):
        return bool(value)
    if name == "radius":
        return min(max(int(value), RADIUS_RANGE[0]), RADIUS_RANGE[1])
    if name == "min_beds":
        return min(max(int(value), 0), 20)
    if name == "person":
        known = {field.name for field in fields(PersonAnswers)}
        return PersonAnswers(**{key: item for key, item in dict(value).items() if key in known})
    if name == "intervention_day":
        return None if value is None else date.fromisoformat(value)
    return time.fromisoformat(value)  # intervention_time


def current_form() -> FormInput | None:
    """Return the form this session shows, or None before its first search.

    A new browser session starts empty even when a last search is stored: on a shared family
    computer the next person must not see the last one's answers unless they ask for them
    (:func:`offer_resume`). Page changes and reruns keep the session's form.
    """
    form: FormInput | None = st.session_state.get(SESSION_KEY)
    return form


def remember(form: FormInput) -> None:
    """Make ``form`` the search shown, in this session and in the local store."""
    st.session_state[SESSION_KEY] = form
    ui.workspace().searches.save_last_search(form.to_json())


def offer_resume() -> None:
    """Before this session's first search, offer the stored last search (without showing it)."""
    if st.session_state.get(SESSION_KEY) is not None:
        return
    stored = ui.workspace().searches.load_last_search()
    if stored is None:
        return
    st.button(
        "Resume my last search",
        icon=":material/history:",
        key="resume_search",
        on_click=replace_form,
        args=(form_from_json(stored),),
    )


def new_search() -> None:
    """Clear the form and every filter, here and in the store."""
    _set_widgets(FormInput())
    st.session_state[SESSION_KEY] = None
    ui.workspace().searches.forget_last_search()


def replace_form(form: FormInput) -> None:
    """Show ``form`` instead of the one on screen (from a callback, before the form is drawn)."""
    _set_widgets(form)
    remember(form)


def _set_widgets(form: FormInput) -> None:
    """Give the form's keyed widgets ``form``'s values: a widget with a key keeps the value the
    browser holds, whatever its ``value=`` says, unless Session State is set before it is drawn.
    (The widgets without a key take the new values by themselves: their default changed.)"""
    person = form.person
    values = {
        "place": form.place,
        "preset": form.preset,
        "person_age": person.age_group,
        "person_sex": person.sex,
        "person_pregnant": person.pregnant,
        "person_non_veteran": person.non_veteran,
        "person_language": person.language_choice,
        "person_other_language": person.other_language,
        "person_veteran": person.veteran,
        "person_co_occurring": person.co_occurring,
    }
    for key, value in values.items():
        st.session_state[key] = value


def active_filters(form: FormInput) -> list[tuple[str, FormInput]]:
    """Return each filter ``form`` sets beyond the defaults: its words, and the form without it.

    The distance is always a filter; it is named but never removed (it is reset to 50 miles).
    """
    default = FormInput()
    chips: list[tuple[str, FormInput]] = []
    if form.radius != default.radius:
        chips.append((f"Within {form.radius} miles", replace(form, radius=default.radius)))
    for payer in form.payers:
        rest = tuple(p for p in form.payers if p != payer)
        chips.append((display.PAYER_LABELS[payer], replace(form, payers=rest)))
    if form.detox is not None:
        chips.append((display.DETOX_LABELS[form.detox], replace(form, detox=None)))
    for need in form.moud:
        rest_moud = tuple(m for m in form.moud if m != need)
        chips.append((display.MOUD_LABELS[need], replace(form, moud=rest_moud)))
    if form.after_care is not None:
        label = f"After detox: {display.AFTER_CARE_LABELS[form.after_care]}"
        chips.append((label, replace(form, after_care=None)))
    if form.min_beds:
        chips.append((f"{form.min_beds}+ open beds", replace(form, min_beds=0)))
    if form.max_age is not None:
        chips.append((f"Reports: {AGE_CHOICES[form.max_age].lower()}", replace(form, max_age=None)))
    if form.include_unverified:
        chips.append(("Unconfirmed listings included", replace(form, include_unverified=False)))
    chips += [
        (label, replace(form, person=without))
        for label, without in person_ui.active_answers(form.person)
    ]
    return chips


def search_form(shown: FormInput | None) -> FormInput | None:
    """Show the search form filled with ``shown``; return the new form when it was submitted.

    Once a search finds its place, the form folds into one line saying what was searched, so
    the results start near the top of a phone's screen; "Edit the search" opens it again.
    """
    if shown is None or not _locates(shown):
        return _form(shown or FormInput())
    box = st.expander(
        f"Edit the search: {summary(shown)}", icon=":material/tune:", key=EDIT_OPEN,
        on_change="rerun",
    )  # fmt: skip
    if not box.open:
        return None
    with box:
        return _form(shown)


def fold_search_form() -> None:
    """Fold "Edit the search" at the next run (after a search: the results come first)."""
    st.session_state.pop(EDIT_OPEN, None)


def summary(form: FormInput) -> str:
    """Say in one line what ``form`` searches: the place, the distance, how many filters."""
    filters = len(active_filters(form)) - (form.radius != FormInput().radius)
    more = f", {filters} filter{'s' if filters != 1 else ''}" if filters else ""
    return f"{form.place}, within {form.radius} miles{more}"


def _locates(form: FormInput) -> bool:
    try:
        to_query(form)
    except (LocationError, QueryError):
        return False
    return True


def _form(form: FormInput) -> FormInput | None:
    with st.form("search_form"):
        place = st.text_input(
            "Where is the person? ZIP, city or coordinates",
            value=form.place,
            placeholder='10001, "Columbus, Ohio" or "40.75, -73.99"',
            key="place",
            max_chars=200,
        )
        online = st.checkbox(
            "Look up a street address online - this sends the address to OpenStreetMap's "
            "Nominatim service",
            value=form.online,
        )
        entered = _filter_inputs(form)
        person = person_ui.about_the_person(form.person)
        submitted = st.form_submit_button(
            "Search", type="primary", icon=":material/search:", key="search_submit"
        )
    if not submitted:
        return None
    return replace(entered, place=place.strip(), online=online, person=person)


def _filter_inputs(form: FormInput) -> FormInput:
    """Show the filters (the main three, then the rest folded away) and return what they hold."""
    left, middle, right = st.columns(3)
    radius = left.slider(
        "Distance (miles)", min_value=RADIUS_RANGE[0], max_value=RADIUS_RANGE[1], value=form.radius,
        step=5,
    )  # fmt: skip
    payers = middle.multiselect(
        "Insurance or payment (any of)",
        PAYERS,
        default=list(form.payers),
        format_func=display.PAYER_LABELS.__getitem__,
    )
    detox_options = [None, *DETOX_NEEDS]
    detox = right.selectbox(
        "Detox needed",
        detox_options,
        index=detox_options.index(form.detox),
        format_func=_detox_label,
    )
    with st.expander("More: medication, after-care, open beds, timing, ranking"):
        more = _more_inputs(form)
    return replace(more, radius=int(radius), payers=tuple(payers), detox=detox)


def _more_inputs(form: FormInput) -> FormInput:
    left, middle, right = st.columns(3)
    moud = left.multiselect(
        "Medication for opioid use disorder (any of)",
        MOUD_NEEDS,
        default=list(form.moud),
        format_func=display.MOUD_LABELS.__getitem__,
    )
    care_options = [None, *AFTER_CARE]
    after_care = left.selectbox(
        "Care after detox",
        care_options,
        index=care_options.index(form.after_care),
        format_func=_after_care_label,
    )
    min_beds = middle.number_input(
        "Open beds needed now", min_value=0, max_value=20, value=form.min_beds
    )
    ages = list(AGE_CHOICES)
    max_age = middle.selectbox(
        "Count bed reports from",
        ages,
        index=ages.index(form.max_age),
        format_func=AGE_CHOICES.__getitem__,
    )
    include_unverified = middle.checkbox(
        "Include unconfirmed listings",
        value=form.include_unverified,
        help="Keep facilities whose listing does not say whether they meet a requirement; "
        "they rank lower and are marked 'call to confirm'.",
    )
    day = right.date_input("Intervention date (optional)", value=form.intervention_day)
    at = right.time_input("Intervention time", value=form.intervention_time)
    presets = list(PRESETS)
    preset = st.radio(
        "Rank for",
        presets,
        index=presets.index(form.preset),
        key="preset",
        horizontal=True,
        format_func=lambda name: f"{name.title()}: {PRESET_DESCRIPTIONS[name]}",
    )
    return replace(
        form,
        moud=tuple(moud),
        after_care=after_care,
        min_beds=int(min_beds),
        max_age=max_age,
        include_unverified=bool(include_unverified),
        intervention_day=day if isinstance(day, date) else None,
        intervention_time=at or form.intervention_time,
        preset=str(preset),
    )


def _detox_label(need: str | None) -> str:
    return "No detox requirement" if need is None else display.DETOX_LABELS[need]


def _after_care_label(care: str | None) -> str:
    return "No requirement" if care is None else display.AFTER_CARE_LABELS[care]


def to_query(form: FormInput) -> SearchQuery:
    """Locate the place and build the query; raise LocationError or QueryError with a sentence."""
    geocoder = (
        NominatimGeocoder(cache_path=ui.workspace().privacy.geocode_cache_path())
        if form.online
        else None
    )
    origin = resolve_location(form.place, geocoder=geocoder)
    intervention_at = (
        datetime.combine(
            form.intervention_day, form.intervention_time, ZoneInfo(ui.browser_timezone())
        )
        if form.intervention_day is not None
        else None
    )
    return SearchQuery(
        origin=origin,
        radius_miles=float(form.radius),
        payers=form.payers,
        detox=form.detox,
        moud=form.moud,
        after_care=form.after_care,
        min_beds=form.min_beds,
        max_age_hours=form.max_age,
        include_unverified=form.include_unverified,
        intervention_at=intervention_at,
        preset=form.preset,
        **form.person.query_fields(),
    )
