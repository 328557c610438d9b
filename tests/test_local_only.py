"""The app serves this computer only and contacts nothing else during a whole session.

The server is started the way the README says (``streamlit run app.py``, no command-line
options, so ``.streamlit/config.toml`` decides), under a Python audit hook that records every
connect, bind and name lookup of the server process (tests/audited_streamlit.py). A real
browser then walks every page and runs a search; every request the browser makes is recorded
too.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_support import ARTIFACTS, ROOT, App, _wait_healthy, free_port
from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", ""}
PAGES = ("", "shortlist", "plan", "placement", "readiness", "data")


def test_config_serves_loopback_only_and_asks_nothing_at_start() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False
    # A manually set address is what stops Streamlit's external-IP lookup at start-up.
    assert config["browser"]["serverAddress"] == "127.0.0.1"


@contextmanager
def audited_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """Start ``streamlit run app.py`` with only a port given; yield URL, process and net log."""
    port = free_port()
    net_log = tmp_path / "net.jsonl"
    env = os.environ | {
        "READYBED_DB_URL": f"sqlite:///{tmp_path / 'store' / 'readybed.sqlite3'}",
        "READYBED_NET_LOG": str(net_log),
        "PYTHONUNBUFFERED": "1",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"streamlit-audited-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "audited_streamlit.py"), "run", "app.py"]
            + ["--server.port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_healthy(f"http://127.0.0.1:{port}", process, log_path)
            yield f"http://127.0.0.1:{port}", process, net_log
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def listening_addresses(pid: int, port: int) -> set[str]:
    """Return the local addresses the process's TCP sockets listen on at ``port``."""
    found = set()
    for name, width in (("tcp", 8), ("tcp6", 32)):
        table = Path(f"/proc/{pid}/net/{name}")
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                raw = bytes.fromhex(address)
                # /proc prints each 32-bit word in host (little-endian) order.
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, width // 2, 4))
                found.add(str(ipaddress.ip_address(words)))
    return found


def is_loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host is None or str(host) in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


def outside_calls(net_log: Path) -> list[dict[str, object]]:
    """Return the recorded network calls that named anything but this computer."""
    calls = (
        [json.loads(line) for line in net_log.read_text().splitlines()] if net_log.exists() else []
    )
    outside = []
    for call in calls:
        address = call["address"]
        if isinstance(address, str) and call["event"] == "socket.connect":
            continue  # a Unix-domain socket path: local by construction
        host = address[0] if isinstance(address, list) else address
        if not is_loopback(host):
            outside.append(call)
    return outside


def test_a_whole_session_serves_and_contacts_this_computer_only(
    browser: Browser, tmp_path: Path
) -> None:
    with audited_server(tmp_path) as (url, process, net_log):
        port = int(url.rsplit(":", 1)[1])
        assert listening_addresses(process.pid, port) == {"127.0.0.1"}
        requested: list[str] = []
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        app = App(context.new_page(), "local-only")
        app.page.on("request", lambda request: requested.append(request.url))
        app.goto(url)
        app.field("Where is the person? ZIP, city or coordinates").fill("10001")
        app.page.get_by_role("button", name="Search").click()
        app.see(re.compile(r"\d+ facilities near 10001"))
        for path in PAGES[1:]:
            app.goto(f"{url}/{path}")  # the whole run of each page: every request it makes
            app.see("988")
        context.close()
        listening = listening_addresses(process.pid, port)
    assert listening == {"127.0.0.1"}
    hosts = {urlsplit(address).hostname for address in requested if address.startswith("http")}
    assert hosts == {"127.0.0.1"}, f"the browser was sent elsewhere: {sorted(map(str, hosts))}"
    assert net_log.exists(), "the audit hook recorded nothing: was the server audited?"
    assert outside_calls(net_log) == []
