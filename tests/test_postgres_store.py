"""PostgreSQL specifics: times stay naive UTC whatever the server's zone; no server, no pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import postgres_support
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from matching.records.calllog import CallReport, call_history, log_call
from matching.records.store import open_engine
from matching.records.team import LOCAL


def test_times_round_trip_on_a_server_set_to_another_time_zone(postgresql_empty_url: str) -> None:
    admin = create_engine(postgresql_empty_url, isolation_level="AUTOCOMMIT")
    database = make_url(postgresql_empty_url).database
    with admin.connect() as connection:
        connection.execute(text(f"ALTER DATABASE {database} SET timezone TO 'America/New_York'"))
    plain = create_engine(postgresql_empty_url)
    with plain.connect() as connection:  # a session of its own gets the database's zone
        assert connection.execute(text("SHOW timezone")).scalar() == "America/New_York"
    plain.dispose()
    admin.dispose()
    engine = open_engine(postgresql_empty_url)
    reported = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    log_call(
        engine,
        CallReport(facility_id="f001", availability_status="openings", reported_at=reported),
        actor=LOCAL,
    )
    with engine.connect() as connection:
        assert connection.execute(text("SHOW timezone")).scalar() == "UTC"
        stored = connection.execute(text("SELECT reported_at FROM call_log")).one()
    history = call_history(engine, "f001", actor=LOCAL)
    engine.dispose()
    assert stored[0] == reported.replace(tzinfo=None)  # naive UTC in the column itself
    assert history["reported_at"].iloc[0] == reported


def test_without_a_server_the_tests_skip_here_but_fail_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(postgres_support, "pg_ctl_path", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with (
        pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"),
        postgres_support.postgresql_server(),
    ):
        pass
    monkeypatch.setenv("CI", "true")
    with (
        pytest.raises(pytest.fail.Exception, match="CI must install it"),
        postgres_support.postgresql_server(),
    ):
        pass
