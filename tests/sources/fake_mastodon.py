"""A small Mastodon server on loopback for the ``mastodon`` source's tests.

It is a real HTTP server that the real Mastodon.py client talks to, not a mock of the
client. It serves the endpoints goodwill reads with entities shaped as Mastodon's API
documentation shows them (ids as strings, ISO 8601 times, ``acct`` without a domain for
local accounts) and pages lists the way Mastodon does: newest first, ``max_id``,
``since_id`` and ``min_id``, and a ``Link`` header with ``next`` and ``prev``. It listens on
127.0.0.1 only and stops after a bounded number of requests or seconds.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

DOMAIN = "example.social"
TOKEN = "t0ken-for-tests"


def account(
    account_id: str, username: str, domain: str | None = None, name: str = ""
) -> dict[str, Any]:
    """An Account entity; ``domain`` None for an account on this server."""
    host = domain or DOMAIN
    return {
        "id": account_id,
        "username": username,
        "acct": f"{username}@{domain}" if domain else username,
        "display_name": name or username.title(),
        "locked": False,
        "bot": False,
        "group": False,
        "discoverable": True,
        "created_at": "2022-11-01T00:00:00.000Z",
        "note": f"<p>I am {username}</p>",
        "url": f"https://{host}/@{username}",
        "uri": f"https://{host}/users/{username}",
        "avatar": f"https://{host}/avatars/{account_id}.png",
        "header": f"https://{host}/headers/{account_id}.png",
        "followers_count": 3,
        "following_count": 2,
        "statuses_count": 10,
        "last_status_at": "2024-06-01",
        "emojis": [],
        "fields": [
            {
                "name": "Site",
                "value": f'<a href="https://{username}.example">{username}.example</a>',
                "verified_at": None,
            }
        ],
    }


def mention(who: dict[str, Any]) -> dict[str, Any]:
    """A Status's mention of an account."""
    return {"id": who["id"], "username": who["username"], "url": who["url"], "acct": who["acct"]}


