"""Review an intervention letter offline, with transparent rules (docs/readiness.md, "Letters").

A good letter names specific instances of harm, says love and concern, and does not blame.
The review is a table of plain regular-expression rules (:data:`RULES`), each with the reason
it matters and a suggested rewrite, plus two "missing" checks: a specific instance (a day, a
date, an occasion) and an expression of love or concern. Nothing leaves the machine; there is
no model to trust, only rules anyone can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, kw_only=True, slots=True)
class LetterRule:
    """One thing to avoid in a letter: a pattern, why it hurts, and what to write instead."""

    key: str
    kind: str
    pattern: re.Pattern[str]
    why: str
    suggestion: str


def _rule(key: str, kind: str, pattern: str, why: str, suggestion: str) -> LetterRule:
    return LetterRule(
        key=key,
        kind=kind,
        pattern=re.compile(pattern, re.IGNORECASE),
        why=why,
        suggestion=suggestion,
    )


_INSULTS = (
    "junkie",
    "addict",
    "loser",
    "liar",
    "idiot",
    "stupid",
    "pathetic",
    "worthless",
    "useless",
    "selfish",
    "disgusting",
    "failure",
    "disgrace",
    "lazy",
)

RULES: Final[tuple[LetterRule, ...]] = (
    _rule(
        "always",
        "absolute",
        r"\byou(?:'re| are)? always\b",
        '"Always" invites an argument about the exceptions.',
        'Name one time instead: "On <day>, when you ..., I felt ..."',
    ),
    _rule(
        "never",
        "absolute",
        r"\byou(?: have| had|'ve)? never\b",
        '"Never" invites an argument about the exceptions.',
        'Say what you miss: "I miss the times when we ..."',
    ),
    _rule(
        "fault",
        "blame",
        r"\b(?:(?:it'?s|it is|this is|all) )?your (?:own )?fault\b",
        "Blame makes the listener defend instead of hear.",
        'Say how it affected you: "When ... happened, I felt scared and alone."',
    ),
    _rule(
        "you_made_me",
        "blame",
        r"\byou (?:made|make) me\b",
        "It puts your feelings on them as a charge.",
        'Own the feeling: "I felt ... when ..."',
    ),
    _rule(
        "you_ruined",
        "blame",
        r"\byou(?:'ve| have)? (?:ruined|destroyed|wrecked)\b",
        "A verdict on them, not a description of what happened.",
        'Describe the moment: "On <day>, ... and I was hurt."',
    ),
    _rule(
        "should_have",
        "blame",
        r"\byou (?:should|shouldn't|should not) have\b",
        "Judging the past invites excuses.",
        'Say what you hope for now: "I hope you will accept help today."',
    ),
    _rule(
        "insult",
        "insult",
        r"\b(?:" + "|".join(_INSULTS) + r")s?\b",
        "A label shames; shame keeps people using.",
        'Talk about the illness and the person: "I know this is not who you are."',
    ),
)

# A specific instance: a day, a date, a time of day, an occasion or "I remember when".
_SPECIFIC = re.compile(
    r"\b(?:on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"last (?:week|month|year|night|christmas|thanksgiving|summer|winter|spring|fall|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)|yesterday|"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
    r"(?: \d{1,2})?|\d{1,2} (?:january|february|march|april|may|june|july|august|september|"
    r"october|november|december)|\d{1,2}/\d{1,2}(?:/\d{2,4})?|in (?:19|20)\d{2}|"
    r"i remember (?:when|the)|the (?:day|night|time|morning|evening) (?:when|that|you)|"
    r"(?:birthday|wedding|graduation|funeral|christmas|thanksgiving)|"
    r"at \d{1,2}(?::\d{2})? ?(?:am|pm))",
    re.IGNORECASE,
)
_LOVE = re.compile(
    r"\b(?:love|loved|loving|care about|care for|worried|worry|concerned|scared for|afraid for|"
    r"proud|miss you|miss the|mean so much|here for you|believe in you)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Finding:
    """One passage of the letter that a rule flags."""

    rule: str
    kind: str
    excerpt: str
    start: int
    end: int
    why: str
    suggestion: str


@dataclass(frozen=True, kw_only=True, slots=True)
class LetterReview:
    """What the review found and what is missing."""

    findings: tuple[Finding, ...]
    missing: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Return True when nothing is flagged and nothing is missing."""
        return not self.findings and not self.missing


MISSING_INSTANCE: Final = (
    'Add one specific instance — a day, a date or an occasion ("Last Thanksgiving, you ...") — '
    "so it is about what happened, not who they are."
)
MISSING_LOVE: Final = (
    'Say your love or concern in plain words ("I love you and I am scared for you").'
)


def review_letter(text: str) -> LetterReview:
    """Review ``text``: flag blaming, absolute or insulting words; note what is missing."""
    findings = []
    for rule in RULES:
        for match in rule.pattern.finditer(text):
            findings.append(
                Finding(
                    rule=rule.key,
                    kind=rule.kind,
                    excerpt=_excerpt(text, match.start(), match.end()),
                    start=match.start(),
                    end=match.end(),
                    why=rule.why,
                    suggestion=rule.suggestion,
                )
            )
    findings.sort(key=lambda finding: finding.start)
    missing = []
    if text.strip() and not _SPECIFIC.search(text):
        missing.append(MISSING_INSTANCE)
    if text.strip() and not _LOVE.search(text):
        missing.append(MISSING_LOVE)
    if not text.strip():
        missing.append("The letter is empty; start with what this person means to you.")
    return LetterReview(findings=tuple(findings), missing=tuple(missing))


def _excerpt(text: str, start: int, end: int, *, context: int = 30) -> str:
    left = max(0, start - context)
    right = min(len(text), end + context)
    prefix = "…" if left else ""
    suffix = "…" if right < len(text) else ""
    return prefix + " ".join(text[left:right].split()) + suffix


def rules_table() -> list[dict[str, str]]:
    """Return the rules as rows (kind, pattern, why, suggestion) to show users what is checked."""
    return [
        {
            "kind": rule.kind,
            "looks for": rule.pattern.pattern,
            "why": rule.why,
            "instead": rule.suggestion,
        }
        for rule in RULES
    ]
