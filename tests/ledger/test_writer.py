"""The writer: identities resolved once, events appended once, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, func, select

from goodwill.errors import SourceError
from goodwill.events import Event, Identity
from goodwill.ledger import Ledger
from goodwill.ledger.imports import begin_import
from goodwill.ledger.schema import events, identities, people
from goodwill.ledger.writer import EventWriter


def _writer(conn: Connection, source: str = "test") -> EventWriter:
    import_id = begin_import(conn, source=source, path="-", sha256="0" * 64, options=None, now_us=0)
    return EventWriter(conn, source=source, import_id=import_id, now_us=1)


def _event(n: int, actor: str = "x:@a", target: str | None = "x:@b", kind: str = "reply") -> Event:
    return Event(kind, actor, target, 1_700_000_000_000_000 + n, f"e{n}", text=f"text {n}")


def _count(conn, table) -> int:  # type: ignore[no-untyped-def]
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_events_land_once_and_repeats_are_counted_as_present(ledger: Ledger) -> None:
    with ledger.write() as conn:
        writer = _writer(conn)
        writer.add_events([_event(1), _event(2), _event(1)])
        writer.add_events([_event(2), _event(3, target=None, kind="post")])
        assert (writer.counts.events_added, writer.counts.events_present) == (3, 2)
        assert writer.counts.identities_added == 2
    with ledger.read() as conn:
        assert _count(conn, events) == 3
        rows = conn.execute(select(events).order_by(events.c.external_id)).all()
        assert [r.external_id for r in rows] == ["e1", "e2", "e3"]
        assert rows[2].target_id is None and rows[2].kind == "post"
        assert rows[0].text == "text 1" and rows[0].occurred_at == 1_700_000_000_000_001


def test_same_external_id_from_another_source_is_another_event(ledger: Ledger) -> None:
    with ledger.write() as conn:
        _writer(conn, "one").add_events([_event(1)])
        second = _writer(conn, "two")
        second.add_events([_event(1)])
        assert second.counts.events_added == 1


def test_each_new_identity_gets_its_own_person_and_known_ones_are_reused(ledger: Ledger) -> None:
    with ledger.write() as conn:
        _writer(conn).add_events([_event(1, "x:@a", "x:@b")])
    with ledger.write() as conn:
        writer = _writer(conn)
        writer.add_events([_event(2, "x:@b", "email:c@example.com")])
        assert writer.counts.identities_added == 1
    with ledger.read() as conn:
        assert _count(conn, identities) == 3
        assert _count(conn, people) == 3
        owners = conn.execute(select(identities.c.person_id)).scalars().all()
        assert len(set(owners)) == 3


def test_identity_records_set_names_and_attributes(ledger: Ledger) -> None:
    with ledger.write() as conn:
        writer = _writer(conn)
        writer.add_identities(
            [Identity("email:ann@example.com", name="Ann Lee", attributes={"city": "Porto"})]
        )
        writer.add_events([_event(1, "email:ann@example.com", "x:@b")])
    with ledger.read() as conn:
        row = conn.execute(
            select(identities).where(identities.c.account == "ann@example.com")
        ).one()
        assert row.display_name == "Ann Lee"
        assert row.attributes == '{"city": "Porto"}'
        person = conn.execute(
            select(people.c.display_name).where(people.c.id == row.person_id)
        ).scalar()
        assert person == "Ann Lee"


@pytest.mark.parametrize(
    ("event", "needle"),
    [
        (Event("wave", "x:@a", "x:@b", 0, "e1"), "unknown kind 'wave'"),
        (Event("reply", "no-network", "x:@b", 0, "e1"), "expected network:account"),
        (Event("reply", "X:@a", "x:@b", 0, "e1"), "the network must be lower-case"),
    ],
)
def test_invalid_events_are_refused(ledger: Ledger, event: Event, needle: str) -> None:
    with pytest.raises(SourceError, match=needle), ledger.write() as conn:
        _writer(conn).add_events([event])
    with ledger.read() as conn:
        assert _count(conn, events) == 0 and _count(conn, identities) == 0


def test_many_new_identities_in_one_batch(ledger: Ledger) -> None:
    batch = [_event(n, f"net:{n}", f"net:{n + 1}") for n in range(3_000)]
    with ledger.write() as conn:
        writer = _writer(conn)
        writer.add_events(batch)
        assert writer.counts.identities_added == 3_001
    with ledger.read() as conn:
        pairs = conn.execute(
            select(events.c.external_id, identities.c.account).join(
                identities, identities.c.id == events.c.actor_id
            )
        ).all()
    assert all(external == f"e{account}" for external, account in pairs)
