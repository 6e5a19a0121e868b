"""Everything people did, as columns: the one read of the ledger the insights share.

Trust reads only interactions between two people (:func:`goodwill.trust.loading.load_events`).
Insights need more: the owner's own posts (what was shared, what is self-promotion), which
event answers which (a mention nobody answered, a share nobody thanked), and the
identities involved (a Mastodon list exports accounts, not people). :func:`load_activity`
reads all of it once, as numpy columns over person ids, in time order. Texts are large and
most insights need a few of them, so they are read on demand with :func:`event_texts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, and_, select
from sqlalchemy.orm import aliased

from goodwill.events import KINDS, NOTE_KINDS
from goodwill.ledger.people import owner_person
from goodwill.ledger.schema import events, identities

__all__ = ["Activity", "event_texts", "identity_handles", "load_activity"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
_KINDS = tuple(sorted(KINDS - NOTE_KINDS))
_CHUNK = 100_000
_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Activity:
    """Every interaction and post up to ``at_us``, one row per event, in time order.

    People are person ids as of now (merges applied); ``target`` is -1 for a post.
    ``answers`` is the row of the event this one replies to, thanks for or follows back,
    or -1 (none named, or not in the ledger).
    """

    event_id: Ints
    kind: Ints  # codes into ``kinds``
    time_us: Ints
    actor: Ints
    target: Ints
    actor_identity: Ints
    target_identity: Ints
    answers: Ints
    value: Floats
    kinds: tuple[str, ...]
    owner: int | None
    at_us: int

    def __len__(self) -> int:
        return len(self.event_id)

    def code(self, kind: str) -> int:
        """The code of ``kind`` in :attr:`kind`; -1 for a kind with no events here."""
        return self.kinds.index(kind) if kind in self.kinds else -1

    def is_kind(self, *names: str) -> Mask:
        """Rows whose kind is any of ``names``."""
        codes = [self.kinds.index(n) for n in names if n in self.kinds]
        return np.isin(self.kind, codes)

    def kind_name(self, row: int) -> str:
        """The kind of the event at ``row``."""
        return self.kinds[int(self.kind[row])]

    def answered(self) -> Mask:
        """Rows that some later event answers (a reply, a thanks, a follow-back)."""
        done = np.zeros(len(self), dtype=bool)
        done[self.answers[self.answers >= 0]] = True
        return done

    def row_of(self, event_ids: Iterable[int]) -> Ints:
        """The rows of the given event ids; -1 for an id not loaded here."""
        wanted = np.asarray(list(event_ids), dtype=np.int64)
        order = np.argsort(self.event_id, kind="stable")
        position = np.searchsorted(self.event_id, wanted, sorter=order)
        position = np.minimum(position, max(len(order) - 1, 0))
        rows = order[position] if len(order) else np.full(len(wanted), -1)
        return np.where((len(order) > 0) & (self.event_id[rows] == wanted), rows, -1).astype(
            np.int64
        )

    def until(self, at_us: int) -> Activity:
        """The activity as :func:`load_activity` would read it up to an earlier ``at_us``,
        without reading the ledger again: rows are in time order, so it is a prefix, and an
        answer to a row past the prefix is no answer (as the loader would not link it)."""
        if at_us > self.at_us:
            raise ValueError(f"the activity ends at {self.at_us}; it cannot reach {at_us}")
        if at_us == self.at_us:
            return self
        end = int(np.searchsorted(self.time_us, at_us, side="right"))
        answers = self.answers[:end].copy()
        answers[answers >= end] = -1
        return replace(
            self,
            event_id=self.event_id[:end],
            kind=self.kind[:end],
            time_us=self.time_us[:end],
            actor=self.actor[:end],
            target=self.target[:end],
            actor_identity=self.actor_identity[:end],
            target_identity=self.target_identity[:end],
            answers=answers,
            value=self.value[:end],
            at_us=at_us,
        )


def load_activity(conn: Connection, *, until_us: int) -> Activity:
    """Read every interaction and post at or before ``until_us`` (notes are left out)."""
    actor_identity = aliased(identities)
    target_identity = aliased(identities)
    query = (
        select(
            events.c.id,
            events.c.kind,
            events.c.occurred_at,
            events.c.value,
            events.c.actor_id,
            events.c.target_id,
            actor_identity.c.person_id,
            target_identity.c.person_id,
        )
        .join(actor_identity, actor_identity.c.id == events.c.actor_id)
        .outerjoin(target_identity, target_identity.c.id == events.c.target_id)
        .where(events.c.occurred_at <= until_us, events.c.kind.in_(_KINDS))
        .order_by(events.c.occurred_at, events.c.id)
    )
    code = {kind: index for index, kind in enumerate(_KINDS)}
    blocks: list[Floats] = []
    result = conn.execution_options(yield_per=_CHUNK).execute(query)
    for rows in result.partitions(_CHUNK):
        blocks.append(
            np.array(
                [
                    (
                        event_id,
                        code[kind],
                        when,
                        np.nan if value is None else value,
                        actor_id,
                        -1 if target_id is None else target_id,
                        actor,
                        -1 if target is None else target,
                    )
                    for event_id, kind, when, value, actor_id, target_id, actor, target in rows
                ],
                dtype=np.float64,
            )
        )
    columns = np.concatenate(blocks) if blocks else np.zeros((0, 8))
    # ids and microsecond times are exact in float64; the value column stays float
    as_int = np.nan_to_num(columns, nan=0.0).astype(np.int64)
    event_id = as_int[:, 0]
    activity = Activity(
        event_id=event_id,
        kind=as_int[:, 1],
        time_us=as_int[:, 2],
        actor=as_int[:, 6],
        target=as_int[:, 7],
        actor_identity=as_int[:, 4],
        target_identity=as_int[:, 5],
        answers=np.full(len(event_id), -1, dtype=np.int64),
        value=columns[:, 3].copy(),
        kinds=_KINDS,
        owner=owner_person(conn),
        at_us=until_us,
    )
    _link_answers(conn, activity, until_us)
    return activity


def _link_answers(conn: Connection, activity: Activity, until_us: int) -> None:
    """Fill ``answers``: an event names the one it answers by that event's external id in
    the same source, so the link is one join on the ledger's unique key."""
    answered = aliased(events)
    query = (
        select(events.c.id, answered.c.id)
        .join(
            answered,
            and_(answered.c.source == events.c.source, answered.c.external_id == events.c.answers),
        )
        .where(events.c.answers.is_not(None), events.c.occurred_at <= until_us)
    )
    # plain tuples: numpy probing SQLAlchemy rows for array protocols costs 4 us a row
    pairs = np.array([tuple(r) for r in conn.execute(query)], dtype=np.int64).reshape(-1, 2)
    if not len(pairs):
        return
    rows, targets = activity.row_of(pairs[:, 0]), activity.row_of(pairs[:, 1])
    keep = (rows >= 0) & (targets >= 0)
    activity.answers[rows[keep]] = targets[keep]


def event_texts(conn: Connection, event_ids: Iterable[int]) -> dict[int, str]:
    """The text of each of ``event_ids`` that has one."""
    wanted = list(dict.fromkeys(int(i) for i in event_ids))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        rows = conn.execute(
            select(events.c.id, events.c.text).where(
                events.c.id.in_(wanted[start : start + _IN_CHUNK]), events.c.text.is_not(None)
            )
        )
        found.update({int(i): str(t) for i, t in rows})
    return found


def identity_handles(conn: Connection, identity_ids: Iterable[int]) -> dict[int, str]:
    """``network:account`` for each of ``identity_ids``."""
    wanted = list(dict.fromkeys(int(i) for i in identity_ids if i >= 0))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        rows = conn.execute(
            select(identities.c.id, identities.c.network, identities.c.account).where(
                identities.c.id.in_(wanted[start : start + _IN_CHUNK])
            )
        )
        found.update({int(i): f"{n}:{a}" for i, n, a in rows})
    return found
