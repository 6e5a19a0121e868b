"""The web app's defences on every route it has, read from the app itself so that a page
added tomorrow is covered the day it is added: sign-in, CSRF on every form, session expiry,
the login rate limit, security headers on every response (errors and static files too),
cookie flags, redirects that stay on the site, and a server without sign-in that answers
only this machine. Sessions and the login limit: ``test_sign_in_limits.py``.

Everything runs on :func:`odd_world` (the demo world plus people with hostile names, uploaded
through the imports page). SQL injection and static paths: ``test_injection.py``; script
in imported text, in a real browser: ``test_xss_browser.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import pytest
from sqlalchemy import create_engine

from goodwill.ledger import Ledger
from goodwill.web import create_app
from goodwill.web.security import (
    COOKIE,
    LOGIN_FAILURES,
)
from tests.web.app_routes import Endpoint, endpoints, filled, mounts
from tests.web.conftest import AT, NAME, PASSWORD, OddWorld, TestClient, csrf_of, sign_in
from tests.web.odd_world import HOSTILE, ODD
from tests.web.security_clients import (
    HOST,
    app_of,
    attempt_sign_in,
    path_values,
    signed_in_elsewhere,
    stranger,
    watched,
    watching,
)


@pytest.fixture
def world(odd_world: OddWorld) -> Iterator[OddWorld]:
    """:func:`odd_world`, every response to its client checked for the security headers."""
    yield from watching(odd_world)


ENDPOINTS = endpoints(create_app("sqlite://"))  # the routes only: no store is opened
#: What a stranger may reach: signing in and out, and the API's schema (no one's data).
OPEN = frozenset({"GET /login", "POST /login", "POST /logout", "GET /openapi.json"})
#: Mounts serve files without routes; the static files are the only one, and public.
OPEN_MOUNTS = ("/static",)


# -- which routes are open ---------------------------------------------------------------


def test_every_route_is_found_and_the_open_ones_are_few() -> None:
    found = {str(e) for e in ENDPOINTS}
    assert {"GET /", "GET /people/{person_id}", "GET /api/people", "POST /agenda/{note}"} <= found
    assert found >= OPEN, "an open route is gone: take it off the allow-list"
    assert len(OPEN) + len(OPEN_MOUNTS) <= 5
    assert tuple(mounts(create_app("sqlite://"))) == OPEN_MOUNTS, "a new mount: review it"


def test_the_open_schema_names_nobody(world: OddWorld) -> None:
    schema = stranger(world).get("/openapi.json")
    assert schema.status_code == 200
    for person in ODD + HOSTILE:
        assert person.name not in schema.text and person.handle not in schema.text


_CLOSED = [e for e in ENDPOINTS if str(e) not in OPEN]


@pytest.mark.parametrize("endpoint", _CLOSED, ids=str)
def test_strangers_are_sent_to_sign_in(world: OddWorld, endpoint: Endpoint) -> None:
    url = filled(endpoint, path_values(world))
    browser = stranger(world)
    if endpoint.unsafe:  # with a valid token, so that sign-in, not CSRF, is what refuses
        token = csrf_of(browser.get("/login").text)
        response = browser.request(endpoint.method, url, data={"csrf_token": token},
                                   follow_redirects=False)  # fmt: skip
    else:
        response = browser.get(url, follow_redirects=False)
    if endpoint.api:
        assert response.status_code == 401, response.text
        assert "sign in" in response.json()["detail"]
    else:
        assert response.status_code == 303, response.text
        assert response.headers["location"] == f"/login?next={quote(url, safe='')}"
    # signed in, the same request is answered (whatever it says): the check is not vacuous
    if endpoint.unsafe:
        token = csrf_of(world.client.get("/people", params={"at": AT}).text)
        answer = world.client.request(endpoint.method, url, data={"csrf_token": token},
                                      follow_redirects=False)  # fmt: skip
    else:
        answer = world.client.get(url, params={"at": AT}, follow_redirects=False)
    assert answer.status_code != 401
    assert not answer.headers.get("location", "").startswith("/login")


# -- CSRF --------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.unsafe], ids=str)
def test_every_form_refuses_a_missing_or_foreign_token(world: OddWorld, endpoint: Endpoint) -> None:
    url = filled(endpoint, path_values(world))
    mine = signed_in_elsewhere(world)
    own = csrf_of(mine.get("/people", params={"at": AT}).text)
    foreign = csrf_of(
        signed_in_elsewhere(world).get("/people", params={"at": AT}).text
    )  # another user session
    anonymous = csrf_of(stranger(world).get("/login").text)  # a stranger's session
    refused: list[dict[str, Any]] = [
        {"data": {}},
        {"data": {"csrf_token": ""}},
        {"data": {"csrf_token": foreign}},
        {"data": {"csrf_token": anonymous}},
        {"data": {"csrf_token": own[:-1]}},
        {"data": {"csrf_token": own}, "headers": {"X-CSRF-Token": foreign}},  # header wins
        {"headers": {"X-CSRF-Token": anonymous}},
        {"json": {"csrf_token": own}},  # only forms carry it: JSON is no way around
    ]
    for request in refused:
        response = mine.request(endpoint.method, url, follow_redirects=False, **request)
        assert response.status_code == 403, f"{endpoint} with {request}: {response.status_code}"
        assert "security token" in response.text
    answered = mine.request(endpoint.method, url, data={"csrf_token": own}, follow_redirects=False)
    assert answered.status_code != 403  # the session's own token passes (the body may not)
    own = csrf_of(mine.get("/people", params={"at": AT}).text)  # anew: that may have signed out
    with_header = mine.request(endpoint.method, url, headers={"X-CSRF-Token": own},
                               follow_redirects=False)  # fmt: skip
    assert with_header.status_code != 403


# -- headers on every response -------------------------------------------------------------


def test_every_response_carries_the_security_headers(
    world: OddWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hook of :func:`watched` checks each response; this asks for every kind."""
    seen: set[int] = set()
    client, values = world.client, path_values(world)
    for endpoint in (e for e in ENDPOINTS if e.method == "GET"):
        seen.add(client.get(filled(endpoint, values), params={"at": AT}).status_code)
        seen.add(stranger(world).get(filled(endpoint, values), follow_redirects=False).status_code)
    for path in ("/static/style.css", "/static/vendor/htmx.min.js", "/static/nothing.css",
                 "/nowhere", "/people/999999999", "/api/people/999999999"):  # fmt: skip
        seen.add(client.get(path, params={"at": AT}).status_code)
    seen.add(client.head("/login", follow_redirects=False).status_code)
    seen.add(client.get("/people", params={"at": "yesterday-ish"}).status_code)  # 400
    seen.add(client.get("/api/agenda", params={"top": 0}).status_code)  # 422
    seen.add(client.delete("/people").status_code)  # 405
    seen.add(client.post("/agenda/done", data={"key": "x"}).status_code)  # 403
    monkeypatch.setattr(app_of(world).state, "upload_limit_bytes", 100, raising=False)
    token = csrf_of(client.get("/imports").text)
    too_big = client.post(
        "/imports", data={"csrf_token": token}, files={"file": ("a.csv", b"x" * 500)}
    )
    seen.add(too_big.status_code)  # 413
    attacker = stranger(world, "198.51.100.10")
    for n in range(LOGIN_FAILURES + 1):
        seen.add(attempt_sign_in(attacker, f"guess {n}").status_code)  # 401, then 429
    assert {200, 303, 400, 401, 403, 404, 405, 413, 422, 429} <= seen


