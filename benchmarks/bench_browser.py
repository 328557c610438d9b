"""Time what a user waits for in a real browser: load, first search, page switch, call save.

Run: ``python benchmarks/bench_browser.py [runs]``. Imports the same directory as
``bench_app.py`` (the 2015 National Directory from ../shared/data/real when present, else the
demo set scaled up to 12,000 rows) into a throwaway store and cache folder, starts
``streamlit run app.py`` on it (``tests/browser_support.py``), and drives Debian's Chromium with
Playwright at 1440x900 (desktop) and 390x844 (phone):

* load - a new browser session opens the Search page, until the place field and the Search
  button are usable and the first script run has finished (``runs`` fresh sessions; the very
  first load after the server started is printed on its own line);
* first search - ZIP 10001 typed into the place field, the Search button clicked, until the
  results heading and the results (table or cards) are shown and the app is idle (once per
  fresh session);
* page switch to Readiness / back to Search - a sidebar link clicked, until the Readiness title,
  or the search results again, are shown and the app is idle (``runs`` times each);
* call save - a result's "Log a call" tab: "Openings", detox beds, "Save the call" clicked,
  until the saved confirmation is shown and the app is idle (``runs`` times).

Every figure is measured inside the page, from the click's event time (or navigation start) to
the first animation frame in which the expected content is shown and Streamlit is idle
(``data-test-script-state="notRunning"``, connected, no "Running..." widget). Only content that
was not on the page at the click counts (content already shown is marked when the step is armed,
stale elements of the last run are skipped), so the "notRunning" still shown for a moment after
the click is never taken for the end: content new since the click can only come from a run that
started after it. The page must then stay idle for ``SETTLE_MS`` (not counted), so a second
rerun is waited for and counted. Also printed: when the content first appeared, how long the
script state said "running" (a MutationObserver logs its changes: the server's script time as
the browser sees it) and how many runs it saw (a run too short for React to commit "running"
shows 0).

The floor: the same moves (load, sidebar page switch, a button's rerun) on a bare two-page
Streamlit app, served and timed the same way first; each goal line also gives the ratio to it.

Goals (issue 23): page switch < 400 ms and call save < 300 ms in the browser on this machine.
Nothing is asserted: this is a benchmark, not a test.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from bench_app import DIRECTORY_2015, _directory  # noqa: E402
from browser_support import App, launched_chromium, streamlit_server  # noqa: E402
from playwright.sync_api import Browser  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402

PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
SIZES: dict[str, dict[str, Any]] = {
    "1440x900": {"viewport": {"width": 1440, "height": 900}},
    "390x844": {"viewport": {"width": 390, "height": 844}, "user_agent": PHONE_AGENT},
}
GOALS_MS = {"page switch to Readiness": 400.0, "page switch to Search": 400.0, "call save": 300.0}
STEPS = ("load", "first search", "page switch to Readiness", "page switch to Search", "call save")
# The floor: the same moves on a bare two-page Streamlit app, served and timed the same way.
FLOOR_STEPS = ("bare: load", "bare: page switch", "bare: button rerun")
FLOOR_OF = {
    "page switch to Readiness": "bare: page switch",
    "page switch to Search": "bare: page switch",
    "call save": "bare: button rerun",
}
BARE_APP = """import streamlit as st


def one():
    st.title("Page one")
    st.session_state.setdefault("clicks", 0)
    st.button("Count", key="count", on_click=lambda: st.session_state.update(
        clicks=st.session_state.clicks + 1))
    st.write(f"Clicks: {st.session_state.clicks}")


def two():
    st.title("Page two")


