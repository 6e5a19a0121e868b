"""The demo world: files in the jsonl source's format, reproducible, and roles that show.

Every behaviour test reads only the written files, as a feature would: if a role's trace
cannot be found in ``events.jsonl`` here, no detector could find it either.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pytest

from goodwill.demo import ROLES, DemoWorld, generate
from goodwill.events import KINDS

HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]*:.+")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
EVENT_KEYS = {"id", "time", "kind", "actor", "target", "text", "answers", "value"}
EVENT_KEYS |= {"actor_name", "target_name"}
SALES = ("book a demo", "grow your followers", "free trial", "% off", "limited offer", "leads")
SALES += ("special offer", "discount")
GRIEVANCES = ("disappointed", "frustrated", "not great", "still waiting", "no reply")


@dataclass
class Loaded:
    """One generated world, parsed: identity lines, events, truth and lookups."""

    world: DemoWorld
    identities: list[dict[str, Any]]
    events: list[dict[str, Any]]
    truth: dict[str, Any]
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    role_of: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {e["id"]: e for e in self.events}
        for person in self.truth["people"]:
            for handle in person["identities"]:
                self.role_of[handle] = person["role"]

    @property
    def mine(self) -> set[str]:
        """The owner's handles."""
        return set(self.truth["owner_identities"])

    def people(self, role: str) -> list[dict[str, Any]]:
        """Truth entries of one role."""
        return [p for p in self.truth["people"] if p["role"] == role]

    def between(self, person: dict[str, Any]) -> list[dict[str, Any]]:
        """Events from the person to the owner or back, in file order."""
        theirs, mine = set(person["identities"]), self.mine
        return [
            e
            for e in self.events
            if (e["actor"] in theirs and e.get("target") in mine)
            or (e["actor"] in mine and e.get("target") in theirs)
        ]


def load(world: DemoWorld) -> Loaded:
    """Parse the two files a world was written to."""
    records = [json.loads(line) for line in world.events_path.read_text("utf-8").splitlines()]
    identities = [r for r in records if "identity" in r]
    events = [r for r in records if "identity" not in r]
    truth = json.loads(world.truth_path.read_text("utf-8"))
    return Loaded(world, identities, events, truth)


def when(event: dict[str, Any]) -> datetime:
    """An event's time as an aware datetime."""
    return datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    """The default world (seed 7, 2025, scale 1), generated once for this module."""
    return load(generate(tmp_path_factory.mktemp("demo")))


# --- reproducibility and files ---------------------------------------------------------


def test_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    first, second = generate(tmp_path / "a", seed=11), generate(tmp_path / "b", seed=11)
    assert first.events_path.read_bytes() == second.events_path.read_bytes()
    assert first.truth_path.read_bytes() == second.truth_path.read_bytes()


def test_another_seed_writes_another_world(tmp_path: Path) -> None:
    first, second = generate(tmp_path / "a", seed=11), generate(tmp_path / "b", seed=12)
    assert first.events_path.read_bytes() != second.events_path.read_bytes()
    assert first.truth_path.read_bytes() != second.truth_path.read_bytes()


def test_creates_the_directory_and_replaces_old_files(tmp_path: Path) -> None:
    directory = tmp_path / "nested" / "demo"
    directory.mkdir(parents=True)
    (directory / "events.jsonl").write_text("stale\n" * 100_000, encoding="utf-8")
    world = generate(directory)
    assert world.events_path == directory / "events.jsonl"
    assert world.truth_path == directory / "truth.json"
    assert "stale" not in world.events_path.read_text("utf-8")
    assert generate(tmp_path / "fresh" / "dir").events_path.exists()


