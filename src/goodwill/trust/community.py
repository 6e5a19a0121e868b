"""Community standing: standing in which the judges the community trusts speak louder.

Standing (:mod:`goodwill.trust.standing`) gives every judge one voice, scaled by their
credibility (how well their judgements agree with the consensus). That resists a few
slanderers, but it treats the judgement of an account that arrived last week the same as
that of a member whose good conduct others have confirmed for years. Community standing
adds what the community's trust network knows about each judge:

1. **seeds**: everyone with a positive standing, weighted by it times their *sustained*
   positively judged history, the number of distinct saturation windows (weeks) in which
   someone judged them positively. Time cannot be bought in bulk: a month-old ring of
   accounts praising each other holds little seed mass however large it is;
2. **network trust** from those seeds (:class:`~goodwill.trust.network.NetworkTrust` over
   :func:`~goodwill.trust.network_graph.trust_graph`, with its defaults): a bounded walk
   over what people invested in each other, with distrust applied inside it, so a region
   of fakes holds no more than its few real trusted links carry;
3. **voice** ``1 + n * t``, with ``t`` a judge's network trust after distrust (the walk's
   masses sum to 1, so ``n * t`` is 1 for a judge holding the average share): nobody loses
   the voice standing gives them, and a judge the network trusts as much as the average
   person speaks twice as loud. No parameter: the unit is the average;
4. standing solved again with those voices (credibility still earned the same way).

This is what ``goodwill standing`` ranks by: who the community should trust. Pairwise trust
keeps plain standing as its base rate: community standing answers a global question, and
a pair's expectation of each other should not hinge on who stands at the network's centre.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from goodwill.trust.distinct import distinct
from goodwill.trust.evidence import EARNED, EventTable
from goodwill.trust.model import TrustSnapshot, leanings
from goodwill.trust.network import NetworkTrust
from goodwill.trust.network_graph import TrustGraph, trust_graph
from goodwill.trust.standing import Standing

__all__ = ["CommunityStanding", "community_standing", "sustained_windows"]

Floats = npt.NDArray[np.float64]
_US_PER_DAY = 86_400 * 1_000_000


@dataclass(frozen=True, slots=True)
class CommunityStanding:
    """Per person (dense indices of the snapshot): community standing and how it was made."""

    scores: Floats  # community standing, in [-1, 1]
    credibility: Floats  # as a judge, earned against community standing
    voice: Floats  # 1 + n * network trust: what each judge's judgements weigh
    network: Floats  # network trust from the seeds, after distrust (sums to at most 1)
    seeds: Floats  # the seed weights, normalised to sum to 1 (all 0 if there were none)


def sustained_windows(snapshot: TrustSnapshot, table: EventTable) -> Floats:
    """Per person, in how many distinct saturation windows someone judged them positively
    (evidence that counts in standing, with a positive contribution)."""
    evidence = snapshot.evidence
    policy = snapshot.policy
    n = evidence.n_nodes
    reaction = np.array([not policy.rule(k).earns_standing for k in table.kinds], dtype=bool)
    kind = table.kind[evidence.row_event]
    judged = ~((evidence.row_channel == EARNED) & reaction[kind])
    rows = np.flatnonzero(judged & (evidence.row_contribution > 0))
    if not len(rows):
        return np.zeros(n)
    window_us = int(policy.window_days * _US_PER_DAY)
    window = table.time_us[evidence.row_event[rows]] // window_us
    window = window - window.min()
    occasions = distinct(evidence.row_trustee[rows] * (int(window.max()) + 1) + window)
    person = occasions // (int(window.max()) + 1)
    return np.bincount(person, minlength=n).astype(np.float64)


def community_standing(
    snapshot: TrustSnapshot,
    table: EventTable,
    graph: TrustGraph | None = None,
    model: NetworkTrust | None = None,
) -> CommunityStanding:
    """Community standing of everyone in ``snapshot`` (built from ``table``).

    >>> from goodwill.trust.model import assess
    >>> from goodwill.trust.policy import default_policy
    >>> table = EventTable(  # 0 and 1 rate each other well for weeks; both rate 2 badly
    ...     actor=np.array([0, 1, 0, 1, 0, 1]), target=np.array([1, 0, 1, 0, 2, 2]),
    ...     kind=np.zeros(6, dtype=np.int64), time_us=np.arange(6) * 8 * 86_400 * 10**6,
    ...     value=np.array([8.0, 8.0, 9.0, 9.0, -6.0, -6.0]), event_id=np.arange(6),
    ...     kinds=("rating",), n_nodes=3)
    >>> found = community_standing(assess(table, default_policy(), 10**14), table)
    >>> bool(found.scores[2] < 0 < found.scores[0]), bool(found.voice.min() >= 1.0)
    (True, True)
    """
    evidence = snapshot.evidence
    n = evidence.n_nodes
    seeds = np.maximum(snapshot.standing, 0.0) * sustained_windows(snapshot, table)
    if not seeds.sum() > 0:  # nobody has a positive, sustained record: plain standing
        zeros = np.zeros(n)
        return CommunityStanding(snapshot.standing, snapshot.credibility, np.ones(n), zeros, zeros)
    graph = graph if graph is not None else trust_graph(snapshot, table)
    fitted = (model or NetworkTrust()).fit(
        graph.trust, seeds, graph.distrust, maturity=graph.maturity
    )
    voice = 1.0 + n * fitted.scores_
    leaning, confidence = leanings(evidence, snapshot.policy)
    solved = Standing().fit(
        evidence.truster, evidence.trustee, leaning, confidence, n_nodes=n, voice=voice
    )
    return CommunityStanding(
        scores=solved.scores_,
        credibility=solved.credibility_,
        voice=voice,
        network=fitted.scores_,
        seeds=fitted.seeds_,
    )
