"""Community standing: the judges the community has long trusted speak louder than a ring
of newcomers, and nothing changes where there is no sustained record to start from."""

from __future__ import annotations

import numpy as np
import pytest

from goodwill.errors import AlgorithmInputError
from goodwill.trust.community import community_standing, sustained_windows
from goodwill.trust.model import assess
from goodwill.trust.policy import default_policy
from goodwill.trust.standing import Standing
from tests.trust.events import at_day, table

MEMBERS = range(0, 10)
TRADER = 10
SCAMMER = 11
RING = range(12, 18)
N = 18
POLICY = default_policy()
Rows = list[tuple[int, int, str, float, float | None]]


def members() -> Rows:
    """Ten members who rate each other well, one a week for twenty weeks, and a trader
    five of them vouch for."""
    rows: Rows = []
    for week in range(20):
        for member in MEMBERS:
            other = (member + week % 9 + 1) % 10
            rows.append((member, other, "rating", week * 7.0 + member * 0.1, 6.0))
    rows += [(member, TRADER, "rating", 30.0 + member, 5.0) for member in range(5)]
    return rows


def scam() -> Rows:
    """Three members warn against a scammer; six accounts made that day praise him and
    each other."""
    rows: Rows = [(member, SCAMMER, "rating", 150.0, -8.0) for member in (5, 6, 7)]
    for fake in RING:
        rows.append((fake, SCAMMER, "rating", 150.1, 10.0))
        rows += [(fake, other, "rating", 150.2, 10.0) for other in RING if other != fake]
    return rows


def test_members_long_record_outweighs_a_ring_of_newcomers() -> None:
    events = table(members() + scam(), N)
    snapshot = assess(events, POLICY, at_day(160))
    found = community_standing(snapshot, events)
    assert snapshot.standing[SCAMMER] > 0, "plain standing counts the six fresh voices"
    assert found.scores[SCAMMER] < 0, "the members' warnings carry the community's trust"
    assert found.scores[TRADER] > 0.5 * snapshot.standing[TRADER] > 0
    members_voice = found.voice[list(MEMBERS)]
    ring_voice = found.voice[list(RING)]
    assert ring_voice.max() < members_voice.min()
    assert found.voice.min() >= 1.0, "nobody loses the voice standing gives them"
    assert found.network.sum() <= 1.0 + 1e-9
    assert found.seeds[list(RING)].sum() < 0.1, "one day of mutual praise is no record"


def test_sustained_windows_count_weeks_of_positive_judgement() -> None:
    events = table(members() + scam(), N)
    windows = sustained_windows(assess(events, POLICY, at_day(160)), events)
    assert windows[SCAMMER] == 1  # praised in one week, the warnings count for nothing
    assert windows[RING[0]] == 1
    assert windows[MEMBERS[0]] >= 15
    assert windows[TRADER] == 1  # five ratings, all in one week (days 30..34)


def test_without_a_sustained_positive_record_community_standing_is_standing() -> None:
    events = table([(0, 1, "rating", 1.0, -5.0), (2, 1, "rating", 2.0, -3.0)], 3)
    snapshot = assess(events, POLICY, at_day(10))
    found = community_standing(snapshot, events)
    assert found.scores.tolist() == snapshot.standing.tolist()
    assert found.voice.tolist() == [1.0, 1.0, 1.0]


def test_voice_weighs_a_judge_and_must_be_valid() -> None:
    truster, trustee = np.array([0, 1]), np.array([2, 2])
    leaning, confidence = np.array([0.8, -0.8]), np.ones(2)
    even = Standing().fit(truster, trustee, leaning, confidence, n_nodes=3)
    loud = Standing().fit(
        truster, trustee, leaning, confidence, n_nodes=3, voice=np.array([3.0, 1.0, 1.0])
    )
    assert even.scores_[2] == pytest.approx(0.0)
    assert loud.scores_[2] > 0.2
    with pytest.raises(AlgorithmInputError):
        Standing().fit(truster, trustee, leaning, confidence, n_nodes=3, voice=np.ones(2))
    with pytest.raises(AlgorithmInputError):
        Standing().fit(
            truster, trustee, leaning, confidence, n_nodes=3, voice=np.array([1.0, -1.0, 1.0])
        )
