"""Put listing data into Markdown as text, never as markup; make links only from checked URLs.

Facility names, addresses, websites and sources come from files and feeds anyone can write.
In ``st.markdown`` (and captions, alerts, expander and tab labels) ``![x](https://host/t.png)``
in a name would load an image from that host (a beacon that says who looked), a website such
as ``x) [Click](https://evil`` would break out of its link, and ``[Pay here](...)`` in a street
would become clickable. Every value from a directory or feed goes through :func:`md_escape`;
every link through :func:`safe_link`, which accepts only http(s) and ``tel:`` targets that
contain nothing Markdown could read as syntax.

>>> md_escape("![x](https://t.example/a.png) *now*").replace(WORD_JOINER, "<WJ>")
'!\\\\[x\\\\](https:<WJ>//t.example/a.png) \\\\*now\\\\*'
>>> safe_link("Website", "example.org/a b")
'Website'
>>> safe_link("Website", "example.org/intake")
'[Website](<https://example.org/intake>)'
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from matching.directory.text_safety import terminal_text

# What Markdown, its GitHub extensions and Streamlit's directives can turn into markup that
# loads, links or hides: link and image brackets, <autolinks>, emphasis, code, headings, tables,
# strikethrough, math ($), directives (:red[...]), escapes. Ordinary punctuation (parentheses,
# commas, colons in times) stays as typed once "[" is gone.
_MARKDOWN_SPECIAL_RE: Final = re.compile(r"[\\`*_{}\[\]<>#|~$]")
# GitHub's bare-URL autolinks (https://..., www..., name@host) are found in the text *after*
# escapes are resolved (remark-gfm), so a backslash cannot stop them; an invisible WORD JOINER
# inside "://", "www." and after "@" does.
_AUTOLINK_RE: Final = re.compile(r"(?<=:)(?=//)|(?<=[wW]{3})(?=\.)|(?<=@)")
WORD_JOINER: Final = "\u2060"
# A value at the start of a line could begin a list ("- x", "+ x", "1. x", "1) x").
_LIST_MARKER_RE: Final = re.compile(r"^(\d{0,9})([-+.)])(?=\s|$)")
_LABEL: Final = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_RE: Final = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})+$")
# Characters a URL may keep inside <...> without Markdown or HTML reading them.
_URL_SAFE_RE: Final = re.compile(r"^[A-Za-z0-9\-._~:/?#@!$&*+,;=%]*$")
# A number, and an extension after a comma (a pause, then the extension's digits).
_TEL_RE: Final = re.compile(r"^tel:\+?\d{3,15}(?:,\d{1,6})?$")


def md_escape(value: object) -> str:
    """Return ``value`` as Markdown that renders as exactly its text, on one line."""
    text = terminal_text("" if value is None else str(value))
    text = " ".join(text.split())  # a newline could start a heading, list or quote
    text = _AUTOLINK_RE.sub(WORD_JOINER, text)
    text = _MARKDOWN_SPECIAL_RE.sub(lambda found: "\\" + found.group(0), text)
    return _LIST_MARKER_RE.sub(r"\1\\\2", text, count=1)


def safe_url(url: object) -> str:
    """Return ``url`` as a checked http(s) or tel: link target, or "" when it is not one.

    A website listed without a scheme ("example.org") gets ``https://``.
    """
    text = str(url or "").strip()
    if _TEL_RE.match(text):
        return text
    if not text or not _URL_SAFE_RE.match(text):
        return ""
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return ""
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or parts.username or parts.password:
        return ""
    if port is not None and not 0 < port < 65536:
        return ""
    return text if _HOST_RE.match(host) else ""


def safe_link(label: object, url: object) -> str:
    """Return a Markdown link to ``url`` when it passes :func:`safe_url`, else the escaped label."""
    target = safe_url(url)
    if not target:
        return md_escape(label)
    return f"[{md_escape(label)}](<{target}>)"
