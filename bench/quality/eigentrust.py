"""EigenTrust (Kamvar, Schlosser, Garcia-Molina, WWW 2003).

Peer i's local trust in j is s_ij = max(sat(i, j) - unsat(i, j), 0): the paper's ratings
are one +1 or -1 per transaction, so a rating counts by its sign, not its size (this is
what sets it apart from weighted PageRank here). Rows are normalised, c_ij = s_ij / sum_j
s_ij, and a peer that trusts nobody trusts the pre-trusted distribution p. The global
trust is the fixed point of t = (1 - a) C^T t + a p with a = 0.15.

Pre-trust p is uniform over all nodes. The paper pre-trusts a few known-good peers (the
network's founders); choosing them here would mean choosing the answer, since the Bitcoin
OTC fraud labels come from the founder's own ratings. Uniform p is the neutral choice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quality.data import SignedGraph
from quality.node_score import NodeScoreMethod
from quality.walk import stationary

__all__ = ["EigenTrust"]

RESTART = 0.15


def _net_ratings(graph: SignedGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Over distinct ordered pairs: src, dst, sat - unsat; and each edge's pair index."""
    key = graph.src * graph.n_nodes + graph.dst
    pairs, pair_of_edge = np.unique(key, return_inverse=True)
    net = np.bincount(pair_of_edge, np.sign(graph.weight), minlength=pairs.size)
    return pairs // graph.n_nodes, pairs % graph.n_nodes, net, pair_of_edge


@dataclass
class EigenTrust(NodeScoreMethod):
    """EigenTrust with uniform pre-trust, as a ``SignedMethod``."""

    name: str = "eigentrust"

    def node_scores(self, graph: SignedGraph) -> np.ndarray:
        src, dst, net, _ = _net_ratings(graph)
        kept = net > 0
        prior = np.full(graph.n_nodes, 1.0 / graph.n_nodes)
        return stationary(
            graph.n_nodes, src[kept], dst[kept], net[kept], restart=RESTART, prior=prior
        )

    def direct_contribution(self, graph: SignedGraph, scores: np.ndarray) -> np.ndarray:
        """(1 - a) t_u (c_uv - c'_uv), c' being u's row with this one rating taken back."""
        src, _, net, pair_of_edge = _net_ratings(graph)
        trust = np.maximum(net, 0.0)
        row_sum = np.bincount(src, trust, minlength=graph.n_nodes)[graph.src]
        before = trust[pair_of_edge]
        after = np.maximum(net[pair_of_edge] - np.sign(graph.weight), 0.0)
        row_after = row_sum - before + after
        uniform = 1.0 / graph.n_nodes
        c_before = np.divide(before, row_sum, out=np.full_like(before, uniform), where=row_sum > 0)
        c_after = np.divide(after, row_after, out=np.full_like(after, uniform), where=row_after > 0)
        return (1.0 - RESTART) * scores[graph.src] * (c_before - c_after)
