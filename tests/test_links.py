"""Phone numbers become tel: links; listing text is shown literally in Markdown."""

from __future__ import annotations

from app_pages.links import phone_link, phone_links, plain


def test_phone_link_is_a_tel_link_with_the_number_shown() -> None:
    assert phone_link("(212) 555-0100", "Intake") == "Intake: [(212) 555-0100](tel:+12125550100)"


def test_number_that_cannot_be_dialled_is_plain_text() -> None:
    assert phone_link("call the front desk") == "call the front desk"
    assert phone_link("") == ""


def test_phone_links_skip_missing_numbers() -> None:
    assert phone_links(("Call", "212-555-0100"), ("Intake", "")).count("tel:") == 1


def test_listing_text_cannot_inject_markdown_links_or_formatting() -> None:
    shown = plain("*Hope* [House](javascript:alert(1)) :red[x] <b>")
    for raw in ("*Hope*", "[House](", ":red[", "<b>"):
        assert raw not in shown
