"""The scan from events sorted by occasion to every row's contribution and every pair's
sums: the heart of :mod:`goodwill.trust.evidence_fast`.

Every evidence row of an event (both channels) falls in the event's occasion (unordered
pair of people, window), and every saturation group (truster, trustee, sign, window) and
every exchange lies inside one occasion. So one walk over the words of
:func:`~goodwill.trust.occasion_keys.sort_by_occasion` does it all:

* per occasion, at most four saturation groups (two directions, two signs) and whether it
  is an exchange, then each row's contribution, written back over the event's weights in
  its record, with its pair's place over its time and flags;
* per unordered pair (a run of occasions), the two ordered pairs' sums, written once, at
  their place among the pairs sorted by (truster, trustee).

The places come from :func:`~goodwill.trust.evidence_places.count_pairs`. The partitions
are cut into one group per thread, balanced by records; each group keeps its own cursors.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from goodwill.trust.evidence_kernel import (
    ACTOR_LOW,
    HAS_EARNED,
    HAS_STATED,
    JUDGED_EARNED,
    saturated_share,
)
from goodwill.trust.evidence_places import REC_PAIR_EARNED, REC_PAIR_STATED, pair_end
from goodwill.trust.occasion_keys import REC_FLAGS, REC_TIME

__all__ = ["scan"]

_NO_TIME = np.iinfo(np.int64).max


@numba.njit(parallel=True, cache=True)
def scan(
    words: Any, start: Any, cut: Any, ordered: Any, cursor: Any,
    index_bits: int, window_bits: int, high_bits: int, low_key_bits: int,
    ceiling: float, bonus: float, staging: Any, bucket_shift: int, staged: Any,
    truster: Any, trustee: Any, first: Any, last: Any, events: Any, sums: Any,
) -> None:  # fmt: skip
    """Every row's contribution and pair into its record in ``ordered``; every pair's
    columns (``sums``: r, s, judged r, judged s) at its place if it is toward a higher
    person, else as a record in ``staged`` for
    :func:`~goodwill.trust.evidence_places.place_staged`. (Arrays come one by
    one: a parallel loop's writes into arrays unpacked from a tuple argument are lost in
    numba 0.6x.)

    The scan meets pairs toward higher people in their order, so their columns are written
    as a few streams; pairs toward lower people land all over, and written straight to
    nine columns they cost nine misses each (and reading their cursor a tenth, which stalls
    the scan). Staged by bucket of trusters (a thousand streams, which the caches absorb)
    they cost one write here and one read there, and each bucket's places then lie close
    together. Their rows meanwhile name them by where they are staged (``-1 - staged
    position``), which the rows pass reads through ``place``."""
    for g in numba.prange(cut.size - 1):
        _scan_group(words, start, cut[g], cut[g + 1], ordered, cursor[g],
                    index_bits, window_bits, high_bits, low_key_bits, ceiling, bonus,
                    staging[g], bucket_shift, staged,
                    truster, trustee, first, last, events, sums)  # fmt: skip


@numba.njit(cache=True)
def _scan_group(
    words: Any, start: Any, first_partition: int, end_partition: int, ordered: Any,
    cursor: Any, index_bits: int, window_bits: int, high_bits: int, low_key_bits: int,
    ceiling: float, bonus: float, staging: Any, bucket_shift: int, staged: Any,
    truster: Any, trustee: Any, first: Any, last: Any, events: Any, sums: Any,
) -> None:  # fmt: skip
    """The scan of one group's partitions. A pair's sums, times and count are gathered
    while its two people's records go by and written once (see :func:`scan`)."""
    staged_real = staged.view(np.float64)
    real = ordered.view(np.float64)
    high_mask = (np.int64(1) << high_bits) - 1
    pair_shift = index_bits + window_bits
    factor = np.zeros((2, 4))  # per group: its share, and its share in what judges conduct
    stats = np.zeros((4, 4))  # per group: total, strongest, judged total, judged strongest
    sides = np.zeros((2, 2), np.bool_)  # [all, judged] x [actor lower, actor higher] acted
    acc = np.zeros((2, 4))  # per direction: r, s, judged r, judged s
    span = np.zeros((2, 3), np.int64)  # per direction: first, last, rows
    slot = np.zeros(2, np.int64)  # per direction: the pair's place
    for p in range(first_partition, end_partition):
        q, end = start[p], start[p + 1]
        while q < end:
            block_end = pair_end(words, q, end, pair_shift)
            pair = (p << (low_key_bits - window_bits)) | (words[q] >> pair_shift)
            low, high = pair >> high_bits, pair & high_mask
            slot[0] = cursor[0, low]
            slot[1] = -1 - staging[high >> bucket_shift]  # where it is staged, for now
            for h in range(2):  # (loops: numba's slice assignments cost more here)
                acc[h, 0] = acc[h, 1] = acc[h, 2] = acc[h, 3] = 0.0
                span[h, 0], span[h, 1], span[h, 2] = _NO_TIME, -_NO_TIME, 0
            while q < block_end:
                occasion = words[q] >> index_bits
                occasion_end = q + 1
                while occasion_end < block_end and words[occasion_end] >> index_bits == occasion:
                    occasion_end += 1
                if occasion_end == q + 1:  # one event: each row alone in its group, no exchange
                    for k in range(4):
                        factor[0, k] = factor[1, k] = 1.0
                else:
                    _occasion_factors(ordered, real, q, occasion_end, ceiling, bonus, stats,
                                      sides, factor)  # fmt: skip
                for r in range(q, occasion_end):
                    _contribute(ordered, real, r, factor, acc, span, slot)
                q = occasion_end
            for higher in range(2):
                if span[higher, 2] == 0:
                    continue
                _emit(higher, low, high, slot[higher], cursor, staging, bucket_shift, staged,
                      staged_real, truster, trustee, first, last, events, sums,
                      acc[higher, 0], acc[higher, 1], acc[higher, 2], acc[higher, 3],
                      span[higher, 0], span[higher, 1], span[higher, 2])  # fmt: skip


