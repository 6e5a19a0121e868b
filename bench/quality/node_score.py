"""Edge predictions from a global node score, for baselines that only rank nodes.

Klout-like activity, PageRank and EigenTrust each give one unitless number per node. With
no supervision, the only honest way to read such a number as a rating of v is v's
standing among all nodes: its percentile, mapped onto [-1, 1] (the median node gets 0).
The rater u plays no part; these scores say nothing about who is asking.

Leave-one-out: recomputing a global score once per hidden edge is what the protocol asks
for, but at tens of thousands of edges it costs minutes per method, and for all but one
node the change is tiny. What is not tiny is the hidden edge's own share of its target's
score: a node with a single rating would otherwise be ranked by that very rating. So each
method says how much one edge adds directly to its target's score
(``direct_contribution``), and the prediction ranks ``score(v) - contribution`` among the
other nodes' full-graph scores. For the Klout-like score this is exact; for the walks it
is the first-order term (the ripple through the rest of the network is left out).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from quality.data import SignedGraph
from quality.ranking import percentile_among_others, to_rating

__all__ = ["NodeScoreMethod"]


class NodeScoreMethod(ABC):
    """A ``SignedMethod`` defined by a node score and each edge's direct share of it."""

    name: str

    @abstractmethod
    def node_scores(self, graph: SignedGraph) -> np.ndarray:
        """One score per node on ``graph``; higher is more trusted (or more active)."""

    @abstractmethod
    def direct_contribution(self, graph: SignedGraph, scores: np.ndarray) -> np.ndarray:
        """Per edge, how much it adds by itself to its target's score."""

    def leave_one_out(self, graph: SignedGraph) -> np.ndarray:
        scores = self.node_scores(graph)
        without = scores[graph.dst] - self.direct_contribution(graph, scores)
        return to_rating(percentile_among_others(scores, graph.dst, without))

    def predict(self, train: SignedGraph, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        scores = self.node_scores(train)
        return to_rating(percentile_among_others(scores, dst, scores[dst]))
