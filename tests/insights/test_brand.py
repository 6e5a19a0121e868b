"""The brand report: public complaints and questions to the owner, and how she answered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.insights import load_activity
from goodwill.insights.brand import BrandReport, brand_report
from goodwill.insights.tone import tone_of
from goodwill.ledger import Ledger
from goodwill.ledger.people import identity_person
from tests.insights.conftest import DemoStore
from tests.insights.hand_built import ME, History, at_us, moment, person, store


def _report(ledger: Ledger, until_us: int) -> BrandReport:
    with ledger.read() as conn:
        return brand_report(conn, load_activity(conn, until_us=until_us))


@pytest.mark.parametrize(
    ("text", "tone"),
    [
        ("@shop my order arrived broken and nobody answers. Want a refund.", "complaint"),
        ("@shop any idea when the spring course opens", "question"),
        ("@shop can you send me the invoice again", "question"),
        ("@shop Still waiting on that report?", "complaint"),
        ("Will do, thanks!", None),
        ("Loved the talk, see https://example.org/recap?id=3", None),
        ("What a great workshop", None),
    ],
)
def test_text_signals_tell_complaints_and_questions(text: str, tone: str | None) -> None:
    assert tone_of(text) == tone


@pytest.mark.parametrize("world_name", ["demo", "other_world"])
def test_open_complaints_are_the_customers_nobody_answered(
    world_name: str, request: pytest.FixtureRequest
) -> None:
    world: DemoStore = request.getfixturevalue(world_name)
    report = _report(world.ledger, world.at_us)
    with world.ledger.read() as conn:
        role = {
            identity_person(conn, h): p["role"]
            for p in world.truth["people"]
            for h in p["identities"]
        }
    assert {role[p] for p in report.open_complaints} == {"customer-complaint-unanswered"}
    unanswered = {p["person"] for p in world.truth["people"]
                  if p["role"] == "customer-complaint-unanswered"}  # fmt: skip
    assert len(report.open_complaints) == len(unanswered)
    complaints = [i for i in report.items if i.tone == "complaint"]
    for item in complaints:
        if role[item.person] == "customer-complaint-resolved":
            # she apologised in the thread within hours
            assert item.answered_by == "reply" and 0 < (item.response_hours or 0) < 24
        else:
            assert not item.answered and item.follow_ups == 1 and len(item.evidence) == 2
    # pitches and blasts carry links from strangers: offers, not questions to answer
    assert not {role[i.person] for i in report.items} & {"pitcher", "blaster", "ring"}
    questions = [i for i in report.items if i.tone == "question"]
    assert len(questions) > 10 and 0.2 < report.overall.unanswered_share < 0.8
    assert sum(s.items for s in report.by_network) == report.overall.items
    assert sum(s.items for s in report.by_month) == report.overall.items
    assert report.overall.median_hours is not None
    assert report.overall.median_hours <= (report.overall.p90_hours or 0)


def test_answers_follow_ups_and_adverts_in_a_small_history(tmp_path: Path) -> None:
    h = History()
    asker, angry, emailed, seller = (
        f"mastodon:@{n}@b.example" for n in ("asker", "angry", "emailed", "seller")
    )
    question = h.add("mention", asker, ME, moment(1), text="@me is the course running in May?")
    h.add("reply", ME, asker, moment(1, 6), text="Yes, from the 12th.", answers=question)
    complaint = h.add("mention", angry, ME, moment(2), text="@me the kit arrived broken.")
    h.add("mention", angry, ME, moment(5), text="@me hello??", answers=complaint)
    h.add("reply", ME, angry, moment(6), text="So sorry, replacing it today.")
    h.add("mention", emailed, ME, moment(3), text="@me can you resend the invoice")
    h.add("email", "email:me@a.example", "email:emailed@b.example", moment(3, 5), text="Here.")
    h.add("mention", seller, ME, moment(4), text="@me want 10x leads? https://leads.example/x")
    h.add("mention", "bluesky:@late.b.example", "bluesky:@me.a.example", moment(8),
          text="@me.a.example does anyone know if the shop is open?")  # fmt: skip
    mine = (ME, "email:me@a.example", "bluesky:@me.a.example")
    same = ("mastodon:@emailed@b.example", "email:emailed@b.example")
    with store(tmp_path, h, owner=mine, same=same) as ledger:
        report = _report(ledger, at_us(30))
        early = _report(ledger, at_us(1.1))
        ids = {n: person(ledger, f"mastodon:@{n}@b.example") for n in ("asker", "angry")}
    items = {i.handle: i for i in report.items}
    assert set(items) == {asker, angry, "mastodon:@emailed@b.example", "bluesky:@late.b.example"}
    assert items[asker].answered_by == "reply" and items[asker].response_hours == 6.0
    # the follow-up belongs to the complaint; her later reply is found by its author
    assert items[angry].tone == "complaint" and items[angry].follow_ups == 1
    assert items[angry].answered_by == "contact" and items[angry].response_hours == 96.0
    assert items["mastodon:@emailed@b.example"].answered_by == "contact"
    late = items["bluesky:@late.b.example"]
    assert not late.answered and late.open_days == 22.0 and late.network == "bluesky"
    assert report.open_complaints == [] and report.overall.unanswered_share == 0.25
    assert {s.group for s in report.by_network} == {"bluesky", "mastodon"}
    # on the first day, the question was still open and nothing later is known
    assert [(i.person, i.answered) for i in early.items] == [(ids["asker"], False)]
    assert early.overall.oldest_open_days == pytest.approx(0.1, abs=0.01)


def test_the_command_reports_open_items_first_as_json(demo: DemoStore) -> None:
    result = CliRunner().invoke(
        app, ["--db", demo.ledger.url, "brand", "--at", "2026-01-01", "--open", "--json"]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["items"] and not any(i["answered"] for i in found["items"])
    ages = [i["open_days"] for i in found["items"]]
    assert ages == sorted(ages, reverse=True)
    assert all(i["evidence"][0]["event_id"] == i["event_id"] for i in found["items"])
    assert found["overall"]["items"] > len(found["items"])
    assert {"by_network", "by_month", "open_complaints"} <= set(found)
    shown = CliRunner().invoke(app, ["--db", demo.ledger.url, "brand", "--at", "2026-01-01"])
    assert shown.exit_code == 0 and "complaint from" in shown.stdout


def test_a_store_without_an_owner_is_told_how_to_name_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    for command in ("brand", "advocates", "outcomes"):
        result = CliRunner().invoke(app, ["--db", url, command])
        assert result.exit_code == 2 and "goodwill owner HANDLE" in result.output
