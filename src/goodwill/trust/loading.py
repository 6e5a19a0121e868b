"""From the ledger to columns: the one place that maps people to matrix indices.

Events are stored between identities; trust is between people. :func:`load_events` reads
every event with a target, maps both sides to the person who holds the identity now (so a
merge takes effect at once and an unmerge undoes it), and gives each person a dense index.
:class:`PersonIndex` owns that mapping in both directions; nothing else builds one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Select, case, func, literal, select

from goodwill.errors import NotFoundError
from goodwill.events import KINDS, NOTE_KINDS
from goodwill.ledger.schema import events, identities
from goodwill.trust.distinct import distinct
from goodwill.trust.evidence import EventTable

__all__ = ["TABLE_KINDS", "EventColumns", "PersonIndex", "load_events", "read_event_columns"]

Ints = npt.NDArray[np.int64]
# the kinds an event table's codes index: every kind but the owner's notes
TABLE_KINDS = tuple(sorted(KINDS - NOTE_KINDS))
_CHUNK = 100_000
# Up to this many distinct identities, an event read looks up only those it names.
_NAMED_LOOKUP_LIMIT = 50_000
_CHUNK_IDS = 5_000  # identities per lookup query


@dataclass(frozen=True, slots=True)
class PersonIndex:
    """Person ids (sorted) and their dense indices ``0 .. len - 1``."""

    person_ids: Ints

    def __len__(self) -> int:
        return len(self.person_ids)

    def index(self, person_id: int) -> int:
        """The dense index of ``person_id``; an error if they have no events with a target."""
        position = int(np.searchsorted(self.person_ids, person_id))
        if position < len(self.person_ids) and self.person_ids[position] == person_id:
            return position
        raise NotFoundError(
            f"person {person_id} has no interactions with anyone yet, so there is no trust "
            "to show; import their history first"
        )

    def has(self, person_id: int) -> bool:
        """Whether ``person_id`` took part in any event with a target."""
        position = int(np.searchsorted(self.person_ids, person_id))
        return position < len(self.person_ids) and self.person_ids[position] == person_id

    def person(self, index: int) -> int:
        """The person id at dense ``index``."""
        return int(self.person_ids[index])


@dataclass(frozen=True, slots=True)
class EventColumns:
    """Interactions as read from the ledger: event ids, both identities and the people who
    hold them now, kind codes (indices into :data:`TABLE_KINDS`), times and values (NaN
    for none), in event id order."""

    event_id: Ints
    actor_identity: Ints
    target_identity: Ints
    actor_person: Ints
    target_person: Ints
    kind: Ints
    time_us: Ints
    value: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.event_id)

    def select(self, keep: npt.NDArray[np.bool_]) -> EventColumns:
        """The rows where ``keep`` is true, in the same order."""
        return EventColumns(
            self.event_id[keep],
            self.actor_identity[keep],
            self.target_identity[keep],
            self.actor_person[keep],
            self.target_person[keep],
            self.kind[keep],
            self.time_us[keep],
            self.value[keep],
        )


def read_event_columns(
    conn: Connection,
    *,
    after_id: int = 0,
    until_id: int | None = None,
    until_us: int | None = None,
    posts: bool = False,
) -> EventColumns:
    """Every interaction with a target whose id is above ``after_id`` (and at most
    ``until_id``; that happened by ``until_us``), as columns; with ``posts``, events
    without a target too (their target identity and person are -1), which is what
    :func:`goodwill.insights.activity.load_activity` reads: one read then serves both.

    The owner's notes (:data:`~goodwill.events.NOTE_KINDS`) are not interactions and are
    left out. Rows come through the driver's own cursor (a server-side one on PostgreSQL)
    in blocks straight into numpy, without a Python object per row beyond the driver's
    tuple: reading is what bounds rebuilding trust from a ledger of millions of events.
    """
    kind_code = case(
        *((events.c.kind == kind, literal(code)) for code, kind in enumerate(TABLE_KINDS)),
        else_=literal(-1),
    )
    # a post's missing target reads as -1: NULL would come through as NaN
    query = (
        select(
            events.c.id,
            events.c.actor_id,
            func.coalesce(events.c.target_id, -1),
            kind_code,
            events.c.occurred_at,
            events.c.value,
        )
        .where(events.c.id > after_id, events.c.kind.in_(TABLE_KINDS))
        .order_by(events.c.id)
    )
    if not posts:
        query = query.where(events.c.target_id.is_not(None))
    if until_us is not None:
        query = query.where(events.c.occurred_at <= until_us)
    if until_id is not None:
        query = query.where(events.c.id <= until_id)
    block = _fetch(conn, query, 6)
    event_id, actor, target, kind, time_us = (block[:, c].astype(np.int64) for c in range(5))
    # people are looked up here rather than joined per event in SQL (a third of the read);
    # identities are read after the events, so every identity an event names is there
    holders = _holders(conn, np.concatenate([actor, target]))
    holder = np.full(int(holders[:, 0].max()) + 1 if len(holders) else 0, -1, dtype=np.int64)
    holder[holders[:, 0]] = holders[:, 1]
    actor_person, target_person = _looked_up(holder, actor), _looked_up(holder, target)
    read = EventColumns(
        event_id, actor, target, actor_person, target_person, kind, time_us, block[:, 5].copy()
    )
    known = actor_person >= 0  # an event whose identity is gone is no event (as a join)
    if not posts:
        known &= target_person >= 0
    return read if known.all() else read.select(known)


def _holders(conn: Connection, named: Ints) -> Ints:
    """``(identity id, person id)`` rows for at least every identity in ``named``: all of
    them when the events are many, only those named when they are few (a refresh's new
    events: reading a million identities took half a second to place ten thousand)."""
    wanted = distinct(named[named >= 0])
    query = select(identities.c.id, identities.c.person_id)
    if len(wanted) > _NAMED_LOOKUP_LIMIT:
        return _fetch(conn, query, 2).astype(np.int64)
    if not len(wanted):
        return np.zeros((0, 2), dtype=np.int64)
    parts = [
        _fetch(conn, query.where(identities.c.id.in_(chunk.tolist())), 2)
        for chunk in np.array_split(wanted, -(-len(wanted) // _CHUNK_IDS))
    ]
    return np.concatenate([np.zeros((0, 2)), *parts]).astype(np.int64)


def _looked_up(holder: Ints, identity: Ints) -> Ints:
    """The person holding each identity, -1 for none (a post's -1, or an unknown id)."""
    inside = (identity >= 0) & (identity < len(holder))
    found = np.full(len(identity), -1, dtype=np.int64)
    found[inside] = holder[identity[inside]]
    return found


def _fetch(conn: Connection, query: Select[Any], width: int) -> npt.NDArray[np.float64]:
    """A numeric query's rows as one float64 block, through the driver's own cursor (a
    server-side one on PostgreSQL), a block of rows at a time."""
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    raw = conn.connection.driver_connection
    postgres = conn.dialect.name == "postgresql"
    cursor = raw.cursor(name="goodwill_columns") if postgres else raw.cursor()  # type: ignore[union-attr]
    parts: list[npt.NDArray[np.float64]] = []
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(_CHUNK):
            # float64 holds ids exactly and microsecond times until the year 2255
            parts.append(np.array(rows, dtype=np.float64))
    finally:
        cursor.close()
    return np.concatenate(parts) if parts else np.zeros((0, width))


def load_events(
    conn: Connection, *, until_us: int | None = None, columns: EventColumns | None = None
) -> tuple[EventTable, PersonIndex]:
    """Every interaction with a target (up to ``until_us``) as columns over people's indices.

    The owner's notes (:data:`~goodwill.events.NOTE_KINDS`) are not interactions and are
    left out. ``columns`` already read (in event id order, posts allowed: they are left
    out here, as are rows after ``until_us``) spare reading the ledger again; the result
    is the same as reading it.
    """
    if columns is None:
        read = read_event_columns(conn, until_us=until_us)
    else:
        keep = columns.target_person >= 0
        if until_us is not None:
            keep &= columns.time_us <= until_us
        read = columns if keep.all() else columns.select(keep)
    people, dense = np.unique(
        np.concatenate([read.actor_person, read.target_person]), return_inverse=True
    )
    dense = dense.astype(np.int64)
    table = EventTable(
        actor=dense[: len(read)],
        target=dense[len(read) :],
        kind=read.kind,
        time_us=read.time_us,
        value=read.value,
        event_id=read.event_id,
        kinds=TABLE_KINDS,
        n_nodes=len(people),
    )
    return table, PersonIndex(people.astype(np.int64))
