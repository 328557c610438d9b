"""The one HTTP client of ReadyBed's online sources: timeouts, retries, a polite pace, a cache.

Every online call is opt-in (docs/privacy.md) and goes through :class:`LiveClient`:

- ``httpx`` with a timeout on every request;
- bounded retries (``tenacity``) with exponential backoff on a timeout, a dropped connection,
  HTTP 429 and 5xx - anything else is answered at once;
- at most one request per ``min_interval_seconds`` (public services ask for restraint);
- an on-disk cache (``hishel``, SQLite) that answers a repeated GET for a day without a
  request, so refreshing the same area twice costs nothing.

Failures surface as :class:`~matching.errors.OnlineSourceError` with one sentence. Base URLs
come from :class:`LiveSettings` (or ``READYBED_FINDTREATMENT_URL`` / ``READYBED_CENSUS_URL``),
so tests point them at a local server.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import hishel
import httpx
from hishel.httpx import CacheTransport
from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from matching.errors import OnlineSourceError

FINDTREATMENT_URL: Final = "https://findtreatment.gov"
CENSUS_URL: Final = "https://geocoding.geo.census.gov"
FINDTREATMENT_URL_ENV: Final = "READYBED_FINDTREATMENT_URL"
CENSUS_URL_ENV: Final = "READYBED_CENSUS_URL"
CACHE_DIR_ENV: Final = "READYBED_CACHE_DIR"
# Pacing knobs, e.g. for a local test server: the first retry wait and the request interval.
BACKOFF_ENV: Final = "READYBED_HTTP_BACKOFF_SECONDS"
INTERVAL_ENV: Final = "READYBED_HTTP_INTERVAL_SECONDS"
DEFAULT_CACHE_DIR: Final = Path(".readybed") / "http-cache"
ONE_DAY_SECONDS: Final = 86_400.0
# Statuses worth another try: too many requests, and the server's own failures.
RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_SECONDS: Final = 60.0  # the longest a server's Retry-After is honoured
USER_AGENT: Final = "ReadyBed (treatment-bed finder; https://findtreatment.gov data)"

Progress = Callable[[float, str], None]


@dataclass(frozen=True, kw_only=True)
class LiveSettings:
    """Where the online sources are and how politely to ask them.

    cache_dir: where the HTTP cache lives (None = no cache).
    attempts: tries per request, the first included.
    backoff_seconds: the first wait before a retry; each later wait doubles (capped at 30 s).
    min_interval_seconds: the least time between two requests that reach the network.
    """

    findtreatment_url: str = FINDTREATMENT_URL
    census_url: str = CENSUS_URL
    cache_dir: Path | None = DEFAULT_CACHE_DIR
    cache_ttl_seconds: float = ONE_DAY_SECONDS
    timeout_seconds: float = 30.0
    attempts: int = 4
    backoff_seconds: float = 1.0
    min_interval_seconds: float = 1.0

    def __post_init__(self) -> None:
        problems = []
        if self.attempts < 1:
            problems.append(f"attempts must be 1 or more, got {self.attempts}")
        for name in ("timeout_seconds", "cache_ttl_seconds"):
            if not getattr(self, name) > 0:
                problems.append(f"{name} must be above 0, got {getattr(self, name)}")
        for name in ("backoff_seconds", "min_interval_seconds"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must be 0 or more, got {getattr(self, name)}")
        for name in ("findtreatment_url", "census_url"):
            if not str(getattr(self, name)).startswith(("http://", "https://")):
                problems.append(f"{name} must start with http:// or https://")
        if problems:
            raise ValueError("Invalid online settings: " + "; ".join(problems))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> LiveSettings:
        """Return the defaults, with base URLs and cache folder taken from the environment."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for key, name in (
            (FINDTREATMENT_URL_ENV, "findtreatment_url"),
            (CENSUS_URL_ENV, "census_url"),
        ):
            if environ.get(key, "").strip():
                values[name] = environ[key].strip().rstrip("/")
        if environ.get(CACHE_DIR_ENV, "").strip():
            values["cache_dir"] = Path(environ[CACHE_DIR_ENV].strip())
        for key, name in ((BACKOFF_ENV, "backoff_seconds"), (INTERVAL_ENV, "min_interval_seconds")):
            if environ.get(key, "").strip():
                try:
                    values[name] = float(environ[key])
                except ValueError as exc:
                    message = f"{key} must be a number of seconds, got {environ[key]!r}"
                    raise ValueError(message) from exc
        return replace(cls(**values), **overrides)


@dataclass
class RequestLog:
    """What the client asked for and how it was answered (for reports, tests and privacy checks)."""

    urls: list[str] = field(default_factory=list)
    network_requests: int = 0
    cache_hits: int = 0


def _cache_key(request: httpx.Request) -> str:
    return hashlib.sha256(f"{request.method} {request.url}".encode()).hexdigest()


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def _is_retryable(error: BaseException) -> bool:
    return isinstance(error, _RetryableStatus | httpx.TimeoutException | httpx.TransportError)


