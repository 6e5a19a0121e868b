"""Average rating received: the baseline any rating site shows next to a name.

The prediction for (u, v) is the mean of the ratings v received, ignoring who gave them;
under leave-one-out, the mean of the *other* ratings v received. A node nobody (else)
rated gets 0, the neutral rating, like FxG's goodness of an unrated node.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from quality.data import SignedGraph

__all__ = ["Average"]


def _received(graph: SignedGraph) -> tuple[np.ndarray, np.ndarray]:
    total = np.bincount(graph.dst, graph.weight, minlength=graph.n_nodes)
    count = np.bincount(graph.dst, minlength=graph.n_nodes).astype(np.float64)
    return total, count


def _mean(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


@dataclass
class Average:
    """Mean rating received, as a ``SignedMethod``."""

    name: str = "average"

    def leave_one_out(self, graph: SignedGraph) -> np.ndarray:
        total, count = _received(graph)
        return _mean(total[graph.dst] - graph.weight, count[graph.dst] - 1.0)

    def predict(self, train: SignedGraph, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        return self.node_scores(train)[dst]

    def node_scores(self, graph: SignedGraph) -> np.ndarray:
        return _mean(*_received(graph))
