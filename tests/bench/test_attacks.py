"""The attack lab's parts: injectors on tiny graphs, metrics on hand-made scores, and a
smoke run of ``bench/attacks.py`` on a slice of the real data."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import attacks as driver
from attack_lab.graphs import Community, Events, HonestGraph, community, from_columns, kind_code
from attack_lab.inject import (
    BLAST_ROUNDS,
    EXCHANGE_WEEKS,
    RING_WEEKS,
    SLANDER_CLIQUE,
    SYBIL_DEGREE,
    SYBIL_WEEKS,
    Attacked,
    attack_rng,
    blaster,
    churn,
    ring,
    slander,
    sybil_region,
    whitewash,
)
from attack_lab.methods import Scores, baseline_edges
from attack_lab.metrics import (
    best_rank,
    figures,
    in_top,
    outvouched,
    percentile,
    separation,
    share,
    spearman,
    zero_ceiling,
)
from quality.data import SignedGraph

DAY = 86_400.0


def tiny(native: str, n: int = 60, seed: int = 0) -> HonestGraph:
    """A ring of ``n`` accounts with random chords: everyone has partners, times over a year."""
    rng = np.random.default_rng(seed)
    src = np.concatenate([np.arange(n), rng.integers(0, n, 3 * n)])
    dst = np.concatenate([(np.arange(n) + 1) % n, rng.integers(0, n, 3 * n)])
    keep = src != dst
    src, dst = src[keep] + 1000, dst[keep] + 1000  # ids are not indices
    time = np.sort(rng.uniform(0, 365 * DAY, src.size)) + 1.3e9
    value = (
        rng.integers(1, 11, src.size).astype(float)
        if native == "rating"
        else np.full(src.size, np.nan)
    )
    return from_columns("tiny", native, src, dst, time, value)


def injected(events: Events, graph: HonestGraph) -> Events:
    rows = slice(len(graph.events), None)
    return Events(
        events.actor[rows],
        events.target[rows],
        events.kind[rows],
        events.time[rows],
        events.value[rows],
        events.n_nodes,
    )


def kinds_of(events: Events, kind: str) -> np.ndarray:
    return events.kind == kind_code(kind)


@pytest.fixture(params=["rating", "message"])
def graph(request: pytest.FixtureRequest) -> HonestGraph:
    return tiny(request.param)


@pytest.fixture
def seeds(graph: HonestGraph) -> Community:
    return community(graph, attack_rng(3, "seeds"))


def test_graph_reindexes_and_seeds_come_from_the_well_connected(graph: HonestGraph) -> None:
    assert graph.events.actor.min() == 0 and graph.n_honest == 60
    chosen = community(graph, attack_rng(3, "seeds"))
    assert chosen.seeds.size == 20
    assert not np.isin(chosen.pool, chosen.seeds).any()
    assert np.array_equal(chosen.seeds, community(graph, attack_rng(3, "seeds")).seeds)
    assert (graph.partners[chosen.seeds].min()) >= np.median(graph.partners)


def test_sybil_region_has_its_size_its_attack_edges_and_nothing_after_the_end(
    graph: HonestGraph, seeds: Community
) -> None:
    attacked = sybil_region(graph, seeds, seed=5, m=30, g=7)
    new = injected(attacked.events, graph)
    assert attacked.events.n_nodes == graph.n_honest + 30
    assert np.array_equal(attacked.measured, np.arange(graph.n_honest, graph.n_honest + 30))
    sybil = new.actor >= graph.n_honest
    inside = sybil & (new.target >= graph.n_honest)
    per_pair = 1 if graph.native == "rating" else SYBIL_WEEKS
    assert inside.sum() == 30 * SYBIL_DEGREE * per_pair
    assert (
        np.bincount(new.actor[inside] - graph.n_honest).tolist() == [SYBIL_DEGREE * per_pair] * 30
    )
    from_honest = ~sybil
    per_edge = 1 if graph.native == "rating" else EXCHANGE_WEEKS
    assert from_honest.sum() == 7 * per_edge == (sybil & ~inside).sum()
    assert not np.isin(new.actor[from_honest], seeds.seeds).any()
    assert np.isin(new.actor[from_honest], seeds.active).all()
    assert new.time.max() <= graph.end
    if graph.native == "rating":
        assert set(np.unique(new.value[inside])) == {10.0}
        assert np.isin(new.value[from_honest], graph.positive_values).all()


def test_attack_edges_depend_on_g_and_the_seed_only(graph: HonestGraph, seeds: Community) -> None:
    def endpoints(seed: int, m: int) -> np.ndarray:
        new = injected(sybil_region(graph, seeds, seed, m, 9).events, graph)
        return np.sort(new.actor[new.actor < graph.n_honest])

    assert np.array_equal(endpoints(1, 10), endpoints(1, 40))

    def befriending(m: int) -> tuple[np.ndarray, ...]:
        new = injected(sybil_region(graph, seeds, 1, m, 9).events, graph)
        honest = new.actor < graph.n_honest
        order = np.lexsort((new.time[honest], new.actor[honest]))
        return new.actor[honest][order], new.time[honest][order], new.value[honest][order]

    # the honest side of every attack edge (who, when, which rating) is the same for every m
    for mine, theirs in zip(befriending(10), befriending(40), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    again = sybil_region(graph, seeds, 1, 10, 9).events
    first = sybil_region(graph, seeds, 1, 10, 9).events
    assert np.array_equal(first.time, again.time) and np.array_equal(first.target, again.target)
    other = sybil_region(graph, seeds, 2, 10, 9).events
    assert not np.array_equal(first.time, other.time)


def test_a_tiny_region_is_dense_among_whoever_it_has() -> None:
    graph = tiny("rating")
    attacked = sybil_region(graph, community(graph, attack_rng(1, "seeds")), 1, 3, 2)
    new = injected(attacked.events, graph)
    inside = (new.actor >= graph.n_honest) & (new.target >= graph.n_honest)
    assert inside.sum() == 3 * 2  # each of 3 Sybils with both others
    assert (new.actor[inside] != new.target[inside]).all()


def test_churn_follows_unfollows_and_baselines_keep_only_the_follow_backs() -> None:
    graph = tiny("message")
    seeds = community(graph, attack_rng(3, "seeds"))
    attacked = churn(graph, seeds, seed=4)
    new = injected(attacked.events, graph)
    (churner,) = attacked.measured
    follows = kinds_of(new, "follow")
    out = follows & (new.actor == churner)
    back = follows & (new.target == churner)
    assert out.sum() == int(0.8 * seeds.pool.size) == kinds_of(new, "unfollow").sum()
    assert not np.isin(new.target[out], seeds.seeds).any()
    assert np.isin(new.actor[back], new.target[out]).all()
    edges = baseline_edges(attacked.events, graph.end)
    assert (edges.src == churner).sum() == 0  # every follow withdrawn
    assert (edges.dst == churner).sum() == back.sum()
    before_unfollows = baseline_edges(
        attacked.events, float(new.time[kinds_of(new, "unfollow")].min()) - 1
    )
    assert (before_unfollows.src == churner).sum() > 0


def test_churn_on_ratings_is_rate_for_rate() -> None:
    graph = tiny("rating")
    attacked = churn(graph, community(graph, attack_rng(3, "seeds")), seed=4)
    new = injected(attacked.events, graph)
    assert kinds_of(new, "rating").all()
    (churner,) = attacked.measured
    assert (new.value[new.actor == churner] == 10.0).all()


def test_ring_members_are_active_honest_accounts_dealing_only_with_each_other(
    graph: HonestGraph, seeds: Community
) -> None:
    attacked = ring(graph, seeds, seed=6)
    new = injected(attacked.events, graph)
    members = attacked.measured
    assert members.size == 20 and np.isin(members, seeds.active).all()
    assert np.isin(new.actor, members).all() and np.isin(new.target, members).all()
    assert np.array_equal(attacked.participants, members)
    pairs = 20 * 19
    if graph.native == "rating":
        assert len(new) == pairs
    else:
        assert kinds_of(new, "like").sum() == pairs * RING_WEEKS * 7
        assert kinds_of(new, "share").sum() == pairs * RING_WEEKS


def test_blaster_mentions_every_target_each_round_and_replies_come_back(
    graph: HonestGraph, seeds: Community
) -> None:
    attacked = blaster(graph, seeds, seed=8)
    new = injected(attacked.events, graph)
    (blast,) = attacked.measured
    mentions = kinds_of(new, "mention")
    targets = np.unique(new.target[mentions])
    assert mentions.sum() == BLAST_ROUNDS * targets.size and (new.actor[mentions] == blast).all()
    replies = kinds_of(new, "reply")
    assert (new.target[replies] == blast).all() and np.isin(new.actor[replies], targets).all()


def test_slander_clique_condemns_one_prominent_honest_account(
    graph: HonestGraph, seeds: Community
) -> None:
    attacked = slander(graph, seeds, seed=9)
    new = injected(attacked.events, graph)
    (target,) = attacked.measured
    assert np.isin(target, seeds.prominent) and not np.isin(target, seeds.seeds)
    negative = kinds_of(new, "block") | (new.value < 0)
    assert negative.sum() == SLANDER_CLIQUE and (new.target[negative] == target).all()
    assert (new.actor >= graph.n_honest).all()


def test_whitewash_new_identity_differs_from_a_new_account_only_by_the_vouch(
    graph: HonestGraph, seeds: Community
) -> None:
    attacked = whitewash(graph, seeds, seed=10)
    new = injected(attacked.events, graph)
    (old,), (reborn,), (fresh,) = attacked.old, attacked.measured, attacked.fresh
    from_fresh = new.actor == fresh
    from_reborn = (new.actor == reborn) & (new.target != old)
    assert np.array_equal(new.target[from_fresh], new.target[from_reborn])
    assert np.array_equal(new.time[from_fresh], new.time[from_reborn])
    assert ((new.actor == old) & (new.target == reborn)).sum() == 1
    assert (new.target == fresh).sum() == 0
    condemned = (new.target == old) & (kinds_of(new, "block") | (new.value < 0))
    assert condemned.sum() == 10


def test_share_rank_top_and_percentile_on_hand_made_scores() -> None:
    scores = np.array([4.0, 3.0, -1.0, 2.0, 1.0, 0.0])
    assert share(scores, np.array([0, 2])) == pytest.approx(0.4)  # negatives count as no mass
    assert best_rank(scores, scores[[3, 4]]) == 3
    assert best_rank(scores, np.array([4.0])) == 1  # ties are not counted against
    assert in_top(scores, np.array([0, 1]), k=3) == 2
    assert in_top(np.ones(6), np.array([0, 1, 2]), k=2) == pytest.approx(1.0)
    assert percentile(np.array([1.0, 2.0, 3.0, 4.0]), np.array([0.0, 2.0, 9.0])).tolist() == [
        0.0,
        0.375,
        1.0,
    ]
    assert share(np.zeros(3), np.array([0])) == 0.0


def test_auc_counts_ties_one_half() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.1, 0.1, 0.8])
    honest, sybils = np.array([0, 1, 2]), np.array([3, 4, 5])
    # 0.9 beats all three Sybils, 0.8 two and ties one (one half), 0.7 beats two: 7.5 of 9
    assert separation(scores, honest, sybils) == pytest.approx(7.5 / 9)
    assert separation(np.ones(6), honest, sybils) == 0.5


def test_zero_ceiling_is_the_best_auc_the_zeros_leave() -> None:
    honest, sybils = np.arange(4), np.arange(4, 6)
    # one honest account in four scores 0 and no Sybil does: it loses to both Sybils
    assert zero_ceiling(np.array([3.0, 2.0, 1.0, 0.0, 0.5, 0.2]), honest, sybils) == 0.75
    # one Sybil of two scores 0 too: the honest zero ties with it (one half)
    assert zero_ceiling(np.array([3.0, 2.0, 1.0, 0.0, 0.0, 0.2]), honest, sybils) == 0.8125
    assert zero_ceiling(np.ones(6), honest, sybils) == 1.0


def test_outvouched_counts_distinct_honest_endorsers_against_the_median_sybil() -> None:
    # honest 0..3, Sybils 4 and 5: Sybil 4 has honest endorsers 0, 1, 2 (1 twice, counted
    # once), Sybil 5 has 0 and 3; the Sybils' own vouches and a negative count for nothing
    src = np.array([0, 1, 1, 2, 0, 3, 4, 5, 4, 0, 1])
    dst = np.array([4, 4, 4, 4, 5, 5, 5, 4, 0, 1, 2])
    weight = np.array([1.0, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, -1.0])
    graph = SignedGraph(src, dst, weight, np.zeros(src.size), 6, np.arange(6))
    # honest endorsers: 0 by Sybil only (0), 1 by 0 (1), 2 by a negative (0), 3 by none (0);
    # the median Sybil has 2.5: every honest account has fewer
    assert outvouched(graph, 4, np.array([4, 5])) == 1.0
    # against the median of Sybil 5 alone (2): still all four honest accounts are below
    assert outvouched(graph, 4, np.array([5])) == 1.0
    # a Sybil nobody honest vouches for ties with the three honest zeros, beats none
    lonely = SignedGraph(src[6:7], dst[6:7], weight[6:7], np.zeros(1), 6, np.arange(6))
    assert outvouched(lonely, 4, np.array([5])) == 0.5


def test_figures_read_shares_from_trust_and_ranks_from_the_ranking() -> None:
    events = Events(*(np.zeros(0, dtype=np.int64),) * 3, np.zeros(0), np.zeros(0), 5)
    attacked = Attacked("sybil-m2-g1", "sybil", events, measured=np.array([3, 4]))
    before = Scores.single(np.array([3.0, 2.0, 1.0]))
    # by trust the two Sybils hold half of everything; by the ranking they are last
    after = Scores(rank=np.array([3.0, 2.0, 1.0, 0.5, 0.2]), trust=np.array([1, 1, 0, 1, 1.0]))
    found = figures(before, after, attacked, active=np.ones(3, dtype=bool))
    assert found["captured"] == 0.5 and found["auc"] == 1.0 and found["best_rank"] == 4
    assert found["spearman"] == 1.0


def test_spearman_of_unchanged_constant_and_reordered_scores() -> None:
    assert spearman(np.zeros(4), np.zeros(4)) == 1.0
    assert math.isnan(spearman(np.zeros(4), np.arange(4.0)))
    assert spearman(np.arange(5.0), np.arange(5.0)[::-1]) == pytest.approx(-1.0)


def test_driver_smoke_run_writes_the_promised_json_shape(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "attacks.json"
    driver.main(
        [
            "--data", str(shared_data), "--limit", "2500", "--sybil-counts", "5,20",
            "--attack-edges", "4", "--json", str(out), "--markdown",
        ]
    )  # fmt: skip
    results = json.loads(out.read_text(encoding="utf-8"))
    assert list(results) == ["bitcoin-otc", "college-msg"]
    expected = ["sybil-m5-g4", "sybil-m20-g4", "churn", "ring", "blaster", "slander", "whitewash"]
    for graph in results.values():
        assert list(graph) == expected
        for row in graph.values():
            assert list(row) == list(driver.METHODS)
            for found in row.values():
                assert all(isinstance(value, float | None) for value in found.values())
        assert graph["sybil-m5-g4"]["goodwill"]["growth"] == 1.0
        assert set(graph["sybil-m20-g4"]["klout"]) >= {
            "captured",
            "auc",
            "best_rank",
            "sybils_top100",
        }
        assert graph["churn"]["klout"]["gain_vs_klout"] == 1.0
        assert graph["whitewash"]["klout"]["fresh_share"] == 0.0
    markdown = capsys.readouterr().out
    assert markdown.startswith("| graph | attack | goodwill |")
    table, _, targets = markdown.partition("\n\n")
    assert table.count("| bitcoin-otc |") == len(expected)
    assert "| target | bitcoin-otc | college-msg |" in targets
    assert "| AUC >= 0.97 at g=4, m=20 |" in targets


def test_baseline_edges_weigh_each_kind_as_its_paper_reads_it() -> None:
    kinds = ["rating", "rating", "message", "like", "block", "follow", "unfollow", "follow"]
    events = Events(
        actor=np.array([0, 1, 2, 3, 4, 0, 0, 0]),
        target=np.array([1, 0, 1, 1, 1, 2, 2, 3]),
        kind=np.array([kind_code(k) for k in kinds]),
        time=np.array([1.0, 2, 3, 4, 5, 6, 7, 8]),
        value=np.array([7.0, -3, *[np.nan] * 6]),
        n_nodes=5,
    )
    edges = baseline_edges(events, at=8.0)
    assert edges.weight.tolist() == [0.7, -0.3, 1.0, 1.0, -1.0, 1.0]
    assert (edges.src == 0).sum() == 2 and 2 not in edges.dst[edges.src == 0]  # 0->2 withdrawn
    assert baseline_edges(events, at=6.0).n_edges == 6  # the unfollow had not happened yet
