"""The browser tests' server start survives the port race: a port taken after it was probed."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import browser_support
import pytest

pytestmark = pytest.mark.browser


def test_server_moves_to_another_port_when_the_probed_one_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", 0))
    squatter.listen()
    taken = squatter.getsockname()[1]
    real_free_port = browser_support.free_port
    ports = iter([taken])
    # The first probe "finds" a port that another process grabs before Streamlit binds it.
    monkeypatch.setattr(browser_support, "free_port", lambda: next(ports, None) or real_free_port())
    try:
        with browser_support.streamlit_server(f"sqlite:///{tmp_path / 'db.sqlite3'}") as url:
            assert not url.endswith(f":{taken}")
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
                assert answer.read().strip() == b"ok"
    finally:
        squatter.close()