st.navigation([st.Page(one, title="One", default=True), st.Page(two, title="Two")]).run()
"""
SETTLE_MS = 600  # the page must stay idle this long after a step (a second rerun is counted)
STEP_TIMEOUT_MS = 120_000
PLACE = "10001"

# What each step waits for: (CSS selector, regular expression on its text or None); every pair
# must match a visible element outside stale (previous-run) elements.
Content = list[tuple[str, str | None]]
FORM_READY: Content = [
    (".st-key-place input:not([disabled])", None),
    (".st-key-search_submit button:not([disabled])", None),
]
RESULTS: Content = [
    ("h1, h2, h3", rf"\d[\d,]* facilit(y|ies) near {PLACE}|^Search results"),
    ('[data-testid="stDataFrame"], [class*="st-key-card_"]', None),
]
READINESS: Content = [("h1", r"Are we ready\?")]
CALL_SAVED: Content = [
    ('[data-testid="stToast"], [data-testid="stAlert"], [role="status"]', r"saved; the ranking")
]

# Installed in every document before the app's own scripts: logs each change of the script
# state, and times a step from its click (or from navigation start) to content shown + idle.
WATCHER = """
(() => {
  if (window.__bench) return;
  const b = {changes: [], watch: null, result: null};
  window.__bench = b;
  new MutationObserver(records => {
    const now = performance.now();
    records.forEach((r, i) => {
      const next = records[i + 1];
      const value = next && next.target === r.target ? next.oldValue
        : r.target.getAttribute('data-test-script-state');
      b.changes.push([now, value]);
    });
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
  const matches = (selector, pattern) => [...document.querySelectorAll(selector)].filter(el =>
    el.getClientRects().length > 0 && el.checkVisibility()
    && (!pattern || new RegExp(pattern).test(el.innerText)));
  // Content from before the click (a toast still up) and stale elements of the last run
  // never count as the step's content.
  const shown = pairs => pairs.every(([selector, pattern]) => matches(selector, pattern).some(
    el => !el.closest('[data-stale="true"]') && !el.hasAttribute('data-bench-before')));
  const tick = () => {
    const w = b.watch, now = performance.now();
    const since = b.changes.filter(([t]) => t >= w.t0);
    const app = document.querySelector('[data-testid="stApp"]');
    const idle = app && app.dataset.testScriptState === 'notRunning'
      && app.dataset.testConnectionState === 'CONNECTED'
      && !document.querySelector('[data-testid="stStatusWidget"]');
    // Content not shown before the click can only come from a run after it; React may commit
    // a short run's "running" and "notRunning" together, so the state log alone cannot say.
    const content = shown(w.content);
    if (content && w.contentAt === null) w.contentAt = now;
    if (!(content && idle)) w.readyAt = null;
    else if (w.readyAt === null) w.readyAt = now;
    else if (now - w.readyAt >= w.settle) {
      let running = 0, runs = 0, from = null;
      for (const [t, value] of since) {
        if (value === 'running' && from === null) { from = t; runs += 1; }
        if (value !== 'running' && from !== null) { running += t - from; from = null; }
      }
      b.result = {total: w.readyAt - w.t0, content: w.contentAt - w.t0, running, runs};
      b.watch = null;
      return;
    }
    requestAnimationFrame(tick);
  };
  b.start = (content, settle, t0) => {
    b.result = null;
    content.forEach(([selector, pattern]) => matches(selector, pattern).forEach(
      el => el.setAttribute('data-bench-before', '')));
    b.watch = {content, settle, t0, contentAt: null, readyAt: null};
    if (t0 !== null) requestAnimationFrame(tick);
  };
  document.addEventListener('click', event => {
    const w = b.watch;
    if (w && w.t0 === null) {
      w.t0 = Math.min(event.timeStamp, performance.now());
      requestAnimationFrame(tick);
    }
  }, true);
})();
"""

Timing = dict[str, float]


class Bench(App):
    """One browser session on the app, timing each step inside the page."""

    def __init__(self, browser: Browser, url: str, size: str) -> None:
        self.context = browser.new_context(**SIZES[size])
        self.context.add_init_script(WATCHER)
        super().__init__(self.context.new_page(), f"bench-browser-{size}", timeout_ms=60_000)
        self.url = url
        self.phone = size == "390x844"

    def timed(self, what: str, content: Content, action: Callable[[], None]) -> Timing:
        """Arm the watcher, do ``action`` (one click), and return the step's in-page timing."""
        self.page.evaluate("([c, s]) => window.__bench.start(c, s, null)", [content, SETTLE_MS])
        action()
        return self._result(what)

    def _result(self, what: str) -> Timing:
        with self.waiting(what):
            handle = self.page.wait_for_function(
                "() => window.__bench.result", timeout=STEP_TIMEOUT_MS
            )
        return dict(handle.json_value())

    def load(self, content: Content = FORM_READY) -> Timing:
        """Open the app in this fresh session; time from navigation start to a usable form."""
        self.page.goto(self.url, wait_until="commit")
        self.page.evaluate("([c, s]) => window.__bench.start(c, s, 0)", [content, SETTLE_MS])
        return self._result("the first page after a load")

    def first_search(self) -> Timing:
        self.idle("the app before the search")
        self.page.locator(".st-key-place input").fill(PLACE)
        button = self.page.locator(".st-key-search_submit button")
        return self.timed(f"the results for {PLACE}", RESULTS, button.click)

    def switch(self, name: str, content: Content) -> Timing:
        """Click the sidebar link to page ``name`` (unfolding the sidebar first on a phone)."""
        self.idle(f"the app before opening {name!r}")
        link = self.page.get_by_role("link", name=name, exact=True)
        unfold = self.page.get_by_test_id("stExpandSidebarButton").first
        if self.phone and unfold.is_visible():  # the sidebar starts folded on a narrow screen
            unfold.click()
        self.visible(link, f"the sidebar link {name!r}")
        return self.timed(f"the {name} page", content, link.click)

    def save_call(self, beds: int) -> Timing:
        """Log "Openings" with ``beds`` detox beds for the result whose details are open."""
        self.idle("the app before logging a call")
        if self.phone and not self.page.get_by_role("button", name="Hide details").count():
            self.page.get_by_role("button", name="Details").first.click()
            self.see("Log a call", exact=True)
        self.tab("Log a call")
        self.choose("What did they say?", "Openings")
        self.page.locator(".st-key-log_detox_beds input").fill(str(beds))
        # The last save's toast may still be up, and Streamlit would reuse it for the same text:
        # close it, as a person would, so the step waits for this save's own confirmation.
        toasts = self.page.get_by_test_id("stToast")
        for toast in toasts.all():
            # It may close by itself meanwhile (a toast lasts 4 s).
            with contextlib.suppress(PlaywrightTimeoutError):
                toast.get_by_role("button", name="Close").click(timeout=2_000)
        self.count(toasts, 0, "the last call's confirmation to close")
        button = self.page.locator(".st-key-log_submit button")
        return self.timed("the saved call", CALL_SAVED, button.click)

    def close(self) -> None:
        self.context.close()


@contextmanager
def session(browser: Browser, url: str, size: str) -> Iterator[Bench]:
    bench = Bench(browser, url, size)
    try:
        yield bench
    finally:
        bench.close()


def measure_size(browser: Browser, url: str, size: str, runs: int) -> dict[str, list[Timing]]:
    """Every step at one window size: ``runs`` fresh sessions (load, first search), then the
    page switches and call saves ``runs`` times each in one session."""
    found: dict[str, list[Timing]] = {step: [] for step in STEPS}
    for run in range(runs):
        with session(browser, url, size) as bench:
            found["load"].append(bench.load())
            found["first search"].append(bench.first_search())
            if run < runs - 1:
                continue
            heading = bench.page.locator("h1, h2, h3").filter(has_text=f"near {PLACE}")
            print(f"  {size}: {', '.join(heading.all_inner_texts()) or 'results shown'}")
            for _ in range(runs):
                found["page switch to Readiness"].append(bench.switch("Readiness", READINESS))
                found["page switch to Search"].append(bench.switch("Search", RESULTS))
            for save in range(runs):
                found["call save"].append(bench.save_call(beds=save % 4 + 1))
            bench.shot("call-saved")
    return found


def measure_floor(browser: Browser, url: str, size: str, runs: int) -> dict[str, list[Timing]]:
    """The floor at one size: load, page switches and a button's rerun on the bare app."""
    found: dict[str, list[Timing]] = {step: [] for step in FLOOR_STEPS}
    for run in range(runs):
        with session(browser, url, size) as bench:
            found["bare: load"].append(bench.load([("h1", "Page one"), (".st-key-count", None)]))
            if run < runs - 1:
                continue
            for _ in range(runs):
                found["bare: page switch"].append(bench.switch("Two", [("h1", "Page two")]))
                found["bare: page switch"].append(bench.switch("One", [("h1", "Page one")]))
            for clicks in range(1, runs + 1):
                button = bench.page.locator(".st-key-count button")
                content: Content = [("p", f"^Clicks: {clicks}$")]
                found["bare: button rerun"].append(bench.timed("the count", content, button.click))
    return found


def print_table(measured: dict[str, dict[str, list[Timing]]]) -> None:
    print(
        f"\n{'step':26s} {'size':9s} {'median':>7s} {'min':>6s} {'max':>6s}   "
        f"{'shown':>6s} {'running':>7s} {'runs':>4s}  (ms; medians)"
    )
    for step in (*STEPS, *FLOOR_STEPS):
        for size, steps in measured.items():
            times = steps[step]
            total = [t["total"] for t in times]
            print(
                f"{step:26s} {size:9s} {statistics.median(total):7.0f} {min(total):6.0f} "
                f"{max(total):6.0f}   {statistics.median(t['content'] for t in times):6.0f} "
                f"{statistics.median(t['running'] for t in times):7.0f} "
                f"{statistics.median(t['runs'] for t in times):4.0f}"
            )


def print_goals(measured: dict[str, dict[str, list[Timing]]]) -> None:
    print(f"\nload average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n\nGoals (wall)")
    for step, goal in GOALS_MS.items():
        for size, steps in measured.items():
            median = statistics.median(t["total"] for t in steps[step])
            floor = statistics.median(t["total"] for t in steps[FLOOR_OF[step]])
            print(
                f"  [{'met' if median < goal else 'NOT MET'}] {step} at {size}: {median:.0f} ms, "
                f"goal < {goal:.0f} ms (ratio {median / goal:.2f}); "
                f"x{median / floor:.1f} the {FLOOR_OF[step]} ({floor:.0f} ms)"
            )


def prepare_store(folder: Path) -> str:
    """Import the benchmark directory into a throwaway store, make it active; return its URL."""
    db_url = f"sqlite:///{folder / 'readybed.sqlite3'}"
    os.environ["READYBED_DB_URL"] = db_url
    os.environ["READYBED_CACHE_DIR"] = str(folder / "cache")
    from matching.directory.io import read_directory
    from matching.records.store import open_engine
    from matching.records.team import LOCAL
    from matching.records.workspace import Workspace

    frame, label = _directory()
    library = Workspace(open_engine(), LOCAL).library
    entry = library.save_import(frame, name=label, format="benchmark")
    library.set_active(entry.key)
    read_directory(library.active_entry().path)  # fills the directory cache
    source = DIRECTORY_2015 if DIRECTORY_2015.is_file() else "the demo set"
    print(f"directory: {label}, {len(frame):,} facilities (from {source})")
    return db_url


def main(runs: int = 5) -> None:
    folder = Path(tempfile.mkdtemp(prefix="readybed-bench-browser-"))
    db_url = prepare_store(folder)
    print(f"medians of {runs} runs; times from the click to content shown and the app idle")
    bare = folder / "bare_app.py"
    bare.write_text(BARE_APP)
    measured: dict[str, dict[str, list[Timing]]] = {}
    with launched_chromium() as browser:
        with streamlit_server(db_url, script=str(bare)) as url:
            for size in SIZES:
                measured[size] = measure_floor(browser, url, size, runs)
        with streamlit_server(db_url) as url:
            for size in SIZES:
                measured[size] |= measure_size(browser, url, size, runs)
                if size == next(iter(SIZES)):
                    first = measured[size]["load"][0]["total"]
                    print(f"  first load after the server started: {first:.0f} ms")
    print_table(measured)
    print_goals(measured)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
