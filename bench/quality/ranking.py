"""Percentile ranks: the one way unsupervised scores become comparable ratings or mixes.

A node score such as PageRank has no unit, so "use it as a trust rating" can only mean
"how high does this node stand among all nodes": the percentile, mapped onto [-1, 1].
Ties take the midpoint, so equal scores get equal ratings.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

__all__ = ["TIE_TOLERANCE", "percentile", "percentile_among_others", "to_rating"]

TIE_TOLERANCE = 1e-9  # relative to the largest score


def percentile(values: np.ndarray) -> np.ndarray:
    """Each value's mid-rank percentile within ``values``, in (0, 1)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return values
    return (rankdata(values) - 0.5) / values.size


def percentile_among_others(scores: np.ndarray, node: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Where ``value`` would stand among the scores of every node except ``node``, in [0, 1].

    Used when a node's own score is replaced (e.g. recomputed without one edge) while
    everyone else's stays as it was: each other node below counts 1, each tie one half.
    Values within ``TIE_TOLERANCE`` of the largest score count as ties, so that a sum
    taken apart and put back together in another order still ties with itself.
    """
    tolerance = TIE_TOLERANCE * float(np.abs(scores).max(initial=0.0))
    ordered = np.sort(scores)
    below = np.searchsorted(ordered, value - tolerance, side="left")
    not_above = np.searchsorted(ordered, value + tolerance, side="right")
    position = (below + not_above) / 2.0
    own = scores[node]
    tied = np.abs(own - value) <= tolerance
    position -= np.where(tied, 0.5, np.where(own < value, 1.0, 0.0))
    return position / max(scores.size - 1, 1)


def to_rating(share: np.ndarray) -> np.ndarray:
    """A percentile in [0, 1] as a rating in [-1, 1]: the median node gets 0."""
    return 2.0 * np.asarray(share) - 1.0
