"""Review an intervention letter offline, with transparent rules (docs/readiness.md, "Letters").

A good letter names specific instances of harm, says love and concern, and does not blame,
reject, shame or threaten. The review has three parts, all offline and readable:

- :data:`RULES`, plain regular-expression rules for what hurts (absolutes, blame, rejection,
  contempt, shame, threats and ultimatums, insults), each with why it matters and a rewrite;
- a sentiment-lexicon check: words that VADER's lexicon (shipped with the ``vaderSentiment``
  package) scores as strongly negative, said *about the person* ("you are ...", "you've
  become ..."), unless the sentence voices fear for them or is negated ("you are not alone");
- shouting: a run of capitals or repeated exclamation marks.

Plus two "missing" checks: a specific instance (a day, a date, an occasion) and an expression
of love or concern. Describing what happened ("last March you were arrested") is what a good
letter does, so events are never flagged, only judgements of who the person is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final


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
    "crackhead",
    "dope ?fiend",
    "degenerate",
    "scum",
    "parasite",
    "leech",
    "bum",
    "deadbeat",
    "lowlife",
    "loser",
    "liar",
    "thief",
    "idiot",
    "moron",
    "stupid",
    "pathetic",
    "worthless",
    "useless",
    "selfish",
    "disgusting",
    "failure",
    "disgrace",
    "lazy",
    "coward",
    "freak",
    "monster",
    "self-centered",
    "self-absorbed",
    "manipulative",
    "manipulator",
)
# "you're", "you are", "you've become" ...: what follows is said about who they are.
_YOU_ARE = r"\byou(?:'re| are| were|'ve become| have become| became)\b"

RULES: Final[tuple[LetterRule, ...]] = (
    _rule(
        "always",
        "absolute",
        r"\byou(?:'re| are)? always\b|\bevery (?:single )?time you\b",
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
        r"\b(?:(?:it'?s|it is|this is|all) )?your (?:own )?fault\b"
        r"|\b(?:it'?s|it is|this is|all) because of you\b|\byou did this\b",
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
        r"\byou(?:'ve| have)? (?:ruined|destroyed|wrecked)\b"
        r"|\byou(?:'re| are) (?:killing|destroying|ruining) (?:me|us|this family|your \w+)\b",
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
        "why_cant_you",
        "blame",
        r"\bwhy (?:can't|cannot|won't|don't|do) you (?:just )?\w+|\bjust stop\b"
        r"|\bif you (?:really|truly)? ?(?:loved|cared about) (?:me|us|them|your \w+)\b"
        r"|\byou chose (?:drugs|heroin|this|the needle|getting high)\b"
        r"|\byou only (?:care|think) about yourself\b",
        "It treats addiction as a choice they could simply stop making, and asks them to defend.",
        'Say what you hope for: "I want you to get the help that makes stopping possible."',
    ),
    _rule(
        "rejection",
        "rejection",
        r"\bdead to (?:me|us)\b|\b(?:i'?m|i am|we'?re|we are) (?:done|finished) with you\b"
        r"|\b(?:want|will have|having) nothing (?:more )?to do with you\b"
        r"|\b(?:don't|do not|never) (?:ever )?(?:come|coming) (?:back|home)\b"
        r"|\b(?:never|not) (?:trust|believe|forgive|speak to|talk to) you again\b"
        r"|\bturned your back on\b|\bdeserve (?:a )?better (?:father|mother|parent|son|daughter)\b"
        r"|\bno (?:son|daughter|child|brother|sister|friend|family) of (?:mine|ours)\b"
        r"|\bnot my (?:son|daughter|child|brother|sister|husband|wife) any ?more\b"
        r"|\bget out of (?:my|our) (?:life|lives|house|home)\b|\bwash(?:ed)? my hands of\b"
        r"|\bgive up on you\b|\bgiven up on you\b|\bdisown\w*\b|\blost cause\b"
        r"|\bwish (?:you had never been|you were never|i never had you)\b"
        r"|\b(?:you're|you are) not (?:welcome|wanted)\b"
        r"|\bnobody (?:wants|loves|likes|trusts|believes) you\b"
        r"|\bno one (?:wants|loves|likes|trusts|believes) you\b",
        "Rejection closes the door you want them to walk through today.",
        'Keep the door open: "If you say no today, I will ... - and I will still love you."',
    ),
    _rule(
        "contempt",
        "contempt",
        r"\byou disgust me\b|\b(?:sick|tired) (?:and tired )?of (?:you|your|looking at)\b"
        r"|\bcan'?t stand (?:you|the sight|looking at)\b|\bjust look at (?:yourself|you)\b"
        r"|\bwhat a (?:joke|waste|mess)\b|\bwaste of (?:space|time|a life|life|air)\b"
        r"|\b(?:grow up|man up|pull yourself together)\b"
        r"|\bget (?:your act|your life|yourself|your shit) together\b"
        r"|\byou(?:'ll| will) never (?:amount|change|get better|be anything|make it)\b"
        r"|\byour (?:lies|excuses|selfishness|drama|garbage|bullshit|mess)\b"
        r"|" + _YOU_ARE + r" (?:(?:such|so|just|nothing but|a|an|the) )*"
        r"(?:a )?(?:joke|mess|waste|trash|garbage|nothing|burden|embarrassment|disappointment"
        r"|hopeless|weak|cruel|evil|toxic|poison)\b",
        "Contempt tells them they are worthless; people who feel worthless keep using.",
        'Describe what you saw and how you felt: "When I saw ..., I felt heartbroken."',
    ),
    _rule(
        "shame",
        "shame",
        r"\b(?:should|ought to) be ashamed\b|\bshame on you\b|\bhow could you\b"
        r"|\b(?:i'?m|i am|we'?re|we are) ashamed (?:of|to)\b"
        r"|\bwhat (?:would|will) (?:people|the neighbou?rs|everyone|others|they) (?:think|say)\b"
        r"|\b(?:what is|what's) wrong with you\b"
        r"|\byou(?:'ve| have)? (?:embarrassed|humiliated|shamed|disgraced)"
        r" (?:me|us|the|this|your)\b"
        r"|\byou(?:'ve| have)? (?:let|brought) (?:us|me|the family|everyone)(?: all)?"
        r" (?:down|shame)\b"
        r"|\beveryone (?:knows|is talking)\b",
        "Shame makes people hide; hiding is how addiction survives.",
        'Say what happened and what you hope for: "On <day> ... I want us to heal together."',
    ),
    _rule(
        "threat",
        "threat",
        r"\bor else\b|\blast chance\b|\byou(?:'ll| will) (?:be sorry|regret)\b|\bi swear\b"
        r"|\bi(?:'ll| will) make (?:sure you|you)\b"
        r"|\b(?:kick|throw) you (?:out|away)\b|\bout on the street\b"
        r"|\bnever see (?:the|your|my|our) (?:kids|children|grandchildren|baby|son|daughter)"
        r" again\b"
        r"|\bcall the (?:police|cops) on you\b"
        r"|\byou(?:'ll| will) (?:end up|be) (?:dead|in jail|in prison|on the street|alone)\b",
        "A threat said in anger sounds like punishment, and people dig in against punishment.",
        'State the consequence calmly as what you will do: "If you refuse help today, I will '
        'no longer ..."',
    ),
    _rule(
        "hostility",
        "rejection",
        r"\bi (?:hate|resent|despise|can'?t forgive|will never forgive)\b"
        r"|\b(?:embarrassed|humiliated|ashamed|disgusted|sick|tired|fed up|finished|done)"
        r"(?: and tired)? (?:by|of|with) (?:you|your|what you|cleaning up|being your)\b"
        r"|\bbeing your (?:bank|atm|maid|slave|doormat)\b"
        r"|\bi (?:don't|do not) (?:even )?care\b"
        r"|\b(?:don't|do not) (?:even )?(?:know|recognize) (?:who )?you (?:are )?any ?more\b"
        r"|\b(?:don't|do not|never) (?:bother|ever) (?:calling|coming|contacting|talking|asking)\b"
        r"|\byou(?:'ll| will)? (?:deserve|deserved) (?:it|this|what)\b"
        r"|\byour own (?:doing|choice)\b"
        r"|\b(?:thrown|throwing|throw) (?:your life|it all|everything) away\b|\bhow low\b"
        r"|\byou(?:'re| are)? (?:breaking|broke) (?:your|my|our) (?:\w+'s )?heart\b",
        "Hostility or coldness is heard as rejection, and rejection makes refusing easier.",
        'Say the hurt underneath: "I miss you, and I am frightened of losing you."',
    ),
    _rule(
        "judgement",
        "contempt",
        r"\byou(?:'re| are) the (?:reason|cause|problem)\b|\byou care more about\b"
        r"|\bhow dare you\b|\bdon'?t you dare\b|\byou have no (?:shame|respect|heart|conscience)\b"
        r"|\b(?:acting|act|behaving) like a (?:child|baby|kid|teenager|brat|animal)\b"
        r"|\bwasting my (?:life|time|money) on you\b"
        r"|\byou \w+ (?:every (?:single )?day|all the time|constantly)\b",
        "A judgement of their character starts an argument instead of a conversation.",
        'Describe one moment and your feeling: "On <day>, when you ..., I felt ..."',
    ),
    _rule(
        "anger_at_them",
        "rejection",
        r"\b(?:angry|mad|furious|pissed|livid|enraged) (?:at|with) you\b"
        r"|\b(?:embarrassed|ashamed) (?:to be|of being) (?:related|your|seen)\b"
        r"|\bi regret (?:ever|trusting|having|helping|believing|loving)\b"
        r"|\bsee if i care\b|\bgo ahead and (?:die|use|leave)\b",
        "Anger aimed at them is heard as rejection, and rejection makes refusing easier.",
        'Say the fear under the anger: "I am frightened of losing you."',
    ),
    _rule(
        "ultimatum",
        "threat",
        r"\beither you\b[^.!?]*\bor\b|\byou(?:'re| are) out\b"
        r"|\b(?:this is|for) the (?:last|final) time\b"
        r"|\bor (?:you(?:'ll| will)? )?lose (?:us|me|everything|your \w+)\b"
        r"|\byou(?:'ll| will| are going to) lose (?:everything|us|your (?:kids|children|family))\b",
        "An ultimatum or a prophecy of loss sounds like punishment, not a plan.",
        'State calmly what you will do: "If you refuse help today, I will ..."',
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


# VADER valences run from -4 to +4; -1.8 and below is "liar", "selfish", "hopeless", "weak".
HARSH_VALENCE: Final = -1.8
# Past tense mostly describes events ("you were arrested"): only the harshest judgements count.
HARSH_VALENCE_PAST: Final = -2.5
# Words for what they are going through; said with compassion, not as a verdict.
_SUFFERING: Final = frozenset(
    {
        "sick", "ill", "hurting", "hurt", "struggling", "suffering", "scared", "afraid",
        "lonely", "alone", "sad", "depressed", "lost", "tired", "exhausted", "pain", "unwell",
        "dying", "worried", "broken", "sorry",
    }
)  # fmt: skip
_NEGATIONS: Final = frozenset({"not", "no", "never", "nobody's", "hardly"})
_ABOUT_THEM = re.compile(
    r"\byou(?P<verb>'re| are| were|'ve become| have become| became| seem| sound| act)\b"
    r"(?P<rest>(?:\s+[\w'-]+){1,4})",
    re.IGNORECASE,
)
# Fear, care or understanding voiced before "you are ..." turns it into concern.
_CONCERN_BEFORE = re.compile(
    r"\b(?:afraid|scared|worried|terrified|fear|frightened|concerned|worry|know|understand|"
    r"see that|believe|hope|pray|wish)\b",
    re.IGNORECASE,
)
# "You are not a failure" says the opposite of the label.
_NEGATED_LABEL = re.compile(r"\b(?:not|never|no longer)(?: just)?(?: an?)? $", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_SHOUTING = re.compile(r"\b(?:[A-Z]{2,}[\s,]+){2,}[A-Z]{2,}\b|!{2,}")
_ANGRY_ULTIMATUM = re.compile(
    r"\b(?:if you (?:don't|do not|won't|will not|refuse)|unless you)\b[^.!?]*!", re.IGNORECASE
)
_ACRONYMS: Final = frozenset({"ER", "ICU", "DUI", "DWI", "AA", "NA", "OK", "ID", "TV", "USA"})


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    """Return VADER's analyzer (built once; its lexicon file ships inside the package)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def review_letter(text: str) -> LetterReview:
    """Review ``text``: flag what hurts (rules, harsh words about them, shouting); note gaps."""
    findings = [
        _finding(text, match.start(), match.end(), rule.key, rule.kind, rule.why, rule.suggestion)
        for rule in RULES
        for match in rule.pattern.finditer(text)
        if not (rule.kind == "insult" and _NEGATED_LABEL.search(text[: match.start()]))
    ]
    findings += _harsh_words(text) + _shouting(text) + _harsh_sentences(text)
    findings = _without_overlaps(findings)
    missing = []
    if text.strip() and not _SPECIFIC.search(text):
        missing.append(MISSING_INSTANCE)
    if text.strip() and not _LOVE.search(text):
        missing.append(MISSING_LOVE)
    if not text.strip():
        missing.append("The letter is empty; start with what this person means to you.")
    return LetterReview(findings=tuple(findings), missing=tuple(missing))


