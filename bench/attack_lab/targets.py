"""Issue #6's targets, checked against one graph's results (reported, never asserted).

* Sybil mass grows with attack edges, not Sybil count: goodwill's captured share with the
  most Sybils within ``GROWTH_LIMIT`` of the fewest, same g (Klout's growth shown beside);
* honest-vs-Sybil AUC of at least ``AUC_TARGET``, reported for every m and g (the issue
  asks it at g = ``EDGE_TARGET``), beside the ceiling the zeros leave (``auc_ceiling``)
  and ``g log2 n``: SybilRank's guarantee (Cao et al., NSDI 2012, Theorem 1) is that at
  most O(g log n) Sybils rank above honest accounts, so no structure-based method promises
  anything for m at or below it; and ``outvouched``: the share of honest accounts with
  fewer honest endorsers than the median Sybil (0.88 on Bitcoin OTC at m = 10, g = 100:
  ten befriended Sybils are better endorsed, by count, than most honest traders); and no
  Sybil in the top 100 at g = ``EDGE_TARGET``;
* churn, rings, blasts and slander each move goodwill's scores by at most
  ``GAIN_LIMIT`` of what they move the Klout-like score;
* a whitewashed identity borrows no trust: its share is no more than a new account's;
* honest bystanders' Spearman correlation, with and without each attack, at least
  ``SPEARMAN_TARGET``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from attack_lab.lab import Results

__all__ = ["Target", "check"]

GROWTH_LIMIT = 1.1
EDGE_TARGET = 100
AUC_TARGET = 0.97
GAIN_LIMIT = 0.05
SPEARMAN_TARGET = 0.95
METHOD = "goodwill"
GAIN_ATTACKS = ("churn", "ring", "blaster", "slander")
BORROW_TOLERANCE = 1e-9  # float noise, not trust


@dataclass(frozen=True)
class Target:
    what: str
    measured: str
    met: bool


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.4g}"


def check(
    results: Results,
    sybil_counts: Sequence[int],
    edge_counts: Sequence[int],
    n_nodes: int | None = None,
) -> list[Target]:
    """Each target, what goodwill measured, and whether it is met (``n_nodes``, the honest
    graph's size, adds ``g log2 n`` to the AUC rows)."""
    found: list[Target] = []
    most, fewest = max(sybil_counts), min(sybil_counts)
    for g in edge_counts:
        row = results[f"sybil-m{most}-g{g}"]
        growth = row[METHOD]["growth"]
        klout = row.get("klout", {}).get("growth", math.nan)
        found.append(
            Target(
                f"captured m={most} / m={fewest}, g={g} <= {GROWTH_LIMIT}",
                f"{_fmt(growth)} (klout {_fmt(klout)})",
                growth <= GROWTH_LIMIT,
            )
        )
    for g in edge_counts:
        bound = f", g log2 n = {g * math.log2(n_nodes):.0f}" if n_nodes else ""
        for m in sybil_counts:
            run = results[f"sybil-m{m}-g{g}"][METHOD]
            found.append(
                Target(
                    f"AUC >= {AUC_TARGET} at g={g}, m={m}{bound}",
                    f"{run['auc']:.3f} (ceiling {run['auc_ceiling']:.3f}, "
                    f"active honest {run['auc_active']:.3f}, "
                    f"outvouched {run.get('outvouched', math.nan):.3f})",
                    run["auc"] >= AUC_TARGET,
                )
            )
    g = EDGE_TARGET if EDGE_TARGET in edge_counts else max(edge_counts)
    runs = [results[f"sybil-m{m}-g{g}"][METHOD] for m in sybil_counts]
    top = max(run["sybils_top100"] for run in runs)
    found.append(Target(f"no Sybil in the top 100 at g={g}, every m", _fmt(top), top == 0))
    for attack in GAIN_ATTACKS:
        ratio = results[attack][METHOD]["gain_vs_klout"]
        found.append(
            Target(
                f"{attack}: gain <= {GAIN_LIMIT:.0%} of Klout's", _fmt(ratio), ratio <= GAIN_LIMIT
            )
        )
    borrowed = results["whitewash"][METHOD]["borrowed"]
    found.append(
        Target("whitewash: no borrowed trust", _fmt(borrowed), borrowed <= BORROW_TOLERANCE)
    )
    worst = min(
        (row[METHOD]["spearman"], name)
        for name, row in results.items()
        if not math.isnan(row[METHOD]["spearman"])
    )
    found.append(
        Target(
            f"honest Spearman >= {SPEARMAN_TARGET}, every attack",
            f"{_fmt(worst[0])} ({worst[1]})",
            worst[0] >= SPEARMAN_TARGET,
        )
    )
    return found
