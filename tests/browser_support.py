"""Run the app in a real Streamlit server and find Debian's Chromium for Playwright tests."""

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
from typing import IO

import pytest

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


def chromium_path() -> str:
    """Return Chromium's path; skip the test without it, but fail in CI (which installs it)."""
    found = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    if found:
        return found
    message = "Chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must install it (.ci/run does)")
    pytest.skip(message)


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
) -> Iterator[str]:
    """Start ``streamlit run app.py`` on a free port with its own store; yield its URL.

    A port found free can be taken by another process before Streamlit binds it (tests run in
    parallel, other servers start): then Streamlit exits saying so, and this tries a new port.
    The health check only counts while *our* process is alive, so a server that another
    process started on the same port is never mistaken for ours. ``args`` go to
    ``streamlit run``; ``secrets_for(url)`` returns a secrets.toml for the server at ``url``
    (team mode: the sign-in redirect names the server's own address).
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
            process = _start(port, env, log, extra)
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
    port: int, env: dict[str, str], log: IO[str], args: tuple[str, ...] = ()
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
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
