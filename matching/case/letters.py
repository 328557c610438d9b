"""Review an intervention letter offline, in English or Spanish (docs/readiness.md, "Letters").

A good letter names specific instances of harm, says love and concern, and does not blame,
reject, shame or threaten. The review is offline and readable, with word lists ReadyBed owns
(``matching.case.letter_words``, sources in docs/readiness.md):

- :data:`RULES` (English) and :data:`RULES_ES` (Spanish), plain regular-expression rules for
  what hurts (absolutes, blame, rejection, contempt, shame, threats and ultimatums, insults),
  each with why it matters and a rewrite;
- verdict words said *about the person* ("you are cruel", "eres una mentirosa"), unless the
  sentence voices fear for them or is negated ("you are not alone", "no eres un fracaso");
- a hostile tone: swearing and contempt words in a sentence said to them;
- shouting: a run of capitals or repeated exclamation marks.

A sentence gets at most one warning, naming every word in it that triggered the review. Plus
two "missing" checks: a specific instance (a day, a date, an occasion) and an expression of
love or concern. Describing what happened ("last March you were arrested") is what a good
letter does, so events are never flagged, only judgements of who the person is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from matching.case.letter_words import (
    FUNCTION_WORDS_EN,
    FUNCTION_WORDS_ES,
    HOSTILE_EN,
    HOSTILE_ES,
    INSULTS_EN,
    NEGATIONS_EN,
    NEGATIONS_ES,
    SUFFERING_EN,
    SUFFERING_ES,
    VERDICTS_EN,
    VERDICTS_ES,
    VERDICTS_PAST_EN,
)
from matching.case.letters_es import (
    LOOKS_FOR_ES,
    LOVE_ES,
    MISSING_INSTANCE_ES,
    MISSING_LOVE_ES,
    SPECIFIC_ES,
    YOU_ARE_ES,
)
from matching.case.letters_es import (
    RULES_ES as _RULES_ES_SPEC,
)

Language = Literal["en", "es"]
LANGUAGES: Final[dict[str, str]] = {"auto": "Detect", "en": "English", "es": "Español"}


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


_INSULTS = INSULTS_EN
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
        r"|\b(?:finished|done) (?:cleaning up|paying|covering|making excuses) (?:after|for) you\b"
        r"|\bi (?:don't|do not) (?:even )?care\b"
        r"|\b(?:don't|do not) (?:even )?(?:know|recognize) (?:who )?you (?:are )?any ?more\b"
        r"|\b(?:don't|do not|never) (?:bother|ever) (?:calling|coming|contacting|talking|asking)\b"
        r"|\b(?:don't|do not|no longer) recognize you\b"
        r"|\bsomeone i (?:don't|do not) (?:know|recognize)\b"
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
        r"|\bshut up\b|\bget lost\b|\bgo to hell\b|\beverything you touch\b"
        r"|\byou (?:destroy|ruin|wreck) everything\b"
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


RULES_ES: Final[tuple[LetterRule, ...]] = tuple(_rule(*spec) for spec in _RULES_ES_SPEC)
_SPECIFIC_ES = re.compile(SPECIFIC_ES, re.IGNORECASE)
_LOVE_ES = re.compile(LOVE_ES, re.IGNORECASE)


@dataclass(frozen=True, kw_only=True, slots=True)
class Finding:
    """One sentence of the letter that the review flags, with the words that triggered it."""

    rule: str
    kind: str
    excerpt: str
    start: int
    end: int
    why: str
    suggestion: str
    words: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class LetterReview:
    """What the review found and what is missing, and the language it read the letter in."""

    findings: tuple[Finding, ...]
    missing: tuple[str, ...]
    language: Language = "en"

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
EMPTY: Final = "The letter is empty; start with what this person means to you."

# Accents folded one character for one, so offsets in the folded text are offsets in the letter.
_FOLD: Final = str.maketrans("áéíóúüÁÉÍÓÚÜàèìòùÀÈÌÒÙ", "aeiouuAEIOUUaeiouAEIOU")
# Worst first: a sentence that threatens and blames is shown as a threat, naming both.
KIND_ORDER: Final = (
    "threat", "rejection", "contempt", "shame", "blame", "insult", "absolute", "shouting",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    rule: str
    kind: str
    why: str
    suggestion: str


def detect_language(text: str) -> Language:
    """Return "es" when the letter has more Spanish than English function words, else "en"."""
    tokens = re.findall(r"[a-zñ']+", text.translate(_FOLD).lower())
    english = sum(token in FUNCTION_WORDS_EN for token in tokens)
    spanish = sum(token in FUNCTION_WORDS_ES for token in tokens)
    return "es" if spanish > english else "en"


def review_letter(text: str, language: str = "auto") -> LetterReview:
    """Review ``text`` in ``language`` ("en", "es", or "auto": both rule sets, language detected).

    Flags what hurts (rules, verdicts about them, a hostile tone, shouting), one warning per
    sentence naming the words that triggered it, and notes what the letter is missing.
    """
    if language not in LANGUAGES:
        raise ValueError(f"letter language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    text = unicodedata.normalize("NFC", text)
    folded = text.translate(_FOLD)
    detected: Language = (
        detect_language(text) if language == "auto" else "es" if language == "es" else "en"
    )
    languages: tuple[Language, ...] = ("en", "es") if language == "auto" else (detected,)
    hits: list[_Hit] = []
    for lang in languages:
        hits += _rule_hits(folded, lang) + _verdict_hits(folded, lang) + _tone_hits(folded, lang)
    hits += _shouting(text, folded)
    return LetterReview(
        findings=_one_per_sentence(text, hits),
        missing=_missing(folded, detected),
        language=detected,
    )


def _missing(folded: str, language: Language) -> tuple[str, ...]:
    if not folded.strip():
        return (EMPTY,)
    spanish = language == "es"
    missing = []
    if not (_SPECIFIC.search(folded) or _SPECIFIC_ES.search(folded)):
        missing.append(MISSING_INSTANCE_ES if spanish else MISSING_INSTANCE)
    if not (_LOVE.search(folded) or _LOVE_ES.search(folded)):
        missing.append(MISSING_LOVE_ES if spanish else MISSING_LOVE)
    return tuple(missing)


_NEGATIONS: Final = NEGATIONS_EN | NEGATIONS_ES
_DISBELIEF = re.compile(
    r"\b(?:can't|cannot|can not|couldn't|no puedo|no podemos) creer\b"
    r"|\b(?:can't|cannot|can not|couldn't) believe\b",
    re.IGNORECASE,
)
# Labels and verdicts stand further from their negation: "no eres un fracaso".
_LABEL_WINDOW: Final = 3


def _negated(folded: str, start: int, *, window: int = 2) -> bool:
    """Return True when one of the ``window`` words before ``start``, in its clause, negates."""
    clause = re.split(r"[.!?,;:\n]", folded[:start])[-1]
    clause = _DISBELIEF.sub(" ", clause)  # "I can't believe how low ...": not a negation
    words = [word.lower() for word in re.findall(r"[\w']+", clause)[-window:]]
    return any(word in _NEGATIONS or word.endswith("n't") for word in words)


def _rule_hits(folded: str, language: Language) -> list[_Hit]:
    rules = RULES if language == "en" else RULES_ES
    return [
        _Hit(match.start(), match.end(), rule.key, rule.kind, rule.why, rule.suggestion)
        for rule in rules
        for match in rule.pattern.finditer(folded)
        if not _negated(folded, match.start(), window=_LABEL_WINDOW if rule.kind == "insult" else 2)
    ]


# Words for what they are going through, said with compassion, not as a verdict.
_SUFFERING: Final = SUFFERING_EN | SUFFERING_ES
_ABOUT_THEM = re.compile(
    r"\byou(?P<verb>'re| are| were|'ve become| have become| became| seem| sound| act"
    r"|'ve turned into| have turned into| turned into)\b"
    r"(?P<rest>(?:\s+[\w'-]+){1,4})",
    re.IGNORECASE,
)
_ABOUT_THEM_ES = re.compile(
    r"(?P<verb>" + YOU_ARE_ES + r")(?P<rest>(?:\s+[\w'-]+){1,4})", re.IGNORECASE
)
# Fear, care or understanding voiced before "you are ..." turns it into concern.
_CONCERN_BEFORE = re.compile(
    r"\b(?:afraid|scared|worried|terrified|fear|frightened|concerned|worry|know|understand|"
    r"see that|believe|hope|pray|wish|miedo|temo|tememos|preocupa\w*|se que|sabemos que|"
    r"entiendo|entendemos|espero|esperamos|ojala|rezo)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_WORDS = re.compile(r"[\w'-]+")


def _verdict_hits(folded: str, language: Language) -> list[_Hit]:
    """Flag verdict words said about who the person is ("you are cruel", "eres egoista")."""
    about = _ABOUT_THEM if language == "en" else _ABOUT_THEM_ES
    found = []
    for sentence in _SENTENCE.finditer(folded):
        for match in about.finditer(sentence.group()):
            if _CONCERN_BEFORE.search(sentence.group()[: match.start()]):
                continue
            past = language == "en" and match.group("verb").strip().lower() == "were"
            verdicts = (
                VERDICTS_PAST_EN if past else VERDICTS_EN if language == "en" else VERDICTS_ES
            )
            offset = sentence.start() + match.start("rest")
            word = _first_verdict(match.group("rest"), verdicts)
            if word is not None and not _negated(folded, offset + word[0], window=_LABEL_WINDOW):
                start, end = offset + word[0], offset + word[1]
                found.append(
                    _Hit(
                        start,
                        end,
                        "harsh_words",
                        "contempt",
                        "A verdict on who they are is heard as contempt.",
                        'Describe what happened and how it made you feel: "When you ..., I '
                        'felt ..."',
                    )
                )
    return found


def _first_verdict(rest: str, verdicts: frozenset[str]) -> tuple[int, int] | None:
    """Return the span of the first verdict word (or two-word phrase) in ``rest``, if any."""
    words = list(_WORDS.finditer(rest))
    for index, word in enumerate(words):
        bare = word.group().lower()
        if bare in _NEGATIONS:
            return None
        if index + 1 < len(words):
            pair = f"{bare} {words[index + 1].group().lower()}"
            if pair in verdicts:
                return word.start(), words[index + 1].end()
        if bare in _SUFFERING:
            continue
        if bare in verdicts:
            return word.start(), word.end()
    return None


def _alternation(words: frozenset[str]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(word) for word in ordered) + r")\b", re.I)


_HOSTILE = {"en": _alternation(HOSTILE_EN), "es": _alternation(HOSTILE_ES)}
_SECOND_PERSON = {
    "en": re.compile(r"\byou(?:r|rs|rself|'re|'ve|'ll|'d)?\b", re.IGNORECASE),
    "es": re.compile(
        r"\b(?:tu|tus|ti|te|eres|estas|contigo|usted|vos|has|vas|puedes|tienes)\b", re.I
    ),
}


def _tone_hits(folded: str, language: Language) -> list[_Hit]:
    """Flag hostile words (swearing, contempt) in a sentence said to them."""
    found = []
    for sentence in _SENTENCE.finditer(folded):
        if not _SECOND_PERSON[language].search(sentence.group()):
            continue
        for match in _HOSTILE[language].finditer(sentence.group()):
            start = sentence.start() + match.start()
            if _negated(folded, start, window=3):
                continue
            found.append(
                _Hit(
                    start,
                    sentence.start() + match.end(),
                    "harsh_tone",
                    "contempt",
                    "Words like this make the sentence hostile; it will be heard as an attack.",
                    'Say what happened and how you felt: "When ..., I felt ..., and I love you."',
                )
            )
    return found


_CAPS = "A-ZÁÉÍÓÚÑÜ"
_SHOUTING = re.compile(rf"\b(?:[{_CAPS}]{{2,}}[\s,]+){{2,}}[{_CAPS}]{{2,}}\b|[!¡]{{2,}}")
_ANGRY_ULTIMATUM = re.compile(
    r"\b(?:if you (?:don't|do not|won't|will not|refuse)|unless you|si no|a menos que)\b"
    r"[^.!?]*!",
    re.IGNORECASE,
)
_ACRONYMS: Final = frozenset({"ER", "ICU", "DUI", "DWI", "AA", "NA", "OK", "ID", "TV", "USA"})


def _shouting(text: str, folded: str) -> list[_Hit]:
    """Flag capitals and exclamation marks that read as anger, and angry ultimatums."""
    found = [
        _Hit(
            match.start(),
            match.end(),
            "shouting",
            "shouting",
            "Capitals and repeated exclamation marks read as shouting.",
            "Write it calmly, in ordinary letters; calm words are the ones that are heard.",
        )
        for match in _SHOUTING.finditer(text)
        if not set(match.group().replace(",", " ").split()) <= _ACRONYMS
    ]
    found += [
        _Hit(
            match.start(),
            match.end(),
            "angry_ultimatum",
            "threat",
            "An ultimatum with an exclamation mark sounds like anger, not a plan.",
            'State the consequence calmly: "If you refuse help today, I will ..."',
        )
        for match in _ANGRY_ULTIMATUM.finditer(folded)
    ]
    return found


_WORD_LIST_CHECKS: Final = frozenset({"harsh_words", "harsh_tone"})


def _one_per_sentence(text: str, hits: list[_Hit]) -> tuple[Finding, ...]:
    """Gather the hits of each sentence into one finding, worst kind first, naming every word."""
    spans = [(sentence.start(), sentence.end()) for sentence in _SENTENCE.finditer(text)]
    groups: dict[tuple[int, int], list[_Hit]] = {}
    for hit in hits:
        span = next(((s, e) for s, e in spans if s <= hit.start < e), (hit.start, hit.end))
        groups.setdefault(span, []).append(hit)
    findings = []
    for (start, end), group in sorted(groups.items()):
        # A named rule says more than the word-list checks, so it leads the warning.
        named = [hit for hit in group if hit.rule not in _WORD_LIST_CHECKS] or group
        kinds = tuple(
            dict.fromkeys(
                [kind for kind in KIND_ORDER if any(hit.kind == kind for hit in named)]
                + [kind for kind in KIND_ORDER if any(hit.kind == kind for hit in group)]
            )
        )
        first = next(hit for hit in named if hit.kind == kinds[0])
        findings.append(
            Finding(
                rule=first.rule,
                kind=first.kind,
                kinds=kinds,
                words=_trigger_words(text, group),
                excerpt=_excerpt(text, start, end),
                start=start,
                end=end,
                why=first.why,
                suggestion=first.suggestion,
            )
        )
    return tuple(findings)


def _trigger_words(text: str, group: list[_Hit]) -> tuple[str, ...]:
    """Return the words that triggered a sentence's hits, in reading order, each once."""
    kept: list[tuple[int, int]] = []
    for hit in sorted(group, key=lambda h: (h.start, -(h.end - h.start))):
        if not any(s <= hit.start and hit.end <= e for s, e in kept):
            kept.append((hit.start, hit.end))
    words = []
    for start, end in kept:
        word = " ".join(text[start:end].split())
        words.append(word if len(word) <= 40 else word[:39].rstrip() + "…")
    return tuple(dict.fromkeys(words))


