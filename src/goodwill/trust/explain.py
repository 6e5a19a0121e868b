"""Why A trusts B: the events behind one pair's opinion, with what each contributed.

Every evidence row carries its contribution after decay, the negative factor, saturation
and the exchange bonus, so the explanation is not a separate story told beside the score:
the contributions listed add up to the pair's evidence for and against, and the opinion
follows from those two sums, the prior weight and the base rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from goodwill.trust.evidence import EARNED, EventTable
from goodwill.trust.model import TrustSnapshot, base_rates

__all__ = ["Contribution", "Explanation", "KindSummary", "explain"]


@dataclass(frozen=True, slots=True)
class Contribution:
    """One event's part in the truster's opinion of the trustee."""

    event_id: int
    kind: str
    time_us: int
    channel: str  # "earned" (the trustee did it) or "stated" (the truster said it)
    decayed: float
    contribution: float


@dataclass(frozen=True, slots=True)
class KindSummary:
    """The contributions of one kind of event, totalled."""

    kind: str
    channel: str
    events: int
    decayed: float
    contribution: float


@dataclass(frozen=True, slots=True)
class Explanation:
    """A pair's opinion and every contribution behind it, largest first."""

    truster: int
    trustee: int
    positive: float
    negative: float
    prior_weight: float
    base_rate: float
    belief: float
    disbelief: float
    uncertainty: float
    expected: float
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def by_kind(self) -> list[KindSummary]:
        """Contributions grouped by kind and channel, largest total effect first."""
        groups: dict[tuple[str, str], list[Contribution]] = {}
        for item in self.contributions:
            groups.setdefault((item.kind, item.channel), []).append(item)
        summaries = [
            KindSummary(
                kind,
                channel,
                len(items),
                math.fsum(i.decayed for i in items),
                math.fsum(i.contribution for i in items),
            )
            for (kind, channel), items in groups.items()
        ]
        return sorted(summaries, key=lambda s: (-abs(s.contribution), s.kind, s.channel))


def explain(snapshot: TrustSnapshot, table: EventTable, truster: int, trustee: int) -> Explanation:
    """Explain the opinion of dense person ``truster`` about ``trustee``; ``table`` is the
    event table the snapshot was assessed from (its rows are what the evidence indexes)."""
    kinds, times, event_ids, event_kinds = table.kinds, table.time_us, table.event_id, table.kind
    evidence = snapshot.evidence
    pair = evidence.pair_index(truster, trustee)
    rate = float(
        base_rates(
            snapshot.policy,
            snapshot.standing,
            snapshot.generosity,
            np.array([truster]),
            np.array([trustee]),
        )[0]
    )
    weight = snapshot.policy.prior_weight
    if pair < 0:
        return Explanation(truster, trustee, 0.0, 0.0, weight, rate, 0.0, 0.0, 1.0, rate)
    rows = np.flatnonzero(evidence.row_pair == pair)
    items = [
        Contribution(
            event_id=int(event_ids[evidence.row_event[row]]),
            kind=kinds[int(event_kinds[evidence.row_event[row]])],
            time_us=int(times[evidence.row_event[row]]),
            channel="earned" if evidence.row_channel[row] == EARNED else "stated",
            decayed=float(evidence.row_decayed[row]),
            contribution=float(evidence.row_contribution[row]),
        )
        for row in rows
    ]
    items.sort(key=lambda c: (-abs(c.contribution), -c.time_us, c.event_id))
    opinion = snapshot.opinions
    return Explanation(
        truster=truster,
        trustee=trustee,
        positive=float(evidence.positive[pair]),
        negative=float(evidence.negative[pair]),
        prior_weight=weight,
        base_rate=float(opinion.base_rate[pair]),
        belief=float(opinion.belief[pair]),
        disbelief=float(opinion.disbelief[pair]),
        uncertainty=float(opinion.uncertainty[pair]),
        expected=float(opinion.expected[pair]),
        contributions=items,
    )
