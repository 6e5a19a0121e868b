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

from goodwill.ledger.people import owner_person
from goodwill.ledger.schema import events, identities
from goodwill.trust.loading import TABLE_KINDS, EventColumns, read_event_columns

__all__ = ["Activity", "event_texts", "identity_handles", "load_activity"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
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

    def interactions(self) -> EventColumns:
        """The events with a target, in event id order, as the trust view reads them
        (:func:`goodwill.trust.loading.load_events`'s ``columns``): one read of the
        ledger then serves both."""
        rows = np.flatnonzero(self.target >= 0)
        rows = rows[np.argsort(self.event_id[rows], kind="stable")]
        return EventColumns(
            self.event_id[rows],
            self.actor_identity[rows],
            self.target_identity[rows],
            self.actor[rows],
            self.target[rows],
            self.kind[rows],
            self.time_us[rows],
            self.value[rows],
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


def load_activity(
    conn: Connection, *, until_us: int, columns: EventColumns | None = None
) -> Activity:
    """Read every interaction and post at or before ``until_us`` (notes are left out).

    ``columns`` are the same events already read
    (``read_event_columns(conn, until_us=until_us, posts=True)``): the web app reads them
    once per moment for the activity, and the trust view takes its interactions from the
    activity (:meth:`Activity.interactions`), so a moment reads the events table once.
    """
    if columns is None:
        columns = read_event_columns(conn, until_us=until_us, posts=True)
    else:
        columns = columns.select(columns.time_us <= until_us)
    order = np.lexsort((columns.event_id, columns.time_us))
    activity = Activity(
        event_id=columns.event_id[order],
        kind=columns.kind[order],
        time_us=columns.time_us[order],
        actor=columns.actor_person[order],
        target=columns.target_person[order],
        actor_identity=columns.actor_identity[order],
        target_identity=columns.target_identity[order],
        answers=np.full(len(order), -1, dtype=np.int64),
        value=columns.value[order],
        kinds=TABLE_KINDS,
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
