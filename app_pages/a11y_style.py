"""Shared CSS for accessibility (issue 24): caption contrast, a visible focus ring, tap targets.

Streamlit's caption grey on white measures below WCAG AA's 4.5:1; every keyboard-focusable
element gets a ring that is visible on the white page and on the crisis bar; buttons, links
and toggles keep at least 24 px of height (WCAG 2.2 target size). What axe-core finds, and what
remains from Streamlit's own markup, is in docs/accessibility.md.
"""

from __future__ import annotations

import streamlit as st

# #4f5159 on white is 7.9:1 (AA needs 4.5:1), and still reads as secondary text. Streamlit
# also fades captions with an opacity of 0.6 (2.9:1 on white): the rule sets it back to 1.
CAPTION_COLOR = "#4f5159"
FOCUS_COLOR = "#1a4fd6"

A11Y_CSS = f"""
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {{
  color: {CAPTION_COLOR} !important; opacity: 1 !important;
}}
[data-testid="stWidgetLabel"] small, .stTooltipHoverTarget + small {{ color: {CAPTION_COLOR}; }}
a:focus-visible, button:focus-visible, [role="tab"]:focus-visible, [role="button"]:focus-visible,
input:focus-visible, textarea:focus-visible, summary:focus-visible, [tabindex]:focus-visible {{
  outline: 3px solid {FOCUS_COLOR} !important; outline-offset: 2px !important;
}}
/* 200 % zoom on a phone (about 195 CSS px wide): a crisis line may wrap between its words
   rather than push the page sideways. */
@media (max-width: 320px) {{
  .crisis-bar a {{ white-space: normal; }}
  h1 {{ font-size: 1.6rem !important; overflow-wrap: break-word; }}
}}
[role="combobox"]:focus-within, [data-baseweb="select"]:focus-within {{
  outline: 3px solid {FOCUS_COLOR}; outline-offset: 2px;
}}
"""


def apply() -> None:
    """Add the accessibility CSS to the page (call once per run, before the page's content)."""
    st.html(f"<style>{A11Y_CSS}</style>")
