"""Calling an AT Protocol server (XRPC) with the atproto SDK's ``Client``, for a sync.

:class:`Xrpc` logs in with an app password and asks queries, taking each answer as the
JSON the server sent (not the SDK's models, which would refuse a whole page for one odd
record). The SDK keeps the session: it sends the access token, refreshes it before it
expires, and moves to the account's own server (PDS) when the login names one. What it
raises becomes a :class:`~goodwill.errors.SourceError` naming the server and the method
and saying what to do. A rate limit (HTTP 429) is waited out until its ``RateLimit-Reset``
time, when that is near enough, and the query asked again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from atproto_client import Client  # type: ignore[import-untyped]
from atproto_client.exceptions import (  # type: ignore[import-untyped]
    BadRequestError,
    NetworkError,
    RateLimitExceededError,
    RequestException,
    UnauthorizedError,
)
from atproto_client.request import Request  # type: ignore[import-untyped]
from atproto_core.exceptions import AtProtocolError  # type: ignore[import-untyped]
from pydantic import ValidationError

from goodwill.errors import SourceError

__all__ = ["MAX_WAIT_SECONDS", "Xrpc", "server_url"]

#: The longest wait for a rate limit to reset; beyond it the sync stops and says when.
MAX_WAIT_SECONDS = 300.0
_DEFAULT_WAIT = 30.0  # a 429 that says nothing of when it resets
_TRIES = 5
_TIMEOUT_SECONDS = 60.0
_MAX_PAGES = 1_000_000
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_PASSWORD_HELP = (
    "create an app password (Bluesky: Settings > Privacy and security > App passwords) "
    "and set GOODWILL_BLUESKY_APP_PASSWORD"
)


def server_url(value: str) -> str:
    """The server's base URL, checked: https, or plain http to this machine only, where no
    password can be read on the way.

    >>> server_url("https://bsky.social/")
    'https://bsky.social'
    """
    if not _safe(value):
        raise SourceError(
            f"option server={value!r}: give the server's https URL, e.g. https://bsky.social"
        )
    parts = urlsplit(value.strip())
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _safe(url: str) -> bool:
    """Whether a password or token may be sent to ``url``."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return False
    return bool(host) and (
        parts.scheme == "https" or (parts.scheme == "http" and host in _LOOPBACK)
    )


class Xrpc:
    """One logged-in session with an AT Protocol server."""

    def __init__(self, server: str, sleep: Callable[[float], None] = time.sleep) -> None:
        self.server = server
        self._sleep = sleep
        self.client = Client(base_url=server, request=Request(timeout=_TIMEOUT_SECONDS))
        self.client.on_session_change(self._check_moved)

    def close(self) -> None:
        """Close the connections."""
        self.client.request.close()

    def login(self, account: str, password: str) -> dict[str, Any]:
        """Log in; the session as ``com.atproto.server.getSession`` shows it (``did``,
        ``handle``)."""
        self._call(
            "com.atproto.server.createSession",
            lambda: self.client.login(account, password, fetch_bsky_profile=False),
        )
        return self.query("com.atproto.server.getSession", None)

    def _check_moved(self, event: Any, session: Any) -> None:
        """Refuse to follow the login to an account server (PDS) reached over plain http,
        before the SDK sends it the session's token."""
        moved = getattr(session, "pds_endpoint", None)
        if isinstance(moved, str) and not _safe(moved):
            raise SourceError(
                f"{self.server}: the account's server is {moved[:100]!r}, not https; "
                "goodwill will not send it the session's token"
            )

    def query(self, method: str, params: Any) -> dict[str, Any]:
        """The JSON object a query answers with (``params`` an SDK Params model)."""
        response = self._call(method, lambda: self.client.invoke_query(method, params=params))
        content = getattr(response, "content", None)
        if not isinstance(content, dict):
            raise SourceError(
                f"{self.server} {method}: the answer is not a JSON object; is this an AT "
                "Protocol server?"
            )
        return content

    def pages(
        self, method: str, params: Callable[[str | None], Any], key: str
    ) -> Iterator[list[Any]]:
        """Each page's list under ``key``, following the ``cursor`` each page gives until
        one gives none (or repeats itself)."""
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(_MAX_PAGES):
            page = self.query(method, params(cursor))
            items = page.get(key)
            if not isinstance(items, list):
                raise SourceError(f"{self.server} {method}: the answer has no list {key!r}")
            yield items
            following = page.get("cursor")
            if not items or not isinstance(following, str) or following in seen:
                return
            seen.add(following)
            cursor = following

    def _call(self, method: str, call: Callable[[], Any]) -> Any:
        where = f"{self.server} {method}"
        for _ in range(_TRIES):
            try:
                return call()
            except RateLimitExceededError as exc:
                self._sleep(_wait(where, exc))
            except UnauthorizedError as exc:
                raise SourceError(
                    f"{where}: the server refused the login ({_detail(exc)}); {_PASSWORD_HELP}"
                ) from None
            except BadRequestError as exc:
                raise SourceError(
                    f"{where}: the server refused the request ({_detail(exc)})"
                ) from None
            except (NetworkError, httpx.HTTPError) as exc:
                raise SourceError(
                    f"{where}: cannot reach the server ({_detail(exc)}); check the address "
                    "(--option server=URL) and the connection, then sync again"
                ) from None
            except RequestException as exc:
                raise SourceError(
                    f"{where}: the server failed ({_detail(exc)}); sync again later"
                ) from None
            except (AtProtocolError, ValidationError, ValueError) as exc:
                raise SourceError(
                    f"{where}: the answer is not what the AT Protocol returns ({_detail(exc)})"
                ) from None
        raise SourceError(f"{where}: still rate limited after {_TRIES} tries; sync again later")


def _wait(where: str, exc: RateLimitExceededError) -> float:
    """Seconds until a rate limit resets; a SourceError if that is too far off."""
    try:
        reset: datetime | None = exc.reset_at
    except (ValueError, OverflowError, OSError):  # a RateLimit-Reset no calendar holds
        reset = None
    if reset is not None:
        wait = (reset - datetime.now(UTC)).total_seconds() + 0.5
    else:
        wait = exc.retry_after if exc.retry_after is not None else _DEFAULT_WAIT
    if wait > MAX_WAIT_SECONDS:
        when = f" until {reset:%Y-%m-%d %H:%M} UTC" if reset is not None else ""
        raise SourceError(f"{where}: rate limited{when}; nothing was imported: sync again then")
    return max(wait, 0.0)


def _detail(exc: BaseException) -> str:
    """What went wrong, in the SDK's words or, for a transport failure it wraps, httpx's."""
    text = str(exc).strip()
    if not text and exc.__cause__ is not None:
        text = str(exc.__cause__).strip()
    return (text or type(exc).__name__)[:300]
