"""Merges are recorded and reversible; the owner is one person."""

from __future__ import annotations

import pytest

from goodwill.errors import NotFoundError, StoreError
from goodwill.events import Event
from goodwill.ledger import Ledger
from goodwill.ledger.people import identity_person, merge_people, owner_person, set_owner, unmerge
from goodwill.ledger.queries import find_person, list_people, person_identities, timeline
from tests.ledger.test_writer import _writer


def _seed(ledger: Ledger) -> None:
    with ledger.write() as conn:
        writer = _writer(conn)
        writer.add_events(
            [
                Event(
                    "message",
                    "email:ann@example.com",
                    "email:me@example.com",
                    10,
                    "m1",
                    text="hello",
                ),
                Event("reply", "mastodon:@ann@a.social", "mastodon:@me@b.social", 20, "m2"),
                Event("like", "mastodon:@bob@a.social", "mastodon:@me@b.social", 30, "m3"),
            ]
        )


def test_merge_then_unmerge_restores_both_people(ledger: Ledger) -> None:
    _seed(ledger)
    with ledger.write() as conn:
        ann_mail = identity_person(conn, "email:ann@example.com")
        ann_social = identity_person(conn, "mastodon:@ann@a.social")
        merge_id = merge_people(conn, ann_mail, ann_social, reason="same person", now_us=1)
        assert identity_person(conn, "mastodon:@ann@a.social") == ann_mail
        assert find_person(conn, str(ann_social)) == ann_mail  # old ids still resolve
        assert {i.account for i in person_identities(conn, ann_mail)} == {
            "ann@example.com",
            "@ann@a.social",
        }
        assert {e.kind for e in timeline(conn, ann_mail)} == {"message", "reply"}
    with ledger.write() as conn:
        assert unmerge(conn, merge_id, now_us=2) == (ann_mail, ann_social)
        assert identity_person(conn, "mastodon:@ann@a.social") == ann_social
        assert [i.account for i in person_identities(conn, ann_mail)] == ["ann@example.com"]
    with ledger.write() as conn, pytest.raises(StoreError, match="already undone"):
        unmerge(conn, merge_id, now_us=3)


def test_unmerge_refuses_while_a_later_merge_holds_the_survivor(ledger: Ledger) -> None:
    _seed(ledger)
    with ledger.write() as conn:
        a = identity_person(conn, "email:ann@example.com")
        b = identity_person(conn, "mastodon:@ann@a.social")
        c = identity_person(conn, "mastodon:@bob@a.social")
        first = merge_people(conn, a, b, reason=None, now_us=1)
        merge_people(conn, c, a, reason=None, now_us=2)
        with pytest.raises(StoreError, match="undo that merge first"):
            unmerge(conn, first, now_us=3)


def test_merging_a_person_with_itself_is_refused(ledger: Ledger) -> None:
    _seed(ledger)
    with ledger.write() as conn:
        a = identity_person(conn, "email:ann@example.com")
        with pytest.raises(StoreError, match="nothing to merge"):
            merge_people(conn, a, a, reason=None, now_us=1)


def test_owner_identities_become_one_person(ledger: Ledger) -> None:
    _seed(ledger)
    with ledger.write() as conn:
        assert owner_person(conn) is None
        owner = set_owner(conn, ["email:me@example.com", "mastodon:@me@b.social"], now_us=1)
        assert owner_person(conn) == owner
        assert identity_person(conn, "mastodon:@me@b.social") == owner
        # Declaring it again changes nothing.
        assert set_owner(conn, ["mastodon:@me@b.social"], now_us=2) == owner
    with ledger.read() as conn:
        names = [p.name for p in list_people(conn)]
        assert len(names) == 4  # ann twice (not merged), bob, the owner


def test_finding_people_by_id_handle_and_name(ledger: Ledger) -> None:
    _seed(ledger)
    with ledger.read() as conn:
        bob = identity_person(conn, "mastodon:@bob@a.social")
        assert find_person(conn, "mastodon:@bob@a.social") == bob
        assert find_person(conn, "@bob@a") == bob
        with pytest.raises(StoreError, match="matches several people"):
            find_person(conn, "ann")
        with pytest.raises(NotFoundError, match="nobody matches"):
            find_person(conn, "zed")
        with pytest.raises(NotFoundError, match="no person with id"):
            find_person(conn, "999")
