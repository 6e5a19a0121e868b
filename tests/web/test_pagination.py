"""Pages whose lists grow with the store are cut into bounded pages with links: every list
of the circles page pages on its own and, walked to the end, is exactly what ``goodwill
circles`` lists; the API's circles take ``limit`` and ``offset``; the dashboard lists a
bounded number of new advocates and says how many more there are."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.insights.circle_rules import TIERS
from goodwill.web import create_app
from goodwill.web.circles_view import API_MEMBERS_MOST, LISTS, MEMBERS_PER_PAGE
from goodwill.web.models import CirclesOut
from goodwill.web.views import ADVOCATES_SHOWN
from tests.insights.conftest import DemoStore
from tests.web.conftest import AT, TestClient, csrf_of, sign_in, with_user

runner = CliRunner()
_SECTION = re.compile(r'<h2 id="circle-([a-z]+)">')
_MEMBER = re.compile(r'<li class="member" id="person-(\d+)"')
_NEXT = re.compile(r'<a rel="next" href="([^"]+)"')


def _circles_cli(db: str) -> dict[str, list[int]]:
    result = runner.invoke(app, ["--db", db, "circles", "--at", AT, "--json"])
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return {tier: [m["person"] for m in found["circles"][tier]] for tier in TIERS}


def _section(page: str, name: str) -> str:
    parts = _SECTION.split(page)
    return dict(zip(parts[1::2], parts[2::2], strict=True))[name]


def _walk(client: TestClient, name: str) -> tuple[list[int], int]:
    """Every member of list ``name``, following its "Next" links from the first page; and
    how many pages that took."""
    url, members, pages = f"/circles?at={AT}&list={name}", [], 0
    while url:
        answer = client.get(url)
        assert answer.status_code == 200
        section = _section(answer.text, name)
        shown = [int(p) for p in _MEMBER.findall(section)]
        assert 0 < len(shown) <= MEMBERS_PER_PAGE
        members += shown
        pages += 1
        found = _NEXT.search(section)
        url = html.unescape(found.group(1)).split("#")[0] if found else ""
        assert not url or f"list={name}" in url
    return members, pages


def test_each_circle_pages_on_its_own_and_adds_up_to_the_cli(
    signed_in: TestClient, web_store: str
) -> None:
    expected = _circles_cli(web_store)
    whole = CirclesOut.model_validate(
        signed_in.get("/api/circles", params={"at": AT, "limit": API_MEMBERS_MOST}).json()
    )
    lists = {c.name: [m.person for m in c.members] for c in whole.circles}
    lists["outside"] = [m.person for m in whole.outside]
    for tier in TIERS:
        assert lists[tier] == expected[tier]
    longest = max(LISTS, key=lambda name: len(lists[name]))
    assert len(lists[longest]) > MEMBERS_PER_PAGE, "the demo world should need a second page"
    for name in LISTS:
        if lists[name]:
            members, pages = _walk(signed_in, name)
            assert members == lists[name], name
            assert pages == -(-len(lists[name]) // MEMBERS_PER_PAGE)
    # a second page of one list leaves the others on their first
    second = signed_in.get("/circles", params={"at": AT, "list": longest, "page": 2}).text
    for name in LISTS:
        if name != longest and lists[name]:
            first = lists[name][:MEMBERS_PER_PAGE]
            assert [int(p) for p in _MEMBER.findall(_section(second, name))] == first


def test_an_unknown_list_is_a_400_naming_the_lists(signed_in: TestClient) -> None:
    answer = signed_in.get("/circles", params={"at": AT, "list": "enemies"})
    assert answer.status_code == 400
    assert all(name in html.unescape(answer.text) for name in LISTS)


def test_the_api_gives_windows_of_every_list_with_their_totals(signed_in: TestClient) -> None:
    def window(limit: int, offset: int) -> CirclesOut:
        answer = signed_in.get("/api/circles", params={"at": AT, "limit": limit, "offset": offset})
        assert answer.status_code == 200
        return CirclesOut.model_validate(answer.json())

    whole = window(API_MEMBERS_MOST, 0)
    part = window(3, 2)
    for full, cut in zip(whole.circles, part.circles, strict=True):
        assert cut.total == full.total == len(full.members) and cut.offset == 2
        assert cut.members == full.members[2:5]
    assert part.outside == whole.outside[2:5] and part.outside_total == len(whole.outside)
    too_many = {"at": AT, "limit": API_MEMBERS_MOST + 1}
    assert signed_in.get("/api/circles", params=too_many).status_code == 422


def test_the_dashboard_lists_a_few_new_advocates_and_counts_the_rest(
    signed_in: TestClient,
) -> None:
    found = signed_in.get("/api/dashboard", params={"at": AT}).json()
    assert len(found["advocates"]) <= ADVOCATES_SHOWN
    assert found["more_advocates"] >= 0
    page = signed_in.get("/", params={"at": AT}).text
    if found["more_advocates"]:
        assert f"And {found['more_advocates']:,} more" in page


def test_after_a_pin_the_page_shows_the_pinned_person_wherever_they_are(
    demo: DemoStore, tmp_path: Path
) -> None:
    url = with_user(tmp_path, demo)
    with TestClient(create_app(url), base_url="http://127.0.0.1") as client:
        assert sign_in(client) == 303
        whole = CirclesOut.model_validate(
            client.get("/api/circles", params={"at": AT, "limit": API_MEMBERS_MOST}).json()
        )
        assert len(whole.outside) > MEMBERS_PER_PAGE + 1
        far = whole.outside[MEMBERS_PER_PAGE + 1].person  # on the second page
        page = client.get("/circles", params={"at": AT})
        assert far not in [int(p) for p in _MEMBER.findall(_section(page.text, "outside"))]
        form = {"person": str(far), "level": "none", "at": AT, "csrf_token": csrf_of(page.text)}
        after = client.post("/circles/pin", data=form)  # the redirect, followed
        assert after.status_code == 200
        assert far in [int(p) for p in _MEMBER.findall(_section(after.text, "outside"))]
        assert "is pinned out of every circle" in html.unescape(after.text)
