"""The people page's filters (network, stage, circle) and its merge suggestions, whose
form merges as ``goodwill merge`` does."""

from __future__ import annotations

import html
import json
import re

from sqlalchemy import select
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.ledger import open_ledger
from goodwill.ledger.people import current_person
from goodwill.ledger.queries import person_identities, person_merge_history
from goodwill.ledger.resolution import suggest_merges
from goodwill.ledger.schema import identities
from goodwill.web import create_app
from goodwill.web.models import PeopleOut
from tests.web.conftest import AT, TestClient, Twin, csrf_of, sign_in

runner = CliRunner()
_ROW = re.compile(r'<tr data-person="(\d+)">')


def rows(page: str) -> list[int]:
    return [int(p) for p in _ROW.findall(page)]


def test_the_network_filter_keeps_people_with_an_account_there(
    signed_in: TestClient, web_store: str
) -> None:
    page = signed_in.get("/people", params={"at": AT, "network": "mastodon"})
    found = rows(page.text)
    with open_ledger(web_store) as ledger, ledger.read() as conn:
        on_mastodon = set(
            conn.execute(
                select(identities.c.person_id).where(identities.c.network == "mastodon")
            ).scalars()
        )
    assert 10 < len(found) <= 50 and set(found) == on_mastodon
    everyone = rows(signed_in.get("/people", params={"at": AT}).text)
    assert found != everyone  # the filter changed the list
    assert '<option value="mastodon" selected>' in page.text
    assert "on mastodon, most active first" in page.text
    searched = rows(signed_in.get("/people", params={"at": AT, "network": "email", "q": "an"}).text)
    anyone = signed_in.get("/api/people", params={"q": "an", "limit": 1000}).json()["people"]
    assert searched and set(searched) < {p["id"] for p in anyone}
    with open_ledger(web_store) as ledger, ledger.read() as conn:
        for person in searched:
            assert "email" in {i.network for i in person_identities(conn, person)}


def test_stage_and_circle_filters_keep_the_owners_relationships_there(
    signed_in: TestClient,
) -> None:
    for params in ({"stage": "cooling"}, {"circle": "referral"},
                   {"stage": "maintaining", "circle": "friend", "network": "email"}):  # fmt: skip
        api = signed_in.get("/api/relationships", params={"at": AT, "top": 10_000, **params})
        wanted = {r["person"] for r in api.json()["relationships"]}
        page = signed_in.get("/people", params={"at": AT, "limit": 1000, **params})
        assert page.status_code == 200
        shown = set(rows(page.text))
        assert shown and shown <= wanted and (len(shown) == 50 or shown == wanted)
        listed = PeopleOut.model_validate(
            signed_in.get("/api/people", params={"at": AT, "limit": 1000, **params}).json()
        )
        assert {p.id for p in listed.people} == wanted
        for p in listed.people:
            assert p.stage == params.get("stage", p.stage) and p.stage is not None
            assert p.circle is not None or "circle" not in params
        if "stage" in params:
            assert f'<span class="tag tag-{params["stage"]}">' in page.text
    nothing = signed_in.get("/people", params={"at": AT, "stage": "dating"})
    assert nothing.status_code == 400 and "stage must be one of" in nothing.text
    blank = signed_in.get("/people", params={"at": AT, "stage": "", "circle": "", "network": ""})
    assert blank.status_code == 200 and len(rows(blank.text)) == 50


def test_merge_suggestions_are_the_ledgers_and_the_form_merges(twin_store: Twin) -> None:
    twin = twin_store
    with TestClient(create_app(twin.url), base_url="http://127.0.0.1") as client:
        sign_in(client)
        page = client.get("/people", params={"at": AT})
        assert f'data-pair="{twin.person}-{twin.twin}"' in page.text
        assert "same email" in page.text and twin.email in html.unescape(page.text)
        expected = json.loads(runner.invoke(app, ["--db", twin.url, "merge", "--suggest",
                                                  "--json"]).stdout)  # fmt: skip
        assert [(s["person"], s["other"]) for s in expected] == [(twin.person, twin.twin)]

        form = {"person": str(twin.person), "other": str(twin.twin), "at": AT,
                "reason": "accepted a suggestion: same email (0.90)"}  # fmt: skip
        for token in ({}, {"csrf_token": "forged"}):
            refused = client.post("/people/merge", data={**form, **token})
            assert refused.status_code == 403
        with open_ledger(twin.url) as ledger, ledger.read() as conn:
            assert current_person(conn, twin.twin) == twin.twin  # nothing merged

        merged = client.post("/people/merge", data={**form, "csrf_token": csrf_of(page.text)},
                             follow_redirects=False)  # fmt: skip
        assert merged.status_code == 303
        location = merged.headers["location"]
        assert location.startswith("/people?merged=") and f"into={twin.person}" in location
        after = client.get(location)
        merge_id = re.search(r"merged=(\d+)", location).group(1)  # type: ignore[union-attr]
        assert f"goodwill unmerge {merge_id}</code> undoes it" in after.text
        assert f'data-pair="{twin.person}-{twin.twin}"' not in after.text
        assert "No likely merges" in after.text
        with open_ledger(twin.url) as ledger, ledger.read() as conn:
            assert current_person(conn, twin.twin) == twin.person
            handles = {f"{i.network}:{i.account}" for i in person_identities(conn, twin.person)}
            assert {"x:@twin_account", twin.email} <= handles
            history = person_merge_history(conn, twin.person)
            assert history[0].reason == form["reason"] and str(history[0].id) == merge_id
            assert suggest_merges(conn) == []
        # the CLI undoes it, and the suggestion is not made again
        undone = runner.invoke(app, ["--db", twin.url, "unmerge", merge_id])
        assert undone.exit_code == 0, undone.output
        again = client.post("/people/merge", data={**form, "csrf_token": csrf_of(page.text)})
        assert again.status_code == 200  # merging by hand still works after an unmerge
        twice = client.post("/people/merge", data={**form, "csrf_token": csrf_of(page.text)})
        assert twice.status_code == 409 and "already one person" in twice.text


def test_no_suggestion_on_the_demo_world(signed_in: TestClient) -> None:
    page = signed_in.get("/people", params={"at": AT}).text
    assert "Possibly the same person" in page and "No likely merges" in page
