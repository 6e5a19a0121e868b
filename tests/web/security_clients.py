"""Browsers for the security tests: strangers at chosen addresses and signed-in sessions
on :func:`odd_world`'s app, each watched so that every response it receives must carry the
security headers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import httpx
from fastapi import FastAPI

from goodwill.web.security import SECURITY_HEADERS
from tests.web.conftest import NAME, OddWorld, TestClient, csrf_of, sign_in
from tests.web.odd_world import ODD

__all__ = [
    "HOST",
    "app_of",
    "attempt_sign_in",
    "path_values",
    "require_headers",
    "signed_in_elsewhere",
    "stranger",
    "watched",
    "watching",
]

HOST = "127.0.0.1"


def path_values(world: OddWorld) -> dict[str, Any]:
    """A real value for every path parameter the app has: a person, the upload's job, a
    note. A route with a new parameter fails in :func:`filled` until one is added here."""
    return {"person_id": world.people[ODD[0].handle], "job": world.job, "note": "done"}


def require_headers(response: httpx.Response) -> None:
    """An event hook: every response a watched client receives carries every header."""
    where = f"{response.request.method} {response.request.url} ({response.status_code})"
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, f"{where}: {name} is missing or changed"
    if not response.request.url.path.startswith("/static/"):
        assert response.headers.get("cache-control") == "no-store", f"{where}: cacheable"


def watched(client: TestClient) -> TestClient:
    """``client`` with :func:`require_headers` on every response."""
    client.event_hooks = {"request": [], "response": [require_headers]}
    return client


def app_of(world: OddWorld) -> FastAPI:
    """The app ``world``'s client started (its lifespan opened the store)."""
    return cast(FastAPI, world.client.app)


def stranger(world: OddWorld, address: str = "testclient") -> TestClient:
    """A new browser (no cookies) at ``address`` on the app ``world``'s client started."""
    return watched(TestClient(app_of(world), base_url=f"http://{HOST}", client=(address, 50000)))


def signed_in_elsewhere(world: OddWorld) -> TestClient:
    """Another browser, signed in as ``ann`` through the form: a session of its own."""
    browser = stranger(world)
    assert sign_in(browser) == 303
    return browser


def watching(world: OddWorld) -> Iterator[OddWorld]:
    """For a test module's ``world`` fixture: ``world`` with its signed-in client watched
    for the headers while the test runs."""
    watched(world.client)
    yield world
    world.client.event_hooks = {"request": [], "response": []}


def attempt_sign_in(browser: TestClient, password: str, name: str = NAME) -> httpx.Response:
    """One try at the login form, as a browser makes it."""
    form = {"name": name, "password": password, "csrf_token": csrf_of(browser.get("/login").text)}
    response: httpx.Response = browser.post("/login", data=form, follow_redirects=False)
    return response
