"""The Plan, Placement and Readiness pages under AppTest, against a real SQLite store."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apptest_helpers import file_uploader
from case_factory import primary_of, ready_case
from streamlit.testing.v1 import AppTest

from matching import case as cases
from matching.case import SafetyScreen
from matching.directory import columns as col
from matching.records import cases as case_records
from matching.records import library, shortlist
from matching.records.team import LOCAL
from matching.search.geo import resolve_location

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ("app_pages/plan.py", "app_pages/placement.py", "app_pages/readiness.py")
TIMEOUT = 60


def texts(at: AppTest) -> str:
    parts = [
        element.value
        for kind in ("markdown", "caption", "warning", "error", "success", "info", "metric")
        for element in getattr(at, kind)
    ]
    return "\n".join(str(part) for part in parts)


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page(page).run()
    return at


@pytest.fixture
def stored_case(engine):
    """A case that is ready right now (built around the real clock, as the app uses it)."""
    return case_records.create_case(engine, ready_case(datetime.now(UTC)), actor=LOCAL)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_an_empty_store_and_offers_a_case(store_url, page):
    at = open_page(page)
    assert not at.exception
    assert "No case yet" in texts(at)


def test_plan_page_shows_the_stored_plan(stored_case):
    at = open_page("app_pages/plan.py")
    assert not at.exception
    assert at.text_input(key=f"alias_{stored_case.id}_{stored_case.version}").value == "Sam"


def test_placement_page_shows_each_facility_with_its_stage(stored_case):
    at = open_page("app_pages/placement.py")
    assert not at.exception
    labels = [expander.label for expander in at.expander]
    assert "Harbor Detox — Primary — Intake scheduled" in labels
    assert "Riverside Recovery — Backup — Availability confirmed" in labels


def test_first_case_is_created_from_the_button(engine):
    at = open_page("app_pages/plan.py")
    next(b for b in at.button if b.label == "Create my first case").click().run()
    assert not at.exception
    assert [summary.title for summary in case_records.list_cases(engine, actor=LOCAL)] == [
        "Our case"
    ]


def test_readiness_page_says_ready_for_a_ready_case(stored_case):
    at = open_page("app_pages/readiness.py")
    assert not at.exception
    assert "Ready" in at.success[0].value
    assert "Placement secured" in texts(at)


def test_readiness_page_lists_what_is_missing(engine):
    case = replace(ready_case(datetime.now(UTC)), team=(), placements=())
    case_records.create_case(engine, case, actor=LOCAL)
    at = open_page("app_pages/readiness.py")
    assert not at.exception
    assert "Not ready — 2 things missing" in at.error[0].value
    shown = texts(at)
    assert "Add the people who will take part" in shown
    assert "No primary facility chosen" in shown


def test_safety_yes_shows_call_now_with_crisis_lines(engine):
    case = ready_case(datetime.now(UTC))
    case_records.create_case(
        engine, replace(case, safety=replace(case.safety, recent_overdose=True)), actor=LOCAL
    )
    at = open_page("app_pages/plan.py")
    alert = at.error[0].value
    assert "Call now — do not stage an intervention" in alert
    assert "988" in alert and "1-800-662-4357" in alert and "911" in alert


def test_saving_the_plan_stores_it(engine, stored_case):
    at = open_page("app_pages/plan.py")
    suffix = f"{stored_case.id}_{stored_case.version}"
    at.text_input(key=f"interventionist_{suffix}").input("Robin Ames")
    at.button(key=f"save_lead_{suffix}").click().run()
    assert not at.exception
    assert (
        case_records.load_case(engine, stored_case.id, actor=LOCAL).lead.interventionist_name
        == "Robin Ames"
    )
    assert "Saved who leads." in texts(at)


def test_edit_from_a_stale_window_shows_the_conflict_and_keeps_the_input(engine, stored_case):
    at = open_page("app_pages/plan.py")
    # Another window saves first.
    case_records.save_case(engine, replace(stored_case, title="Changed elsewhere"), actor=LOCAL)
    suffix = f"{stored_case.id}_{stored_case.version}"
    at.text_input(key=f"interventionist_{suffix}").input("Robin Ames")
    at.button(key=f"save_lead_{suffix}").click().run()
    assert not at.exception
    assert "changed in another window" in texts(at)
    assert at.text_input(key=f"interventionist_{suffix}").value == "Robin Ames"
    stored = case_records.load_case(engine, stored_case.id, actor=LOCAL)
    assert (stored.title, stored.lead.interventionist_name) == ("Changed elsewhere", "Pat Lee")


def test_reload_after_a_conflict_shows_the_other_windows_changes(engine, stored_case):
    at = open_page("app_pages/plan.py")
    case_records.save_case(engine, replace(stored_case, loved_one_alias="Jay"), actor=LOCAL)
    suffix = f"{stored_case.id}_{stored_case.version}"
    at.button(key=f"save_lead_{suffix}").click().run()
    next(b for b in at.button if b.label == "Reload the latest version").click().run()
    assert not at.exception
    assert at.text_input(key=f"alias_{stored_case.id}_{stored_case.version + 1}").value == "Jay"


def test_new_case_becomes_the_active_one(engine, stored_case):
    at = open_page("app_pages/plan.py")
    next(t for t in at.text_input if t.label == "Case title (only you see it)").input("Family B")
    next(b for b in at.button if b.label == "Create case").click().run()
    assert not at.exception
    created = next(s for s in case_records.list_cases(engine, actor=LOCAL) if s.title == "Family B")
    assert at.selectbox(key="case_select").value == created.id
    assert at.text_input(key=f"alias_{created.id}_1").value == ""


def test_switching_case_shows_the_other_plan(engine, stored_case):
    other = case_records.create_case(
        engine, replace(ready_case(datetime.now(UTC)), loved_one_alias="Jo"), actor=LOCAL
    )
    at = open_page("app_pages/plan.py")
    at.selectbox(key="case_select").set_value(stored_case.id).run()
    assert at.text_input(key=f"alias_{stored_case.id}_1").value == "Sam"
    at.selectbox(key="case_select").set_value(other.id).run()
    assert not at.exception
    assert at.text_input(key=f"alias_{other.id}_1").value == "Jo"


def test_delete_case_from_the_sidebar_removes_it(engine, stored_case):
    at = open_page("app_pages/readiness.py")
    at.button(key="delete_case").click().run()
    assert not at.exception
    assert case_records.count_cases(engine, actor=LOCAL) == 0
    assert "The case was deleted." in texts(at)


def test_logging_a_call_on_the_placement_page_adds_to_the_contact_log(engine, stored_case):
    at = open_page("app_pages/placement.py")
    before = len(primary_of(stored_case).log)
    note = next(t for t in at.text_area if t.label.startswith("What was said"))
    note.input("Spoke to Dana; bed still held.")
    next(b for b in at.button if b.label == "Log the call").click().run()
    assert not at.exception
    primary = primary_of(case_records.load_case(engine, stored_case.id, actor=LOCAL))
    assert len(primary.log) == before + 1
    assert primary.log[-1].note == "Spoke to Dana; bed still held."


def test_plan_page_warns_about_a_time_skipped_by_spring_forward(engine):
    case = ready_case(datetime.now(UTC))
    skipped = replace(case.intervention, local_date=date(2027, 3, 14), local_time=time(2, 30))
    case_records.create_case(engine, replace(case, intervention=skipped), actor=LOCAL)
    at = open_page("app_pages/plan.py")
    assert not at.exception
    assert any("does not exist" in w.value for w in at.warning)


def import_file(at: AppTest, data: bytes) -> AppTest:
    file_uploader(at).set_value(("case.json", data, "application/json"))
    next(b for b in at.button if b.label == "Import as a new case").click()
    return at.run()


def test_importing_a_backup_creates_and_opens_a_new_case(engine, stored_case):
    backup = cases.case_to_json(replace(stored_case, title="From backup"))
    at = import_file(open_page("app_pages/readiness.py"), backup)
    assert not at.exception
    assert case_records.count_cases(engine, actor=LOCAL) == 2
    imported = next(
        s for s in case_records.list_cases(engine, actor=LOCAL) if s.title == "From backup"
    )
    assert at.selectbox(key="case_select").value == imported.id
    assert "Imported From backup as a new case." in texts(at)


def test_importing_a_truncated_backup_shows_why_and_changes_nothing(engine, stored_case):
    backup = cases.case_to_json(stored_case)
    at = import_file(open_page("app_pages/readiness.py"), backup[:200])
    assert not at.exception
    assert "Nothing was imported" in at.error[0].value
    assert "truncated" in at.error[0].value
    assert case_records.count_cases(engine, actor=LOCAL) == 1


# --- The whole journey through the pages, from an empty store to "Ready" --------------------


def widget(at: AppTest, kind: str, label: str, index: int = 0):
    matches = [w for w in getattr(at, kind) if w.label == label]
    return matches[index]


def click(at: AppTest, label: str, index: int = 0) -> AppTest:
    widget(at, "button", label, index).click()
    at.run()
    assert not at.exception, at.exception
    return at


def shortlist_two_demo_facilities(engine) -> list[str]:
    directory = library.load_entry(library.demo_entry())
    origin = resolve_location("10001")
    opioid_detox = col.DETOX_COLUMNS[-1]
    usable = directory[directory[opioid_detox].fillna(False).astype(bool)].copy()
    usable["_d"] = (usable[col.LAT] - origin.lat) ** 2 + (usable[col.LON] - origin.lon) ** 2
    nearest = usable.nsmallest(2, "_d").drop(columns="_d")
    shortlist.add_facilities(
        engine, shortlist.default_shortlist(engine, actor=LOCAL).id, nearest, actor=LOCAL
    )
    return list(nearest[col.FACILITY_ID])


def test_family_goes_from_an_empty_case_to_ready_through_the_pages(engine):
    facility_ids = shortlist_two_demo_facilities(engine)
    day = datetime.now(UTC).astimezone(ZoneInfo("America/New_York")).date()
    at = open_page("app_pages/plan.py")
    click(at, "Create my first case")

    widget(at, "text_input", "First name or alias only").input("Sam")
    for question in SafetyScreen.QUESTIONS.values():
        widget(at, "radio", question).set_value(False)
    click(at, "Save")

    widget(at, "date_input", "Date").set_value(day + timedelta(days=2))
    widget(at, "time_input", "Time").set_value(time(10, 0))
    widget(at, "text_input", "Place (as you would describe it to the team)").input("Aunt's home")
    widget(
        at,
        "text_input",
        "Where is it? ZIP, city or coordinates — used for the travel time to the facility",
    ).input("10001")
    for label in ("Private", "Neutral (not their room)", "When they are likely sober"):
        widget(at, "checkbox", label).check()
    click(at, "Save", 1)

    widget(at, "text_input", "Interventionist").input("Pat Lee")
    widget(at, "checkbox", "Booked for the date").check()
    click(at, "Save", 2)

    members = ("Ana", "Ben", "Cy", "Di")
    for name in members:
        widget(at, "text_input", "Their first name").input(name)
        widget(at, "text_input", "The consequence they will hold to").input("No more rent money.")
        widget(at, "checkbox", "Has rehearsed").check()
        click(at, "Add to the team")
    for name in members:
        widget(at, "selectbox", "Letter of").set_value(name)
        at.run()
        widget(at, "text_area", "Letter").input(
            "I love you. Last Thanksgiving you did not wake up and I was terrified."
        )
        click(at, "Review and save")
        assert "The review found nothing to change." in texts(at)
        widget(at, "checkbox", "I have read the review and the letter is ready").check()
        click(at, "Review and save")

    widget(at, "text_input", "Transport to the facility").input("Uncle drives")
    widget(at, "checkbox", "Bag packed (ID, insurance card, medication list, clothes)").check()
    widget(at, "checkbox", "Naloxone (Narcan) on hand").check()
    widget(
        at, "text_area", "Aftercare plan (MOUD continuation, step-down care, family support)"
    ).input("Buprenorphine continued; family group weekly.")
    click(at, "Save", 3)

    at.switch_page("app_pages/placement.py").run()
    widget(at, "multiselect", "Facilities to add").set_value(facility_ids)
    click(at, "Add to the case")
    widget(at, "radio", "Role", 1).set_value("backup")
    at.run()
    click(at, "Confirm availability (now)", 1)  # the backup confirms a bed
    widget(at, "text_input", "Insurer").input("Aetna")
    click(at, "Save verification")
    widget(at, "date_input", "Hold expires: date").set_value(day + timedelta(days=4))
    widget(at, "time_input", "Hold expires: time").set_value(time(10, 0))
    click(at, "Save the hold")
    widget(at, "date_input", "Intake: date").set_value(day + timedelta(days=2))
    widget(at, "time_input", "Intake: time").set_value(time(12, 0))
    widget(at, "checkbox", "Intake paperwork done").check()
    click(at, "Save intake")

    at.switch_page("app_pages/readiness.py").run()
    assert not at.exception
    assert at.success[0].value.startswith("## Ready")
    assert "Placement secured" in texts(at)


def test_saving_a_letter_keeps_that_letter_open_and_shows_its_review(engine, stored_case):
    at = open_page("app_pages/plan.py")
    widget(at, "selectbox", "Letter of").set_value("Member2")
    at.run()
    widget(at, "text_area", "Letter").input("You always lie. It's your fault.")
    click(at, "Review and save")
    assert widget(at, "selectbox", "Letter of").value == "Member2"
    assert (
        case_records.load_case(engine, stored_case.id, actor=LOCAL).team[2].letter_status
        == "drafted"
    )
    flagged = " ".join(w.value for w in at.warning)
    assert "You always lie" in flagged and "your fault" in flagged


def test_a_reviewed_letter_that_is_changed_must_be_reviewed_again(engine, stored_case):
    at = open_page("app_pages/plan.py")
    widget(at, "text_area", "Letter").input("I love you. On Monday you scared me.")
    click(at, "Review and save")
    assert (
        case_records.load_case(engine, stored_case.id, actor=LOCAL).team[0].letter_status
        == "drafted"
    )
    widget(at, "checkbox", "I have read the review and the letter is ready").check()
    click(at, "Review and save")
    assert (
        case_records.load_case(engine, stored_case.id, actor=LOCAL).team[0].letter_status
        == "reviewed"
    )


# --- Issue 11: what the forms say and keep -----------------------------------------------------


def test_a_flagged_letter_is_ready_only_when_its_author_keeps_it_as_written(engine, stored_case):
    at = open_page("app_pages/plan.py")
    widget(at, "text_area", "Letter").input("I love you. On Monday you scared me. Or else.")
    click(at, "Review and save")
    widget(at, "checkbox", "I have read the review and the letter is ready").check()
    click(at, "Review and save")
    member = case_records.load_case(engine, stored_case.id, actor=LOCAL).team[0]
    assert member.letter_status == "drafted"
    assert "Keep as written" in texts(at)
    widget(at, "checkbox", "I have read the review and the letter is ready").check()
    widget(
        at, "checkbox", "Keep as written: I read what the review flagged and choose these words"
    ).check()
    click(at, "Review and save")
    member = case_records.load_case(engine, stored_case.id, actor=LOCAL).team[0]
    assert (member.letter_status, member.keep_as_written) == ("reviewed", True)


def test_the_hold_form_says_what_expiry_is_needed_and_warns_before_saving_less(engine, stored_case):
    at = open_page("app_pages/placement.py")
    assert "The hold must last until at least" in texts(at)
    assert "for the talk" in texts(at)
    start = stored_case.intervention
    widget(at, "date_input", "Hold expires: date").set_value(start.local_date)
    widget(at, "time_input", "Hold expires: time").set_value(start.local_time)
    click(at, "Save the hold")
    assert any("Not saved yet" in w.value for w in at.warning)
    before = primary_of(stored_case).hold
    assert primary_of(case_records.load_case(engine, stored_case.id, actor=LOCAL)).hold == before


def test_the_insurance_form_is_filled_in_from_the_saved_verification(stored_case):
    at = open_page("app_pages/placement.py")
    vob = primary_of(stored_case).vob
    assert vob is not None
    assert widget(at, "text_input", "Insurer").value == vob.insurer
    assert widget(at, "text_input", "Reference number").value == "REF-1"


def test_the_alert_says_which_answer_triggered_it_and_what_to_do(engine):
    case = ready_case(datetime.now(UTC))
    case_records.create_case(
        engine, replace(case, safety=replace(case.safety, violence=True)), actor=LOCAL
    )
    at = open_page("app_pages/readiness.py")
    alert = at.error[0].value
    assert "Violence or weapons: if anyone is in danger, call 911 now" in alert
    assert "overdose" not in alert.split("988")[0].lower()  # only what was answered yes
    assert "you answered yes to: has there been violence" in texts(at)


def test_using_alone_gives_naloxone_guidance_without_stopping_the_plan(engine):
    case = ready_case(datetime.now(UTC))
    case_records.create_case(
        engine, replace(case, safety=replace(case.safety, uses_alone=True)), actor=LOCAL
    )
    at = open_page("app_pages/readiness.py")
    assert not at.exception
    assert "1-800-484-3731" in texts(at)
    assert at.success[0].value.startswith("## Ready")


@pytest.mark.parametrize("page", ("app_pages/plan.py", "app_pages/readiness.py"))
def test_naloxone_information_is_on_the_plan_and_readiness_pages(stored_case, page):
    at = open_page(page)
    assert "Naloxone (Narcan) reverses an opioid overdose" in texts(at)


def test_readiness_shows_plan_b_and_the_moud_warning_when_no_bed_is_held(engine):
    from matching.case.carelevel import CareAnswers

    now = datetime.now(UTC)
    case = ready_case(now)
    tomorrow = (now.astimezone(ZoneInfo("America/New_York")) + timedelta(days=1)).date()
    primary = replace(primary_of(case), hold=None, intake=None)
    case = replace(
        case,
        intervention=replace(case.intervention, local_date=tomorrow, local_time=time(10, 0)),
        placements=(primary, *case.backups()),
        care=CareAnswers(substances=("opioids",), daily_use=True, moud="methadone"),
    )
    case_records.create_case(engine, case, actor=LOCAL)
    at = open_page("app_pages/readiness.py")
    assert not at.exception
    shown = texts(at)
    assert "Plan B: same-day treatment" in [h.value for h in at.subheader]
    assert "no bed is held" in shown
    assert "Opioid treatment programs" in shown and "1-800-484-3731" in shown
    assert "Not asked yet: will Harbor Detox continue methadone" in shown
    labels = [button.label for button in at.button]
    assert "Prepare the Plan B (PDF)" in labels and "Prepare the Plan B (text)" in labels
    next(b for b in at.button if b.label == "Prepare the Plan B (text)").click().run()
    assert not at.exception
    downloads = [getattr(button, "label", "") for button in at.get("download_button")]
    assert "Download the Plan B (text)" in downloads
