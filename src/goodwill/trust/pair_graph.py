"""The trust graph from a :class:`~goodwill.trust.pair_reading.PairReading`, compiled: one
pass over the pairs, straight into sorted CSR.

The rules are :func:`~goodwill.trust.network_graph.trust_graph`'s, applied per pair and
direction (the reverse direction sits in the same pair, so the answer rule needs no
search): investment weighed by how answered it was, ``trust = max(v - s, 0) / (v + s +
W)``, ``distrust = max(s - v, 0) / (v + s + W)``, maturity ``min(1, age / span)`` where
the vouch stands; entries of zero are left out, as there.

Why the rows come out sorted without a sort: visiting pairs in (lower, higher) order,
person ``i``'s entries toward lower people (``i`` is the pair's higher person) all come
from pairs visited before the run of pairs where ``i`` is the lower person, whose entries
point to higher people, in order. So two passes (count per row, then place) give CSR with
sorted columns, where scipy's COO route sorts every row again.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from goodwill.trust.pair_kernel import ACTS, SINCE

__all__ = ["graph_csr"]

S, W, SG, SZ = 1, 4, 5, 6  # the reading's quantities used here


@numba.njit(cache=True)
def _entry(values: Any, ints: Any, p: int, side: int, at_us: int, prior: float,
           span_us: float) -> tuple[float, float, float]:  # fmt: skip
    """Trust, distrust and maturity of pair ``p``'s direction ``side``."""
    other = 1 - side
    answer = 1.0
    if ints[p, other, ACTS] > 0:
        sizes = values[p, other, SZ]
        answer = 0.0 if sizes <= 0 else min(max(values[p, other, SG] / sizes, 0.0), 1.0)
    weighed = values[p, side, W]
    vouched = weighed * answer if weighed > 0 else 0.0
    against = values[p, side, S]
    total = vouched + against + prior
    trust = max(vouched - against, 0.0) / total
    distrust = max(against - vouched, 0.0) / total
    matured = 1.0
    if span_us > 0:
        age = at_us - ints[p, side, SINCE] if weighed > 0 else 0
        matured = min(max(age / span_us, 0.0), 1.0)
    return trust, distrust, matured if trust > 0 else 0.0


@numba.njit(cache=True)
def graph_csr(
    order: Any, low: Any, high: Any, values: Any, ints: Any, n: int,
    at_us: int, prior: float, span_us: float,
) -> tuple[Any, ...]:  # fmt: skip
    """Trust, distrust and maturity as CSR (indptr, indices, data each) over ``n`` people,
    from the pairs visited in ``order`` (sorted by low, then high; ``low``/``high`` dense)."""
    counts = np.zeros((3, n + 1), np.int64)
    for q in range(order.size):
        p = order[q]
        for side in range(2):
            found = _entry(values, ints, p, side, at_us, prior, span_us)
            source = low[p] if side == 0 else high[p]
            for m in range(3):
                if found[m] > 0:
                    counts[m, source + 1] += 1
    matrices = []
    cursors = []
    for m in range(3):
        indptr = np.cumsum(counts[m])
        matrices.append((indptr, np.empty(indptr[-1], np.int32), np.empty(indptr[-1])))
        cursors.append(indptr[:-1].copy())
    for q in range(order.size):
        p = order[q]
        for side in (1, 0):  # toward the lower person first: same row order either way
            found = _entry(values, ints, p, side, at_us, prior, span_us)
            source, target = (low[p], high[p]) if side == 0 else (high[p], low[p])
            for m in range(3):
                if found[m] > 0:
                    at = cursors[m][source]
                    matrices[m][1][at] = target
                    matrices[m][2][at] = found[m]
                    cursors[m][source] = at + 1
    return matrices[0], matrices[1], matrices[2]
