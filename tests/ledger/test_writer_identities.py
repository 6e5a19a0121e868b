"""What sources say about identities adds up, and links become recorded, reversible merges."""

from __future__ import annotations

import json

from sqlalchemy import Connection, select

from goodwill.events import Identity, Link
from goodwill.ledger import Ledger
from goodwill.ledger.imports import begin_import
from goodwill.ledger.people import identity_person, set_owner, unmerge
from goodwill.ledger.schema import identities, people, person_merges
from goodwill.ledger.writer import EventWriter

ANN = "email:ann@example.com"


def _writer(conn: Connection) -> EventWriter:
    import_id = begin_import(conn, source="test", path="-", sha256="0" * 64, options=None, now_us=0)
    return EventWriter(conn, source="test", import_id=import_id, now_us=1)


def _identity(conn: Connection, handle: str) -> tuple[str | None, dict[str, str]]:
    network, account = handle.split(":", 1)
    row = conn.execute(
        select(identities.c.display_name, identities.c.attributes).where(
            identities.c.network == network, identities.c.account == account
        )
    ).one()
    return row.display_name, json.loads(row.attributes) if row.attributes else {}


def test_attributes_merge_key_by_key_and_a_missing_name_keeps_the_known_one(
    ledger: Ledger,
) -> None:
    with ledger.write() as conn:
        _writer(conn).add_identities([Identity(ANN, "Ann Lee", {"city": "Porto", "bio": "potter"})])
    with ledger.write() as conn:
        writer = _writer(conn)
        writer.add_identities([Identity(ANN, None, {"bio": "painter", "org": "Acme"})])
        writer.add_identities([Identity(ANN, None, {"title": "Boss"}), Identity(ANN, None, {})])
    with ledger.read() as conn:
        assert _identity(conn, ANN) == (
            "Ann Lee",
            {"city": "Porto", "bio": "painter", "org": "Acme", "title": "Boss"},
        )


def test_a_newer_name_replaces_the_old_one(ledger: Ledger) -> None:
    with ledger.write() as conn:
        _writer(conn).add_identities([Identity(ANN, "Ann"), Identity(ANN, "Ann Lee")])
    with ledger.read() as conn:
        assert _identity(conn, ANN) == ("Ann Lee", {})


def _link(conn: Connection, *links: Link) -> int:
    writer = _writer(conn)
    writer.add_links(list(links))
    return writer.counts.people_merged


def test_a_link_makes_its_handles_one_person_named_by_it(ledger: Ledger) -> None:
    handles = (ANN, "mastodon:@ann@a.social", "x:@ann")
    with ledger.write() as conn:
        _writer(conn).add_identities([Identity(h) for h in reversed(handles)])
    with ledger.write() as conn:
        assert _link(conn, Link(handles, "vcard u1", "Ann Lee")) == 2
        assert _link(conn, Link(handles, "vcard u1", "Ann Lee")) == 0  # again: nothing to do
    with ledger.read() as conn:
        person = identity_person(conn, ANN)
        assert {identity_person(conn, h) for h in handles} == {person}
        assert person == min(conn.execute(select(people.c.id)).scalars())  # the oldest
        name = conn.execute(select(people.c.display_name).where(people.c.id == person))
        assert name.scalar_one() == "Ann Lee"
        reasons = conn.execute(select(person_merges.c.reason)).scalars().all()
        assert reasons == ["vcard u1", "vcard u1"]


def test_the_owner_takes_in_the_others(ledger: Ledger) -> None:
    with ledger.write() as conn:
        _writer(conn).add_identities([Identity("x:@me"), Identity("email:me@example.com")])
        owner = set_owner(conn, ["email:me@example.com"], now_us=1)
        _link(conn, Link(("x:@me", "email:me@example.com"), "vcard me"))
        assert identity_person(conn, "x:@me") == owner


def test_a_handle_two_links_share_joins_nobody(ledger: Ledger) -> None:
    home = "tel:+351220000000"
    with ledger.write() as conn:
        merged = _link(
            conn,
            Link(("email:ann@x.org", home, "x:@ann"), "vcard ann"),
            Link(("email:al@x.org", home), "vcard al"),
            Link(("x:@ann",), "vcard ann"),  # the same card twice shares nothing with itself
        )
        assert merged == 1
        ann, al = identity_person(conn, "email:ann@x.org"), identity_person(conn, "email:al@x.org")
        assert ann != al and identity_person(conn, "x:@ann") == ann
        assert identity_person(conn, home) not in (ann, al)


def test_identities_the_user_split_off_stay_apart(ledger: Ledger) -> None:
    card = Link(("email:ann@x.org", "x:@ann", "x:@not_ann"), "vcard ann")
    with ledger.write() as conn:
        _link(conn, card)
        wrong = conn.execute(
            select(person_merges.c.id).order_by(person_merges.c.id.desc()).limit(1)
        ).scalar_one()
        unmerge(conn, wrong, now_us=2)
        grown = Link((*card.handles, "mastodon:@ann@a.social"), "vcard ann")
        assert _link(conn, grown) == 1  # the new account joins; the split-off one does not
        ann = identity_person(conn, "email:ann@x.org")
        assert identity_person(conn, "mastodon:@ann@a.social") == ann
        assert identity_person(conn, "x:@not_ann") != ann
