"""The team extra: the laptop app runs without it, and team mode without it names the command.

psycopg (the PostgreSQL driver) and Authlib (the sign-in library) are the ``team`` extra of
pyproject.toml, not runtime dependencies. Each test runs a fresh Python in which importing them
fails, as on a machine where only ``pip install -r requirements.txt`` was run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from matching.records.sealing import generate_key

ROOT = Path(__file__).resolve().parents[1]
COMMAND = "pip install -e '.[team]'"
# Importing either package (or psycopg's binary build) fails in the child, as when not installed.
BLOCKER = """
import sys


class NoTeamExtra:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"psycopg", "psycopg_binary", "authlib"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NoTeamExtra())
"""
LOCAL_APP = """
from streamlit.testing.v1 import AppTest

at = AppTest.from_file(APP, default_timeout=120).run()
at.text_input(key="place").input("Columbus, OH")
at.button(key="search_submit").click()
at.run()
shown = "\\n".join(str(m.value) for m in at.markdown)
print(json.dumps({
    "exception": [str(e.value) for e in at.exception],
    "errors": [str(e.value) for e in at.error],
    "results": "miles" in shown,
    "loaded": sorted(m for m in sys.modules if m.split(".")[0] in {"psycopg", "authlib"}),
}))
"""
TEAM_APP = """
from streamlit.testing.v1 import AppTest

at = AppTest.from_file(APP, default_timeout=120)
at.user = {"is_logged_in": True, "email": "lee@example.org"}
at.run()
print(json.dumps({
    "exception": [str(e.value) for e in at.exception],
    "shown": "\\n".join(str(e.value) for e in (*at.title, *at.error, *at.markdown)),
}))
"""
AUTH = (
    '[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n'
    'cookie_secret = "a-test-cookie-secret-that-is-long-enough"\n'
    'client_id = "readybed"\nclient_secret = "x"\n'
    'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n'
)


def _run_without_extra(code: str, folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    prelude = f"import json, sys\nAPP = {str(ROOT / 'app.py')!r}\n"
    return subprocess.run(
        [sys.executable, "-c", BLOCKER + prelude + code],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _last_json(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_extra_holds_the_team_packages_and_the_runtime_does_not() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    runtime = " ".join(project["dependencies"]).lower()
    team = " ".join(project["optional-dependencies"]["team"]).lower()
    for package in ("psycopg", "authlib"):
        assert package in team and package not in runtime
    # The tests' install line takes the extra; the laptop app's does not.
    assert "-e .[team]" in (ROOT / "requirements-dev.txt").read_text("utf-8")
    assert "[team]" not in (ROOT / "requirements.txt").read_text("utf-8").split("#")[0]


def test_the_laptop_app_searches_without_the_team_extra(tmp_path: Path) -> None:
    env = {"READYBED_DB_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}", "READYBED_DEMO": "1"}
    shown = _last_json(_run_without_extra(LOCAL_APP, tmp_path, env))
    assert shown["exception"] == [] and shown["errors"] == []
    assert shown["results"]  # facilities listed, with their distance
    assert shown["loaded"] == []  # nothing of the extra was even tried


def test_the_cli_searches_without_the_team_extra(tmp_path: Path) -> None:
    code = (
        "from matching.cli.main import main\n"
        "sys.exit(main(['search', '--near', 'Columbus, OH', '--format', 'json']))\n"
    )
    result = _run_without_extra(code, tmp_path, {"READYBED_DEMO": "1"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)  # a non-empty list of facilities


def test_team_mode_without_the_extra_is_refused_and_names_the_command(tmp_path: Path) -> None:
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        f'{AUTH}[readybed]\nencryption_keys = ["{generate_key()}"]\n'
        'database_url = "postgresql+psycopg://readybed@127.0.0.1:9/readybed"\n',
        encoding="utf-8",
    )
    shown = _last_json(_run_without_extra(TEAM_APP, tmp_path, {"READYBED_DB_URL": ""}))
    assert shown["exception"] == []
    assert "not open on this server" in shown["shown"]
    assert COMMAND in shown["shown"] and "psycopg" in shown["shown"] and "Authlib" in shown["shown"]


@pytest.mark.parametrize("command", [["team", "status"], ["team", "migrate"]])
def test_the_team_cli_without_the_extra_exits_2_and_names_the_command(
    command: list[str], tmp_path: Path
) -> None:
    code = f"from matching.cli.main import main\nsys.exit(main({command!r}))\n"
    url = "postgresql+psycopg://readybed@127.0.0.1:9/readybed"
    result = _run_without_extra(code, tmp_path, {"READYBED_DB_URL": url})
    assert result.returncode == 2, result.stderr[-2000:]
    assert COMMAND in result.stderr and "psycopg" in result.stderr
    assert "Traceback" not in result.stderr
