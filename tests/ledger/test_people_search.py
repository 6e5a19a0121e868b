"""People search ranks by activity counted once per store version, not at every request.

``list_people`` used to count every event per identity inside its query; now the counts
are kept per store and recounted when the events change. This file keeps the former
query as the reference and checks the two agree on a seeded history, and keep agreeing
after everything that changes a count or a grouping: an import, a merge, forgetting
someone, and a second store in the same process.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from pathlib import Path

from sqlalchemy import Connection, func, or_, select, union_all

from goodwill.events import Event
from goodwill.ledger import Ledger, open_ledger
from goodwill.ledger.forget import forget_people
from goodwill.ledger.people import identity_person, merge_people
from goodwill.ledger.queries import _contains, identity_activity, list_people
from goodwill.ledger.schema import events, identities, people
from tests.ledger.test_writer import _writer

HANDLES = [f"{net}:@u{n}" for net in ("x", "mastodon", "bluesky") for n in range(12)]
SEARCHES = (None, "u1", "U1", "x:@u", "mastodon", "nobody", "%", "_")


def _former(
    conn: Connection,
    search: str | None = None,
    network: str | None = None,
    among: Collection[int] | None = None,
    limit: int = 50,
) -> list[tuple[int, int]]:
    """The former ranking: every event counted per identity inside the query."""
    both = union_all(
        select(events.c.actor_id.label("identity_id")),
        select(events.c.target_id.label("identity_id")).where(events.c.target_id.is_not(None)),
    ).subquery()
    activity = (
        select(both.c.identity_id, func.count().label("n")).group_by(both.c.identity_id).subquery()
    )
    total = func.coalesce(func.sum(activity.c.n), 0)
    query = (
        select(people.c.id, total)
        .join(identities, identities.c.person_id == people.c.id)
        .outerjoin(activity, activity.c.identity_id == identities.c.id)
        .where(people.c.merged_into.is_(None))
        .group_by(people.c.id)
        .order_by(total.desc(), people.c.id)
        .limit(limit)
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
        query = query.where(
            people.c.id.in_(select(identities.c.person_id).where(identities.c.network == network))
        )
    if among is not None:
        query = query.where(people.c.id.in_(sorted(among)))
    return [(int(p), int(n)) for p, n in conn.execute(query)]


def _add(ledger: Ledger, seed: int, count: int) -> None:
    """``count`` seeded events among :data:`HANDLES` (some posts), as one import."""
    pick = random.Random(seed)
    with ledger.write() as conn:
        writer = _writer(conn, source=f"seed{seed}")
        writer.add_events(
            [
                Event(
                    pick.choice(["reply", "like", "message", "post"]),
                    pick.choice(HANDLES[: 10 + seed]),  # later imports reach more people
                    None if pick.random() < 0.1 else pick.choice(HANDLES),
                    1_700_000_000_000_000 + n,
                    f"s{seed}-{n}",
                )
                for n in range(count)
            ]
        )


def _agree(ledger: Ledger) -> None:
    with ledger.read() as conn:
        everyone = [p for p, _ in _former(conn, limit=1000)]
        for search in SEARCHES:
            for network, among in ((None, None), ("x", None), (None, set(everyone[::3]))):
                found = list_people(conn, search=search, limit=7, network=network, among=among)
                assert [(r.id, r.events) for r in found] == _former(
                    conn, search, network, among, limit=7
                ), (search, network, among)
        assert len(list_people(conn, limit=1000)) == len(everyone)


def test_the_ranking_equals_counting_in_the_query_through_every_change(ledger: Ledger) -> None:
    _add(ledger, 1, 400)
    _agree(ledger)
    with ledger.read() as conn:
        top = list_people(conn, limit=1)[0]
    _add(ledger, 2, 300)  # an import: more events, new people in the ranking
    _agree(ledger)
    with ledger.read() as conn:
        assert list_people(conn, search=top.identities[0], limit=1)[0].events > top.events
    with ledger.write() as conn:  # a merge: one person now sums two identities' counts
        merge_people(
            conn,
            identity_person(conn, "x:@u1"),
            identity_person(conn, "mastodon:@u1"),
            reason="same person",
            now_us=1,
        )
    _agree(ledger)
    with ledger.read() as conn:
        gone = identity_person(conn, "x:@u2")
        before = dict(identity_activity(conn))
    forget_people(ledger, [gone])  # fewer events: the people they talked with count less
    _agree(ledger)
    with ledger.read() as conn:
        after = identity_activity(conn)
    assert sum(after.values()) < sum(before.values())


def test_two_stores_in_one_process_keep_their_own_counts(tmp_path: Path) -> None:
    with (
        open_ledger(f"sqlite:///{tmp_path / 'one.db'}") as one,
        open_ledger(f"sqlite:///{tmp_path / 'two.db'}") as two,
    ):
        _add(one, 1, 200)
        _add(two, 3, 200)  # same size, other people
        for ledger in (one, two, one):
            _agree(ledger)
