"""A Klout-like activity score: how much others interact with you, good or bad.

Social-scoring services ranked people by the volume and intensity of what others did
with them (mentions, replies, likes), not by whether it was praise. On a rating network
the closest measure is the weighted in-degree with the sign dropped: the sum of |w| over
the ratings a node received. A scammer with many angry ratings scores high; that is the
point of including it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quality.data import SignedGraph
from quality.node_score import NodeScoreMethod

__all__ = ["Klout"]


@dataclass
class Klout(NodeScoreMethod):
    """Sum of |weight| received, ranked as a percentile (see ``node_score``)."""

    name: str = "klout"

    def node_scores(self, graph: SignedGraph) -> np.ndarray:
        return np.bincount(graph.dst, np.abs(graph.weight), minlength=graph.n_nodes)

    def direct_contribution(self, graph: SignedGraph, scores: np.ndarray) -> np.ndarray:
        return np.abs(graph.weight)  # exact: the score is a plain sum