def test_rejects_a_scale_below_one(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate(tmp_path, scale=0)


# --- format ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 7, 2025])
def test_every_event_line_follows_the_jsonl_format(tmp_path: Path, seed: int) -> None:
    loaded = load(generate(tmp_path, seed=seed))
    seen: set[str] = set()
    previous = ""
    for event in loaded.events:
        assert set(event) <= EVENT_KEYS, event
        assert event["kind"] in KINDS
        assert HANDLE.match(event["actor"]), event
        assert STAMP.match(event["time"]) and event["time"].startswith("2025-"), event
        assert event["time"] >= previous, "events must be sorted by time"
        previous = event["time"]
        assert event["id"] not in seen
        seen.add(event["id"])
        if event["kind"] == "post":
            assert "target" not in event and event["text"]
        else:
            assert HANDLE.match(event["target"]), event
        if "answers" in event:
            assert event["answers"] in seen, "answers must point to an earlier event"
        assert ("value" in event) == (event["kind"] == "rating")


def test_times_stay_inside_a_leap_year(tmp_path: Path) -> None:
    loaded = load(generate(tmp_path, year=2024))
    times = [when(e) for e in loaded.events]
    assert min(times) >= datetime(2024, 1, 1, tzinfo=UTC)
    assert max(times) < datetime(2025, 1, 1, tzinfo=UTC)
    assert loaded.truth["year"] == 2024


def test_identity_lines_come_first_and_name_used_handles(demo: Loaded) -> None:
    lines = demo.world.events_path.read_text("utf-8").splitlines()
    kinds = ["identity" in json.loads(line) for line in lines]
    assert kinds == sorted(kinds, reverse=True), "identity lines precede event lines"
    used = {e["actor"] for e in demo.events} | {e["target"] for e in demo.events if "target" in e}
    cities = set()
    for identity in demo.identities:
        assert identity["identity"] in used
        assert identity["name"] and identity["attributes"]["company"]
        cities.add(identity["attributes"]["city"])
    assert 3 <= len(cities) <= 10


def test_display_names_ride_on_each_identitys_first_event(demo: Loaded) -> None:
    named: set[str] = set()
    for event in demo.events:
        for role in ("actor", "target"):
            handle = event.get(role)
            if handle is not None and handle not in named:
                assert event.get(f"{role}_name"), (handle, event)
                named.add(handle)


def test_counts_match_the_files_and_the_stated_ranges(tmp_path: Path) -> None:
    started = time.perf_counter()
    world = generate(tmp_path)
    elapsed = time.perf_counter() - started
    loaded = load(world)
    used = {e["actor"] for e in loaded.events} | {e.get("target") for e in loaded.events}
    used.discard(None)
    assert world.events == len(loaded.events)
    assert world.identities == len(used)
    assert world.people == len(loaded.truth["people"]) + 1
    assert 150 <= world.people <= 250
    assert 5_000 <= world.events <= 15_000
    assert elapsed < 2.0


def test_scale_two_roughly_doubles_the_people(tmp_path: Path) -> None:
    one, two = generate(tmp_path / "one"), generate(tmp_path / "two", scale=2)
    assert 1.8 <= (two.people - 1) / (one.people - 1) <= 2.2
    assert 1.6 <= two.events / one.events <= 2.6


# --- truth -----------------------------------------------------------------------------


def test_truth_lists_every_role_with_identities_seen_in_events(demo: Loaded) -> None:
    truth = demo.truth
    assert truth["seed"] == 7 and truth["owner"] == demo.world.owner
    assert {h.split(":")[0] for h in truth["owner_identities"]} == {
        "mastodon", "bluesky", "x", "linkedin", "email",
    }  # fmt: skip
    assert list(truth["roles"]) == list(ROLES)
    used = {e["actor"] for e in demo.events} | {e.get("target") for e in demo.events}
    for role, persons in truth["roles"].items():
        assert persons, f"no {role} in the demo world"
        assert sorted(persons) == sorted(p["person"] for p in demo.people(role))
    for person in truth["people"]:
        assert person["identities"] and set(person["identities"]) <= used, person
    ids = [p["person"] for p in truth["people"]]
    assert len(ids) == len(set(ids))
    multi = [p for p in truth["people"] if len({h.split(":")[0] for h in p["identities"]}) > 1]
    assert len(multi) >= 20, "some people are the same person on several networks"


# --- behaviour: the roles are visible in events alone ----------------------------------


def test_advocates_share_endorse_refer_and_defend(demo: Loaded) -> None:
    defenders = set()
    for advocate in demo.people("advocate"):
        acts = [e for e in demo.between(advocate) if e["actor"] in advocate["identities"]]
        kinds = Counter(e["kind"] for e in acts)
        assert kinds["share"] >= 3, advocate
        assert kinds["referral"] + kinds["introduction"] >= 1, advocate
        assert kinds["endorsement"] >= 1, advocate
    complaints = {
        e["id"] for e in demo.events if demo.role_of.get(e["actor"], "").startswith("customer-")
    }
    for event in demo.events:
        if event.get("answers") in complaints and demo.role_of.get(event["actor"]) == "advocate":
            defenders.add(event["actor"])
    assert len(defenders) >= 2


def test_colleagues_exchange_both_ways_all_year(demo: Loaded) -> None:
    for colleague in demo.people("colleague"):
        exchange = demo.between(colleague)
        for quarter in range(4):
            inside = [e for e in exchange if (when(e).month - 1) // 3 == quarter]
            assert {e["actor"] in demo.mine for e in inside} == {True, False}, (colleague, quarter)
        thanks = {e["actor"] in demo.mine for e in exchange if e["kind"] == "thanks"}
        assert thanks == {True, False}, colleague
        assert {"meeting", "email"} <= {e["kind"] for e in exchange}


def test_customers_email_and_meet(demo: Loaded) -> None:
    for customer in demo.people("customer"):
        kinds = {e["kind"] for e in demo.between(customer)}
        assert {"email", "meeting"} <= kinds, customer


def _complaints(demo: Loaded, person: dict[str, Any]) -> list[dict[str, Any]]:
    """The person's public mentions of the owner that voice a grievance."""
    return [
        e
        for e in demo.between(person)
        if e["kind"] == "mention" and any(g in e["text"].lower() for g in GRIEVANCES)
    ]


def test_resolved_complaints_are_answered_then_thanked(demo: Loaded) -> None:
    for customer in demo.people("customer-complaint-resolved"):
        complaint = _complaints(demo, customer)[0]
        answers = [
            e
            for e in demo.events
            if e.get("answers") == complaint["id"] and e["actor"] in demo.mine
        ]
        assert len(answers) == 1 and answers[0]["kind"] == "reply"
        thanks = [e for e in demo.events if e.get("answers") == answers[0]["id"]]
        assert [(t["kind"], t["actor"]) for t in thanks] == [("thanks", complaint["actor"])]


def test_unanswered_complaints_get_no_reply_from_the_owner(demo: Loaded) -> None:
    for customer in demo.people("customer-complaint-unanswered"):
        complaint = _complaints(demo, customer)[0]
        after = [e for e in demo.between(customer) if e["time"] > complaint["time"]]
        assert after, "the customer follows up"
        assert not [e for e in after if e["actor"] in demo.mine]
        assert min(e["value"] for e in after if e["kind"] == "rating") <= 2


def test_drifting_friends_fade_and_fall_silent(demo: Loaded) -> None:
    cutoff = datetime(2025, 10, 1, tzinfo=UTC)
    for friend in demo.people("drifting-friend"):
        exchange = demo.between(friend)
        quarters = Counter((when(e).month - 1) // 3 for e in exchange)
        assert {e["actor"] in demo.mine for e in exchange if when(e).month <= 3} == {True, False}
        assert quarters[0] > quarters[2], friend
        assert all(when(e) < cutoff for e in exchange), friend
        own = [e for e in demo.events if e["actor"] in friend["identities"] and when(e) >= cutoff]
        assert own, "the friend is still around, just not with the owner"


def test_pitchers_first_contact_sells(demo: Loaded) -> None:
    for pitcher in demo.people("pitcher"):
        exchange = demo.between(pitcher)
        first = exchange[0]
        assert first["actor"] in pitcher["identities"]
        assert any(phrase in first["text"].lower() for phrase in SALES), first
        assert "https://" in first["text"]
        assert not [e for e in exchange if e["actor"] in demo.mine and e["kind"] == "reply"]


def test_churners_unfollow_within_two_weeks_of_the_follow_back(demo: Loaded) -> None:
    for churner in demo.people("churner"):
        exchange = demo.between(churner)
        backs = [e for e in exchange if e["kind"] == "follow" and e["actor"] in demo.mine]
        assert backs, churner
        for back in backs:
            assert demo.by_id[back["answers"]]["actor"] in churner["identities"]
            unfollows = [
                e
                for e in exchange
                if e["kind"] == "unfollow"
                and timedelta(0) < when(e) - when(back) <= timedelta(days=14)
            ]
            assert unfollows, (churner, back)


def test_the_ring_boosts_itself(demo: Loaded) -> None:
    ring = {h for p in demo.people("ring") for h in p["identities"]}
    assert 5 <= len(demo.people("ring")) <= 8
    acts = [e for e in demo.events if e["actor"] in ring]
    boosts = [e for e in acts if e["kind"] in ("like", "share")]
    inside = [e for e in boosts if e["target"] in ring]
    assert len(inside) / len(boosts) >= 0.8
    assert all(e["target"] in ring | demo.mine for e in boosts)
    little_else = [e for e in acts if e["kind"] not in ("like", "share", "post", "follow")]
    assert len(little_else) / len(acts) < 0.05


def test_the_blaster_pastes_one_text_to_many(demo: Loaded) -> None:
    (blaster,) = demo.people("blaster")
    mentions = [
        e for e in demo.events if e["actor"] in blaster["identities"] and e["kind"] == "mention"
    ]
    bodies = [(e["target"], e["text"].split(" ", 1)[1].rstrip("!🚀 ")) for e in mentions]
    common, _ = Counter(body for _, body in bodies).most_common(1)[0]
    alike = {t for t, body in bodies if SequenceMatcher(None, body, common).ratio() >= 0.9}
    assert len(alike) >= 20
    assert demo.mine & {e["target"] for e in mentions}


def test_the_owner_posts_thanks_shares_introduces_and_leaves_questions_open(demo: Loaded) -> None:
    mine = demo.mine
    own = [e for e in demo.events if e["actor"] in mine]
    kinds = Counter(e["kind"] for e in own)
    assert kinds["post"] >= 100 and all(e["text"] for e in own if e["kind"] == "post")
    assert kinds["introduction"] >= 4 and kinds["reply"] >= 50
    shared_others = [e for e in own if e["kind"] == "share" and e["target"] not in mine]
    assert len(shared_others) >= 10
    thanks = [e for e in own if e["kind"] == "thanks" and "answers" in e]
    assert any(demo.by_id[t["answers"]]["kind"] == "share" for t in thanks)
    answered = {e["answers"] for e in own if "answers" in e}
    open_questions = [
        e
        for e in demo.events
        if e["kind"] == "mention" and e.get("target") in mine and "?" in e.get("text", "")
        and e["id"] not in answered and demo.role_of.get(e["actor"]) == "acquaintance"
    ]  # fmt: skip
    assert len(open_questions) >= 3
