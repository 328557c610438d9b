"""A small fpdf2 document every ReadyBed PDF is built on.

It prints a title and the generation time at the top, "Page n of N" at the bottom, and offers
:meth:`ReadyBedPDF.crisis_block` so each printout carries the crisis lines. It uses fpdf2's
core Helvetica font, so no font file is needed; that font only covers Latin-1, so every text
goes through :func:`latin1` first, which maps typographic quotes, dashes, bullets, check marks
and the like to plain equivalents instead of failing or printing "?".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import Final, cast

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from matching.render.crisis import CRISIS_LINES

_REPLACEMENTS: Final[dict[str, str]] = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00b7": "-",
    "\u2023": "-",
    "\u2043": "-",
    "\u2713": "[x]",
    "\u2714": "[x]",
    "\u2717": "[ ]",
    "\u2718": "[ ]",
    "\u2610": "[ ]",
    "\u2611": "[x]",
    "\u26a0": "(!)",
    "\ufe0f": "",
    "\u2192": "->",
    "\u2190": "<-",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u200b": "",
    "\u2122": "(TM)",
    "\u2120": "(SM)",
}

MARGIN_MM: Final = 15.0
BODY_SIZE: Final = 10.0


def latin1(text: object) -> str:
    """Return ``text`` with only characters the core PDF fonts can print (Latin-1)."""
    value = "".join(_REPLACEMENTS.get(char, char) for char in str(text))
    if all(ord(char) < 256 for char in value):
        return value
    # Accented letters outside Latin-1 lose only their accent; anything else becomes "?".
    decomposed = unicodedata.normalize("NFKD", value)
    kept = "".join(char for char in decomposed if not unicodedata.combining(char))
    return kept.encode("latin-1", errors="replace").decode("latin-1")


class ReadyBedPDF(FPDF):
    """An A4/Letter-independent document with a title header and "Page n of N" footer."""

    def __init__(self, *, title: str, generated_at: datetime, subtitle: str = "") -> None:
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.doc_title = latin1(title)
        self.subtitle = latin1(subtitle)
        self.generated_text = "Generated " + generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()
        self.set_title(self.doc_title)
        self.set_creator("ReadyBed")
        self.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(auto=True, margin=MARGIN_MM + 5)
        self.body_top = MARGIN_MM
        self.alias_nb_pages()
        self.add_page()

    def header(self) -> None:
        self.set_font("Helvetica", "B", 15)
        self.cell(0, 8, self.doc_title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 9)
        line = self.generated_text + (f"  -  {self.subtitle}" if self.subtitle else "")
        self.cell(0, 5, latin1(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)
        self.body_top = self.get_y()

    def footer(self) -> None:
        self.set_y(-MARGIN_MM)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")

    def heading(self, text: str) -> None:
        """Print a section heading."""
        self.ln(2)
        self.set_font("Helvetica", "B", 12)
        self.multi_cell(0, 6, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", BODY_SIZE)

    def paragraph(self, text: str, *, bold: bool = False, size: float = BODY_SIZE) -> None:
        """Print wrapped text."""
        self.set_font("Helvetica", "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def field(self, label: str, value: str) -> None:
        """Print "label: value" with the label in bold, wrapping the value."""
        self.set_font("Helvetica", "B", BODY_SIZE)
        label_text = latin1(label) + ": "
        self.cell(self.get_string_width(label_text) + 1, 5, label_text)
        self.set_font("Helvetica", "", BODY_SIZE)
        self.multi_cell(0, 5, latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def crisis_block(self) -> None:
        """Print the crisis lines in a bordered box, kept together on one page."""
        height = 8 + 5 * len(CRISIS_LINES)
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()
        self.ln(2)
        top = self.get_y()
        self.set_font("Helvetica", "B", BODY_SIZE)
        self.cell(0, 6, "In a crisis", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 9)
        for number, name, note in CRISIS_LINES:
            self.multi_cell(
                0, 5, latin1(f"{name}: {number} ({note})"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        self.rect(self.l_margin - 2, top - 1, self.epw + 4, self.get_y() - top + 2)
        self.ln(3)

    def keep_together(self, draw: Callable[[ReadyBedPDF], None]) -> None:
        """Draw a block with ``draw(pdf)`` on one page: start a new page if it would split.

        The block is drawn once on a dry run; when that crosses a page break and the block does
        not already start at the top of a page, it starts on the next page instead. A block
        longer than a page still flows on.
        """
        with self.offset_rendering() as trial:
            draw(cast(ReadyBedPDF, trial))
        if trial.page_break_triggered and self.get_y() > self.body_top + 1:
            self.add_page()
        draw(self)

    def to_bytes(self) -> bytes:
        """Return the finished document."""
        return bytes(self.output())
