"""A small AT Protocol server on loopback for the ``bluesky`` sync tests.

It serves the XRPC methods a sync calls, with JSON shaped as the lexicons define it:
``com.atproto.server.createSession`` and ``getSession``, ``com.atproto.repo.listRecords``
(paged by record key, oldest first when ``reverse`` is set, as the reference PDS does) and
``app.bsky.notification.listNotifications`` (newest first, paged by an opaque cursor). It
listens on 127.0.0.1 only, answers at most ``max_requests`` requests and stops after
``seconds``, whichever comes first; use it as a context manager.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PASSWORD = "abcd-efgh-ijkl-mnop"


def jwt(did: str, scope: str) -> str:
    """A token shaped as the server's (the client reads its expiry; no one checks the
    signature here)."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    claims = {"scope": scope, "sub": did, "iat": int(time.time()), "exp": int(time.time()) + 7200}
    return f"{part({'typ': 'at+jwt', 'alg': 'ES256K'})}.{part(claims)}.c2lnbmF0dXJl"


@dataclass
class Account:
    """What the server holds for its one account."""

    did: str
    handle: str
    records: dict[str, dict[str, dict[str, Any]]]  # collection -> rkey -> record
    notifications: list[dict[str, Any]] = field(default_factory=list)  # newest first


@dataclass
class FakeBluesky:
    """The server's state and what it was asked."""

    account: Account
    port: int = 0
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    rate_limited: dict[str, int] = field(default_factory=dict)  # method -> 429s still to send
    reset_in: int = 1  # seconds from now a rate limit resets
    broken: dict[str, tuple[int, bytes]] = field(default_factory=dict)  # method -> answer
    page_size: int = 100  # the most one page holds, whatever the limit asked
    pds: str | None = None  # the account's server its DID document names (default: this one)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def calls(self, method: str) -> list[dict[str, list[str]]]:
        return [params for name, params in self.requests if name == method]

    def answer(self, method: str, params: dict[str, list[str]], body: bytes) -> tuple[int, Any]:
        """The status and JSON for one call."""
        account = self.account
        if method == "com.atproto.server.createSession":
            sent = json.loads(body or b"{}")
            if sent.get("identifier") not in (account.handle, account.did) or (
                sent.get("password") != PASSWORD
            ):
                return 401, {
                    "error": "AuthenticationRequired",
                    "message": "Invalid identifier or password",
                }
            return 200, {
                "did": account.did,
                "handle": account.handle,
                "accessJwt": jwt(account.did, "com.atproto.appPass"),
                "refreshJwt": jwt(account.did, "com.atproto.refresh"),
                "active": True,
                "didDoc": {
                    "@context": ["https://www.w3.org/ns/did/v1"],
                    "id": account.did,
                    "alsoKnownAs": [f"at://{account.handle}"],
                    "verificationMethod": [],
                    "service": [
                        {
                            "id": "#atproto_pds",
                            "type": "AtprotoPersonalDataServer",
                            "serviceEndpoint": self.pds or self.url,
                        }
                    ],
                },
            }
        if method == "com.atproto.server.getSession":
            return 200, {"did": account.did, "handle": account.handle, "active": True}
        if method == "com.atproto.repo.listRecords":
            return 200, self._list_records(params)
        if method == "app.bsky.notification.listNotifications":
            return 200, self._notifications(params)
        return 501, {"error": "MethodNotImplemented", "message": f"{method} is not served"}

    def _list_records(self, params: dict[str, list[str]]) -> dict[str, Any]:
        collection = params["collection"][0]
        limit = min(int(params.get("limit", ["50"])[0]), self.page_size)
        after = params.get("cursor", [None])[0]
        oldest_first = params.get("reverse", ["false"])[0] == "true"
        keys = sorted(self.account.records.get(collection, {}), reverse=not oldest_first)
        if after is not None:
            keys = [k for k in keys if (k > after if oldest_first else k < after)]
        page = keys[:limit]
        answer: dict[str, Any] = {
            "records": [
                {
                    "uri": f"at://{self.account.did}/{collection}/{key}",
                    "cid": "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a",
                    "value": self.account.records[collection][key],
                }
                for key in page
            ]
        }
        if len(page) == limit:
            answer["cursor"] = page[-1]
        return answer

    def _notifications(self, params: dict[str, list[str]]) -> dict[str, Any]:
        limit = min(int(params.get("limit", ["50"])[0]), self.page_size)
        start = int(params.get("cursor", ["0"])[0])
        page = self.account.notifications[start : start + limit]
        answer: dict[str, Any] = {"notifications": page, "priority": False}
        if start + limit < len(self.account.notifications):
            answer["cursor"] = str(start + limit)
        return answer


@contextmanager
def serve(
    state: FakeBluesky, *, max_requests: int = 200, seconds: float = 30.0
) -> Iterator[FakeBluesky]:
    """Serve ``state`` on 127.0.0.1 until the block ends (or the bounds are reached)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._reply(b"")

        def do_POST(self) -> None:
            self._reply(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _reply(self, body: bytes) -> None:
            parts = urlsplit(self.path)
            method = parts.path.removeprefix("/xrpc/")
            params = parse_qs(parts.query)
            state.requests.append((method, params))
            headers = {"Content-Type": "application/json; charset=utf-8"}
            if state.rate_limited.get(method, 0) > 0:
                state.rate_limited[method] -= 1
                status, data = (
                    429,
                    json.dumps(
                        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}
                    ).encode(),
                )
                headers.update(
                    {
                        "RateLimit-Limit": "3000",
                        "RateLimit-Remaining": "0",
                        "RateLimit-Reset": str(int(time.time()) + state.reset_in),
                        "RateLimit-Policy": "3000;w=300",
                    }
                )
            elif method in state.broken:
                status, data = state.broken[method]
            else:
                authorized = method == "com.atproto.server.createSession" or (
                    self.headers.get("Authorization", "").startswith("Bearer ")
                )
                status, answer = (
                    state.answer(method, params, body)
                    if authorized
                    else (
                        401,
                        {"error": "AuthenticationRequired", "message": "Authentication Required"},
                    )
                )
                data = json.dumps(answer).encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests look at ``state.requests``."""

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 0.1
    state.port = server.server_address[1]
    stop = threading.Event()
    deadline = time.monotonic() + seconds

    def loop() -> None:
        while (
            not stop.is_set() and len(state.requests) < max_requests and time.monotonic() < deadline
        ):
            server.handle_request()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        stop.set()
        thread.join(timeout=5)
        server.server_close()