def test_even_a_servers_own_failure_carries_the_headers(odd_world: OddWorld) -> None:
    app = create_app(odd_world.url)

    @app.get("/api/fails")
    @app.get("/fails")
    def fails() -> None:
        raise RuntimeError("a bug, with a secret in its message: s3cr3t")

    with TestClient(app, base_url=f"http://{HOST}", raise_server_exceptions=False) as client:
        for path in ("/fails", "/api/fails"):
            response = watched(client).get(path)
            assert response.status_code == 500 and "s3cr3t" not in response.text


def test_a_server_out_of_connections_is_busy_not_broken(odd_world: OddWorld) -> None:
    """Every pooled connection held by slow requests: the next one waits its time, then
    is told to come back (503 and Retry-After), with the headers."""
    app = create_app(odd_world.url)
    with TestClient(app, base_url=f"http://{HOST}") as client:
        assert sign_in(client) == 303
        app.state.ledger.close()
        one = create_engine(odd_world.url, pool_size=1, max_overflow=0, pool_timeout=0.2)
        app.state.ledger = Ledger(one)
        with app.state.ledger.read():  # the only connection, held
            for path in ("/people", "/api/people"):
                busy = watched(client).get(path, params={"at": AT})
                assert busy.status_code == 503 and "connection" in busy.text
                assert int(busy.headers["retry-after"]) > 0
        assert client.get("/api/people", params={"at": AT}).status_code == 200