def _finding(
    text: str, start: int, end: int, rule: str, kind: str, why: str, suggestion: str
) -> Finding:
    return Finding(
        rule=rule,
        kind=kind,
        excerpt=_excerpt(text, start, end),
        start=start,
        end=end,
        why=why,
        suggestion=suggestion,
    )


def _harsh_words(text: str) -> list[Finding]:
    """Flag strongly negative lexicon words said about who the person is."""
    lexicon = _analyzer().lexicon
    found = []
    for sentence in _SENTENCE.finditer(text):
        for match in _ABOUT_THEM.finditer(sentence.group()):
            if _CONCERN_BEFORE.search(sentence.group()[: match.start()]):
                continue
            past = match.group("verb").strip().lower() == "were"
            limit = HARSH_VALENCE_PAST if past else HARSH_VALENCE
            for word in match.group("rest").split():
                bare = word.lower().strip(".,;:!?\"'")
                if bare in _NEGATIONS:
                    break
                if bare in _SUFFERING or lexicon.get(bare, 0.0) > limit:
                    continue
                start = sentence.start() + match.start()
                found.append(
                    _finding(
                        text,
                        start,
                        sentence.start() + match.end(),
                        "harsh_words",
                        "contempt",
                        f'"{bare}" is a verdict on who they are; it is heard as contempt.',
                        'Describe what happened and how it made you feel: "When you ..., I '
                        'felt ..."',
                    )
                )
                break
    return found


