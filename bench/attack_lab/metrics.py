"""From scores with and without an attack to the attacker's gain.

Scores of different methods have no common unit, so gains are read in two unitless ways,
each on the reading of the scores it is about (``methods.Scores``; the same array for a
method with one score):

* **share**, of the *trust* a method hands out: a set's share of all positive trust mass
  (negative scores, e.g. FxG's goodness, count as zero mass): "captured trust", the
  attackers' gain, a whitewashed identity's borrowed trust;
* **percentile and rank**, by the *ranking*, among the honest accounts of the same run
  (mid-rank percentile, ties counting one half; rank 1 is the top, ties not in the set's
  favour counted against it: rank = 1 + the number of honest accounts scoring strictly
  higher); so are the AUC, the top-100 count and the Spearman correlation.

An account the attack created had no score before it: it counts as 0, where any new
account stands. AUC is honest-vs-Sybil with honest as the positive class (so 1.0 means
every honest account outscores every Sybil) and ties counting one half, from
``bench/quality/metrics.py``; so is the top-100 count, ties sharing places in proportion.
``auc_active`` is the same AUC against the active honest accounts only (a few partners
each): the honest periphery, one rating or one message, looks to any graph method like a
new account, and a Sybil with several attack edges outranks it by right. ``auc_ceiling``
is the best AUC any reordering of the accounts the method scores above zero could give,
with the zeros where they are: honest accounts a method gives nothing (nobody vouches for
them, or they are out of the seeds' reach) lose to every Sybil it gives anything.
Spearman correlations are over the honest bystanders (honest accounts other than the
attack's participants), with and without the attack.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from attack_lab.inject import Attacked
from attack_lab.methods import Scores
from quality.data import SignedGraph
from quality.metrics import auc, precision_at_k

__all__ = [
    "TOP_K",
    "best_rank",
    "figures",
    "in_top",
    "outvouched",
    "percentile",
    "separation",
    "share",
    "spearman",
    "zero_ceiling",
]

TOP_K = 100
NOISE = 1e-12  # a share change this small is summation order, not an effect
Figures = dict[str, float]


def share(scores: np.ndarray, nodes: np.ndarray) -> float:
    """``nodes``' share of all positive score mass (0 when there is none)."""
    mass = np.maximum(np.asarray(scores, dtype=np.float64), 0.0)
    total = float(mass.sum())
    return float(mass[nodes].sum()) / total if total > 0 else 0.0


