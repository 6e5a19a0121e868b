"""One graph through every attack and every method: ``{attack: {method: {metric: value}}}``.

Each method scores the honest graph once, then each attacked copy; ``metrics.figures``
compares the two. Two figures relate runs to each other and are added at the end:

* ``outvouched`` on a Sybil run (the same for every method, since it reads only the
  events): the share of honest accounts with fewer honest endorsers than the median Sybil:
  how far the count of endorsers alone would rank the Sybils up;
* ``growth`` on a Sybil run: its captured share over the captured share with the fewest
  Sybils and the same attack edges (the target: about 1 for goodwill, about m for Klout);
* ``gain_vs_klout`` on the other runs: the method's ``effect`` (how far the attack moved
  the score share, whichever way; for whitewashing the trust borrowed) over Klout's, when
  Klout's is positive.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

import numpy as np

from attack_lab.graphs import ACTIVE_PARTNERS, HonestGraph, community
from attack_lab.inject import attack_rng, attacks
from attack_lab.methods import Method, baseline_edges
from attack_lab.metrics import figures, outvouched

__all__ = ["Results", "run_graph"]

Results = dict[str, dict[str, dict[str, float]]]
REFERENCE = "klout"


def run_graph(
    graph: HonestGraph,
    methods: Sequence[Method],
    seed: int,
    sybil_counts: Sequence[int],
    edge_counts: Sequence[int],
    progress: Callable[[str, float], None] | None = None,
) -> Results:
    """Every attack on ``graph`` under every method, with the relating figures added."""
    chosen = community(graph, attack_rng(seed, "seeds"))
    seeds = chosen.seeds
    at, active = graph.end, graph.partners >= ACTIVE_PARTNERS
    before = {method.name: method.scores(graph.events, seeds, at) for method in methods}
    results: Results = {}
    for attacked in attacks(graph, chosen, seed, sybil_counts, edge_counts):
        started = time.perf_counter()
        row: dict[str, dict[str, float]] = {}
        for method in methods:
            clock = time.perf_counter()
            after = method.scores(attacked.events, seeds, at)
            found = figures(before[method.name], after, attacked, active)
            found["seconds"] = time.perf_counter() - clock
            row[method.name] = found
        if attacked.family == "sybil":
            edges = baseline_edges(attacked.events, at)
            bound = outvouched(edges, graph.n_honest, attacked.measured)
            for found in row.values():
                found["outvouched"] = bound
        results[attacked.name] = row
        if progress is not None:
            progress(attacked.name, time.perf_counter() - started)
    _relate(results, sybil_counts, edge_counts)
    return results


def _ratio(value: float, reference: float) -> float:
    return value / reference if reference > 0 and not math.isnan(value) else math.nan


def _relate(results: Results, sybil_counts: Sequence[int], edge_counts: Sequence[int]) -> None:
    fewest = min(sybil_counts)
    for g in edge_counts:
        base = results[f"sybil-m{fewest}-g{g}"]
        for m in sybil_counts:
            for method, found in results[f"sybil-m{m}-g{g}"].items():
                found["growth"] = _ratio(found["captured"], base[method]["captured"])
    for row in results.values():
        if REFERENCE in row and "effect" in row[REFERENCE]:
            reference = row[REFERENCE]["effect"]
            for found in row.values():
                found["gain_vs_klout"] = _ratio(found["effect"], reference)


def sybil_names(sybil_counts: Sequence[int], edge_counts: Sequence[int]) -> list[str]:
    """The Sybil runs' names, in the order they run."""
    return [f"sybil-m{m}-g{g}" for g in edge_counts for m in sybil_counts]


def finite(values: Sequence[float]) -> np.ndarray:
    """The values that are numbers (NaN marks a figure that does not apply)."""
    array = np.asarray(values, dtype=np.float64)
    return array[~np.isnan(array)]
