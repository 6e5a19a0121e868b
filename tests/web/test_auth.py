"""Sign-in, sessions, CSRF, the login rate limit and the security headers."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from goodwill.ledger import open_ledger
from goodwill.web import create_app
from goodwill.web.security import COOKIE, LOGIN_FAILURES, SESSION_SECONDS
from goodwill.web.users import add_user, remove_user
from tests.web.conftest import AT, NAME, PASSWORD, TestClient, csrf_of, sign_in

PAGES = ["/", f"/?at={AT}", "/people", "/people?q=a", "/people/1"]
API = ["/api/agenda", "/api/people", "/api/people/1", "/api/relationships", "/api/dashboard"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_strangers_to_the_login_form(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=%2F")


@pytest.mark.parametrize("path", API)
def test_the_api_answers_strangers_401(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert "sign in" in response.json()["detail"]


def test_signing_in_returns_to_the_page_asked_for(client: TestClient) -> None:
    first = client.get("/people?q=a", follow_redirects=False).headers["location"]
    form = client.get(first)
    response = client.post(
        "/login",
        data={"name": NAME, "password": PASSWORD, "csrf_token": csrf_of(form.text),
              "next": "/people?q=a"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/people?q=a"
    assert client.get("/people?q=a").status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_login_never_redirects_off_site(client: TestClient, target: str) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"name": NAME, "password": PASSWORD, "csrf_token": token, "next": target},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_a_wrong_password_or_name_does_not_sign_in(client: TestClient) -> None:
    assert sign_in(client, password="wrong password") == 401
    assert sign_in(client, name="nobody") == 401
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_session_cookie_is_httponly_lax_and_carries_no_password(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"name": NAME, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert f"Max-Age={SESSION_SECONDS}" in cookie
    assert "Secure" not in cookie  # plain http on loopback; over https it is set
    assert PASSWORD not in cookie


def test_the_cookie_is_secure_over_https(web_store: str) -> None:
    with TestClient(create_app(web_store), base_url="https://goodwill.example") as https:
        assert "Secure" in https.get("/login").headers["set-cookie"]


def test_logging_in_changes_the_csrf_token(client: TestClient) -> None:
    before = csrf_of(client.get("/login").text)
    assert sign_in(client) == 303
    assert csrf_of(client.get("/people").text) != before


def test_logout_needs_the_token_and_ends_the_session(signed_in: TestClient) -> None:
    assert signed_in.post("/logout", follow_redirects=False).status_code == 403
    token = csrf_of(signed_in.get("/people").text)
    response = signed_in.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert signed_in.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/agenda/done", {"key": "reply:1"}),
        ("/agenda/dismiss", {"key": "reply:1", "csrf_token": "forged"}),
        ("/logout", {}),
    ],
)
def test_a_post_without_the_right_token_is_403(
    signed_in: TestClient, path: str, data: dict[str, str]
) -> None:
    response = signed_in.post(path, data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "security token" in response.text


def test_login_itself_needs_the_token(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"name": NAME, "password": PASSWORD})
    assert response.status_code == 403


def test_a_token_from_another_session_is_refused(signed_in: TestClient, web_store: str) -> None:
    with TestClient(create_app(web_store), base_url="http://127.0.0.1") as other:
        foreign = csrf_of(other.get("/login").text)
    response = signed_in.post("/logout", data={"csrf_token": foreign}, follow_redirects=False)
    assert response.status_code == 403


def test_failed_logins_are_limited_per_name_and_address(client: TestClient) -> None:
    for _ in range(LOGIN_FAILURES):
        assert sign_in(client, password="not the password") == 401
    blocked = client.post(
        "/login",
        data={"name": NAME, "password": PASSWORD, "csrf_token": csrf_of(client.get("/login").text)},
    )
    assert blocked.status_code == 429  # even the right password waits
    assert int(blocked.headers["retry-after"]) > 0
    assert "too many failed sign-ins" in blocked.text
    assert sign_in(client, name="someone-else", password="x" * 9) == 401  # another name: not yet


def test_an_expired_session_signs_out(web_store: str) -> None:
    secret = b"s" * 32
    app = create_app(web_store, secret=secret)

    class Yesterday(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - SESSION_SECONDS - 60

    old = URLSafeTimedSerializer(secret, salt="goodwill-session", signer=Yesterday)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert sign_in(client) == 303
        assert client.get("/", follow_redirects=False).status_code == 200
        fresh = URLSafeTimedSerializer(secret, salt="goodwill-session")
        kept = fresh.loads(client.cookies[COOKIE])["s"]  # the session the store keeps open
        client.cookies.set(COOKIE, old.dumps({"c": "t", "i": 1, "u": NAME, "s": kept}))
        assert client.get("/people", follow_redirects=False).status_code == 303
        client.cookies.set(COOKIE, fresh.dumps({"c": "t", "i": 1, "u": NAME, "s": kept}))
        assert client.get("/people", follow_redirects=False).status_code == 200


def test_a_forged_cookie_is_nobody(client: TestClient) -> None:
    forged = URLSafeTimedSerializer(b"guessed", salt="goodwill-session")
    client.cookies.set(COOKIE, forged.dumps({"c": "t", "i": 1, "u": NAME}))
    assert client.get("/people", follow_redirects=False).status_code == 303


def test_a_removed_user_is_signed_out(demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = demo.copy(tmp_path)
    with open_ledger(url) as ledger:
        add_user(ledger, "bob", "bobs password")
        with TestClient(create_app(url), base_url="http://127.0.0.1") as client:
            assert sign_in(client, "bob", "bobs password") == 303
            assert client.get("/people").status_code == 200
            remove_user(ledger, "bob")
            assert client.get("/people", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "path", ["/login", "/people", "/api/people", "/nowhere", "/static/style.css"]
)
def test_every_response_carries_the_security_headers(signed_in: TestClient, path: str) -> None:
    headers = signed_in.get(path).headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


def test_without_auth_pages_open_but_posts_still_need_the_token(web_store: str) -> None:
    with TestClient(create_app(web_store, auth=False), base_url="http://127.0.0.1") as client:
        page = client.get("/people")
        assert page.status_code == 200 and "Sign out" not in page.text
        assert client.get("/api/people").status_code == 200
        assert client.post("/agenda/done", data={"key": "reply:1"}).status_code == 403
