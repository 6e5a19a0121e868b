"""Reading the ledger for people: counts, people, one person's identities and timeline."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Row, and_, func, or_, select, union_all

from goodwill.errors import NotFoundError, StoreError
from goodwill.events import from_time_us, has_network
from goodwill.ledger.people import current_person, identity_person, require_owner
from goodwill.ledger.schema import events, identities, imports, people, person_merges

__all__ = [
    "PersonRow",
    "TimelineEntry",
    "find_person",
    "identity_activity",
    "known_networks",
    "list_people",
    "person_identities",
    "person_merge_history",
    "person_names",
    "person_networks",
    "reciprocal_contacts",
    "stats",
    "timeline",
]


def stats(conn: Connection) -> dict[str, Any]:
    """Counts of everything in the store, with events by kind and by source."""

    def count(table: Any, *where: Any) -> int:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())

    by_kind: dict[str, int] = dict(
        conn.execute(
            select(events.c.kind, func.count()).group_by(events.c.kind).order_by(events.c.kind)
        ).all()
    )
    by_source: dict[str, int] = dict(
        conn.execute(
            select(events.c.source, func.count())
            .group_by(events.c.source)
            .order_by(events.c.source)
        ).all()
    )
    first, last = conn.execute(
        select(func.min(events.c.occurred_at), func.max(events.c.occurred_at))
    ).one()
    return {
        "events": count(events),
        "identities": count(identities),
        "people": count(people, people.c.merged_into.is_(None)),
        "imports": count(imports),
        "by_kind": {k: int(v) for k, v in by_kind.items()},
        "by_source": {k: int(v) for k, v in by_source.items()},
        "first_event": None if first is None else from_time_us(first).isoformat(),
        "last_event": None if last is None else from_time_us(last).isoformat(),
    }


@dataclass(frozen=True)
class PersonRow:
    """A person as listings show them."""

    id: int
    name: str
    identities: list[str]
    events: int


#: Per engine: the events table's version and how many events each identity took part in.
_ACTIVITY_KEPT: weakref.WeakKeyDictionary[Engine, tuple[tuple[object, ...], dict[int, int]]] = (
    weakref.WeakKeyDictionary()
)
_ACTIVITY_LOCK = threading.Lock()


def _events_version(conn: Connection) -> tuple[object, ...]:
    """What changes whenever an identity's count of events can: the events' count (a
    deletion, by ``goodwill forget``) and highest id (an insertion), and the highest import
    id (ids a deletion freed can come back, but never in the same import). Index look-ups
    and one count: a few milliseconds at a million events."""
    return tuple(
        conn.execute(
            select(
                select(func.count()).select_from(events).scalar_subquery(),
                select(func.max(events.c.id)).scalar_subquery(),
                select(func.max(imports.c.id)).scalar_subquery(),
            )
        ).one()
    )


def identity_activity(conn: Connection) -> dict[int, int]:
    """How many events each identity acted in or was the target of (an identity with
    none is absent).

    Counting a million events takes a tenth of a second even through the covering
    ``(actor_id, occurred_at)`` and ``(target_id, occurred_at)`` indexes, and every people
    search ranks by it, so the counts are kept per store (engine) and recounted only when
    the events changed (:func:`_events_version`). The caller must not change the dict.
    """
    version = _events_version(conn)
    with _ACTIVITY_LOCK:
        kept = _ACTIVITY_KEPT.get(conn.engine)
    if kept is not None and kept[0] == version:
        return kept[1]
    counts: dict[int, int] = {}
    for column in (events.c.actor_id, events.c.target_id):
        query = select(column, func.count()).where(column.is_not(None)).group_by(column)
        for identity, n in conn.execute(query):
            counts[identity] = counts.get(identity, 0) + int(n)
    with _ACTIVITY_LOCK:
        _ACTIVITY_KEPT[conn.engine] = (version, counts)
    return counts


def _contains(column: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """Whether ``column`` holds ``text``, ignoring case, every character literal (a searched
    ``%`` or ``_`` is no wildcard). SQLite's ``lower`` folds ASCII letters only, so the text
    as typed is matched too: "Émile" finds Émile on every store, "émile" only on PostgreSQL."""
    return or_(
        func.lower(column).contains(text.lower(), autoescape=True),
        column.contains(text, autoescape=True),
    )


def list_people(
    conn: Connection,
    *,
    search: str | None = None,
    limit: int = 50,
    network: str | None = None,
    among: Collection[int] | None = None,
) -> list[PersonRow]:
    """People (not merged away), most active first, optionally matching ``search``.

    ``search`` matches, case-insensitively, a person's name or any identity's account, every
    character taken literally (see :func:`_contains`); ``network`` keeps people with an
    account on that network; ``among`` keeps only those person ids (the web app's stage and
    circle filters pass the people that match them).
    """
    query = (
        select(people.c.id, people.c.display_name, identities.c.id)
        .join(identities, identities.c.person_id == people.c.id)
        .where(people.c.merged_into.is_(None))
    )
    if search:
        handle = identities.c.network + ":" + identities.c.account
        fields = (identities.c.account, identities.c.display_name, handle)
        matching = select(identities.c.person_id).where(
            or_(*(_contains(c, search) for c in fields))
        )
        query = query.where(
            or_(_contains(people.c.display_name, search), people.c.id.in_(matching))
        )
    if network:
        on_network = select(identities.c.person_id).where(identities.c.network == network)
        query = query.where(people.c.id.in_(on_network))
    if among is not None:
        query = query.where(people.c.id.in_(sorted(among)))
    # counted per person here from the kept per-identity counts, not by the database
    counts = identity_activity(conn)
    names: dict[int, str] = {}
    totals: dict[int, int] = {}
    for person, name, identity in conn.execute(query):
        names[person] = name
        totals[person] = totals.get(person, 0) + counts.get(identity, 0)
    ranked = sorted(totals, key=lambda person: (-totals[person], person))[:limit]
    handles = _handles_of(conn, ranked)
    return [PersonRow(p, names[p], handles.get(p, []), totals[p]) for p in ranked]


def _handles_of(conn: Connection, person_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for start in range(0, len(person_ids), 500):
        chunk = person_ids[start : start + 500]
        rows = conn.execute(
            select(identities.c.person_id, identities.c.network, identities.c.account)
            .where(identities.c.person_id.in_(chunk))
            .order_by(identities.c.id)
        )
        for pid, network, account in rows:
            out.setdefault(pid, []).append(f"{network}:{account}")
    return out


def known_networks(conn: Connection) -> list[str]:
    """Every network some identity in the store is on, sorted: what a filter can offer."""
    query = select(identities.c.network).distinct().order_by(identities.c.network)
    return [str(n) for n in conn.execute(query).scalars()]


def person_networks(conn: Connection, person_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The networks each person has an account on, sorted (people without any left out)."""
    handles = _handles_of(conn, list(dict.fromkeys(int(i) for i in person_ids)))
    return {
        person: tuple(sorted({h.partition(":")[0] for h in held}))
        for person, held in handles.items()
    }


