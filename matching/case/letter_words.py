"""The word lists the letter review owns, in English and Spanish (docs/readiness.md, "Letters").

Every list here is ReadyBed's own curation, written for this one job and tested against the
sentence sets in ``tests/fixtures/letters/`` (hurtful sentences caught, kind ones left alone).
Where each list comes from is documented in docs/readiness.md ("Where the word lists come
from"): the letter advice of CRAFT (Meyers and Wolfe, *Get Your Loved One Sober*) and of the
Johnson-style intervention (Johnson Institute; Mayo Clinic's intervention guidance), SAMHSA's
"Words matter" guidance on stigmatizing labels, and NIDA's "Words matter" terms to avoid. The
Spanish lists follow the same guidance in SAMHSA's and NIDA's Spanish-language pages
("Las palabras importan") plus common Spanish and Mexican-American slang for drug use, curated
by hand. They replace the ``vaderSentiment`` lexicon, which was used only for its word list.

Words are stored lower-case and without accents (``egoista``, not ``egoísta``): the review
folds accents before matching, so "egoista" typed without them is caught too.
"""

from __future__ import annotations

from typing import Final


def gendered(*stems: str) -> frozenset[str]:
    """Return each Spanish word with its feminine and plural forms.

    ``drogadicto`` gives drogadicto, drogadicta, drogadictos, drogadictas; ``perdedor`` gives
    perdedora(s); ``ladron`` gives ladrona(s); words ending otherwise get only a plural.
    """
    forms: set[str] = set()
    for stem in stems:
        if stem.endswith("o"):
            base = stem[:-1]
            forms |= {stem, base + "a", base + "os", base + "as"}
        elif stem.endswith(("or", "on")):
            forms |= {stem, stem + "a", stem + "es", stem + "as"}
        elif stem.endswith(("a", "e")):
            forms |= {stem, stem + "s"}
        else:
            forms |= {stem, stem + "es"}
    return frozenset(forms)


# ------------------------------------------------------------------------------ English

# Labels for the person. SAMHSA and NIDA list "addict", "junkie", "user" and "abuser" as the
# stigmatizing labels to avoid; the rest are the character insults that CRAFT and intervention
# guides tell family members to leave out of a letter.
INSULTS_EN: Final = (
    "junkie", "addict", "crackhead", "dope ?fiend", "degenerate", "scum", "parasite", "leech",
    "bum", "deadbeat", "lowlife", "loser", "liar", "thief", "idiot", "moron", "stupid",
    "pathetic", "worthless", "useless", "selfish", "disgusting", "failure", "disgrace", "lazy",
    "coward", "freak", "monster", "self-centered", "self-absorbed", "manipulative",
    "manipulator",
)  # fmt: skip

# Verdicts on who the person is when they follow "you are", "you've become" ... Present tense.
VERDICTS_EN: Final = frozenset(
    {
        "horrible", "terrible", "awful", "bad", "cruel", "evil", "vile", "rotten", "nasty",
        "mean", "heartless", "cold", "ungrateful", "hopeless", "weak", "pathetic", "worthless",
        "useless", "selfish", "stupid", "dumb", "ugly", "irresponsible", "dishonest",
        "untrustworthy", "crazy", "insane", "psycho", "fake", "fraud", "criminal", "disgusting",
        "despicable", "repulsive", "shameful", "spoiled", "spoilt", "immature", "toxic",
        "poison", "liar", "loser", "failure", "disappointment", "embarrassment", "burden",
        "joke", "mess", "nothing", "junkie", "addict", "monster", "animal", "drunk", "bitch",
        "jerk", "bastard", "asshole", "hypocrite", "nightmare", "menace", "danger", "lost cause",
        "dead weight",
    }
)  # fmt: skip
# Verdicts harsh enough to count in the past tense too ("you were cruel"); other past-tense
# words mostly describe what happened ("you were arrested", "you were too high to speak").
VERDICTS_PAST_EN: Final = frozenset(
    {
        "horrible", "terrible", "awful", "cruel", "evil", "vile", "heartless", "pathetic",
        "worthless", "disgusting", "despicable", "selfish", "monster", "nightmare", "bitch",
        "bastard", "asshole", "liar", "failure", "disappointment", "embarrassment",
    }
)  # fmt: skip
# Words that make a sentence said to them hostile in tone, whatever its grammar: swearing,
# contempt words and the accusations intervention guides warn against ("you lie, you steal").
HOSTILE_EN: Final = frozenset(
    {
        "nonsense", "crap", "shit", "bullshit", "damn", "damned", "hell", "garbage", "trash",
        "rubbish", "hate", "hatred", "disgusting", "disgust", "pathetic", "contempt",
        "despise", "loathe", "manipulate", "manipulating", "steal", "stealing", "lie", "lying",
        "cheat", "cheating", "sick of", "fed up", "put up with", "enough of", "get lost",
        "shut up", "screw", "worst", "idiotic", "ridiculous", "stupidity", "excuses",
    }
)  # fmt: skip
# Words for what they are going through; said with compassion, not as a verdict.
SUFFERING_EN: Final = frozenset(
    {
        "sick", "ill", "hurting", "hurt", "struggling", "suffering", "scared", "afraid",
        "lonely", "alone", "sad", "depressed", "lost", "tired", "exhausted", "pain", "unwell",
        "dying", "worried", "broken", "sorry",
    }
)  # fmt: skip
NEGATIONS_EN: Final = frozenset(
    {"not", "no", "never", "nobody's", "hardly", "isn't", "aren't", "wasn't", "don't",
     "didn't", "won't", "can't", "cannot", "nor", "without"}
)  # fmt: skip
# Frequent short words, only to tell an English letter from a Spanish one.
FUNCTION_WORDS_EN: Final = frozenset(
    {
        "the", "and", "you", "your", "i", "to", "is", "are", "of", "my", "me", "we", "it",
        "that", "this", "was", "for", "with", "have", "not", "love", "in", "on", "be", "will",
        "when", "what", "do", "if", "so", "am", "at", "our", "us", "he", "she", "they",
    }
)  # fmt: skip

