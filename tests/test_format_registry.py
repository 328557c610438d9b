"""Import formats are declared once (matching.ingest.registry); every front end reads them."""

from __future__ import annotations

import typing

import pytest

from matching.ingest.formats import ImportFormat
from matching.ingest.registry import BY_NAME, FORMATS, REGISTRY, label_of
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
