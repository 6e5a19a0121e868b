"""The session key lives in the store: a restart keeps everyone signed in, another store
does not know the cookie, and the key is never written to the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select, update

from goodwill.errors import StoreError
from goodwill.ledger import open_ledger
from goodwill.ledger.schema import settings
from goodwill.web import create_app
from goodwill.web.secret import SECRET_KEY, session_secret
from goodwill.web.security import COOKIE
from tests.insights.conftest import DemoStore
from tests.web.conftest import TestClient, csrf_of, sign_in, with_user


def _stored_key(url: str) -> str | None:
    with open_ledger(url) as ledger, ledger.read() as conn:
        found = conn.execute(select(settings.c.value).where(settings.c.key == SECRET_KEY))
        value = found.scalar()
    return None if value is None else str(value)


def _signed_in_cookie(url: str) -> tuple[str, str]:
    """Sign in on a fresh server over ``url``: the session cookie and its CSRF token."""
    with TestClient(create_app(url), base_url="http://127.0.0.1") as client:
        assert sign_in(client) == 303
        token = csrf_of(client.get("/people").text)
        cookie = client.cookies[COOKIE]
    return cookie, token


def test_a_session_survives_a_restart(demo: DemoStore, tmp_path: Path) -> None:
    url = with_user(tmp_path, demo)
    assert _stored_key(url) is None  # made on the first serve, not before
    cookie, token = _signed_in_cookie(url)
    key = _stored_key(url)
    assert key is not None and len(bytes.fromhex(key)) == 32
    with TestClient(create_app(url), base_url="http://127.0.0.1") as restarted:
        restarted.cookies.set(COOKIE, cookie)
        page = restarted.get("/people", follow_redirects=False)
        assert page.status_code == 200 and "Sign out" in page.text
        # the session's CSRF token still works after the restart
        out = restarted.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert out.status_code == 303
    assert _stored_key(url) == key  # read again, not made again


def test_another_stores_server_refuses_the_cookie(demo: DemoStore, tmp_path: Path) -> None:
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours = with_user(tmp_path / "ours", demo)
    theirs = with_user(tmp_path / "theirs", demo)  # the same user, id and password
    cookie, _ = _signed_in_cookie(ours)
    _signed_in_cookie(theirs)  # their server has made its own key
    assert _stored_key(ours) != _stored_key(theirs)
    with TestClient(create_app(theirs), base_url="http://127.0.0.1") as other:
        other.cookies.set(COOKIE, cookie)
        response = other.get("/people", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")
        assert other.get("/api/agenda").status_code == 401


def test_the_key_is_never_logged(
    demo: DemoStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = with_user(tmp_path, demo)
    with caplog.at_level(logging.DEBUG):
        _signed_in_cookie(url)
        _signed_in_cookie(url)
    key = _stored_key(url)
    assert key is not None
    assert caplog.records  # the server did log (the check below is not vacuous)
    assert not any(key in r.getMessage() for r in caplog.records)


def test_a_damaged_key_says_what_to_do(demo: DemoStore, tmp_path: Path) -> None:
    url = with_user(tmp_path, demo)
    with open_ledger(url) as ledger:
        session_secret(ledger)
        with ledger.write() as conn:
            conn.execute(
                update(settings).where(settings.c.key == SECRET_KEY).values(value="not hex")
            )
        with pytest.raises(StoreError, match="delete that row"):
            session_secret(ledger)
