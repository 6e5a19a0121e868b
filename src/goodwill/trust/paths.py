"""The strongest trust paths from one person to another: why network trust flows where it does.

A path's **strength** is the product of its hops' trust (``TrustGraph.trust``, each in
[0, 1]): subjective logic's discounting of trust along a chain (A's trust in C through B is
A's trust in B times B's trust in C), so every hop weakens it and one weak link weakens the
whole. Paths are simple (no one twice) and at most ``max_hops`` long.

The search is best-first with an exact optimistic bound: a backward pass computes, for
every node and every number of hops left, the strongest strength to the target ignoring
simplicity (a max-product Bellman-Ford over the sparse matrix, vectorised), so partial
paths are expanded strongest-bound first and complete paths come out strongest first. Only
nodes that can still reach the target within the hops left are ever expanded, so a hub with
thousands of contacts costs only its useful ones.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]  # scipy ships no stubs

from goodwill.errors import AlgorithmInputError
from goodwill.trust.network_graph import TrustGraph

__all__ = ["TrustPath", "reach_strengths", "strongest_by_first_hop", "strongest_paths"]

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class TrustPath:
    """A path of node indices, the trust on each hop, and their product."""

    nodes: tuple[int, ...]
    hops: tuple[float, ...]
    strength: float


def reach_strengths(trust: csr_matrix, target: int, max_hops: int) -> Floats:
    """``best[h, i]``: the strongest product of trust from ``i`` to ``target`` in at most
    ``h`` hops (walks, not only simple paths; ``best[h, target] = 1``), for h = 0..max_hops.

    >>> trust = csr_matrix(np.array([[0, .5, .1], [0, 0, .8], [0, 0, 0]]))
    >>> reach_strengths(trust, 2, 2).round(2).tolist()
    [[0.0, 0.0, 1.0], [0.1, 0.8, 1.0], [0.4, 0.8, 1.0]]
    """
    n = trust.shape[0]
    best = np.zeros((max_hops + 1, n))
    best[0, target] = 1.0
    coo = trust.tocoo()
    rows, cols, weights = coo.row, coo.col, coo.data
    for hops in range(1, max_hops + 1):
        through = weights * best[hops - 1, cols]
        step = np.zeros(n)
        np.maximum.at(step, rows, through)
        best[hops] = np.maximum(best[hops - 1], step)
    return best


def strongest_paths(
    graph: TrustGraph,
    source: int,
    target: int,
    k: int = 3,
    max_hops: int = 4,
    *,
    through: int | None = None,
) -> list[TrustPath]:
    """The ``k`` strongest simple trust paths from ``source`` to ``target``, strongest first
    (fewer if fewer exist within ``max_hops``); with ``through``, only those whose first hop
    is to that node (for "who can introduce me": one answer per contact).

    >>> trust = csr_matrix(np.array([[0, .9, .3], [0, 0, .5], [0, 0, 0]]))
    >>> from goodwill.trust.network_graph import TrustGraph
    >>> paths = strongest_paths(TrustGraph(trust, csr_matrix((3, 3))), 0, 2)
    >>> [(p.nodes, round(p.strength, 2)) for p in paths]
    [((0, 1, 2), 0.45), ((0, 2), 0.3)]
    """
    n = graph.n_nodes
    if k < 1 or max_hops < 1:
        raise AlgorithmInputError("k and max_hops must be at least 1")
    for name, node in (("source", source), ("target", target), ("through", through)):
        if node is not None and not 0 <= node < n:
            raise AlgorithmInputError(f"{name} {node} is not a node of the graph (0..{n - 1})")
    if source == target:
        raise AlgorithmInputError("a trust path needs two different people")
    if through == source:
        raise AlgorithmInputError("a path cannot go through the person it starts from")
    best = reach_strengths(graph.trust, target, max_hops)
    if through is None:
        return _search(graph.trust, best, (source,), (), target, k, max_hops)
    first = float(graph.trust[source, through])
    if first <= 0:
        return []
    return _search(graph.trust, best, (source, through), (first,), target, k, max_hops)


def _search(
    trust: csr_matrix,
    best: Floats,
    nodes: tuple[int, ...],
    hops: tuple[float, ...],
    target: int,
    k: int,
    max_hops: int,
) -> list[TrustPath]:
    """Best-first search from the partial path ``nodes`` (with trust ``hops``) to ``target``."""
    indptr, indices, data = trust.indptr, trust.indices, trust.data
    found: list[TrustPath] = []
    # entries: (-bound, tie-breaker, nodes, hops); the bound is the best completion's strength
    # ignoring simplicity, so it never underestimates and complete paths pop strongest first
    start_bound = float(np.prod(hops)) * best[max_hops - len(hops), nodes[-1]]
    frontier = [(-start_bound, 0, nodes, hops)] if start_bound > 0 else []
    counter = 0
    while frontier and len(found) < k:
        _, _, nodes, hops = heapq.heappop(frontier)
        last = nodes[-1]
        strength = float(np.prod(hops))
        if last == target:
            found.append(TrustPath(nodes, hops, strength))
            continue
        left = max_hops - len(hops) - 1
        start, end = indptr[last], indptr[last + 1]
        nexts, weights = indices[start:end], data[start:end]
        reach = weights * best[left, nexts]
        for node, weight, value in zip(nexts, weights, reach, strict=True):
            if value <= 0 or int(node) in nodes:
                continue
            counter += 1
            entry = (-strength * float(value), counter, (*nodes, int(node)), (*hops, float(weight)))
            heapq.heappush(frontier, entry)
    return found


def strongest_by_first_hop(
    graph: TrustGraph, source: int, target: int, top: int = 5, max_hops: int = 4
) -> list[TrustPath]:
    """For the ``top`` people ``source`` trusts whose best path to ``target`` is strongest,
    that path (one per first hop, strongest first); a direct edge to ``target`` is left out.

    This is "who can introduce me": the candidates are taken in order of their optimistic
    bound (the source's trust in them times their best walk to the target), and the search
    stops once no remaining bound can beat the ``top``-th path found.

    >>> trust = csr_matrix(np.array([[0, .9, .6, .5], [0, 0, 0, .5], [0, 0, 0, .9], [0] * 4]))
    >>> from goodwill.trust.network_graph import TrustGraph
    >>> found = strongest_by_first_hop(TrustGraph(trust, csr_matrix((4, 4))), 0, 3)
    >>> [(p.nodes, round(p.strength, 2)) for p in found]
    [((0, 2, 3), 0.54), ((0, 1, 3), 0.45)]
    """
    n = graph.n_nodes
    if top < 1 or max_hops < 2:
        raise AlgorithmInputError("top must be at least 1 and max_hops at least 2")
    for name, node in (("source", source), ("target", target)):
        if not 0 <= node < n:
            raise AlgorithmInputError(f"{name} {node} is not a node of the graph (0..{n - 1})")
    if source == target:
        raise AlgorithmInputError("a trust path needs two different people")
    trust = graph.trust
    best = reach_strengths(trust, target, max_hops)
    start, end = trust.indptr[source], trust.indptr[source + 1]
    contacts, first = trust.indices[start:end], trust.data[start:end]
    bound = first * best[max_hops - 1, contacts]
    keep = (bound > 0) & (contacts != target)
    order = np.lexsort((contacts[keep], -bound[keep]))
    found: list[TrustPath] = []
    for contact, weight, limit in zip(
        contacts[keep][order], first[keep][order], bound[keep][order], strict=True
    ):
        if len(found) >= top and limit <= found[top - 1].strength:
            break
        path = _search(trust, best, (source, int(contact)), (float(weight),), target, 1, max_hops)
        if path:
            found.append(path[0])
            found.sort(key=lambda p: (-p.strength, p.nodes))
    return found[:top]
