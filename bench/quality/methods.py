"""The contract every evaluated method meets, so the harness can run them all the same way.

``SignedMethod`` is for who-rates-whom data (weights in [-1, 1]); ``PairMethod`` for
message data, where the question is whether two people keep in touch. The harness never
looks inside a method: anything a method needs it computes from the arguments.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from quality.data import Messages, SignedGraph

__all__ = ["PairMethod", "SignedMethod"]


class SignedMethod(Protocol):
    """Predicts edge weights and scores nodes on a weighted signed graph."""

    name: str

    def leave_one_out(self, graph: SignedGraph) -> np.ndarray:
        """A prediction in [-1, 1] for every edge, made with that edge hidden."""
        ...

    def predict(self, train: SignedGraph, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """Predictions in [-1, 1] for edges ``src -> dst`` from ``train`` alone."""
        ...

    def node_scores(self, graph: SignedGraph) -> np.ndarray:
        """One score per node; higher means more trustworthy."""
        ...


class PairMethod(Protocol):
    """Scores unordered pairs of people by how likely they are to keep in touch."""

    name: str

    def score_pairs(
        self, messages: Messages, cut: float, a: np.ndarray, b: np.ndarray
    ) -> np.ndarray:
        """A score per pair {a[i], b[i]}; ``messages`` are already only those before ``cut``."""
        ...
