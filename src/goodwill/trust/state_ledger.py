"""Between the ledger and the trust state: interactions as records, and the few facts
about the ledger a state checks itself against.

Records are the columns :func:`~goodwill.trust.loading.read_event_columns` reads, kept as
one structured array (:data:`~goodwill.trust.state_files.RECORD`); :func:`aggregate` turns
any set of them into a :class:`~goodwill.trust.pair_state.PairState`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, func, select

from goodwill.ledger.schema import events, identities, person_merges
from goodwill.trust.distinct import among, distinct
from goodwill.trust.evidence import EventTable
from goodwill.trust.loading import TABLE_KINDS, EventColumns
from goodwill.trust.pair_state import US_PER_DAY, PairState, aggregate_records
from goodwill.trust.policy import Policy
from goodwill.trust.state_files import RECORD, Ints, Records

__all__ = [
    "aggregate",
    "by_window",
    "endpoints",
    "last_event",
    "merge_marks",
    "records_of",
    "remap_people",
    "within_reach",
]


def records_of(read: EventColumns) -> Records:
    """Columns read from the ledger as records."""
    records = np.empty(len(read), dtype=RECORD)
    records["event_id"], records["kind"] = read.event_id, read.kind
    records["actor_identity"], records["target_identity"] = (
        read.actor_identity,
        read.target_identity,
    )
    records["actor"], records["target"] = read.actor_person, read.target_person
    records["time_us"], records["value"] = read.time_us, read.value
    return records


def endpoints(records: Records) -> Ints:
    """Both people of every record."""
    return np.concatenate([records["actor"], records["target"]]).astype(np.int64)


def within_reach(records: Records, absorbed: Records) -> tuple[Ints, npt.NDArray[np.bool_]]:
    """Who ``absorbed`` (new records, among ``records``) can change the pairs of, and which
    of ``records`` a window's pairs with them need: the people of the new records, and
    every record with one of them or one of their counterparts.

    A pair's sums in a window depend on its own records there and on how personal each
    act was, the breadth of its actor's attention in that window (how many people they
    acted for); new records change only pairs with one of their people (the others' records
    and breadths stay as they were), and such a pair's breadths are those of its two
    people, each complete once every record of theirs is in. Aggregating just these
    records therefore gives those pairs exactly (the other pairs it gives, with partial
    breadths, are left out: :meth:`~goodwill.trust.pair_state.PairState.touching`).
    A batch of 10k events among a million people reaches about half of its window's
    records, and the window is aggregated twice (before and after) at each refresh."""
    reached = distinct(endpoints(absorbed))
    actor, target = records["actor"].astype(np.int64), records["target"].astype(np.int64)
    touching = among(reached, actor) | among(reached, target)
    near = distinct(np.concatenate([reached, actor[touching], target[touching]]))
    return reached, among(near, actor) | among(near, target)


def by_window(records: Records, policy: Policy) -> dict[int, Records]:
    """``records`` split by saturation window."""
    window = records["time_us"] // int(policy.window_days * US_PER_DAY)
    order = np.argsort(window, kind="stable")
    cuts = np.flatnonzero(np.diff(window[order])) + 1
    return {int(window[part[0]]): records[part] for part in np.split(order, cuts) if len(part)}


def aggregate(records: Records, policy: Policy, *, reference_us: int, until_us: int) -> PairState:
    """The pair state of ``records`` (whole windows), decayed to ``reference_us``."""
    people, dense = np.unique(endpoints(records), return_inverse=True)
    dense = dense.astype(np.int64)
    table = EventTable(
        actor=dense[: len(records)],
        target=dense[len(records) :],
        kind=records["kind"].astype(np.int64),
        time_us=records["time_us"].astype(np.int64),
        value=records["value"].astype(np.float64),
        event_id=records["event_id"].astype(np.int64),
        kinds=TABLE_KINDS,
        n_nodes=len(people),
    )
    return aggregate_records(table, people.astype(np.int64), policy, reference_us, until_us)


def last_event(conn: Connection, event_id: int | None = None) -> tuple[int, tuple[int, int, int]]:
    """The ledger's last event id (or ``event_id``) and a check of that event: its time,
    actor and target identity (-1 for none); ``(0, (0, 0, 0))`` for no event."""
    if event_id is None:
        event_id = conn.execute(select(func.coalesce(func.max(events.c.id), 0))).scalar_one()
    row = conn.execute(
        select(events.c.occurred_at, events.c.actor_id, events.c.target_id).where(
            events.c.id == event_id
        )
    ).first()
    if row is None:
        return int(event_id), (0, 0, 0)
    return int(event_id), (int(row[0]), int(row[1]), -1 if row[2] is None else int(row[2]))


def merge_marks(conn: Connection) -> tuple[int, ...]:
    """What changes whenever people are merged or a merge is undone."""
    row = conn.execute(
        select(
            func.count(),
            func.coalesce(func.max(person_merges.c.id), 0),
            func.count(person_merges.c.undone_at),
            func.coalesce(func.max(person_merges.c.undone_at), 0),
        )
    ).one()
    return tuple(int(value) for value in row)


def remap_people(conn: Connection, records: Records) -> Records:
    """``records`` with each identity's current person."""
    wanted = distinct(np.concatenate([records["actor_identity"], records["target_identity"]]))
    ids: list[int] = []
    persons: list[int] = []
    for start in range(0, len(wanted), 10_000):
        chunk = wanted[start : start + 10_000].tolist()
        rows = conn.execute(
            select(identities.c.id, identities.c.person_id).where(identities.c.id.in_(chunk))
        ).all()
        ids.extend(r[0] for r in rows)
        persons.extend(r[1] for r in rows)
    order = np.argsort(np.asarray(ids, dtype=np.int64))
    known, person = np.asarray(ids, dtype=np.int64)[order], np.asarray(persons, np.int64)[order]
    mapped = records.copy()
    for side in ("actor", "target"):
        mapped[side] = person[np.searchsorted(known, records[f"{side}_identity"])]
    return mapped
