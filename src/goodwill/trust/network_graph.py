"""Who vouches for whom: the two sparse matrices network trust propagates and subtracts.

Pairwise trust (``i`` trusts ``j``) rests on what ``j`` did for ``i`` as much as on what
``i`` said: a pitch, a mention or a follow earns its author a little of the target's trust.
That is right for the pair, and wrong for propagation: if ``i``'s trust flowed to whoever
wrote to ``i``, every blaster, churner and farm of fakes could pull trust toward itself by
writing to many people. So the matrix network trust walks on rests on **i's own
investment in j**: what ``i`` did for ``j`` and said about ``j`` (every evidence row whose
*actor* is ``i`` and whose target is ``j``: a reply ``i`` sent, a share, a rating ``i``
gave), after the policy's decay, saturation and exchange bonus. Two rules keep that
investment personal:

* **a broadcast is not personal attention.** An act counts ``min(1, K / b)`` of itself,
  where ``b`` is how many different people its actor addressed in the same window (the
  policy's saturation window, a week) and ``K`` (:data:`PERSONAL_LIMIT`) the most people
  anyone gives personal attention to in a week. Mentioning two thousand people is not two
  thousand personal acts, but about ``K`` spread thin;
* **an answer is worth what it answers.** When ``j`` acted toward ``i`` at all, ``i``'s
  investment in ``j`` counts in proportion to how personal and how lasting ``j``'s own acts
  toward ``i`` were (``max(0, sum of j's acts toward i, broadcasts thinned as above and
  negatives counted) / sum of their sizes``). A reply to a blast, a follow-back to someone
  who then unfollowed, a rating returned for a mass rating: each is a reaction to
  something that was not personal, and vouches for nobody. When ``j`` never acted toward
  ``i``, ``i``'s investment is ``i``'s own doing and counts in full.

With ``v`` the investment so weighed and ``s`` the pair's evidence against ``j`` (from the
pair's opinion: ``j``'s harmful acts toward ``i`` and ``i``'s negative statements, after
the negative factor), the pair's net leaning, as subjective logic reads evidence with the
policy's prior weight ``W``, splits in two:

* ``trust[i, j] = max(v - s, 0) / (v + s + W)``: how strongly ``i`` vouches for ``j``;
* ``distrust[i, j] = max(s - v, 0) / (v + s + W)``: how strongly ``i`` warns against ``j``.

Both lie in [0, 1) and a pair has an entry in one of the two at most (EigenTrust's
``max(sat - unsat, 0)``).

**A vouch matures with time.** ``maturity[i, j] = min(1, (at - since) / MATURITY_DAYS)``,
``since`` being the time of i's first positive act toward j: how much of ``trust[i, j]``
the walk lets pass (:meth:`~goodwill.trust.network.NetworkTrust.fit`). The vouch itself
counts in full at once (in the pair, and as trust received); what it carries *onward*
grows with how long it has stood, because a relationship's length is the one thing that
cannot be bought or faked in bulk: a crowd of accounts made this season, and the people
they befriended this season, pass on a season's share of what a year-old tie would. The matrices are over the dense person indices of the snapshot
(:class:`~goodwill.trust.loading.PersonIndex` owns that mapping; this module only reuses it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]  # scipy ships no stubs

from goodwill.trust.distinct import distinct
from goodwill.trust.evidence import EARNED, EventTable
from goodwill.trust.model import TrustSnapshot

__all__ = [
    "MATURITY_DAYS",
    "PERSONAL_LIMIT",
    "Investment",
    "RowActs",
    "TrustGraph",
    "hop_evidence",
    "investment",
    "row_acts",
    "trust_graph",
]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
#: Per evidence row: the actor, the target, and how personal the act was (in (0, 1]).
RowActs = tuple[Ints, Ints, Floats]

# The most people anyone gives personal attention to in one week. Honest people stay under
# it: in CollegeMsg 99.6% of person-weeks address at most 50 people, in Bitcoin OTC's
# ratings 99.99%; a blast to thousands counts about as much as 50 personal acts spread thin.
PERSONAL_LIMIT = 50
# How long a vouch stands before the walk lets all of it pass: a year, every season of a
# relationship. Shorter lets this season's new accounts carry trust onward nearly as far as
# old ties (in the attack lab, 180 days gives back about half the gain in honest-vs-Sybil
# AUC on Bitcoin OTC); longer changes little more (730 days: +0.002 at most) and makes an
# honest newcomer wait two years.
MATURITY_DAYS = 365.0
_US_PER_DAY = 86_400 * 1_000_000


@dataclass(frozen=True, slots=True)
class TrustGraph:
    """How much each person vouches for and warns against others (n x n, in [0, 1)), and
    how much of each vouch has matured (in [0, 1], on ``trust``'s entries; ``None``: all of
    it, as in a hand-built graph)."""

    trust: csr_matrix
    distrust: csr_matrix
    maturity: csr_matrix | None = None

    @property
    def n_nodes(self) -> int:
        """How many people the matrices are over."""
        return int(self.trust.shape[0])


@dataclass(frozen=True, slots=True)
class Investment:
    """Every ordered pair (actor, target) with acts, and how much they vouch (sorted codes)."""

    actor: Ints
    target: Ints
    weighed: Floats  # v: positive acts, broadcasts thinned, answers scaled by what they answer
    answer: Floats  # the factor the answer rule applied (1 when the target never acted)
    since_us: Ints  # the time of the actor's first positive act toward the target


def trust_graph(
    snapshot: TrustSnapshot,
    table: EventTable,
    personal_limit: float = PERSONAL_LIMIT,
    maturity_days: float = MATURITY_DAYS,
) -> TrustGraph:
    """The vouching (trust) and warning (distrust) matrices of a snapshot of ``table``, and
    how far each vouch has matured by the snapshot's date (``maturity_days`` 0: all of it).

    >>> from goodwill.trust.policy import default_policy
    >>> from goodwill.trust.model import assess
    >>> table = EventTable(  # 1 replies to 0 and 0 answers; 2 blocks 0
    ...     actor=np.array([1, 0, 2]), target=np.array([0, 1, 0]), kind=np.array([0, 0, 1]),
    ...     time_us=np.array([0, 1, 2]), value=np.full(3, np.nan),
    ...     event_id=np.array([1, 2, 3]), kinds=("reply", "block"), n_nodes=3)
    >>> graph = trust_graph(assess(table, default_policy(), at_us=2), table)
    >>> graph.trust.toarray().round(2).tolist(), graph.distrust[2, 0].round(2)
    ([[0.0, 0.43, 0.0], [0.43, 0.0, 0.0], [0.0, 0.0, 0.0]], np.float64(0.82))
    """
    evidence = snapshot.evidence
    n = evidence.n_nodes
    spent = investment(snapshot, table, personal_limit)
    pair_codes = evidence.truster * n + evidence.trustee
    act_codes = spent.actor * n + spent.target
    codes = np.union1d(pair_codes, act_codes)
    against = np.zeros(len(codes))
    against[np.searchsorted(codes, pair_codes)] = evidence.negative
    vouched = np.zeros(len(codes))
    vouched[np.searchsorted(codes, act_codes)] = spent.weighed
    total = vouched + against + snapshot.policy.prior_weight
    rows, cols = codes // max(n, 1), codes % max(n, 1)
    trust = np.maximum(vouched - against, 0.0) / total
    age_us = np.zeros(len(codes))
    age_us[np.searchsorted(codes, act_codes)] = snapshot.at_us - spent.since_us
    span_us = maturity_days * _US_PER_DAY
    matured = np.clip(age_us / span_us, 0.0, 1.0) if span_us > 0 else np.ones(len(codes))
    return TrustGraph(
        trust=_matrix(rows, cols, trust, n),
        distrust=_matrix(rows, cols, np.maximum(against - vouched, 0.0) / total, n),
        maturity=_matrix(rows, cols, np.where(trust > 0, matured, 0.0), n),
    )


def investment(
    snapshot: TrustSnapshot, table: EventTable, personal_limit: float = PERSONAL_LIMIT
) -> Investment:
    """What each person did for and said about each other, weighed by the two rules above."""
    evidence = snapshot.evidence
    n = evidence.n_nodes
    actor, target, personal = _acts(snapshot, table, personal_limit)
    size = evidence.row_contribution
    codes, pair = np.unique(actor * n + target, return_inverse=True)
    pair = pair.astype(np.int64)
    positive = np.maximum(size, 0.0)
    weighed = _sums(pair, positive * personal, len(codes))
    # how personal and lasting each actor's acts toward each target were, in [0, 1]
    signed = _sums(pair, np.where(size > 0, size * personal, size), len(codes))
    sizes = _sums(pair, np.abs(size), len(codes))
    lasting = np.clip(np.divide(signed, sizes, out=np.zeros(len(codes)), where=sizes > 0), 0, 1)
    reverse = (codes % max(n, 1)) * n + codes // max(n, 1)
    at = np.minimum(np.searchsorted(codes, reverse), max(len(codes) - 1, 0))
    answered = codes[at] == reverse if len(codes) else np.zeros(0, dtype=bool)
    answer = np.where(answered, lasting[at], 1.0)
    since = np.full(len(codes), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(since, pair[size > 0], table.time_us[evidence.row_event[size > 0]])
    keep = weighed > 0
    return Investment(
        actor=(codes // max(n, 1))[keep],
        target=(codes % max(n, 1))[keep],
        weighed=(weighed * answer)[keep],
        answer=answer[keep],
        since_us=since[keep],
    )


def row_acts(snapshot: TrustSnapshot, table: EventTable) -> RowActs:
    """Each evidence row's actor, target and how personal its act was (see :func:`_acts`):
    what :func:`hop_evidence` reads, worth computing once for every hop of a set of paths
    (it sorts every positive row: a tenth of a second or more on a million events)."""
    return _acts(snapshot, table, PERSONAL_LIMIT)


def hop_evidence(
    snapshot: TrustSnapshot,
    table: EventTable,
    truster: int,
    trustee: int,
    limit: int = 3,
    acts: RowActs | None = None,
) -> list[int]:
    """The event ids of ``truster``'s largest acts toward ``trustee``: why they vouch.
    ``acts``: :func:`row_acts` of the same snapshot and table, if already computed."""
    evidence = snapshot.evidence
    actor, target, personal = acts if acts is not None else row_acts(snapshot, table)
    rows = np.flatnonzero(
        (actor == truster) & (target == trustee) & (evidence.row_contribution > 0)
    )
    weight = evidence.row_contribution[rows] * personal[rows]
    order = rows[np.lexsort((evidence.row_event[rows], -weight))][:limit]
    return [int(i) for i in table.event_id[evidence.row_event[order]]]


def _acts(snapshot: TrustSnapshot, table: EventTable, personal_limit: float) -> RowActs:
    """Each evidence row's actor and target, and how personal its act was: ``min(1, K / b)``
    with ``b`` the distinct people its actor addressed (positively) in the row's window."""
    evidence = snapshot.evidence
    n = evidence.n_nodes
    earned = evidence.row_channel == EARNED
    actor = np.where(earned, evidence.row_trustee, evidence.row_truster).astype(np.int64)
    target = np.where(earned, evidence.row_truster, evidence.row_trustee).astype(np.int64)
    positive = evidence.row_contribution > 0
    if not positive.any():
        return actor, target, np.ones(len(actor))
    window_us = int(snapshot.policy.window_days * _US_PER_DAY)
    window = table.time_us[evidence.row_event] // window_us
    window = window - window.min()
    occasion = actor * (int(window.max()) + 1) + window  # one actor in one window
    addressed = distinct(occasion[positive] * n + target[positive]) // n
    occasions, breadth = np.unique(addressed, return_counts=True)
    at = np.minimum(np.searchsorted(occasions, occasion), len(occasions) - 1)
    count = np.where(occasions[at] == occasion, breadth[at], 1).astype(np.float64)
    return actor, target, np.minimum(1.0, personal_limit / count)


def _sums(index: Ints, weights: Floats, size: int) -> Floats:
    """Per-index sums of ``weights`` (``np.bincount`` with the float type it really returns)."""
    return np.asarray(np.bincount(index, weights=weights, minlength=size), dtype=np.float64)


def _matrix(rows: Ints, cols: Ints, values: Floats, n: int) -> csr_matrix:
    keep = values > 0
    matrix = csr_matrix((values[keep], (rows[keep], cols[keep])), shape=(n, n))
    matrix.sum_duplicates()
    return matrix