def person_names(conn: Connection, person_ids: Iterable[int]) -> dict[int, str]:
    """The display name of each person id, for reports (ids not in the store are left out)."""
    wanted = list(dict.fromkeys(int(i) for i in person_ids))
    found: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        rows = conn.execute(
            select(people.c.id, people.c.display_name).where(
                people.c.id.in_(wanted[start : start + 500])
            )
        )
        found.update({int(i): str(n) for i, n in rows})
    return found


def find_person(conn: Connection, query: str) -> int:
    """Resolve what a user typed to one person: an id, a ``network:account``, or a name.

    A name must match exactly one person (case-insensitively, in full or in part); otherwise
    the error lists the candidates.
    """
    query = query.strip()
    if query.isdigit():
        return current_person(conn, int(query))
    if has_network(query):
        try:
            return identity_person(conn, query)
        except NotFoundError:
            pass
    exact = (
        conn.execute(
            select(people.c.id).where(
                people.c.merged_into.is_(None), func.lower(people.c.display_name) == query.lower()
            )
        )
        .scalars()
        .all()
    )
    if len(exact) == 1:
        return int(exact[0])
    candidates = list_people(conn, search=query, limit=6)
    if len(candidates) == 1:
        return candidates[0].id
    if not candidates:
        raise NotFoundError(f"nobody matches {query!r}; goodwill people --search TEXT finds people")
    listed = "; ".join(f"{c.id} {c.name}" for c in candidates[:5])
    raise StoreError(f"{query!r} matches several people ({listed}); name one by its id")


def person_identities(conn: Connection, person_id: int) -> list[Row[Any]]:
    """The identities a person holds now."""
    return list(
        conn.execute(
            select(identities).where(identities.c.person_id == person_id).order_by(identities.c.id)
        ).all()
    )