# -- cookies -------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_cookie_is_httponly_lax_and_secure_over_https(
    odd_world: OddWorld, scheme: str
) -> None:
    with TestClient(create_app(odd_world.url), base_url=f"{scheme}://goodwill.example") as client:
        cookies = [client.get("/static/style.css").headers.get("set-cookie")]
        client.cookies.clear()  # a stranger again: the 401 sends a cookie too
        cookies.append(client.get("/api/people").headers.get("set-cookie"))
        token = csrf_of(client.get("/login").text)
        form = {"name": NAME, "password": PASSWORD, "csrf_token": token}
        signing_in = client.post("/login", data=form, follow_redirects=False)
        cookies.append(signing_in.headers.get("set-cookie"))
        assert "set-cookie" not in client.get("/people", params={"at": AT}).headers  # unchanged
        token = csrf_of(client.get("/people", params={"at": AT}).text)
        out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        cookies.append(out.headers.get("set-cookie"))
    for cookie in cookies:
        assert cookie and cookie.startswith(f"{COOKIE}=")
        flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite", "path", "max-age"} <= flags and "domain" not in flags
        assert "SameSite=lax" in cookie and "Path=/" in cookie
        assert ("secure" in flags) == (scheme == "https"), cookie


# -- redirects -----------------------------------------------------------------------------

_OFF_SITE = [
    "//evil.example/",
    "///evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/.//evil.example",
    "/\r\nLocation: https://evil.example",
]


def _lands_on_site(location: str) -> bool:
    """Where a browser would go from ``location`` is this site: read as WHATWG's URL parser
    reads it (outer spaces and controls dropped, tabs and newlines removed, backslashes as
    slashes), then resolved against the page."""
    cleaned = location.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r ")
    cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    target = urlsplit(urljoin(f"http://{HOST}/login", cleaned))
    return target.scheme == "http" and target.netloc == HOST


@pytest.mark.parametrize("target", _OFF_SITE, ids=repr)
def test_signing_in_never_sends_anyone_off_site(world: OddWorld, target: str) -> None:
    browser = stranger(world)
    form = browser.get("/login", params={"next": target})
    assert form.status_code == 200
    token = csrf_of(form.text)
    fields = {"name": NAME, "password": PASSWORD, "next": target, "csrf_token": token}
    signing_in = browser.post("/login", data=fields, follow_redirects=False)
    assert signing_in.status_code == 303
    assert _lands_on_site(signing_in.headers["location"]), signing_in.headers["location"]
    again = browser.get("/login", params={"next": target}, follow_redirects=False)
    assert again.status_code == 303  # signed in already: straight on, still on the site
    assert _lands_on_site(again.headers["location"]), again.headers["location"]


def test_the_redirect_check_is_not_vacuous() -> None:
    assert not _lands_on_site("//evil.example/")
    assert not _lands_on_site("/\t/evil.example")
    assert _lands_on_site("/people?q=a")


# -- without sign-in ---------------------------------------------------------------------


@pytest.mark.parametrize("host", ["rebound.evil.example", "127.0.0.1.evil.example", "10.0.0.5"])
def test_without_sign_in_only_requests_to_this_machine_are_answered(
    odd_world: OddWorld, host: str
) -> None:
    """Against DNS rebinding: a page from ``host`` that made its name resolve to 127.0.0.1
    reaches the server, but its requests name ``host``."""
    app = create_app(odd_world.url, auth=False)
    with TestClient(app, base_url=f"http://{host}:8000") as elsewhere:
        for path in ("/people", "/api/people", "/static/style.css"):
            refused = watched(elsewhere).get(path, params={"at": AT})
            assert refused.status_code == 421 and "addressed to this machine" in refused.text
    for here in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000"):
        with TestClient(app, base_url=f"http://{here}") as local:
            assert local.get("/api/people", params={"at": AT}).status_code == 200
