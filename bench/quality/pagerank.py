"""PageRank (Page, Brin, Motwani, Winograd 1999) on the positive ratings, weighted.

Only positive ratings are endorsements a walker should follow, so negative edges are
dropped and a positive edge is followed in proportion to its weight. Damping 0.85 (the
walker follows an edge 85% of the time), uniform teleport. The score becomes a rating
through its percentile (see ``node_score``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quality.data import SignedGraph
from quality.node_score import NodeScoreMethod
from quality.walk import stationary

__all__ = ["PageRank"]

DAMPING = 0.85


@dataclass
class PageRank(NodeScoreMethod):
    """Weighted PageRank on positive edges, as a ``SignedMethod``."""

    name: str = "pagerank"

    def node_scores(self, graph: SignedGraph) -> np.ndarray:
        positive = graph.weight > 0
        prior = np.full(graph.n_nodes, 1.0 / graph.n_nodes)
        return stationary(
            graph.n_nodes,
            graph.src[positive],
            graph.dst[positive],
            graph.weight[positive],
            restart=1.0 - DAMPING,
            prior=prior,
        )

    def direct_contribution(self, graph: SignedGraph, scores: np.ndarray) -> np.ndarray:
        """0.85 * PR(u) * w / (u's positive out-weight) for a positive edge, else 0."""
        positive = np.maximum(graph.weight, 0.0)
        out_weight = np.bincount(graph.src, positive, minlength=graph.n_nodes)[graph.src]
        share = np.divide(positive, out_weight, out=np.zeros_like(positive), where=out_weight > 0)
        return DAMPING * scores[graph.src] * share
