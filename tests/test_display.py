"""Words and links shown for each facility: availability, phone links, addresses."""

from __future__ import annotations

import pandas as pd
import pytest
from search_frames import NOW, directory, facility

from matching.directory import columns as col
from matching.render.display import address_text, availability_text, tel_link

REPORTED = pd.Timestamp("2026-11-26T10:00Z")


@pytest.mark.parametrize(
    "detox, residential, status, expected",
    [
        (2, pd.NA, "openings", "Openings: 2 detox beds open"),
        (1, 0, "openings", "Openings: 1 detox bed open, no residential"),
        (0, 3, "openings", "Openings: 3 residential beds open, no detox"),
        (0, 0, "no_openings", "No openings: no detox or residential beds open"),
        (pd.NA, pd.NA, "waitlist", "Waitlist"),
    ],
)
def test_availability_says_beds_by_type(detox, residential, status, expected) -> None:
    row = facility(
        1,
        beds_open_detox=detox,
        beds_open_residential=residential,
        availability_status=status,
        availability_reported_at=REPORTED,
    )
    text = availability_text(directory(row), now=NOW)[0]
    assert text == f"{expected} - reported Nov 26 10:00 UTC, 2 h ago (fresh)"


def test_never_reported_availability_asks_for_a_call() -> None:
    assert availability_text(directory(facility(1)), now=NOW)[0] == "Not reported - call to check"


def test_old_report_is_labelled_stale() -> None:
    row = facility(1, availability_status="openings", availability_reported_at=REPORTED)
    text = availability_text(directory(row), now=NOW + pd.Timedelta(days=5))[0]
    assert text.endswith("5 d ago (stale)")


@pytest.mark.parametrize(
    "phone, link",
    [
        ("(212) 555-0101", "tel:+12125550101"),
        ("1-800-662-4357", "tel:+18006624357"),
        ("212.555.0101 x204", "tel:+12125550101,204"),
        ("937-268-6511 ext. 2188", "tel:+19372686511,2188"),
        ("988", "tel:988"),
        ("", ""),
        ("call us", ""),
    ],
)
def test_tel_link(phone: str, link: str) -> None:
    assert tel_link(phone) == link


def test_address_leaves_out_empty_parts() -> None:
    table = directory(facility(1, street="1 Main St"), facility(2, street="", city=""))
    assert address_text(table).tolist() == ["1 Main St, New York, NY 10001", "NY 10001"]
    assert address_text(table.iloc[0:0]).tolist() == []
    assert col.STREET in table.columns
