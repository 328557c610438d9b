"""Start a real PostgreSQL server for the tests with pytest-postgresql, also when run as root.

pytest-postgresql's executor drives ``pg_ctl`` (initdb, start, status, stop). PostgreSQL
refuses to run as root, and CI containers run as root: then every ``pg_ctl`` call goes through
util-linux's ``setpriv`` as the ``postgres`` user (Debian's ``postgresql`` package creates it;
``setpriv`` execs in place, so pg_ctl stays the process pytest-postgresql watches), and the
cluster lives in a folder that user owns. Without a server the tests that need one skip, but in
CI (which installs it: ``.ci/run``) they fail, as the browser tests do without Chromium.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest

SERVER_USER = "postgres"
INSTALL_HINT = "apt-get install postgresql"


def pg_ctl_path() -> str | None:
    """Return the newest ``pg_ctl`` on this machine (PATH first, then Debian's folders)."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return on_path
    # Debian keeps the server binaries out of PATH, one folder per major version.
    found = glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")
    return max(found, key=lambda path: int(Path(path).parts[-3])) if found else None


def unavailable(reason: str) -> NoReturn:
    """Skip the test for ``reason``, but fail in CI, which must provide PostgreSQL."""
    message = f"PostgreSQL is not available: {reason}"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must install it ({INSTALL_HINT}, as .ci/run does)")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(pg_ctl: str, folder: Path) -> str:
    """Return a ``pg_ctl`` that runs as the ``postgres`` user, and give it ``folder``."""
    try:
        account = pwd.getpwnam(SERVER_USER)
    except KeyError:
        unavailable(f"running as root and there is no {SERVER_USER!r} user to run the server")
    os.chown(folder, account.pw_uid, account.pw_gid)
    wrapper = folder / "pg_ctl"
    switch = f"setpriv --reuid={account.pw_uid} --regid={account.pw_gid} --init-groups"
    wrapper.write_text(f'#!/bin/sh\nexec {switch} "{pg_ctl}" "$@"\n')
    wrapper.chmod(0o700)
    return str(wrapper)


@contextmanager
def postgresql_server() -> Iterator[object]:
    """Start a throwaway PostgreSQL cluster on a free local port; yield its executor."""
    from pytest_postgresql.executors import PostgreSQLExecutor

    pg_ctl = pg_ctl_path()
    if pg_ctl is None:
        unavailable(f"no PostgreSQL server is installed ({INSTALL_HINT})")
    # Not under pytest's own temporary folders: those are root-only, and the server user must
    # reach its data folder.
    folder = Path(tempfile.mkdtemp(prefix="readybed-pg-"))
    executable = _as_server_user(pg_ctl, folder) if os.geteuid() == 0 else pg_ctl
    executor = PostgreSQLExecutor(
        executable=executable,
        host="127.0.0.1",
        port=_free_port(),
        datadir=str(folder / "data"),
        unixsocketdir=str(folder),
        logfile=str(folder / "server.log"),
        startparams="-w",
        dbname="readybed",
        user=SERVER_USER,
        # The tests' databases are throwaway: no waiting for the disk, and no write-ahead log
        # beyond crash safety (minimal WAL makes each test's CREATE DATABASE ~10x faster).
        postgres_options=(
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c wal_level=minimal -c max_wal_senders=0"
        ),
    )
    try:
        executor.start()
    except Exception as exc:  # the reason goes into the skip (or the CI failure)
        log = folder / "server.log"
        detail = log.read_text(errors="replace")[-500:] if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        unavailable(f"the server did not start ({type(exc).__name__}: {exc}) {detail}".strip())
    try:
        yield executor
    finally:
        executor.stop()
        shutil.rmtree(folder, ignore_errors=True)
