"""The compiled evidence path's sort by occasion and its scan, on tables shaped to reach the
corners the small random tables of ``test_evidence_paths`` do not: many partitions, a hub
whose partition goes through the radix passes, one thread or two, nothing to sort, and
people too many for the 64-bit keys."""

from __future__ import annotations

from collections.abc import Iterator

import numba
import numpy as np
import pytest

from goodwill.trust.evidence import EventTable, compute_evidence
from goodwill.trust.evidence_fast import compute_evidence_fast, fits, rule_columns, windows
from goodwill.trust.evidence_kernel import ACTOR_LOW, weigh
from goodwill.trust.occasion_keys import REC_FLAGS, REC_TIME, OccasionLayout, sort_by_occasion
from goodwill.trust.policy import default_policy
from tests.trust.events import DAY_US

POLICY = default_policy()
KINDS = ("reply", "like", "rating", "follow", "block", "message", "endorsement", "thanks")


def random_table(seed: int, size: int, people: int, hub_share: float = 0.0) -> EventTable:
    """Events among ``people`` over 200 days; ``hub_share`` of them to or from person 0."""
    rng = np.random.default_rng(seed)
    actor = rng.integers(0, people, size)
    target = np.where(rng.random(size) < 0.02, -1, rng.zipf(1.6, size) % people)
    hub = rng.random(size) < hub_share
    target[hub] = 0
    return EventTable(
        actor=actor,
        target=target,
        kind=rng.integers(0, len(KINDS), size),
        time_us=np.sort(rng.integers(0, 200 * DAY_US, size)),
        value=rng.integers(-10, 11, size).astype(np.float64),
        event_id=np.arange(size),
        kinds=KINDS,
        n_nodes=people,
    )


def weighed(table: EventTable, at_us: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    size = len(table)
    earned, stated, flags = np.empty(size), np.empty(size), np.empty(size, np.uint8)
    weigh(
        table.actor, table.target, table.kind, table.time_us, table.value,
        *rule_columns(table, POLICY),
        at_us, at_us, POLICY.half_life_days * 86_400e6, POLICY.negative_factor,
        earned, stated, flags,
    )  # fmt: skip
    return earned, stated, flags


@pytest.mark.parametrize("partition_bits", [0, 3, 9, 2 * 11])
def test_words_come_sorted_by_pair_window_and_event_whatever_the_partitions(
    partition_bits: int,
) -> None:
    table = random_table(3, 30_000, 1_500, hub_share=0.3)
    earned, stated, flags = weighed(table, 150 * DAY_US)
    window_us, lowest, span = windows(table, POLICY)
    shape = OccasionLayout(11, (span - 1).bit_length(), 15, partition_bits)
    n_records = int(np.count_nonzero(flags))
    words, start, ordered = sort_by_occasion(
        table.actor, table.target, table.time_us, window_us, lowest, earned, stated, flags,
        shape, n_records, 2,
    )  # fmt: skip
    events = np.flatnonzero(flags)
    low = np.minimum(table.actor, table.target)[events]
    high = np.maximum(table.actor, table.target)[events]
    window = table.time_us[events] // window_us - lowest
    expected = events[np.lexsort((events, window, high, low))]
    assert np.array_equal(words & ((1 << 15) - 1), expected)
    assert len(start) == 2**partition_bits + 1 and start[-1] == n_records
    assert np.array_equal(ordered[:, REC_TIME], table.time_us[expected])
    assert np.array_equal(ordered[:, REC_FLAGS], flags[expected])
    assert np.array_equal(ordered.view(np.float64)[:, 0], earned[expected])
    actor_low = table.actor[expected] < table.target[expected]
    assert np.array_equal((flags[expected] & ACTOR_LOW) != 0, actor_low)


@pytest.fixture
def one_thread() -> Iterator[None]:
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(threads)


def test_a_hub_s_partition_goes_through_the_radix_passes_and_agrees_with_numpy() -> None:
    table = random_table(5, 60_000, 3_000, hub_share=0.4)
    slow = compute_evidence(table, POLICY, 150 * DAY_US, fast=False)
    fast = compute_evidence(table, POLICY, 150 * DAY_US, fast=True)
    assert len(fast.truster) == len(slow.truster) > 3_000
    for name in slow.__dataclass_fields__:
        a, b = getattr(slow, name), getattr(fast, name)
        if isinstance(a, np.ndarray):
            assert a.shape == b.shape, name
            assert np.allclose(a, b, rtol=1e-12, atol=0), name


def test_one_thread_and_two_give_exactly_the_same_evidence(one_thread: None) -> None:
    table = random_table(7, 50_000, 2_500, hub_share=0.1)
    alone = compute_evidence_fast(table, POLICY, 150 * DAY_US)
    numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
    shared = compute_evidence_fast(table, POLICY, 150 * DAY_US)
    for name in alone.__dataclass_fields__:
        a, b = getattr(alone, name), getattr(shared, name)
        if isinstance(a, np.ndarray):
            assert np.array_equal(a, b), name


@pytest.mark.parametrize("at_day", [-1, 300])
def test_a_table_with_nothing_before_the_date_or_nothing_at_all(at_day: int) -> None:
    for table in (random_table(9, 2_000, 100), random_table(9, 0, 100)):
        fast = compute_evidence(table, POLICY, at_day * DAY_US, fast=True)
        slow = compute_evidence(table, POLICY, at_day * DAY_US, fast=False)
        assert len(fast.truster) == len(slow.truster)
        assert len(fast.row_event) == len(slow.row_event)
        assert np.allclose(fast.positive, slow.positive, rtol=1e-12, atol=0)


def test_people_too_many_for_64_bit_keys_take_the_numpy_path() -> None:
    table = random_table(11, 1_000, 100)
    wide = EventTable(
        actor=table.actor * 2**24,
        target=np.where(table.target < 0, -1, table.target * 2**24),
        kind=table.kind,
        time_us=table.time_us,
        value=table.value,
        event_id=table.event_id,
        kinds=table.kinds,
        n_nodes=100 * 2**24,
    )
    assert fits(table, POLICY) and not fits(wide, POLICY)
    narrow = compute_evidence(table, POLICY, 150 * DAY_US, fast=True)
    spread = compute_evidence(wide, POLICY, 150 * DAY_US, fast=True)
    assert np.array_equal(spread.truster, narrow.truster * 2**24)
    assert np.allclose(spread.positive, narrow.positive, rtol=1e-12, atol=0)