def percentile(population: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each value's mid-rank percentile in [0, 1] among ``population``."""
    ordered = np.sort(population)
    below = np.searchsorted(ordered, values, side="left")
    not_above = np.searchsorted(ordered, values, side="right")
    return (below + not_above) / (2.0 * max(ordered.size, 1))


def best_rank(population: np.ndarray, values: np.ndarray) -> int:
    """1 + how many of ``population`` score strictly above the best of ``values``."""
    return 1 + int((population > np.max(values)).sum())


def in_top(scores: np.ndarray, nodes: np.ndarray, k: int = TOP_K) -> float:
    """How many of ``nodes`` are among the ``k`` highest scores (ties share places)."""
    member = np.zeros(scores.size, dtype=bool)
    member[nodes] = True
    return precision_at_k(scores, member, k) * min(k, scores.size)


def separation(scores: np.ndarray, honest: np.ndarray, sybils: np.ndarray) -> float:
    """Honest-vs-Sybil AUC: P(a random honest account outscores a random Sybil)."""
    chosen = np.concatenate([honest, sybils])
    label = np.concatenate([np.ones(honest.size, dtype=bool), np.zeros(sybils.size, dtype=bool)])
    return auc(scores[chosen], label)


def zero_ceiling(scores: np.ndarray, honest: np.ndarray, sybils: np.ndarray) -> float:
    """The highest honest-vs-Sybil AUC any order of the nonzero scores could give, the
    zeros staying zeros: ``1 - h0 + h0 * s0 / 2`` for the shares ``h0`` of honest accounts
    and ``s0`` of Sybils that score exactly 0 (an honest zero loses to every scored Sybil
    and ties with every zero one). Exact for scores >= 0; for a method with negative
    scores (FxG) it only accounts for the zeros."""
    h0 = float(np.mean(scores[honest] == 0)) if honest.size else 0.0
    s0 = float(np.mean(scores[sybils] == 0)) if sybils.size else 0.0
    return 1.0 - h0 + h0 * s0 / 2.0


def outvouched(graph: SignedGraph, n_honest: int, sybils: np.ndarray) -> float:
    """The share of honest accounts that fewer honest accounts vouch for (any positive
    edge) than vouch for the median Sybil, ties counting one half: how well endorsed the
    Sybils are, by count, against honest people. Ranking by the count of honest endorsers
    would put the median Sybil above that share of them; when it is large (g well above
    m: each Sybil befriended by several honest accounts) only what is not the count (who
    the endorsers are, how long the vouches have stood) can still rank the Sybils low."""
    positive = (graph.weight > 0) & (graph.src < n_honest)
    pairs = np.unique(graph.src[positive] * graph.n_nodes + graph.dst[positive])
    vouchers = np.bincount(pairs % graph.n_nodes, minlength=graph.n_nodes)
    median = float(np.median(vouchers[sybils]))
    honest = vouchers[:n_honest]
    return float(np.mean(honest < median) + np.mean(honest == median) / 2.0)


def spearman(before: np.ndarray, after: np.ndarray) -> float:
    """Spearman's rank correlation; 1.0 when both sides are the same constant, NaN when one
    alone is constant (no ranking to compare)."""
    if np.array_equal(before, after):
        return 1.0
    if np.ptp(before) == 0 or np.ptp(after) == 0:
        return float("nan")
    return float(spearmanr(before, after).statistic)


def _before(before: np.ndarray, size: int) -> np.ndarray:
    """The no-attack scores, with 0 for every account the attack created."""
    padded = np.zeros(size)
    padded[: before.size] = before
    return padded


def figures(before: Scores, after: Scores, attacked: Attacked, active: np.ndarray) -> Figures:
    """The attack's figures for one method, by the attack's family; ``active`` marks the
    honest accounts with a few partners, for ``auc_active`` (the AUC without the honest
    periphery that no method can tell from a new account)."""
    n_honest = active.size
    honest = np.arange(n_honest)
    bystander = np.ones(n_honest, dtype=bool)
    bystander[attacked.participants] = False
    ranked, trust = after.rank, after.trust
    common: Figures = {"spearman": spearman(before.rank[bystander], ranked[:n_honest][bystander])}
    population = ranked[:n_honest]
    nodes = attacked.measured
    if attacked.family == "sybil":
        return {
            "captured": share(trust, nodes),
            "best_rank": float(best_rank(ranked, ranked[nodes])),
            "auc": separation(ranked, honest, nodes),
            "auc_active": separation(ranked, np.flatnonzero(active), nodes),
            "auc_ceiling": zero_ceiling(ranked, honest, nodes),
            f"sybils_top{TOP_K}": in_top(ranked, nodes),
            **common,
        }
    if attacked.family == "whitewash":
        found: Figures = {}
        for role, who in (("new", nodes), ("fresh", attacked.fresh), ("old", attacked.old)):
            found[f"{role}_score"] = float(trust[who].sum())
            found[f"{role}_share"] = share(trust, who)
            found[f"{role}_percentile"] = float(percentile(population, ranked[who]).mean())
        found["borrowed"] = found["new_share"] - found["fresh_share"]
        found["effect"] = found["borrowed"]
        return {**found, **common}
    old_trust = _before(before.trust, trust.size)
    old_rank = _before(before.rank, ranked.size)
    change = share(trust, nodes) - share(old_trust, nodes)
    change = 0.0 if abs(change) < NOISE else change
    was = percentile(before.rank[:n_honest], old_rank[nodes]).mean()
    now = percentile(population, ranked[nodes]).mean()
    return {
        "score_before": float(old_trust[nodes].sum()),
        "score_after": float(trust[nodes].sum()),
        "share_before": share(old_trust, nodes),
        "share_after": share(trust, nodes),
        "share_change": change,
        "percentile_before": float(was),
        "percentile_after": float(now),
        "percentile_change": float(now - was),
        "rank_before": float(best_rank(before.rank[:n_honest], old_rank[nodes])),
        "rank_after": float(best_rank(population, ranked[nodes])),
        "effect": abs(change),
        **common,
    }
