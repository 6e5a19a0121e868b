"""The stationary vector of a random walk with restarts, by sparse power iteration.

PageRank and EigenTrust are the same computation with different inputs: a walker follows
an out-edge with probability proportional to its weight, or with probability ``restart``
jumps to a node drawn from ``prior``. A node with no usable out-edge hands its whole share
to ``prior`` (EigenTrust's rule for a peer that trusts nobody; PageRank's usual fix for
dangling nodes), so the vector always sums to one.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

__all__ = ["stationary"]

TOL = 1e-12
MAX_ITER = 1000


def stationary(
    n_nodes: int,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray,
    restart: float,
    prior: np.ndarray,
) -> np.ndarray:
    """The walk's stationary distribution; edges must have weight > 0."""
    out_weight = np.bincount(src, weight, minlength=n_nodes)
    dangling = out_weight == 0
    step = csr_matrix((weight / out_weight[src], (dst, src)), shape=(n_nodes, n_nodes))
    scores = prior.copy()
    for _ in range(MAX_ITER):
        walked = step @ scores + scores[dangling].sum() * prior
        new = (1.0 - restart) * walked + restart * prior
        change = float(np.abs(new - scores).sum())
        scores = new
        if change < TOL:
            break
    return scores
