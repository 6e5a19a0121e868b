"""The two paths from events to evidence (numpy, compiled) and the kept pair state, each
against a straightforward reference written one event and one group at a time, on random
tables and policies; and the compiled path against the numpy one on a larger table."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.trust.evidence import EARNED, STATED, EventTable, compute_evidence
from goodwill.trust.model import assess
from goodwill.trust.network_graph import trust_graph
from goodwill.trust.pair_reading import pair_evidence, read_at, state_graph
from goodwill.trust.pair_state import aggregate_records
from goodwill.trust.policy import Policy, default_policy
from tests.trust.events import DAY_US, at_day, table

POLICIES = {
    "default": default_policy(),
    "hard ceiling, no bonus": replace(default_policy(), ceiling=1.0, reciprocity_bonus=0.0),
    "short memory": replace(default_policy(), half_life_days=3.0, window_days=2.0),
}
TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}
KINDS = ["reply", "like", "block", "rating", "thanks", "follow", "unfollow", "endorsement",
         "mute", "referral"]  # fmt: skip


@dataclass
class Row:
    event: int
    channel: int
    truster: int
    trustee: int
    actor: int
    decayed: float
    window: int
    judged: bool


Contributions = dict[tuple[int, int], float]
Pairs = dict[tuple[int, int], list[float]]


def reference(events: EventTable, policy: Policy, at_us: int) -> tuple[Contributions, Pairs]:
    """Each row's contribution by (event, channel), and each pair's r, s, judged r, judged
    s, first and last time and row count, by (truster, trustee): the rules of
    docs/trust.md applied one event and one group at a time."""
    rows = []
    for i in range(len(events)):
        actor, target, time = int(events.actor[i]), int(events.target[i]), int(events.time_us[i])
        if time > at_us or target < 0 or actor == target:
            continue
        rule = policy.rule(events.kinds[events.kind[i]])
        factor = 1.0
        if rule.value_scale is not None:
            value = float(events.value[i])
            factor = 0.0 if math.isnan(value) else value / rule.value_scale
        for channel, weight in ((EARNED, rule.earns * factor), (STATED, rule.states * factor)):
            if weight == 0:
                continue
            age = 0 if rule.lasting else at_us - time
            decayed = weight * 2.0 ** (-age / (policy.half_life_days * DAY_US))
            if decayed < 0:
                decayed *= policy.negative_factor
            truster, trustee = (target, actor) if channel == EARNED else (actor, target)
            judged = channel == STATED or rule.earns_standing
            window = time // int(policy.window_days * DAY_US)
            rows.append(Row(i, channel, truster, trustee, actor, decayed, window, judged))

    def contributions(chosen: list[Row]) -> Contributions:
        groups: dict[tuple[int, int, bool, int], list[Row]] = defaultdict(list)
        actors: dict[tuple[frozenset[int], int], set[int]] = defaultdict(set)
        for r in chosen:
            groups[(r.truster, r.trustee, r.decayed < 0, r.window)].append(r)
            if r.decayed >= 0:
                actors[(frozenset((r.truster, r.trustee)), r.window)].add(r.actor)
        found = {}
        for members in groups.values():
            total = sum(abs(r.decayed) for r in members)
            strongest = max(abs(r.decayed) for r in members)
            ratio = total / strongest if strongest > 0 else 0.0
            head = policy.ceiling - 1
            if ratio <= 1 or head <= 0:
                counted = strongest * min(ratio, 1.0)
            else:
                counted = strongest * (1 + head * (1 - math.exp(-(ratio - 1) / head)))
            share = counted / total if total > 0 else 0.0
            for r in members:
                both = len(actors[(frozenset((r.truster, r.trustee)), r.window)]) == 2
                bonus = 1 + policy.reciprocity_bonus if r.decayed >= 0 and both else 1.0
                found[(r.event, r.channel)] = r.decayed * share * bonus
        return found

    every, judged = contributions(rows), contributions([r for r in rows if r.judged])
    pairs: Pairs = {}
    for r in rows:
        pair = pairs.setdefault((r.truster, r.trustee), [0.0, 0.0, 0.0, 0.0, math.inf, -1, 0])
        c = every[(r.event, r.channel)]
        pair[0 if c > 0 else 1] += abs(c) if c != 0 else 0.0
        if r.judged:
            cj = judged[(r.event, r.channel)]
            pair[2 if cj > 0 else 3] += abs(cj) if cj != 0 else 0.0
        time = int(events.time_us[r.event])
        pair[4], pair[5], pair[6] = min(pair[4], time), max(pair[5], time), pair[6] + 1
    return every, pairs


def check_pairs(
    pairs: Pairs, truster: np.ndarray, trustee: np.ndarray, columns: tuple[np.ndarray, ...]
) -> None:
    assert sorted(pairs) == list(zip(truster.tolist(), trustee.tolist(), strict=True))
    expected = np.array([pairs[k] for k in sorted(pairs)]).reshape(-1, 7)
    for c, found in enumerate(columns):
        assert np.allclose(found, expected[:, c], **TOLERANCE), c


event_rows = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.integers(-1, 5),
        st.sampled_from(KINDS),
        st.integers(0, 60).map(lambda half_day: half_day / 2),
        st.one_of(st.none(), st.integers(-10, 10).map(float)),
    ),
    max_size=50,
)
tables = event_rows.map(lambda rows: table(rows, 6))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=tables, at=st.integers(0, 40), policy=st.sampled_from(sorted(POLICIES)))
def test_both_paths_give_the_references_evidence(events: EventTable, at: int, policy: str) -> None:
    rules, at_us = POLICIES[policy], at_day(at)
    rows, pairs = reference(events, rules, at_us)
    for fast in (False, True):
        found = compute_evidence(events, rules, at_us, fast=fast)
        got = {
            (int(e), int(c)): float(v)
            for e, c, v in zip(
                found.row_event, found.row_channel, found.row_contribution, strict=True
            )
        }
        assert got.keys() == rows.keys()
        assert np.allclose([got[k] for k in rows], list(rows.values()), **TOLERANCE)
        assert np.array_equal(found.truster[found.row_pair], found.row_truster)
        assert np.array_equal(found.trustee[found.row_pair], found.row_trustee)
        check_pairs(pairs, found.truster, found.trustee, (
            found.positive, found.negative, found.judged_positive, found.judged_negative,
            found.first_us, found.last_us, found.events,
        ))  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=tables,
    at=st.integers(0, 40),
    offset=st.floats(-60, 60),
    policy=st.sampled_from(sorted(POLICIES)),
)
def test_the_pair_state_read_at_any_date_gives_the_references_evidence_and_graph(
    events: EventTable, at: int, offset: float, policy: str
) -> None:
    """``offset``: how many half-lives the reference date lies after the as-of date
    (refresh keeps it within 64)."""
    rules, at_us = POLICIES[policy], at_day(at)
    reference_day = at + offset * rules.half_life_days
    _, pairs = reference(events, rules, at_us)
    state = aggregate_records(events, np.arange(6), rules, at_day(reference_day), at_us)
    reading = read_at(state, at_us, rules)
    kept = pair_evidence(reading)
    check_pairs(pairs, kept.truster, kept.trustee, (
        kept.positive, kept.negative, kept.judged_positive, kept.judged_negative,
        kept.first_us, kept.last_us, kept.events,
    ))  # fmt: skip
    full = trust_graph(assess(events, rules, at_us), events)
    rebuilt = state_graph(reading, np.arange(6), rules)
    for name in ("trust", "distrust", "maturity"):
        a, b = getattr(full, name), getattr(rebuilt, name)
        assert a.nnz == b.nnz and b.has_sorted_indices
        assert np.allclose(a.toarray(), b.toarray(), **TOLERANCE), name


@pytest.mark.parametrize("seed", [1, 2])
def test_the_compiled_path_equals_the_numpy_path_on_a_larger_table(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size, people = 40_000, 2_000
    kinds = ("reply", "like", "rating", "follow", "block", "message", "endorsement")
    events = EventTable(
        actor=rng.integers(0, people, size),
        target=np.where(rng.random(size) < 0.02, -1, rng.zipf(1.6, size) % people),
        kind=rng.integers(0, len(kinds), size),
        time_us=np.sort(rng.integers(0, 200 * DAY_US, size)),
        value=rng.integers(-10, 11, size).astype(np.float64),
        event_id=np.arange(size),
        kinds=kinds,
        n_nodes=people,
    )
    slow = compute_evidence(events, default_policy(), 150 * DAY_US, fast=False)
    fast = compute_evidence(events, default_policy(), 150 * DAY_US, fast=True)
    for name in slow.__dataclass_fields__:
        a, b = getattr(slow, name), getattr(fast, name)
        if isinstance(a, np.ndarray):
            assert a.shape == b.shape, name
            assert np.allclose(a, b, rtol=1e-12, atol=0), name
