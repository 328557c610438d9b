"""Make listing text safe for where it goes: a spreadsheet cell, a terminal.

Listing data comes from files anyone can write, so a facility name can be ``=HYPERLINK(...)``
(a spreadsheet runs it as a formula) or carry terminal escape sequences (which recolour,
retitle or rewrite the terminal that prints them). These are the project's only functions for
that; every CSV writer and every CLI printer calls them. (Markdown has its own in
:mod:`matching.render.safe_text`.)

Which CSVs are neutralised: every user-facing export (shortlist CSV, ``search --format csv``).
The canonical directory CSV (:func:`matching.directory.io.write_directory`) is not: it is a data
file meant to be re-imported exactly, and an apostrophe added to ``-71.06`` or ``+1 617...``
would change the data. Open it in a spreadsheet through "import as text", or export a
shortlist instead.
"""

from __future__ import annotations

import re
from typing import Final

import pandas as pd

from matching.directory.schema import FORMULA_PREFIXES

# ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), and two-byte ESC x.
_ESCAPE_SEQUENCE_RE: Final = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?"
)
# C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidirectional overrides
# that make text display in an order other than the one it is stored in.
_CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def neutralize_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every text cell that starts like a formula made plain text.

    Numeric and boolean columns are left alone, so a negative number stays a number.
    """
    out = frame.copy()
    for name in out.columns:
        if pd.api.types.is_numeric_dtype(out[name]) or pd.api.types.is_bool_dtype(out[name]):
            continue
        text = out[name].astype("str").where(out[name].notna(), "")
        risky = text.str.lstrip(" ").str.startswith(FORMULA_PREFIXES)
        out[name] = text.where(~risky, "'" + text)
    return out


def terminal_text(text: str) -> str:
    """Return ``text`` without escape sequences or control characters (tab, newline kept)."""
    return _CONTROL_RE.sub("", _ESCAPE_SEQUENCE_RE.sub("", text))
