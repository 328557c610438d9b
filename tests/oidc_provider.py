"""A small OpenID Connect provider on localhost, for signing in to a real team server in tests.

It does what a real provider does for the authorization-code flow Streamlit's ``st.login``
uses: discovery, a sign-in page (type any e-mail: tests need no password), the code exchange
at the token endpoint, and an RS256-signed ID token whose key is published as a JWKS. It
checks the client id and secret and the redirect URI, and binds each code to its nonce.
It is a test helper module (not a test file); nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CLIENT_ID = "readybed-test"
CLIENT_SECRET = secrets.token_urlsafe(24)
KEY_ID = "test-key"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _number(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass
class Provider:
    """The provider's state: its signing key, its issuer URL and the codes handed out."""

    issuer: str = ""
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def metadata(self) -> dict[str, object]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def jwks(self) -> dict[str, object]:
        public = self.key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "kid": KEY_ID,
                    "use": "sig",
                    "alg": "RS256",
                    "n": _number(public.n),
                    "e": _number(public.e),
                }
            ]
        }

    def id_token(self, claims: dict[str, object]) -> str:
        header = _b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": KEY_ID}).encode())
        payload = _b64(json.dumps(claims).encode())
        signed = f"{header}.{payload}".encode("ascii")
        signature = self.key.sign(signed, padding.PKCS1v15(), hashes.SHA256())
        return f"{header}.{payload}.{_b64(signature)}"


class _Handler(BaseHTTPRequestHandler):
    provider: Provider

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        return  # quiet: tests read their own output

    def _send(self, status: int, body: str, kind: str = "application/json") -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        fields = parse_qs(self.rfile.read(length).decode("utf-8"))
        return {name: values[0] for name, values in fields.items()}

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        url = urlsplit(self.path)
        if url.path == "/.well-known/openid-configuration":
            self._send(200, json.dumps(self.provider.metadata()))
        elif url.path == "/jwks":
            self._send(200, json.dumps(self.provider.jwks()))
        elif url.path == "/authorize":
            query = {name: values[0] for name, values in parse_qs(url.query).items()}
            if query.get("client_id") != CLIENT_ID:
                self._send(400, "unknown client", "text/plain")
                return
            hidden = "".join(
                f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
                for name, value in query.items()
            )
            self._send(
                200,
                "<!doctype html><title>Test sign-in</title><form method=post action=/authorize>"
                f"{hidden}<label>E-mail <input name=email></label>"
                "<label>Name <input name=name></label><button>Continue</button></form>",
                "text/html",
            )
        else:
            self._send(404, "not found", "text/plain")

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        url = urlsplit(self.path)
        form = self._form()
        if url.path == "/authorize":
            code = secrets.token_urlsafe(16)
            with self.provider.lock:
                self.provider.codes[code] = form
            target = form["redirect_uri"] + "?" + urlencode({"code": code, "state": form["state"]})
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
        elif url.path == "/token":
            self._token(form)
        else:
            self._send(404, "not found", "text/plain")

    def _client_ok(self, form: dict[str, str]) -> bool:
        basic = self.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            client, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        else:
            client, secret = form.get("client_id", ""), form.get("client_secret", "")
        return client == CLIENT_ID and secret == CLIENT_SECRET

    def _token(self, form: dict[str, str]) -> None:
        with self.provider.lock:
            granted = self.provider.codes.pop(form.get("code", ""), None)
        if not self._client_ok(form):
            self._send(401, json.dumps({"error": "invalid_client"}))
            return
        if granted is None or granted.get("redirect_uri") != form.get("redirect_uri"):
            self._send(400, json.dumps({"error": "invalid_grant"}))
            return
        now = int(time.time())
        email = str(granted.get("email", "")).strip()
        claims = {
            "iss": self.provider.issuer,
            "sub": "user-" + _b64(email.encode()),
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 600,
            "nonce": granted.get("nonce", ""),
            "email": email,
            "email_verified": True,
            "name": str(granted.get("name", "")).strip(),
        }
        self._send(
            200,
            json.dumps(
                {
                    "access_token": secrets.token_urlsafe(16),
                    "token_type": "Bearer",
                    "expires_in": 600,
                    "id_token": self.provider.id_token(claims),
                }
            ),
        )


@contextmanager
def oidc_provider() -> Iterator[Provider]:
    """Run the provider on a free localhost port for the duration of the block."""
    provider = Provider()
    handler = type("Handler", (_Handler,), {"provider": provider})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()


def auth_secrets(provider: Provider, app_url: str, key: str) -> str:
    """Return a secrets.toml for a team server at ``app_url`` signing in at ``provider``."""
    return (
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n\n'
        "[readybed]\n"
        f'encryption_keys = ["{key}"]\n'
    )
