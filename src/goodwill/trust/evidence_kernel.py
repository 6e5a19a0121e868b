"""The compiled path from events to evidence, for tables of millions of events.

It computes exactly what :func:`~goodwill.trust.evidence.compute_evidence`'s numpy path
computes (to rounding: sums are taken in another order), without its sorts of the whole
row set (``np.unique`` three times) and its ``ufunc.at`` scatters, which cap that path at
about 0.2M events/s. The shape of the computation:

1. **weigh** (parallel): each event's earned and stated weight under the policy, decayed to
   the as-of date, the negative factor applied; which rows exist and count in standing;
2. **order** the events by *occasion*: the unordered pair of people and the saturation
   window (:mod:`goodwill.trust.occasion_sort`). Every evidence row of an event (both
   channels) falls in the event's occasion, and every saturation group (truster, trustee,
   sign, window) and every exchange lies inside one occasion;
3. **scan** the occasions once: per occasion, at most four saturation groups (two
   directions, two signs) and the exchange flags, then every row's contribution; per
   unordered pair (a run of occasions), the two ordered pairs' sums;
4. the pairs go straight to their places in (truster, trustee) order: a first pass counts
   each person's pairs toward lower and toward higher people, and a person's pairs toward
   lower people all come, in order, before the scan reaches the person's own bucket.

Kernels are compiled on first use and cached on disk (``cache=True``); numba is imported
only when a table is large enough to use this path (see ``compute_evidence``).
"""

from __future__ import annotations

import os
from typing import Any

# OpenMP's workers spin while they wait for work; on a machine whose cores are busy with
# other processes a spinning worker holds a core the one with work needs, and the kernels
# here ran four times slower (1M events: 0.83 s against 0.21 s). Waiting passively costs a
# wake-up per parallel region (microseconds). Read when the first parallel region starts,
# so it is set before numba's are compiled or run; a user's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numba
import numpy as np

__all__ = [
    "ACTOR_LOW",
    "EARNED_COL",
    "FLAGS_COL",
    "HAS_EARNED",
    "HAS_STATED",
    "HIGH_COL",
    "JUDGED_EARNED",
    "KEY_COL",
    "LASTING",
    "LOW_COL",
    "ROWS_COL",
    "ROW_BASE",
    "ROW_LIMIT",
    "STATED_COL",
    "TIME_COL",
    "WIDTH",
    "count_pairs",
    "run_end",
    "saturated_share",
    "scan",
    "weigh",
]

HAS_EARNED = 1
HAS_STATED = 2
JUDGED_EARNED = 4
ACTOR_LOW = 8  # the actor is the lower of the two people
LASTING = 16  # the event's kind is lasting: its rows do not decay
# the columns of a packed event record (int64; the two weights stored as float64 bits)
LOW_COL, KEY_COL, HIGH_COL, FLAGS_COL, TIME_COL, EARNED_COL, STATED_COL, ROWS_COL = range(8)
WIDTH = 8
ROW_BASE = 1 << 31  # both row numbers in one column: (earned + 1) * base + stated + 1
ROW_LIMIT = ROW_BASE - 1  # so fewer rows than this
_LARGEST = 1.7976931348623157e308
_NO_TIME = np.iinfo(np.int64).max