# A sentence aimed at them scoring this low (VADER compound, -1..1) once the words for fear,
# grief and what happened are set aside is hostile in tone even when no rule names it.
HARSH_SENTENCE: Final = -0.4
_FEELINGS_AND_EVENTS: Final = _SUFFERING | frozenset(
    {
        "worry", "fear", "frightened", "terrified", "heartbroken", "helpless", "cried",
        "crying", "shaking", "sweating", "bruises", "arrested", "overdosed", "overdose", "died",
        "die", "death", "hospital", "betrayed", "missed", "stopped",
        "hard", "difficult", "miss", "illness", "disease", "addiction", "broke",
    }
)  # fmt: skip
_WORD = re.compile(r"[\w']+|[!?.]")
_SECOND_PERSON = re.compile(r"\byou(?:r|rs|rself|'re|'ve|'ll|'d)?\b", re.IGNORECASE)


def _harsh_sentences(text: str) -> list[Finding]:
    """Flag sentences aimed at them whose tone stays hostile without the words of grief."""
    analyzer = _analyzer()
    found = []
    for sentence in _SENTENCE.finditer(text):
        words = [
            word
            for word in _WORD.findall(sentence.group())
            if word.lower() not in _FEELINGS_AND_EVENTS
        ]
        if not _SECOND_PERSON.search(sentence.group()):
            continue
        if analyzer.polarity_scores(" ".join(words))["compound"] > HARSH_SENTENCE:
            continue
        found.append(
            _finding(
                text,
                sentence.start(),
                sentence.end(),
                "harsh_tone",
                "contempt",
                "The tone of this sentence is hostile; it will be heard as an attack.",
                'Say what happened and how you felt: "When ..., I felt ..., and I love you."',
            )
        )
    return found


