"""Sessions and sign-in limits: a session older than its lifetime is refused (crafted
with the app's own codec and an old timestamp, no sleeping), and the login rate limit as
``goodwill.web.security`` documents it: five failures per name (in any case) and address in
five minutes, counted as each attempt starts, not reset by the owner signing in elsewhere.
The rest of the web app's defences: ``test_security.py``."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from itsdangerous import TimestampSigner

import goodwill.web.security
from goodwill.web.security import (
    COOKIE,
    LOGIN_FAILURES,
    LOGIN_WINDOW_SECONDS,
    SESSION_SECONDS,
    Session,
)
from tests.web.conftest import AT, NAME, PASSWORD, OddWorld, csrf_of
from tests.web.security_clients import app_of, attempt_sign_in, stranger, watching


@pytest.fixture
def world(odd_world: OddWorld) -> Iterator[OddWorld]:
    """:func:`odd_world`, every response to its client checked for the security headers."""
    yield from watching(odd_world)


# -- sessions ----------------------------------------------------------------------------


def _aged_cookie(world: OddWorld, seconds: int, monkeypatch: pytest.MonkeyPatch) -> str:
    """``ann``'s session signed by the app's own codec as if ``seconds`` ago."""
    codec = app_of(world).state.codec
    session = codec.loads(world.client.cookies[COOKIE])
    assert isinstance(session, Session) and session.user == NAME
    with monkeypatch.context() as clock:
        clock.setattr(TimestampSigner, "get_timestamp", lambda _s: int(time.time()) - seconds)
        return str(codec.dumps(session))


def test_a_session_older_than_its_lifetime_is_refused(
    world: OddWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = stranger(world)
    browser.cookies.set(COOKIE, _aged_cookie(world, SESSION_SECONDS - 60, monkeypatch))
    assert browser.get("/people", params={"at": AT}).status_code == 200
    assert browser.get("/api/people", params={"at": AT}).status_code == 200
    browser.cookies.set(COOKIE, _aged_cookie(world, SESSION_SECONDS + 1, monkeypatch))
    page = browser.get("/people", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert page.headers["set-cookie"].startswith(f"{COOKIE}=")  # replaced by a stranger's
    browser.cookies.set(COOKIE, _aged_cookie(world, SESSION_SECONDS + 1, monkeypatch))
    assert browser.get("/api/people").status_code == 401


# -- the login rate limit ------------------------------------------------------------------


def test_the_sixth_attempt_waits_even_with_the_right_password(world: OddWorld) -> None:
    attacker = stranger(world, "198.51.100.6")
    for n in range(LOGIN_FAILURES):
        assert attempt_sign_in(attacker, f"guess {n}").status_code == 401
    for name, password in ((NAME, "guess 6"), (NAME, PASSWORD), (NAME.upper(), "guess 7")):
        blocked = attempt_sign_in(attacker, password, name)
        assert blocked.status_code == 429, f"{name}/{password}: {blocked.status_code}"
        assert 0 < int(blocked.headers["retry-after"]) <= LOGIN_WINDOW_SECONDS
    assert (
        attempt_sign_in(attacker, "x", "someone-else").status_code == 401
    )  # another name: its own


def test_the_owner_signing_in_elsewhere_does_not_reset_the_attackers_count(
    world: OddWorld,
) -> None:
    attacker, owner = stranger(world, "198.51.100.7"), stranger(world, "203.0.113.7")
    for n in range(LOGIN_FAILURES):
        assert attempt_sign_in(attacker, f"guess {n}").status_code == 401
    assert (
        attempt_sign_in(owner, PASSWORD).status_code == 303
    )  # their address is not the attacker's
    assert attempt_sign_in(attacker, PASSWORD).status_code == 429  # and the attacker still waits


def test_failures_count_for_five_minutes(world: OddWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_000.0]
    monkeypatch.setattr(goodwill.web.security, "time", SimpleNamespace(monotonic=lambda: now[0]))
    attacker = stranger(world, "198.51.100.8")
    for n in range(LOGIN_FAILURES):
        assert attempt_sign_in(attacker, f"guess {n}").status_code == 401
        now[0] += 1
    now[0] = 1_000.0 + LOGIN_WINDOW_SECONDS - 1  # the first failure is not yet 5 minutes old
    assert attempt_sign_in(attacker, "guess").status_code == 429
    now[0] = 1_000.0 + LOGIN_WINDOW_SECONDS + 0.5  # it is now: one more try
    assert attempt_sign_in(attacker, "guess").status_code == 401
    assert attempt_sign_in(attacker, PASSWORD).status_code == 429  # that try was the fifth again


def test_guesses_sent_at_once_are_counted_as_they_start(world: OddWorld) -> None:
    """Twelve guesses in parallel: each password check takes tens of milliseconds, so a
    limiter that counted failures only after checking would let them all through."""
    browsers = [stranger(world, "198.51.100.9") for _ in range(12)]
    tokens = [csrf_of(b.get("/login").text) for b in browsers]
    statuses: list[int] = []
    start = threading.Barrier(len(browsers))

    def guess(n: int) -> None:
        start.wait()
        response = browsers[n].post("/login", data={"name": NAME, "password": f"guess {n}",
                                                    "csrf_token": tokens[n]})  # fmt: skip
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [401] * LOGIN_FAILURES + [429] * (len(browsers) - LOGIN_FAILURES)