# ------------------------------------------------------------------------------ Spanish

# Labels: "adicto", "drogadicto", "yonqui", "drogata", "tecato", "vicioso" are the
# stigmatizing labels of NIDA's and SAMHSA's Spanish pages and of common usage; the rest are
# the character insults CRAFT tells families to leave out ("mentiroso", "egoista").
INSULTS_ES: Final = (
    gendered(
        "drogadicto", "adicto", "tecato", "vicioso", "borracho", "mentiroso", "fracasado",
        "vago", "flojo", "estupido", "tonto", "malagradecido", "desagradecido", "desgraciado",
        "asqueroso", "patetico", "egocentrico", "delincuente", "cerdo",
        "pendejo", "inservible", "degenerado", "mantenido", "aprovechado", "malcriado",
        "ladron", "perdedor", "manipulador", "cabron",
    )
    | frozenset(
        {
            "yonqui", "yonquis", "yonki", "yonkis", "drogata", "drogatas", "egoista",
            "egoistas", "inutil", "inutiles", "idiota", "idiotas", "imbecil", "imbeciles",
            "basura", "escoria", "parasito", "parasita", "parasitos", "sinverguenza",
            "sinverguenzas", "cobarde", "cobardes", "monstruo", "lacra", "mierda",
            "huevon", "huevona", "bueno para nada", "buena para nada", "cretino", "cretina",
            "canalla", "ratero", "ratera", "malnacido", "malnacida", "cochino", "cochina",
        }
    )
)  # fmt: skip
# Verdicts after "eres", "estas", "te has vuelto", "te volviste" (present, or becoming).
VERDICTS_ES: Final = INSULTS_ES | gendered(
    "malo", "malvado", "cruel", "horrible", "terrible", "despreciable", "repugnante",
    "toxico", "debil", "egoista", "irresponsable", "falso", "loco", "vil", "podrido",
    "desastre", "fracaso", "decepcion", "verguenza", "carga", "estorbo", "chiste", "nada",
    "peligro", "pesadilla", "insoportable", "cinico", "frio", "desalmado", "ingrato",
) | frozenset(
    {
        "caso perdido", "peso muerto", "mala persona", "mal hijo", "mala hija", "mal padre",
        "mala madre", "mal hermano", "mala hermana", "mal ejemplo",
    }
)  # fmt: skip
# Hostile-tone words for a sentence said to them (see HOSTILE_EN).
HOSTILE_ES: Final = frozenset(
    {
        "asco", "odio", "odiar", "desprecio", "desprecias", "basura", "mierda", "carajo",
        "maldito", "maldita", "malditos", "malditas", "harto", "harta", "hartos", "hartas",
        "mientes", "robas", "manipulas", "mentiras", "excusas", "porqueria", "estupideces",
        "tonterias", "callate", "largate", "vete al diablo", "vete al infierno", "lo peor",
        "estoy hasta la madre", "hasta la coronilla", "me tienes harto", "me tienes harta",
    }
)  # fmt: skip
# What they are going through, said with compassion ("estas enfermo", "estas sufriendo").
SUFFERING_ES: Final = gendered(
    "enfermo", "solo", "asustado", "cansado", "agotado", "deprimido", "perdido", "triste",
    "preocupado", "herido", "roto", "lastimado",
) | frozenset({"sufriendo", "luchando", "muriendo", "mal", "dolor", "pasandolo"})  # fmt: skip
NEGATIONS_ES: Final = frozenset({"no", "nunca", "jamas", "ni", "tampoco", "nadie", "sin"})
FUNCTION_WORDS_ES: Final = frozenset(
    {
        "el", "la", "los", "las", "y", "que", "de", "del", "en", "un", "una", "es", "eres",
        "estas", "esta", "por", "para", "con", "mi", "tu", "te", "me", "nos", "se", "lo",
        "no", "si", "yo", "pero", "cuando", "quiero", "queremos", "hoy", "has", "muy", "mas",
        "porque", "como", "todo", "tus", "mis", "al", "ti", "ella", "vas",
    }
)  # fmt: skip
