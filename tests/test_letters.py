"""Letter review: transparent rules flag blame, absolutes and insults; note what is missing."""

from __future__ import annotations

from pathlib import Path

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


LETTERS = Path(__file__).resolve().parent / "fixtures" / "letters"


def _hurtful_sentences() -> list[str]:
    lines = (LETTERS / "hurtful.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _good_letters() -> list[str]:
    lines = (LETTERS / "good_letters.txt").read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.startswith("#"))
    return [letter.strip() for letter in text.split("---") if letter.strip()]


def test_the_review_catches_nine_in_ten_hurtful_sentences():
    sentences = _hurtful_sentences()
    missed = [sentence for sentence in sentences if not review_letter(sentence).findings]
    assert len(sentences) >= 100
    assert len(missed) <= len(sentences) // 10, missed


def test_no_caring_letter_is_flagged():
    letters = _good_letters()
    assert len(letters) >= 10
    for letter in letters:
        review = review_letter(letter)
        assert review.findings == (), [(f.rule, f.excerpt) for f in review.findings]
        assert review.ok


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("You are dead to me.", "rejection"),
        ("You should be ashamed of yourself.", "shame"),
        ("Go to treatment or else.", "threat"),
        ("You've become a burden to all of us.", "contempt"),
        ("If you don't go today, I'm changing the locks!", "threat"),
    ],
)
def test_each_kind_of_hurt_is_named(sentence, kind):
    assert kind in {finding.kind for finding in review_letter(sentence).findings}


def test_harsh_words_about_them_are_flagged_but_fear_for_them_is_not():
    assert review_letter("You have become so cruel.").findings
    assert not review_letter("I am afraid you are dying.").findings
    assert not review_letter("You are not a failure.").findings


def test_describing_what_happened_is_not_flagged():
    assert not review_letter("Last March you were arrested outside the pharmacy.").findings


def test_every_finding_comes_with_a_suggestion():
    for sentence in _hurtful_sentences():
        for finding in review_letter(sentence).findings:
            assert finding.why and finding.suggestion
