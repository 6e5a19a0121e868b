"""Hostile text in every query parameter, and hostile paths to the static files.

Every GET route's every query parameter (read from the app) takes quotes, SQL comments,
LIKE wildcards, backslashes, non-ASCII text, a NUL and bytes that are not UTF-8: each
answer is a page or a 4xx, never a 5xx. The people search, where text reaches SQL's
``LIKE``, must find exactly the people whose name or account holds the text as typed,
checked against the store's rows read in Python: ``%`` is a percent sign, not everyone.
Static paths that climb out of the static folder (``..`` raw, encoded, doubled, with
backslashes) find nothing, sent raw over a socket so no client tidies them first.
"""

from __future__ import annotations

import http.client
import re
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import select

from goodwill.ledger import open_ledger
from goodwill.ledger.schema import identities, people
from goodwill.web import create_app
from goodwill.web.security import SECURITY_HEADERS
from tests.web.app_routes import Endpoint, endpoints, filled
from tests.web.conftest import AT, OddWorld, live_server
from tests.web.odd_world import ODD

ENDPOINTS = endpoints(create_app("sqlite://"))  # the routes only: no store is opened

#: Sent as typed (the client percent-encodes them).
TEXTS = [
    "'",
    "' OR '1'='1",
    "'; DROP TABLE events; --",
    "--",
    "/*",
    "%",
    "_",
    "%_%",
    "\\",
    "\\%",
    "[a-z]",
    "Émile",
    "ZOË",
    "日本",
    "\u202eevil",
    "😀",
]
#: Sent as raw query bytes: a NUL, a NUL inside, a byte that is not UTF-8, an encoded
#: surrogate (not UTF-8 either), and the same percent sign written out.
RAW = ["%00", "a%00b", "%ff", "%ed%a0%80", "%25"]
#: What the swept routes get for a required parameter while another one is swept.
GOOD = {"level": "friend"}
_ROW = re.compile(r'<th scope="row"><a href="/people/(\d+)')


def _people_holding(url: str, text: str) -> set[int]:
    """The people (not merged away) whose name, or an account's name or handle, holds
    ``text`` ignoring case: the search's meaning, computed from the rows in Python."""
    needle = text.casefold()
    with open_ledger(url) as ledger, ledger.read() as conn:
        current = people.c.merged_into.is_(None)
        names = conn.execute(select(people.c.id, people.c.display_name).where(current)).all()
        i = identities.c
        accounts = conn.execute(select(i.person_id, i.network, i.account, i.display_name)).all()
    texts: dict[int, list[str]] = {pid: [name or ""] for pid, name in names}
    for pid, network, account, name in accounts:
        if pid in texts:
            texts[pid] += [account, f"{network}:{account}", name or ""]
    return {pid for pid, found in texts.items() if any(needle in t.casefold() for t in found)}


def _everyone(url: str) -> int:
    with open_ledger(url) as ledger, ledger.read() as conn:
        rows = conn.execute(select(people.c.id).where(people.c.merged_into.is_(None))).all()
    return len(rows)


@pytest.mark.parametrize("text", TEXTS, ids=repr)
def test_the_people_search_takes_every_character_literally(odd_world: OddWorld, text: str) -> None:
    expected = _people_holding(odd_world.url, text)
    assert len(expected) < _everyone(odd_world.url)
    api = odd_world.client.get("/api/people", params={"q": text, "limit": 1000, "at": AT})
    assert api.status_code == 200, api.text
    assert {p["id"] for p in api.json()["people"]} == expected
    page = odd_world.client.get("/people", params={"q": text, "at": AT})
    assert page.status_code == 200
    shown = {int(i) for i in _ROW.findall(page.text)}
    assert shown == expected if len(expected) <= 50 else len(shown) == 50


def test_the_odd_names_are_found_by_what_makes_them_odd(odd_world: OddWorld) -> None:
    """Not vacuous: the characters SQL treats specially find exactly their person."""
    percent, dashes, accents, tables = (odd_world.people[p.handle] for p in ODD)
    for text, person in (("100%", percent), ("' OR", None), ("-- Dash", dashes),
                         ("Émile", accents), ("日本", accents), ("');", tables)):  # fmt: skip
        found = odd_world.client.get("/api/people", params={"q": text, "at": AT}).json()["people"]
        assert [p["id"] for p in found] == ([person] if person else []), text


def _swept() -> list[tuple[Endpoint, str]]:
    return [(e, q) for e in ENDPOINTS if e.method == "GET" for q in e.query_params]


@pytest.mark.parametrize(("endpoint", "param"), _swept(), ids=str)
def test_no_query_parameter_text_makes_the_server_fail(
    odd_world: OddWorld, endpoint: Endpoint, param: str
) -> None:
    values = {"person_id": odd_world.people[ODD[0].handle], "job": odd_world.job}
    path = filled(endpoint, values)
    others = {k: v for k, v in ({"at": AT} | GOOD).items() if k != param}
    others = {k: v for k, v in others.items() if k in endpoint.query_params}
    rest = "".join(f"&{k}={quote(v)}" for k, v in others.items())
    for raw in [quote(t, safe="") for t in TEXTS[:11]] + RAW:
        response = odd_world.client.get(f"{path}?{param}={raw}{rest}", follow_redirects=False)
        assert response.status_code < 500, f"{path}?{param}={raw}: {response.text[:300]}"
        if raw in ("%00", "a%00b"):
            assert response.status_code == 400 and "NUL" in response.text


# -- static files ----------------------------------------------------------------------------

_CLIMBS = [
    "/static/../app.py",
    "/static/../../../../../../etc/passwd",
    "/static/vendor/../../app.py",
    "/static/%2e%2e/app.py",
    "/static/%2e%2e%2fapp.py",
    "/static/..%2fapp.py",
    "/static/.%2e/app.py",
    "/static/%252e%252e/app.py",
    "/static/..%5capp.py",
    "/static/..\\app.py",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/..;/app.py",
    "/static/style.css%00.txt",
    "/static/%c0%ae%c0%ae/app.py",
]


def test_static_paths_never_climb_out_of_the_static_folder(odd_world: OddWorld) -> None:
    with live_server(odd_world.url) as base:
        where = urlsplit(base)
        for path in _CLIMBS:
            connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=60)
            try:
                connection.putrequest("GET", path, skip_accept_encoding=True)  # sent as written
                connection.endheaders()
                response = connection.getresponse()
                body = response.read().decode(errors="replace")
            finally:
                connection.close()
            assert response.status in (400, 404), f"{path}: {response.status}"
            assert "def create_app" not in body and "root:" not in body, path
            if response.status == 404:  # answered by the app, not by the server before it
                for name, value in SECURITY_HEADERS.items():
                    assert response.getheader(name) == value, f"{path}: {name}"
        assert odd_world.client.get("/static/style.css").status_code == 200  # not vacuous
