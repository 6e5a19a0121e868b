"""The web app over the demo world: a signed-in test client, and a store copy to write to.

``demo`` is the session fixture of tests/insights (the README's world, seed 7). Starlette's
test client warns that it prefers the ``httpx2`` package, which goodwill does not depend
on; the warning is silenced at this one import and nowhere else.
"""

from __future__ import annotations

import re
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest
import uvicorn
from fastapi import FastAPI

from goodwill.demo.world import DemoWorld, generate
from goodwill.events import Identity, now_us
from goodwill.ledger import open_ledger
from goodwill.ledger.imports import begin_import
from goodwill.ledger.people import identity_person, require_owner
from goodwill.ledger.queries import list_people, person_identities
from goodwill.ledger.writer import EventWriter
from goodwill.web import create_app
from goodwill.web.users import add_user
from tests.insights.conftest import DemoStore, demo  # noqa: F401  (the fixture, shared)
from tests.web.odd_world import HOSTILE, ODD, odd_world_jsonl

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

__all__ = ["AT", "NAME", "PASSWORD", "TestClient", "csrf_of", "sign_in", "wait_until"]

NAME, PASSWORD = "ann", "correct horse battery"
#: The demo world's year is 2025: pages as of its end.
AT = "2026-01-01"
_STARTUP_SECONDS = 20
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 120) -> None:
    """Return once ``condition()`` holds; fail naming ``what`` after ``seconds`` (a guard
    against a hung thread, not a speed test)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.005)


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = _TOKEN.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, name: str = NAME, password: str = PASSWORD) -> int:
    """Sign in through the login form, as a browser does; the response's status."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    return response.status_code


def with_user(folder: Path, demo_store: DemoStore) -> str:
    """A writable copy of the demo store with the user ``ann``."""
    url = demo_store.copy(folder)
    with open_ledger(url) as ledger:
        add_user(ledger, NAME, PASSWORD)
    return url


@pytest.fixture(scope="session")
def web_store(demo: DemoStore, tmp_path_factory: pytest.TempPathFactory) -> str:  # noqa: F811
    """The demo world with a user, for tests that only read."""
    return with_user(tmp_path_factory.mktemp("web"), demo)


@pytest.fixture
def client(web_store: str) -> Iterator[TestClient]:
    """A fresh browser (no cookies) on the app over :func:`web_store`."""
    with TestClient(create_app(web_store), base_url="http://127.0.0.1") as opened:
        yield opened


@pytest.fixture
def signed_in(client: TestClient) -> TestClient:
    """:func:`client`, signed in as ``ann``."""
    assert sign_in(client) == 303
    return client


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> DemoWorld:
    """The demo world's export files (seed 7, as ``goodwill demo`` writes them), not imported:
    what a user uploads on the imports page."""
    return generate(tmp_path_factory.mktemp("demo-files"), seed=7)


@pytest.fixture
def empty_store(tmp_path: Path) -> str:
    """A new store holding nothing but the user ``ann``: a first visit."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    with open_ledger(url) as ledger:
        add_user(ledger, NAME, PASSWORD)
    return url


class Twin(NamedTuple):
    """A writable demo store where the ledger suggests one merge: ``twin``, a new X account
    whose record names ``person``'s email address, is probably ``person``."""

    url: str
    person: int
    twin: int
    email: str


@pytest.fixture
def twin_store(demo: DemoStore, tmp_path: Path) -> Twin:  # noqa: F811
    """:func:`with_user`'s copy of the demo world, plus an account that claims the email
    address of the most active person who has one (as an X export records it)."""
    url = with_user(tmp_path, demo)
    with open_ledger(url) as ledger, ledger.write() as conn:
        owner = require_owner(conn)
        email = next(
            f"{i.network}:{i.account}"
            for p in list_people(conn, limit=500)
            if p.id != owner
            for i in person_identities(conn, p.id)
            if i.network == "email"
        )
        import_id = begin_import(conn, source="test", path="-", sha256="0" * 64, options=None,
                                 now_us=now_us())  # fmt: skip
        writer = EventWriter(conn, source="test", import_id=import_id, now_us=now_us())
        writer.add_identities([Identity("x:@twin_account", "Twin", {"email": email[6:]})])
        person, twin = identity_person(conn, email), identity_person(conn, "x:@twin_account")
    return Twin(url, person, twin, email)


@contextmanager
def live_server(store_url: str, app: FastAPI | None = None) -> Iterator[str]:
    """The app over ``store_url`` (or ``app``, made by the test) served by uvicorn on a free
    loopback port, in a thread, for a real browser; its base URL. Stopped (and checked
    stopped) on leaving."""
    config = uvicorn.Config(app or create_app(store_url), host="127.0.0.1", port=0,
                            log_level="warning", ws="none", lifespan="on")  # fmt: skip
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, name="goodwill-web-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + _STARTUP_SECONDS
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    port = running.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)
    assert not thread.is_alive(), "the web server did not stop"


class OddWorld(NamedTuple):
    """The demo world plus the odd and hostile people of :mod:`tests.web.odd_world`,
    uploaded through the imports page: a signed-in client on it, the upload's job (a real
    job id), and each odd handle's person id."""

    client: TestClient
    url: str
    job: str
    people: dict[str, int]


_ODD_WAIT_SECONDS = 120  # a guard against a hung import, not a speed test (it takes ~1 s)


@pytest.fixture(scope="session")
def odd_world(
    demo: DemoStore,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[OddWorld]:
    """:class:`OddWorld`, shared by the security tests (they only read, but for the
    failed sign-ins each counts from its own address)."""
    url = with_user(tmp_path_factory.mktemp("odd-world"), demo)
    with open_ledger(url) as ledger, ledger.read() as conn:
        mine = person_identities(conn, require_owner(conn))[0]
    export = odd_world_jsonl(f"{mine.network}:{mine.account}", ODD + HOSTILE)
    with TestClient(create_app(url), base_url="http://127.0.0.1") as client:
        assert sign_in(client) == 303
        form = {"csrf_token": csrf_of(client.get("/imports").text), "source": "jsonl", "at": AT}
        response = client.post("/imports", data=form, files={"file": ("odd.jsonl", export)},
                               follow_redirects=False)  # fmt: skip
        assert response.status_code == 303, response.text
        job = response.headers["location"].split("/imports/jobs/")[1].split("?")[0]
        deadline = time.monotonic() + _ODD_WAIT_SECONDS
        while (status := client.get(f"/api/imports/jobs/{job}").json()["status"]) == "running":
            assert time.monotonic() < deadline, "the odd world's import did not end"
            time.sleep(0.05)
        assert status == "complete", client.get(f"/api/imports/jobs/{job}").text
        with open_ledger(url) as ledger, ledger.read() as conn:
            people = {p.handle: identity_person(conn, p.handle) for p in ODD + HOSTILE}
        yield OddWorld(client, url, job, people)
