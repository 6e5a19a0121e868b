"""The relationships page and /api/relationships on the demo world: every column sorts both
ways, the filters give what the CLI gives, pages follow on, htmx gets the table alone."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.events import NOTE_KINDS
from goodwill.insights.circle_rules import TIERS
from goodwill.ledger import open_ledger
from goodwill.ledger.people import require_owner
from goodwill.ledger.queries import person_identities
from goodwill.ledger.schema import events, identities
from goodwill.trust.report import parse_moment
from goodwill.trust.stages import STAGES
from goodwill.web.models import RelationshipsOut
from tests.web.conftest import AT, TestClient

runner = CliRunner()
_ROW = re.compile(r'<tr data-person="(\d+)">')
#: How each column's cell value (its data-value) compares.
PARSE: dict[str, Callable[[str], Any]] = {
    "name": str.casefold,
    "trust": float,
    "trusted": float,
    "stage": STAGES.index,
    "circle": lambda v: TIERS.index(v) if v else -1,
    "last_contact": str,
    "events": int,
    "networks": str,
}


def column(page: str, key: str) -> list[Any]:
    """The values of one column of the table, top to bottom, as they compare."""
    cells = re.findall(rf'class="col-{key}(?: [^"]*)?" data-value="([^"]*)"', page)
    return [PARSE[key](html.unescape(v)) for v in cells]


def _api_value(row: dict[str, Any], key: str) -> str:
    """A row of the API as the page's data-value writes it."""
    value = row[key]
    if key == "networks":
        return ", ".join(value)
    return "" if value is None else str(value)


def people_of(page: str) -> list[int]:
    return [int(p) for p in _ROW.findall(page)]


def api(client: TestClient, **params: Any) -> RelationshipsOut:
    response = client.get("/api/relationships", params={"at": AT, "top": 10_000, **params})
    assert response.status_code == 200, response.text
    return RelationshipsOut.model_validate(response.json())


