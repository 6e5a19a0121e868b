"""Who vouches for whom: the trust graph's two rules on small hand-built histories."""

from __future__ import annotations

import numpy as np
import pytest

from goodwill.trust.evidence import EventTable
from goodwill.trust.model import TrustSnapshot, assess
from goodwill.trust.network_graph import (
    MATURITY_DAYS,
    PERSONAL_LIMIT,
    Investment,
    hop_evidence,
    investment,
    row_acts,
    trust_graph,
)
from goodwill.trust.policy import default_policy

KINDS = ("mention", "reply", "follow", "unfollow", "rating", "message", "block")
DAY_US = 86_400 * 1_000_000
START = 1_000 * 7 * DAY_US  # a week boundary, so day 0..6 is one saturation window


def history(
    events: list[tuple[int, int, str, float, float]], n: int
) -> tuple[EventTable, TrustSnapshot]:
    """(actor, target, kind, day, value) rows as a table, assessed at the last day + 1."""
    actor, target, kind, day, value = zip(*events, strict=True)
    time_us = START + (np.array(day) * DAY_US).astype(np.int64)
    table = EventTable(
        actor=np.array(actor, dtype=np.int64),
        target=np.array(target, dtype=np.int64),
        kind=np.array([KINDS.index(k) for k in kind], dtype=np.int64),
        time_us=time_us,
        value=np.array(value, dtype=np.float64),
        event_id=np.arange(1, len(events) + 1, dtype=np.int64),
        kinds=KINDS,
        n_nodes=n,
    )
    return table, assess(table, default_policy(), at_us=int(time_us.max()) + DAY_US)


def vouch(table: EventTable, snapshot: TrustSnapshot, truster: int, trustee: int) -> float:
    return float(trust_graph(snapshot, table).trust[truster, trustee])


def weighed_by_pair(spent: Investment) -> dict[tuple[int, int], float]:
    pairs = zip(spent.actor.tolist(), spent.target.tolist(), strict=True)
    return dict(zip(pairs, spent.weighed.tolist(), strict=True))


NAN = float("nan")


def test_one_way_acts_make_their_author_vouch_never_their_target() -> None:
    table, snapshot = history([(0, 1, "message", d, NAN) for d in range(0, 60, 7)], 2)
    assert snapshot.evidence.pair_index(1, 0) >= 0  # 1 has reason to trust 0 ...
    assert vouch(table, snapshot, 1, 0) == 0.0  # ... but 0's messages make 1 vouch for nobody
    assert vouch(table, snapshot, 0, 1) > 0.5  # 0 spent them on 1: 0 vouches for 1


def test_each_entry_is_the_net_leaning_of_the_trusters_own_acts_against_the_pairs_negatives() -> (
    None
):
    # 1 rates 0 +8 unprompted (0 never acted toward 1: it counts in full); 2 rates 0 -10
    table, snapshot = history([(1, 0, "rating", 0, 8.0), (2, 0, "rating", 1, -10.0)], 3)
    spent = investment(snapshot, table)
    (row,) = np.flatnonzero((spent.actor == 1) & (spent.target == 0))
    weight, prior = spent.weighed[row], snapshot.policy.prior_weight
    assert spent.answer[row] == 1.0
    assert weight == pytest.approx((2.0 + 0.5) * 0.8)  # states 2.0 and earns 0.5, times 8/10
    graph = trust_graph(snapshot, table)
    assert graph.trust[1, 0] == pytest.approx(weight / (weight + prior))
    negative = snapshot.evidence.negative[snapshot.evidence.pair_index(2, 0)]
    assert graph.distrust[2, 0] == pytest.approx(negative / (negative + prior))
    assert graph.trust[2, 0] == 0 and graph.distrust[1, 0] == 0