class LiveClient:
    """An HTTP client with retries, a rate limit and (for GET) a one-day on-disk cache.

    ``clock`` and ``sleep`` are parameters so tests can run the pacing without waiting.
    """

    def __init__(
        self,
        settings: LiveSettings,
        *,
        service: str,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.service = service
        self.log = RequestLog()
        self._clock, self._sleep = clock, sleep
        self._last_request: float | None = None
        self._backoff = wait_exponential(multiplier=settings.backoff_seconds, max=30)
        network = transport or httpx.HTTPTransport()
        self._storage: hishel.SqliteStorage | None = None
        if settings.cache_dir is not None:
            settings.cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._storage = hishel.SqliteStorage(
                database_path=settings.cache_dir / "http-cache.sqlite3",
                default_ttl=settings.cache_ttl_seconds,
            )
            network = CacheTransport(next_transport=network, storage=self._storage)
        self._client = httpx.Client(
            transport=network,
            timeout=httpx.Timeout(settings.timeout_seconds),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
        )

    def __enter__(self) -> LiveClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections and the cache file."""
        self._client.close()

    def get(self, url: str, params: Mapping[str, str | int]) -> httpx.Response:
        """GET ``url`` with ``params`` (retried, paced, cached); return a 2xx response."""
        return self._send("GET", url, params=params)

    def post_file(
        self, url: str, data: Mapping[str, str], files: Mapping[str, tuple[str, bytes, str]]
    ) -> httpx.Response:
        """POST a multipart form with ``files`` (retried and paced, never cached)."""
        return self._send("POST", url, data=data, files=files)

    def forget(self, response: httpx.Response) -> None:
        """Drop ``response`` from the cache: a 200 that held no usable data must not stick."""
        if self._storage is None:
            return
        for entry in self._storage.get_entries(_cache_key(response.request)):
            self._storage.remove_entry(entry.id)

    def _wait(self, retry_state: RetryCallState) -> float:
        """Wait the backoff, or longer when a 429/503 says when to come back (Retry-After)."""
        backoff = float(self._backoff(retry_state))
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, _RetryableStatus):
            after = error.response.headers.get("retry-after", "").strip()
            if after.isdigit():
                return max(backoff, min(float(after), MAX_RETRY_AFTER_SECONDS))
        return backoff

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        retrying = Retrying(
            stop=stop_after_attempt(self.settings.attempts),
            wait=self._wait,
            retry=retry_if_exception(_is_retryable),
            sleep=self._sleep,
        )
        try:
            response = retrying(self._attempt, method, url, **kwargs)
        except RetryError as exc:
            error = exc.last_attempt.exception()
            raise self._failure(error, retried=True) from error
        except (httpx.HTTPError, _RetryableStatus) as exc:
            raise self._failure(exc, retried=False) from exc
        if response.status_code >= 400:
            raise OnlineSourceError(
                f"{self.service} refused the request (HTTP {response.status_code}); "
                "nothing was changed"
            )
        return response

    def _attempt(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self._pace()
        request = self._client.build_request(method, url, **kwargs)
        # Our own cache key (the method and URL), so that forget() can find the entry again.
        request.extensions["caching"] = {"key": _cache_key(request)}
        self.log.urls.append(str(request.url))
        response = self._client.send(request)
        caching = response.extensions.get("caching") or {}
        if caching.get("from_cache"):
            self.log.cache_hits += 1
        else:
            self.log.network_requests += 1
            self._last_request = self._clock()
        response.read()
        if response.status_code in RETRY_STATUSES:
            raise _RetryableStatus(response)
        return response

    def _pace(self) -> None:
        # The cache answers without a request, so only network calls start the interval; a
        # cached call waits too (cheaply) since it cannot be known in advance.
        if self._last_request is None:
            return
        waited = self._clock() - self._last_request
        if waited < self.settings.min_interval_seconds:
            self._sleep(self.settings.min_interval_seconds - waited)

    def _failure(self, error: BaseException | None, *, retried: bool) -> OnlineSourceError:
        tries = f" after {self.settings.attempts} tries" if retried else ""
        if isinstance(error, _RetryableStatus):
            status = error.response.status_code
            what = "is rate-limiting requests" if status == 429 else "had a server error"
            return OnlineSourceError(
                f"{self.service} {what} (HTTP {status}){tries}; try again later - "
                "nothing was changed"
            )
        if isinstance(error, httpx.TimeoutException):
            return OnlineSourceError(
                f"{self.service} did not answer within {self.settings.timeout_seconds:g} s"
                f"{tries}; try again later - nothing was changed"
            )
        return OnlineSourceError(
            f"Could not reach {self.service}{tries} (offline, or the address is blocked: "
            f"{type(error).__name__}); nothing was changed"
        )
