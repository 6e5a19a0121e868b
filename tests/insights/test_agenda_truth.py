"""The demo's truth about open items says what a sensible person owes, read from the events."""

from __future__ import annotations

import json

import pytest

from tests.insights.conftest import DemoStore

NOISE = {"pitcher", "blaster", "churner", "ring"}


@pytest.mark.parametrize("name", ["demo", "other_world"])
def test_open_items_are_owed_by_the_owner_and_never_given(
    request: pytest.FixtureRequest, name: str
) -> None:
    world: DemoStore = request.getfixturevalue(name)
    lines = world.installed.world.events_path.read_text(encoding="utf-8").splitlines()
    events = {e["id"]: e for e in map(json.loads, lines) if "id" in e}
    mine = set(world.truth["owner_identities"])
    role = {h: p["role"] for p in world.truth["people"] for h in p["identities"]}
    answered = {e["answers"] for e in events.values() if e["actor"] in mine and "answers" in e}
    owed = world.truth["open_items"]
    assert len(owed["unanswered"]) >= 50 and len(owed["unthanked"]) >= 50
    for key, kinds in (
        ("unanswered", {"mention", "reply", "message", "email", "comment"}),
        ("unthanked", {"share", "quote", "endorsement", "introduction", "referral", "gift"}),
    ):
        for event_id in owed[key]:
            event = events[event_id]
            assert event["kind"] in kinds and event["target"] in mine
            assert role[event["actor"]] not in NOISE
            assert event_id not in answered
    for key in ("answered", "thanked"):
        for event_id, by in owed[key].items():
            handler = events[by]  # hers, or a meeting or call with her
            assert handler["actor"] in mine or handler["kind"] in ("meeting", "call")
            assert handler["time"] >= events[event_id]["time"]
    # a closing turn (an answer to her that asks nothing) is owed nothing
    closing = [
        e
        for e in events.values()
        if e.get("target") in mine and e.get("answers") in events
        and events[e["answers"]]["actor"] in mine and events[e["answers"]]["kind"] != "post"
        and "?" not in e.get("text", "")
    ]  # fmt: skip
    assert closing
    assert not {e["id"] for e in closing} & (set(owed["unanswered"]) | set(owed["answered"]))
