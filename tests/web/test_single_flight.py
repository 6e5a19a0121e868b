"""One computation per key at a time: with real threads, the first to ask computes and
everyone else who asks meanwhile waits for that result (boundedly), and fifty requests
that arrive together at the real server compute a moment once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from anyio.to_thread import current_default_thread_limiter

from goodwill.web import create_app
from goodwill.web.cache import ResultCache
from goodwill.web.capacity import RESERVED_CONNECTIONS
from goodwill.web.single_flight import SingleFlight, StillPreparing
from tests.insights.conftest import DemoStore
from tests.web.conftest import (
    AT,
    NAME,
    PASSWORD,
    TestClient,
    csrf_of,
    live_server,
    wait_until,
    with_user,
)

_GUARD_SECONDS = 60  # a guard against a hung test, not a speed test


def test_threads_asking_together_share_one_computation() -> None:
    cache = ResultCache(4)
    release, made = threading.Event(), []

    def slow() -> list[int]:
        made.append(threading.get_ident())
        release.wait(_GUARD_SECONDS)
        return [len(made)]

    with ThreadPoolExecutor(12) as pool:
        asked = [pool.submit(cache.get, "moment", slow) for _ in range(12)]
        wait_until(lambda: cache.flights.joined == 11, "eleven threads to join the first")
        assert cache.flights.running() == 1 and len(made) == 1
        release.set()
        results = [f.result(_GUARD_SECONDS) for f in asked]
    assert len(made) == 1 and cache.flights.runs == 1
    assert all(r is results[0] for r in results)  # one object, not twelve equal ones
    assert cache.get("moment", slow) is results[0] and len(made) == 1  # kept from then on
    assert cache.flights.running() == 0


def test_a_waiter_gives_up_after_its_bound_and_the_computation_goes_on() -> None:
    cache = ResultCache(4, wait_seconds=0.05)
    release, started = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(_GUARD_SECONDS)
        return "ready"

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(cache.get, "moment", slow)
        assert started.wait(_GUARD_SECONDS)
        with pytest.raises(StillPreparing, match="try again in a few seconds"):
            cache.get("moment", slow)
        assert not first.done()  # the computation was not abandoned with the waiter
        release.set()
        assert first.result(_GUARD_SECONDS) == "ready"
    assert cache.get("moment", lambda: "computed again") == "ready"
    assert cache.flights.runs == 1


def test_an_error_reaches_every_waiter_and_the_next_request_tries_again() -> None:
    flights = SingleFlight()
    release = threading.Event()

    def broken() -> int:
        release.wait(_GUARD_SECONDS)
        raise ValueError("the store moved")

    with ThreadPoolExecutor(4) as pool:
        asked = [pool.submit(flights.run, "k", broken) for _ in range(4)]
        wait_until(lambda: flights.joined == 3, "three threads to join the first")
        release.set()
        for f in asked:
            with pytest.raises(ValueError, match="the store moved"):
                f.result(_GUARD_SECONDS)
    assert flights.run("k", lambda: 7) == 7 and flights.runs == 2


def test_a_computation_that_needs_its_own_result_is_refused() -> None:
    flights = SingleFlight()
    with pytest.raises(RuntimeError, match="needs it"):
        flights.run("k", lambda: flights.run("k", lambda: 1))


def test_fifty_requests_together_compute_the_moment_once(demo: DemoStore, tmp_path: Path) -> None:
    url = with_user(tmp_path, demo)
    app = create_app(url, wait_seconds=_GUARD_SECONDS)
    with live_server(url, app) as base:
        clients = [httpx.Client(base_url=base, timeout=_GUARD_SECONDS) for _ in range(50)]
        try:
            for client in clients:
                token = csrf_of(client.get("/login").text)
                form = {"name": NAME, "password": PASSWORD, "csrf_token": token}
                assert client.post("/login", data=form).status_code == 303
            pages = ["/api/dashboard", "/", "/relationships", "/api/agenda", "/circles"]

            def ask(n: int) -> httpx.Response:
                return clients[n].get(pages[n % len(pages)], params={"at": AT})

            with ThreadPoolExecutor(50) as pool:
                answers = list(pool.map(ask, range(50)))
        finally:
            for client in clients:
                client.close()
    assert [a.status_code for a in answers] == [200] * 50
    caches = app.state.caches
    assert caches.made == {"activity": 1, "trust": 1, "hygiene": 1}
    dashboards = {a.text for a in answers if a.request.url.path == "/api/dashboard"}
    assert len(dashboards) == 1  # the same page for everyone
    assert caches.pages.flights.runs == len(caches.pages)  # each page made once


def test_pages_at_once_never_outnumber_the_store_connections(web_store: str) -> None:
    app = create_app(web_store)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        pool = app.state.ledger.engine.pool
        connections = pool.size() + pool._max_overflow
        threads = client.portal.call(lambda: current_default_thread_limiter().total_tokens)
    assert threads == connections - RESERVED_CONNECTIONS
