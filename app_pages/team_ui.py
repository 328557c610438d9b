"""Team mode in the app: which mode the server runs in, the sign-in gate, who is signed in.

* ``local`` - no ``[auth]`` in the secrets and a SQLite store: today's single-person app, no
  sign-in, every call acts as :data:`matching.records.team.LOCAL`.
* ``team`` - ``[auth]`` configures Streamlit's OpenID Connect sign-in (``st.login`` /
  ``st.user``, any provider) and ``[readybed] encryption_keys`` holds the Fernet keys: nothing
  of the app shows until the person signs in, and every call acts as them.
* ``refused`` - a server that would expose families' cases: a database that is not SQLite with
  no sign-in configured, or sign-in without encryption keys. No page that reads the store is
  served; the page says what is missing and how to fix it.

The secrets are read with no secrets file meaning "none" (local mode, no error). This module
never imports the other pages' modules, so ``ui`` can use it to open the engine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NoReturn

import streamlit as st

from app_pages.run_memo import once_per_run
from matching.errors import StoreError
from matching.records import config, store, team
from matching.records.team import LOCAL, Actor
from matching.render.safe_text import md_escape

Mode = Literal["local", "team", "refused"]

DEPLOY_GUIDE = "deploy/README.md"
SECRETS_FILE = ".streamlit/secrets.toml"
# Streamlit's own settings every provider needs (st.login checks the provider's on click).
AUTH_SHARED_KEYS = ("redirect_uri", "cookie_secret")
ACTOR_KEY = "team_actor"

SECRETS_TEMPLATE = """\
[auth]                       # Streamlit's OpenID Connect sign-in (st.login), any provider
redirect_uri = "https://readybed.example.org/oauth2callback"
cookie_secret = "<a long random string>"
client_id = "<from the provider>"
client_secret = "<from the provider>"
server_metadata_url = "https://idp.example.org/.well-known/openid-configuration"

[readybed]
database_url = "postgresql+psycopg://readybed:<password>@db:5432/readybed"
encryption_keys = ["<python -m matching team new-key>"]  # the first seals, every key opens"""


