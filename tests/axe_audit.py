"""Audit every page with the vendored axe-core and print the violations per rule and page.

Run from the repository root: ``python tests/axe_audit.py``. It starts the app on a fresh
SQLite store (demo directory), searches 10001, then runs axe-core on each page at 390x844 and
1440x900 and prints ``size page rule impact count`` (with ``--nodes``, each element's selector
below). A measuring script; the test is tests/test_browser_a11y.py, and the findings and what
was done about them are in docs/accessibility.md.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_support import App, launched_chromium, streamlit_server  # noqa: E402

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SIZES = {"phone": (390, 844), "desktop": (1440, 900)}
PAGES = ("Search", "Level of care", "Shortlist", "Plan", "Placement", "Readiness", "Team", "Data")
RUN_AXE = """axe.run(document, {resultTypes: ['violations']}).then(result =>
    result.violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))]))"""
SHOW_NODES = "--nodes" in sys.argv


def open_page(app: App, name: str) -> None:
    """Open ``name`` through the sidebar (unfolding it first on a phone)."""
    expand = app.page.locator('[data-testid="stExpandSidebarButton"]')
    if expand.count() and expand.first.is_visible():
        expand.first.click()
    app.page.get_by_role("link", name=name, exact=True).click()
    app.frames(4)
    app.idle()


def audit(url: str, size: str) -> Iterator[str]:
    """Yield one line per violated rule on each page at ``size``."""
    with launched_chromium() as browser:
        width, height = SIZES[size]
        context = browser.new_context(viewport={"width": width, "height": height})
        app = App(context.new_page(), f"audit-{size}")
        app.goto(url)
        app.field("Where is the person? ZIP, city or coordinates").fill("10001")
        # The search form's own button (a results table adds a toolbar button also named
        # "Search").
        app.page.get_by_test_id("stBaseButton-primaryFormSubmit").filter(has_text="Search").click()
        app.see(re.compile(r"\d+ facilities near 10001"))
        for name in PAGES:
            if name != "Search":
                open_page(app, name)
            app.page.add_script_tag(path=str(AXE))
            for rule, impact, nodes in app.page.evaluate(RUN_AXE):
                yield f"{size} {name} {rule} {impact} {len(nodes)}"
                if SHOW_NODES:
                    yield from (f"    {node}" for node in nodes)
        context.close()


def main() -> None:
    store = Path(tempfile.mkdtemp(prefix="readybed-audit-")) / "readybed.sqlite3"
    with streamlit_server(f"sqlite:///{store}") as url:
        for size in SIZES:
            for line in audit(url, size):
                print(line, flush=True)


if __name__ == "__main__":
    main()