def person_merge_history(conn: Connection, person_id: int) -> list[Row[Any]]:
    """Merges into or out of this person, newest first."""
    return list(
        conn.execute(
            select(person_merges)
            .where(
                or_(
                    person_merges.c.survivor_id == person_id, person_merges.c.merged_id == person_id
                )
            )
            .order_by(person_merges.c.id.desc())
        ).all()
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One event seen from a person's side."""

    event_id: int
    time_us: int
    kind: str
    outgoing: bool
    counterpart: str | None
    counterpart_name: str | None
    value: float | None
    text: str | None
    source: str


def timeline(
    conn: Connection,
    person_id: int,
    *,
    limit: int = 50,
    until_us: int | None = None,
    exclude_kinds: Collection[str] = (),
) -> list[TimelineEntry]:
    """A person's most recent events at or before ``until_us`` (default: all), newest
    first, from all their identities, leaving out events of ``exclude_kinds``."""
    mine = select(identities.c.id).where(identities.c.person_id == person_id)
    own = set(conn.execute(mine).scalars())
    if not own:
        return []
    bounds = []
    if until_us is not None:
        bounds.append(events.c.occurred_at <= until_us)
    if exclude_kinds:
        bounds.append(events.c.kind.not_in(sorted(exclude_kinds)))
    actor_side = select(events).where(events.c.actor_id.in_(own), *bounds)
    target_side = select(events).where(
        events.c.target_id.in_(own), events.c.actor_id.not_in(own), *bounds
    )
    both = union_all(actor_side, target_side).subquery()
    rows = conn.execute(
        select(both).order_by(both.c.occurred_at.desc(), both.c.id.desc()).limit(limit)
    ).all()
    other_ids = {r.target_id if r.actor_id in own else r.actor_id for r in rows} - {None}
    names = _identity_labels(conn, other_ids)
    entries = []
    for r in rows:
        outgoing = r.actor_id in own
        other = r.target_id if outgoing else r.actor_id
        handle, name = names.get(other, (None, None)) if other is not None else (None, None)
        entries.append(
            TimelineEntry(
                r.id, r.occurred_at, r.kind, outgoing, handle, name, r.value, r.text, r.source
            )
        )
    return entries


def _identity_labels(conn: Connection, ids: set[int]) -> dict[int, tuple[str, str | None]]:
    out: dict[int, tuple[str, str | None]] = {}
    wanted = list(ids)
    for start in range(0, len(wanted), 500):
        rows = conn.execute(
            select(
                identities.c.id, identities.c.network, identities.c.account, people.c.display_name
            )
            .join(people, people.c.id == identities.c.person_id)
            .where(identities.c.id.in_(wanted[start : start + 500]))
        )
        for iid, network, account, name in rows:
            out[iid] = (f"{network}:{account}", name)
    return out


def reciprocal_contacts(
    conn: Connection, person_id: int | None = None, *, limit: int = 10
) -> list[dict[str, Any]]:
    """The people a person (the owner by default) has the most two-way exchange with.

    Ranked by the smaller of the two directions' event counts, then by the total: a
    relationship is as strong as its weaker side, and one-way volume counts for little.
    """
    if person_id is None:
        person_id = require_owner(conn)
    outgoing = _exchange_counts(person_id, outgoing=True)
    incoming = _exchange_counts(person_id, outgoing=False)
    weaker = (
        func.min(outgoing.c.n, incoming.c.n)
        if conn.dialect.name == "sqlite"
        else func.least(outgoing.c.n, incoming.c.n)
    )
    rows = conn.execute(
        select(
            people.c.id,
            people.c.display_name,
            outgoing.c.n.label("out_n"),
            incoming.c.n.label("in_n"),
            outgoing.c.last,
            incoming.c.last.label("last_in"),
        )
        .join(outgoing, outgoing.c.pid == people.c.id)
        .join(incoming, incoming.c.pid == people.c.id)
        .where(and_(people.c.merged_into.is_(None)))
        .order_by(weaker.desc(), (outgoing.c.n + incoming.c.n).desc(), people.c.id)
        .limit(limit)
    ).all()
    return [
        {
            "person": r.id,
            "name": r.display_name,
            "to_them": int(r.out_n),
            "from_them": int(r.in_n),
            "last_contact": from_time_us(max(r.last, r.last_in)).isoformat(),
        }
        for r in rows
    ]


def _exchange_counts(person_id: int, *, outgoing: bool) -> Any:
    """Per counterpart person: how many events went one way between them and ``person_id``
    (``n``) and when the latest was (``last``)."""
    own = select(identities.c.id).where(identities.c.person_id == person_id).scalar_subquery()
    other = identities.alias("other")
    mine, theirs = (
        (events.c.actor_id, events.c.target_id)
        if outgoing
        else (events.c.target_id, events.c.actor_id)
    )
    return (
        select(
            other.c.person_id.label("pid"),
            func.count().label("n"),
            func.max(events.c.occurred_at).label("last"),
        )
        .join(other, other.c.id == theirs)
        .where(mine.in_(own), other.c.person_id != person_id)
        .group_by(other.c.person_id)
        .subquery()
    )