@numba.njit(cache=True, inline="always")
def _emit(
    higher: int, low: int, high: int, place: int, cursor: Any, staging: Any, bucket_shift: int,
    staged: Any, staged_real: Any,
    truster: Any, trustee: Any, first: Any, last: Any, events: Any, sums: Any,
    gained: float, lost: float, judged_gained: float, judged_lost: float,
    first_us: int, last_us: int, n: int,
) -> None:  # fmt: skip
    """One ordered pair's columns (r, s, judged r and s, times, rows): at ``place`` if it is toward a higher person,
    else staged in its truster's bucket."""
    if higher:
        at = staging[high >> bucket_shift]
        staging[high >> bucket_shift] = at + 1
        staged[at, 0], staged[at, 1] = high, low
        staged[at, 2], staged[at, 3], staged[at, 4] = first_us, last_us, n
        staged_real[at, 5], staged_real[at, 6] = gained, lost
        staged_real[at, 7], staged_real[at, 8] = judged_gained, judged_lost
        return
    cursor[0, low] = place + 1
    truster[place], trustee[place] = low, high
    first[place], last[place], events[place] = first_us, last_us, n
    sums[0, place], sums[1, place] = gained, lost
    sums[2, place], sums[3, place] = judged_gained, judged_lost


@numba.njit(cache=True)
def _occasion_factors(
    records: Any, real: Any, q: int, end: int, ceiling: float, bonus: float, stats: Any,
    sides: Any, factor: Any,
) -> None:  # fmt: skip
    """Each of the occasion's four groups' share of its total after saturation and the
    exchange bonus, for all rows (``factor[0]``) and for those judging conduct
    (``factor[1]``). ``real``: the records read as float64."""
    for g in range(4):
        stats[g, 0] = stats[g, 1] = stats[g, 2] = stats[g, 3] = 0.0
    sides[0, 0] = sides[0, 1] = sides[1, 0] = sides[1, 1] = False
    for i in range(q, end):
        f = records[i, REC_FLAGS]
        actor_low = (f & ACTOR_LOW) != 0
        for channel in range(2):
            if not f & (HAS_EARNED if channel == 0 else HAS_STATED):
                continue
            d = real[i, channel]
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


@numba.njit(cache=True, inline="always")
def _contribute(
    records: Any, real: Any, i: int, factor: Any, acc: Any, span: Any, slot: Any
) -> None:
    """Record ``i``'s rows' contributions and pairs, written over it, and gathered
    into their pairs' sums (``acc``), times and counts (``span``), per direction."""
    f = records[i, REC_FLAGS]
    time = records[i, REC_TIME]
    actor_low = (f & ACTOR_LOW) != 0
    for channel in range(2):
        if not f & (HAS_EARNED if channel == 0 else HAS_STATED):
            continue
        d = real[i, channel]
        higher = 1 if (actor_low if channel == 0 else not actor_low) else 0
        g = higher * 2 + (1 if d < 0 else 0)
        c = d * factor[0, g]
        real[i, channel] = c
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
    # over the time and flags, now read: each row's pair (the rows pass reads flags anew)
    records[i, REC_PAIR_EARNED] = slot[1 if actor_low else 0]
    records[i, REC_PAIR_STATED] = slot[0 if actor_low else 1]
