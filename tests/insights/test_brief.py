"""The brief on a person: counts both ways, deeds, open threads, trust and topics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from goodwill.errors import AlgorithmInputError
from goodwill.events import NOTE_KINDS
from goodwill.insights.activity import load_activity
from goodwill.insights.brief import Brief, make_brief
from goodwill.insights.topics import load_corpus
from goodwill.ledger import open_ledger
from goodwill.ledger.people import identity_person, owner_person
from goodwill.trust.policy import load_policy
from goodwill.trust.report import open_view, parse_moment
from tests.insights.conftest import DemoStore
from tests.insights.outreach_world import build_store, event, person_of, run

ME, ANN, NEW = "mastodon:@me@a.example", "mastodon:@ann@a.example", "mastodon:@new@a.example"
LINES = [
    event("p0", "2025-02-20", "post", ME, text="Bread notes"),
    event("a1", "2025-03-01", "message", ANN, ME, text="Are you free Thursday?"),
    event("o1", "2025-03-02", "message", ME, ANN, answers="a1", text="Yes!"),
    event("s1", "2025-03-03", "share", ANN, ME, answers="p0"),
    event("o2", "2025-03-04", "thanks", ME, ANN, answers="s1", text="Thanks for sharing"),
    event("a2", "2025-03-05", "mention", ANN, ME, text="@me which flour do you use for rye?"),
    event("a3", "2025-03-06", "email", ANN, ME, text="Following up on the flour question"),
    event("p1", "2025-03-07", "post", ANN, text="Sourdough with rye flour, third try"),
    event("p2", "2025-03-08", "post", ANN, text="Rye sourdough, fourth try"),
    event("o3", "2025-04-10", "message", ME, ANN, text="Sorry for the delay: stone-ground rye"),
    event("n1", "2025-04-11", "post", NEW, text="Hello world"),
]


def _brief(url: str, handle: str, at: str) -> Brief:
    with open_ledger(url) as ledger, ledger.read() as conn:
        at_us = parse_moment(at)
        return make_brief(
            conn,
            identity_person(conn, handle),
            activity=load_activity(conn, until_us=at_us),
            view=open_view(conn, load_policy(None), at_us=at_us),
            corpus=load_corpus(conn, until_us=at_us),
        )


@pytest.fixture
def store(tmp_path: Path) -> str:
    return build_store(tmp_path, LINES, [ME])


def _ids(url: str) -> dict[str, int]:
    with open_ledger(url) as ledger, ledger.read() as conn:
        rows = conn.execute(text("select external_id, id from events")).all()
    return {str(k): int(v) for k, v in rows}


def test_open_threads_are_what_she_neither_answered_nor_followed_up(store: str) -> None:
    ids = _ids(store)
    assert _brief(store, ANN, "2025-03-05T13:00:00Z").open_threads == [ids["a2"]]
    april = _brief(store, ANN, "2025-04-01")
    assert april.open_threads == [ids["a3"], ids["a2"]]  # newest first; a1 was answered
    assert _brief(store, ANN, "2025-05-01").open_threads == []  # her message of 10 April


def test_the_brief_counts_each_way_and_names_the_deeds(store: str) -> None:
    ids = _ids(store)
    found = _brief(store, ANN, "2025-05-01")
    assert found.to_owner.counts == {"email": 1, "mention": 1, "message": 1, "share": 1}
    assert found.from_owner.counts == {"message": 2, "thanks": 1}
    assert found.to_owner.deeds == {"share": 1} and found.to_owner.deed_ids == [ids["s1"]]
    assert found.from_owner.deeds == {"thanks": 1}
    assert found.first_contact == ids["a1"] and found.recent[0] == ids["o3"]
    assert found.recent_posts == [ids["p2"], ids["p1"]]
    assert {"rye", "sourdough"} <= {t.term for t in found.topics}
    assert found.relationship is not None and found.relationship.person == found.person
    assert found.trust.owner_in_them is not None and found.trust.theirs_in_owner is not None
    stranger = _brief(store, NEW, "2025-05-01")
    assert stranger.first_contact is None and stranger.notes and stranger.relationship is None


def test_a_brief_is_never_about_the_owner(store: str) -> None:
    with pytest.raises(AlgorithmInputError):
        _brief(store, ME, "2025-05-01")
    run(store, "brief", ME, code=2)


def _sql_counts(conn: Connection, actor: int, target: int, at_us: int) -> dict[str, int]:
    notes = ", ".join(f"'{k}'" for k in sorted(NOTE_KINDS))
    rows = conn.execute(
        text(
            "select e.kind, count(*) from events e "
            "join identities a on a.id = e.actor_id join identities t on t.id = e.target_id "
            f"where a.person_id = :a and t.person_id = :t and e.occurred_at <= :at "
            f"and e.kind not in ({notes}) group by e.kind"
        ),
        {"a": actor, "t": target, "at": at_us},
    ).all()
    return {str(k): int(n) for k, n in rows}


def test_an_advocates_brief_matches_a_direct_count(demo: DemoStore) -> None:
    handle = next(p for p in demo.truth["people"] if p["role"] == "advocate")["identities"][0]
    found = json.loads(run(demo.ledger.url, "brief", handle, "--at", "2026-01-01", "--json"))
    with demo.ledger.read() as conn:
        owner = owner_person(conn)
        assert owner is not None
        person = person_of(demo.ledger.url, handle)
        assert found["from_owner"]["counts"] == _sql_counts(conn, owner, person, demo.at_us)
        assert found["to_owner"]["counts"] == _sql_counts(conn, person, owner, demo.at_us)
    # an advocate shares her work, and she thanks them: deeds both ways, with evidence
    assert found["to_owner"]["deeds"]["share"] > 5 and found["from_owner"]["deeds"]["thanks"] > 0
    evidence = found["evidence"]
    assert all(str(i) in evidence for i in found["recent"])
    assert all(
        handle in (e["actor"], e["target"]) for e in map(evidence.get, map(str, found["recent"]))
    )
    assert found["relationship"]["stage"] and 0 < found["trust"]["theirs_in_owner"] <= 1
    shown = run(demo.ledger.url, "brief", handle, "--at", "2026-01-01")
    assert "what they did for you" in shown and "talks about" in shown and "stage" in shown
