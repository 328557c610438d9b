"""The local store: one database for what users record (call log, shortlists, cases).

SQLAlchemy Core over SQLite by default, so a team could point ``READYBED_DB_URL`` at PostgreSQL
later. The default file lives in a git-ignored local folder created with owner-only permissions:
what a family types about their loved one stays on this machine.

The schema is created and upgraded by versioned migrations (``migrate.py``, Alembic) on open;
every table of the project is declared on :data:`metadata` below, grouped by the feature that
owns it, and a test checks that the migrated schema equals it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from matching.errors import StoreError
from matching.records import config, migrate

# Kept in ``schema_meta`` by the migrations, so a ReadyBed older than migrations refuses a store
# that newer versions have upgraded; the migrations' revision is the real version now.
SCHEMA_VERSION = migrate.SCHEMA_META_VERSION
DB_URL_ENV = "READYBED_DB_URL"
DEFAULT_DB_PATH = Path(".readybed") / "readybed.sqlite3"

metadata = MetaData()

# The one organisation and the one person of local mode (see "Team mode" below).
LOCAL_ORG_ID = 1
LOCAL_USER_ID = 1
LOCAL_EMAIL = "local"
LOCAL_ORG_NAME = "This computer"


def _org_column(*, primary_key: bool = False) -> Column:
    """Return an ``org_id`` column: whose organisation a shared row belongs to (local: 1)."""
    return Column(
        "org_id",
        Integer,
        ForeignKey("orgs.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
        index=not primary_key,
        default=LOCAL_ORG_ID,
        server_default=str(LOCAL_ORG_ID),
    )


def to_naive_utc(moment: datetime) -> datetime:
    """Return ``moment`` as the store keeps times: UTC without a zone (SQLite has none)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_naive_utc(stored: datetime) -> datetime:
    """Return a time read from the store (naive UTC) as an aware UTC datetime."""
    return stored.replace(tzinfo=UTC)


