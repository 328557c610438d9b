"""Letter review: transparent rules flag blame, absolutes and insults; note what is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matching.case.letters import (
    LOOKS_FOR_ES,
    MISSING_INSTANCE,
    MISSING_LOVE,
    RULES,
    RULES_ES,
    detect_language,
    review_letter,
)

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


# ------------------------------------------------------------------ Spanish, one warning a sentence

ISSUE_EXAMPLE = (
    "Eres una drogadicta egoísta y una mentirosa. Nos has arruinado la vida y me das vergüenza. "
    "Si no vas hoy, estás muerta para mí."
)


def _lines(name: str) -> list[str]:
    lines = (LETTERS / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _letters(name: str) -> list[str]:
    lines = (LETTERS / name).read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.startswith("#"))
    return [letter.strip() for letter in text.split("---") if letter.strip()]


@pytest.mark.parametrize("language", ["es", "auto"])
def test_the_issues_spanish_letter_gets_one_warning_per_sentence_naming_the_words(language):
    review = review_letter(ISSUE_EXAMPLE, language)
    assert review.language == "es"
    assert [finding.words for finding in review.findings] == [
        ("drogadicta", "egoísta", "mentirosa"),
        ("Nos has arruinado", "me das vergüenza"),
        ("estás muerta para mí",),
    ]
    assert [finding.kind for finding in review.findings] == ["insult", "shame", "rejection"]
    assert review.findings[1].kinds == ("shame", "blame")
    assert "Te quiero" in review.missing[1]


def test_accents_left_out_change_nothing():
    folded = "Eres una egoista y una mentirosa. Si no vas hoy, estas muerta para mi."
    assert [f.kind for f in review_letter(folded, "es").findings] == ["insult", "rejection"]


@pytest.mark.parametrize(
    ("hurtful", "kind_name", "language"),
    [
        ("es_hurtful.txt", "es_kind.txt", "es"),
        ("hurtful.txt", "en_kind.txt", "en"),
    ],
)
def test_most_hurtful_sentences_are_caught_and_kind_ones_left_alone(hurtful, kind_name, language):
    sentences, kind = _lines(hurtful), _lines(kind_name)
    assert len(sentences) >= 50 and len(kind) >= 25
    missed = [s for s in sentences if not review_letter(s, language).findings]
    flagged = [s for s in kind if review_letter(s, language).findings]
    assert len(missed) <= len(sentences) // 10, missed
    assert flagged == []
    # Detected, not chosen: the same figures hold with both rule sets on.
    assert [s for s in kind if review_letter(s).findings] == []


@pytest.mark.parametrize("language", ["es", "auto"])
def test_a_kind_spanish_letter_gets_no_warning_and_no_hint(language):
    letters = _letters("es_good_letters.txt")
    assert len(letters) >= 4
    for letter in letters:
        review = review_letter(letter, language)
        assert review.ok, (review.findings, review.missing)
        assert review.language == "es"


def test_the_language_is_detected():
    assert detect_language(ISSUE_EXAMPLE) == "es"
    assert detect_language(GOOD) == "en"


def test_a_sentence_with_three_hurts_gets_one_warning():
    review = review_letter(f"{GOOD} You always lie, you junkie, and it's your fault.")
    assert len(review.findings) == 1
    assert set(review.findings[0].words) >= {"You always", "junkie", "it's your fault"}


def test_an_unknown_language_is_refused_by_name():
    with pytest.raises(ValueError, match="'fr'"):
        review_letter(GOOD, "fr")


def test_every_spanish_example_the_rules_table_gives_is_really_flagged():
    for rule in RULES_ES:
        examples = re.findall(r'"([^"]+)"', LOOKS_FOR_ES[rule.key])
        assert examples, rule.key
        for example in examples:
            assert rule.pattern.search(example.replace("...", "").strip()), (rule.key, example)


def test_negation_and_compassion_are_not_flagged():
    for kind in ("No es tu culpa estar enfermo.", "No eres un fracaso.", "Nunca estás solo."):
        assert not review_letter(kind, "es").findings, kind
    assert not review_letter("It's not your fault you are sick.", "en").findings
    assert not review_letter("I will never give up on you.", "en").findings


def test_the_word_lists_do_not_depend_on_vader():
    import matching.case.letters as letters

    source = Path(letters.__file__).read_text(encoding="utf-8")
    assert "vader" not in source.lower()


def test_the_spanish_rules_table_shows_plain_words_not_patterns():
    from matching.case.letters import rules_table

    rows = rules_table("es")
    assert len(rows) == len(RULES_ES) + 3
    for row in rows:
        for cell in row.values():
            assert not any(mark in cell for mark in ("\\b", "(?:", "\\w", "|", "[^")), cell
