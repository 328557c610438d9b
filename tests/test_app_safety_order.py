"""An emergency answer and "uses alone": the alert first, the naloxone advice still shown."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from case_factory import ready_case
from streamlit.testing.v1 import AppTest

from matching.records import cases as case_records
from matching.records.team import LOCAL
from matching.render.crisis import NEVER_USE_ALONE_LINE

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _in_order(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _in_order(child)


@pytest.mark.parametrize("page", ["app_pages/plan.py", "app_pages/readiness.py"])
def test_weapons_and_using_alone_show_the_alert_then_the_naloxone_advice(engine, page):
    case = ready_case(datetime.now(UTC))
    safety = replace(case.safety, violence=True, uses_alone=True)
    case_records.create_case(engine, replace(case, safety=safety), actor=LOCAL)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception
    shown = [
        (node.type, str(node.value))
        for node in _in_order(at.main)
        if getattr(node, "type", "") in ("error", "warning")
    ]
    alert = next(i for i, (kind, text) in enumerate(shown) if "Violence or weapons" in text)
    advice = next(i for i, (kind, text) in enumerate(shown) if NEVER_USE_ALONE_LINE in text)
    assert shown[alert][0] == "error" and shown[advice][0] == "warning"
    assert alert < advice
    assert "naloxone" in shown[advice][1].lower()
