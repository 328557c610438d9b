"""The Search page's form in AppTest: once a search found its place, the form is folded into
"Edit the search" and not drawn until that is opened (issue 23), as a person opens it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

EDIT_OPEN = "edit_search_open"  # app_pages.search_form.EDIT_OPEN


def open_search_form(at: AppTest) -> AppTest:
    """Open "Edit the search" when a search folded the form (what clicking it does)."""
    if not any(widget.key == "place" for widget in at.text_input):
        at.session_state[EDIT_OPEN] = True
        at.run()
    return at
