"""From events to evidence: who has reason to trust whom, and how much, as of a date.

Each event becomes up to two evidence rows under the policy's rule for its kind: one
*earned* (the target has reason to trust the actor) and one *stated* (the actor shows trust
in the target). Each row is then

1. **decayed** by its age at the as-of date (half-life),
2. **weighted** three times over if it is negative (trust is lost faster than it is earned),
3. **saturated** within its window: everything one truster has on one trustee in one week
   (per sign) counts at most ``ceiling`` times its strongest act, so five hundred likes in a
   day are a little more than one like, and
4. **boosted** when the window is an exchange: both sides did something positive for the
   other in it.

A row's *contribution* is its decayed weight scaled by its window's saturation and exchange
factors, so a pair's evidence is exactly the sum of its rows' contributions, and ``why``
can list them. Everything is computed for all pairs at once with numpy: sorting and segment
sums, no loop per event or per pair; tables of millions of events take the compiled path
of :mod:`goodwill.trust.evidence_fast`, which gives the same evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from goodwill.errors import AlgorithmInputError
from goodwill.trust.policy import Policy

__all__ = [
    "EARNED",
    "FAST_MIN_EVENTS",
    "STATED",
    "EventTable",
    "Evidence",
    "compute_evidence",
    "positive_events",
    "saturate",
    "time_span",
]

EARNED = 0
STATED = 1
# From this many events compute_evidence takes the compiled path by default.
FAST_MIN_EVENTS = 200_000
_US_PER_DAY = 86_400 * 1_000_000

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class EventTable:
    """Events as columns over dense person indices ``0 .. n_nodes - 1``.

    ``target`` is -1 for an event without one; ``value`` is NaN where the event has none;
    ``kind`` indexes ``kinds``; ``event_id`` is the ledger's id (or the row number).
    """

    actor: Ints
    target: Ints
    kind: Ints
    time_us: Ints
    value: Floats
    event_id: Ints
    kinds: tuple[str, ...]
    n_nodes: int

    def __post_init__(self) -> None:
        size = len(self.actor)
        columns = (self.target, self.kind, self.time_us, self.value, self.event_id)
        if any(len(column) != size for column in columns):
            raise AlgorithmInputError("event columns must all have the same length")
        if size and (self.actor.min() < 0 or self.actor.max() >= self.n_nodes):
            raise AlgorithmInputError(f"actor indices must lie in 0..{self.n_nodes - 1}")
        if size and self.target.max() >= self.n_nodes:
            raise AlgorithmInputError(f"target indices must lie in -1..{self.n_nodes - 1}")
        if size and (self.kind.min() < 0 or self.kind.max() >= len(self.kinds)):
            raise AlgorithmInputError("kind codes must index the kinds tuple")

    def __len__(self) -> int:
        return len(self.actor)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Evidence rows and their per-pair totals.

    Rows (one per event and channel): ``row_truster``, ``row_trustee``, ``row_event`` (the
    position in the :class:`EventTable`), ``row_channel`` (:data:`EARNED` or :data:`STATED`),
    ``row_decayed`` (signed weight after decay and the negative factor, before saturation)
    and ``row_contribution`` (signed, what the row adds to its pair's evidence);
    ``row_pair`` indexes the pair arrays.

    Pairs (one per ordered truster/trustee with any evidence): ``truster``, ``trustee``,
    ``positive`` (r, the evidence for trust) and ``negative`` (s, against it, as a positive
    number), ``first_us``/``last_us`` (the pair's first and last event), ``events``; and
    ``judged_positive``/``judged_negative``, the evidence that judges the trustee's conduct
    and so counts in standing: r and s again, but without what kinds with
    ``earns_standing`` off earned, saturated as if those reactions had not happened.
    """

    row_truster: Ints
    row_trustee: Ints
    row_event: Ints
    row_channel: Ints
    row_decayed: Floats
    row_contribution: Floats
    row_pair: Ints
    truster: Ints
    trustee: Ints
    positive: Floats
    negative: Floats
    first_us: Ints
    last_us: Ints
    events: Ints
    judged_positive: Floats
    judged_negative: Floats
    n_nodes: int
    at_us: int

    def pair_index(self, truster: int, trustee: int) -> int:
        """The position of the pair (``truster``, ``trustee``) in the pair arrays, or -1."""
        code = truster * self.n_nodes + trustee
        codes = self.truster * self.n_nodes + self.trustee
        position = int(np.searchsorted(codes, code))
        if position < len(codes) and codes[position] == code:
            return position
        return -1


