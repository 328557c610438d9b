"""Counts and durations read as a person would say them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matching.wording import count_of, hours_apart


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [
        (1, "facility", "1 facility"),
        (2, "facility", "2 facilities"),
        (0, "facility", "0 facilities"),
        (1, "detox bed", "1 detox bed"),
        (3, "detox bed", "3 detox beds"),
        (1200, "facility", "1,200 facilities"),
    ],
)
def test_count_of_uses_the_right_number(count: int, noun: str, expected: str) -> None:
    assert count_of(count, noun) == expected


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (timedelta(hours=-16), "16 h"),
        (timedelta(hours=16), "16 h"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(days=1, hours=3), "1 day 3 h"),
        (timedelta(days=2), "2 days"),
        (timedelta(0), "0 min"),
    ],
)
def test_hours_apart_is_never_negative(span: timedelta, expected: str) -> None:
    assert hours_apart(span) == expected


def test_hold_ending_before_the_start_says_before_not_a_negative_duration() -> None:
    from case_factory import NOW, START_UTC, held_primary, ready_case, with_primary

    from matching.case import readiness

    primary = held_primary(expires_at=START_UTC - timedelta(hours=16), now=NOW)
    check = readiness.check_hold_margin(with_primary(ready_case(), primary), NOW)
    assert check is not None
    assert "16 h before the start" in check.message
    assert "-" not in check.message.split(";")[0]


def test_letter_rules_table_shows_plain_words_not_patterns() -> None:
    from matching.case.letters import rules_table

    for row in rules_table():
        for cell in row.values():
            assert not any(mark in cell for mark in ("\\b", "(?:", "\\w", "|", "[^")), cell


def test_every_example_the_rules_table_gives_is_really_flagged() -> None:
    import re

    from matching.case.letters import LOOKS_FOR, RULES

    for rule in RULES:
        examples = re.findall(r'"([^"]+)"', LOOKS_FOR[rule.key])
        assert examples, rule.key
        for example in examples:
            sample = example.replace("...", "").strip()
            assert rule.pattern.search(sample), (rule.key, example)
