"""Advocates: recovered from the demo worlds' behaviour, and the edge cases that make the
score hard to game (rings, bursts, pile-ons dressed as defences)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodwill.cli import app
from goodwill.insights import cite, load_activity
from goodwill.insights.advocates import ADVOCATE_SCORE, Advocate, rank_advocates
from goodwill.ledger import Ledger
from goodwill.ledger.people import identity_person
from tests.insights.conftest import DemoStore
from tests.insights.hand_built import ME, History, at_us, moment, person, store


def _ranked(ledger: Ledger, until_us: int) -> list[Advocate]:
    with ledger.read() as conn:
        return rank_advocates(conn, load_activity(conn, until_us=until_us))


def _truth_people(world: DemoStore, found: set[int]) -> tuple[set[str], dict[str, str]]:
    """The truth's people behind the ledger's person ids, and everyone's role."""
    with world.ledger.read() as conn:
        whose = {
            identity_person(conn, h): p["person"]
            for p in world.truth["people"]
            for h in p["identities"]
        }
    roles = {p["person"]: p["role"] for p in world.truth["people"]}
    return {whose[p] for p in found}, roles


@pytest.mark.parametrize("world_name", ["demo", "other_world"])
def test_advocates_are_recovered_from_what_people_did(
    world_name: str, request: pytest.FixtureRequest
) -> None:
    world: DemoStore = request.getfixturevalue(world_name)
    ranked = _ranked(world.ledger, world.at_us)
    flagged, roles = _truth_people(world, {a.person for a in ranked if a.is_advocate})
    advocates = {p for p, r in roles.items() if r == "advocate"}
    assert len(flagged & advocates) / len(flagged) >= 0.9
    assert len(flagged & advocates) / len(advocates) >= 0.9
    # the ring, churners, pitchers and blasters never come near the mark
    noise = {"ring", "churner", "pitcher", "blaster"}
    assert all(
        a.score < ADVOCATE_SCORE / 2
        for a in ranked
        if roles[_truth_people(world, {a.person})[0].pop()] in noise
    )
    # the list is sorted, and the top of it is all advocates
    assert [a.score for a in ranked] == sorted((a.score for a in ranked), reverse=True)
    top, _ = _truth_people(world, {a.person for a in ranked[:5]})
    assert top <= advocates


def test_each_advocate_shows_the_acts_behind_the_score(demo: DemoStore) -> None:
    ranked = [a for a in _ranked(demo.ledger, demo.at_us) if a.is_advocate]
    with demo.ledger.read() as conn:
        cited = {a.person: cite(conn, a.evidence) for a in ranked}
    owner_handles = set(demo.truth["owner_identities"])
    for advocate in ranked:
        lines = cited[advocate.person]
        assert 1 <= len(lines) <= 5 and advocate.first <= advocate.last
        assert {c.kind for c in lines} <= {"share", "reply", "thanks", "endorsement",
                                           "introduction", "referral", "quote"}  # fmt: skip
        # breadth first: every kind they did shows among their evidence when there is room
        shown = {c.kind for c in lines}
        assert ("defence" not in advocate.counts) or "reply" in shown
        for c in lines:
            toward_her = c.target in owner_handles
            from_her = c.actor in owner_handles and c.kind == "thanks"
            defends = c.kind == "reply" and c.target not in owner_handles
            assert toward_her or from_her or defends
    # some advocates stood up for her in threads about her that she did not start
    assert sum(a.counts.get("defence", 0) for a in ranked) >= 5


def test_nothing_after_at_counts(demo: DemoStore) -> None:
    mid_year = demo.at_us - 183 * 86_400_000_000
    early = {a.person: a for a in _ranked(demo.ledger, mid_year)}
    late = {a.person: a for a in _ranked(demo.ledger, demo.at_us)}
    assert all(a.last < "2025-07-03" for a in early.values())
    busiest = max(late.values(), key=lambda a: a.counts.get("share", 0))
    assert early[busiest.person].counts["share"] < busiest.counts["share"]


def _owner_posts(h: History, weeks: int) -> list[str]:
    return [h.add("post", ME, None, moment(7 * w), text=f"note {w}") for w in range(weeks)]


