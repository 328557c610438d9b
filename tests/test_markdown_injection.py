"""Listing data reaches the page as text: no image, link or markup it did not ask the app for.

Markdown is rendered here with markdown-it's GitHub-flavoured preset (tables, strikethrough,
autolinked URLs, e-mail addresses), close to what Streamlit's own renderer understands.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from apptest_helpers import expander_labels, file_uploader
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from matching.records import library, shortlist
from matching.records.store import open_engine
from matching.records.team import LOCAL
from matching.render.safe_text import WORD_JOINER, md_escape, safe_link, safe_url

APP = str(Path(__file__).resolve().parents[1] / "app.py")
_PARSER = MarkdownIt("gfm-like")
# GitHub (remark-gfm, which Streamlit uses) autolinks www. and scheme:// URLs and e-mail
# addresses, but not a bare "example.org".
assert _PARSER.linkify is not None
_PARSER.linkify.set({"fuzzy_link": False})
RENDER = _PARSER.render
MARKUP_RE = re.compile(r"<(?!/?p>)[a-z]")
# What remark-gfm (Streamlit's renderer) autolinks in the text after escapes are resolved;
# markdown-it's linkify runs before escapes are joined, so it is checked on the text here.
GFM_AUTOLINK_RE = re.compile(r"https?://|www\.|[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.IGNORECASE)

NAME = "Evil ![beacon](https://evil.example/t.png) Clinic"
STREET = "[Pay here](https://evil.example/pay) 1 Main St"
WEBSITE = "example.org) [Click](https://evil.example"
SOURCE = "<https://evil.example/src> **loud** www.evil.example a@evil.example"


def rendered_markup(markdown: str) -> list[str]:
    """Return the HTML tags (other than <p>) and the autolinks ``markdown`` renders to."""
    text = html.unescape(re.sub(r"<[^>]+>", "", RENDER(markdown)))
    return MARKUP_RE.findall(RENDER(markdown)) + GFM_AUTOLINK_RE.findall(text)


def plain_text(markdown: str) -> str:
    """Return what a reader sees (the invisible word joiners taken out)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", RENDER(markdown)))
    return text.replace(WORD_JOINER, "").strip()


@pytest.mark.parametrize("value", [NAME, STREET, WEBSITE, SOURCE, "# big", "- item", "1. x"])
def test_hostile_values_render_as_their_own_text(value: str) -> None:
    assert rendered_markup(md_escape(value)) == []
    assert plain_text(md_escape(value)) == value


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))))
def test_any_text_renders_without_markup(value: str) -> None:
    escaped = md_escape(value)
    assert rendered_markup(escaped) == []
    assert plain_text(escaped) == " ".join(value.split())


def test_links_come_only_from_checked_targets() -> None:
    assert safe_url(WEBSITE) == ""
    assert safe_url("javascript:alert(1)") == ""
    assert safe_url("https://user@evil.example") == ""
    assert safe_url("example.org/intake") == "https://example.org/intake"
    assert rendered_markup(safe_link("Website", WEBSITE)) == []
    page = RENDER(safe_link("Website", "https://example.org/a?b=1"))
    assert re.findall(r'href="([^"]+)"', page) == ["https://example.org/a?b=1"]
    assert re.findall(r'href="([^"]+)"', RENDER(safe_link("555", "tel:+16175551212"))) == [
        "tel:+16175551212"
    ]


def plain_text_with_joiners(markdown: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", RENDER(markdown)))


def _shown_markdown(at: AppTest) -> list[str]:
    kinds = (
        "markdown",
        "caption",
        "warning",
        "error",
        "success",
        "info",
        "header",
        "subheader",
        "title",
    )
    texts = [str(element.value) for kind in kinds for element in getattr(at, kind)]
    texts += expander_labels(at)
    return texts


def _links(markdown: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', RENDER(markdown))


def test_no_page_renders_a_hostile_listing_as_markup(store_url: str) -> None:
    listing = (
        "name,street,city,state,zip,lat,lon,website,phone,availability_status,"
        "availability_reported_at,availability_source\n"
        f'"{NAME}","{STREET}",Boston,MA,02108,42.3601,-71.0589,"{WEBSITE}",617-555-0100,'
        f'openings,2026-11-20T10:00Z,"{SOURCE}"\n'
    )
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/data.py").run()
    file_uploader(at).set_value(
        ("![x](https://evil.example/f.png).csv", listing.encode(), "text/csv")
    )
    at.button(key="import_submit").click()
    at.run()
    assert not at.exception
    at.switch_page("app_pages/search.py").run()
    at.text_input(key="place").input("Boston, MA")
    at.button(key="search_submit").click()
    at.run()
    assert not at.exception
    pages = {"search": _shown_markdown(at)}
    engine = open_engine(store_url)
    results = at.dataframe[0].value
    assert results["Website"].tolist() == [""]  # no link column target from a crafted website
    chosen = library.load_entry(library.active_entry(engine, actor=LOCAL))
    shortlist.add_facilities(
        engine, shortlist.default_shortlist(engine, actor=LOCAL).id, chosen, actor=LOCAL
    )
    for page in ("shortlist", "data"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception
        pages[page] = _shown_markdown(at)
    shown = [text for texts in pages.values() for text in texts]
    assert any("beacon" in text for text in pages["search"])
    assert any("beacon" in text for text in pages["shortlist"])
    for text in shown:
        assert "<img" not in RENDER(text), text
        assert "evil" not in " ".join(GFM_AUTOLINK_RE.findall(plain_text_with_joiners(text))), text
        assert all(
            link.startswith(("tel:", "sms:", "https://findtreatment.gov")) for link in _links(text)
        ), text
