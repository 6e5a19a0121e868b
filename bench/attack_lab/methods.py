"""goodwill and the baselines behind one interface: ``scores(events, seeds, at)`` per node.

Every method answers with two readings of each node (:class:`Scores`): ``rank``, what it
orders people by, and ``trust``, the trust it hands out, whose shares are "captured trust".
For the baselines both are their one score. For goodwill they are exactly what ``goodwill
network`` shows: the events become an ``EventTable`` and go through goodwill's own code
with its default policy (``assess``: evidence, saturation, decay, the negative factor,
standing, opinions), then ``goodwill.trust.network``: ``trust_graph(snapshot, table)``
(who vouches for whom, and how far each vouch has matured) and ``NetworkTrust().fit(trust,
seeds, distrust=distrust, maturity=maturity)`` from the community's seeds; ``rank`` is ``goodwill network``'s order (``ranking_key``: the fit's
``normalized_``, the ``score`` column, trust per unit of trust received, SybilRank's degree
normalisation, to the figures shown, then the mass) and ``trust`` the fit's ``scores_``
(the ``mass`` column).

The baselines, reused from ``bench/quality`` through a thin layer: the Klout-like
weighted in-degree, PageRank (uniform teleport), FxG's goodness, and EigenTrust with its
pre-trust on the same seeds (the paper's pre-trusted peers; the trust-quality harness
uses uniform pre-trust only because there choosing peers would choose the answer).

The baselines see the events as the edges their papers define (``baseline_edges``): a
rating is an edge of weight rating / 10; every other positive act (message, follow, like,
share, mention, reply) an edge of weight 1, one interaction; a block an edge of weight -1;
an unfollow withdraws the follows of its pair made before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from attack_lab.graphs import KINDS, Events, kind_code
from goodwill.trust import EventTable, Policy, assess, default_policy
from goodwill.trust.network import NetworkTrust, trust_graph
from goodwill.trust.network_report import ranking_key
from quality.data import SignedGraph
from quality.eigentrust import RESTART, _net_ratings
from quality.fxg import FxG
from quality.klout import Klout
from quality.pagerank import PageRank
from quality.walk import stationary

__all__ = ["METHODS", "Method", "Scores", "baseline_edges", "methods"]

EDGE_WEIGHT = {
    "message": 1.0,
    "follow": 1.0,
    "like": 1.0,
    "share": 1.0,
    "mention": 1.0,
    "reply": 1.0,
    "block": -1.0,
}
_US = 1_000_000


@dataclass(frozen=True)
class Scores:
    """A method's two readings of every node: what it ranks people by, and the trust it
    hands out (the same array for a method with one score)."""

    rank: np.ndarray
    trust: np.ndarray

    @classmethod
    def single(cls, scores: np.ndarray) -> Scores:
        """One score, read both ways."""
        array = np.asarray(scores, dtype=np.float64)
        return cls(array, array)


class Method(Protocol):
    name: str

    def scores(self, events: Events, seeds: np.ndarray, at: float) -> Scores:
        """Both readings per node (``events.n_nodes``), from the events at or before ``at``."""
        ...


def _table(events: Events) -> EventTable:
    return EventTable(
        actor=events.actor,
        target=events.target,
        kind=events.kind,
        time_us=np.round(events.time * _US).astype(np.int64),
        value=events.value,
        event_id=np.arange(len(events), dtype=np.int64),
        kinds=KINDS,
        n_nodes=events.n_nodes,
    )


@dataclass
class Goodwill:
    """goodwill's network trust from the seeds, as ``goodwill network`` computes it."""

    name: str = "goodwill"
    policy: Policy | None = None

    def scores(self, events: Events, seeds: np.ndarray, at: float) -> Scores:
        table = _table(events)
        snapshot = assess(table, self.policy or default_policy(), round(at * _US))
        graph = trust_graph(snapshot, table)
        fitted = NetworkTrust().fit(
            graph.trust, seeds, distrust=graph.distrust, maturity=graph.maturity
        )
        return Scores(
            rank=ranking_key(fitted.normalized_, fitted.scores_),
            trust=np.asarray(fitted.scores_, dtype=np.float64),
        )


def baseline_edges(events: Events, at: float) -> SignedGraph:
    """The events at or before ``at`` as the signed weighted edges the baselines read."""
    kind, time = events.kind, events.time
    weight = np.zeros(len(events))
    for name, value in EDGE_WEIGHT.items():
        weight[kind == kind_code(name)] = value
    rating = kind == kind_code("rating")
    weight[rating] = events.value[rating] / 10.0
    keep = (time <= at) & (weight != 0) & (events.actor != events.target)
    follow = kind == kind_code("follow")
    unfollow = (kind == kind_code("unfollow")) & (time <= at)
    if unfollow.any():
        code = events.actor * events.n_nodes + events.target
        pairs, pair_of = np.unique(code[unfollow], return_inverse=True)
        last = np.full(pairs.size, -np.inf)
        np.maximum.at(last, pair_of, time[unfollow])
        position = np.minimum(np.searchsorted(pairs, code), pairs.size - 1)
        withdrawn = follow & (pairs[position] == code) & (last[position] > time)
        keep &= ~withdrawn
    return SignedGraph(
        src=events.actor[keep],
        dst=events.target[keep],
        weight=weight[keep],
        time=time[keep],
        n_nodes=events.n_nodes,
        node_ids=np.arange(events.n_nodes),
    )


@dataclass
class Baseline:
    """A ``bench/quality`` node score on the baseline edges; the seeds play no part."""

    name: str
    method: Any  # Klout, PageRank or FxG: anything with node_scores(SignedGraph)

    def scores(self, events: Events, seeds: np.ndarray, at: float) -> Scores:
        return Scores.single(self.method.node_scores(baseline_edges(events, at)))


@dataclass
class SeededEigenTrust:
    """EigenTrust (``bench/quality/eigentrust.py``'s local trust and walk) with the
    pre-trust p spread evenly over the seeds."""

    name: str = "eigentrust"

    def scores(self, events: Events, seeds: np.ndarray, at: float) -> Scores:
        graph = baseline_edges(events, at)
        src, dst, net, _ = _net_ratings(graph)
        kept = net > 0
        prior = np.zeros(graph.n_nodes)
        prior[seeds] = 1.0 / len(seeds)
        return Scores.single(
            stationary(graph.n_nodes, src[kept], dst[kept], net[kept], restart=RESTART, prior=prior)
        )


METHODS = ("goodwill", "klout", "pagerank", "eigentrust", "fxg")


def methods() -> list[Method]:
    """goodwill first, then the baselines, in :data:`METHODS` order."""
    return [
        Goodwill(),
        Baseline("klout", Klout()),
        Baseline("pagerank", PageRank()),
        SeededEigenTrust(),
        Baseline("fxg", FxG()),
    ]
