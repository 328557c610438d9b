"""Run ``streamlit run`` with a Python audit hook that records every network call it makes.

Usage: ``READYBED_NET_LOG=/path python tests/audited_streamlit.py run app.py --server.port N``.
Each ``socket.connect``, ``socket.bind``, ``socket.getaddrinfo``, ``socket.sendto`` and
``urllib.Request`` event is written as one JSON line, so a test can prove that a whole session
reached nothing but this computer (the equivalent of cutting the network namespace off, and
more precise: it names any address that was tried).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

_EVENTS = {
    "socket.connect",
    "socket.bind",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.sendto",
    "urllib.Request",
}
_log = open(os.environ["READYBED_NET_LOG"], "a", buffering=1, encoding="utf-8")  # noqa: SIM115


def _record(event: str, args: tuple[Any, ...]) -> None:
    if event not in _EVENTS:
        return
    if event in ("socket.connect", "socket.bind", "socket.sendto"):
        detail = args[-1]
    else:
        detail = args[0] if event != "socket.getaddrinfo" else [args[0], args[1]]
    _log.write(json.dumps({"event": event, "address": detail}, default=repr) + "\n")


sys.addaudithook(_record)

from streamlit.web.cli import main  # noqa: E402

sys.argv = ["streamlit", *sys.argv[1:]]
sys.exit(main())