@dataclass(frozen=True, kw_only=True, slots=True)
class ServerMode:
    """The mode the server runs in, the store it uses and, when refused, every reason why."""

    mode: Mode
    database_url: str
    encryption_keys: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def secrets() -> dict[str, Any]:
    """Return the secrets as a plain dict; no secrets file (or an unreadable one) is empty."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # StreamlitSecretNotFoundError: none, or not parseable
        return {}


@once_per_run
def server_mode() -> ServerMode:
    """Decide the mode from the secrets and ``READYBED_DB_URL`` (see the module docstring).

    A secrets file that cannot be read, or settings of the wrong kind (``config``, the one
    reader the CLI uses too), refuse to serve before anything else is looked at.
    """
    from_file, errors = config.read_secrets_file(Path(SECRETS_FILE))
    found = secrets()
    # The file as it is on disk, then what Streamlit holds (the same, or set by a test).
    errors = errors or config.config_errors(from_file, SECRETS_FILE)
    errors = errors or config.config_errors(found, SECRETS_FILE)
    if errors:
        return ServerMode(mode="refused", database_url="", problems=tuple(errors))
    auth = found.get("auth")
    url = (
        os.environ.get(store.DB_URL_ENV, "").strip()
        or config.secrets_database_url(found)
        or store.default_url()
    )
    keys = config.encryption_keys(found)
    problems: list[str] = []
    if isinstance(auth, Mapping) and auth:
        missing = [name for name in AUTH_SHARED_KEYS if not str(auth.get(name, "")).strip()]
        if missing:
            problems.append(
                f"The [auth] section of {SECRETS_FILE} has no {' or '.join(missing)}; sign-in "
                "cannot work without them."
            )
        if not keys:
            problems.append(
                f"Sign-in is configured but [readybed] encryption_keys in {SECRETS_FILE} is "
                "empty: team mode stores letters, safety answers and notes encrypted. Make a "
                "key with `python -m matching team new-key`."
            )
        problems += config.missing_team_extra(url=url, sign_in=True)
        mode: Mode = "refused" if problems else "team"
        return ServerMode(
            mode=mode, database_url=url, encryption_keys=keys, problems=tuple(problems)
        )
    if not _is_sqlite(url):
        problems.append(
            "This server uses a shared database but no sign-in is configured ([auth] in "
            f"{SECRETS_FILE}), so every visitor would see every family's case."
        )
        return ServerMode(mode="refused", database_url=url, problems=tuple(problems))
    return ServerMode(mode="local", database_url=url)


def mode() -> Mode:
    """Return "local", "team" or "refused" (see :func:`server_mode`)."""
    return server_mode().mode


def _is_sqlite(url: str) -> bool:
    # Not a URL at all: not a local file either; treat it as a shared server.
    return store.is_sqlite_url(url)


# ------------------------------------------------------------------------------ the gate


def gate(get_engine: Callable[[], store.Engine]) -> None:
    """Stop the run unless the app may serve: local mode, or team mode and signed in.

    Refused mode shows why (and never opens the store); team mode without a sign-in shows
    only the sign-in page. The crisis lines are drawn before this, so they stay visible.
    """
    server = server_mode()
    if server.mode == "local":
        return
    # A member never sees a stack trace (it can hold a case's text or the database's address).
    st.set_option("client.showErrorDetails", "none")
    if server.mode == "refused":
        refused_page(server.problems)
        st.stop()
    if not signed_in():
        st.session_state.pop(ACTOR_KEY, None)
        sign_in_page()
        st.stop()
    try:
        actor = sign_in_actor(get_engine())
    except StoreError as error:  # a bad key, an unusable e-mail
        stop_signed_in(f"You are signed in, but ReadyBed cannot open your account: {error}")
    except store.DatabaseError:
        # Not the driver's message: it can name the server and the user.
        stop_signed_in(
            "You are signed in, but ReadyBed cannot reach its database right now. Try again in "
            "a minute; if it persists, tell whoever runs this server (see deploy/README.md)."
        )
    who_is_signed_in(actor)


# ----------------------------------------------------------------------------- the pages


def refused_page(problems: tuple[str, ...]) -> None:
    """Say why no page is served and what to put in the secrets file to fix it."""
    st.title("ReadyBed is not open on this server")
    st.error(
        "No case page is served until this is fixed:\n\n"
        + "\n".join(f"- {problem}" for problem in problems),
        icon=":material/lock:",
    )
    st.markdown(
        f"**To run a team server**, put sign-in and an encryption key in `{SECRETS_FILE}` "
        f"(see `{DEPLOY_GUIDE}` for the provider, the proxy and the database), then restart:"
    )
    st.code(SECRETS_TEMPLATE, language="toml", wrap_lines=True)
    st.markdown(
        "**To use ReadyBed alone on this computer** instead, unset `READYBED_DB_URL` (and "
        "`[readybed] database_url`) so it keeps its own local file, and leave `[auth]` out."
    )


def sign_in_page() -> None:
    """Show the sign-in button, and nothing else of the app, to a visitor not signed in."""
    st.title("ReadyBed")
    st.markdown(
        "This is a team server: each family's case is seen only by the people its lead "
        "invited. Sign in to see yours."
    )
    if st.button("Sign in", type="primary", icon=":material/login:", key="sign_in"):
        st.login()
    st.caption(
        "Invited by e-mail? Sign in with that address and the case appears. Not invited yet? "
        "Ask the case's lead for an invitation."
    )


def signed_in() -> bool:
    """Return whether the visitor signed in (team mode)."""
    return bool(st.user.get("is_logged_in"))


def sign_in_actor(engine: Any) -> Actor:
    """Record the signed-in person in the store (accepting invitations) and return them.

    The person is the provider's verified identity (issuer and subject; see
    :func:`matching.records.team.identity_from_claims`). Run once per rerun by the gate, so
    membership changes reach a session on its next run.
    """
    claims = {name: st.user.get(name) for name in ("iss", "sub", "email", "email_verified", "name")}
    identity = team.identity_from_claims(
        claims, accept_missing_email_verified=config.accept_missing_email_verified(secrets())
    )
    actor = team.sign_in(
        engine,
        email=identity.email,
        display_name=identity.display_name,
        issuer=identity.issuer,
        subject=identity.subject,
    )
    st.session_state[ACTOR_KEY] = actor
    return actor


def current_actor() -> Actor:
    """Return whom the app acts for: the signed-in person in team mode, else LOCAL."""
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else LOCAL


def who_is_signed_in(actor: Actor) -> None:
    """Show who is signed in, and a sign-out button, in the sidebar."""
    with st.sidebar:
        # What the provider says is text, never Markdown.
        name, email = md_escape(actor.display_name.strip()), md_escape(actor.email)
        st.caption(f"Signed in as **{name}** ({email})" if name else f"Signed in as {email}")
        sign_out_button()


def stop_signed_in(message: str) -> NoReturn:
    """Say why the app cannot serve a signed-in person, offer sign-out, and stop the run."""
    st.session_state.pop(ACTOR_KEY, None)
    st.error(message, icon=":material/error:")
    sign_out_button()
    st.stop()


def sign_out_button() -> None:
    """Sign out (Streamlit deletes the identity cookie and starts a new session)."""
    if st.button("Sign out", icon=":material/logout:", key="sign_out"):
        st.session_state.pop(ACTOR_KEY, None)
        st.logout()
        st.stop()  # draw nothing more for a person who just signed out
