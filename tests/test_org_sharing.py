"""Team mode: the directory library, call log and shortlists are shared within an organisation.

Two organisations on one real store: every function of the call log, shortlists, library, last
search and privacy controls is tried from the other organisation (it sees nothing, changes
nothing) and from a colleague (who sees everything of their organisation). The last search and
the typed-address cache are each person's own. What people type is sealed at rest when the
store has keys.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from search_frames import directory, facility
from sqlalchemy import create_engine, insert, select

from matching.case import pipeline
from matching.directory import columns as col
from matching.errors import AccessError, QueryError, StoreError
from matching.records import calllog, library, privacy, sealing, searches, sharing, shortlist, store
from matching.records.team import LOCAL, Actor


@pytest.fixture
def engine(db_engine):
    """Run this file's tests on SQLite and on a real PostgreSQL (conftest's db_engine)."""
    return db_engine


NOW = datetime.now(UTC).replace(microsecond=0)  # set again at each test's start (below)


@pytest.fixture(autouse=True)
def _now_is_the_tests_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """NOW is the time the test starts, not the time the module was collected (minutes ago)."""
    monkeypatch.setitem(globals(), "NOW", datetime.now(UTC).replace(microsecond=0))


TABLE = directory(facility(1), facility(2), facility(3))
SECRET = "mother says he keeps a gun in the truck"


def _person(engine, email: str, org_id: int | None = None) -> Actor:
    """Insert a person (and a new organization unless ``org_id`` is given, which they then
    administer, as its creator does) and return them."""
    stamp = store.to_naive_utc(NOW)
    role = "staff" if org_id is not None else "admin"
    with engine.begin() as connection:
        if org_id is None:
            org_id = int(
                connection.execute(
                    insert(store.orgs).values(name=f"{email}'s organisation", created_at=stamp)
                ).inserted_primary_key[0]
            )
        user_id = int(
            connection.execute(
                insert(store.users).values(email=email, display_name=email, created_at=stamp)
            ).inserted_primary_key[0]
        )
        connection.execute(
            insert(store.org_members).values(
                org_id=org_id, user_id=user_id, org_role=role, added_at=stamp
            )
        )
    return Actor(user_id=user_id, email=email, org_id=org_id, display_name=email)


@dataclass(frozen=True, kw_only=True)
class Team:
    ana: Actor  # organisation A
    ben: Actor  # Ana's colleague in organisation A
    cho: Actor  # organisation B


@pytest.fixture
def team(engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Team:
    # A server database keeps its files in the data folder (a SQLite store beside its file).
    monkeypatch.setenv(library.DATA_DIR_ENV, str(tmp_path / "data"))
    ana = _person(engine, "ana@practice.example")
    return Team(
        ana=ana,
        ben=_person(engine, "ben@practice.example", org_id=ana.org_id),
        cho=_person(engine, "cho@family.example"),
    )


def _call(facility_id: str, status: str = "openings", **values) -> calllog.CallReport:
    base = {
        "facility_id": facility_id,
        "availability_status": status,
        "beds_open_detox": 2 if status == "openings" else None,
        "reported_at": NOW - timedelta(hours=1),
    }
    return calllog.CallReport(**(base | values))


# --- Call log ------------------------------------------------------------------------------


def test_calls_are_shared_with_colleagues_and_invisible_to_another_org(engine, team) -> None:
    calllog.log_call(engine, _call("f001", note="ask for Maria"), actor=team.ana)
    calllog.log_call(engine, _call("f002", "waitlist"), actor=team.ben)

    for colleague in (team.ana, team.ben):
        history = calllog.call_history(engine, actor=colleague)
        assert sorted(history[col.FACILITY_ID]) == ["f001", "f002"]
        assert calllog.call_history(engine, "f001", actor=colleague)["note"].tolist() == [
            "ask for Maria"
        ]
        assert sorted(calllog.latest_reports(engine, actor=colleague)[col.FACILITY_ID]) == [
            "f001",
            "f002",
        ]
        shown = calllog.overlay_call_log(TABLE, engine, actor=colleague)
        assert shown[col.AVAILABILITY_STATUS].tolist() == ["openings", "waitlist", "unknown"]

    for outsider in (team.cho, LOCAL):
        assert calllog.call_history(engine, actor=outsider).empty
        assert calllog.call_history(engine, "f001", actor=outsider).empty
        assert calllog.latest_reports(engine, actor=outsider).empty
        shown = calllog.overlay_call_log(TABLE, engine, actor=outsider)
        assert shown[col.AVAILABILITY_STATUS].tolist() == ["unknown"] * 3
        assert calllog.revision(engine, actor=outsider) == ""


def test_revision_follows_the_org_log_only(engine, team) -> None:
    calllog.log_call(engine, _call("f001"), actor=team.ana)
    before = calllog.revision(engine, actor=team.ana)
    assert before and before != calllog.revision(engine, actor=team.cho)

    calllog.log_call(engine, _call("f001"), actor=team.cho)
    calllog.log_call(engine, _call("f002"), actor=LOCAL)
    assert calllog.revision(engine, actor=team.ana) == before  # other orgs' calls: no change
    assert calllog.revision(engine, actor=team.cho) not in ("", before)

    calllog.log_call(engine, _call("f003"), actor=team.ben)
    assert calllog.revision(engine, actor=team.ana) != before  # a colleague's call: new key


def test_clearing_the_log_clears_only_the_own_org(engine, team) -> None:
    calllog.log_call(engine, _call("f001"), actor=team.ana)
    calllog.log_call(engine, _call("f002"), actor=team.ben)
    calllog.log_call(engine, _call("f003"), actor=team.cho)

    assert calllog.clear_call_log(engine, actor=team.cho) == 1
    assert calllog.clear_call_log(engine, actor=LOCAL) == 0
    assert len(calllog.call_history(engine, actor=team.ana)) == 2
    with pytest.raises(AccessError, match="Only an admin"):  # Ben is staff
        calllog.clear_call_log(engine, actor=team.ben)
    assert calllog.clear_call_log(engine, actor=team.ana) == 2
    assert calllog.call_history(engine, actor=team.ana).empty


def test_feed_and_report_rows_land_in_the_actor_org(engine, team) -> None:
    feed = pd.DataFrame(
        {
            col.NAME: ["Facility 2"],
            col.ZIP: ["10001"],
            col.BEDS_OPEN_DETOX: [1],
            col.BEDS_OPEN_RESIDENTIAL: [pd.NA],
            col.AVAILABILITY_STATUS: ["openings"],
            col.AVAILABILITY_REPORTED_AT: [pd.Timestamp(NOW)],
            col.AVAILABILITY_SOURCE: ["county feed"],
        }
    )
    calllog.log_feed(engine, TABLE, feed, actor=team.cho)
    assert calllog.call_history(engine, actor=team.cho)["source"].tolist() == ["county feed"]
    assert calllog.call_history(engine, actor=team.ana).empty
    assert calllog.call_history(engine, actor=LOCAL).empty


def test_placement_news_reaches_only_the_actor_org(engine, team) -> None:
    snapshot = pipeline.FacilitySnapshot(facility_id="f002", name="Facility 2")
    placement = pipeline.new_placement(snapshot, now=NOW - timedelta(hours=2))
    availability = pipeline.Availability(
        beds_open=1, bed_type="detox", confirmed_by="nurse Ana", confirmed_at=NOW
    )
    sharing.confirm_and_share(engine, placement, availability, now=NOW, actor=team.ana)
    sharing.close_and_share(
        engine, placement, stage="waitlisted", reason="two weeks out", now=NOW, actor=team.cho
    )
    assert calllog.call_history(engine, actor=team.ben)[col.AVAILABILITY_STATUS].tolist() == [
        "openings"
    ]
    assert calllog.call_history(engine, actor=team.cho)[col.AVAILABILITY_STATUS].tolist() == [
        "waitlist"
    ]
    assert calllog.call_history(engine, actor=LOCAL).empty


# --- Shortlists ----------------------------------------------------------------------------


def _ids(engine, shortlist_id: int, actor: Actor) -> list[str]:
    return shortlist.shortlist_items_frame(engine, shortlist_id, actor=actor)[
        col.FACILITY_ID
    ].tolist()


def test_colleagues_share_shortlists_and_another_org_has_its_own(engine, team) -> None:
    ours = shortlist.create_shortlist(engine, "Sam - December", actor=team.ana)
    shortlist.add_facilities(engine, ours.id, TABLE.iloc[[0, 1]], actor=team.ana)
    shortlist.add_facilities(engine, ours.id, TABLE.iloc[[2]], actor=team.ben)
    shortlist.set_note(engine, ours.id, "f001", "call after 2pm", actor=team.ben)
    shortlist.move_facility(engine, ours.id, "f003", -2, actor=team.ben)

    assert [s.name for s in shortlist.list_shortlists(engine, actor=team.ben)] == ["Sam - December"]
    assert _ids(engine, ours.id, team.ana) == ["f003", "f001", "f002"]
    items = shortlist.shortlist_items_frame(engine, ours.id, actor=team.ana)
    assert items.set_index(col.FACILITY_ID).loc["f001", "note"] == "call after 2pm"
    with pytest.raises(QueryError, match="already exists"):
        shortlist.create_shortlist(engine, "Sam - December", actor=team.ben)

    # Organisation B gets its own default list, and may use the same name as A.
    theirs = shortlist.list_shortlists(engine, actor=team.cho)
    assert [s.name for s in theirs] == [shortlist.DEFAULT_SHORTLIST_NAME]
    assert shortlist.default_shortlist(engine, actor=team.cho).id == theirs[0].id != ours.id
    same_name = shortlist.create_shortlist(engine, "Sam - December", actor=team.cho)
    assert same_name.id != ours.id and _ids(engine, same_name.id, team.cho) == []
    assert [s.name for s in shortlist.list_shortlists(engine, actor=LOCAL)] == [
        shortlist.DEFAULT_SHORTLIST_NAME
    ]


def test_another_orgs_shortlist_behaves_as_missing(engine, team) -> None:
    ours = shortlist.create_shortlist(engine, "Sam", actor=team.ana)
    shortlist.add_facilities(engine, ours.id, TABLE, actor=team.ana)
    shortlist.set_note(engine, ours.id, "f002", "nice intake nurse", actor=team.ana)

    for outsider in (team.cho, LOCAL):
        with pytest.raises(StoreError, match=f"Shortlist {ours.id} does not exist"):
            shortlist.get_shortlist(engine, ours.id, actor=outsider)
        with pytest.raises(StoreError, match="does not exist"):
            shortlist.add_facilities(engine, ours.id, TABLE, actor=outsider)
        with pytest.raises(StoreError, match="no longer on the shortlist"):
            shortlist.move_facility(engine, ours.id, "f003", -2, actor=outsider)
        assert shortlist.shortlist_items_frame(engine, ours.id, actor=outsider).empty
        shortlist.set_note(engine, ours.id, "f002", "overwritten", actor=outsider)
        shortlist.remove_facility(engine, ours.id, "f001", actor=outsider)
        shortlist.delete_shortlist(engine, ours.id, actor=outsider)

    items = shortlist.shortlist_items_frame(engine, ours.id, actor=team.ben)
    assert items[col.FACILITY_ID].tolist() == ["f001", "f002", "f003"]
    assert items["position"].tolist() == [1, 2, 3]
    assert items["note"].tolist() == ["", "nice intake nurse", ""]
    assert shortlist.get_shortlist(engine, ours.id, actor=team.ben).name == "Sam"

    with pytest.raises(AccessError, match="Only an admin"):  # a colleague who is staff
        shortlist.delete_shortlist(engine, ours.id, actor=team.ben)
    shortlist.delete_shortlist(engine, ours.id, actor=team.ana)  # the organization's admin
    with pytest.raises(StoreError, match="does not exist"):
        shortlist.get_shortlist(engine, ours.id, actor=team.ana)
    with engine.connect() as connection:
        left = connection.execute(
            select(store.shortlist_items).where(store.shortlist_items.c.shortlist_id == ours.id)
        ).all()
    assert left == []


# --- Directory library -----------------------------------------------------------------------


def test_imported_directories_are_shared_within_the_org_only(engine, team) -> None:
    ours = library.save_import(
        engine, TABLE, name="NY listing", format="generic-csv", actor=team.ana
    )
    library.set_active(engine, ours.key, actor=team.ana)

    assert library.active_entry(engine, actor=team.ben) == ours
    assert library.get_entry(engine, ours.key, actor=team.ben) == ours
    assert [e.key for e in library.list_directories(engine, actor=team.ben)][-1] == ours.key
    assert library.load_entry(library.active_entry(engine, actor=team.ben))[
        col.FACILITY_ID
    ].tolist() == ["f001", "f002", "f003"]

    for outsider in (team.cho, LOCAL):
        assert library.active_entry(engine, actor=outsider).key == library.DEMO_KEY
        assert ours.key not in [e.key for e in library.list_directories(engine, actor=outsider)]
        for attempt in (library.get_entry, library.set_active, library.delete_directory):
            with pytest.raises(StoreError, match=f"Directory {ours.key} is not in the store"):
                attempt(engine, ours.key, actor=outsider)
    assert ours.path.is_file()
    assert library.active_entry(engine, actor=team.ana) == ours

    with pytest.raises(AccessError, match="Only an admin"):  # Ben is staff
        library.delete_directory(engine, ours.key, actor=team.ben)
    library.delete_directory(engine, ours.key, actor=team.ana)
    assert not ours.path.exists()
    assert library.active_entry(engine, actor=team.ana).key == library.DEMO_KEY


def test_each_org_chooses_its_own_active_directory(engine, team) -> None:
    ours = library.save_import(engine, TABLE, name="ours", format="generic-csv", actor=team.ana)
    theirs = library.save_import(
        engine, TABLE.iloc[[0]], name="theirs", format="generic-csv", actor=team.cho
    )
    library.set_active(engine, ours.key, actor=team.ana)
    library.set_active(engine, theirs.key, actor=team.cho)
    library.set_active(engine, library.DEMO_KEY, actor=LOCAL)
    assert library.active_entry(engine, actor=team.ben).key == ours.key
    assert library.active_entry(engine, actor=team.cho).key == theirs.key
    assert library.active_entry(engine, actor=LOCAL).key == library.DEMO_KEY


def test_org_files_live_in_owner_only_folders_that_never_collide(engine, team) -> None:
    local = library.save_import(
        engine, TABLE, name="listing", format="generic-csv", now=NOW, actor=LOCAL
    )
    ours = library.save_import(
        engine, TABLE.iloc[[0]], name="listing", format="generic-csv", now=NOW, actor=team.ana
    )
    theirs = library.save_import(
        engine, TABLE.iloc[[1]], name="listing", format="generic-csv", now=NOW, actor=team.cho
    )
    root = library.data_root(engine)
    if engine.url.get_backend_name() == "sqlite":
        # The local organisation keeps today's layout beside the database file.
        assert root == Path(engine.url.database).parent
    assert local.path.parent == root / library.FOLDER_NAME
    assert ours.path.parent == root / f"org-{team.ana.org_id}" / library.FOLDER_NAME
    assert theirs.path.parent == root / f"org-{team.cho.org_id}" / library.FOLDER_NAME
    assert local.path.name == ours.path.name == theirs.path.name
    assert [len(library.load_entry(e)) for e in (local, ours, theirs)] == [3, 1, 1]
    assert library.load_entry(theirs)[col.FACILITY_ID].tolist() == ["f002"]
    for folder in (ours.path.parent, ours.path.parent.parent, theirs.path.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(ours.path.stat().st_mode) == 0o600


def test_a_server_database_keeps_files_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = create_engine("postgresql+psycopg://readybed@db.invalid/readybed")  # never connects
    actor = Actor(user_id=7, email="ana@practice.example", org_id=3)
    monkeypatch.setenv(library.DATA_DIR_ENV, str(tmp_path / "data"))
    assert (
        library.library_folder(server, actor=actor) == tmp_path / "data" / "org-3" / "directories"
    )
    assert library.library_folder(server, actor=LOCAL) == tmp_path / "data" / "directories"
    monkeypatch.delenv(library.DATA_DIR_ENV)
    from platformdirs import user_data_path

    assert library.data_root(server) == user_data_path("readybed", appauthor=False)


# --- Last search and typed addresses (per person) ------------------------------------------


def test_the_last_search_is_each_persons_own(engine, team) -> None:
    searches.save_last_search(engine, {"place": "Albany, NY"}, actor=team.ana)
    searches.save_last_search(engine, {"place": "10001"}, actor=team.ben)
    searches.save_last_search(engine, {"place": "Queens"}, actor=team.ana)
    assert searches.load_last_search(engine, actor=team.ana) == {"place": "Queens"}
    assert searches.load_last_search(engine, actor=team.ben) == {"place": "10001"}
    assert searches.load_last_search(engine, actor=team.cho) is None
    assert searches.load_last_search(engine, actor=LOCAL) is None

    assert searches.forget_last_search(engine, actor=team.cho) is False
    assert searches.forget_last_search(engine, actor=team.ana) is True
    assert searches.load_last_search(engine, actor=team.ana) is None
    assert searches.load_last_search(engine, actor=team.ben) == {"place": "10001"}


def test_typed_addresses_are_each_persons_own(engine, team) -> None:
    root = library.data_root(engine)
    assert privacy.geocode_cache_path(engine, actor=LOCAL) == root / privacy.GEOCODE_CACHE_NAME
    paths = {who: privacy.geocode_cache_path(engine, actor=who) for who in (team.ana, team.ben)}
    assert paths[team.ana] != paths[team.ben]
    assert paths[team.ana].parent.parent == root / f"org-{team.ana.org_id}"
    assert stat.S_IMODE(paths[team.ana].parent.stat().st_mode) == 0o700
    paths[team.ana].write_text('{"12 elm street": [39.8, -89.6, "12 Elm Street"]}')
    paths[team.ben].write_text('{"a": null, "b": null}')

    assert privacy.geocoded_address_count(engine, actor=team.ana) == 1
    assert privacy.geocoded_address_count(engine, actor=team.ben) == 2
    assert privacy.geocoded_address_count(engine, actor=team.cho) == 0
    assert privacy.forget_geocoded_addresses(engine, actor=team.cho) == 0
    assert privacy.forget_geocoded_addresses(engine, actor=team.ana) == 1
    assert not paths[team.ana].exists() and paths[team.ben].exists()


# --- Sealed at rest ------------------------------------------------------------------------


def test_typed_text_is_sealed_in_the_tables_and_read_back_plainly(engine, team) -> None:
    sealing.bind_keys(engine, [sealing.generate_key()])
    calllog.log_call(engine, _call("f001", note=SECRET), actor=team.ana)
    ours = shortlist.create_shortlist(engine, "Sam", actor=team.ana)
    shortlist.add_facilities(engine, ours.id, TABLE.iloc[[0]], actor=team.ana)
    shortlist.set_note(engine, ours.id, "f001", SECRET, actor=team.ana)
    searches.save_last_search(engine, {"place": SECRET}, actor=team.ana)

    with engine.connect() as connection:
        stored = [
            connection.execute(select(store.call_log.c.note)).scalar_one(),
            connection.execute(select(store.shortlist_items.c.note)).scalar_one(),
            connection.execute(select(store.saved_searches.c.form_json)).scalar_one(),
        ]
    for value in stored:
        assert value.startswith(sealing.PREFIX) and "gun" not in value

    assert calllog.call_history(engine, actor=team.ben)["note"].tolist() == [SECRET]
    items = shortlist.shortlist_items_frame(engine, ours.id, actor=team.ben)
    assert items["note"].tolist() == [SECRET]
    assert searches.load_last_search(engine, actor=team.ana) == {"place": SECRET}


def test_an_unknown_organization_gets_a_sentence_not_a_shortlist(engine) -> None:
    stranger = Actor(user_id=99, email="gone@practice.example", org_id=99)
    with pytest.raises(StoreError, match="Organisation 99 is not in the store"):
        shortlist.list_shortlists(engine, actor=stranger)