def saturate(total: Floats, strongest: Floats, ceiling: float) -> Floats:
    """What a window's evidence counts for: its total up to its strongest act, then less.

    Linear until the total equals the strongest single act, then rising smoothly (with the
    same slope at the joint) toward ``ceiling`` times that act, never beyond.

    >>> saturate(np.array([1.0, 2.0, 500.0]), np.array([1.0, 1.0, 1.0]), 2.0).round(3).tolist()
    [1.0, 1.632, 2.0]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(strongest > 0, total / np.where(strongest > 0, strongest, 1.0), 0.0)
    head = ceiling - 1.0
    if head <= 0:
        return strongest * np.minimum(ratio, 1.0)
    tail = 1.0 + head * -np.expm1(-(ratio - 1.0) / head)
    return strongest * np.where(ratio <= 1.0, ratio, tail)


def compute_evidence(
    table: EventTable, policy: Policy, at_us: int, *, fast: bool | None = None
) -> Evidence:
    """Every pair's evidence from the events at or before ``at_us``, decayed to ``at_us``.

    ``fast`` chooses the compiled path (:mod:`goodwill.trust.evidence_fast`: the same
    evidence to rounding, about fifty times faster on millions of events); ``None`` takes
    it from :data:`FAST_MIN_EVENTS` events on, where it repays loading numba and its
    kernels (about half a second), and wherever the table's sizes fit its packed records.
    """
    if fast is None:
        fast = len(table) >= FAST_MIN_EVENTS
    if fast:
        from goodwill.trust.evidence_fast import compute_evidence_fast, fits

        if fits(table, policy):
            return compute_evidence_fast(table, policy, at_us)
    earns = np.array([policy.rule(k).earns for k in table.kinds], dtype=np.float64)
    states = np.array([policy.rule(k).states for k in table.kinds], dtype=np.float64)
    scales = np.array([policy.rule(k).value_scale or np.nan for k in table.kinds], dtype=np.float64)
    usable = (table.time_us <= at_us) & (table.target >= 0) & (table.actor != table.target)
    events = np.flatnonzero(usable)
    scale = scales[table.kind[events]]
    value_factor = np.where(
        np.isnan(scale), 1.0, np.nan_to_num(table.value[events] / np.nan_to_num(scale, nan=1.0))
    )
    actor, target = table.actor[events], table.target[events]
    earned = earns[table.kind[events]] * value_factor
    stated = states[table.kind[events]] * value_factor

    truster = np.concatenate([target, actor])
    trustee = np.concatenate([actor, target])
    weight = np.concatenate([earned, stated])
    channel = np.repeat(np.array([EARNED, STATED], dtype=np.int64), len(events))
    row_event = np.concatenate([events, events])
    keep = weight != 0
    truster, trustee, weight = truster[keep], trustee[keep], weight[keep]
    channel, row_event = channel[keep], row_event[keep]
    time_us = table.time_us[row_event]

    lasting = np.array([policy.rule(k).lasting for k in table.kinds], dtype=bool)
    age_us = np.where(lasting[table.kind[row_event]], 0, at_us - time_us)
    decayed = weight * np.exp2(-age_us / (policy.half_life_days * _US_PER_DAY))
    decayed = np.where(decayed < 0, decayed * policy.negative_factor, decayed)
    window = np.floor_divide(time_us, int(policy.window_days * _US_PER_DAY))
    contribution, pair_of_row, pairs = _saturated(
        truster, trustee, channel, decayed, window, table.n_nodes, policy
    )
    evidence = _assemble(
        truster, trustee, row_event, channel, decayed, contribution, pair_of_row, pairs,
        time_us, table.n_nodes, at_us,
    )  # fmt: skip
    reaction = np.array([not policy.rule(k).earns_standing for k in table.kinds], dtype=bool)
    judged = ~((channel == EARNED) & reaction[table.kind[row_event]])
    if judged.all():
        return evidence
    # what judges conduct, saturated on its own as if the reactions had not happened
    judged_contribution, judged_pair, judged_codes = _saturated(
        truster[judged], trustee[judged], channel[judged], decayed[judged], window[judged],
        table.n_nodes, policy,
    )  # fmt: skip
    at = np.searchsorted(pairs, judged_codes)
    gained, lost = _signed_sums(judged_pair, judged_contribution, len(judged_codes))
    judged_positive, judged_negative = np.zeros(len(pairs)), np.zeros(len(pairs))
    judged_positive[at], judged_negative[at] = gained, lost
    return replace(evidence, judged_positive=judged_positive, judged_negative=judged_negative)


def _saturated(
    truster: Ints,
    trustee: Ints,
    channel: Ints,
    decayed: Floats,
    window: Ints,
    n_nodes: int,
    policy: Policy,
) -> tuple[Floats, Ints, Ints]:
    """Each row's contribution after window saturation and the exchange bonus.

    Returns the contributions, each row's pair index, and the sorted unique pair codes
    (``truster * n_nodes + trustee``).
    """
    pair_codes, pair_of_row = np.unique(truster * n_nodes + trustee, return_inverse=True)
    pair_of_row = pair_of_row.astype(np.int64)
    if not len(decayed):
        return decayed.copy(), pair_of_row, pair_codes.astype(np.int64)
    first_window = int(window.min())
    span = int(window.max()) - first_window + 1
    window = window - first_window
    negative = (decayed < 0).astype(np.int64)
    groups, group_of_row = np.unique(
        (pair_of_row * 2 + negative) * span + window, return_inverse=True
    )
    size = np.abs(decayed)
    total = _sums(group_of_row, size, len(groups))
    strongest = np.zeros(len(groups))
    np.maximum.at(strongest, group_of_row, size)
    counted = saturate(total, strongest, policy.ceiling)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(total > 0, counted / total, 0.0)[group_of_row]
    if policy.reciprocity_bonus:
        actor = np.where(channel == EARNED, trustee, truster)
        target = np.where(channel == EARNED, truster, trustee)
        exchange = _exchange(actor, target, window, negative == 0, n_nodes, span)
        factor = factor * (1.0 + policy.reciprocity_bonus * exchange)
    return decayed * factor, pair_of_row, pair_codes.astype(np.int64)


def _exchange(
    actor: Ints,
    target: Ints,
    window: Ints,
    positive: npt.NDArray[np.bool_],
    n_nodes: int,
    span: int,
) -> Floats:
    """1.0 for each positive row in a window where both people acted positively toward the
    other (each was the actor of some positive event toward the other), else 0.0.

    It is the actors that count: one rating is evidence in both directions, but it is one
    person's act, not an exchange.
    """
    low, high = np.minimum(actor, target), np.maximum(actor, target)
    _, pair = np.unique(low * n_nodes + high, return_inverse=True)
    occasion = pair.astype(np.int64) * span + window
    forward = (actor < target) & positive
    backward = (actor > target) & positive
    occasions, occasion_of_row = np.unique(occasion, return_inverse=True)
    both = (np.bincount(occasion_of_row, weights=forward, minlength=len(occasions)) > 0) & (
        np.bincount(occasion_of_row, weights=backward, minlength=len(occasions)) > 0
    )
    return (both[occasion_of_row] & positive).astype(np.float64)


def time_span(group: Ints, time_us: Ints, size: int) -> tuple[Ints, Ints]:
    """Per group (``0 .. size - 1``), the first and the last of its times."""
    first = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(size, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, group, time_us)
    np.maximum.at(last, group, time_us)
    return first, last


def positive_events(table: EventTable, policy: Policy) -> npt.NDArray[np.bool_]:
    """Which events are contact that carries positive evidence under the policy: a kind
    that earns or states trust, and for a rating, a value above zero."""
    positive_kind = np.array(
        [policy.rule(k).earns > 0 or policy.rule(k).states > 0 for k in table.kinds], dtype=bool
    )
    scaled = np.array([policy.rule(k).value_scale is not None for k in table.kinds], dtype=bool)
    value_ok = ~scaled[table.kind] | (np.nan_to_num(table.value) > 0)
    return np.asarray(positive_kind[table.kind] & value_ok, dtype=bool)


def _signed_sums(index: Ints, contribution: Floats, size: int) -> tuple[Floats, Floats]:
    """Per-index sums of the positive contributions and of the negative ones (as positive)."""
    gained = np.where(contribution > 0, contribution, 0.0)
    lost = np.where(contribution < 0, -contribution, 0.0)
    return _sums(index, gained, size), _sums(index, lost, size)


def _sums(index: Ints, weights: Floats, size: int) -> Floats:
    """Per-index sums of ``weights`` (``np.bincount`` with the float type it really returns)."""
    return np.asarray(np.bincount(index, weights=weights, minlength=size), dtype=np.float64)


def _assemble(
    truster: Ints,
    trustee: Ints,
    row_event: Ints,
    channel: Ints,
    decayed: Floats,
    contribution: Floats,
    pair_of_row: Ints,
    pair_codes: Ints,
    time_us: Ints,
    n_nodes: int,
    at_us: int,
) -> Evidence:
    n_pairs = len(pair_codes)
    positive, negative = _signed_sums(pair_of_row, contribution, n_pairs)
    first, last = time_span(pair_of_row, time_us, n_pairs)
    return Evidence(
        row_truster=truster,
        row_trustee=trustee,
        row_event=row_event,
        row_channel=channel,
        row_decayed=decayed,
        row_contribution=contribution,
        row_pair=pair_of_row,
        truster=pair_codes // n_nodes if n_nodes else pair_codes,
        trustee=pair_codes % n_nodes if n_nodes else pair_codes,
        positive=positive,
        negative=negative,
        first_us=first,
        last_us=last,
        events=np.bincount(pair_of_row, minlength=n_pairs).astype(np.int64),
        judged_positive=positive,
        judged_negative=negative,
        n_nodes=n_nodes,
        at_us=at_us,
    )
