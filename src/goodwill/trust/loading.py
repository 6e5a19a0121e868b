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
from sqlalchemy import Connection, select
from sqlalchemy.orm import aliased

from goodwill.errors import NotFoundError
from goodwill.events import KINDS, NOTE_KINDS
from goodwill.ledger.schema import events, identities
from goodwill.trust.evidence import EventTable

__all__ = ["PersonIndex", "load_events"]

Ints = npt.NDArray[np.int64]
_KINDS = tuple(sorted(KINDS - NOTE_KINDS))
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


def load_events(conn: Connection, *, until_us: int | None = None) -> tuple[EventTable, PersonIndex]:
    """Every interaction with a target (up to ``until_us``) as columns over people's indices.

    The owner's notes (:data:`~goodwill.events.NOTE_KINDS`) are not interactions and are
    left out.
    """
    actor_identity = aliased(identities)
    target_identity = aliased(identities)
    query = (
        select(
            events.c.id,
            events.c.kind,
            events.c.occurred_at,
            events.c.value,
            actor_identity.c.person_id,
            target_identity.c.person_id,
        )
        .join(actor_identity, actor_identity.c.id == events.c.actor_id)
        .join(target_identity, target_identity.c.id == events.c.target_id)
        .order_by(events.c.id)
    )
    if until_us is not None:
        query = query.where(events.c.occurred_at <= until_us)
    kind_code = {kind: code for code, kind in enumerate(_KINDS)}
    parts: list[npt.NDArray[np.float64]] = []
    result = conn.execution_options(yield_per=_CHUNK).execute(query)
    for rows in result.partitions(_CHUNK):
        block = np.array(
            [
                (
                    event_id,
                    kind_code.get(kind, -1),
                    when,
                    np.nan if value is None else value,
                    actor,
                    target,
                )
                for event_id, kind, when, value, actor, target in rows
            ],
            dtype=np.float64,
        )
        parts.append(block)
    columns = np.concatenate(parts) if parts else np.zeros((0, 6))
    columns = columns[columns[:, 1] >= 0]
    people, dense = np.unique(columns[:, 4:6].astype(np.int64), return_inverse=True)
    dense = dense.reshape(-1, 2).astype(np.int64)
    table = EventTable(
        actor=dense[:, 0],
        target=dense[:, 1],
        kind=columns[:, 1].astype(np.int64),
        # float64 holds microsecond times exactly until the year 2255
        time_us=columns[:, 2].astype(np.int64),
        value=columns[:, 3].copy(),
        event_id=columns[:, 0].astype(np.int64),
        kinds=_KINDS,
        n_nodes=len(people),
    )
    return table, PersonIndex(people.astype(np.int64))
