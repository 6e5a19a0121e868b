"""The outlook: the chance of contact soon, from the pair's rhythm and both people's presence."""

from __future__ import annotations

import numpy as np
import pytest

from goodwill.trust.outlook import outlook
from goodwill.trust.policy import default_policy
from tests.trust.events import at_day, table

POLICY = default_policy()


def _pair(found_of: np.ndarray) -> float:
    return float(found_of[0])


def _of(rows: list[tuple[int, int, str, float, float | None]], n: int, day: float, a: int, b: int):
    found = outlook(table(rows, n), POLICY, at_day(day))
    return _pair(found.of(np.array([a]), np.array([b])))


def test_the_rule_on_a_small_history() -> None:
    # 0 and 1 talk on days 0, 10 and 20; nobody else is in the ledger; read on day 30
    rows = [(0, 1, "message", 0, None), (1, 0, "reply", 10, None), (0, 1, "message", 20, None)]
    horizon, prior = POLICY.horizon_days, POLICY.prior_gap_days
    gap = (20 + prior) / 3
    chance = horizon / (10 + gap + horizon)
    # each person took part in exactly the pair's three events: the same rhythm and silence
    assert _of(rows, 2, 30, 0, 1) == pytest.approx(chance**3, rel=1e-12)
    assert _of(rows, 2, 30, 1, 0) == _of(rows, 2, 30, 0, 1)


def test_silence_lowers_the_outlook() -> None:
    daily = [(0, 1, "message", d, None) for d in range(60)]
    assert _of(daily, 2, 60, 0, 1) > _of(daily, 2, 75, 0, 1) > _of(daily, 2, 120, 0, 1) > 0


def test_a_burst_does_not_promise_a_rhythm() -> None:
    burst = [(0, 1, "message", d / 24, None) for d in range(10)]  # ten messages in ten hours
    spread = [(0, 1, "message", 6 * d, None) for d in range(10)]  # ten over eight weeks
    # both read fourteen days after their last message
    assert _of(burst, 2, 9 / 24 + 14, 0, 1) < _of(spread, 2, 54 + 14, 0, 1)


def test_someone_gone_quiet_everywhere_is_less_likely_back() -> None:
    pair = [(0, 1, "message", d, None) for d in range(0, 40, 4)]
    busy_elsewhere = [(1, 2, "message", d, None) for d in range(40, 80, 2)]
    assert _of(pair + busy_elsewhere, 3, 80, 0, 1) > _of(pair, 3, 80, 0, 1)


def test_pairs_without_contact_and_later_events() -> None:
    rows = [(0, 1, "message", 0, None), (1, 2, "message", 5, None), (0, 2, "message", 50, None)]
    found = outlook(table(rows, 3), POLICY, at_day(10))
    assert found.of(np.array([0, 0]), np.array([2, 1]))[0] == 0.0  # not in contact by day 10
    # nothing after the moment is read
    assert (
        found.presence.tolist() == outlook(table(rows[:2], 3), POLICY, at_day(10)).presence.tolist()
    )


def test_negative_events_are_not_contact() -> None:
    rows = [(0, 1, "message", 0, None), (0, 1, "block", 20, None)]
    with_block = outlook(table(rows, 2), POLICY, at_day(30))
    without = outlook(table(rows[:1], 2), POLICY, at_day(30))
    # the block is no contact for the pair, though both took part in it
    assert with_block.pair_chance.tolist() == without.pair_chance.tolist()
    assert (with_block.presence > without.presence).all()
