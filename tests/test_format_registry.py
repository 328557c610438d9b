"""Import formats are declared once (matching.ingest.registry); every front end reads them."""

from __future__ import annotations

import typing
from pathlib import Path

import pandas as pd
import pytest
from ladders_sample import ladders_bytes

from matching.directory import columns as col
from matching.ingest import import_bytes, import_file
from matching.ingest.formats import ImportFormat
from matching.ingest.importers import Locating
from matching.ingest.registry import BY_NAME, EVERY_FLAG, FORMATS, REGISTRY, label_of
from matching.render.display import source_name


def test_the_registry_holds_every_format_once_and_the_choices_follow_it() -> None:
    names = [entry.name for entry in REGISTRY]
    assert sorted(names) == sorted(typing.get_args(ImportFormat))
    assert len(set(names)) == len(names)
    assert ("auto", *names) == FORMATS


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda entry: entry.name)
def test_each_format_has_words_for_people_and_a_reader(entry) -> None:
    assert entry.label and entry.source_name and entry.hint and callable(entry.reader)
    assert label_of(entry.name) == entry.label
    assert entry.container in ("csv", "xlsx", "json")


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda entry: entry.name)
def test_rows_of_every_format_show_a_human_source_name(entry) -> None:
    """The California licensing list used to show its raw format name ("ca-dhcs-licensing:…")."""
    shown = source_name(f"{entry.name}:listing.csv")
    assert shown == f"{entry.source_name} (listing.csv)"
    assert entry.name not in shown


@pytest.mark.parametrize("choice", FORMATS)
def test_the_cli_accepts_every_registered_choice(choice: str) -> None:
    from matching.cli.main import build_parser

    args = build_parser().parse_args(["import", "in.csv", "--out", "out.csv", "--format", choice])
    assert args.format == choice


def test_the_cli_refuses_a_format_the_registry_does_not_hold(capsys) -> None:
    from matching.cli.main import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["import", "in.csv", "--out", "o.csv", "--format", "pdf"])
    assert "ca-dhcs-licensing" in capsys.readouterr().err


def test_a_forced_format_names_what_it_expects_and_what_the_file_looks_like() -> None:
    from matching.errors import ImportFormatError
    from matching.ingest import import_bytes

    data = (
        b"name1,street1,city,state,zip,latitude,longitude\nA,1 Main St,Dayton,OH,45402,39.7,-84.2\n"
    )
    with pytest.raises(ImportFormatError) as refused:
        import_bytes(data, "listing.csv", fmt="ca-dhcs-licensing")
    message = str(refused.value)
    assert BY_NAME["ca-dhcs-licensing"].expects in message
    assert BY_NAME["findtreatment-csv"].hint in message and "--format findtreatment-csv" in message


# One small file per format (CSV/JSON fixtures; the workbooks from the real data, skipped when
# ../shared is absent): what each can say "no" to is declared in the registry, and kept.
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
DHCS_SAMPLE = (
    b"license_number,facility_name,address_line1,city,state,zip,setting_code,offers_detox,"
    b"target_population,treatment_capacity,latitude,longitude\n"
    b"190001AP,Women's House,1 Main St,Oakland,CA,94612,RES,false,WOMEN ONLY,12,37.8,-122.27\n"
    b"190002AP,Day Program,2 Main St,Oakland,CA,94612,NON,true,CO-ED,,37.81,-122.27\n"
)
SAMPLES = {
    "findtreatment-csv": lambda: (FIXTURES / "import_findtreatment.csv").read_bytes(),
    "findtreatment-json": lambda: (FIXTURES / "import_api.json").read_bytes(),
    "directory-2015": lambda: (FIXTURES / "import_directory2015.csv").read_bytes(),
    "generic-csv": lambda: (FIXTURES / "person_profile.csv").read_bytes(),
    "ca-dhcs-licensing": lambda: DHCS_SAMPLE,
    "co-ladders": ladders_bytes,
}
WORKBOOKS = {
    "national-directory": REAL
    / "gauravshetty98_Analyzing-Statewise-Substance-Abuse"
    / "national-directory-su-facilities-2023.xlsx",
}


def _denied(frame: pd.DataFrame) -> set[str]:
    """Return the yes/no columns in which some row says no."""
    return {
        name
        for name in (*EVERY_FLAG, col.LICENSE_EXPIRED, col.ACCEPTING_NEW_PATIENTS)
        if name in frame.columns and frame[name].astype("boolean").eq(False).any()
    }


@pytest.mark.parametrize("name", list(SAMPLES))
def test_a_format_says_no_only_where_its_registry_entry_says_it_can(name: str) -> None:
    result = import_bytes(
        SAMPLES[name](), f"sample.{BY_NAME[name].container}", fmt=BY_NAME[name].name
    )
    denied = _denied(result.frame)
    assert denied, "the sample should deny something, or the check proves nothing"
    assert denied <= BY_NAME[name].denies, denied - BY_NAME[name].denies


@pytest.mark.realdata
@pytest.mark.parametrize("name", list(WORKBOOKS))
def test_a_workbook_format_says_no_only_where_it_can(name: str) -> None:
    if not WORKBOOKS[name].is_file():
        pytest.skip("../shared/data/real is not present beside this checkout")
    frame = import_file(
        WORKBOOKS[name], fmt=BY_NAME[name].name, locating=Locating(enabled=False)
    ).frame
    assert _denied(frame) <= BY_NAME[name].denies


def test_no_format_may_deny_an_availability_signal() -> None:
    """ "Accepting new patients" is a yes or unknown in every source, never a no."""
    assert all(col.ACCEPTING_NEW_PATIENTS not in entry.denies for entry in REGISTRY)
