"""Personalized PageRank by power iteration on an engine: the plain walk that the scale
bench sets beside scipy, scikit-network, igraph and python-graphblas, and a second algorithm
for the engines' contract test.

Each step (Page, Brin, Motwani, Winograd 1999; a node that links nowhere hands its mass to
the prior, as :mod:`goodwill.trust.network` does with what rows do not give away)::

    x' = d Pᵀ x + (d (dangling . x) + (1 - d) sum(x)) p      P[i, j] = A[i, j] / A[i]
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix, diags  # type: ignore[import-untyped]  # scipy ships no stubs

from goodwill.errors import AlgorithmInputError
from goodwill.trust.engines import Engine, engine
from goodwill.trust.engines.base import Floats, dot

__all__ = ["DAMPING", "pagerank"]

DAMPING = 0.85


def pagerank(
    adjacency: csr_matrix,
    prior: Floats | None = None,
    *,
    damping: float = DAMPING,
    steps: int = 30,
    runner: str | Engine = "auto",
) -> Floats:
    """PageRank of ``adjacency`` (n x n, weights >= 0) after ``steps`` steps from
    ``prior`` (uniform when ``None``; normalised to sum to 1), on the engine ``runner``.

    >>> ring = csr_matrix(np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=float))
    >>> pagerank(ring, steps=5).round(3).tolist()
    [0.333, 0.333, 0.333]
    """
    n = int(adjacency.shape[0])
    if not 0.0 <= damping < 1.0:
        raise AlgorithmInputError(f"damping must lie in [0, 1), not {damping}")
    home = np.full(n, 1.0 / max(n, 1)) if prior is None else np.asarray(prior, dtype=np.float64)
    if home.shape != (n,) or (home < 0).any() or home.sum() <= 0:
        raise AlgorithmInputError(f"prior must be {n} weights >= 0 with a positive sum")
    home = home / home.sum()
    totals = np.asarray(adjacency.sum(axis=1)).ravel()
    inverse = np.divide(1.0, totals, out=np.zeros_like(totals), where=totals > 0)
    walk = csr_matrix(diags(inverse) @ adjacency)
    (prepared,) = engine(runner, walk.nnz).prepare(walk)
    assert prepared is not None
    order = prepared.order
    seeds, dangling = order.inward(home), order.inward((totals <= 0).astype(np.float64))
    mass, total, stranded = seeds.copy(), float(seeds.sum()), dot(dangling, seeds)
    for _ in range(steps):
        to_seeds = damping * stranded + (1.0 - damping) * total
        mass, total, stranded = prepared.spread_sums(mass, damping, seeds, to_seeds, dangling)
    return order.outward(mass)
