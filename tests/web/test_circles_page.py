"""The circles page and /api/circles on the demo world: the circles the CLI shows with the
same reasons, the share check, exports byte for byte, pins and unpins as notes."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.insights.circle_pins import latest_pins
from goodwill.insights.circle_rules import TIERS
from goodwill.ledger import open_ledger
from goodwill.trust.report import parse_moment
from goodwill.web import create_app
from goodwill.web.circles_view import MEMBERS_PER_PAGE
from goodwill.web.models import CirclesOut
from tests.insights.conftest import DemoStore
from tests.web.conftest import AT, TestClient, csrf_of, sign_in, with_user

runner = CliRunner()
_SECTION = re.compile(r'<h2 id="circle-([a-z]+)">')
_MEMBER = re.compile(r'<li class="member" id="person-(\d+)"')


def cli(db: str, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == code, result.output
    return result.stdout


def sections(page: str) -> dict[str, list[int]]:
    """Each circle's section on the page, in page order, with its members in order."""
    found: dict[str, list[int]] = {}
    parts = _SECTION.split(page)
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        found[name] = [int(p) for p in _MEMBER.findall(body)]
    return found


def circles_json(db: str, *more: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(cli(db, "circles", "--at", AT, "--json", *more))
    return found


def test_the_page_shows_the_circles_the_cli_shows_with_the_same_reasons(
    signed_in: TestClient, web_store: str
) -> None:
    page = signed_in.get("/circles", params={"at": AT})
    assert page.status_code == 200
    expected = circles_json(web_store)["circles"]
    shown = sections(page.text)
    assert list(shown) == [*TIERS[::-1], "outside"]  # narrowest first, then everyone else
    text = html.unescape(page.text)
    for tier in TIERS:  # the first page of each (tests/web/test_pagination.py: the rest)
        first = expected[tier][:MEMBERS_PER_PAGE]
        assert shown[tier] == [m["person"] for m in first]
        assert all(f"Why: {m['why']}" in text for m in first)
    assert len(shown["referral"]) > 5 and len(shown["outside"]) > 5
    assert not set(shown["outside"]) & {p for t in TIERS for p in shown[t]}
    assert "short of acquaintance" in text or "leans to distrust" in text  # why they are out
    assert "events behind this" in text  # each member's evidence
    assert text.count('name="csrf_token"') >= sum(len(v) for v in shown.values())  # pin forms


def test_the_api_gives_the_same_circles(signed_in: TestClient, web_store: str) -> None:
    answer = signed_in.get("/api/circles", params={"at": AT, "level": "endorsed"})
    assert answer.status_code == 200
    found = CirclesOut.model_validate(answer.json())
    expected = circles_json(web_store, "--level", "endorsed")["circles"]
    assert [c.name for c in found.circles] == ["referral", "endorsed"]
    for circle in found.circles:
        assert [(m.person, m.why) for m in circle.members] == [
            (m["person"], m["why"]) for m in expected[circle.name]
        ]
        assert circle.thresholds.startswith("trust ≥") and circle.reason
    assert all(m.tier is None for m in found.outside)
    assert signed_in.get("/api/circles", params={"level": "inner"}).status_code == 400
    schema = signed_in.get("/openapi.json").json()["paths"]["/api/circles"]["get"]
    assert schema["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CirclesOut"
    )


def test_may_i_share_answers_as_may_share_does(signed_in: TestClient, web_store: str) -> None:
    placed = circles_json(web_store)["circles"]
    member = placed["referral"][0]["person"]
    acquaintance = placed["acquaintance"][0]["person"]
    for person, level, allowed in ((member, "referral", True), (acquaintance, "friend", False),
                                   (acquaintance, "acquaintance", True)):  # fmt: skip
        said = json.loads(cli(web_store, "may-share", str(person), level, "--at", AT, "--json",
                              code=0 if allowed else 1))  # fmt: skip
        page = signed_in.get("/circles", params={"at": AT, "person": person, "level": level})
        verdict = re.search(r'id="share-verdict"><strong>(Yes|No):</strong> ([^<]*)</p>',
                            page.text)  # fmt: skip
        assert verdict is not None
        assert verdict.group(1) == ("Yes" if allowed else "No")
        assert html.unescape(verdict.group(2)) == said["reason"]
    unknown = signed_in.get("/circles", params={"at": AT, "person": "nobody-at-all zzz"})
    assert unknown.status_code == 404 and "nobody matches" in html.unescape(unknown.text)


def test_exports_download_what_export_circle_writes(
    signed_in: TestClient, web_store: str, tmp_path: Path
) -> None:
    for level, form, name in (("endorsed", "csv", "goodwill-endorsed.csv"),
                              ("friend", "vcard", "goodwill-friend.vcf"),
                              ("referral", "mastodon", "goodwill-referral-mastodon-list.csv")):  # fmt: skip
        written = tmp_path / name
        cli(web_store, "export", "circle", level, "--format", form, "--output", str(written),
            "--at", AT)  # fmt: skip
        download = signed_in.get("/circles/export",
                                 params={"at": AT, "level": level, "format": form})  # fmt: skip
        assert download.status_code == 200
        assert download.content == written.read_bytes() and len(download.content) > 100
        assert download.headers["content-disposition"] == f'attachment; filename="{name}"'
    page = signed_in.get("/circles", params={"at": AT}).text
    assert 'href="/circles/export?level=friend&amp;format=vcard&amp;at=2026-01-01"' in page
    bad = signed_in.get("/circles/export", params={"level": "friend", "format": "pdf"})
    assert bad.status_code == 400 and "format must be one of csv, vcard, mastodon" in bad.text


def test_pin_and_unpin_round_trip_through_the_forms(demo: DemoStore, tmp_path: Path) -> None:
    url = with_user(tmp_path, demo)
    referral = circles_json(url)["circles"]["referral"][0]
    person, name = referral["person"], referral["name"]
    with TestClient(create_app(url), base_url="http://127.0.0.1") as client:
        sign_in(client)
        page = client.get("/circles", params={"at": AT}).text
        token = csrf_of(page)
        pinned = client.post("/circles/pin",
                             data={"person": str(person), "level": "none", "at": AT,
                                   "csrf_token": token}, follow_redirects=False)  # fmt: skip
        assert pinned.status_code == 303
        assert pinned.headers["location"] == (
            f"/circles?pinned={person}%3Anone&at=2026-01-01#person-{person}"
        )
        after = client.get(pinned.headers["location"])
        assert f"{name} is pinned out of every circle." in html.unescape(after.text)
        shown = sections(after.text)
        assert person in shown["outside"] and person not in shown["referral"]
        assert "pinned to none on 2026-01-01 (the evidence alone: referral)" in after.text
        # the note is the CLI's: may-share and circles see it
        said = json.loads(cli(url, "may-share", str(person), "acquaintance", "--at", AT,
                              "--json", code=1))  # fmt: skip
        assert said["allowed"] is False and "pinned to none" in said["reason"]
        with open_ledger(url) as ledger, ledger.read() as conn:
            assert latest_pins(conn, parse_moment(AT))[person].level == "none"

        unpinned = client.post("/circles/pin", data={"person": str(person), "level": "evidence",
                                                     "at": AT, "csrf_token": token})  # fmt: skip
        assert unpinned.status_code == 200  # the redirect, followed
        assert f"{name} is unpinned" in html.unescape(unpinned.text)
        assert person in sections(unpinned.text)["referral"]
        assert cli(url, "may-share", str(person), "referral", "--at", AT).startswith("yes:")

        # the free form takes a name or a handle, like goodwill pin
        outsider = sections(unpinned.text)["outside"][0]
        moved = client.post("/circles/pin", data={"person": str(outsider), "level": "friend",
                                                  "at": AT, "csrf_token": token})  # fmt: skip
        assert outsider in sections(moved.text)["friend"]  # on the page of friends they are on
        assert client.post("/circles/pin", data={"person": str(outsider), "level": "bff",
                                                 "at": AT, "csrf_token": token}).status_code == 400  # fmt: skip
    with open_ledger(url) as ledger, ledger.read() as conn:
        pins = latest_pins(conn, parse_moment(AT))
    assert person not in pins and pins[outsider].level == "friend"


def test_the_pin_form_needs_its_security_token(demo: DemoStore, tmp_path: Path) -> None:
    url = with_user(tmp_path, demo)
    person = circles_json(url)["circles"]["referral"][0]["person"]
    with TestClient(create_app(url), base_url="http://127.0.0.1") as client:
        sign_in(client)
        form = {"person": str(person), "level": "none", "at": AT}
        for token in ({}, {"csrf_token": "not-the-token"}):
            refused = client.post("/circles/pin", data={**form, **token})
            assert refused.status_code == 403 and "security token" in refused.text
    with open_ledger(url) as ledger, ledger.read() as conn:
        assert latest_pins(conn, parse_moment(AT)) == {}
