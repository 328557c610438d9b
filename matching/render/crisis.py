"""Crisis lines shown on every page, in every export and printed packet (docs/crisis-lines.md)."""

from __future__ import annotations

from typing import Final

CRISIS_LINES: Final[tuple[tuple[str, str, str], ...]] = (
    ("988", "988 Suicide & Crisis Lifeline", "call, text or chat; covers substance-use crises"),
    (
        "1-800-662-4357",
        "SAMHSA National Helpline",
        "free, confidential, 24/7, English and Spanish; TTY 1-800-487-4889",
    ),
    ("911", "Emergency services", "for an overdose or medical emergency"),
)

CRISIS_SUMMARY: Final = (
    "In a crisis: call or text 988 · SAMHSA National Helpline 1-800-662-4357 (24/7) · "
    "911 for an overdose or medical emergency"
)


# What to do now, for each safety-screen answer that means "do not stage an intervention".
SAFETY_ACTIONS: Final[dict[str, str]] = {
    "recent_overdose": (
        "A recent overdose: if they are unresponsive or breathing slowly, call 911 now, give "
        "naloxone (Narcan) and stay with them. Otherwise call the SAMHSA Helpline or 988 for "
        "help getting them seen today."
    ),
    "suicidal_thoughts": (
        "Talk of suicide: call or text 988 now (the Suicide & Crisis Lifeline); call 911 if "
        "they are in immediate danger. Do not leave them alone."
    ),
    "violence": (
        "Violence or weapons: if anyone is in danger, call 911 now. Do not confront them; an "
        "intervention is not safe until this is handled."
    ),
    "medical_instability": (
        "Seizures, chest pain or confusion: call 911 now — this needs emergency care, not a "
        "family meeting."
    ),
}

NEVER_USE_ALONE_LINE: Final = "1-800-484-3731"
USES_ALONE_GUIDANCE: Final = (
    "Using alone is when an overdose is most likely to kill: nobody is there to call for help. "
    "Until the intervention, keep naloxone (Narcan) where they and you can reach it, ask them "
    "never to use alone, and share the Never Use Alone line, "
    f"{NEVER_USE_ALONE_LINE}: someone stays on the phone and sends help if they stop "
    "responding. The plan can go on."
)
NALOXONE_GUIDANCE: Final = (
    "Naloxone (Narcan) reverses an opioid overdose. Pharmacies sell the nasal spray without a "
    "prescription. Have it at the intervention and at home. If someone will not wake up or is "
    "breathing slowly: call 911, spray one dose in a nostril, give a second after 2-3 minutes "
    "if there is no response, and stay with them."
)


def crisis_links() -> list[tuple[str, str]]:
    """Return (text, href) for every crisis line: ``tel:`` links, and ``sms:`` for 988."""
    return [
        ("Call 988", "tel:988"),
        ("Text 988", "sms:988"),
        ("SAMHSA Helpline 1-800-662-4357", "tel:+18006624357"),
        ("911 (overdose, emergency)", "tel:911"),
    ]
