"""Experts: people ranked by the topics they are trusted on, not by how much they post."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.insights.conftest import DemoStore
from tests.insights.outreach_world import build_store, event, run

ME = "mastodon:@me@a.example"
EXPERT, LONER, LIKED = (f"mastodon:@{n}@a.example" for n in ("xena", "yuri", "zoe"))
FANS = [f"mastodon:@fan{i}@a.example" for i in range(3)]
TEXTS = [
    "Sourdough starter: feed it rye flour",
    "Why my sourdough rises slowly in winter",
    "A sourdough schedule for busy weeks #sourdough",
    "Hydration notes for sourdough loaves",
]


def _posts(prefix: str, author: str) -> list[dict[str, object]]:
    return [
        event(f"{prefix}{i}", f"2025-03-{i + 1:02d}", "post", author, text=t)
        for i, t in enumerate(TEXTS)
    ]


LINES = [
    *_posts("x", EXPERT),
    *_posts("y", LONER),
    *_posts("z", LIKED),
    event("k1", "2025-03-02", "post", LONER, text="Kubernetes clusters at home"),
    event("k2", "2025-03-03", "post", LONER, text="Kubernetes upgrades, again"),
    # four people engage with the expert's posts; one of them five times over
    *(event(f"r{i}", f"2025-03-1{i}", "reply", FANS[0], EXPERT, answers="x0", text="So useful")
      for i in range(5)),
    event("sh1", "2025-03-12", "share", FANS[1], EXPERT, answers="x1"),
    event("th1", "2025-03-13", "thanks", FANS[2], EXPERT, answers="x2", text="Thanks, it worked"),
    event("me1", "2025-03-14", "reply", ME, EXPERT, answers="x3", text="Trying this tonight"),
    # the third author only collects likes, which anyone can farm
    *(event(f"l{i}{j}", "2025-03-15", "like", f, LIKED, answers=f"z{j}")
      for i, f in enumerate([*FANS, ME]) for j in range(4)),
]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> str:
    return build_store(tmp_path, LINES, [ME])


def _experts(store: str, *args: str) -> list[dict[str, object]]:
    found = json.loads(run(store, "experts", *args, "--at", "2026-01-01", "--json"))
    return [e for topic in found["topics"] for e in topic["experts"]]


def test_the_trusted_and_listened_to_rank_above_who_posts_to_nobody(store: str) -> None:
    experts = _experts(store, "Sourdough")
    names = [e["evidence"][0]["actor"] for e in experts]
    assert names[0] == EXPERT and set(names) == {EXPERT, LONER, LIKED}
    best, *rest = experts
    assert best["listeners"] == 4  # four people, the one who replied five times once
    assert 0 < best["heard"] <= 4
    assert all(e["listeners"] == 0 and e["heard"] == 0 for e in rest)  # likes do not count
    assert best["score"] > 1.5 * max(e["score"] for e in rest)
    engaged = [e for e in best["evidence"] if e["kind"] != "post"]
    assert engaged and all(e["target"] == EXPERT for e in engaged)


def test_a_team_limits_who_is_ranked_and_an_unknown_topic_is_an_error(store: str) -> None:
    team = _experts(store, "sourdough", "--among", LONER)
    assert [e["evidence"][0]["actor"] for e in team] == [LONER]
    run(store, "experts", "quantum", code=2)
    assert _experts(store, "kubernetes")[0]["evidence"][0]["actor"] == LONER


def test_without_a_topic_the_top_topics_come_with_who_knows_them(store: str) -> None:
    found = json.loads(run(store, "experts", "--top", "3", "--at", "2026-01-01", "--json"))
    topics = {t["topic"]: t["experts"] for t in found["topics"]}
    # a subject needs two of an author's texts; the loner's kubernetes posts are two
    assert next(iter(topics)) == "sourdough" and "kubernetes" in topics and len(topics) == 3
    assert topics["sourdough"][0]["evidence"][0]["actor"] == EXPERT
    table = run(store, "experts", "--at", "2026-01-01")
    assert "sourdough" in table and "who knows it" in table


def test_demo_experts_are_people_whose_own_texts_carry_the_topic(demo: DemoStore) -> None:
    found = json.loads(
        run(demo.ledger.url, "experts", "--top", "5", "--at", "2026-01-01", "--json")
    )
    assert len(found["topics"]) == 5
    for topic in found["topics"]:
        for expert in topic["experts"]:
            posts = [e for e in expert["evidence"] if e["event_id"] in expert["text_ids"]]
            assert posts and expert["texts"] > 0
            words = topic["topic"].lstrip("#").split()
            assert all(w in posts[0]["text"].lower() for w in words)
    # the owner, whom most of the world answers, knows her own subjects best
    pricing = json.loads(run(demo.ledger.url, "experts", "pricing", "--at", "2026-01-01", "--json"))
    best = pricing["topics"][0]["experts"][0]
    assert best["evidence"][0]["actor"] in demo.truth["owner_identities"]
    assert best["listeners"] >= 10