def _shouting(text: str) -> list[Finding]:
    """Flag capitals and exclamation marks that read as anger, and angry ultimatums."""
    found = []
    for match in _SHOUTING.finditer(text):
        if set(match.group().replace(",", " ").split()) <= _ACRONYMS:
            continue
        found.append(
            _finding(
                text,
                match.start(),
                match.end(),
                "shouting",
                "anger",
                "Capitals and repeated exclamation marks read as shouting.",
                "Write it calmly, in ordinary letters; calm words are the ones that are heard.",
            )
        )
    for match in _ANGRY_ULTIMATUM.finditer(text):
        found.append(
            _finding(
                text,
                match.start(),
                match.end(),
                "angry_ultimatum",
                "threat",
                "An ultimatum with an exclamation mark sounds like anger, not a plan.",
                'State the consequence calmly: "If you refuse help today, I will ..."',
            )
        )
    return found


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    """Keep one finding per passage (the most specific check first), in reading order."""
    kept: list[Finding] = []
    for finding in findings:  # rules, then harsh words, shouting, and tone last
        if any(finding.start < other.end and other.start < finding.end for other in kept):
            continue
        kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def _excerpt(text: str, start: int, end: int, *, context: int = 30) -> str:
    left = max(0, start - context)
    right = min(len(text), end + context)
    prefix = "…" if left else ""
    suffix = "…" if right < len(text) else ""
    return prefix + " ".join(text[left:right].split()) + suffix


