"""The four evaluations, each a function of (data, method) returning named figures.

* ``leave_one_out`` (ICDM 2016's protocol): predict every rating with it hidden; RMSE and
  Pearson correlation against the true weights.
* ``temporal``: ratings in time order, stable for equal times (Bitcoin Alpha has day
  resolution); train on the first 80%, predict the last 20% from the first 80% only. AUC
  of the sign (positive rating = 1, the prediction as the score), RMSE, Pearson. Test
  ratings of people unseen in training stay in: predicting newcomers is part of the job.
* ``fraud`` (Bitcoin OTC, REV2's ground truth): node scores on the *full* network, as the
  REV2 paper computed them. The labels derive from ratings inside that network, so this
  measures agreement with the founder's judgement more than foresight. AUC with benign as
  positive (benign should score high) and precision at 50: the share of fraudulent users
  among the 50 lowest-scored labelled users.
* ``persistence`` (CollegeMsg): day zero is the first message; at days 60, 100 and 140,
  every unordered pair that exchanged a message before the cut is a candidate, labelled 1
  if they exchange a message either way in (cut, cut + 30 days]. Methods see only the
  messages before the cut. AUC and precision at 100, per cut and their mean.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from quality.data import FraudLabels, Messages, SignedGraph
from quality.methods import PairMethod, SignedMethod
from quality.metrics import auc, pcc, precision_at_k, rmse

__all__ = [
    "PERSISTENCE_CUT_DAYS",
    "fraud",
    "leave_one_out",
    "persistence",
    "persistence_candidates",
    "temporal",
    "temporal_split",
]

Figures = dict[str, float | dict[str, float]]

TRAIN_SHARE = 0.8
FRAUD_K = 50
PERSISTENCE_CUT_DAYS = (60, 100, 140)
PERSISTENCE_HORIZON_DAYS = 30
PERSISTENCE_K = 100
DAY = 86_400.0


def leave_one_out(graph: SignedGraph, method: SignedMethod) -> Figures:
    predicted = method.leave_one_out(graph)
    return {"rmse": rmse(predicted, graph.weight), "pcc": pcc(predicted, graph.weight)}


def temporal_split(graph: SignedGraph) -> tuple[SignedGraph, SignedGraph]:
    """(the first 80% of ratings by time, the last 20%), on the same node indices."""
    order = np.argsort(graph.time, kind="stable")
    cut = round(TRAIN_SHARE * graph.n_edges)
    return graph.edges(order[:cut]), graph.edges(order[cut:])


def temporal(graph: SignedGraph, method: SignedMethod) -> Figures:
    train, test = temporal_split(graph)
    predicted = method.predict(train, test.src, test.dst)
    return {
        "auc": auc(predicted, test.weight > 0),
        "rmse": rmse(predicted, test.weight),
        "pcc": pcc(predicted, test.weight),
    }


def fraud(graph: SignedGraph, labels: FraudLabels, method: SignedMethod) -> Figures:
    """AUC and precision at 50 of ``method.node_scores`` against the REV2 labels.

    A method may also offer ``alternative_node_scores(graph) -> {suffix: scores}`` (FxG
    offers fairness beside goodness); each is reported as ``auc_<suffix>`` and
    ``precision_at_50_<suffix>``.
    """
    figures: Figures = _fraud_figures(method.node_scores(graph), labels, "")
    alternatives = getattr(method, "alternative_node_scores", None)
    if alternatives is not None:
        for suffix, scores in alternatives(graph).items():
            figures.update(_fraud_figures(scores, labels, f"_{suffix}"))
    return figures


def _fraud_figures(scores: np.ndarray, labels: FraudLabels, suffix: str) -> Figures:
    labelled = scores[labels.nodes]
    return {
        f"auc{suffix}": auc(labelled, labels.benign),
        f"precision_at_{FRAUD_K}{suffix}": precision_at_k(-labelled, ~labels.benign, FRAUD_K),
    }


def persistence_candidates(
    messages: Messages, cut: float, horizon: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, label): pairs with a message before ``cut``, a < b; label = contact in (cut, horizon]."""
    n = messages.n_nodes
    low = np.minimum(messages.src, messages.dst)
    key = low * n + np.maximum(messages.src, messages.dst)
    before = np.unique(key[messages.time < cut])
    after = np.unique(key[(messages.time > cut) & (messages.time <= horizon)])
    return before // n, before % n, np.isin(before, after)


def persistence(
    messages: Messages, method: PairMethod, cut_days: Sequence[int] = PERSISTENCE_CUT_DAYS
) -> Figures:
    day_zero = float(messages.time.min())
    by_cut_auc: dict[str, float] = {}
    by_cut_precision: dict[str, float] = {}
    for day in cut_days:
        cut = day_zero + day * DAY
        a, b, label = persistence_candidates(messages, cut, cut + PERSISTENCE_HORIZON_DAYS * DAY)
        scores = method.score_pairs(messages.before(cut), cut, a, b)
        by_cut_auc[str(day)] = auc(scores, label)
        by_cut_precision[str(day)] = precision_at_k(scores, label, PERSISTENCE_K)
    return {
        "auc": float(np.mean(list(by_cut_auc.values()))),
        "auc_by_cut": by_cut_auc,
        f"precision_at_{PERSISTENCE_K}": float(np.mean(list(by_cut_precision.values()))),
        f"precision_at_{PERSISTENCE_K}_by_cut": by_cut_precision,
    }
