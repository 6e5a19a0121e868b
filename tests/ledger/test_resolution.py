"""Candidate merges come with their evidence and a confidence, and never from a name alone."""

from __future__ import annotations

import time
from collections.abc import Sequence

import pytest
from sqlalchemy import Connection

from goodwill.events import Identity
from goodwill.ledger import Ledger
from goodwill.ledger.imports import begin_import
from goodwill.ledger.people import identity_person, merge_people, set_owner, unmerge
from goodwill.ledger.resolution import MAX_CLAIMANTS, Suggestion, suggest_merges
from goodwill.ledger.writer import EventWriter


def _add(conn: Connection, records: Sequence[Identity]) -> None:
    import_id = begin_import(conn, source="test", path="-", sha256="0" * 64, options=None, now_us=0)
    EventWriter(conn, source="test", import_id=import_id, now_us=1).add_identities(records)


def _pairs(found: list[Suggestion]) -> dict[frozenset[int], tuple[float, list[str]]]:
    """By pair of people (either way round): the confidence and the kinds of evidence."""
    return {
        frozenset((s.person, s.other)): (s.confidence, [e.reason for e in s.evidence])
        for s in found
    }


def _person(conn: Connection, handle: str) -> int:
    return identity_person(conn, handle)


def test_each_kind_of_evidence_with_its_confidence(ledger: Ledger) -> None:
    with ledger.write() as conn:
        _add(
            conn,
            [
                Identity("email:ann@example.com", "Ann"),
                Identity("linkedin:ann-lee", "Ann Lee", {"email": "Ann@Example.com"}),
                Identity("x:id:42"),
                Identity("x:@bob", "Bob", {"account_id": "42"}),
                Identity("bluesky:did:plc:carol", "Carol", {"handle": "carol.example.org"}),
                Identity(
                    "mastodon:@carol@c.social",
                    "Carol",
                    {"link:Bluesky": "https://bsky.app/profile/carol.example.org"},
                ),
                Identity(
                    "mastodon:@dan@d.social", "Dan", {"bio": "I also post as https://x.com/dan_d"}
                ),
                Identity("x:@dan_d", "Dan D"),
                Identity("email:eve@example.com", "Eve", {"vcard": "card-e"}),
                Identity("x:@eve", "Eve", {"vcard": "card-e"}),
            ],
        )
        h = {name: _person(conn, handle) for name, handle in [
            ("ann", "email:ann@example.com"), ("ann_li", "linkedin:ann-lee"),
            ("x42", "x:id:42"), ("bob", "x:@bob"),
            ("carol_bs", "bluesky:did:plc:carol"), ("carol_m", "mastodon:@carol@c.social"),
            ("dan_m", "mastodon:@dan@d.social"), ("dan_x", "x:@dan_d"),
            ("eve", "email:eve@example.com"), ("eve_x", "x:@eve"),
        ]}  # fmt: skip
        found = _pairs(suggest_merges(conn, min_confidence=0.0))
    assert found == {
        frozenset((h["x42"], h["bob"])): (0.99, ["same X account"]),
        frozenset((h["eve"], h["eve_x"])): (0.95, ["on one contact card"]),
        frozenset((h["ann"], h["ann_li"])): (0.9, ["same email"]),
        frozenset((h["carol_bs"], h["carol_m"])): (0.8, ["profile link"]),
        frozenset((h["dan_m"], h["dan_x"])): (0.4, ["named in a bio"]),
    }
    with ledger.read() as conn:
        shown = suggest_merges(conn)  # the default threshold, 0.5, leaves the bio mention out
        assert len(shown) == 4 and shown[0].evidence[0].detail == (
            "holds x:id:42 · x:@bob's account_id → x:id:42"
        )


def test_never_by_name_alone(ledger: Ledger) -> None:
    with ledger.write() as conn:
        _add(conn, [Identity("x:@ann1", "Ann Lee"), Identity("mastodon:@ann@a.social", "Ann Lee")])
        assert suggest_merges(conn, min_confidence=0.0) == []


def test_links_both_ways_add_up(ledger: Ledger) -> None:
    with ledger.write() as conn:
        _add(
            conn,
            [
                Identity("mastodon:@fay@f.social", None, {"link:X": "https://x.com/fay"}),
                Identity("x:@fay", None, {"website": "https://f.social/@fay"}),
            ],
        )
        (only,) = suggest_merges(conn)
    assert only.confidence == 0.96 and [e.reason for e in only.evidence] == ["profile link"] * 2


def test_two_profiles_listing_one_linkedin_page_or_email(ledger: Ledger) -> None:
    page = "https://www.linkedin.com/in/gus-g/"
    with ledger.write() as conn:
        _add(
            conn,
            [
                Identity("mastodon:@gus@g.social", None, {"link:LinkedIn": page}),
                Identity("x:@gus", None, {"website": page}),
                Identity("x:@gus_fan", None, {"website": "https://g.social/@gus"}),
                Identity("x:@gus_fan2", None, {"website": "https://g.social/@gus"}),
            ],
        )
        found = _pairs(suggest_merges(conn, min_confidence=0.0))
        gus_m, gus_x = _person(conn, "mastodon:@gus@g.social"), _person(conn, "x:@gus")
    # one LinkedIn page is one person's; two fans linking one account are not one another
    assert found[frozenset((gus_m, gus_x))] == (0.8, ["both list it"])
    assert len(found) == 3


def test_an_account_claimed_by_many_is_evidence_of_nothing(ledger: Ledger) -> None:
    with ledger.write() as conn:
        _add(
            conn,
            [Identity("email:info@acme.example")]
            + [
                Identity(f"x:@staff{n}", None, {"email": "info@acme.example"})
                for n in range(MAX_CLAIMANTS)
            ],
        )
        assert suggest_merges(conn, min_confidence=0.0) == []


def test_merged_and_split_pairs_are_not_suggested_and_the_owner_survives(ledger: Ledger) -> None:
    with ledger.write() as conn:
        _add(
            conn,
            [
                Identity("email:me@example.com"),
                Identity("x:@me", None, {"email": "me@example.com"}),
                Identity("x:@old_me", None, {"email": "me@example.com"}),
            ],
        )
        x_me, old = _person(conn, "x:@me"), _person(conn, "x:@old_me")
        owner = set_owner(conn, ["x:@old_me"], now_us=1)
        assert owner == old
        split = merge_people(
            conn, x_me, _person(conn, "email:me@example.com"), reason=None, now_us=1
        )
        unmerge(conn, split, now_us=2)
        email = _person(conn, "email:me@example.com")
        found = suggest_merges(conn)
        assert {(s.person, s.other) for s in found} == {(owner, x_me), (owner, email)}
        only_me = suggest_merges(conn, person=x_me)
        assert [(s.person, s.other) for s in only_me] == [(owner, x_me)]


@pytest.mark.parametrize("people", [3_000])
def test_it_scales_with_the_identities_that_claim_something(ledger: Ledger, people: int) -> None:
    records: list[Identity] = []
    for n in range(people):
        records += [
            Identity(f"email:p{n}@example.com"),
            Identity(
                f"x:@p{n}",
                None,
                {"bio": f"reach me at p{n}@example.com", "email": f"p{n}@example.com"},
            ),
            Identity(f"mastodon:@p{n}@m.social", None, {"link:X": f"https://x.com/p{n}"}),
        ]
    with ledger.write() as conn:
        _add(conn, records)
    started = time.perf_counter()
    with ledger.read() as conn:
        found = suggest_merges(conn, limit=None)
    assert len(found) == 2 * people
    assert time.perf_counter() - started < 30
