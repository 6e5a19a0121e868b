"""Trust history: the pair's opinions at many dates agree with a full assessment as of each.

The reference is :func:`goodwill.trust.report.open_view` at each date, which reads the
ledger as it stood then and assesses everyone: what ``goodwill why --at`` shows.
"""

from __future__ import annotations

import numpy as np
import pytest

from goodwill.errors import AlgorithmInputError
from goodwill.ledger.people import require_owner
from goodwill.trust.history import (
    GRID_TIMES,
    MOST_TIMES,
    anchor_rows,
    chart_times,
    pair_events,
    pair_history,
)
from goodwill.trust.model import assess
from goodwill.trust.policy import default_policy
from goodwill.trust.report import open_view
from tests.insights.conftest import DemoStore, demo
from tests.trust.events import at_day, table

__all__ = ["demo"]  # the demo world's session fixture, used here too

POLICY = default_policy()
OWNER, FRIEND, STRANGER, OTHER = 0, 1, 2, 3


def _relationships(store: DemoStore) -> tuple[int, list[int]]:
    """The owner and three of her relationships: the most trusted, a middling and the least."""
    with store.ledger.read() as conn:
        view = open_view(conn, POLICY, at_us=store.at_us)
        owner = require_owner(conn)
        people = [r.person for r in view.relationships()]
    return owner, [people[0], people[len(people) // 2], people[-1]]


def test_history_agrees_with_a_full_assessment_at_every_anchor_and_in_belief_everywhere(
    demo: DemoStore,
) -> None:
    owner, people = _relationships(demo)
    with demo.ledger.read() as conn:
        view = open_view(conn, POLICY, at_us=demo.at_us)
        me = view.index.index(owner)
        checked = 0
        for person in people:
            other = view.index.index(person)
            times = chart_times(view.table, me, other, demo.at_us)
            found = pair_history(view.table, POLICY, me, other, times, snapshot=view.snapshot)
            anchors = set(found.anchors_us.tolist())
            rows = sorted({0, len(times) // 3, len(times) // 2, len(times) - 1})
            rows += [int(np.searchsorted(times, a)) for a in sorted(anchors)[1:3]]
            for row in rows:
                at = int(times[row])
                then = open_view(conn, POLICY, at_us=at)
                for series, truster, trustee in (
                    (found.forward, owner, person),
                    (found.backward, person, owner),
                ):
                    why = then.why(truster, trustee)
                    assert series.belief[row] == pytest.approx(why.belief, abs=1e-12)
                    assert series.disbelief[row] == pytest.approx(why.disbelief, abs=1e-12)
                    assert series.uncertainty[row] == pytest.approx(why.uncertainty, abs=1e-12)
                    if at in anchors:
                        assert series.expected[row] == pytest.approx(why.expected, abs=1e-9)
                        checked += 1
        assert checked >= 2 * len(people) * 2  # at least the last date and one more, both ways


def test_with_an_anchor_at_every_date_the_expected_trust_is_exact(demo: DemoStore) -> None:
    owner, people = _relationships(demo)
    with demo.ledger.read() as conn:
        view = open_view(conn, POLICY, at_us=demo.at_us)
        me, other = view.index.index(owner), view.index.index(people[1])
        times = chart_times(view.table, me, other, demo.at_us)[::6]
        found = pair_history(view.table, POLICY, me, other, times, anchors=len(times))
        assert len(found.anchors_us) == len(times)
        for row in range(0, len(times), max(1, len(times) // 4)):
            then = open_view(conn, POLICY, at_us=int(times[row]))
            forward = then.why(owner, people[1]).expected
            backward = then.why(people[1], owner).expected
            assert found.forward.expected[row] == pytest.approx(forward, abs=1e-9)
            assert found.backward.expected[row] == pytest.approx(backward, abs=1e-9)


def test_the_band_encloses_the_expected_trust_and_events_up_to_the_end_are_listed(
    demo: DemoStore,
) -> None:
    owner, people = _relationships(demo)
    with demo.ledger.read() as conn:
        view = open_view(conn, POLICY, at_us=demo.at_us)
    me = view.index.index(owner)
    for person in people:
        other = view.index.index(person)
        times = chart_times(view.table, me, other, demo.at_us)
        found = pair_history(view.table, POLICY, me, other, times)
        for series in (found.forward, found.backward):
            assert np.all(series.belief <= series.expected + 1e-12)
            assert np.all(series.expected <= series.belief + series.uncertainty + 1e-12)
        between = pair_events(view.table, me, other)
        assert np.array_equal(found.events, between)
        if len(between) + GRID_TIMES <= MOST_TIMES:  # each jump drawn where it happens
            assert set(view.table.time_us[between].tolist()) <= set(times.tolist())
        else:  # a busy relationship: a denser even grid instead
            assert len(times) == MOST_TIMES
        assert times[-1] == demo.at_us and times[0] == view.table.time_us[between[0]]


def test_a_block_is_marked_negative_and_nothing_after_the_last_date_counts() -> None:
    rows = [
        (FRIEND, OWNER, "reply", 1.0, None),
        (OWNER, FRIEND, "reply", 2.0, None),
        (FRIEND, OWNER, "block", 30.0, None),
        (OWNER, FRIEND, "reply", 80.0, None),  # after the history's last date
        (STRANGER, OTHER, "reply", 5.0, None),  # not theirs
        (STRANGER, FRIEND, "rating", 6.0, -5.0),  # moves FRIEND's standing only
    ]
    events = table(rows, 4)
    times = np.array([at_day(d) for d in (1, 10, 29, 30, 60)], dtype=np.int64)
    found = pair_history(events, POLICY, OWNER, FRIEND, times, anchors=len(times))
    assert found.events.tolist() == [0, 1, 2]
    assert found.event_sign.tolist() == [1, 1, -1]
    blocked = found.backward  # the friend's trust in the owner falls at the block, stays low
    assert blocked.expected[2] > 0.5 > blocked.expected[3]
    assert blocked.disbelief[3] > blocked.belief[3]
    for row, at in enumerate(times.tolist()):
        snapshot = assess(events, POLICY, at)
        expect = snapshot.expected(np.array([OWNER, FRIEND]), np.array([FRIEND, OWNER]))
        assert [found.forward.expected[row], found.backward.expected[row]] == pytest.approx(
            expect.tolist(), abs=1e-12
        )


def test_anchors_go_to_both_sides_of_the_largest_moves() -> None:
    moved = np.zeros(40)
    moved[[10, 25]] = [0.4, 0.2]
    rows = anchor_rows(moved, 9).tolist()
    assert {9, 10, 24, 25, 0, 39} <= set(rows)
    assert len(rows) <= 9
    assert anchor_rows(moved, 1).tolist() == [39]


def test_bad_input_is_refused_with_the_reason() -> None:
    events = table([(FRIEND, OWNER, "reply", 1.0, None)], 2)
    times = np.array([at_day(1), at_day(2)], dtype=np.int64)
    with pytest.raises(AlgorithmInputError, match="two different people"):
        pair_history(events, POLICY, OWNER, OWNER, times)
    with pytest.raises(AlgorithmInputError, match="sorted"):
        pair_history(events, POLICY, OWNER, FRIEND, times[::-1])
    with pytest.raises(AlgorithmInputError, match="not a node"):
        pair_history(events, POLICY, OWNER, 5, times)
    with pytest.raises(AlgorithmInputError, match="anchors"):
        pair_history(events, POLICY, OWNER, FRIEND, times, anchors=0)
    assert len(chart_times(events, OWNER, FRIEND, at_day(0.5))) == 0
