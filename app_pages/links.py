"""Phone numbers as tap-to-call links, and listing text made safe to put in Markdown.

Every page shows phone numbers through :func:`phone_link`, so a number is a ``tel:`` link
wherever it appears. Text that comes from a listing (names, addresses) goes through
:func:`plain` before it is put in Markdown, so a name such as ``*Hope* [House]`` shows as typed
instead of turning into formatting or a link.
"""

from __future__ import annotations

from matching.render.display import tel_link
from matching.render.safe_text import md_escape


def plain(text: object) -> str:
    """Return ``text`` escaped for Markdown, so it shows literally (the render layer's rule)."""
    return md_escape(" ".join(str(text).split()))


def phone_link(number: object, label: str = "") -> str:
    """Return Markdown for a phone number as a ``tel:`` link ("" when there is no number).

    A number that cannot be dialled (too few digits) is shown as plain text.
    """
    shown = " ".join(str(number or "").split())
    if not shown:
        return ""
    prefix = f"{label}: " if label else ""
    link = tel_link(shown)
    return f"{prefix}[{plain(shown)}]({link})" if link else f"{prefix}{plain(shown)}"


def phone_links(*labelled: tuple[str, object]) -> str:
    """Return the given (label, number) pairs as links joined by " · ", skipping empty ones."""
    return " · ".join(part for label, number in labelled if (part := phone_link(number, label)))