def status(
    status_id: str,
    author: dict[str, Any],
    text: str,
    *,
    at: str,
    visibility: str = "public",
    mentions: tuple[dict[str, Any], ...] = (),
    reply_to: tuple[str, dict[str, Any]] | None = None,
    reblog: dict[str, Any] | None = None,
    quote: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A Status entity; ``reply_to`` is the (status id, account) it answers."""
    host = urlsplit(author["url"]).hostname
    return {
        "id": status_id,
        "uri": f"https://{host}/users/{author['username']}/statuses/{status_id}"
        + ("/activity" if reblog else ""),
        "url": f"https://{host}/@{author['username']}/{status_id}",
        "created_at": at,
        "account": author,
        "content": f"<p>{text}</p>" if not reblog else "",
        "visibility": visibility,
        "sensitive": False,
        "spoiler_text": "",
        "in_reply_to_id": reply_to[0] if reply_to else None,
        "in_reply_to_account_id": reply_to[1]["id"] if reply_to else None,
        "reblog": reblog,
        "quote": {"state": "accepted", "quoted_status": quote} if quote else None,
        "mentions": [mention(m) for m in mentions],
        "media_attachments": [],
        "tags": [],
        "emojis": [],
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "language": "en",
        "card": None,
        "poll": None,
    }


def notification(
    note_id: str, kind: str, who: dict[str, Any], *, at: str, about: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A Notification entity: ``who`` did ``kind`` (about status ``about``)."""
    note: dict[str, Any] = {"id": note_id, "type": kind, "created_at": at, "account": who}
    if about is not None:
        note["status"] = about
    return note


def conversation(
    conversation_id: str, last: dict[str, Any], *others: dict[str, Any]
) -> dict[str, Any]:
    """A Conversation entity whose newest status is ``last``."""
    return {"id": conversation_id, "unread": False, "accounts": list(others), "last_status": last}


@dataclass
class FakeMastodon:
    """What the server holds; tests change it between syncs."""

    owner: dict[str, Any]
    notifications: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    conversations: list[dict[str, Any]] = field(default_factory=list)
    #: (follow id, account): Mastodon pages these listings by the follow's id.
    followers: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    following: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: Paths to answer once with 429 and a reset this far ahead, in seconds.
    rate_limit_once: dict[str, float] = field(default_factory=dict)
    #: Paths to answer with an HTML page, as a misconfigured proxy would.
    html: set[str] = field(default_factory=set)
    #: Every request: path and query, in order.
    requests: list[str] = field(default_factory=list)

    def route(self, path: str) -> tuple[list[Any], Callable[[Any], str]] | dict[str, Any] | None:
        """The list (with its paging key) or the entity a path serves."""
        owner_path = f"/api/v1/accounts/{self.owner['id']}"
        by_id: Callable[[Any], str] = lambda item: item["id"]  # noqa: E731
        by_follow: Callable[[Any], str] = lambda item: item[0]  # noqa: E731
        routes: dict[str, Any] = {
            "/api/v1/accounts/verify_credentials": self.owner,
            "/api/v1/notifications": (self.notifications, by_id),
            f"{owner_path}/statuses": (self.statuses, by_id),
            "/api/v1/conversations/": (self.conversations, lambda c: c["last_status"]["id"]),
            f"{owner_path}/followers": (self.followers, by_follow),
            f"{owner_path}/following": (self.following, by_follow),
        }
        return routes.get(path)


def _order(item_id: str) -> tuple[int, str]:
    return len(item_id), item_id


def _page(items: list[Any], key: Callable[[Any], str], query: dict[str, list[str]]) -> list[Any]:
    """One page as Mastodon cuts it: newest first, within max_id, since_id and min_id."""
    limit = min(int(query.get("limit", ["20"])[0]), 80)
    newest_first = sorted(items, key=lambda i: _order(key(i)), reverse=True)
    if "types[]" in query:
        newest_first = [i for i in newest_first if i.get("type") in query["types[]"]]
    if "max_id" in query:
        newest_first = [i for i in newest_first if _order(key(i)) < _order(query["max_id"][0])]
    if "since_id" in query:
        newest_first = [i for i in newest_first if _order(key(i)) > _order(query["since_id"][0])]
    if "min_id" in query:
        newer = [i for i in newest_first if _order(key(i)) > _order(query["min_id"][0])]
        return newer[-limit:]  # the ones just after min_id, still newest first
    return newest_first[:limit]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        state.requests.append(self.path)
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._send(401, {"error": "The access token is invalid"})
            return
        if parts.path in state.rate_limit_once:
            reset = datetime.now(UTC) + timedelta(seconds=state.rate_limit_once.pop(parts.path))
            self._send(
                429,
                {"error": "Too many requests"},
                {
                    "X-RateLimit-Limit": "300",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": reset.isoformat(timespec="milliseconds"),
                },
            )
            return
        if parts.path in state.html:
            self._send_raw(200, b"<html><body>Welcome to nginx!</body></html>", "text/html")
            return
        found = state.route(parts.path)
        if found is None:
            self._send(404, {"error": "Record not found"})
        elif isinstance(found, dict):
            self._send(200, found)
        else:
            items, key = found
            query = parse_qs(parts.query)
            page = _page(items, key, query)
            shown = [item[1] if isinstance(item, tuple) else item for item in page]
            self._send(200, shown, self._links(parts.path, query, page, key))

    def _links(
        self, path: str, query: dict[str, list[str]], page: list[Any], key: Callable[[Any], str]
    ) -> dict[str, str]:
        if not page:
            return {}
        kept = {k: v for k, v in query.items() if k not in ("max_id", "since_id", "min_id")}
        base = f"http://{self.headers['Host']}{path}"

        def url(**extra: str) -> str:
            return f"{base}?{urlencode({**kept, **extra}, doseq=True)}"

        return {
            "Link": f'<{url(max_id=key(page[-1]))}>; rel="next", '
            f'<{url(min_id=key(page[0]))}>; rel="prev"'
        }

    def _send(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self._send_raw(code, json.dumps(body).encode(), "application/json", headers)

    def _send_raw(
        self, code: int, body: bytes, kind: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class _Server(HTTPServer):
    def __init__(self, state: FakeMastodon) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state
        self.timeout = 0.1  # handle_request returns this often to check the bounds


@contextmanager
def serve(state: FakeMastodon, *, max_requests: int = 200, seconds: float = 60.0) -> Iterator[str]:
    """Serve ``state`` on 127.0.0.1 while the block runs; yields the base URL."""
    server = _Server(state)
    stop = threading.Event()
    deadline = time.monotonic() + seconds

    def loop() -> None:
        while not stop.is_set() and time.monotonic() < deadline:
            if len(state.requests) >= max_requests:
                break
            server.handle_request()
        server.server_close()  # a client asking more is refused, never left waiting

    thread = threading.Thread(target=loop, name="fake-mastodon", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        server.server_close()
