"""From the ledger to columns: the one place that maps people to matrix indices.

Events are stored between identities; trust is between people. :func:`load_events` reads
every event with a target, maps both sides to the person who holds the identity now (so a
merge takes effect at once and an unmerge undoes it), and gives each person a dense index.
:class:`PersonIndex` owns that mapping in both directions; nothing else builds one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, case, literal, select
from sqlalchemy.orm import aliased

from goodwill.errors import NotFoundError
from goodwill.events import KINDS, NOTE_KINDS
from goodwill.ledger.schema import events, identities
from goodwill.trust.evidence import EventTable

__all__ = ["TABLE_KINDS", "EventColumns", "PersonIndex", "load_events", "read_event_columns"]

Ints = npt.NDArray[np.int64]
# the kinds an event table's codes index: every kind but the owner's notes
TABLE_KINDS = tuple(sorted(KINDS - NOTE_KINDS))
_CHUNK = 100_000


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


def read_event_columns(
    conn: Connection,
    *,
    after_id: int = 0,
    until_id: int | None = None,
    until_us: int | None = None,
) -> EventColumns:
    """Every interaction with a target whose id is above ``after_id`` (and at most
    ``until_id``; that happened by ``until_us``), as columns.

    The owner's notes (:data:`~goodwill.events.NOTE_KINDS`) are not interactions and are
    left out. Rows come through the driver's own cursor (a server-side one on PostgreSQL)
    in blocks straight into numpy, without a Python object per row beyond the driver's
    tuple: reading is what bounds rebuilding trust from a ledger of millions of events.
    """
    actor_identity = aliased(identities)
    target_identity = aliased(identities)
    kind_code = case(
        *((events.c.kind == kind, literal(code)) for code, kind in enumerate(TABLE_KINDS)),
        else_=literal(-1),
    )
    query = (
        select(
            events.c.id,
            events.c.actor_id,
            events.c.target_id,
            actor_identity.c.person_id,
            target_identity.c.person_id,
            kind_code,
            events.c.occurred_at,
            events.c.value,
        )
        .join(actor_identity, actor_identity.c.id == events.c.actor_id)
        .join(target_identity, target_identity.c.id == events.c.target_id)
        .where(events.c.id > after_id, events.c.kind.in_(TABLE_KINDS))
        .order_by(events.c.id)
    )
    if until_us is not None:
        query = query.where(events.c.occurred_at <= until_us)
    if until_id is not None:
        query = query.where(events.c.id <= until_id)
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    raw = conn.connection.driver_connection
    postgres = conn.dialect.name == "postgresql"
    cursor = raw.cursor(name="goodwill_events") if postgres else raw.cursor()  # type: ignore[union-attr]
    parts: list[npt.NDArray[np.float64]] = []
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(_CHUNK):
            # float64 holds ids exactly and microsecond times until the year 2255
            parts.append(np.array(rows, dtype=np.float64))
    finally:
        cursor.close()
    block = np.concatenate(parts) if parts else np.zeros((0, 8))
    event_id, actor, target, actor_person, target_person, kind, time_us = (
        block[:, c].astype(np.int64) for c in range(7)
    )
    return EventColumns(
        event_id, actor, target, actor_person, target_person, kind, time_us, block[:, 7].copy()
    )


def load_events(conn: Connection, *, until_us: int | None = None) -> tuple[EventTable, PersonIndex]:
    """Every interaction with a target (up to ``until_us``) as columns over people's indices.

    The owner's notes (:data:`~goodwill.events.NOTE_KINDS`) are not interactions and are
    left out.
    """
    read = read_event_columns(conn, until_us=until_us)
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
