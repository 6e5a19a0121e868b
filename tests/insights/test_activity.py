"""The shared read of the ledger: posts included, answers linked, notes kept apart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from goodwill.events import NOTE_KINDS
from goodwill.insights import NewNote, cite, load_activity, read_notes, record_notes
from goodwill.ledger import open_ledger
from goodwill.ledger.people import identity_person
from goodwill.trust.loading import load_events
from tests.insights.conftest import DemoStore

_DAY = 86_400 * 1_000_000


def test_activity_holds_posts_and_links_each_answer_to_what_it_answers(demo: DemoStore) -> None:
    with demo.ledger.read() as conn:
        activity = load_activity(conn, until_us=demo.at_us)
        owner = activity.owner
    posts = activity.is_kind("post")
    assert posts.any() and (activity.target[posts] == -1).all()
    assert (np.diff(activity.time_us) >= 0).all()
    thanks = np.flatnonzero(activity.is_kind("thanks") & (activity.answers >= 0))
    assert len(thanks) > 20
    # a thank-you from the owner answers a share or endorsement made to her, earlier
    from_owner = thanks[activity.actor[thanks] == owner]
    answered = activity.answers[from_owner]
    assert (activity.target[answered] == owner).all()
    assert (activity.time_us[answered] <= activity.time_us[from_owner]).all()
    kinds = {activity.kind_name(int(r)) for r in answered}
    assert {"share", "endorsement", "introduction"} <= kinds
    assert not kinds & {"post", "like", "follow", "thanks"}


def test_activity_stops_at_the_moment_asked(demo: DemoStore) -> None:
    with demo.ledger.read() as conn:
        whole = load_activity(conn, until_us=demo.at_us)
        half = load_activity(conn, until_us=int(np.median(whole.time_us)))
    assert 0.4 < len(half) / len(whole) < 0.6
    assert (half.time_us <= half.at_us).all()
    # an answer whose question came later cannot be linked; none is
    linked = half.answers >= 0
    assert (half.time_us[half.answers[linked]] <= half.time_us[linked]).all()


def test_an_earlier_moment_cut_from_the_activity_is_what_the_ledger_gives_then(
    demo: DemoStore,
) -> None:
    with demo.ledger.read() as conn:
        whole = load_activity(conn, until_us=demo.at_us)
        on_an_event = int(whole.time_us[len(whole) // 3])  # the bound itself is included
        for moment in (on_an_event, int(np.median(whole.time_us)) + 1, demo.at_us - 90 * _DAY):
            read = load_activity(conn, until_us=moment)
            cut = whole.until(moment)
            assert cut.at_us == read.at_us == moment and len(cut) == len(read) < len(whole)
            for column in ("event_id", "kind", "time_us", "actor", "target", "answers"):
                assert np.array_equal(getattr(cut, column), getattr(read, column)), column
            assert np.array_equal(cut.value, read.value, equal_nan=True)
        assert (read.answers >= 0).any() and whole.until(demo.at_us) is whole
    with pytest.raises(ValueError, match="cannot reach"):
        whole.until(demo.at_us + 1)


def test_notes_are_written_once_read_back_and_never_count_as_interactions(
    tmp_path: Path, demo: DemoStore
) -> None:
    url = demo.copy(tmp_path)
    advocate = next(p for p in demo.truth["people"] if p["role"] == "advocate")
    with open_ledger(url) as ledger:
        with ledger.read() as conn:
            person = identity_person(conn, advocate["identities"][0])
            before = load_events(conn)[0]
        note = NewNote("done", "done:thanks:1", demo.at_us, person, {"item": "thanks:1"})
        assert record_notes(ledger, [note]) == 1
        assert record_notes(ledger, [note]) == 0
        with ledger.read() as conn:
            notes = read_notes(conn)
            after = load_events(conn)[0]
            activity = load_activity(conn, until_us=demo.at_us + 1)
            lines = cite(conn, [notes[0].event_id])
    assert [(n.kind, n.person, n.details) for n in notes] == [
        ("done", person, {"item": "thanks:1"})
    ]
    assert len(after) == len(before)
    assert not set(activity.kinds) & NOTE_KINDS
    assert lines[0].kind == "done" and lines[0].actor in demo.truth["owner_identities"]