def test_a_broadcast_counts_as_the_personal_limit_spread_over_its_audience() -> None:
    audience = 4 * PERSONAL_LIMIT
    blast = [(0, k, "mention", 0.5, NAN) for k in range(1, audience + 1)]
    personal = [(audience + 1, 1, "mention", 0.5, NAN)]
    table, snapshot = history(blast + personal, audience + 2)
    spent = investment(snapshot, table)
    by_pair = weighed_by_pair(spent)
    assert by_pair[(0, 1)] == pytest.approx(by_pair[(audience + 1, 1)] * PERSONAL_LIMIT / audience)
    # a week later the same blaster writing to one person is personal again
    later = [(0, 1, "mention", 8, NAN)]
    table, snapshot = history(blast + personal + later, audience + 2)
    rows = investment(snapshot, table)
    weight = rows.weighed[(rows.actor == 0) & (rows.target == 1)][0]
    assert weight > 2 * by_pair[(0, 1)]


def test_an_answer_to_a_broadcast_vouches_as_little_as_the_broadcast_was_personal() -> None:
    audience = 4 * PERSONAL_LIMIT
    blast = [(0, k, "mention", 0.5, NAN) for k in range(1, audience + 1)]
    pen_pal = audience + 1
    events = [
        *blast,
        (1, 0, "reply", 1, NAN),  # 1 answers the blast
        (pen_pal, 2, "mention", 0.5, NAN),
        (2, pen_pal, "reply", 1, NAN),  # 2 answers a personal mention the same way
    ]
    table, snapshot = history(events, audience + 2)
    spent = investment(snapshot, table)
    by_pair = weighed_by_pair(spent)
    assert by_pair[(1, 0)] == pytest.approx(by_pair[(2, pen_pal)] * PERSONAL_LIMIT / audience)
    assert 0 < vouch(table, snapshot, 1, 0) < vouch(table, snapshot, 2, pen_pal) / 2


def test_a_follow_back_to_someone_who_then_unfollowed_vouches_for_nothing() -> None:
    churn = [(0, 1, "follow", 0, NAN), (1, 0, "follow", 1, NAN), (0, 1, "unfollow", 9, NAN)]
    table, snapshot = history(churn, 2)
    assert vouch(table, snapshot, 1, 0) == 0.0
    assert trust_graph(snapshot, table).distrust[0, 1] > 0  # the unfollow is 0's own warning
    table, snapshot = history(churn[:2], 2)  # while both follows stand, both vouch a little
    assert vouch(table, snapshot, 1, 0) > 0 and vouch(table, snapshot, 0, 1) > 0


def test_hop_evidence_cites_the_trusters_own_largest_acts() -> None:
    events = [
        (0, 1, "reply", 0, NAN),
        (0, 1, "reply", 7, NAN),
        (0, 1, "mention", 14, NAN),
        (1, 0, "reply", 15, NAN),
        (0, 2, "reply", 16, NAN),
    ]
    table, snapshot = history(events, 3)
    cited = hop_evidence(snapshot, table, 0, 1, limit=2)
    assert len(cited) == 2 and set(cited) <= {1, 2}  # the two replies, not the mention
    assert hop_evidence(snapshot, table, 1, 0) == [4]
    assert hop_evidence(snapshot, table, 2, 0) == []
    acts = row_acts(snapshot, table)  # computed once for many hops, the same answers
    for truster, trustee in ((0, 1), (1, 0), (2, 0), (0, 2)):
        assert hop_evidence(snapshot, table, truster, trustee, acts=acts) == hop_evidence(
            snapshot, table, truster, trustee
        )


def test_a_vouch_matures_over_a_year_from_its_first_act() -> None:
    # 1 rated 0 a year and a half before the as-of date, 2 a quarter of a year before it
    # (and again since: maturity counts from the first act); 3 only distrusts
    table, snapshot = history(
        [
            (1, 0, "rating", 0, 9.0),
            (2, 0, "rating", 456 - 91, 9.0),
            (2, 0, "rating", 450, 9.0),
            (3, 0, "rating", 455, -10.0),
        ],
        4,
    )
    graph = trust_graph(snapshot, table)  # assessed on day 456
    assert graph.maturity is not None
    assert graph.maturity[1, 0] == 1.0
    assert graph.maturity[2, 0] == pytest.approx(91 / MATURITY_DAYS)
    assert graph.maturity[3, 0] == 0.0 and graph.distrust[3, 0] > 0
    # the vouch itself counts in full at once; 0 days of maturity let everything pass
    assert graph.trust[2, 0] > 0
    assert trust_graph(snapshot, table, maturity_days=0).maturity[2, 0] == 1.0
