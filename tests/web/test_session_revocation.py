"""Sessions end on the server: a copy of a cookie taken before signing out, or before its
user was removed, signs nobody in afterwards; other people's sessions go on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from goodwill.ledger import open_ledger
from goodwill.ledger.schema import settings
from goodwill.web import create_app
from goodwill.web.security import COOKIE
from goodwill.web.users import SESSION_ROW, add_user, remove_user
from tests.web.conftest import NAME, PASSWORD, TestClient, csrf_of, sign_in


def _browser(url: str) -> TestClient:
    return TestClient(create_app(url), base_url="http://127.0.0.1")


def _page_status(client: TestClient) -> int:
    return int(client.get("/people", follow_redirects=False).status_code)


def _open_sessions(url: str) -> int:
    with open_ledger(url) as ledger, ledger.read() as conn:
        keys = conn.execute(select(settings.c.key)).scalars().all()
    return sum(k.startswith(SESSION_ROW) for k in keys)


def test_a_cookie_copied_before_sign_out_is_refused_after_it(empty_store: str) -> None:
    with open_ledger(empty_store) as ledger:
        add_user(ledger, "bob", "bobs password")
    with _browser(empty_store) as ann, _browser(empty_store) as thief, _browser(empty_store) as bob:
        assert sign_in(ann) == 303 and sign_in(bob, "bob", "bobs password") == 303
        assert _open_sessions(empty_store) == 2
        stolen = ann.cookies[COOKIE]
        thief.cookies.set(COOKIE, stolen)
        assert _page_status(thief) == 200  # the copy works while ann is signed in
        token = csrf_of(ann.get("/people").text)
        out = ann.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert out.status_code == 303
        assert _page_status(ann) == 303  # signed out in her browser...
        assert _page_status(thief) == 303  # ...and the copy of her cookie is nobody now
        assert thief.get("/api/people").status_code == 401
        assert _page_status(bob) == 200  # bob's session goes on
        assert _open_sessions(empty_store) == 1
        assert sign_in(ann) == 303 and _page_status(ann) == 200  # she can sign in again


def test_a_removed_users_cookie_never_signs_in_whoever_gets_their_id(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    with open_ledger(url) as ledger:
        add_user(ledger, NAME, PASSWORD)
        first = add_user(ledger, "carl", "carls password")
        with _browser(url) as carl, _browser(url) as ann:
            assert sign_in(carl, "carl", "carls password") == 303
            assert sign_in(ann) == 303
            kept = carl.cookies[COOKIE]
            remove_user(ledger, "carl")
            assert _page_status(carl) == 303
            dana = add_user(ledger, "dana", "danas password")
            assert dana.id == first.id  # SQLite gives the freed id to the next user...
            carl.cookies.set(COOKIE, kept)
            assert _page_status(carl) == 303  # ...but carl's session is gone with him
            assert _page_status(ann) == 200


def test_signing_in_sweeps_sessions_past_their_lifetime(empty_store: str) -> None:
    with open_ledger(empty_store) as ledger, ledger.write() as conn:
        conn.execute(
            settings.insert(),
            [{"key": f"{SESSION_ROW}old", "value": '{"user": 1, "since": 1}'},
             {"key": f"{SESSION_ROW}bad", "value": "not json"}],
        )  # fmt: skip
    with _browser(empty_store) as ann:
        assert sign_in(ann) == 303
    assert _open_sessions(empty_store) == 1  # only the new one


def test_signing_in_again_ends_the_browsers_previous_session(empty_store: str) -> None:
    with _browser(empty_store) as ann, _browser(empty_store) as thief:
        assert sign_in(ann) == 303
        thief.cookies.set(COOKIE, ann.cookies[COOKIE])
        token = csrf_of(ann.get("/people").text)  # signing in again, from the same browser
        again = ann.post("/login", data={"name": NAME, "password": PASSWORD,
                                         "csrf_token": token}, follow_redirects=False)  # fmt: skip
        assert again.status_code == 303
        assert _page_status(ann) == 200
        assert _page_status(thief) == 303
        assert _open_sessions(empty_store) == 1
