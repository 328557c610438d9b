"""Typed access to AppTest elements that Streamlit's testing API returns as ``Element | Block``."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest


def file_uploader(at: AppTest, index: int = 0) -> Any:
    """Return the page's ``index``-th file uploader (AppTest has no typed accessor for it)."""
    return at.get("file_uploader")[index]


def expander_labels(at: AppTest) -> list[str]:
    """Return the labels of the page's expanders."""
    return [str(getattr(element, "label", "")) for element in at.get("expander")]
