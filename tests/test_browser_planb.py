"""Plan B and the MOUD check on the Readiness page in a real browser, at phone and desktop size."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from browser_support import App, streamlit_server
from case_factory import primary_of, ready_case
from playwright.sync_api import Browser

from matching.case.carelevel import CareAnswers
from matching.records import cases as case_records
from matching.records.store import open_engine
from matching.records.team import LOCAL

pytestmark = pytest.mark.browser


def seed_no_bed_case(db_url: str) -> None:
    """Store a case on methadone whose intervention is tomorrow and whose primary holds no bed."""
    now = datetime.now(UTC)
    case = ready_case(now)
    tomorrow = (now.astimezone(ZoneInfo("America/New_York")) + timedelta(days=1)).date()
    case = replace(
        case,
        intervention=replace(case.intervention, local_date=tomorrow, local_time=time(10, 0)),
        placements=(replace(primary_of(case), hold=None, intake=None), *case.backups()),
        care=CareAnswers(substances=("opioids",), daily_use=True, moud="methadone", pregnant=True),
    )
    engine = open_engine(db_url)
    case_records.create_case(engine, case, actor=LOCAL)
    engine.dispose()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1440, 900)])
def test_readiness_shows_plan_b(browser: Browser, tmp_path: Path, width: int, height: int) -> None:
    db_url = f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}"
    seed_no_bed_case(db_url)
    with streamlit_server(db_url) as url:
        context = browser.new_context(viewport={"width": width, "height": height})
        app = App(context.new_page(), f"planb-{width}")
        app.goto(url.rstrip("/") + "/readiness")
        app.see("Plan B: same-day treatment")
        app.see("Opioid treatment programs (methadone, buprenorphine), nearest first")
        app.see("Pregnancy: admission preference")
        app.see("Not asked yet: will Harbor Detox continue methadone")
        app.page.get_by_text("Plan B: same-day treatment").first.scroll_into_view_if_needed()
        app.shot("plan-b", full_page=False)
        app.shot("full")
        context.close()
