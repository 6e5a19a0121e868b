"""Fuzzing the sources that read an API: ``mastodon`` and ``bluesky``, each talking through
its real client library to a server on loopback that answers with damaged data.

One endpoint at a time answers with random bytes, with its valid JSON mangled in its bytes
or by structure, with a status a server may send, or with JSON nested far deeper than any
API's; the other endpoints answer as the server would. The property is
:func:`tests.sources.fuzzing.outcome`'s: records the ledger can store, or a goodwill error
naming the server; never the client library's own exception.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goodwill.errors import GoodwillError
from goodwill.sources.bluesky_api import BlueskyApiSource
from goodwill.sources.mastodon_api import MastodonApiSource
from tests.sources.fake_bluesky import PASSWORD, FakeBluesky
from tests.sources.fake_bluesky import serve as serve_bluesky
from tests.sources.fake_mastodon import TOKEN
from tests.sources.fuzzing import fuzz_settings, outcome
from tests.sources.mangling import mangled, mangled_json
from tests.sources.test_bluesky_api import HANDLE
from tests.sources.test_bluesky_api import state as bluesky_state
from tests.sources.test_mastodon_api import ME, server_data

#: The registered sources this module fuzzes.
SOURCES = ("mastodon", "bluesky")

_STATUSES = (200, 200, 200, 201, 204, 400, 401, 403, 404, 410, 422, 500, 502, 503)
#: JSON nested deeper than any parser's stack: lists, and objects in lists.
_DEEP = (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000, b"[" * 900)


def _mastodon_answers() -> dict[str, Any]:
    """What each endpoint a sync reads answers, by path, one page each."""
    data = server_data()
    owner = f"/api/v1/accounts/{data.owner['id']}"
    return {
        "/api/v1/accounts/verify_credentials": data.owner,
        "/api/v1/notifications": data.notifications,
        f"{owner}/statuses": data.statuses,
        "/api/v1/conversations": data.conversations,
        f"{owner}/followers": [a for _, a in data.followers],
        f"{owner}/following": [a for _, a in data.following],
    }


class _Answers(HTTPServer):
    """A server that answers each path with the status and bytes ``answer`` gives."""

    def __init__(self, answer: Callable[[str], tuple[int, bytes]]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answer = answer
        self.timeout = 0.1


class _Handler(BaseHTTPRequestHandler):
    server: _Answers

    def do_GET(self) -> None:
        status, body = self.server.answer(urlsplit(self.path).path.rstrip("/"))
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextmanager
def _serving(answer: Callable[[str], tuple[int, bytes]]) -> Iterator[str]:
    server = _Answers(answer)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            server.handle_request()

    thread = threading.Thread(target=loop, name="fuzz-mastodon", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        server.server_close()


class _Mastodon:
    """The answers of one example: every endpoint valid but ``path``, which says ``body``."""

    def __init__(self) -> None:
        self.valid = {p: json.dumps(v).encode() for p, v in _mastodon_answers().items()}
        self.path, self.status, self.body = "", 200, b""

    def __call__(self, path: str) -> tuple[int, bytes]:
        if path == self.path:
            return self.status, self.body
        return (200, self.valid[path]) if path in self.valid else (404, b'{"error": "none"}')

    def sync(self, url: str) -> list[Any] | GoodwillError:
        source = MastodonApiSource({"server": url})
        return outcome(lambda: source.fetch(source.check_account(ME), TOKEN, {}), url)


_MASTODON_PATHS = sorted(_mastodon_answers())


@pytest.fixture(scope="module")
def mastodon() -> Iterator[tuple[_Mastodon, str]]:
    answers = _Mastodon()
    with _serving(answers) as url:
        yield answers, url


def test_mastodon_valid_answers_sync_without_rejections(mastodon: tuple[_Mastodon, str]) -> None:
    answers, url = mastodon
    answers.path = ""
    records = answers.sync(url)
    assert isinstance(records, list) and records
    assert not [r for r in records if getattr(r, "reason", None)]


@fuzz_settings(40)
@given(st.data())
def test_mastodon_answers_mangled(mastodon: tuple[_Mastodon, str], data: st.DataObject) -> None:
    answers, url = mastodon
    answers.path = data.draw(st.sampled_from(_MASTODON_PATHS))
    answers.status = data.draw(st.sampled_from(_STATUSES))
    valid = answers.valid[answers.path]
    how = data.draw(st.sampled_from(["bytes", "structure", "random", "deep"]))
    if how == "bytes":
        answers.body = data.draw(mangled(valid))
    elif how == "structure":
        answers.body = json.dumps(data.draw(mangled_json(json.loads(valid)))).encode()
    elif how == "random":
        answers.body = data.draw(st.binary(max_size=2_000))
    else:
        answers.body = data.draw(st.sampled_from(_DEEP))
    answers.sync(url)


# --- bluesky ---------------------------------------------------------------------------------

_LIST_RECORDS = "com.atproto.repo.listRecords"
_NOTIFICATIONS = "app.bsky.notification.listNotifications"
_SESSION = "com.atproto.server.getSession"


@pytest.fixture(scope="module")
def bluesky() -> Iterator[FakeBluesky]:
    with serve_bluesky(bluesky_state(), max_requests=1_000_000, seconds=3_600) as server:
        yield server


def _bluesky_sync(server: FakeBluesky) -> list[Any] | GoodwillError:
    source = BlueskyApiSource({"server": server.url})
    return outcome(lambda: source.fetch(HANDLE, PASSWORD, {}), server.url)


def test_bluesky_valid_answers_sync_without_rejections(bluesky: FakeBluesky) -> None:
    bluesky.broken = {}
    records = _bluesky_sync(bluesky)
    assert isinstance(records, list) and records
    assert not [r for r in records if getattr(r, "reason", None)]


@fuzz_settings(40)
@given(st.data())
def test_bluesky_answers_mangled(bluesky: FakeBluesky, data: st.DataObject) -> None:
    method = data.draw(st.sampled_from([_LIST_RECORDS, _NOTIFICATIONS, _SESSION]))
    bluesky.broken = {}
    _, valid = bluesky.answer(method, {"collection": ["app.bsky.feed.post"]}, b"")
    how = data.draw(st.sampled_from(["bytes", "structure", "random", "deep"]))
    if how == "bytes":
        body = data.draw(mangled(json.dumps(valid).encode()))
    elif how == "structure":
        body = json.dumps(data.draw(mangled_json(valid))).encode()
    elif how == "random":
        body = data.draw(st.binary(max_size=2_000))
    else:
        body = data.draw(st.sampled_from(_DEEP))
    bluesky.broken = {method: (data.draw(st.sampled_from(_STATUSES)), body)}
    try:
        _bluesky_sync(bluesky)
    finally:
        bluesky.broken = {}