def test_a_ring_member_who_boosts_everyone_is_not_an_advocate(tmp_path: Path) -> None:
    h = History()
    posts = _owner_posts(h, 12)
    fan, farmer = "mastodon:@fan@b.example", "mastodon:@farm1@c.example"
    mates = [f"mastodon:@farm{i}@c.example" for i in range(2, 7)]
    for week, post in enumerate(posts[:10]):
        for sharer in (fan, farmer):
            h.add("share", sharer, ME, moment(7 * week, 2), answers=post)
    # the farmer and the ring boost one another's every post, hundreds of times
    for mate in mates:
        for n in range(60):
            theirs = h.add("post", mate, None, moment(n * 1.3), text="Consistency > motivation")
            h.add("like", farmer, mate, moment(n * 1.3, 1), answers=theirs)
            h.add("share", farmer, mate, moment(n * 1.3, 2), answers=theirs)
    with store(tmp_path, h) as ledger:
        ranked = {a.person: a for a in _ranked(ledger, at_us(80))}
        fan_row, farm_row = ranked[person(ledger, fan)], ranked[person(ledger, farmer)]
    assert fan_row.counts == farm_row.counts == {"share": 10}
    assert fan_row.is_advocate and fan_row.focus == 1.0
    assert not farm_row.is_advocate and farm_row.focus < 0.05
    assert farm_row.score < fan_row.score / 5


def test_a_burst_of_shares_counts_less_than_the_same_shares_over_weeks(tmp_path: Path) -> None:
    h = History()
    posts = _owner_posts(h, 10)
    steady, burst = "mastodon:@steady@b.example", "mastodon:@burst@b.example"
    for week, post in enumerate(posts):
        h.add("share", steady, ME, moment(7 * week, 3), answers=post)
        h.add("share", burst, ME, moment(63, 1 + week / 10), answers=post)
    with store(tmp_path, h) as ledger:
        ranked = {a.person: a for a in _ranked(ledger, at_us(64))}
        steady_row, burst_row = ranked[person(ledger, steady)], ranked[person(ledger, burst)]
    assert steady_row.counts == burst_row.counts == {"share": 10}
    assert (steady_row.weeks, burst_row.weeks) == (10, 1)
    # ten occasions against one: a day's burst saturates at twice its strongest act
    assert burst_row.score == pytest.approx(2.0, abs=0.05)
    assert steady_row.score > 3 * burst_row.score
    assert steady_row.is_advocate and not burst_row.is_advocate


def test_a_reply_defends_her_only_when_it_takes_her_side_of_a_thread_about_her(
    tmp_path: Path,
) -> None:
    h = History()
    critic, friend, crowd = (f"mastodon:@{n}@b.example" for n in ("critic", "friend", "crowd"))
    complaint = h.add("mention", critic, ME, moment(1), text="@me still no reply to my emails")
    h.add("reply", friend, critic, moment(1, 2), answers=complaint,
          text="She has always made things right for us, give her a day.")  # fmt: skip
    h.add("reply", crowd, critic, moment(1, 3), answers=complaint,
          text="Same here, still waiting for my refund. Disappointed.")  # fmt: skip
    # a reply to a thread that is not about her is no defence of her
    other = h.add("post", critic, None, moment(2), text="Lunch ideas?")
    h.add("reply", friend, critic, moment(2, 1), answers=other, text="Soup!")
    with store(tmp_path, h) as ledger:
        ranked = {a.person: a for a in _ranked(ledger, at_us(10))}
        friend_id, crowd_id = person(ledger, friend), person(ledger, crowd)
    assert ranked[friend_id].counts == {"defence": 1}
    assert crowd_id not in ranked


def test_the_command_lists_advocates_with_their_evidence_as_json(demo: DemoStore) -> None:
    result = CliRunner().invoke(
        app, ["--db", demo.ledger.url, "advocates", "--top", "3", "--at", "2026-01-01", "--json"]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["at"].startswith("2026-01-01") and found["threshold"] == ADVOCATE_SCORE
    assert len(found["advocates"]) == 3
    for row in found["advocates"]:
        assert row["is_advocate"] and row["score"] >= ADVOCATE_SCORE
        assert [e["event_id"] for e in row["evidence"]] and row["counts"]["share"] > 0
    shown = CliRunner().invoke(
        app, ["--db", demo.ledger.url, "advocates", "--top", "2", "--at", "2026-01-01"]
    )
    assert shown.exit_code == 0 and "advocate;" in shown.stdout and "share" in shown.stdout
    # a year later, what they did has faded: nobody is at the mark, and it says why
    later = CliRunner().invoke(app, ["--db", demo.ledger.url, "advocates", "--at", "2027-01-01"])
    assert later.exit_code == 0 and "0 advocates" in later.stdout and "--all" in later.stdout
