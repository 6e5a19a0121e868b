"""One read of the events per moment: the activity and the trust view share it.

``load_activity`` reads events with and without a target in one pass of the driver's
cursor; the trust view can take its interactions from that activity instead of reading
the table again. Both ways must give the same columns, and the same trust.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest
from sqlalchemy import func, select

from goodwill.events import NOTE_KINDS, Event
from goodwill.insights import Activity, load_activity
from goodwill.ledger import Ledger
from goodwill.ledger.schema import events
from goodwill.trust import loading
from goodwill.trust.evidence import EventTable
from goodwill.trust.loading import load_events, read_event_columns
from goodwill.trust.policy import default_policy
from goodwill.trust.report import open_view
from tests.insights.conftest import DemoStore
from tests.ledger.test_writer import _writer

DAY_US = 86_400_000_000


def _same(one: Activity | EventTable, other: Activity | EventTable) -> None:
    for field in fields(one):
        mine, theirs = getattr(one, field.name), getattr(other, field.name)
        if isinstance(mine, np.ndarray):
            assert mine.dtype == theirs.dtype, field.name
            assert np.array_equal(mine, theirs, equal_nan=True), field.name
        else:
            assert mine == theirs, field.name


def test_the_activity_holds_every_event_but_notes_in_time_order(demo: DemoStore) -> None:
    at = demo.at_us - 40 * DAY_US
    with demo.ledger.read() as conn:
        activity = load_activity(conn, until_us=at)
        expected = conn.execute(
            select(func.count()).where(
                events.c.occurred_at <= at, events.c.kind.not_in(sorted(NOTE_KINDS))
            )
        ).scalar_one()
        posts = conn.execute(
            select(func.count()).where(events.c.occurred_at <= at, events.c.target_id.is_(None))
        ).scalar_one()
    assert len(activity) == expected
    assert int((activity.target < 0).sum()) == posts > 0  # posts read too, target -1
    assert (activity.target_identity[activity.target < 0] == -1).all()
    order = np.lexsort((activity.event_id, activity.time_us))
    assert (order == np.arange(len(activity))).all()
    assert (activity.answers >= 0).any()


def test_columns_read_once_give_the_same_activity(demo: DemoStore) -> None:
    at = demo.at_us - 40 * DAY_US
    with demo.ledger.read() as conn:
        read = load_activity(conn, until_us=at)
        # columns read at the moment, or later: what is after the moment is left out
        for moment in (at, demo.at_us):
            columns = read_event_columns(conn, until_us=moment, posts=True)
            _same(load_activity(conn, until_us=at, columns=columns), read)


def test_the_trust_view_from_the_activity_equals_reading_the_ledger(demo: DemoStore) -> None:
    policy = default_policy()
    with demo.ledger.read() as conn:
        for at in (demo.at_us - 90 * DAY_US, demo.at_us):
            activity = load_activity(conn, until_us=at)
            table, index = load_events(conn, until_us=at)
            shared, shared_index = load_events(conn, until_us=at, columns=activity.interactions())
            _same(shared, table)
            assert np.array_equal(shared_index.person_ids, index.person_ids)
            view = open_view(conn, policy, at_us=at)
            from_activity = open_view(conn, policy, at_us=at, columns=activity.interactions())
            assert from_activity.relationships() == view.relationships()
            assert from_activity.standing(top=30) == view.standing(top=30)
        # an earlier moment's trust from a later activity: later events are left out
        early = demo.at_us - 90 * DAY_US
        later = load_activity(conn, until_us=demo.at_us).interactions()
        _same(
            load_events(conn, until_us=early, columns=later)[0],
            load_events(conn, until_us=early)[0],
        )


def test_posts_ratings_and_answers_read_the_same_on_every_backend(ledger: Ledger) -> None:
    """SQLite and PostgreSQL (a server-side cursor there): a post has no target (-1), a
    missing value is NaN, an answer links to its row; the interactions are what trust
    reads on its own, and a note is in neither."""
    note = sorted(NOTE_KINDS)[0]
    with ledger.write() as conn:
        _writer(conn).add_events(
            [
                Event("post", "x:@ann", None, 10, "p1", text="hello"),
                Event("reply", "x:@bob", "x:@ann", 20, "r1", text="hi", answers="p1"),
                Event("rating", "x:@ann", "x:@bob", 30, "v1", value=0.5),
                Event("like", "x:@cy", "x:@bob", 25, "l1"),
                Event(note, "x:@ann", "x:@bob", 40, "n1", text="a note"),
            ]
        )
    with ledger.read() as conn:
        activity = load_activity(conn, until_us=35)
        trust_read = read_event_columns(conn, until_us=35)
        assert [activity.kind_name(r) for r in range(len(activity))] == [
            "post", "reply", "like", "rating"
        ]  # fmt: skip
        assert activity.target[0] == activity.target_identity[0] == -1
        assert activity.answers.tolist() == [-1, 0, -1, -1]
        assert np.isnan(activity.value[:3]).all() and activity.value[3] == 0.5
        shared = activity.interactions()
        for field in fields(trust_read):
            assert np.array_equal(
                getattr(shared, field.name), getattr(trust_read, field.name), equal_nan=True
            ), field.name


def test_a_read_of_few_events_looks_up_only_their_people_and_finds_the_same(
    demo: DemoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Below a limit, a read looks up just the identities its events name (in chunks), as
    a refresh's read of new events does; it must find the people that reading every
    identity finds."""
    with demo.ledger.read() as conn:
        last = conn.execute(select(func.max(events.c.id))).scalar_one()
        reads = {}
        for limit, chunk in ((0, 5_000), (10**9, 7)):  # every identity; only those named
            monkeypatch.setattr(loading, "_NAMED_LOOKUP_LIMIT", limit)
            monkeypatch.setattr(loading, "_CHUNK_IDS", chunk)
            reads[limit] = [
                read_event_columns(conn, after_id=after, posts=posts)
                for after in (0, last - 40, last)
                for posts in (False, True)
            ]
    for every, named in zip(reads[0], reads[10**9], strict=True):
        for field in fields(every):
            assert np.array_equal(
                getattr(every, field.name), getattr(named, field.name), equal_nan=True
            ), field.name
    assert len(reads[0][2]) > 0 and len(reads[0][4]) == 0
