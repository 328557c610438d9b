"""Run the app in a real Streamlit server, find Debian's Chromium, and drive pages without races.

Waits follow Streamlit's own state, never a fixed sleep: the app element carries
``data-test-script-state`` ("running" while the script runs, "notRunning" once it finished) and
``data-test-connection-state``, and the status widget ("Running...") is shown while a run is
on. :class:`App` wraps a Playwright page: it waits for the app to be idle before touching a
widget and after the text a run brings, picks select-box and multiselect options by role (click
the picker, click the option, check it is chosen), and on any failed wait saves a screenshot and
says what it waited for.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from re import Pattern
from typing import IO, Any, NoReturn

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_SECONDS = 90
PORT_ATTEMPTS = 5
WAIT_MS = 60_000  # the longest any one wait may take (a loaded 2-core CI machine)
PICK_ATTEMPT_MS = 5_000  # one attempt at opening a picker and clicking its option
PICK_ATTEMPTS = 4
IDLE = (
    '[data-testid="stApp"][data-test-script-state="notRunning"]'
    '[data-test-connection-state="CONNECTED"]'
)
STATUS_WIDGET = '[data-testid="stStatusWidget"]'
PICKERS = '[data-testid="stSelectbox"], [data-testid="stMultiSelect"]'


def chromium_path() -> str:
    """Return Chromium's path; skip the test without it, but fail in CI (which installs it)."""
    found = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    if found:
        return found
    message = "Chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must install it (.ci/run does)")
    pytest.skip(message)


@contextmanager
def launched_chromium() -> Iterator[Browser]:
    """Yield Debian's Chromium driven by Playwright (skip without it; fail in CI)."""
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class WaitFailed(AssertionError):
    """A wait in a browser test ran out: the message says what was awaited and where the
    screenshot of the page at that moment is."""


