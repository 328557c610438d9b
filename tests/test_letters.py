"""Letter review: transparent rules flag blame, absolutes and insults; note what is missing."""

from __future__ import annotations

import pytest

from matching.case.letters import MISSING_INSTANCE, MISSING_LOVE, RULES, review_letter

GOOD = (
    "Sam, I love you. Last Thanksgiving you fell asleep at the table and I could not wake you. "
    "I was terrified. I want my brother back and I am here for you."
)


def test_a_caring_specific_letter_passes():
    assert review_letter(GOOD).ok


@pytest.mark.parametrize(
    ("phrase", "rule"),
    [
        ("You always lie to me.", "always"),
        ("You never call.", "never"),
        ("It's your fault we lost the house.", "fault"),
        ("You made me cry.", "you_made_me"),
        ("You ruined Christmas.", "you_ruined"),
        ("You should have known better.", "should_have"),
        ("You are a junkie.", "insult"),
    ],
)
def test_each_rule_flags_its_phrase(phrase, rule):
    review = review_letter(f"{GOOD} {phrase}")
    assert [finding.rule for finding in review.findings] == [rule]


def test_finding_carries_a_suggested_rewrite_and_excerpt():
    finding = review_letter(f"{GOOD} You always lie to me.").findings[0]
    assert "On <day>" in finding.suggestion
    assert "You always lie" in finding.excerpt


def test_missing_specific_instance_is_noted():
    review = review_letter("I love you and I am worried about you.")
    assert review.missing == (MISSING_INSTANCE,)


def test_missing_love_or_concern_is_noted():
    review = review_letter("On Monday you took my car and crashed it.")
    assert review.missing == (MISSING_LOVE,)


def test_empty_letter_is_not_ok():
    assert not review_letter("  ").ok


def test_words_containing_an_insult_are_not_flagged():
    assert review_letter(f"{GOOD} Addiction is an illness.").ok


def test_every_rule_has_a_reason_and_a_suggestion():
    assert all(rule.why and rule.suggestion for rule in RULES)
