from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodwill.trust.evidence import compute_evidence, saturate
from goodwill.trust.explain import explain
from goodwill.trust.model import assess
from goodwill.trust.policy import default_policy
from tests.trust.events import at_day, table

POLICY = default_policy()
OWNER, FAN, FRIEND = 0, 1, 2


def test_a_burst_of_likes_earns_less_than_replies_spread_over_weeks() -> None:
    burst = [(FAN, OWNER, "like", 140 + i / 1000, None) for i in range(500)]
    sustained = [(FRIEND, OWNER, "reply", 7.0 * week, None) for week in range(20)]
    snapshot = assess(table(burst + sustained, 3), POLICY, at_day(141))
    fan, friend = snapshot.expected(np.array([OWNER, OWNER]), np.array([FAN, FRIEND]))
    assert fan < friend
    # the burst is one occasion: it counts at most `ceiling` likes' worth
    fan_pair = snapshot.evidence.pair_index(OWNER, FAN)
    assert snapshot.evidence.positive[fan_pair] <= POLICY.ceiling * POLICY.rule("like").earns
    # and the same 500 likes spread over 20 weeks count for more than the burst
    spread = [(FAN, OWNER, "like", 7.0 * (i % 20) + i / 1000, None) for i in range(500)]
    spread_snapshot = assess(table(spread, 3), POLICY, at_day(141))
    assert spread_snapshot.evidence.positive[0] > snapshot.evidence.positive[fan_pair]


def test_one_block_outweighs_many_small_positives() -> None:
    likes = [(OWNER, FAN, "like", 7.0 * week, None) for week in range(30)]
    follows = [(FAN, OWNER, "follow", 1.0, None)]
    block = [(FAN, OWNER, "block", 211.0, None)]
    before = assess(table(likes + follows, 3), POLICY, at_day(212))
    after = assess(table(likes + follows + block, 3), POLICY, at_day(212))
    pair = after.evidence.pair_index(FAN, OWNER)
    assert before.opinions.leaning[before.evidence.pair_index(FAN, OWNER)] > 0
    assert after.opinions.disbelief[pair] > after.opinions.belief[pair]
    assert after.opinions.expected[pair] < 0.5


def test_one_minus_ten_rating_outweighs_many_small_positive_ratings() -> None:
    small = [(FAN, OWNER, "rating", 7.0 * week, 1.0) for week in range(25)]
    scam = [(FAN, OWNER, "rating", 180.0, -10.0)]
    snapshot = assess(table(small + scam, 3), POLICY, at_day(181))
    pair = snapshot.evidence.pair_index(FAN, OWNER)
    assert snapshot.opinions.disbelief[pair] > snapshot.opinions.belief[pair]


def test_nothing_after_the_as_of_date_leaks_in() -> None:
    past = [(FRIEND, OWNER, "reply", 7.0 * week, None) for week in range(10)]
    future = [(FRIEND, OWNER, "block", 100.0, None), (FAN, OWNER, "reply", 101.0, None)]
    then = assess(table(past, 3), POLICY, at_day(90))
    replayed = assess(table(past + future, 3), POLICY, at_day(90))
    assert np.array_equal(then.evidence.positive, replayed.evidence.positive)
    assert np.array_equal(then.evidence.negative, replayed.evidence.negative)
    assert np.array_equal(then.opinions.expected, replayed.opinions.expected)
    assert replayed.evidence.pair_index(OWNER, FAN) == -1


def test_evidence_decays_with_its_half_life_but_lasting_statements_do_not() -> None:
    rows = [(FRIEND, OWNER, "reply", 0.0, None), (FRIEND, OWNER, "rating", 0.0, 5.0)]
    now = compute_evidence(table(rows, 3), POLICY, at_day(0))
    later = compute_evidence(table(rows, 3), POLICY, at_day(POLICY.half_life_days))
    reply_now, reply_later = now.row_decayed[0], later.row_decayed[0]
    assert reply_later == pytest.approx(reply_now / 2)
    rating = np.flatnonzero(now.row_channel == 1)[0]
    assert later.row_decayed[rating] == now.row_decayed[rating]


def test_an_exchange_counts_more_than_the_same_acts_one_way() -> None:
    one_way = [(FRIEND, OWNER, "reply", 3.0, None), (OWNER, FAN, "like", 30.0, None)]
    both = [*one_way, (OWNER, FRIEND, "reply", 4.0, None)]
    alone = compute_evidence(table(one_way, 3), POLICY, at_day(5))
    mutual = compute_evidence(table(both, 3), POLICY, at_day(5))
    pair = mutual.pair_index(OWNER, FRIEND)
    assert mutual.positive[pair] == pytest.approx(
        alone.positive[alone.pair_index(OWNER, FRIEND)] * (1 + POLICY.reciprocity_bonus)
    )


def test_one_rating_is_not_an_exchange() -> None:
    evidence = compute_evidence(table([(FAN, OWNER, "rating", 1.0, 10.0)], 3), POLICY, at_day(1))
    rule = POLICY.rule("rating")
    assert evidence.positive[evidence.pair_index(FAN, OWNER)] == pytest.approx(rule.states)
    assert evidence.positive[evidence.pair_index(OWNER, FAN)] == pytest.approx(rule.earns)


def test_saturation_is_linear_to_the_strongest_act_and_bounded_by_the_ceiling() -> None:
    strongest = np.ones(200)
    total = np.linspace(0.0, 50.0, 200)
    counted = saturate(total, strongest, 2.0)
    assert np.all(np.diff(counted) >= 0)
    assert np.all(counted <= 2.0)
    linear = total <= 1
    assert np.allclose(counted[linear], total[linear])


event_rows = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.integers(0, 3),
        st.sampled_from(["reply", "like", "block", "rating", "thanks", "follow", "unfollow"]),
        st.floats(0, 400, allow_nan=False),
        st.one_of(st.none(), st.integers(-10, 10).map(float)),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(rows=event_rows, at=st.floats(0, 500), truster=st.integers(0, 3), trustee=st.integers(0, 3))
def test_why_sums_exactly_to_the_evidence_behind_the_score(
    rows: list[tuple[int, int, str, float, float | None]], at: float, truster: int, trustee: int
) -> None:
    events = table(rows, 4)
    snapshot = assess(events, POLICY, at_day(at))
    if truster == trustee:
        return
    found = explain(snapshot, events, truster, trustee)
    given_for = math.fsum(c.contribution for c in found.contributions if c.contribution > 0)
    given_against = math.fsum(-c.contribution for c in found.contributions if c.contribution < 0)
    assert given_for == pytest.approx(found.positive, rel=1e-12, abs=1e-12)
    assert given_against == pytest.approx(found.negative, rel=1e-12, abs=1e-12)
    kinds_total = math.fsum(k.contribution for k in found.by_kind)
    assert kinds_total == pytest.approx(found.positive - found.negative, rel=1e-12, abs=1e-12)
    assert found.belief + found.disbelief + found.uncertainty == pytest.approx(1.0)
    total = found.positive + found.negative + found.prior_weight
    assert found.expected == pytest.approx(
        found.positive / total + found.base_rate * found.prior_weight / total
    )
    # every event between them, and only those, is listed
    between = {
        int(events.event_id[i])
        for i in range(len(events))
        if {int(events.actor[i]), int(events.target[i])} == {truster, trustee}
        and events.time_us[i] <= at_day(at)
    }
    assert {c.event_id for c in found.contributions} <= between
