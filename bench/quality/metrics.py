"""The figures every protocol reports, written out so nothing depends on scikit-learn.

AUC is the Mann-Whitney statistic from average ranks, so tied scores count one half: a
method that gives everyone the same score gets exactly 0.5, not a lucky ordering. For the
same reason precision at k shares the places tied at the k-th score in proportion.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

__all__ = ["auc", "pcc", "precision_at_k", "rmse"]


def rmse(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Root mean squared error."""
    return float(np.sqrt(np.mean((np.asarray(predicted) - np.asarray(actual)) ** 2)))


def pcc(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Pearson correlation; 0 when either side is constant (no linear signal to speak of)."""
    x = np.asarray(predicted, dtype=np.float64) - np.mean(predicted)
    y = np.asarray(actual, dtype=np.float64) - np.mean(actual)
    denominator = float(np.sqrt(np.dot(x, x) * np.dot(y, y)))
    return float(np.dot(x, y) / denominator) if denominator > 0 else 0.0


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """P(score of a random positive > score of a random negative), ties counting one half."""
    positive = np.asarray(positive, dtype=bool)
    n_pos = int(positive.sum())
    n_neg = positive.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(scores)  # average ranks for ties
    rank_sum = float(ranks[positive].sum())
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def precision_at_k(scores: np.ndarray, relevant: np.ndarray, k: int) -> float:
    """Share of ``relevant`` among the ``k`` highest scores, expected over random tie-breaks.

    Scores tied across the k-th place share the remaining places in proportion, so the
    figure never depends on the order the candidates happened to be listed in.
    """
    scores = np.asarray(scores, dtype=np.float64)
    relevant = np.asarray(relevant, dtype=bool)
    k = min(k, scores.size)
    if k == 0:
        return float("nan")
    threshold = np.sort(scores)[::-1][k - 1]
    above = scores > threshold
    tied = scores == threshold
    places_left = k - int(above.sum())
    expected = relevant[above].sum() + places_left * relevant[tied].mean()
    return float(expected / k)