class App:
    """One Playwright page on the Streamlit app, with race-free moves and explained waits.

    ``name`` prefixes the screenshots (``test-artifacts/<name>-<step>.png``).
    """

    def __init__(self, page: Page, name: str, *, timeout_ms: int = WAIT_MS) -> None:
        self.page = page
        self.name = name
        page.set_default_timeout(timeout_ms)
        expect.set_options(timeout=timeout_ms)

    def shot(self, step: str, *, full_page: bool = True) -> Path:
        """Save a screenshot of the page as ``<name>-<step>.png`` and return its path."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def failed(self, what: str, error: BaseException) -> NoReturn:
        """Screenshot the page and fail saying what was awaited."""
        slug = "".join(c if c.isalnum() else "-" for c in what.lower())[:60].strip("-")
        try:
            where = f"screenshot: {self.shot(f'FAILED-{slug}')}"
        except PlaywrightError as shot_error:
            where = f"no screenshot ({shot_error.message.splitlines()[0]})"
        lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
        # Playwright's first line says what failed; its call log says which locator it awaited.
        detail = "; ".join([*lines[:1], *(line for line in lines if "waiting for" in line)][:3])
        raise WaitFailed(
            f"{self.name}: gave up waiting for {what} ({self._app_state()}; {where}): "
            f"{detail or repr(error)}"
        ) from error

    def _app_state(self) -> str:
        try:
            return str(
                self.page.evaluate(
                    """() => {
                        const app = document.querySelector('[data-testid="stApp"]');
                        if (!app) return 'no Streamlit app on the page';
                        return `script ${app.dataset.testScriptState}, `
                            + `connection ${app.dataset.testConnectionState}`;
                    }"""
                )
            )
        except PlaywrightError:
            return "page unreadable"

    @contextmanager
    def waiting(self, what: str) -> Iterator[None]:
        """Run the block; a Playwright timeout or failed expectation in it fails as ``what``."""
        try:
            yield
        except (PlaywrightError, AssertionError) as error:
            if isinstance(error, WaitFailed):
                raise
            self.failed(what, error)

    def idle(self, what: str = "the app to finish its script run") -> None:
        """Wait until Streamlit is connected, its script run finished and "Running..." is gone."""
        with self.waiting(what):
            self.page.wait_for_selector(IDLE, state="attached")
            expect(self.page.locator(STATUS_WIDGET)).to_have_count(0)

    def goto(self, url: str) -> None:
        """Open ``url`` and wait for its first script run to finish."""
        self.page.goto(url)
        self.idle(f"the first run of {url}")

    def see(self, text: str | Pattern[str], *, exact: bool = False) -> Locator:
        """Wait for ``text`` to be shown, then for the run that shows it to finish."""
        shown = text if isinstance(text, str) else text.pattern
        locator = self.page.get_by_text(text, exact=exact).first
        with self.waiting(f"the text {shown!r}"):
            locator.wait_for()
        self.idle(f"the run showing {shown!r} to finish")
        return locator

    def check(self, what: str, expectation: Callable[[], Any]) -> None:
        """Run ``expectation`` (Playwright ``expect`` calls); if it fails, fail as ``what``."""
        with self.waiting(what):
            expectation()

    def visible(self, locator: Locator, what: str) -> None:
        """Wait for ``locator`` to be visible; if it is not, fail as ``what``."""
        with self.waiting(what):
            expect(locator).to_be_visible()

    def count(self, locator: Locator, count: int, what: str) -> None:
        """Wait for ``locator`` to match ``count`` elements; if it does not, fail as ``what``."""
        with self.waiting(what):
            expect(locator).to_have_count(count)

    def choose(self, label: str, option: str, *, search: str | None = None) -> None:
        """Pick ``option`` in the select box or multiselect labelled ``label``.

        Clicks the picker and then the option found by its role and name (no typing into the
        box, which races the list's filter); ``search`` is typed in one go first for a long
        list that draws only the options in view. The choice is checked; an attempt whose list
        closed under it (a scroll or rerun closes it) is retried.
        """
        box = self.page.locator(PICKERS).filter(has=self.page.get_by_label(label, exact=True))
        what = f"option {option!r} chosen in {label!r}"
        for _attempt in range(PICK_ATTEMPTS):
            self.idle(f"the app to be idle before choosing in {label!r}")
            try:
                self._pick_once(box, option, search)
            except PlaywrightError:
                self._close_list(box)
                continue
            self._close_list(box)
            if self._is_chosen(box, option):
                # Leave the picker: a focused multiselect is taller than a blurred one, so a
                # click elsewhere would blur it, move the page and miss its target.
                box.get_by_role("combobox").blur()
                self.frames()
                self.idle(f"the run after choosing {option!r} in {label!r}")
                return
        self.failed(what, AssertionError(f"{option!r} not chosen in {PICK_ATTEMPTS} tries"))

    def _pick_once(self, box: Locator, option: str, search: str | None) -> None:
        if self._is_chosen(box, option):
            return
        combobox = box.get_by_role("combobox")
        combobox.scroll_into_view_if_needed(timeout=PICK_ATTEMPT_MS)
        combobox.click(timeout=PICK_ATTEMPT_MS)
        listbox = self.page.get_by_role("listbox")
        listbox.wait_for(timeout=PICK_ATTEMPT_MS)
        if search is not None:
            combobox.fill(search, timeout=PICK_ATTEMPT_MS)
        listbox.get_by_role("option", name=option, exact=True).click(timeout=PICK_ATTEMPT_MS)

    def _close_list(self, box: Locator) -> None:
        # A select box closes its list when an option is clicked; a multiselect keeps it open
        # for more (Escape closes it). Escape on a closed select box could clear its text.
        listbox = self.page.get_by_role("listbox")
        if listbox.count() and box.get_attribute("data-testid") == "stMultiSelect":
            self.page.keyboard.press("Escape")
        elif listbox.count():
            try:
                listbox.wait_for(state="detached", timeout=PICK_ATTEMPT_MS)
            except PlaywrightError:
                self.page.keyboard.press("Escape")
        self.check("the option list to close", lambda: expect(listbox).to_have_count(0))

    def _is_chosen(self, box: Locator, option: str) -> bool:
        if box.get_attribute("data-testid") == "stSelectbox":
            return bool(box.get_by_role("combobox").input_value() == option)
        tags = box.get_by_test_id("stMultiSelectTagsContainer")
        return option in tags.inner_text()

    def frames(self, count: int = 2) -> None:
        """Wait for ``count`` animation frames (a canvas drawn after the run is painted)."""
        self.page.evaluate(
            """count => new Promise(done => {
                const next = left => left ? requestAnimationFrame(() => next(left - 1)) : done();
                next(count);
            })""",
            count,
        )

    def field(self, label: str) -> Locator:
        """Return the text input or text area labelled ``label``."""
        return self.page.locator(f'input[aria-label="{label}"], textarea[aria-label="{label}"]')

    def tab(self, name: str) -> None:
        """Open tab ``name`` (waiting until a rerun's old and new tab bars are down to one)."""
        tab = self.page.get_by_role("tab", name=name, exact=True)
        self.check(f"one tab {name!r}", lambda: expect(tab).to_have_count(1))
        self.idle(f"the app to be idle before opening tab {name!r}")
        tab.click()


def free_port() -> int:
    """Return a TCP port nothing listens on right now (another process may take it next)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PortTaken(RuntimeError):
    """The server could not bind its port: something else took it between probe and start."""


@contextmanager
def streamlit_server(
    db_url: str,
    *,
    args: tuple[str, ...] = (),
    secrets_for: Callable[[str], str] | None = None,
    script: str = "app.py",
) -> Iterator[str]:
    """Start ``streamlit run app.py`` on a free port with its own store; yield its URL.

    A port found free can be taken by another process before Streamlit binds it (tests run in
    parallel, other servers start): then Streamlit exits saying so, and this tries a new port.
    The health check only counts while *our* process is alive, so a server that another
    process started on the same port is never mistaken for ours. ``args`` go to
    ``streamlit run``; ``secrets_for(url)`` returns a secrets.toml for the server at ``url``
    (team mode: the sign-in redirect names the server's own address). ``script`` is the page
    to run (the app by default; a benchmark's bare floor page).
    """
    ARTIFACTS.mkdir(exist_ok=True)
    # Demo mode: the journeys are written against the fictional set.
    env = os.environ | {"READYBED_DB_URL": db_url, "READYBED_DEMO": "1", "PYTHONUNBUFFERED": "1"}
    for _attempt in range(PORT_ATTEMPTS):
        port = free_port()
        log_path = ARTIFACTS / f"streamlit-{port}.log"
        url = f"http://127.0.0.1:{port}"
        extra = args
        if secrets_for is not None:
            secrets_file = Path(tempfile.mkdtemp(prefix="readybed-secrets-")) / "secrets.toml"
            secrets_file.write_text(secrets_for(url))
            extra = (*args, "--secrets.files", str(secrets_file))
        with log_path.open("w") as log:
            process = _start(port, env, log, extra, script)
            try:
                _wait_healthy(url, process, log_path)
            except PortTaken:
                _stop(process)
                continue
            except BaseException:
                _stop(process)
                raise
            try:
                yield url
            finally:
                _stop(process)
            return
    raise RuntimeError(f"streamlit found no free port in {PORT_ATTEMPTS} attempts")


def _start(
    port: int, env: dict[str, str], log: IO[str], args: tuple[str, ...] = (), script: str = "app.py"
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script,
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            *args,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_path.read_text()
            if "is not available" in output or "already in use" in output:
                raise PortTaken(output[-500:])
            raise RuntimeError(f"streamlit exited early:\n{output[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                healthy = answer.read().strip() == b"ok"
        except OSError:
            healthy = False
        # Healthy only counts while our process is still running (it is not someone else's).
        if healthy and process.poll() is None:
            return
        time.sleep(0.5)
    raise RuntimeError(f"streamlit did not become healthy in {STARTUP_SECONDS} s")
