"""The web app over the demo world: a signed-in test client, and a store copy to write to.

``demo`` is the session fixture of tests/insights (the README's world, seed 7). Starlette's
test client warns that it prefers the ``httpx2`` package, which goodwill does not depend
on; the warning is silenced at this one import and nowhere else.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from goodwill.ledger import open_ledger
from goodwill.web import create_app
from goodwill.web.users import add_user
from tests.insights.conftest import DemoStore, demo  # noqa: F401  (the fixture, shared)

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from fastapi.testclient import TestClient

__all__ = ["AT", "NAME", "PASSWORD", "TestClient", "csrf_of", "sign_in"]

NAME, PASSWORD = "ann", "correct horse battery"
#: The demo world's year is 2025: pages as of its end.
AT = "2026-01-01"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


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