def _excerpt(text: str, start: int, end: int, *, limit: int = 160) -> str:
    sentence = " ".join(text[start:end].split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


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


def rules_table(language: str = "en") -> list[dict[str, str]]:
    """Return the rules of ``language`` as rows (kind, what it looks for, why, instead)."""
    spanish = language == "es"
    rules, looks_for = (RULES_ES, LOOKS_FOR_ES) if spanish else (RULES, LOOKS_FOR)
    rows = [
        {
            "kind": rule.kind,
            "looks for": looks_for[rule.key],
            "why": rule.why,
            "instead": rule.suggestion,
        }
        for rule in rules
    ]
    rows.append(
        {
            "kind": "contempt",
            "looks for": '"eres", "te has vuelto" ... followed by a verdict ("cruel", "egoista")'
            if spanish
            else 'verdict words after "you are", "you\'ve become" ("cruel", "hopeless")',
            "why": "A verdict on who they are is heard as contempt.",
            "instead": "Describe what happened and how it made you feel.",
        }
    )
    rows.append(
        {
            "kind": "contempt",
            "looks for": "swearing and contempt words in a sentence said to them",
            "why": "It makes the sentence hostile.",
            "instead": "Say what happened and how you felt.",
        }
    )
    rows.append(
        {
            "kind": "shouting",
            "looks for": "runs of CAPITALS, repeated !!, an ultimatum ending in !",
            "why": "It reads as shouting.",
            "instead": "Write it calmly.",
        }
    )
    return rows
