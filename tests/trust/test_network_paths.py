"""The strongest trust paths: checked against brute force on small graphs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix

from goodwill.errors import AlgorithmInputError
from goodwill.trust.network_graph import TrustGraph
from goodwill.trust.paths import strongest_by_first_hop, strongest_paths


def graph(edges: list[tuple[int, int, float]], n: int) -> TrustGraph:
    """A trust graph from (from, to, trust) triples (the last of repeated pairs wins)."""
    dense = np.zeros((n, n))
    for a, b, w in edges:
        if a != b:
            dense[a, b] = w
    return TrustGraph(csr_matrix(dense), csr_matrix((n, n)))


def every_simple_path(trust: np.ndarray, source: int, target: int, max_hops: int) -> list[float]:
    """The strengths of all simple paths, by depth-first search (the slow, obvious way)."""
    strengths: list[float] = []

    def walk(node: int, seen: tuple[int, ...], strength: float) -> None:
        if node == target:
            strengths.append(strength)
            return
        if len(seen) > max_hops:
            return
        for nxt in np.flatnonzero(trust[node]):
            if int(nxt) not in seen and len(seen) <= max_hops:
                walk(int(nxt), (*seen, int(nxt)), strength * trust[node, nxt])

    walk(source, (source,), 1.0)
    return sorted(strengths, reverse=True)


def test_paths_come_strongest_first_with_each_hops_trust() -> None:
    # me -> ana -> bob -> cy; me -> cy directly but weakly; me -> dee -> cy
    me, ana, bob, cy, dee = range(5)
    found = strongest_paths(
        graph(
            [(me, ana, 0.9), (ana, bob, 0.8), (bob, cy, 0.9), (me, cy, 0.2), (me, dee, 0.5),
             (dee, cy, 0.6)],
            5,
        ),
        me,
        cy,
        k=5,
    )  # fmt: skip
    assert [p.nodes for p in found] == [(me, ana, bob, cy), (me, dee, cy), (me, cy)]
    assert found[0].hops == (0.9, 0.8, 0.9)
    assert found[0].strength == pytest.approx(0.648)
    assert [p.strength for p in found] == pytest.approx([0.648, 0.3, 0.2])


def test_max_hops_and_k_limit_the_answer() -> None:
    chain = graph([(i, i + 1, 0.9) for i in range(6)] + [(0, 6, 0.01)], 7)
    assert [p.nodes for p in strongest_paths(chain, 0, 6, k=3, max_hops=6)] == [
        tuple(range(7)),
        (0, 6),
    ]
    assert [p.nodes for p in strongest_paths(chain, 0, 6, k=3, max_hops=5)] == [(0, 6)]
    assert len(strongest_paths(chain, 0, 6, k=1, max_hops=6)) == 1
    assert strongest_paths(chain, 6, 0) == []  # trust has a direction


def test_paths_never_visit_anyone_twice() -> None:
    # a strong loop 0 -> 1 -> 2 -> 0 must not be walked to pad a path to 3
    loop = graph([(0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0), (2, 3, 0.5), (0, 3, 0.1)], 4)
    found = strongest_paths(loop, 0, 3, k=10, max_hops=6)
    assert [p.nodes for p in found] == [(0, 1, 2, 3), (0, 3)]


@settings(max_examples=80, deadline=None)
@given(
    st.integers(3, 9).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0.05, 1.0)),
                max_size=40,
            ),
        )
    ),
    st.integers(1, 5),
    st.integers(1, 4),
)
def test_the_search_finds_what_brute_force_finds(
    case: tuple[int, list[tuple[int, int, float]]], k: int, max_hops: int
) -> None:
    n, edges = case
    trust_graph = graph(edges, n)
    dense = trust_graph.trust.toarray()
    found = strongest_paths(trust_graph, 0, n - 1, k=k, max_hops=max_hops)
    expected = every_simple_path(dense, 0, n - 1, max_hops)[:k]
    assert [p.strength for p in found] == pytest.approx(expected)
    for p in found:
        assert len(set(p.nodes)) == len(p.nodes) <= max_hops + 1
        assert p.nodes[0] == 0 and p.nodes[-1] == n - 1
        assert list(p.hops) == [dense[a, b] for a, b in zip(p.nodes, p.nodes[1:], strict=False)]
        assert p.strength == pytest.approx(math.prod(p.hops))


def test_introducers_are_one_per_first_hop_strongest_first() -> None:
    me, ana, bob, cy, dee, target = range(6)
    trust = graph(
        [(me, ana, 0.9), (me, bob, 0.6), (me, cy, 0.3), (me, target, 0.4),
         (ana, dee, 0.5), (dee, target, 0.5), (ana, target, 0.2),
         (bob, target, 0.9), (cy, ana, 1.0)],
        6,
    )  # fmt: skip
    found = strongest_by_first_hop(trust, me, target, top=5)
    # bob 0.6 * 0.9 = 0.54; ana 0.9 * 0.5 * 0.5 = 0.225; cy 0.3 * 1.0 * 0.5 * 0.5 = 0.075
    assert [(p.nodes[1], round(p.strength, 3)) for p in found] == [
        (bob, 0.54),
        (ana, 0.225),
        (cy, 0.075),
    ]
    assert found[2].nodes == (me, cy, ana, dee, target)
    # the direct edge is not an introduction; top cuts the list; hops bound the paths
    assert [p.nodes[1] for p in strongest_by_first_hop(trust, me, target, top=1)] == [bob]
    assert [p.nodes[1] for p in strongest_by_first_hop(trust, me, target, max_hops=2)] == [
        bob,
        ana,
    ]
    # each agrees with strongest_paths restricted to that first hop
    for p in found:
        assert strongest_paths(trust, me, target, k=1, through=p.nodes[1])[0] == p


def test_path_errors_say_what_is_wrong() -> None:
    trust = graph([(0, 1, 1.0)], 3)
    with pytest.raises(AlgorithmInputError, match="two different people"):
        strongest_paths(trust, 1, 1)
    with pytest.raises(
        AlgorithmInputError, match=r"target 7 is not a node of the graph \(0\.\.2\)"
    ):
        strongest_paths(trust, 0, 7)
    with pytest.raises(AlgorithmInputError, match="at least 1"):
        strongest_paths(trust, 0, 1, k=0)
    with pytest.raises(AlgorithmInputError, match="starts from"):
        strongest_paths(trust, 0, 1, through=0)
    assert strongest_paths(trust, 0, 2, through=1) == []
    with pytest.raises(AlgorithmInputError, match="max_hops at least 2"):
        strongest_by_first_hop(trust, 0, 1, max_hops=1)