# What each rule looks for, in plain words for the reader (the patterns are for the machine).
LOOKS_FOR: Final[dict[str, str]] = {
    "always": '"you always", "every time you"',
    "never": '"you never", "you\'ve never"',
    "fault": '"it\'s your fault", "all because of you", "you did this"',
    "you_made_me": '"you made me ...", "you make me ..."',
    "you_ruined": '"you ruined", "you destroyed", "you\'re killing me"',
    "should_have": '"you should have", "you shouldn\'t have"',
    "why_cant_you": '"why can\'t you just ...", "just stop", "if you really loved me", '
    '"you chose drugs"',
    "rejection": '"you\'re dead to me", "we\'re done with you", "don\'t come home", '
    '"nobody wants you", "I give up on you"',
    "contempt": '"you disgust me", "sick of you", "waste of space", "you\'re a joke", '
    '"grow up", "you\'ll never change"',
    "shame": '"you should be ashamed", "how could you", "what will people think", '
    '"you embarrassed us"',
    "threat": '"or else", "last chance", "you\'ll be sorry", "I\'ll kick you out", '
    '"you\'ll end up dead"',
    "hostility": '"I hate ...", "fed up with you", "I don\'t care", '
    '"I don\'t know who you are any more"',
    "judgement": '"you\'re the problem", "how dare you", "acting like a child"',
    "anger_at_them": '"I\'m angry at you", "I regret ever ...", "see if I care"',
    "ultimatum": '"either you ... or ...", "you\'re out", "this is the last time", '
    '"you\'ll lose everything"',
    "insult": "labels such as "
    + ", ".join(
        f'"{word}"' for word in ("junkie", "addict", "liar", "loser", "selfish", "worthless")
    ),
}


def rules_table() -> list[dict[str, str]]:
    """Return the rules as rows (kind, what it looks for, why, suggestion) in plain words."""
    rows = [
        {
            "kind": rule.kind,
            "looks for": LOOKS_FOR[rule.key],
            "why": rule.why,
            "instead": rule.suggestion,
        }
        for rule in RULES
    ]
    rows.append(
        {
            "kind": "contempt",
            "looks for": 'strongly negative words after "you are", "you\'ve become" ...',
            "why": "A verdict on who they are is heard as contempt.",
            "instead": "Describe what happened and how it made you feel.",
        }
    )
    rows.append(
        {
            "kind": "anger",
            "looks for": "runs of CAPITALS, repeated !!, an ultimatum ending in !",
            "why": "It reads as shouting.",
            "instead": "Write it calmly.",
        }
    )
    return rows