@numba.njit(parallel=True, cache=True)
def weigh(
    actor: Any, target: Any, kind: Any, time_us: Any, value: Any,
    earns: Any, states: Any, scale: Any, lasting: Any, reaction: Any,
    at_us: int, reference_us: int, half_life_us: float, negative_factor: float,
    earned: Any, stated: Any, flags: Any,
) -> None:  # fmt: skip
    """Per event, into ``earned``, ``stated`` and ``flags``: the signed weight of its earned
    row and of its stated row, decayed from the event to ``reference_us``, and flags saying
    which rows exist (an event after ``at_us``, without a target or toward oneself has
    none), whether the earned row counts in standing and whether the kind is lasting.

    Outputs are the caller's (numpy allocates large arrays on huge pages; numba's own
    allocations fault in every 4 KiB page, which cost as much as the work here)."""
    for i in numba.prange(actor.size):
        earned[i] = stated[i] = 0.0
        flags[i] = 0
        if time_us[i] > at_us or target[i] < 0 or actor[i] == target[i]:
            continue
        k = kind[i]
        factor = 1.0
        if not np.isnan(scale[k]):
            factor = value[i] / scale[k]
            if np.isnan(factor):
                factor = 0.0
            elif np.isinf(factor):  # as np.nan_to_num does
                factor = _LARGEST if factor > 0 else -_LARGEST
        decay = 1.0 if lasting[k] else np.exp2(-(reference_us - time_us[i]) / half_life_us)
        weight_e = earns[k] * factor
        weight_s = states[k] * factor
        bits = LASTING if lasting[k] else 0
        if weight_e != 0.0:
            d = weight_e * decay
            earned[i] = d * negative_factor if d < 0 else d
            bits |= HAS_EARNED
            if not reaction[k]:
                bits |= JUDGED_EARNED
        if weight_s != 0.0:
            d = weight_s * decay
            stated[i] = d * negative_factor if d < 0 else d
            bits |= HAS_STATED
        flags[i] = bits if bits & (HAS_EARNED | HAS_STATED) else 0


@numba.njit(cache=True)
def saturated_share(total: float, strongest: float, ceiling: float) -> float:
    """:func:`~goodwill.trust.evidence.saturate` for one group, as a share of its total."""
    if total <= 0.0:
        return 0.0
    ratio = total / strongest if strongest > 0.0 else 0.0
    head = ceiling - 1.0
    if head <= 0.0:
        counted = strongest * min(ratio, 1.0)
    elif ratio <= 1.0:
        counted = strongest * ratio
    else:
        counted = strongest * (1.0 + head * -np.expm1(-(ratio - 1.0) / head))
    return counted / total


@numba.njit(cache=True)
def run_end(packed: Any, q: int, end: int) -> int:
    """Where the run of records about the same two people that starts at ``q`` ends."""
    low, high = packed[q, LOW_COL], packed[q, HIGH_COL]
    r = q + 1
    while r < end and packed[r, LOW_COL] == low and packed[r, HIGH_COL] == high:
        r += 1
    return r


@numba.njit(cache=True)
def _pair_counts(packed: Any, begin: int, end: int, counts: Any) -> None:
    """Per person, how many ordered pairs records ``begin .. end - 1`` give them as truster:
    ``counts[0]`` those toward a higher person, ``counts[1]`` toward a lower one."""
    q = begin
    while q < end:
        block_end = run_end(packed, q, end)
        seen = 0
        for r in range(q, block_end):
            f = packed[r, FLAGS_COL]
            if f & HAS_EARNED:  # the target trusts the actor
                seen |= 2 if f & ACTOR_LOW else 1
            if f & HAS_STATED:  # the actor trusts the target
                seen |= 1 if f & ACTOR_LOW else 2
        if seen & 1:
            counts[0, packed[q, LOW_COL]] += 1
        if seen & 2:
            counts[1, packed[q, HIGH_COL]] += 1
        q = block_end


