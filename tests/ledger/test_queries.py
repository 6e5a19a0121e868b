"""Reading the ledger: stats, timelines and the owner's two-way relationships, on both backends."""

from __future__ import annotations

import pytest

from goodwill.errors import StoreError
from goodwill.events import Event
from goodwill.ledger import Ledger
from goodwill.ledger.people import set_owner
from goodwill.ledger.queries import reciprocal_contacts, stats, timeline
from tests.ledger.test_writer import _writer

ME = "x:@me"


def _exchanges(ledger: Ledger, pairs: dict[str, tuple[int, int]]) -> None:
    """For each contact, (events from me to them, events from them to me)."""
    batch, n = [], 0
    for contact, (to_them, from_them) in pairs.items():
        for _ in range(to_them):
            n += 1
            batch.append(Event("message", ME, contact, n * 1_000_000, f"e{n}"))
        for _ in range(from_them):
            n += 1
            batch.append(Event("reply", contact, ME, n * 1_000_000, f"e{n}"))
    with ledger.write() as conn:
        _writer(conn).add_events(batch)
        set_owner(conn, [ME], now_us=0)


def test_relationships_rank_by_their_weaker_direction(ledger: Ledger) -> None:
    _exchanges(ledger, {"x:@ann": (3, 2), "x:@bob": (10, 0), "x:@cy": (1, 1), "x:@dee": (2, 9)})
    with ledger.read() as conn:
        ranked = reciprocal_contacts(conn)
    assert [(r["name"], r["to_them"], r["from_them"]) for r in ranked] == [
        ("@dee", 2, 9),  # weaker side 2, total 11
        ("@ann", 3, 2),  # weaker side 2, total 5
        ("@cy", 1, 1),
    ]  # bob's one-way volume is no relationship
    assert ranked[0]["last_contact"].startswith("1970-01-01T00:00:28")


def test_relationships_need_an_owner(ledger: Ledger) -> None:
    with ledger.read() as conn, pytest.raises(StoreError, match="no owner yet"):
        reciprocal_contacts(conn)


def test_stats_and_timeline(ledger: Ledger) -> None:
    _exchanges(ledger, {"x:@ann": (2, 1)})
    with ledger.read() as conn:
        figures = stats(conn)
        assert figures["by_kind"] == {"message": 2, "reply": 1}
        assert figures["first_event"] == "1970-01-01T00:00:01+00:00"
        owner_events = timeline(conn, 1, limit=2)
    assert [(e.kind, e.outgoing, e.counterpart) for e in owner_events] == [
        ("reply", False, "x:@ann"),
        ("message", True, "x:@ann"),
    ]


def test_timeline_stops_at_until_and_leaves_out_kinds(ledger: Ledger) -> None:
    _exchanges(ledger, {"x:@ann": (3, 2), "x:@bob": (1, 1)})  # events at 1 s, 2 s, ... 7 s
    with ledger.read() as conn:
        everything = timeline(conn, 1, limit=50)
        until = timeline(conn, 1, limit=50, until_us=4_000_000)
        two = timeline(conn, 1, limit=2, until_us=4_000_000)
        no_replies = timeline(conn, 1, limit=50, until_us=6_000_000, exclude_kinds={"reply"})
    assert [e.time_us for e in everything] == [t * 1_000_000 for t in range(7, 0, -1)]
    assert [e.time_us for e in until] == [4_000_000, 3_000_000, 2_000_000, 1_000_000]
    assert two == until[:2]  # the limit applies after the bound, so a past moment fills it
    assert [(e.kind, e.time_us) for e in no_replies] == [
        ("message", 6_000_000),
        ("message", 3_000_000),
        ("message", 2_000_000),
        ("message", 1_000_000),
    ]