schema_meta = Table(
    "schema_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)

# --- Tables -----------------------------------------------------------------------------
# Call log and shortlists (the app issue) and cases (the readiness issue) are declared here.

# ... Call log, shortlists and the directory library (the app issue) ............................
# Times are stored as naive UTC (SQLite has no time zones); the modules that own these tables
# convert at their edges with to_naive_utc / from_naive_utc above.

call_log = Table(
    "call_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("facility_id", String(128), nullable=False, index=True),
    Column("beds_open_detox", Integer, nullable=True),
    Column("beds_open_residential", Integer, nullable=True),
    Column("availability_status", String(32), nullable=False),
    Column("reported_at", DateTime, nullable=False),
    Column("answered_by", String(200), nullable=False, default=""),
    Column("source", String(200), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("logged_at", DateTime, nullable=False),
    _org_column(),
    # What was asked and how the call ended (matching.directory.call_terms); '' = not recorded.
    Column("need", String(16), nullable=False, server_default=""),
    Column("payer", String(16), nullable=False, server_default=""),
    Column("outcome", String(16), nullable=False, server_default=""),
    # Issue 22: "continues buprenorphine / methadone from admission?" yes / no; '' = not asked.
    Column("moud_continues", String(8), nullable=False, server_default=""),
)

shortlists = Table(
    "shortlists",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    _org_column(),
    UniqueConstraint("org_id", "name", name="uq_shortlist_org_name"),
)

shortlist_items = Table(
    "shortlist_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "shortlist_id",
        Integer,
        ForeignKey("shortlists.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("facility_id", String(128), nullable=False),
    Column("position", Integer, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("added_at", DateTime, nullable=False),
    # A snapshot of the facility when it was added, so the shortlist outlives a directory change.
    Column("name", String(300), nullable=False, default=""),
    Column("phone", String(64), nullable=False, default=""),
    Column("intake_phone", String(64), nullable=False, default=""),
    Column("website", String(500), nullable=False, default=""),
    Column("street", String(300), nullable=False, default=""),
    Column("city", String(120), nullable=False, default=""),
    Column("state", String(2), nullable=False, default=""),
    Column("zip", String(10), nullable=False, default=""),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("distance_miles", Float, nullable=True),
    Column("origin_label", String(200), nullable=False, default=""),
    UniqueConstraint("shortlist_id", "facility_id", name="uq_shortlist_facility"),
)

# Imported directories saved as canonical CSVs beside the database; "demo" is built in.
directories = Table(
    "directories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(300), nullable=False),
    Column("file_name", String(300), nullable=False),
    Column("format", String(64), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("summary", Text, nullable=False, default=""),
    Column("imported_at", DateTime, nullable=False),
    _org_column(),
)

# Settings of an organisation (today: which directory is active), one row per (org, key).
app_settings = Table(
    "app_settings",
    metadata,
    _org_column(primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("value", String(500), nullable=False),
)

# The last search form as submitted (JSON), so the form and its results survive a page change or
# a reload without putting the place in the URL. One row per name ("last" today).
saved_searches = Table(
    "saved_searches",
    metadata,
    Column(
        "user_id",
        Integer,
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
        default=LOCAL_USER_ID,
        server_default=str(LOCAL_USER_ID),
    ),
    Column("name", String(64), primary_key=True),
    Column("form_json", Text, nullable=False),
    Column("saved_at", DateTime, nullable=False),
)


# ... Cases (readiness) (the readiness issue) ....................................................
# A case is its plan as JSON plus one row per candidate facility and one per contact-log entry;
# ``version`` backs the optimistic check of matching.cases.save_case. Times are naive UTC.

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("plan_json", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    _org_column(),
)

case_placements = Table(
    "case_placements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("position", Integer, nullable=False),
    Column("facility_id", String(128), nullable=False),
    Column("role", String(16), nullable=False),
    Column("stage", String(32), nullable=False),
    Column("data_json", Text, nullable=False),
    UniqueConstraint("case_id", "facility_id", name="uq_case_facility"),
)

case_contact_log = Table(
    "case_contact_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("facility_id", String(128), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("stage", String(32), nullable=False),
    Column("note", Text, nullable=False),
)

# ... Team mode (issue 13): organisations, people, who may see which case, and the audit log ......
# Local mode has exactly one organisation and one person, both id 1 (LOCAL_ORG_ID,
# LOCAL_USER_ID), created with the schema; every local case has that person as its lead. Team
# mode adds signed-in people (their OIDC e-mail) and their organisations. Every row that the
# data layer filters carries its org_id (shared within an organisation) or is reached through
# case_members (a case is seen only by its members).

orgs = Table(
    "orgs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # Lower-cased. The local person's is LOCAL_EMAIL, which no sign-in can produce (no "@").
    Column("email", String(320), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=True),
    # The sign-in provider's identity (OIDC ``iss`` and ``sub``), bound at first sign-in: the
    # person is who the provider says, the e-mail only matches invitations. None: local person.
    Column("issuer", String(500), nullable=True),
    Column("subject", String(255), nullable=True),
    Index("uq_users_identity", "issuer", "subject", unique=True),
)

org_members = Table(
    "org_members",
    metadata,
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    # "admin" manages the organisation; "staff" shares its directory, call reports, shortlists.
    Column("org_role", String(16), nullable=False),
    Column("added_at", DateTime, nullable=False),
)

case_members = Table(
    "case_members",
    metadata,
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), nullable=False),  # lead / member / viewer
    Column("added_at", DateTime, nullable=False),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("email", String(320), nullable=False),
    Column("role", String(16), nullable=False),
    # A colleague also joins the case's organisation (its directory, calls and shortlists).
    Column("join_org", Boolean, nullable=False, default=False),
    Column("invited_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("accepted_at", DateTime, nullable=True),
    UniqueConstraint("case_id", "email", name="uq_invitation_case_email"),
)

# Append-only (no code updates a row; a trigger refuses UPDATE). No foreign key to cases: the
# rows are deleted with their case by delete_case, in the same transaction, and it says so.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, nullable=False, index=True),
    Column("org_id", Integer, nullable=False),
    Column("user_id", Integer, nullable=True),
    Column("actor_email", String(320), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("action", String(64), nullable=False),
    # Which parts changed (section and field names), never what was typed in them.
    Column("detail", Text, nullable=False, default=""),
    # The hash chain of the case's rows (matching/records/chain.py): tamper-evident.
    Column("prev_hash", String(64), nullable=False, server_default=""),
    Column("row_hash", String(64), nullable=False, server_default=""),
)

# What happens to an organisation as a whole (a case deleted: who, when, how many audit rows
# went with it). Append-only and hash-chained per organisation, like the audit log; the
# database refuses UPDATE, DELETE and TRUNCATE of it.
org_log = Table(
    "org_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("user_id", Integer, nullable=True),
    Column("actor_email", String(320), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("action", String(64), nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("prev_hash", String(64), nullable=False, server_default=""),
    Column("row_hash", String(64), nullable=False, server_default=""),
)


# What the front ends name without importing SQLAlchemy (only this layer touches it): the
# engine type (``store.Engine``, imported above), and the base of the driver's errors (whose
# messages can name the server).
DatabaseError = SQLAlchemyError


def is_sqlite_url(url: str) -> bool:
    """Return whether ``url`` is a SQLite database (False for what is not a URL at all)."""
    try:
        return make_url(url).get_backend_name() == "sqlite"
    except ArgumentError:
        return False


def default_url() -> str:
    """Return the database URL: ``$READYBED_DB_URL``, else a SQLite file in ``.readybed/``."""
    configured = os.environ.get(DB_URL_ENV, "").strip()
    if configured:
        return configured
    return f"sqlite:///{DEFAULT_DB_PATH}"


def open_engine(url: str | None = None) -> Engine:
    """Open (creating if needed) the store at ``url`` and return its engine.

    A new SQLite file is created inside an owner-only folder with owner-only permissions. The
    schema is brought to this version by the migrations; a store from a newer ReadyBed is
    refused with a :class:`~matching.errors.StoreError`.
    """
    url = url or default_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        _prepare_sqlite_file(Path(parsed.database))
    missing = config.missing_team_extra(url=url)
    if missing:
        raise StoreError(missing[0])
    engine = create_engine(url, future=True, **_connect_args(parsed))
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    # Creates a new store and upgrades an older one in place (see matching/records/migrate.py).
    migrate.upgrade(engine)
    return engine


def _connect_args(parsed: URL) -> dict[str, dict[str, str]]:
    # Times are stored as naive UTC: a PostgreSQL session in UTC reads and writes them as they
    # are, whatever the server's own time zone (an aware value would be shifted by it).
    if parsed.get_backend_name() == "postgresql" and "options" not in parsed.query:
        return {"connect_args": {"options": "-c timezone=UTC"}}
    return {}


def _prepare_sqlite_file(path: Path) -> None:
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    elif path.parent.name == DEFAULT_DB_PATH.parent.name:
        # A .readybed/ folder made by an older version (or by hand) may be world-readable.
        os.chmod(path.parent, 0o700)
    if not path.exists():
        path.touch(mode=0o600)
    os.chmod(path, 0o600)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows are overwritten with zeros, not just unlinked from the b-tree: a deleted
    # case's letters do not linger in the file (SQLite's compiled-in default is off).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """Yield a connection in a transaction that holds the database's write lock from the start.

    ``engine.begin()`` on SQLite starts *deferred*: a transaction that reads and then writes
    (create the default shortlist when there is none, append after the last position) can meet
    another process doing the same, and one of them fails at once with "database is locked".
    ``BEGIN IMMEDIATE`` takes the write lock first, waiting up to the busy timeout for it, so
    such read-then-write steps simply run one after the other.
    """
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield connection


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """Yield a connection whose reads all see one snapshot of the database.

    A case is read in several statements (its row, its placements, their logs); without one
    snapshot a save committed in between could mix the new plan with the old placements.
    PostgreSQL: a REPEATABLE READ transaction. SQLite: an explicit deferred ``BEGIN`` (its
    driver otherwise runs each SELECT on its own), which holds the read lock until the end.
    """
    if engine.dialect.name == "postgresql":
        with (
            engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection,
            connection.begin(),
        ):
            yield connection
        return
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")
        yield connection


def seed_local(connection: Connection) -> None:
    """Create the local organisation and person (id 1 each) when they are missing."""
    stamp = to_naive_utc(datetime.now(UTC))
    if connection.execute(select(orgs.c.id).where(orgs.c.id == LOCAL_ORG_ID)).first() is None:
        connection.execute(
            orgs.insert().values(id=LOCAL_ORG_ID, name=LOCAL_ORG_NAME, created_at=stamp)
        )
    if connection.execute(select(users.c.id).where(users.c.id == LOCAL_USER_ID)).first() is None:
        connection.execute(
            users.insert().values(
                id=LOCAL_USER_ID, email=LOCAL_EMAIL, display_name="You", created_at=stamp
            )
        )
        connection.execute(
            org_members.insert().values(
                org_id=LOCAL_ORG_ID, user_id=LOCAL_USER_ID, org_role="admin", added_at=stamp
            )
        )


def schema_version(engine: Engine) -> int:
    """Return the schema version recorded in the store."""
    with engine.connect() as connection:
        value = connection.execute(
            select(schema_meta.c.value).where(schema_meta.c.key == "schema_version")
        ).scalar_one()
    return int(value)