@numba.njit(parallel=True, cache=True)
def count_pairs(packed: Any, n_nodes: int) -> tuple[Any, Any, int]:
    """Where the scan cuts the records in two (at a change of pair, so the halves can run
    in parallel), where each half writes each person's pairs, and how many pairs there
    are. ``cursor[h, 0, i]`` is the
    place of half ``h``'s first pair from ``i`` toward a higher person, ``cursor[h, 1, i]``
    toward a lower one, among all pairs sorted by (truster, trustee). Person ``i``'s pairs
    toward lower people come first (all from the halves' earlier buckets, in order), then
    those toward higher people (from ``i``'s own bucket, in order)."""
    size = packed.shape[0]
    cut = np.array([0, size // 2, size], dtype=np.int64)
    if 0 < cut[1] < size:
        cut[1] = run_end(packed, cut[1], size)
    counts = np.zeros((2, 2, n_nodes), dtype=np.int64)
    for h in numba.prange(2):
        _pair_counts(packed, cut[h], cut[h + 1], counts[h])
    cursor = np.empty((2, 2, n_nodes), dtype=np.int64)
    at = 0
    for i in range(n_nodes):
        for kind in (1, 0):  # toward lower people first
            for h in range(2):
                cursor[h, kind, i] = at
                at += counts[h, kind, i]
    return cut, cursor, at


@numba.njit(parallel=True, cache=True)
def scan(
    packed: Any, cut: Any, cursor: Any, ceiling: float, bonus: float, rows: Any, pairs: Any
) -> None:
    """Every row's pair and contribution into ``rows`` (one record per row: pair index,
    contribution as float64 bits), and every pair's record into ``pairs`` (truster, trustee,
    first and last time, row count, then r, s, judged r and judged s as float64 bits), each
    at its place among the pairs sorted by (truster, trustee) as ``count_pairs``'s cursors
    give it. Records, not columns: each is written at a random place, once, in one line of
    cache rather than one per column."""
    for h in numba.prange(2):
        _scan_range(packed, cut[h], cut[h + 1], cursor[h], ceiling, bonus, pairs)
    real = packed.view(np.float64)
    row_real = rows.view(np.float64)
    for p in numba.prange(packed.shape[0]):  # each record's contributions and pairs to its rows
        both, f = packed[p, ROWS_COL], packed[p, FLAGS_COL]
        if f & HAS_EARNED:
            row = both // ROW_BASE - 1
            rows[row, 0] = packed[p, KEY_COL]
            row_real[row, 1] = real[p, EARNED_COL]
        if f & HAS_STATED:
            row = both % ROW_BASE - 1
            rows[row, 0] = packed[p, HIGH_COL]
            row_real[row, 1] = real[p, STATED_COL]


@numba.njit(cache=True)
def _scan_range(
    packed: Any, begin: int, end: int, cursor: Any, ceiling: float, bonus: float, pairs: Any
) -> None:
    """The scan of records ``begin .. end - 1``, placing each pair at its truster's cursor
    (``cursor[0]`` toward higher people, ``cursor[1]`` toward lower), which it advances.
    A pair's sums, times and count are gathered while its two people's records go by and
    written once, at its place."""
    pair_real = pairs.view(np.float64)
    factor = np.zeros((2, 4))  # per group: its share, and its share in what judges conduct
    stats = np.zeros((4, 4))  # per group: total, strongest, judged total, judged strongest
    sides = np.zeros((2, 2), np.bool_)  # [all, judged] x [actor lower, actor higher] acted
    acc = np.zeros((2, 4))  # per direction: r, s, judged r, judged s
    span = np.zeros((2, 3), np.int64)  # per direction: first, last, rows
    slot = np.full(2, -1, np.int64)  # per direction: the pair's place
    q = begin
    while q < end:
        block_begin, block_end = q, run_end(packed, q, end)
        acc[:, :] = 0.0
        span[:, 0] = _NO_TIME
        span[:, 1] = -_NO_TIME
        span[:, 2] = 0
        low, high = packed[q, LOW_COL], packed[q, HIGH_COL]
        while q < block_end:
            occasion_end = q + 1
            while occasion_end < block_end and packed[occasion_end, KEY_COL] == packed[q, KEY_COL]:
                occasion_end += 1
            if occasion_end == q + 1:  # one event: each row alone in its group, no exchange
                factor[:, :] = 1.0
            else:
                _occasion_factors(packed, q, occasion_end, ceiling, bonus, stats, sides, factor)
            for p in range(q, occasion_end):
                _contribute(packed, p, factor, acc, span)
            q = occasion_end
        slot[0] = slot[1] = -1
        for higher in range(2):
            if span[higher, 2] == 0:
                continue
            truster_of = high if higher else low
            s = cursor[higher, truster_of]
            cursor[higher, truster_of] = s + 1
            pairs[s, 0], pairs[s, 1] = truster_of, low if higher else high
            pairs[s, 2], pairs[s, 3], pairs[s, 4] = (
                span[higher, 0],
                span[higher, 1],
                span[higher, 2],
            )
            for k in range(4):
                pair_real[s, 5 + k] = acc[higher, k]
            slot[higher] = s
        for p in range(block_begin, block_end):  # each row's pair, over what the scan is done with
            f = packed[p, FLAGS_COL]
            lower_actor = (f & ACTOR_LOW) != 0
            if f & HAS_EARNED:  # the target trusts the actor: truster higher if actor lower
                packed[p, KEY_COL] = slot[1 if lower_actor else 0]
            if f & HAS_STATED:
                packed[p, HIGH_COL] = slot[0 if lower_actor else 1]


@numba.njit(cache=True)
def _occasion_factors(
    packed: Any, q: int, end: int, ceiling: float, bonus: float, stats: Any, sides: Any,
    factor: Any,
) -> None:  # fmt: skip
    """Each of the occasion's four groups' share of its total after saturation and the
    exchange bonus, for all rows (``factor[0]``) and for those judging conduct
    (``factor[1]``)."""
    real = packed.view(np.float64)
    stats[:, :] = 0.0
    sides[:, :] = False
    for p in range(q, end):
        f = packed[p, FLAGS_COL]
        actor_low = (f & ACTOR_LOW) != 0
        for channel in range(2):
            if not f & (HAS_EARNED if channel == 0 else HAS_STATED):
                continue
            d = real[p, EARNED_COL + channel]
            higher = actor_low if channel == 0 else not actor_low
            g = (2 if higher else 0) + (1 if d < 0 else 0)
            stats[g, 0] += abs(d)
            stats[g, 1] = max(stats[g, 1], abs(d))
            judged = channel == 1 or (f & JUDGED_EARNED) != 0
            if judged:
                stats[g, 2] += abs(d)
                stats[g, 3] = max(stats[g, 3], abs(d))
            if d >= 0:
                sides[0, 0 if actor_low else 1] = True
                sides[1, 0 if actor_low else 1] |= judged
    for kind in range(2):
        exchange = 1.0 + bonus * (sides[kind, 0] and sides[kind, 1])
        for g in range(4):
            share = saturated_share(stats[g, 2 * kind], stats[g, 2 * kind + 1], ceiling)
            factor[kind, g] = share * exchange if g % 2 == 0 else share


@numba.njit(cache=True)
def _contribute(packed: Any, p: int, factor: Any, acc: Any, span: Any) -> None:
    """Record ``p``'s rows' contributions (written over its weights), gathered into their
    pairs' sums (``acc``) and times and counts (``span``), per direction."""
    real = packed.view(np.float64)
    f = packed[p, FLAGS_COL]
    actor_low = (f & ACTOR_LOW) != 0
    time = packed[p, TIME_COL]
    for channel in range(2):
        if not f & (HAS_EARNED if channel == 0 else HAS_STATED):
            continue
        d = real[p, EARNED_COL + channel]
        higher = 1 if (actor_low if channel == 0 else not actor_low) else 0
        g = higher * 2 + (1 if d < 0 else 0)
        c = d * factor[0, g]
        real[p, EARNED_COL + channel] = c
        if c > 0:
            acc[higher, 0] += c
        elif c < 0:
            acc[higher, 1] -= c
        if channel == 1 or f & JUDGED_EARNED:
            cj = d * factor[1, g]
            if cj > 0:
                acc[higher, 2] += cj
            elif cj < 0:
                acc[higher, 3] -= cj
        span[higher, 0] = min(span[higher, 0], time)
        span[higher, 1] = max(span[higher, 1], time)
        span[higher, 2] += 1