def cli_json(db: str, *args: str) -> Any:
    result = runner.invoke(app, ["--db", db, *args, "--at", AT, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("key", list(PARSE))
def test_each_column_sorts_the_table_both_ways(signed_in: TestClient, key: str) -> None:
    orders = {}
    for direction in ("asc", "desc"):
        page = signed_in.get("/relationships", params={"at": AT, "sort": key, "dir": direction})
        assert page.status_code == 200
        values = column(page.text, key)
        assert len(values) == 50  # the first page
        assert values == sorted(values, reverse=direction == "desc")
        sort = "descending" if direction == "desc" else "ascending"
        assert f'aria-sort="{sort}" class="col-{key}"' in page.text
        assert page.text.count("aria-sort=") == 1  # one sorted column at a time
        orders[direction] = people_of(page.text)
        # the whole listing, every page, in the same order (the API gives it in one go)
        everyone = api(signed_in, sort=key, dir=direction).relationships
        assert [r.person for r in everyone[:50]] == orders[direction]
        whole = [PARSE[key](_api_value(r.model_dump(), key)) for r in everyone]
        assert whole == sorted(whole, reverse=direction == "desc")
        assert len(set(whole)) > 1  # the column really varies, so the order means something
    assert orders["asc"] != orders["desc"]


def test_by_default_the_most_trusted_come_first_as_in_the_cli(
    signed_in: TestClient, web_store: str
) -> None:
    page = signed_in.get("/relationships", params={"at": AT}).text
    trust = column(page, "trust")
    assert trust == sorted(trust, reverse=True)
    listed = cli_json(web_store, "relationships", "--top", "10000")["relationships"]
    found = api(signed_in)
    assert found.total == len(listed) > 100 and found.sort == "trust" and found.direction == "desc"
    assert [r.person for r in found.relationships] == [r["person"] for r in listed]
    assert people_of(page) == [r["person"] for r in listed[:50]]
    by_events = people_of(signed_in.get("/relationships", params={"at": AT, "sort": "events"}).text)
    assert by_events != people_of(page)  # another column, another order
    # the trust header's link turns the order round; the others sort their own way first
    assert 'href="/relationships?sort=trust&amp;dir=asc&amp;at=2026-01-01"' in page
    assert 'href="/relationships?sort=events&amp;dir=desc&amp;at=2026-01-01"' in page
    assert 'href="/relationships?sort=name&amp;dir=asc&amp;at=2026-01-01"' in page


def test_filters_give_what_the_cli_gives(signed_in: TestClient, web_store: str) -> None:
    for stage in ("maintaining", "cooling", "establishing"):
        listed = cli_json(web_store, "relationships", "--top", "10000", "--stage", stage)
        found = api(signed_in, stage=stage)
        assert {r.person for r in found.relationships} == {
            r["person"] for r in listed["relationships"]
        }
        assert found.total == len(listed["relationships"]) > 0
    everyone = {r.person for r in api(signed_in).relationships}
    placed = cli_json(web_store, "circles", "--evidence", "0")["circles"]
    for level in TIERS:
        inside = {m["person"] for t in TIERS[TIERS.index(level) :] for m in placed[t]}
        found = api(signed_in, circle=level)
        assert {r.person for r in found.relationships} == inside & everyone
        assert all(r.circle is not None and TIERS.index(r.circle) >= TIERS.index(level)
                   for r in found.relationships)  # fmt: skip
    outside = api(signed_in, circle="none").relationships
    assert {r.person for r in outside} == everyone - {m["person"] for t in TIERS for m in placed[t]}
    assert outside and all(r.circle is None for r in outside)


def test_the_network_filter_keeps_people_with_an_account_there(
    signed_in: TestClient, web_store: str
) -> None:
    everyone = api(signed_in)
    assert {"email", "mastodon"} <= set(everyone.networks)
    with open_ledger(web_store) as ledger, ledger.read() as conn:
        networks = {
            r.person: {i.network for i in person_identities(conn, r.person)}
            for r in everyone.relationships
        }
    for network in everyone.networks:
        found = api(signed_in, network=network)
        assert {r.person for r in found.relationships} == {
            p for p, held in networks.items() if network in held
        }
        assert all(sorted(networks[r.person]) == r.networks for r in found.relationships)
    both = api(signed_in, network="mastodon", stage="maintaining", circle="friend")
    assert both.relationships and all(
        "mastodon" in r.networks and r.stage == "maintaining" and r.circle in TIERS[1:]
        for r in both.relationships
    )
    page = signed_in.get("/relationships",
                         params={"at": AT, "network": "mastodon", "stage": "maintaining",
                                 "circle": "friend"}).text  # fmt: skip
    assert people_of(page) == [r.person for r in both.relationships[:50]]
    assert f"{both.total} relationships, stage maintaining, circle friend or narrower" in page
    assert '<option value="mastodon" selected>' in page


def test_the_events_column_counts_what_passed_between_the_two(
    signed_in: TestClient, web_store: str
) -> None:
    rows = api(signed_in, sort="events").relationships
    actor, target = aliased(identities), aliased(identities)
    with open_ledger(web_store) as ledger, ledger.read() as conn:
        owner = require_owner(conn)
        for r in (rows[0], rows[len(rows) // 2], rows[-1]):
            between = or_(
                and_(actor.c.person_id == owner, target.c.person_id == r.person),
                and_(actor.c.person_id == r.person, target.c.person_id == owner),
            )
            counted = conn.execute(
                select(func.count())
                .select_from(events)
                .join(actor, actor.c.id == events.c.actor_id)
                .join(target, target.c.id == events.c.target_id)
                .where(
                    between,
                    events.c.occurred_at <= parse_moment(AT),
                    events.c.kind.not_in(NOTE_KINDS),
                )
            ).scalar_one()
            assert r.events == counted
    assert rows[0].events > rows[-1].events >= 1


def test_pages_follow_on_in_the_same_order(signed_in: TestClient) -> None:
    everyone = api(signed_in, sort="last_contact")
    second = signed_in.get("/relationships", params={"at": AT, "sort": "last_contact", "page": 2})
    assert people_of(second.text) == [r.person for r in everyone.relationships[50:100]]
    pages = -(-everyone.total // 50)
    assert f"Page 2 of {pages}" in second.text
    assert 'rel="prev" href="/relationships?sort=last_contact&amp;dir=desc&amp;at=2026-01-01"' in (
        second.text
    )
    assert "page=3" in second.text and "rows 51\u2013100" in second.text
    beyond = signed_in.get("/relationships", params={"at": AT, "page": pages + 1})
    assert beyond.status_code == 200 and f"there are {pages} pages" in beyond.text
    offset = api(signed_in, sort="last_contact", offset=50, top=50)
    assert offset.total == everyone.total and offset.offset == 50
    assert offset.relationships == everyone.relationships[50:100]


def test_unknown_choices_are_refused_with_the_ones_that_exist(signed_in: TestClient) -> None:
    for params, expected in (
        ({"sort": "shoe size"}, "sort must be one of name, trust"),
        ({"dir": "sideways"}, "dir must be asc or desc"),
        ({"circle": "inner"}, "circle must be one of acquaintance"),
        ({"stage": "dating"}, "stage must be one of establishing"),
    ):
        page = signed_in.get("/relationships", params={"at": AT, **params})
        assert page.status_code == 400 and expected in html.unescape(page.text)
        answer = signed_in.get("/api/relationships", params={"at": AT, **params})
        assert answer.status_code == 400 and expected in answer.json()["detail"]
    assert signed_in.get("/relationships", params={"page": 0}).status_code == 422


def test_htmx_gets_the_table_alone_and_the_address_to_push(signed_in: TestClient) -> None:
    path = "/relationships?at=2026-01-01&sort=events&stage=&circle=friend&network="
    full = signed_in.get(path)
    assert full.text.lstrip().startswith("<!doctype html>")
    # without JavaScript: a plain GET form and plain links, each with its htmx twin
    assert '<form method="get" action="/relationships"' in full.text
    for target in re.findall(r'<a href="(/relationships\?[^"]+)" hx-get="([^"]+)"', full.text):
        assert target[0] == target[1]
    part = signed_in.get(path, headers={"HX-Request": "true"})
    assert part.status_code == 200 and "<html" not in part.text
    assert part.text.startswith('<div id="relationships"')
    assert people_of(part.text) == people_of(full.text)
    assert part.headers["HX-Push-Url"] == (
        "/relationships?circle=friend&sort=events&dir=desc&at=2026-01-01"
    )
    # the filter form's sort comes with the table, so a filter chosen next keeps it
    assert '<input type="hidden" name="sort" value="events" form="relationships-filter">' in (
        part.text
    )
    assert "Vary" in part.headers and "HX-Request" in part.headers["Vary"]
    restore = signed_in.get(
        path, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert restore.text.lstrip().startswith("<!doctype html>")
