"""Trust as of a date: evidence, standing, and every pair's opinion, in one snapshot.

The pieces fit together like this:

1. :func:`~goodwill.trust.evidence.compute_evidence` turns events into each ordered pair's
   evidence for and against;
2. :class:`~goodwill.trust.standing.Standing` turns every pair's leaning into each person's
   standing and each truster's credibility and generosity;
3. each pair's opinion uses, as its base rate (what to expect before one's own evidence),
   the trustee's standing adjusted by how generous the truster is with trust, so one's own
   evidence about someone is read against what everyone else found.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from goodwill.trust.evidence import EventTable, Evidence, compute_evidence
from goodwill.trust.opinion import Opinions, opinions
from goodwill.trust.policy import Policy
from goodwill.trust.standing import Standing

__all__ = ["TrustSnapshot", "assess", "base_rates", "leanings"]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class TrustSnapshot:
    """Everything trust-related as of ``at_us``, over the dense person indices of a table."""

    policy: Policy
    evidence: Evidence
    opinions: Opinions
    standing: Floats
    credibility: Floats
    generosity: Floats
    at_us: int

    def lookup(self, truster: Ints, trustee: Ints) -> tuple[Ints, npt.NDArray[np.bool_]]:
        """Positions of the pairs in the pair arrays, and whether each has evidence at all
        (where it has none, its position is meaningless)."""
        evidence = self.evidence
        codes = evidence.truster * evidence.n_nodes + evidence.trustee
        wanted = truster * evidence.n_nodes + trustee
        if not len(codes):
            return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=bool)
        position = np.minimum(np.searchsorted(codes, wanted), len(codes) - 1)
        return position.astype(np.int64), codes[position] == wanted

    def expected(self, truster: Ints, trustee: Ints) -> Floats:
        """Expected trust for any pairs, with or without evidence between them."""
        position, found = self.lookup(truster, trustee)
        prior = base_rates(self.policy, self.standing, self.generosity, truster, trustee)
        if not found.any():
            return prior
        return np.where(found, self.opinions.expected[position], prior)

    def leaning(self, truster: Ints, trustee: Ints) -> Floats:
        """Belief minus disbelief for any pairs; 0 where there is no evidence."""
        position, found = self.lookup(truster, trustee)
        if not found.any():
            return np.zeros(len(truster))
        return np.where(found, self.opinions.leaning[position], 0.0)

    def uncertainty(self, truster: Ints, trustee: Ints) -> Floats:
        """Uncertainty for any pairs; 1 where there is no evidence."""
        position, found = self.lookup(truster, trustee)
        if not found.any():
            return np.ones(len(truster))
        return np.where(found, self.opinions.uncertainty[position], 1.0)


def leanings(evidence: Evidence, policy: Policy) -> tuple[Floats, Floats]:
    """What each pair's judgement says, and how much it counts, in everyone's standing: from
    the part of its evidence that judges the trustee's conduct (``judged_*``)."""
    return judgements(evidence.judged_positive, evidence.judged_negative, policy)


def judgements(positive: Floats, negative: Floats, policy: Policy) -> tuple[Floats, Floats]:
    """Leaning (belief minus disbelief) and weight in standing, for evidence for and against.

    Every judgement weighs the same (credibility is applied on top): one voice per person
    who dealt with the trustee, however much evidence that person holds, so neither one
    prolific rater nor a few loud negatives outweigh many others. A pair whose evidence is
    all reaction (nothing that judges conduct) is no judgement and weighs nothing.
    """
    total = positive + negative + policy.prior_weight
    voice = (positive + negative > 0).astype(np.float64)
    return (positive - negative) / total, voice


def base_rates(
    policy: Policy, standing: Floats, generosity: Floats, truster: Ints, trustee: Ints
) -> Floats:
    """What ``truster`` should expect of ``trustee`` before any evidence of their own.

    The policy's base rate, moved by half the trustee's standing (standing runs from -1 to
    1, a base rate from 0 to 1) and half the truster's generosity, kept within [0, 1].
    """
    return np.clip(policy.base_rate + (standing[trustee] + generosity[truster]) / 2.0, 0.0, 1.0)


def assess(table: EventTable, policy: Policy, at_us: int) -> TrustSnapshot:
    """Trust as of ``at_us`` from the events in ``table`` at or before it."""
    evidence = compute_evidence(table, policy, at_us)
    leaning, confidence = leanings(evidence, policy)
    standing = Standing().fit(
        evidence.truster, evidence.trustee, leaning, confidence, n_nodes=table.n_nodes
    )
    rates = base_rates(
        policy, standing.scores_, standing.generosity_, evidence.truster, evidence.trustee
    )
    return TrustSnapshot(
        policy=policy,
        evidence=evidence,
        opinions=opinions(evidence.positive, evidence.negative, policy.prior_weight, rates),
        standing=standing.scores_,
        credibility=standing.credibility_,
        generosity=standing.generosity_,
        at_us=at_us,
    )
